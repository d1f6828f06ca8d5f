"""ReportLab's PDF output made cheaper where a batch repeats it: same bytes, less work.

Written for and checked against the ReportLab versions of :mod:`briefgen.compat.reportlab`
(:data:`~briefgen.compat.reportlab.SUPPORTED`); outside them :func:`install` does nothing and
ReportLab works as it ships. Every replacement gives what ReportLab's own function gives for
the same input (the tests compare them):

- ``TTFont.splitString`` (text -> runs of subset codes): a text whose every character already
  has a code below 256 in the document is encoded with one ``str.translate`` instead of a Python
  loop over its characters; anything else (a character met for the first time, a second
  subset, bytes) goes to ReportLab's loop. Internals used: a font's ``state[doc]`` and its
  ``assignments`` (code point -> code; only ever added to, so their count tells a stale table).
- ``PDFStreamFilterZCompress.encode`` (the Flate filter of every stream): the compressed bytes
  of a stream met twice (the same font subset, form or page in other variants of a batch)
  are kept, by a digest of its content, up to :data:`_COMPRESSED_MAX_BYTES`.
- ``TTFontFace.makeSubset`` (the TrueType file of a font subset): kept per face and list of
  code points met twice, up to :data:`_SUBSETS_MAX_BYTES`.
- ``pdfdoc.PDFName`` (a dictionary key -> ``/Name``, escaped; looked up as a module-level name
  by the PDF objects' ``format``): kept per key, up to :data:`_NAMES_MAX` keys.
- ``pdfdoc.pdfdocEnc`` (text -> PDFDocEncoding bytes, through the Python-level ``extpdfdoc``
  codec): text of characters that encoding writes as their ASCII byte is encoded as ASCII.
- ``pdfdoc.format`` (any value -> its PDF bytes; the objects' ``format`` methods look it up
  as a module-level name): a str, int, float or bytes is formatted directly, anything else
  (objects, booleans, None) as ReportLab does.
- ``PDFArray.format``: an array of ints and floats on one line (ReportLab's default) is
  written with one ``fp_str`` call per ten numbers (its own line break), not one per number.
  Font widths and rectangles are most of the numbers a briefing writes: ~3 ms of a batch
  variant's ~75 ms went to formatting them and their dictionaries.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
from collections import OrderedDict
from typing import Any

from briefgen.compat.reportlab import VERSION_OK

__all__ = ["install", "installed"]

_COMPRESSED_MAX_BYTES = 4 << 20
_SUBSETS_MAX_BYTES = 4 << 20
_NAMES_MAX = 10_000
_SEEN_MAX = 50_000
_LOCK = threading.Lock()
_INSTALLED: list[bool] = []


def installed() -> bool:
    """True once :func:`install` has replaced ReportLab's functions in this process."""
    return bool(_INSTALLED)


def install() -> None:
    """Replace the functions of the module doc in this process; idempotent; nothing outside
    :data:`~briefgen.compat.reportlab.SUPPORTED`."""
    if _INSTALLED or not VERSION_OK:
        return
    from reportlab.pdfbase import pdfdoc, ttfonts

    with _LOCK:
        if _INSTALLED:
            return
        ttfonts.TTFont.splitString = _split_string(ttfonts.TTFont.splitString)
        pdfdoc.PDFStreamFilterZCompress.encode = _kept_compression(pdfdoc.PDFStreamFilterZCompress.encode)
        ttfonts.TTFontFace.makeSubset = _kept_subsets(ttfonts.TTFontFile.makeSubset)
        pdfdoc.PDFName = _kept_names(pdfdoc.PDFName)
        pdfdoc.pdfdocEnc = _plain_text_encoding(pdfdoc.pdfdocEnc)
        pdfdoc.format = _direct_format(pdfdoc.format, pdfdoc.pdfdocEnc)
        pdfdoc.PDFArray.format = _numbers_array_format(pdfdoc.PDFArray.format)
        _INSTALLED.append(True)


class _Bounded:
    """Bytes values by key, kept the second time a key is put (what a single build makes once,
    e.g. the pages of a long briefing, is never held), least recently used dropped first once
    their total passes ``limit``."""

    def __init__(self, limit: int) -> None:
        self.limit, self.total = limit, 0
        self.items: OrderedDict[Any, bytes] = OrderedDict()
        self.seen: set[Any] = set()

    def get(self, key: Any) -> bytes | None:
        with _LOCK:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Any, value: bytes) -> None:
        with _LOCK:
            if key not in self.seen:
                if len(self.seen) >= _SEEN_MAX:
                    self.seen.clear()
                self.seen.add(key)
                return
            if key in self.items or len(value) > self.limit:
                return
            self.items[key] = value
            self.total += len(value)
            while self.total > self.limit:
                _key, dropped = self.items.popitem(last=False)
                self.total -= len(dropped)


