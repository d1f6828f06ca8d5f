"""An audience without ``paper:`` is printed on its theme's ``page.size`` (the key reference:
"Paper size when the audience does not name one"); one that names its paper keeps it.
Read back from the PDF's page size, the manifest and ``briefgen audiences --json``."""

from __future__ import annotations

import json
import re
import shutil

import pypdf
from conftest import REPO, run_cli


def _letter_theme_starter(starter):
    """The starter project with a copy of the built-in theme set to letter paper, named by the
    spec, and audiences that name no paper except ``analyst`` (A4)."""
    theme = starter / "specs" / "letter.yaml"
    shutil.copy(REPO / "assets" / "themes" / "default.yaml", theme)
    text = theme.read_text(encoding="utf-8").replace("../fonts/", "builtin:fonts/")
    theme.write_text(re.sub(r"(?m)^  size: A4$", "  size: letter", text), encoding="utf-8")
    spec = starter / "specs" / "calder-bay.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("\nknowledge_base:", "\ntheme: letter.yaml\nknowledge_base:", 1), encoding="utf-8")
    audiences = starter / "specs" / "audiences.yaml"
    text = audiences.read_text(encoding="utf-8")
    public = text.index("  public:")
    audiences.write_text(text[:public] + text[public:].replace("    paper: A4\n", "", 1), encoding="utf-8")
    return spec


def test_an_audience_without_paper_gets_its_themes_page_size(starter):
    spec = _letter_theme_starter(starter)
    result = run_cli("audiences", spec, "--json")
    assert result.exit_code == 0, result.output
    papers = {a["name"]: a["paper"] for a in json.loads(result.stdout)["audiences"]}
    assert papers == {"analyst": "A4", "public": "letter"}

    result = run_cli("build", spec, "--all-audiences", "-o", starter / "out", "--no-edition")
    assert result.exit_code == 0, result.output
    for audience, size in (("public", (612, 792)), ("analyst", (595, 842))):
        page = pypdf.PdfReader(starter / "out" / f"calder-bay--{audience}.pdf").pages[0]
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == size
        manifest = json.loads((starter / "out" / f"calder-bay--{audience}.json").read_text(encoding="utf-8"))
        assert manifest["paper"] == {"public": "letter", "analyst": "A4"}[audience]
