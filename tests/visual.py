"""Visual regression: chosen pages of the example briefing against committed reference images.

Pages (``PAGES``): the analyst PDF's page 1 (cover), 2 (contents, bottom line, key
judgments) and 6 (network and bar charts), and page 1 of the executive and the public PDF.
Each is rendered with pypdfium2 at ``DPI`` (50) dots per inch to 8-bit grayscale and
compared with ``tests/references/<audience>-p<page>.png``.

Tolerances (``d`` = absolute grey-level difference of a pixel, 0-255):

* the image size must match exactly (a changed paper size or page box fails);
* at most ``MAX_FRACTION`` = 0.01 % of the pixels (about 24 on an A4 page) may differ by
  more than ``PIXEL_DELTA`` = 32 grey levels;
* the mean of ``d`` over the page must be at most ``MAX_MEAN`` = 0.05 grey levels.

Why these numbers (measured on these five pages): the same PDFs rendered by pdfium 6462
(pypdfium2 4.30, the oldest version pyproject allows) and by pdfium 7.x (pypdfium2 5.15)
differ by at most 16 grey levels on any pixel and by 0.001-0.015 on average: that is font
hinting and anti-aliasing noise, and it passes (no pixel over 32). One changed word in the
bottom line ("behind" -> "beside", executive page 1) makes 0.22 % of the pixels differ by
more than 32 levels (20 times the allowance) and a mean of 0.19; a 20 x 15 px outlined box
makes 0.03 % (3 times); the bottom-line paragraph moved down by 3 px (1 mm) makes 6.5 %.
A lighter or darker tint over a large area is caught by the mean. The references are made
with the pypdfium2 in use; a much older or newer pdfium may need a refresh.

When a page fails, the rendered page (``*-actual.png``) and a diff image
(``*-diff.png``: the reference faded, differing pixels red) are written to a temporary
folder named in the failure message.

Refresh the references after an intended change of the layout, fonts or theme (from the
repository root)::

    python -m tests.visual --refresh        # or: python tests/visual.py --refresh

It builds the example (every audience) into a temporary folder with a fresh chart cache
and rewrites the PNGs; look at them (and ``git diff --stat tests/references``) before
committing. ``python -m tests.visual --check`` builds and compares without writing,
printing the measures of every page.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if __name__ == "__main__" and str(REPO) not in sys.path:  # python tests/visual.py
    sys.path.insert(0, str(REPO))

EXAMPLE_SPEC = REPO / "specs" / "peru-china.yaml"
REFERENCES = REPO / "tests" / "references"

DPI = 50
PIXEL_DELTA = 32        # grey levels: a pixel "differs" when |actual - reference| is larger
MAX_FRACTION = 0.0001   # of the pixels may differ (0.01 %)
MAX_MEAN = 0.05         # grey levels, mean absolute difference over the page

PAGES: tuple[tuple[str, int], ...] = (
    ("analyst", 1), ("analyst", 2), ("analyst", 6), ("executive", 1), ("public", 1))


def reference_name(audience: str, page: int) -> str:
    return f"{audience}-p{page}"


def reference_path(audience: str, page: int) -> Path:
    return REFERENCES / f"{reference_name(audience, page)}.png"


# --------------------------------------------------------------------------- rendering
def render_page(pdf: bytes | Path, page: int, dpi: int = DPI):
    """Page ``page`` (1-based) of ``pdf`` as a grayscale PIL image at ``dpi``."""
    import pypdfium2 as pdfium

    source = pdf if isinstance(pdf, bytes) else str(pdf)
    doc = pdfium.PdfDocument(source)
    try:
        if not 1 <= page <= len(doc):
            raise ValueError(f"page {page} requested, the PDF has {len(doc)} pages")
        bitmap = doc[page - 1].render(scale=dpi / 72, grayscale=True)
        return bitmap.to_pil().convert("L")
    finally:
        doc.close()


# --------------------------------------------------------------------------- comparison
@dataclass
class Comparison:
    """Measures of one page against its reference; ``ok`` when within every tolerance."""

    name: str
    size_actual: tuple[int, int]
    size_reference: tuple[int, int]
    mean: float = 0.0
    fraction: float = 0.0
    differing: int = 0

    @property
    def same_size(self) -> bool:
        return self.size_actual == self.size_reference

    @property
    def ok(self) -> bool:
        return self.same_size and self.mean <= MAX_MEAN and self.fraction <= MAX_FRACTION

    def describe(self) -> str:
        if not self.same_size:
            return (f"{self.name}: page image is {self.size_actual[0]}x{self.size_actual[1]} px, "
                    f"the reference {self.size_reference[0]}x{self.size_reference[1]} px")
        return (f"{self.name}: {self.differing} px ({self.fraction:.3%}) differ by more than "
                f"{PIXEL_DELTA} grey levels (allowed {MAX_FRACTION:.3%}); mean difference "
                f"{self.mean:.3f} (allowed {MAX_MEAN})")


def compare(actual, reference, name: str = "page") -> Comparison:
    """Compare two grayscale PIL images (see the module doc for the measures)."""
    import numpy as np

    result = Comparison(name, actual.size, reference.size)
    if not result.same_size:
        return result
    a = np.asarray(actual.convert("L"), dtype=np.int16)
    b = np.asarray(reference.convert("L"), dtype=np.int16)
    d = np.abs(a - b)
    result.mean = float(d.mean())
    result.differing = int((d > PIXEL_DELTA).sum())
    result.fraction = result.differing / d.size
    return result


def diff_image(actual, reference):
    """The reference faded to light grey with every pixel that differs by more than
    ``PIXEL_DELTA`` in red (RGB), for a human to see what changed."""
    import numpy as np
    from PIL import Image

    if actual.size != reference.size:  # show the two side by side instead
        canvas = Image.new("L", (actual.width + reference.width + 10, max(actual.height, reference.height)), 255)
        canvas.paste(reference, (0, 0))
        canvas.paste(actual, (reference.width + 10, 0))
        return canvas.convert("RGB")
    a = np.asarray(actual.convert("L"), dtype=np.int16)
    b = np.asarray(reference.convert("L"), dtype=np.int16)
    faded = (200 + b * 55 // 255).astype(np.uint8)
    rgb = np.stack([faded, faded, faded], axis=-1)
    rgb[np.abs(a - b) > PIXEL_DELTA] = (220, 0, 0)
    return Image.fromarray(rgb, "RGB")


def check_page(pdf: bytes | Path, audience: str, page: int, failures_dir: Path) -> Comparison:
    """Render ``page`` of ``pdf`` and compare it with its reference. On failure write
    ``<name>-actual.png`` and ``<name>-diff.png`` into ``failures_dir``."""
    from PIL import Image

    name = reference_name(audience, page)
    ref_path = reference_path(audience, page)
    if not ref_path.exists():
        raise FileNotFoundError(f"no reference image {ref_path}; run `python -m tests.visual --refresh`")
    actual = render_page(pdf, page)
    with Image.open(ref_path) as im:
        reference = im.convert("L")
    result = compare(actual, reference, name)
    if not result.ok:
        failures_dir.mkdir(parents=True, exist_ok=True)
        actual.save(failures_dir / f"{name}-actual.png")
        diff_image(actual, reference).save(failures_dir / f"{name}-diff.png")
    return result


def failure_message(result: Comparison, failures_dir: Path) -> str:
    return (f"{result.describe()}.\nRendered page and diff written to {failures_dir}/"
            f"{result.name}-actual.png and -diff.png (reference: {reference_path(*_split(result.name))}).\n"
            f"If the change is intended, refresh the references: python -m tests.visual --refresh")


def _split(name: str) -> tuple[str, int]:
    audience, _, page = name.rpartition("-p")
    return audience, int(page)


# --------------------------------------------------------------------------- building
def build_example(out_dir: Path, spec: Path = EXAMPLE_SPEC) -> dict[str, Path]:
    """Build every audience of ``spec`` into ``out_dir`` with a fresh chart cache;
    returns audience -> PDF path."""
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare
    from briefgen.resolve.select import audience_names

    prepared = prepare(spec)
    options = BuildOptions(out_dir=out_dir, cache_dir=out_dir / ".chart-cache")
    return {name: build_prepared(prepared, name, options).pdf_path
            for name in audience_names(prepared.loaded.spec)}


def save_reference(image, path: Path) -> None:
    """Write a grayscale PNG, optimised (deterministic for the same pixels)."""
    buf = io.BytesIO()
    image.convert("L").save(buf, format="PNG", optimize=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.getvalue())


def refresh() -> list[Path]:
    """Rebuild the example and rewrite every reference image; returns the paths written."""
    written = []
    with tempfile.TemporaryDirectory(prefix="briefgen-visual-") as tmp:
        pdfs = build_example(Path(tmp))
        for audience, page in PAGES:
            path = reference_path(audience, page)
            save_reference(render_page(pdfs[audience], page), path)
            written.append(path)
    return written


def check() -> bool:
    """Rebuild the example and compare every page; print the measures. True if all pass."""
    failures_dir = Path(tempfile.mkdtemp(prefix="briefgen-visual-failures-"))
    ok = True
    with tempfile.TemporaryDirectory(prefix="briefgen-visual-") as tmp:
        pdfs = build_example(Path(tmp))
        for audience, page in PAGES:
            result = check_page(pdfs[audience], audience, page, failures_dir)
            ok = ok and result.ok
            print(("ok    " if result.ok else "FAIL  ") + result.describe())
    if not ok:
        print(f"rendered pages and diffs of the failures: {failures_dir}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.visual", description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--refresh", action="store_true", help="rebuild the example and rewrite the reference images")
    group.add_argument("--check", action="store_true", help="rebuild the example and compare with the references")
    args = parser.parse_args(argv)
    if args.refresh:
        paths = refresh()
        total = sum(p.stat().st_size for p in paths)
        for p in paths:
            print(f"wrote {p.relative_to(REPO)}  {p.stat().st_size / 1024:.0f} KB")
        print(f"{len(paths)} reference images, {total / 1024:.0f} KB in all")
        return 0
    return 0 if check() else 1


if __name__ == "__main__":
    sys.exit(main())