def _split_string(original: Any) -> Any:
    @functools.wraps(original)
    def splitString(self: Any, text: Any, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:  # noqa: N802
        state = self.state.get(doc) if isinstance(text, str) and text else None
        if state is not None:
            assignments = state.assignments
            known = getattr(state, "_briefgen_codes", None)
            if known is None or known[0] != len(assignments):
                table = {code: n for code, n in assignments.items() if n < 256}
                table.pop(0xA0, None)
                if 32 in table:
                    table[0xA0] = table[32]  # ReportLab draws a no-break space as a space
                known = state._briefgen_codes = (len(assignments), frozenset(map(chr, table)), table)
            if known[1].issuperset(text):
                return [(0, text.translate(known[2]).encode("latin-1"))]
        return original(self, text, doc, encoding)

    return splitString


def _kept_compression(original: Any) -> Any:
    kept = _Bounded(_COMPRESSED_MAX_BYTES)

    @functools.wraps(original)
    def encode(self: Any, text: Any) -> bytes:
        data = text.encode("utf8") if isinstance(text, str) else bytes(text)
        key = hashlib.blake2b(data, digest_size=20).digest()
        found = kept.get(key)
        if found is None:
            found = original(self, data)
            kept.put(key, found)
        return found

    return encode


def _kept_subsets(original: Any) -> Any:
    kept = _Bounded(_SUBSETS_MAX_BYTES)
    faces: dict[int, Any] = {}  # id -> face, so that an id in a key is never reused

    @functools.wraps(original)
    def makeSubset(self: Any, subset: Any) -> bytes:  # noqa: N802
        key = (id(self), tuple(subset))
        found = kept.get(key) if faces.get(id(self)) is self else None
        if found is None:
            found = original(self, subset)
            faces[id(self)] = self
            kept.put(key, found)
        return found

    return makeSubset


def _kept_names(original: Any) -> Any:
    names: dict[str, str] = {}

    @functools.wraps(original)
    def PDFName(data: Any, lo: str = chr(0x21), hi: str = chr(0x7E)) -> str:  # noqa: N802
        if type(data) is not str or lo != chr(0x21) or hi != chr(0x7E):
            return original(data, lo, hi)
        found = names.get(data)
        if found is None:
            found = original(data)
            if len(names) < _NAMES_MAX:
                names[data] = found
        return found

    return PDFName


_NOT_PLAIN = re.compile("[^\\x00-\\x17\\x20-\\x7f]")
"""A character PDFDocEncoding (ReportLab's ``extpdfdoc`` codec) does not write as its ASCII byte."""


def _plain_text_encoding(original: Any) -> Any:
    kept: dict[str, bytes] = {}  # short texts met before (names, "12 0 obj" lines...): most of them

    @functools.wraps(original)
    def pdfdocEnc(x: Any) -> Any:  # noqa: N802
        if type(x) is not str:
            return original(x)
        found = kept.get(x)
        if found is not None:
            return found
        found = x.encode("ascii") if x.isascii() and _NOT_PLAIN.search(x) is None else original(x)
        if len(x) <= 64:
            if len(kept) >= _NAMES_MAX:
                kept.clear()
            kept[x] = found
        return found

    return pdfdocEnc


def _direct_format(original: Any, encode: Any) -> Any:
    from reportlab.lib.rl_accel import fp_str

    @functools.wraps(original)
    def format(element: Any, document: Any, toplevel: int = 0) -> bytes:  # noqa: A001
        kind = type(element)
        if kind is str:
            return encode(element)
        if kind is float or kind is int:
            return fp_str(element).encode("ascii")
        if kind is bytes:
            return element
        return original(element, document, toplevel)

    return format


def _numbers_array_format(original: Any) -> Any:
    from reportlab import rl_config
    from reportlab.lib.rl_accel import fp_str

    @functools.wraps(original)
    def format(self: Any, document: Any, IND: bytes = b"\n ") -> bytes:  # noqa: A001, N803
        sequence = self.sequence
        if (self.multiline and rl_config.pdfMultiLine) or self.multiline == "forced" or not sequence:
            return original(self, document, IND)
        for value in sequence:
            kind = type(value)
            if kind is not float and kind is not int:
                return original(self, document, IND)
        rows = [fp_str(*sequence[i:i + 10]).encode("ascii") for i in range(0, len(sequence), 10)]
        return b"[ " + b" \n  ".join(rows) + b" ]"

    return format
