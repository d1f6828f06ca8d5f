"""What a file that is not UTF-8 text most likely is, for the advice of a load error.

briefgen reads every YAML, CSV and template file as UTF-8 (a UTF-8 byte-order mark is
allowed). Spreadsheets and Windows editors often save UTF-16 (with or without a byte-order
mark) or Windows-1252; saying which, and that it should be saved as UTF-8, turns "byte 0xff"
into something a user can act on.
"""

from __future__ import annotations

__all__ = ["looks_like_utf16", "undecodable_at", "utf8_advice"]

_SAMPLE = 4096


def looks_like_utf16(raw: bytes) -> bool:
    """True when ``raw`` starts with a UTF-16 or UTF-32 byte-order mark, or when a quarter or
    more of its first 4 KiB's even or odd bytes are NUL (UTF-16 text of mostly ASCII
    characters, saved without a mark)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        return True
    sample = raw[:_SAMPLE]
    half = len(sample) // 2
    return half >= 2 and max(sample[0::2].count(0), sample[1::2].count(0)) * 2 >= half


def utf8_advice(raw: bytes) -> str:
    """The ``expected`` text of an error about ``raw`` not being UTF-8: UTF-8 text, and what
    the file looks like instead (UTF-16 or UTF-32, Windows-1252 / Latin-1) when that can be told."""
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        found = "UTF-32"
    elif looks_like_utf16(raw):
        found = "UTF-16"
    else:
        try:
            raw.decode("cp1252")
            found = "Windows-1252 or Latin-1"
        except UnicodeDecodeError:
            found = _mixed(raw)
    return ("UTF-8 text" + (f" (the file looks like {found}: save it as UTF-8)" if found
                            else " (save the file as UTF-8)"))


def _mixed(raw: bytes) -> str:
    """'UTF-8 with ... in Windows-1252 or Latin-1' when every byte that is not UTF-8 reads as a
    Windows-1252 character (a file edited in two editors: 'è' saved as the one byte 0xe8), else ''.
    The first 50 such bytes are judged."""
    bad: list[str] = []
    at = 0
    while len(bad) < 50:
        try:
            raw[at:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            at += exc.start
            try:
                bad.append(raw[at:at + 1].decode("cp1252"))
            except UnicodeDecodeError:
                return ""
            at += 1
    shown = ", ".join(repr(c) for c in list(dict.fromkeys(bad))[:5])
    return f"UTF-8 with some characters ({shown}) saved as Windows-1252 or Latin-1" if bad else ""


def undecodable_at(raw: bytes, index: int) -> tuple[int, int]:
    """The 1-based line and column (in characters) of byte ``index`` of ``raw``, the first byte
    that is not UTF-8: where to look in an editor."""
    start = raw.rfind(b"\n", 0, index) + 1
    return raw.count(b"\n", 0, index) + 1, len(raw[start:index].decode("utf-8", errors="replace")) + 1
