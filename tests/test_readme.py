"""The README stays true: its key reference is current and its commands exist."""

from __future__ import annotations

from pathlib import Path

from briefgen.cli.keydoc import END, START, reference

README = Path(__file__).resolve().parent.parent / "README.md"


def test_key_reference_is_current():
    text = README.read_text(encoding="utf-8")
    current = text.split(START, 1)[1].split(END, 1)[0].strip()
    assert current == reference().strip(), "run: python -m briefgen.cli.keydoc README.md"


def test_readme_opens_with_the_two_commands():
    lines = README.read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("```sh") + 1: lines.index("```sh") + 3]
    assert block[0].endswith("briefgen build specs/peru-china.yaml --all-audiences --format pdf,html")
    assert block[1].endswith("python -m pytest -q")
    ci = (README.parent / ".ci" / "run").read_text()
    assert block[1] in ci


def _slug(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to '-'."""
    import re

    text = re.sub(r"[`*_]", "", heading.strip().lower())
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def test_every_link_to_a_heading_of_the_readme_resolves():
    import re

    text = re.sub(r"^```.*?^```", "", README.read_text(encoding="utf-8"), flags=re.M | re.S)  # code blocks
    anchors = {_slug(m.group(1)) for m in re.finditer(r"^#+ (.+)$", text, flags=re.M)}
    prose = re.sub(r"`[^`\n]*`", "", text)  # inline code: examples, not links
    links = set(re.findall(r"\]\(#([^)]+)\)", prose))
    assert links and not sorted(links - anchors)
