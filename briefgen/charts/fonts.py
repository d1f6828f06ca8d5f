"""Small copies of the chart fonts ("chart subsets"), and which fonts a chart needs.

matplotlib embeds a chart's fonts as TrueType subsets made with fontTools, which reads the
*whole* font file each time: for a 500 KB Noto Sans face that took ~40 ms per face per
chart, most of a chart's saving time. A chart subset keeps everything of the original
font (outlines, metrics, hinting, kerning and every OpenType layout feature, glyph names)
for the characters of :data:`RANGES` (Latin with Latin-1 and Latin Extended-A,
punctuation, currency, letterlike symbols, arrows, mathematical operators, geometric
shapes, miscellaneous symbols, dingbats) and drops the rest (Greek, Cyrillic, Vietnamese,
IPA, ...): ~115 KB, embedded in ~11 ms. Its family name gets the suffix
:data:`FAMILY_SUFFIX`, so it never stands in for the full font by accident; its
PostScript name (shown as the font's name in the PDF) is unchanged.

A subset of ``<folder>/<Name>.ttf`` is ``<Name>.chart-<sha12>.ttf`` where ``sha12`` is the
first 12 hex digits of the SHA-256 of the original file: in the original's folder, or
among the built-in fonts. The built-in fonts' subsets ship in ``assets/fonts``; make them
again (after changing :data:`RANGES` or a font) with::

    python -m briefgen.charts.fonts            # writes assets/fonts/*.chart-*.ttf
    python -m briefgen.charts.fonts FONT.ttf   # a subset beside any other TrueType font

:func:`choose` decides, for the characters of one chart, which font files the chart is
drawn with: each family of the style in order, the subset of a family when it has every
needed character the full font has (so each character comes from the same font as it
would without subsets), and fallback families only when one of them draws a needed
character that the families before it lack (a Han fallback font stays out of a chart
without Han text). Characters missing from every font are left to the coverage check.
A family's subsets are registered with matplotlib under a name of their own, and only
when each of the four faces a chart asks for (regular, bold, italic, bold italic)
resolves to a file of the style under the family's real name: were a face missing from
the style, matplotlib would take another font of that family (a system font, say),
which the subsets cannot replace, and the full fonts are used.
"""

from __future__ import annotations

import hashlib
import os
import sys
from functools import lru_cache
from pathlib import Path

from briefgen.errors import RenderError

RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x017F),  # Latin-1 Supplement, Latin Extended-A
    (0x2000, 0x206F),  # General Punctuation
    (0x20A0, 0x20C0),  # Currency Symbols
    (0x2100, 0x214F),  # Letterlike Symbols
    (0x2190, 0x22FF),  # Arrows, Mathematical Operators
    (0x25A0, 0x27BF),  # Geometric Shapes, Miscellaneous Symbols, Dingbats
)
"""Unicode ranges a chart subset keeps (inclusive)."""

FAMILY_SUFFIX = " briefgen chart subset"
MARK = ".chart-"
MAX_GLYPHS = 12000
"""Fonts with more glyphs (CJK) get no subset: too large to be worth it, and used rarely."""


def builtin_fonts_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "assets" / "fonts"


@lru_cache(maxsize=256)
def _sha256(path: str, size: int, mtime_ns: int) -> str:
    """Hex SHA-256 of a file, cached by path, size and modification time."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _sha12(path: str, size: int, mtime_ns: int) -> str:
    return _sha256(path, size, mtime_ns)[:12]


def sha12(path: str | Path) -> str:
    """First 12 hex digits of the file's SHA-256 (cached by path, size and mtime)."""
    st = os.stat(path)
    return _sha12(os.fsdecode(path), st.st_size, st.st_mtime_ns)


def subset_name(original: str | Path) -> str:
    return f"{Path(original).stem}{MARK}{sha12(original)}.ttf"


@lru_cache(maxsize=256)
def _find_subset(original: str, size: int, mtime_ns: int) -> str | None:
    name = f"{Path(original).stem}{MARK}{_sha12(original, size, mtime_ns)}.ttf"
    for folder in (Path(original).parent, builtin_fonts_dir()):
        candidate = folder / name
        if candidate.is_file():
            return str(candidate)
    return None


def subset_for(original: str | Path) -> str | None:
    """The chart subset of font file ``original``, or None when there is none."""
    try:
        st = os.stat(original)
    except OSError:
        return None
    return _find_subset(os.fsdecode(original), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=64)
def _cmap(path: str) -> frozenset[int]:
    return frozenset(_ft2font(path).get_charmap())


