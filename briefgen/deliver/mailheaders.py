"""Subject and address headers that read back exactly as written (RFC 2047 encoded-words).

Python's header folding (``email.policy``) loses or moves whitespace in a long header that
mixes ASCII and other text: it may put the space between two words *between two
encoded-words*, where RFC 2047 (section 6.2) says a reader must drop it (``2026 — 中国五矿``
reads back as ``2026 —中国五矿``), and it can split a display name inside a word. The
header classes here (:data:`MAIL_POLICY`, used by :func:`briefgen.deliver.mail.compose`) fold
such headers themselves:

* the text is cut into words at whitespace; a run of words that must be encoded (non-ASCII,
  something that looks like an encoded-word, a word too long for a line) is encoded as a
  whole, *its inner whitespace inside the encoded text*, so no significant space ever sits
  between two encoded-words;
* an encoded run is split into encoded-words of at most 75 characters, at character
  boundaries (never inside a UTF-8 sequence), each in ``Q`` or ``B`` encoding, whichever is
  shorter; ``Q`` writes only letters, digits and ``! * + - /`` as themselves (the set RFC
  2047 section 5 allows in a phrase), so the same words serve a Subject and a display name;
* lines are filled up to 78 characters and folded before whitespace (which unfolding keeps)
  or between two encoded-words of one run (where the added space is dropped).

A Subject is always folded here (Python's folding also misplaces a double space in plain
ASCII); one that fits on a line is written as Python writes it. An address header whose
display names need no encoding (plain ASCII), with a non-ASCII mailbox, or with a group, is
left to Python.
"""

from __future__ import annotations

import base64
import re
from email import policy as email_policy
from email.headerregistry import BaseHeader, HeaderRegistry, UniqueAddressHeader, UniqueUnstructuredHeader
from typing import Any

MAX_LINE = 78
"""Line length to fold at (RFC 5322 2.1.1 "SHOULD")."""

_MAX_WORD = 75
"""Longest encoded-word (RFC 2047 section 2)."""

_LONG_WORD = 70
"""A plain word longer than this is encoded, so that it can be split over lines."""

_Q_SAFE = re.compile(rb"[A-Za-z0-9!*+\-/]")
_ATOM = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+")
"""RFC 5322 atext: a word of a display name that can stand as it is."""

_MAX_HEADER_LINE = 900
"""Below RFC 5322's hard limit of 998 characters a line."""


def needs_encoding(word: str, phrase: bool = False) -> bool:
    """Whether ``word`` cannot go into a header as it is: non-ASCII, shaped like an
    encoded-word (``=?``, which a reader would decode), or too long for a line; in a display
    name (``phrase``) also a word that is not an atom (``a,b``, ``(x``, ``"q"``)."""
    return not word.isascii() or "=?" in word or len(word) > _LONG_WORD or (phrase and not _ATOM.fullmatch(word))


def _encoded(text: str) -> str:
    """``text`` as one encoded-word, ``Q`` or ``B``, whichever is shorter."""
    data = text.encode("utf-8")
    q = "".join(chr(b) if _Q_SAFE.fullmatch(bytes([b])) else "_" if b == 0x20 else f"={b:02X}" for b in data)
    b = base64.b64encode(data).decode("ascii")
    return f"=?utf-8?q?{q}?=" if len(q) <= len(b) else f"=?utf-8?b?{b}?="


def _q_cost(char: str) -> int:
    return sum(1 if _Q_SAFE.fullmatch(bytes([b])) or b == 0x20 else 3 for b in char.encode("utf-8"))


