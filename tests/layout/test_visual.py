"""Visual regression of the example briefing (tolerances and refresh: see tests/visual.py).

After an intended change of layout, fonts or theme: ``python -m tests.visual --refresh``.
"""

from __future__ import annotations

from math import ceil

import pytest
import visual
from conftest import EXAMPLE_SPEC


@pytest.mark.parametrize("audience,page", visual.PAGES, ids=[visual.reference_name(*p) for p in visual.PAGES])
def test_page_matches_reference(built, audience, page, tmp_path_factory):
    failures = tmp_path_factory.mktemp("visual-failures")
    result = visual.check_page(built[audience].pdf, audience, page, failures)
    assert result.ok, visual.failure_message(result, failures)


def test_references_are_small_grayscale_pngs_at_the_stated_dpi():
    from PIL import Image

    paths = [visual.reference_path(*p) for p in visual.PAGES]
    assert sum(p.stat().st_size for p in paths) < 1024 * 1024
    for p in paths:
        with Image.open(p) as im:
            assert im.format == "PNG" and im.mode == "L", p
            # A4 (595 x 842 pt) or letter (612 x 792 pt) at DPI
            assert im.size in {(ceil(595.28 * visual.DPI / 72), ceil(841.89 * visual.DPI / 72)),
                               (ceil(612 * visual.DPI / 72), ceil(792 * visual.DPI / 72))}, (p, im.size)


# ----------------------------------------------------------------- the comparison can fail
@pytest.fixture(scope="module")
def reference():
    from PIL import Image

    with Image.open(visual.reference_path("analyst", 2)) as im:
        return im.convert("L")


def test_identical_images_pass(reference):
    result = visual.compare(reference.copy(), reference)
    assert result.ok and result.differing == 0 and result.mean == 0


def test_sparse_antialiasing_noise_passes(reference):
    """Noise like that measured between pdfium builds (see tests/visual.py): 1 % of the
    anti-aliased pixels off by up to 16 grey levels."""
    import numpy as np
    from PIL import Image

    a = np.asarray(reference, dtype=np.int16).copy()
    edges = np.argwhere((a > 0) & (a < 255))
    rng = np.random.default_rng(5)
    picked = edges[rng.choice(len(edges), size=len(edges) // 100, replace=False)]
    a[picked[:, 0], picked[:, 1]] += rng.integers(-16, 17, size=len(picked))
    noisy = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "L")
    result = visual.compare(noisy, reference)
    assert result.ok, result.describe()


def test_moved_paragraph_fails(reference):
    """The band holding the bottom line moved down by 3 px (= 1 pt at 50 dpi, ~1 mm)."""
    moved = reference.copy()
    box = (0, 270, reference.width, 420)
    band = reference.crop(box)
    moved.paste(255, box)
    moved.paste(band, (0, 273))
    result = visual.compare(moved, reference)
    assert not result.ok
    assert result.fraction > 10 * visual.MAX_FRACTION, result.describe()


def test_small_box_and_size_change_fail(reference):
    from PIL import ImageDraw

    boxed = reference.copy()
    ImageDraw.Draw(boxed).rectangle((300, 500, 320, 515), outline=0)
    assert not visual.compare(boxed, reference).ok
    assert not visual.compare(reference.resize((reference.width, reference.height + 1)), reference).ok


def test_failure_writes_actual_and_diff_images(tmp_path, reference):
    from reportlab.pdfgen.canvas import Canvas

    blank = tmp_path / "blank.pdf"

    canv = Canvas(str(blank), pagesize=(595.2756, 841.8898))
    canv.showPage()
    canv.showPage()
    canv.save()
    out = tmp_path / "failures"
    result = visual.check_page(blank.read_bytes(), "analyst", 2, out)
    assert not result.ok
    assert (out / "analyst-p2-actual.png").exists() and (out / "analyst-p2-diff.png").exists()
    message = visual.failure_message(result, out)
    assert str(out) in message and "--refresh" in message


def test_one_changed_word_in_the_bottom_line_fails(example_project, tmp_path, tmp_path_factory):
    """The real pipeline: a copy of the example project passes; the same copy whose bottom
    line says "beside" instead of "behind" fails on executive page 1."""
    from briefgen.pipeline.build import BuildOptions, build

    spec = example_project / "specs" / EXAMPLE_SPEC.name
    options = BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path_factory.mktemp("cache"))
    failures = tmp_path / "failures"

    unchanged = visual.check_page(build(spec, "executive", options).pdf, "executive", 1, failures)
    assert unchanged.ok, visual.failure_message(unchanged, failures)

    text = spec.read_text(encoding="utf-8")
    old, new = "capital now stands behind Peru's", "capital now stands beside Peru's"
    assert text.count(old) == 1, "the example's bottom line changed: pick another word for this test"
    spec.write_text(text.replace(old, new), encoding="utf-8")
    changed = visual.check_page(build(spec, "executive", options).pdf, "executive", 1, failures)
    assert changed.same_size
    assert not changed.ok, changed.describe()
    assert changed.fraction > 2 * visual.MAX_FRACTION, changed.describe()
    assert (failures / "executive-p1-diff.png").exists()
