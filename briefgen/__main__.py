"""``python -m briefgen ...``: the same as the ``briefgen`` command."""

from .launch import main

main()
