"""``python -m briefgen ...``: the same as the ``briefgen`` command."""

from briefgen.cli.launch import main

main()
