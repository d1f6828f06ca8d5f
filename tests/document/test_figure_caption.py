"""A figure's caption line: "Figure N. title — caption"; without a caption no dangling dash, whether or not
the audience's variant carries portion marks, in the document model, the PDF and the HTML alike."""

from __future__ import annotations

import re

import pytest
from conftest import pdf_pages_text, squash
from typer.testing import CliRunner

from briefgen.document import model as dm
from briefgen.document.portions import marked

CAPTION = ("        caption: Chancay's opening, the two US locomotive ceremonies and the first reports of López "
           "Aliaga's 2026 ambitions; dates are shown at the precision the sources give.\n")


@pytest.mark.parametrize(("caption", "separator"), [
    ((), ""),                                                    # no caption, no marks
    (marked((), "TLP:CLEAR"), " "),                              # no caption, a portion mark alone
    ((dm.Text("What it shows."),), " — "),
    (marked((dm.Text("What it shows."),), "TLP:AMBER"), " — "),
])
def test_the_separator_follows_what_the_caption_holds(caption, separator):
    assert dm.Figure("f", "Figure", dm.Uses(), "TLP:CLEAR", "here", number=1, title="Timeline",
                     caption=caption).caption_separator == separator


@pytest.fixture(scope="module")
def built_without_caption(tmp_path_factory, copy_example):
    """The example with the timeline's caption taken out, built for the analyst (portion marks on)."""
    root = copy_example(tmp_path_factory.mktemp("no-caption") / "project")
    spec = root / "specs" / "peru-china.yaml"
    text = spec.read_text(encoding="utf-8")
    assert text.count(CAPTION) == 1
    spec.write_text(text.replace(CAPTION, ""), encoding="utf-8")
    from briefgen.cli.app import app

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(root / "cache"))
        mp.chdir(root)
        result = CliRunner().invoke(app, ["build", "specs/peru-china.yaml", "-a", "analyst", "--format", "pdf,html",
                                          "--no-edition", "-o", str(root / "out")])
    assert result.exit_code == 0, result.output
    return root / "out"


@pytest.mark.slow
def test_no_dangling_dash_in_the_html(built_without_caption):
    html = (built_without_caption / "peru-china--analyst.html").read_text(encoding="utf-8")
    captions = re.findall(r'<p class="caption">(.*?)</p>', html, re.S)
    timeline = next(c for c in captions if "Figure 1." in c)
    assert re.sub(r"<[^>]+>", "", timeline) == "Figure 1. Key events, November 2024 to April 2025 (TLP:CLEAR) "
    assert all(" — " in c for c in captions if "Figure 1." not in c)  # the captioned figures keep theirs


@pytest.mark.slow
def test_no_dangling_dash_in_the_pdf(built_without_caption):
    text = squash(" ".join(pdf_pages_text((built_without_caption / "peru-china--analyst.pdf").read_bytes())))
    assert "Figure 1. Key events, November 2024 to April 2025 (TLP:CLEAR)" in text
    assert "April 2025 — (TLP" not in text
