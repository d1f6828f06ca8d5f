"""Traffic Light Protocol 2.0 (FIRST, https://www.first.org/tlp/).

Levels, from least to most restrictive: ``TLP:CLEAR`` < ``TLP:GREEN`` < ``TLP:AMBER`` <
``TLP:AMBER+STRICT`` < ``TLP:RED``. A document is marked with the most restrictive level of
anything it contains. TLP 2.0 asks that the label be shown in the header and footer of
every page as coloured text on a black background, 12 pt or larger, right-justified, and
in an email's subject line and before its body.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import Enum

from briefgen.errors import did_you_mean


class TLP(str, Enum):
    """A TLP 2.0 marking; compares by restrictiveness (``TLP.CLEAR < TLP.RED``)."""

    CLEAR = "TLP:CLEAR"
    GREEN = "TLP:GREEN"
    AMBER = "TLP:AMBER"
    AMBER_STRICT = "TLP:AMBER+STRICT"
    RED = "TLP:RED"

    @property
    def rank(self) -> int:
        """0 for CLEAR up to 4 for RED."""
        return _ORDER.index(self)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, TLP):
            return NotImplemented
        return self.rank < other.rank

    def __le__(self, other: object) -> bool:
        if not isinstance(other, TLP):
            return NotImplemented
        return self.rank <= other.rank

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, TLP):
            return NotImplemented
        return self.rank > other.rank

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, TLP):
            return NotImplemented
        return self.rank >= other.rank

    @property
    def label(self) -> str:
        """The label as TLP 2.0 prints it, e.g. ``TLP:AMBER+STRICT``."""
        return self.value

    @property
    def colour(self) -> str:
        """Text colour of the banner (hex RGB) on its black background, per TLP 2.0."""
        return _COLOURS[self]

    @classmethod
    def parse(cls, text: str) -> "TLP":
        """Accept ``TLP:AMBER``, ``amber``, ``AMBER+STRICT`` (case-insensitive; spaces are ignored,
        ``TLP : RED`` is ``TLP:RED``, and TLP 1.0's ``WHITE`` is ``TLP:CLEAR``).

        Raises ValueError naming the accepted labels and, for a near miss (``amberr``), the label
        meant (:meth:`LabelRefused.sentence`).
        """
        norm = str(text).strip().upper().replace(" ", "")
        if not norm.startswith("TLP:"):
            norm = "TLP:" + norm
        if norm == "TLP:WHITE":  # TLP 1.0's name for CLEAR
            norm = "TLP:CLEAR"
        for level in cls:
            if level.value == norm:
                return level
        raise ValueError(_refused_text(str(text)).sentence())


_ORDER = [TLP.CLEAR, TLP.GREEN, TLP.AMBER, TLP.AMBER_STRICT, TLP.RED]
_COLOURS = {
    TLP.CLEAR: "#FFFFFF",
    TLP.GREEN: "#33FF00",
    TLP.AMBER: "#FFC000",
    TLP.AMBER_STRICT: "#FFC000",
    TLP.RED: "#FF2B2B",
}
LABELS = [level.value for level in _ORDER]


def may_see(ceiling: TLP, marking: TLP) -> bool:
    """True when an audience whose ceiling is ``ceiling`` may receive ``marking``."""
    return marking.rank <= ceiling.rank


def most_restrictive(levels: Iterable[TLP], default: TLP = TLP.CLEAR) -> TLP:
    """The most restrictive of ``levels`` (``default`` when empty): a document's marking."""
    result = default
    for level in levels:
        if level.rank > result.rank:
            result = level
    return result


# --------------------------------------------------------------------------- labels as written
EXPECTED = "one of " + ", ".join(LABELS)
"""What a ``tlp:`` key accepts, as a problem's *expected* says it."""

_LEVEL_WORDS = {label.removeprefix("TLP:"): label for label in LABELS} | {"WHITE": "TLP:CLEAR"}
_PREFIX = re.compile(r"^TLP\W*")
_NUMBER = re.compile(r"[-+]?(?:\d[\d_]*(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?", re.IGNORECASE)


class LabelRefused(ValueError):
    """A value that is not a TLP 2.0 label. Its text is the message; ``got`` says what was
    written in YAML words (``nothing``, ``a list: [RED]``, ``3, a number``; empty when the
    message quotes it), ``expected`` the labels accepted, ``suggestion`` the label meant by a near
    miss (empty when nothing is near: no guess is offered). :func:`briefgen.load.schema.problems_from_validation`
    reads the three as it reads :class:`briefgen.model.fields.NearMiss`."""

    def __init__(self, message: str, *, got: str = "", suggestion: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.got = got
        self.suggestion = suggestion
        self.expected = EXPECTED

    def __str__(self) -> str:
        return self.message

    def sentence(self) -> str:
        """The whole refusal on one line, for a reader with no problem list (a command-line option):
        ``not a TLP 2.0 label: 'rde' (expected one of TLP:CLEAR, ..., TLP:RED); did you mean 'TLP:RED'?``"""
        text = f"{self.message} (expected {self.expected}" + (f", got {self.got})" if self.got else ")")
        return text + (f"; did you mean {self.suggestion!r}?" if self.suggestion else "")


def read_label(value: object) -> TLP:
    """The TLP level of a ``tlp:`` value as loaded from YAML (text, as the loader keeps every
    scalar; ``None`` for a key with no value; a list or a mapping). A :class:`TLP` is returned as is.

    Raises :class:`LabelRefused` saying what was found: nothing, empty text, a number, a list or a
    mapping are named as such, with the accepted labels and no guess (a list of one label, ``[RED]``,
    suggests that label); other text is quoted, with a did-you-mean only when it is near a level
    (``gren`` -> ``TLP:GREEN``, ``TLP-RED`` -> ``TLP:RED``).
    """
    if isinstance(value, TLP):
        return value
    if isinstance(value, str):
        if not value.strip():
            raise LabelRefused("not a TLP 2.0 label", got="empty text")
        if _NUMBER.fullmatch(value.strip()):
            raise LabelRefused("not a TLP 2.0 label", got=f"{value.strip()}, a number")
        try:
            return TLP.parse(value)
        except ValueError:
            raise _refused_text(value) from None
    if isinstance(value, list):
        meant = ""
        if len(value) == 1 and isinstance(value[0], str):
            try:
                meant = TLP.parse(value[0]).label
            except ValueError:
                pass
        raise LabelRefused("not a TLP 2.0 label: a label is one value, not a list", got="a list: " + _flow(value),
                           suggestion=meant)
    if isinstance(value, dict):
        raise LabelRefused("not a TLP 2.0 label", got="a mapping: " + _flow(value))
    if value is None:
        raise LabelRefused("not a TLP 2.0 label", got="nothing")
    return read_label(str(value))  # a bool or number built in Python, not read from YAML


def spelt_with_spaces(text: object) -> TLP | None:
    """The level of a label that is accepted but written with spaces inside (``TLP: RED``,
    ``amber + strict``), which TLP 2.0 never prints; None for any other value. A reading check warns
    of it, suggesting the label as TLP 2.0 prints it."""
    if not isinstance(text, str) or " " not in text.strip():
        return None
    try:
        return TLP.parse(text)
    except ValueError:
        return None


def _refused_text(text: str) -> LabelRefused:
    word = _PREFIX.sub("", text.strip().upper().replace(" ", ""))
    near = did_you_mean(word, _LEVEL_WORDS) if word else None
    return LabelRefused(f"not a TLP 2.0 label: {text!r}", suggestion=_LEVEL_WORDS[near] if near else "")


def _flow(value: object, limit: int = 60) -> str:
    """``value`` as YAML's flow style writes it (``[RED]``, ``{level: red}``), cut at ``limit`` characters."""
    def flow(item: object) -> str:
        if isinstance(item, list):
            return "[" + ", ".join(flow(i) for i in item) + "]"
        if isinstance(item, dict):
            return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in item.items()) + "}"
        return "null" if item is None else str(item)

    text = flow(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
