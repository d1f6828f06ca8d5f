"""Fonts: register a theme's TrueType files with ReportLab and fall back per run of text.

ReportLab draws each run of text in one font and prints a blank box for a character the font
lacks, silently. A :class:`FontSet` prevents that: every character of a paragraph either
has a glyph in the body faces, or is wrapped in ``<font name="FALLBACK">`` for the first
fallback font that has it, or makes :class:`~briefgen.errors.FontCoverageError` name it
(``'😀' U+1F600 GRINNING FACE``) and where it occurs. Whitespace is never checked; control,
private-use, surrogate and unassigned code points are never drawable.

:func:`load_fontset` builds and caches one FontSet per set of font files per process.
Coverage is read from each font's cmap and cached per code point. Sizes are in points.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, cast

from briefgen.errors import FontCoverageError
from briefgen.layout import fontreg
from briefgen.layout.bidi import FORMAT_CONTROLS, has_rtl, isolate_rtl_stretches
from briefgen.layout.fontreg import bold_twin, register, register_later, unread_coverage
from briefgen.layout.invisible import without_ignorables

if TYPE_CHECKING:
    from briefgen.model.font_cmap import Coverage
    from briefgen.model.theme import Theme

BODY_ROLES = ("regular", "bold", "italic", "bold_italic")

# a tag, or an entity (named, decimal or hex); all other text is characters
_TOKEN_RE = re.compile(r"<[^<>]*>|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{0,31});")
# printable ASCII, whitespace and the five XML entities: needs no fallback if the body has ASCII
_ASCII_RE = re.compile(r"(?:[\t\n\r\x20-\x25\x27-\x7e]|&(?:amp|lt|gt|quot|apos);)*")
_NEVER = frozenset({"Cc", "Cs", "Co", "Cn"})  # categories never drawn, whatever a cmap says
_CATEGORY_NAMES = {"Cc": "control character", "Cs": "surrogate", "Co": "private-use character",
                   "Cn": "unassigned code point"}
_PRIMARY = ""  # marker: the primary font has the glyph
_SPACES = frozenset(c for c in map(chr, range(0x3001)) if c.isspace())  # every str.isspace() character

class Places:
    """Where paragraph markup came from: ``markup -> where`` (the last :data:`LIMIT`
    paragraphs of the process), for error messages about a flowable."""

    LIMIT = 50_000

    def __init__(self) -> None:
        self._where: dict[str, str] = {}

    def remember(self, markup: str, where: str) -> None:
        if len(self._where) >= self.LIMIT:
            self._where.clear()
        self._where[markup] = where

    def get(self, markup: str) -> str | None:
        """Where ``markup`` came from; else where the longest remembered markup that it
        contains came from (a contents entry adds its own tags); else None."""
        found = self._where.get(markup)
        if found is None:
            inside = [m for m in self._where if m and m in markup]
            found = self._where[max(inside, key=len)] if inside else None
        return found


_LOCK = threading.Lock()
_CACHE: dict[tuple, "FontSet"] = {}


_MARKUPS_MAX = 20_000


@dataclass(eq=False)
class FontSet:
    """Registered ReportLab font names of a theme, with per-character fallback.

    ``regular``/``bold``/``italic``/``bold_italic`` form one ReportLab family (so ``<b>``
    and ``<i>`` work); ``mono`` and each fallback are families of their own whose bold and
    italic map to themselves. ``paths`` maps each font name to its file. A fallback is
    registered with ReportLab the first time a character is given to it
    (:mod:`briefgen.layout.fontreg`); every name this set returns is registered.
    """

    regular: str
    bold: str
    italic: str
    bold_italic: str
    mono: str
    fallbacks: tuple[str, ...]
    paths: dict[str, Path]
    family_names: dict[str, str]
    _glyphs: dict[str, "frozenset[int] | Coverage"] = field(repr=False)
    _cache: dict[str, dict[int, str | None]] = field(default_factory=dict, repr=False)
    _ascii_ok: bool = field(default=False, repr=False)
    _drawn_by: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _markups: dict[tuple[str, str | None], str] = field(default_factory=dict, repr=False)
    """Markup given by :meth:`fallback_markup` per (text, font): the variants of a batch repeat
    their paragraphs (~1 ms of a variant); at most :data:`_MARKUPS_MAX` kept."""
    where_of: "Places" = field(default_factory=lambda: Places(), repr=False)
    """Where each paragraph's markup came from (for errors about a flowable, see
    :mod:`briefgen.layout.failures`)."""

    def __post_init__(self) -> None:
        body = frozenset.intersection(*(cast(frozenset, self._glyphs[getattr(self, r)]) for r in BODY_ROLES))
        self._glyphs[_PRIMARY] = body
        self._ascii_ok = all(cp in body for cp in range(0x20, 0x7F))

    # ------------------------------------------------------------------ queries
    @property
    def body(self) -> tuple[str, str, str, str]:
        """(regular, bold, italic, bold_italic) font names."""
        return (self.regular, self.bold, self.italic, self.bold_italic)

    def files(self) -> tuple[Path, ...]:
        """Font files for matplotlib: the four body faces first, then the fallbacks in order."""
        return tuple(self.paths[n] for n in self.body + self.fallbacks)

    def matplotlib_families(self) -> list[str]:
        """Family names (from the fonts' name tables) for ``rcParams['font.family']``: body
        family first, then fallbacks; register :meth:`files` with ``fontManager.addfont``."""
        from briefgen.compat.reportlab_faces import registered_family

        for name in self.fallbacks:
            if name not in self.family_names:
                fontreg.ensure(name)
                self.family_names[name] = registered_family(name)
        names = [self.family_names[n] for n in (self.regular,) + self.fallbacks]
        return list(dict.fromkeys(names))

    def font_for(self, char: str, font: str | None = None) -> str | None:
        """Name of the font that draws ``char`` in text set in ``font`` (default: the body
        faces): ``font`` itself (or ``regular``) if it has the glyph, else the first fallback
        that has it, else None."""
        found = self._lookup(ord(char), self._primary(font))
        if found == _PRIMARY:
            return font or self.regular
        return found

    def covers(self, char: str, font: str | None = None) -> bool:
        """True if some font of the set can draw ``char`` (whitespace always can)."""
        return char.isspace() or self.font_for(char, font) is not None

    # ------------------------------------------------------------------ paragraphs
    def fallback_markup(self, escaped_text: str, where: str, *, font: str | None = None) -> str:
        """Wrap runs the body faces (or ``font``) lack in ``<font name="FALLBACK">``.

        ``escaped_text`` is ReportLab paragraph markup: tags and entities are kept as they are
        (an entity counts as the character it stands for); a right-to-left stretch of left-to-right
        text is isolated (:func:`~briefgen.layout.bidi.isolate_rtl_stretches`). Raises FontCoverageError naming
        every character no font has, and ``where`` (e.g. "section 'bluf', paragraph 2").
        """
        markup = self._markups.get((escaped_text, font))
        if markup is None:
            markup = self._fallback_markup(escaped_text, where, font)  # raises: nothing kept
            if len(self._markups) >= _MARKUPS_MAX:
                self._markups.clear()
            self._markups[escaped_text, font] = markup
        self.where_of.remember(markup, where)
        return markup

    def _fallback_markup(self, escaped_text: str, where: str, font: str | None) -> str:
        if self._ascii_ok and _ASCII_RE.fullmatch(escaped_text):
            return escaped_text
        escaped_text = without_ignorables(isolate_rtl_stretches(escaped_text))
        primary = self._primary(font)
        own = self._own_chars(primary)
        if set(escaped_text) <= own and ("&" not in escaped_text or set(html.unescape(escaped_text)) <= own):
            return escaped_text  # no fallback run needed (tags and entities are ASCII)
        out: list[str] = []
        run: list[str] = []  # source text of the open fallback run
        run_font: str | None = None
        missing: list[str] = []
        bold = 0  # depth of <b>: a fallback with a bold twin (see fontreg.bold_twin) draws bold text in it

        def close_run() -> None:
            nonlocal run_font
            if run:
                name = bold_twin(run_font, self.fallbacks) if bold and run_font else run_font
                out.append(f'<font name="{name}">{"".join(run)}</font>')
                run.clear()
            run_font = None

        def add(src: str, char: str) -> None:
            nonlocal run_font
            if char in FORMAT_CONTROLS:  # kept for bidi and shaping (see without_ignorables)
                (run if run else out).append(src)
                return
            found = _PRIMARY if char.isspace() else self._lookup(ord(char), primary)
            if found is None:
                missing.append(char)
                found = _PRIMARY
            if found == _PRIMARY:
                close_run()
                out.append(src)
                return
            if found != run_font:
                close_run()
                run_font = found
            run.append(src)

        pos = 0
        for m in _TOKEN_RE.finditer(escaped_text):
            for char in escaped_text[pos:m.start()]:
                add(char, char)
            token = m.group()
            if token[0] == "<":  # a tag: never inside a run, so nesting stays valid
                close_run()
                out.append(token)
                bold += 1 if token == "<b>" else -1 if token == "</b>" else 0
            else:
                decoded = html.unescape(token)
                if len(decoded) == 1:
                    add(token, decoded)
                else:  # an entity ReportLab will not know either: literal characters
                    for char in token:
                        add(char, char)
            pos = m.end()
        for char in escaped_text[pos:]:
            add(char, char)
        close_run()
        if missing:
            raise self._error(missing, where, _plain(escaped_text))  # the reader's text, not its markup
        return "".join(out)

    # ------------------------------------------------------------------ canvas text
    def split_runs(self, text: str, *, font: str | None = None, where: str = "text") -> list[tuple[str, str]]:
        """Split plain ``text`` into ``(font_name, text)`` runs for ``canvas.drawString``.

        Runs the primary font (``font``, default ``regular``) has use it; whitespace stays in
        the primary font. Text with right-to-left letters comes back in drawing order, shaped
        (:func:`briefgen.layout.rtl.visual_runs`; stretches isolated as in :meth:`fallback_markup`).
        Raises FontCoverageError for characters no font has.
        """
        primary = self._primary(font)
        main = font or self.regular
        runs: list[tuple[str, str]] = []
        missing = []
        for char in without_ignorables(isolate_rtl_stretches(text)):
            if char in FORMAT_CONTROLS and runs:  # kept for bidi and shaping: stays in its run
                runs[-1] = (runs[-1][0], runs[-1][1] + char)
                continue
            found = _PRIMARY if char.isspace() else self._lookup(ord(char), primary)
            if found is None:
                missing.append(char)
            name = main if found in (_PRIMARY, None) else found
            if runs and runs[-1][0] == name:
                runs[-1] = (name, runs[-1][1] + char)
            else:
                runs.append((name, char))
        if missing:
            raise self._error(missing, where, text)
        if has_rtl(text):
            from briefgen.layout.rtl import visual_runs

            return visual_runs(runs)
        return runs

    def check_plain(self, text: str, where: str, *, font: str | None = None) -> None:
        """Raise FontCoverageError if some character of plain ``text`` has no font at all."""
        self.split_runs(text, font=font, where=where)

    def string_width(self, text: str, size: float, *, font: str | None = None, where: str = "text") -> float:
        """Width in points of plain ``text`` at ``size`` points, fallbacks included."""
        from reportlab.pdfbase.pdfmetrics import stringWidth

        return sum(stringWidth(t, f, size) for f, t in self.split_runs(text, font=font, where=where))

    # ------------------------------------------------------------------ internals
    def _primary(self, font: str | None) -> str:
        if font is None or font == self.regular:
            return _PRIMARY
        if font not in self._glyphs:
            raise ValueError(f"font {font!r} is not part of this FontSet")
        self._ensure(font)
        return font

    def _ensure(self, name: str) -> None:
        """Register fallback ``name`` (and its bold twin) with ReportLab before it is used."""
        fontreg.ensure(name)
        fontreg.ensure(bold_twin(name, self.fallbacks))

    def _own_chars(self, primary: str) -> frozenset[str]:
        """Characters the primary font draws itself (as :meth:`_lookup` decides), and
        whitespace."""
        chars = self._drawn_by.get(primary)
        if chars is None:
            chars = self._drawn_by[primary] = _SPACES | frozenset(
                chr(cp) for cp in self._glyphs[primary] if unicodedata.category(chr(cp)) not in _NEVER)
        return chars

    def _lookup(self, cp: int, primary: str) -> str | None:
        cache = self._cache.get(primary)
        if cache is None:
            cache = self._cache[primary] = {}
        try:
            return cache[cp]
        except KeyError:
            pass
        if unicodedata.category(chr(cp)) in _NEVER:
            found: str | None = None  # control, surrogate, private-use, unassigned
        elif cp in self._glyphs[primary]:
            found = _PRIMARY
        else:
            found = next((fb for fb in self.fallbacks if cp in self._glyphs[fb]), None)
            if found is not None:
                self._ensure(found)
        cache[cp] = found
        return found

    def _error(self, missing: list[str], where: str, text: str) -> FontCoverageError:
        chars = list(dict.fromkeys(missing))
        names = ", ".join(describe_char(c) for c in chars[:5]) + (" ..." if len(chars) > 5 else "")
        context = text if len(text) <= 60 else _around(text, missing[0])
        err = FontCoverageError(
            f"{where}: no font has a glyph for {names} in {context!r} (fonts tried: "
            f"{', '.join((self.regular,) + self.fallbacks)}); remove the character or add a "
            f"font that has it to the theme's fonts.fallbacks")
        err.chars = chars  # type: ignore[attr-defined]
        err.where = where  # type: ignore[attr-defined]
        return err


def describe_char(char: str) -> str:
    """``'☃' U+2603 SNOWMAN`` (unprintable characters shown escaped)."""
    shown = f"'{char}'" if char.isprintable() else repr(char)
    category = unicodedata.category(char)
    name = unicodedata.name(char, "") or f"({_CATEGORY_NAMES.get(category, category)})"
    return f"{shown} U+{ord(char):04X} {name}"


def _plain(markup: str) -> str:
    """``markup`` without its tags, its entities unescaped."""
    return html.unescape(re.sub(r"<[^<>]*>", "", markup))


def _around(text: str, char: str) -> str:
    i = text.find(char)
    start = max(0, i - 25)
    return ("…" if start else "") + text[start:i + 25] + ("…" if i + 25 < len(text) else "")


# --------------------------------------------------------------------------- loading
def font_files(theme: "Theme") -> tuple[Path, ...]:
    """What ``load_fontset(theme).files()`` returns (the four body faces, then the
    fallbacks without repeats), without reading or registering any font: the charts
    can start before the layout's fonts are loaded."""
    f = theme.fonts
    body = tuple(Path(p).resolve() for p in (f.regular, f.bold, f.italic, f.bold_italic))
    return body + tuple(dict.fromkeys(Path(p).resolve() for p in f.fallbacks))


def face_cache_dir() -> Path:
    """Where ReportLab's parsing of font files is kept between processes (see
    :func:`briefgen.compat.reportlab_faces.ttfont`): ``$BRIEFGEN_FONT_CACHE_DIR``, else
    ``briefgen/reportlab-fonts`` in the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``).
    Like matplotlib's font list, it belongs to the machine's fonts, not to a project: an empty chart cache (a cold
    build) still finds its fonts parsed."""
    import os

    env = os.environ.get("BRIEFGEN_FONT_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "briefgen" / "reportlab-fonts"


def load_fontset(theme: "Theme", *, cache_dir: Path | None = None) -> FontSet:
    """Register ``theme.fonts`` with ReportLab (once per process) and return its FontSet.

    Font paths must be absolute, as :func:`briefgen.load.theme.load_theme` leaves them. Raises
    :class:`~briefgen.errors.RenderError` if a file cannot be read as a TrueType font.
    ``cache_dir``: where ReportLab's reading of each font file is kept between processes
    (see :func:`briefgen.compat.reportlab_faces.ttfont`); None reads the files every time.
    """
    f = theme.fonts
    key = tuple(Path(p).resolve() for p in (f.regular, f.bold, f.italic, f.bold_italic, f.mono, *f.fallbacks))
    with _LOCK:
        cached = _CACHE.get(key)
        if cached is None:
            cached = _CACHE[key] = _build(key[:4], key[4], key[5:], cache_dir)
        return cached


def _build(body: tuple[Path, ...], mono: Path, fallbacks: tuple[Path, ...],
           cache_dir: Path | None = None) -> FontSet:
    from reportlab.pdfbase import pdfmetrics

    from briefgen.compat.reportlab_faces import registered_face

    glyphs: dict[str, frozenset[int] | Coverage] = {}
    families: dict[str, str] = {}
    names = [register(p, cache_dir) for p in body]
    mono_name = register(mono, cache_dir)
    for name in (*names, mono_name):
        glyphs[name], families[name] = registered_face(name)
    pdfmetrics.registerFontFamily(names[0], normal=names[0], bold=names[1], italic=names[2],
                                  boldItalic=names[3])
    fb_paths = {register_later(p, cache_dir): p for p in fallbacks}  # registered on first use
    for name, path in fb_paths.items():
        glyphs.setdefault(name, unread_coverage(path))
    fb_names = tuple(fb_paths)
    for name in (mono_name,) + fb_names:
        if name not in names:
            fontreg.family(name, bold_twin(name, fb_names))
    paths = dict(zip(names, body)) | {mono_name: mono} | fb_paths
    return FontSet(regular=names[0], bold=names[1], italic=names[2], bold_italic=names[3],
                   mono=mono_name, fallbacks=fb_names, paths=paths, family_names=families,
                   _glyphs=glyphs)
