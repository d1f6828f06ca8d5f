"""Traffic Light Protocol 2.0 (FIRST, https://www.first.org/tlp/).

Levels, from least to most restrictive: ``TLP:CLEAR`` < ``TLP:GREEN`` < ``TLP:AMBER`` <
``TLP:AMBER+STRICT`` < ``TLP:RED``. A document is marked with the most restrictive level of
anything it contains. TLP 2.0 asks that the label be shown in the header and footer of
every page as coloured text on a black background, 12 pt or larger, right-justified, and
in an email's subject line and before its body.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum


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
        """Accept ``TLP:AMBER``, ``amber``, ``AMBER+STRICT`` (case-insensitive).

        Raises ValueError naming the accepted labels.
        """
        norm = str(text).strip().upper().replace(" ", "")
        if not norm.startswith("TLP:"):
            norm = "TLP:" + norm
        if norm == "TLP:WHITE":  # TLP 1.0's name for CLEAR
            norm = "TLP:CLEAR"
        for level in cls:
            if level.value == norm:
                return level
        raise ValueError(f"not a TLP 2.0 label: {text!r} (one of {', '.join(LABELS)})")


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
