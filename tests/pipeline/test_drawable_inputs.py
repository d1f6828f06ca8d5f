"""Inputs ``validate`` passed but the build could not draw: huge figure numbers (bar charts,
CSV data), dates a timeline's axis cannot reach, image files that are no whole PNG or JPEG.
Each is now a located problem from ``validate`` and from ``build`` before it draws (exit 2),
through the CLI; and an image that fails in the layout all the same is named as its figure
(:mod:`briefgen.pipeline.figure_checks`, :mod:`~briefgen.pipeline.time_checks`,
:mod:`~briefgen.pipeline.image_checks`, :mod:`briefgen.layout.failures`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO
from conftest import run_cli as cli

SPEC = "specs/calder-bay.yaml"






def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _errors(command: str) -> list[dict]:
    result = cli(command, SPEC, "--json")
    assert result.exit_code == 2, result.output
    return json.loads(result.stdout)["errors"]


# --------------------------------------------------------------------------- figure numbers
BUDGET = "{label: North Quay budget, value: 420, unit: million, currency: EUR}"


@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_figure_too_large_to_print_or_draw_is_located_at_its_value(starter, command):
    _edit(starter / "kb" / "claims.yaml", BUDGET, BUDGET.replace("420", "1e308"))
    (error,) = _errors(command)
    assert (error["file"], error["line"], error["column"], error["key"], error["code"]) == (
        "kb/claims.yaml", 42, 43, "claims[3].figures[0].value", "figure-magnitude")
    assert error["message"].startswith("claim 'c-north-quay-cost' figure 'North Quay budget': value 1e+308 is too "
                                       "large to print or chart exactly")
    assert (error["expected"], error["got"], error["suggestion"]) == (
        "a number from -1e+15 to 1e+15 in the figure's unit", "1e+308", "")  # no unit makes 1e308 printable
    assert not (starter / "output").exists()


def test_a_large_figure_gets_the_same_number_in_trillions_as_did_you_mean(starter):
    _edit(starter / "kb" / "claims.yaml", BUDGET, BUDGET.replace("value: 420", "low: 3e17, high: 4e17"))
    errors = _errors("validate")
    assert [(e["key"], e["suggestion"]) for e in errors] == [
        ("claims[3].figures[0].low", "3e+11 trillion"), ("claims[3].figures[0].high", "4e+11 trillion")]


def test_a_figure_at_the_limit_passes(starter):
    _edit(starter / "kb" / "claims.yaml", BUDGET, BUDGET.replace("420", "-1e15"))
    result = cli("validate", SPEC, "--json")
    assert result.exit_code == 0, result.output


def test_a_csv_number_too_large_to_chart_is_located_at_its_line(starter):
    _edit(starter / "data" / "monthly-teu.csv", "Q2,395,", "Q2,1e200,")
    (error,) = _errors("validate")
    assert (error["file"], error["line"], error["key"], error["got"], error["expected"]) == (
        "data/monthly-teu.csv", 5, "sections[4].charts[3].csv", "'1e200'", "a number from -1e+15 to 1e+15")
    assert error["message"].startswith("column '2023': too large to chart exactly")


@pytest.mark.slow
def test_the_build_of_a_huge_figure_prints_the_problem_and_no_library_warning(starter):
    _edit(starter / "kb" / "claims.yaml", BUDGET, BUDGET.replace("420", "1e308"))
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run([sys.executable, "-m", "briefgen.cli.app", "build", SPEC], cwd=starter, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "kb/claims.yaml:42:43" in proc.stdout + proc.stderr
    assert "Warning" not in proc.stderr and "Traceback" not in proc.stderr and "drawing failed" not in proc.stdout


# --------------------------------------------------------------------------- timeline dates
STRIKE_DATE = "    date: 2024-11-18\n"  # c-strike, a milestone on the timeline chart


@pytest.mark.parametrize(("date", "year"), [("9999-12-31", "9999"), ("0001-01-15", "0001"), ("9999", "9999")])
@pytest.mark.parametrize("command", ["validate", "build"])
def test_a_timeline_event_dated_beyond_the_axis_is_located_at_its_date(starter, command, date, year):
    _edit(starter / "kb" / "claims.yaml", STRIKE_DATE, f"    date: {date}\n")
    (error,) = [e for e in _errors(command) if e["code"] == "timeline-date"]
    assert (error["file"], error["line"], error["column"], error["key"]) == (
        "kb/claims.yaml", 60, 11, "claims[5].date")
    assert (error["expected"], error["got"]) == ("a date in the years 0002 to 9998", f"year {year}")
    assert "timeline chart 'fig-timeline'" in error["message"]


def test_dates_at_the_ends_of_the_axis_pass_and_a_claim_no_timeline_shows_is_not_checked(starter):
    claims = starter / "kb" / "claims.yaml"
    _edit(claims, STRIKE_DATE, "    date: 9998-12-31\n    timing: planned\n")
    _edit(claims, "    date: 2024-03\n", "    date: 9999-12\n    timing: planned\n")  # c-north-quay-cost: a bar
    result = cli("validate", SPEC, "--json")
    assert result.exit_code == 0, result.output


# --------------------------------------------------------------------------- image figures
def _with_image(project: Path, name: str, data: bytes, *, twice: bool = False) -> None:
    (project / "img").mkdir(exist_ok=True)
    (project / "img" / name).write_bytes(data)
    line = f"      - {{id: img-a, path: ../img/{name}, title: A picture, source: 'Source: us', alt: a page}}\n"
    if twice:
        line += line.replace("img-a", "img-b")
    _edit(project / SPEC, "        height: 2.4\n\n  - id: claims",
          f"        height: 2.4\n    images:\n{line}\n  - id: claims")


def _png(fmt: str = "PNG") -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.radial_gradient("L").convert("RGB").save(out, fmt)
    return out.getvalue()


BAD_IMAGES = {
    "garbage.png": (bytes(range(256)) * 8, "image '../img/garbage.png' is not an image file briefgen can read",
                    "binary data of another kind (first bytes 00 01 02 03 04 05 06 07)"),
    "notes.png": (b"not a png, only words\nand a second line\n",
                  "image '../img/notes.png' is not an image file briefgen can read",
                  "a text file starting 'not a png, only words an...'"),
    "page.jpg": (b"<!DOCTYPE html><html><body>moved</body></html>",
                 "image '../img/page.jpg' is not an image file briefgen can read",
                 "an HTML page (a web page saved in place of the image?)"),
    "x.svg": (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>\n',
              "image '../img/x.svg' is not an image file briefgen can read",
              "an SVG drawing (vector graphics are not taken as images)"),
    "trunc.png": (_png()[:3000], "image '../img/trunc.png' cannot be decoded (image file is truncated)",
                  "a damaged or truncated file"),
    "trunc.jpg": (_png("JPEG")[:1500], "image '../img/trunc.jpg' cannot be decoded (image file is truncated",
                  "a damaged or truncated file"),
    "pic.gif": (_png("GIF"), "image '../img/pic.gif' is a GIF file, which neither edition can show", "a GIF image"),
}


@pytest.mark.parametrize("name", BAD_IMAGES)
@pytest.mark.parametrize("command", ["validate", "build"])
def test_an_image_that_is_no_whole_png_or_jpeg_is_located_at_its_path(starter, command, name):
    data, message, got = BAD_IMAGES[name]
    _with_image(starter, name, data)
    (error,) = _errors(command)
    assert (error["file"], error["line"], error["column"], error["key"]) == (
        SPEC, 85, 27, "sections[4].images[0].path")
    assert error["message"].startswith(message)
    assert error["expected"].startswith("a PNG or JPEG image") and error["got"] == got
    assert not (starter / "output").exists()


def test_an_image_two_figures_show_is_reported_once(starter):
    _with_image(starter, "trunc.png", _png()[:3000], twice=True)
    (error,) = _errors("validate")
    assert error["key"] == "sections[4].images[0].path"


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_whole_png_and_jpeg_images_pass(starter, fmt):
    _with_image(starter, f"pic.{fmt.lower()}", _png(fmt))
    result = cli("validate", SPEC, "--json")
    assert result.exit_code == 0, result.output


def test_an_image_failing_in_the_layout_is_named_as_its_figure(starter, monkeypatch):
    """A file damaged after ``validate`` read it: the layout's error names the image figure, not
    the flowable ReportLab was placing (a claims table row, before), nor ReportLab's object ids."""
    import briefgen.pipeline.checks

    monkeypatch.setattr(briefgen.pipeline.checks, "image_problem", lambda *args: None)
    _with_image(starter, "trunc.png", _png()[:3000])
    result = cli("build", SPEC, "--format", "pdf", "--json")
    (error,) = json.loads(result.stdout)["errors"]
    assert error["message"] == ("figure 'img-a': cannot read image '../img/trunc.png': image file is truncated; a "
                                "PNG or JPEG image that decodes in full is expected (briefgen validate checks it)")


def test_an_accepted_image_is_not_decoded_again_until_its_bytes_change(starter, project_cache, monkeypatch):
    """Accepted files are kept by their bytes' hash (:mod:`briefgen.pipeline.imagecache`): the next
    ``validate`` neither imports Pillow nor decodes them; a changed file is decoded again."""
    from briefgen.pipeline import image_checks

    png = _png()
    _with_image(starter, "pic.png", png)
    assert cli("validate", SPEC).exit_code == 0
    decode = image_checks._decode

    def decoded_again(*args):
        raise AssertionError("an accepted image was decoded again")

    monkeypatch.setattr(image_checks, "_decode", decoded_again)
    assert cli("validate", SPEC).exit_code == 0
    monkeypatch.setattr(image_checks, "_decode", decode)
    (starter / "img" / "pic.png").write_bytes(png[:3000])
    (error,) = _errors("validate")
    assert (error["key"], error["code"]) == ("sections[4].images[0].path", "image-damaged")
