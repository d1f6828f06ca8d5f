"""A profile heading whose entity has a right-to-left name: "<name> (person; also <alias>)" runs
left to right, the name and alias each isolated in their own direction (tester: the PDF and HTML
read "(خالد المنصوري person; also) خالد المنصوري", the English part reordered in a right-to-left line)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

NAME = "خالد المنصوري"
ENTITY = f"""\
  - id: khalid-rtl
    name: {NAME}
    kind: person
    aliases: [{NAME}, أبو خالد]
    description: Alleged negotiator.
"""


def test_profile_details_isolate_right_to_left_aliases_and_country() -> None:
    from types import SimpleNamespace

    from briefgen.document.sections import profiles
    from briefgen.model.models import Entity
    from briefgen.model.tlp import TLP

    entity = Entity(id="k", name=NAME, kind="person", aliases=[NAME, "Abu K"], country="مصر")
    marker = SimpleNamespace(level=lambda uses, *also: TLP.CLEAR)
    section = SimpleNamespace(id="actors", entities=(entity,), section=SimpleNamespace(tlp=TLP.CLEAR))
    (profile,) = profiles(SimpleNamespace(marker=marker), section)
    assert profile.name == NAME  # the name itself unchanged: each edition isolates it in its heading
    assert profile.details == f"person; \u2068مصر\u2069; also \u2068{NAME}\u2069, Abu K"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    root = tmp_path_factory.mktemp("profile-rtl")
    for part in ("specs", "assets"):
        shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns("__pycache__", ".briefgen-cache"))
    (root / "briefgen.toml").write_text("")
    kb = root / "assets" / "kb" / "entities.yaml"
    kb.write_text(kb.read_text().replace("entities:\n", "entities:\n" + ENTITY, 1), encoding="utf-8")
    spec = root / "specs" / "peru-china.yaml"
    spec.write_text(spec.read_text().replace("entities: [lopez-aliaga,", "entities: [khalid-rtl, lopez-aliaga,"))
    out = tmp_path_factory.mktemp("profile-rtl-out")
    build_prepared(prepare(spec), "analyst", BuildOptions(out_dir=out, cache_dir=tmp_path_factory.mktemp("c"),
                                                          formats=("pdf", "html")))
    return out


@pytest.mark.slow
def test_html_heading_runs_left_to_right_with_the_name_in_bdi(built: Path) -> None:
    html = next(built.glob("*.html")).read_text(encoding="utf-8")
    profile = html[html.index('data-entity="khalid-rtl"'):]
    heading = profile[profile.index("<p"):profile.index("</p>") + 4]
    ar = '<span lang="ar">{}</span>'.format
    assert heading == (f'<p><strong><bdi dir="rtl">{ar(NAME)}</bdi></strong> <span class="muted">(person; also '
                       f"<bdi>{ar(NAME)}</bdi>, <bdi>{ar('أبو خالد')}</bdi>)</span></p>")  # no dir="rtl" on the line


@pytest.mark.slow
def test_pdf_heading_draws_the_name_first_then_the_english_details(built: Path) -> None:
    pdf = next(built.glob("*.pdf"))
    boxes = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    words = [(float(x0), float(y0), float(x1), w) for x0, y0, x1, w in
             re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', boxes)]
    lines: dict[float, list] = {}
    for w in words:
        lines.setdefault(round(w[1]), []).append(w)
    latin = {y: [w for w in sorted(line) if w[3].isascii()] for y, line in lines.items()}
    heading = [line for line in latin.values() if [w[3] for w in line] == ["(person;", "also"]]
    assert len(heading) == 1  # not "person;" "also)": the brackets stay around the details, in order
    assert not [line for line in latin.values() if [w[3] for w in line] == ["person;", "also)"]]
    name_width = 60  # about the bold name's width, before the details, from the left margin
    assert heading[0][0][0] < 56 + name_width + 30  # not pushed to the right edge of a right-to-left line
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert NAME in text.translate({c: None for c in range(0x202A, 0x202F)})