def _chunks(text: str, first: int, limit: int) -> list[str]:
    """``text`` as encoded-words: the first at most ``first`` characters long (what is left of
    the current line), the others at most ``limit``; each cut falls between two characters."""
    out: list[str] = []
    start = 0
    while start < len(text):
        room = (limit if out else first) - len("=?utf-8?q??=")
        end, q, n = start + 1, _q_cost(text[start]), len(text[start].encode("utf-8"))
        while end < len(text):
            q2, n2 = q + _q_cost(text[end]), n + len(text[end].encode("utf-8"))
            if min(q2, 4 * -(-n2 // 3)) > room:  # the shorter of Q and B (base64: 4 per 3 bytes)
                break
            end, q, n = end + 1, q2, n2
        out.append(_encoded(text[start:end]))
        start = end
    return out


class _Folder:
    """Fills lines of at most ``width`` characters, starting after ``Name:``."""

    def __init__(self, name: str, width: int):
        self.lines = [f"{name}:"]
        self.width = width
        self.fresh = True  # no word on the current line yet

    @property
    def room(self) -> int:
        return self.width - len(self.lines[-1])

    def _add(self, space: str, word: str) -> None:
        if len(space) + len(word) > self.room and not self.fresh:
            self.lines.append("")  # fold before the whitespace: unfolding keeps it
        self.lines[-1] += space + word
        self.fresh = False

    def plain(self, space: str, word: str) -> None:
        """Add ``word`` after the significant whitespace ``space`` (at least one character)."""
        self._add(space, word)

    def encoded(self, space: str, text: str, whole: bool = False) -> None:
        """Add ``text`` encoded, after the whitespace ``space``: its first encoded-word fills
        the current line (or begins the next when not one character fits), the others
        follow on lines of their own, the space between them dropped by a reader. With
        ``whole`` (a display name) the text is one encoded-word however long, up to
        :data:`_MAX_HEADER_LINE` (see :class:`RoundTripAddresses`)."""
        if whole and len(_encoded(text)) + 1 <= _MAX_HEADER_LINE:
            self._add(space, _encoded(text))
            return
        full = min(_MAX_WORD, self.width - 1)
        if len(_encoded(text[0])) + len(space) > self.room and not self.fresh:
            self.lines.append("")
        words = _chunks(text, min(full, self.room - len(space)), full)
        self._add(space, words[0])
        for word in words[1:]:
            self._add(" ", word)

    def text(self, linesep: str) -> str:
        return linesep.join(self.lines) + linesep


def _runs(text: str, phrase: bool = False) -> list[tuple[str, str, bool]]:
    """``text`` as ``(whitespace before, words, encode)``: plain words one by one, words that
    need encoding (:func:`needs_encoding`) grouped into runs with the whitespace between them."""
    parts = re.split(r"(\s+)", text)
    out: list[tuple[str, str, bool]] = []
    space = " "
    for i in range(0, len(parts), 2):
        word = parts[i]
        if word:
            encode = needs_encoding(word, phrase)
            if encode and out and out[-1][2] and space:
                before, words, _ = out[-1]
                out[-1] = (before, words + space + word, True)
            else:
                out.append((space, word, encode))
        space = parts[i + 1] if i + 1 < len(parts) else ""
    return out


def _width(policy: Any) -> int:
    return min(policy.max_line_length or MAX_LINE, MAX_LINE)


class RoundTripSubject(UniqueUnstructuredHeader, BaseHeader):  # type: ignore[misc]  # typeshed: BaseHeader is a mixin
    """An unstructured header (Subject) folded so that it reads back exactly (module doc).
    The value is kept as given: text shaped like an encoded-word (``=?utf-8?q?x?=``) is not
    decoded when the header is set (Python's own header would make it ``x``)."""

    @classmethod
    def parse(cls, value: str, kwds: dict[str, Any]) -> None:
        super().parse(value, kwds)
        if isinstance(value, str) and "=?" in value and "\n" not in value and "\r" not in value:
            kwds["decoded"] = value

    def fold(self, *, policy: Any) -> str:
        text = str(self)
        runs = _runs(text)
        if not text or text != text.strip():  # none of ours (compose strips it)
            return super().fold(policy=policy)
        folder = _Folder(self.name, _width(policy))
        for space, words, encode in runs:
            (folder.encoded if encode else folder.plain)(space, words)
        return folder.text(policy.linesep)


class RoundTripAddresses(UniqueAddressHeader, BaseHeader):  # type: ignore[misc]  # typeshed: BaseHeader is a mixin
    """An address header (From, To, Cc) whose display names read back exactly (module doc).

    In a display name, the atoms stay as they are and the other words are encoded in runs
    (as in a Subject), but a run is one encoded-word however long: readers disagree about
    the space between two encoded-words of a display name (RFC 2047 drops it, Python's
    parser keeps one), so a display name never has two adjacent ones (most readers accept
    an encoded-word over 75 characters; a run too long for a line is split)."""

    def fold(self, *, policy: Any) -> str:
        addresses = [a for g in self.groups for a in g.addresses]
        names = [a.display_name for a in addresses]
        if (any(g.display_name is not None for g in self.groups) or not any(
                any(needs_encoding(w) for w in n.split()) for n in names)
                or not all(a.addr_spec.isascii() for a in addresses)):
            return super().fold(policy=policy)
        folder = _Folder(self.name, _width(policy))
        for i, a in enumerate(addresses):
            end = "," if i < len(addresses) - 1 else ""
            if not a.display_name:
                folder.plain(" ", a.addr_spec + end)
                continue
            runs = _runs(a.display_name, phrase=True)
            if any(encode for _, _, encode in runs):
                for space, words, encode in runs:
                    if encode:
                        folder.encoded(space, words, whole=True)
                    else:
                        folder.plain(space, words)
            else:
                folder.plain(" ", str(a).rsplit(" <", 1)[0])
            folder.plain(" ", f"<{a.addr_spec}>{end}")
        return folder.text(policy.linesep)


def _policy() -> Any:
    registry = HeaderRegistry()
    registry.map_to_type("subject", RoundTripSubject)
    for name in ("from", "to", "cc", "reply-to"):
        registry.map_to_type(name, RoundTripAddresses)
    return email_policy.SMTP.clone(header_factory=registry)


MAIL_POLICY = _policy()
"""``email.policy.SMTP`` with the header classes above for Subject, From, To, Cc, Reply-To."""
