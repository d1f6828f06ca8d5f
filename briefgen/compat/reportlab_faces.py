"""ReportLab's reading of TrueType files, kept between processes: the face cache.

Written for and checked against the ReportLab versions of :mod:`briefgen.compat.reportlab`
(:data:`~briefgen.compat.reportlab.SUPPORTED`); outside them every process parses its font files
(~80 ms slower), and fonts still load and look the same.

Internals used: ``ttfonts.TTFontFace`` (replaced for the length of one ``TTFont(...)`` call, which
builds its face through that module-level name), a face's instance ``__dict__`` (pickled and
restored on an instance made with ``__new__``), and its ``_ttf_data`` (the file's bytes) and
``_pdfScale`` (font units -> 1/1000 em, set by ``extractInfo``; a lambda, so not picklable). Of the
face's tables, ``hmetrics`` (glyph id -> (advance, lsb)) and ``glyphPos`` (glyph id -> offset in
``glyf``) are only ever indexed (``makeSubset``, :func:`briefgen.compat.reportlab.add_glyph_code`),
and ``glyphToChar`` (glyph id -> code points) is only read when ReportLab shapes text: they are kept
as arrays, the first two read through a sequence, the third made again when first used.
Public attributes read: a face's ``charToGlyph`` and ``familyName``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any, overload

from reportlab.pdfbase import pdfmetrics, ttfonts

from briefgen.compat import cachesign
from briefgen.compat.reportlab import VERSION, VERSION_OK

_FACE_FORMAT = 4
_FACE_KIND = "reportlab-face"
_FACE_CACHE_FILES = 64
_NEVER_KEPT = ("_ttf_data", "_pdfScale")
"""Never in a pickled face: the file's bytes (read again) and the scale (a lambda)."""
_KEPT_AS_ARRAYS = ("hmetrics", "glyphPos", "glyphToChar")
"""Pickled as arrays beside the face (:func:`_tables`), not in it, when they have ReportLab's shape."""


def ttfont(name: str, path: Path, cache_dir: Path | None) -> Any:
    """``reportlab.pdfbase.ttfonts.TTFont(name, path)``, its parsing taken from
    ``cache_dir`` when an earlier process kept it.

    ReportLab reads every table of a TrueType file in Python when it loads it (~48 ms for
    the 4 MB Han fallback, ~77 ms for the default theme's eight files), in every process.
    The parsed face (names, metrics, character map, glyph positions: everything but the
    file's bytes, which are read again) is pickled under a key made of the file's path,
    size and modification time and the ReportLab and Python versions, its large per-glyph
    tables as arrays (the module doc), and read back in ~1.5 ms per Latin face and ~15 ms for
    the Han fallback. An entry is signed with the per-user key
    (:mod:`briefgen.compat.cachesign`) and its signature checked before it is unpickled: one
    planted, copied from another key, or written by another user is a miss. Anything
    unexpected (a damaged, foreign or stale entry) falls back to parsing; a damaged font file
    still raises as ReportLab raises. ``cache_dir`` None, no usable per-user key, or a
    ReportLab outside :data:`~briefgen.compat.reportlab.SUPPORTED`, parses every time.
    """
    secret = cachesign.user_key() if cache_dir is not None and VERSION_OK else None
    if cache_dir is None or secret is None:
        return ttfonts.TTFont(name, str(path))
    entry = _face_entry(path, cache_dir)
    face = _read_face(entry, path, secret) if entry is not None else None
    if face is not None:
        real = ttfonts.TTFontFace
        ttfonts.TTFontFace = lambda *_a, **_k: face  # TTFont.__init__ as it is, parsing skipped
        try:
            return ttfonts.TTFont(name, str(path))
        finally:
            ttfonts.TTFontFace = real
    font = ttfonts.TTFont(name, str(path))
    if entry is not None:
        _write_face(entry, font.face, secret)
    return font


def registered_face(name: str) -> tuple[frozenset[int], str]:
    """(code points the registered TrueType font ``name`` has a glyph for, its family name
    from the name table)."""
    face = pdfmetrics.getFont(name).face
    return frozenset(cp for cp, gid in face.charToGlyph.items() if gid), registered_family(name)


def registered_family(name: str) -> str:
    """The family name (from the name table) of the registered TrueType font ``name``."""
    family = pdfmetrics.getFont(name).face.familyName
    return family.decode("utf-8", "replace") if isinstance(family, bytes) else str(family)