@lru_cache(maxsize=64)
def _family(path: str) -> str:
    return _ft2font(path).family_name


def _ft2font(path: str):
    """matplotlib's FreeType reading of ``path``. Raises RenderError for a file FreeType
    cannot open (a damaged table), as the chart fonts' registration does."""
    from matplotlib.ft2font import FT2Font

    try:
        return FT2Font(path)
    except (OSError, RuntimeError, ValueError) as exc:
        raise RenderError(f"cannot read font file {path}: {exc}") from None


def _ignorable(ch: str) -> bool:
    import unicodedata

    return unicodedata.category(ch)[0] in "CZ"


def chars_of(texts) -> frozenset[str]:
    """The drawable characters of ``texts`` (whitespace and controls left out)."""
    every = {ch for text in texts for ch in str(text)}
    return frozenset(ch for ch in every if not _ignorable(ch))


Choice = tuple[tuple[tuple[str, ...], bool], ...]
"""What :func:`choose` returns: per family kept, the style's faces of it and whether its
subsets may stand in for them."""


def choose(font_files, chars) -> Choice:
    """The families to draw text made of ``chars`` with, from the style's ``font_files``
    (in order; see the module docstring): for each family kept, its faces (font files
    of the style) and whether their subsets have every needed character the faces have.
    The first family is always kept. Whether a subset is really used is decided when
    the fonts are registered (:func:`briefgen.charts.style.register_choice`)."""
    files = [os.fsdecode(p) for p in font_files]
    families: dict[str, list[str]] = {}
    for path in files:
        families.setdefault(_family(path), []).append(path)
    codes = {ord(c) for c in chars}
    out: list[tuple[tuple[str, ...], bool]] = []
    covered: frozenset[int] | None = None  # what every kept family draws (all its faces)
    for faces in families.values():
        maps = [_cmap(f) for f in faces]
        if covered is not None:
            wanted = codes - covered
            if not any(wanted & m for m in maps):
                continue  # adds nothing this chart needs
        subsets = [subset_for(f) for f in faces]
        usable = all(subsets) and all((codes & m) <= _cmap(s) for m, s in zip(maps, subsets))
        out.append((tuple(faces), usable))
        inter = frozenset.intersection(*maps)
        covered = inter if covered is None else covered | inter
    return tuple(out)


# --------------------------------------------------------------------------- making subsets
def make_subset(original: str | Path, folder: str | Path | None = None) -> Path | None:
    """Write the chart subset of ``original`` into ``folder`` (default: beside it) and
    return its path; None for a font with more than :data:`MAX_GLYPHS` glyphs. Older
    subsets of the same font (other hashes) in that folder are removed."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    original = Path(original)
    folder = Path(folder) if folder is not None else original.parent
    with TTFont(original, lazy=True) as probe:
        if probe["maxp"].numGlyphs > MAX_GLYPHS:
            return None
    options = subset.Options()
    options.layout_features = ["*"]
    options.layout_scripts = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.glyph_names = True
    options.legacy_kern = True
    options.notdef_outline = True
    options.recommended_glyphs = True
    options.hinting = True
    options.drop_tables = ["DSIG"]
    font = subset.load_font(str(original), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[c for lo, hi in RANGES for c in range(lo, hi + 1)])
    subsetter.subset(font)
    names = font["name"]
    for record in names.names:
        if record.nameID in (1, 4, 16, 18, 21):
            text = record.toUnicode()
            if not text.endswith(FAMILY_SUFFIX.strip()):
                record.string = text + FAMILY_SUFFIX
    font.recalcTimestamp = False  # keep the original's dates: the same bytes every time
    target = folder / subset_name(original)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".tmp")
    font.save(str(tmp))
    os.replace(tmp, target)
    for stale in folder.glob(f"{original.stem}{MARK}*.ttf"):
        if stale != target:
            stale.unlink()
    return target


def _main(argv: list[str]) -> int:
    # the built-in fonts charts can use (monospaced faces are not used in charts)
    fonts = [Path(a) for a in argv] or sorted(p for p in builtin_fonts_dir().glob("*.ttf")
                                              if MARK not in p.name and "Mono" not in p.name)
    for font in fonts:
        made = make_subset(font)
        if made is None:
            print(f"{font.name}: no subset (more than {MAX_GLYPHS} glyphs)")
        else:
            print(f"{made.name}  {made.stat().st_size} bytes  (from {font.name}, "
                  f"{font.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(_main(sys.argv[1:]))