class _Metrics(Sequence):
    """A face's ``hmetrics`` read from arrays: item ``gid`` is ``(advance, lsb)`` as in the list
    ReportLab makes, whose glyphs past the ``hhea`` table's full pairs all repeat one advance
    (``tail``; ReportLab keeps it scaled to 1/1000 em, a float)."""

    def __init__(self, advances: array, tail: float | None, bearings: array) -> None:
        self._advances, self._tail, self._bearings = advances, tail, bearings

    def __len__(self) -> int:
        return len(self._bearings)

    @overload
    def __getitem__(self, gid: int) -> tuple[Any, int]: ...

    @overload
    def __getitem__(self, gid: slice) -> list[tuple[Any, int]]: ...

    def __getitem__(self, gid: int | slice) -> tuple[Any, int] | list[tuple[Any, int]]:
        if isinstance(gid, slice):
            return [self[i] for i in range(*gid.indices(len(self)))]
        lsb = self._bearings[gid]  # IndexError as a list's
        if gid < 0:
            gid += len(self._bearings)
        return (self._advances[gid] if gid < len(self._advances) else self._tail), lsb


class _CachedFace(ttfonts.TTFontFace):
    """A face read back from the cache: ``glyphToChar`` is made from the kept pairs the first
    time it is read (then it is a plain dict in the instance, as ReportLab's own)."""

    _glyph_pairs: tuple[array, array]

    @functools.cached_property
    def glyphToChar(self) -> dict[int, list[int]]:  # noqa: N802 - ReportLab's name
        out: dict[int, list[int]] = {}
        for gid, cp in zip(*self._glyph_pairs):
            out.setdefault(gid, []).append(cp)
        return out


def _face_entry(path: Path, cache_dir: Path) -> Path | None:
    try:
        st = path.stat()
    except OSError:
        return None
    key = repr((_FACE_FORMAT, str(path), st.st_size, st.st_mtime_ns, VERSION, sys.version_info[:2]))
    return Path(cache_dir) / f"{path.stem}-{hashlib.sha256(key.encode()).hexdigest()[:20]}.pickle"


def _tables(face: Any) -> dict[str, Any] | None:
    """The per-glyph tables of a parsed face as arrays (see the module doc); None
    when they do not have the shape ReportLab gives them (then they are pickled as they are)."""
    advances = [m[0] for m in face.hmetrics]
    full = next((i for i, aw in enumerate(advances) if type(aw) is not int), len(advances))
    tail = advances[full] if full < len(advances) else None
    if any(aw != tail or type(aw) is not type(tail) for aw in advances[full:]):
        return None
    pairs = [(gid, cp) for gid, cps in face.glyphToChar.items() for cp in cps]
    try:  # 32-bit items: glyph ids, code points, font units and offsets into a TrueType file all fit
        return {"advances": array("i", advances[:full]), "tail": tail,
                "bearings": array("i", (m[1] for m in face.hmetrics)),
                "glyph_pos": array("I", face.glyphPos),
                "pair_gids": array("i", (g for g, _ in pairs)),
                "pair_cps": array("i", (c for _, c in pairs))}
    except (TypeError, OverflowError):  # not all integers, or too large
        return None


def _read_face(entry: Path, path: Path, secret: bytes) -> Any:
    try:
        payload = cachesign.unseal(secret, _FACE_KIND, entry.name, entry.read_bytes())
        if payload is None:  # not this user's entry for this key: never unpickled
            return None
        state, tables = pickle.loads(payload)
        data = path.read_bytes()
        if tables is not None:
            metrics = _Metrics(tables["advances"], tables["tail"], tables["bearings"])
            glyph_pos, pairs = tables["glyph_pos"], (tables["pair_gids"], tables["pair_cps"])
            if not all(isinstance(a, array) for a in (*pairs, glyph_pos, tables["advances"], tables["bearings"])):
                return None
    except Exception:  # missing, truncated or foreign: parse instead
        return None
    if not isinstance(state, dict) or state.get("filename") != str(path) or not state.get("charToGlyph"):
        return None
    if tables is None:  # kept as ReportLab made them
        face = ttfonts.TTFontFace.__new__(ttfonts.TTFontFace)
        face.__dict__.update(state)
    else:
        face = _CachedFace.__new__(_CachedFace)
        face.__dict__.update(state)
        face.hmetrics, face.glyphPos, face._glyph_pairs = metrics, glyph_pos, pairs
    face._ttf_data = data
    units = state["unitsPerEm"]
    if units == 1000:  # as ReportLab's extractInfo sets it
        face._pdfScale = lambda x: x
    else:
        mult = 1000 / units
        face._pdfScale = lambda x: x * mult
    return face


def _write_face(entry: Path, face: Any, secret: bytes) -> None:
    try:
        tables = _tables(face)
        skip = _NEVER_KEPT + (_KEPT_AS_ARRAYS if tables is not None else ())
        state = {k: v for k, v in vars(face).items() if k not in skip}
        blob = cachesign.seal(secret, _FACE_KIND, entry.name,
                              pickle.dumps((state, tables), protocol=pickle.HIGHEST_PROTOCOL))
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{entry.name}.", suffix=".tmp", dir=entry.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, entry)
        entries = sorted(entry.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-_FACE_CACHE_FILES]:
            old.unlink()
    except Exception:  # a cache that cannot be written never fails a build
        pass
