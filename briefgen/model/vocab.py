"""The field's controlled vocabularies: dates with a precision, ICD 203 likelihood and
confidence, Admiralty (NATO) reliability and credibility, figure comparators.

Pure Python, no third-party imports, so that ``validate`` stays fast.
"""

from __future__ import annotations

import calendar
import datetime as _dt
import functools
import re
from dataclasses import dataclass
from enum import Enum

# --------------------------------------------------------------------------- dates
_DATE_RE = re.compile(
    r"^(?:(?P<qual>early|mid|late)\s+|(?P<approx>~|c\.\s*|circa\s+))?"
    r"(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$",
    re.IGNORECASE,
)
DATE_FORMS = ("YYYY (2024), YYYY-MM (2024-11) or YYYY-MM-DD (2024-11-14); approximate with '~', 'c.' or 'circa' "
              "before it (~2024-11, c. 2019, circa 2019-06); or a third of a year or month with 'early', 'mid' or "
              "'late' before it (early 2025, mid 2024-03, late 2024-11; not before a full date)")
"""Every form :data:`_DATE_RE` accepts, with an example each (for messages)."""


class DateFormError(ValueError):
    """Text that is not written in any of the :data:`DATE_FORMS`."""


# "early"/"mid"/"late" split a span into thirds: a year into Jan-Apr, May-Aug, Sep-Dec; a month into
# days 1-10, 11-20 and 21 to its end. Values: (first month, last month) and (first day, last day or None=end).
_QUAL_MONTHS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}
_QUAL_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, None)}


@functools.lru_cache(maxsize=4096)  # a knowledge base repeats few distinct dates across thousands of claims
def _span(year: int, month: int | None, day: int | None, qualifier: str | None) -> tuple[_dt.date, _dt.date]:
    if day:
        one = _dt.date(year, month or 1, day)
        return one, one
    if month:
        last = calendar.monthrange(year, month)[1]
        first_day, last_day = _QUAL_DAYS[qualifier] if qualifier else (1, last)
        return _dt.date(year, month, first_day), _dt.date(year, month, last_day or last)
    first_month, last_month = _QUAL_MONTHS[qualifier] if qualifier else (1, 12)
    end = calendar.monthrange(year, last_month)[1]
    return _dt.date(year, first_month, 1), _dt.date(year, last_month, end)


@functools.lru_cache(maxsize=4096)
def _midpoint(year: int, month: int | None, day: int | None, qualifier: str | None) -> _dt.date:
    first, last = _span(year, month, day, qualifier)
    return first + _dt.timedelta(days=(last - first).days // 2)


@dataclass(frozen=True, order=False)
class PartialDate:
    """A date known to a precision: year, month or day; possibly approximate.

    Written in YAML as ``2024``, ``2024-11``, ``2024-11-14``; ``~2024`` or ``c. 2024``
    for approximate; ``early``/``mid``/``late`` before a year or month
    (``late 2025-04`` renders as "late April 2025"). Rendered at its precision by
    :meth:`render`; placed on a timeline at :meth:`midpoint`.
    """

    year: int
    month: int | None = None
    day: int | None = None
    qualifier: str | None = None  # "early" | "mid" | "late"
    approximate: bool = False

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Parse the written form; raise ValueError saying what is wrong (:class:`DateFormError`,
        listing every accepted form, for text in none of them)."""
        if isinstance(text, _dt.date):
            return cls(text.year, text.month, text.day)
        raw = str(text).strip()
        m = _DATE_RE.match(raw)
        if not m:
            raise DateFormError(f"not a date: {raw!r}; a date is written {DATE_FORMS}")
        year = int(m["y"])
        if year < _dt.MINYEAR:  # 0000: no such year, and no midpoint() to place it at
            raise ValueError(f"year {year:04d} does not exist in {raw!r}; years start at 0001")
        month = int(m["m"]) if m["m"] else None
        day = int(m["d"]) if m["d"] else None
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month} out of range in {raw!r}")
        if day is not None:
            try:
                _dt.date(year, month or 1, day)
            except ValueError:
                raise ValueError(f"day {day} does not exist in {year}-{month:02d} ({raw!r})") from None
        qual = m["qual"].lower() if m["qual"] else None
        if qual and day is not None:
            raise ValueError(f"'{qual}' needs a year or a month, not a full date ({raw!r})")
        return cls(year, month, day, qual, bool(m["approx"]))

    @property
    def precision(self) -> str:
        """``"year"``, ``"month"`` or ``"day"``."""
        return "day" if self.day else "month" if self.month else "year"

    def span(self) -> tuple[_dt.date, _dt.date]:
        """First and last day (inclusive) this date covers: the day itself, the month, the year,
        or the third of a month or year named by ``early``/``mid``/``late``."""
        return _span(self.year, self.month, self.day, self.qualifier)

    def midpoint(self) -> _dt.date:
        """A concrete day standing for this date on a timeline: the middle day of :meth:`span`
        (the earlier of the two middle days when the span has an even number of days)."""
        return _midpoint(self.year, self.month, self.day, self.qualifier)

    def sort_key(self) -> tuple[int, int, int]:
        """Chronological sort key; a less precise date sorts at the middle of its span."""
        d = self.midpoint()
        return (d.year, d.month, d.day)

    def render(self) -> str:
        """Human form at the date's precision: ``2024``, ``November 2024``,
        ``14 November 2024``, ``late April 2025``, ``c. 2024``."""
        if self.day:
            text = f"{self.day} {calendar.month_name[self.month or 1]} {self.year}"
        elif self.month:
            text = f"{calendar.month_name[self.month]} {self.year}"
        else:
            text = str(self.year)
        if self.qualifier:
            text = f"{self.qualifier} {text}"
        if self.approximate:
            text = f"c. {text}"
        return text

    def __str__(self) -> str:  # the written (YAML) form
        text = f"{self.year:04d}"
        if self.month:
            text += f"-{self.month:02d}"
        if self.day:
            text += f"-{self.day:02d}"
        if self.qualifier:
            text = f"{self.qualifier} {text}"
        if self.approximate:
            text = "~" + text
        return text


# --------------------------------------------------------------------------- ICD 203
class Likelihood(str, Enum):
    """ICD 203 (Analytic Standards, 2015) expressions of likelihood, with their ranges."""

    ALMOST_NO_CHANCE = "almost no chance"
    VERY_UNLIKELY = "very unlikely"
    UNLIKELY = "unlikely"
    ROUGHLY_EVEN_CHANCE = "roughly even chance"
    LIKELY = "likely"
    VERY_LIKELY = "very likely"
    ALMOST_CERTAIN = "almost certain"

    @property
    def range_percent(self) -> tuple[int, int]:
        """The probability range in percent that ICD 203 assigns to the word."""
        return _LIKELIHOOD_RANGES[self]

    def admits(self, percent: float) -> bool:
        """True when ``percent`` (0-100) lies within this word's ICD 203 range."""
        lo, hi = self.range_percent
        return lo <= percent <= hi

    @classmethod
    def for_percent(cls, percent: float) -> "Likelihood":
        """The ICD 203 word whose range contains ``percent``."""
        for word in cls:
            if word.admits(percent):
                return word
        return cls.ALMOST_NO_CHANCE if percent < 1 else cls.ALMOST_CERTAIN


_LIKELIHOOD_RANGES = {
    Likelihood.ALMOST_NO_CHANCE: (1, 5),
    Likelihood.VERY_UNLIKELY: (5, 20),
    Likelihood.UNLIKELY: (20, 45),
    Likelihood.ROUGHLY_EVEN_CHANCE: (45, 55),
    Likelihood.LIKELY: (55, 80),
    Likelihood.VERY_LIKELY: (80, 95),
    Likelihood.ALMOST_CERTAIN: (95, 99),
}


LIKELIHOOD_SYNONYMS: dict[str, Likelihood] = {
    "remote": Likelihood.ALMOST_NO_CHANCE,
    "highly improbable": Likelihood.VERY_UNLIKELY,
    "highly unlikely": Likelihood.VERY_UNLIKELY,
    "improbable": Likelihood.UNLIKELY,
    "improbably": Likelihood.UNLIKELY,
    "roughly even odds": Likelihood.ROUGHLY_EVEN_CHANCE,
    "even chance": Likelihood.ROUGHLY_EVEN_CHANCE,
    "probable": Likelihood.LIKELY,
    "probably": Likelihood.LIKELY,
    "highly probable": Likelihood.VERY_LIKELY,
    "highly likely": Likelihood.VERY_LIKELY,
    "very probably": Likelihood.VERY_LIKELY,
    "nearly certain": Likelihood.ALMOST_CERTAIN,
    "almost certainly": Likelihood.ALMOST_CERTAIN,
    "nearly certainly": Likelihood.ALMOST_CERTAIN,
}
"""ICD 203's paired terms (remote, highly improbable, improbable, roughly even odds, probable,
highly probable, nearly certain), their adverbs and common forms, read as the first word of
each pair: a knowledge base may write either, briefgen prints the one word of the scale."""


def likelihood_of(text: str) -> Likelihood | None:
    """The ICD 203 likelihood ``text`` names (case, hyphens and extra spaces ignored; a
    synonym of :data:`LIKELIHOOD_SYNONYMS` normalised), or None."""
    norm = " ".join(str(text).lower().replace("-", " ").replace("_", " ").split())
    for word in Likelihood:
        if word.value == norm:
            return word
    return LIKELIHOOD_SYNONYMS.get(norm)


class Confidence(str, Enum):
    """ICD 203 analytic confidence, stated separately from likelihood."""

    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """0 (low) to 2 (high), for ``min_confidence`` selection."""
        return ["low", "moderate", "high"].index(self.value)


CONFIDENCE_SYNONYMS = {"medium": Confidence.MODERATE, "mod": Confidence.MODERATE}
"""Other words for ICD 203 confidence levels, read as the level."""


def confidence_of(text: str) -> Confidence | None:
    """The confidence ``text`` names (case ignored, ``medium`` read as ``moderate``), or None."""
    norm = str(text).strip().lower()
    return next((c for c in Confidence if c.value == norm), None) or CONFIDENCE_SYNONYMS.get(norm)


# --------------------------------------------------------------------------- Admiralty
class Reliability(str, Enum):
    """Admiralty code (NATO AJP-2.1) source reliability, A to F."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"

    @property
    def meaning(self) -> str:
        """The code's wording, e.g. ``B`` -> "usually reliable"."""
        return {
            "A": "completely reliable", "B": "usually reliable", "C": "fairly reliable",
            "D": "not usually reliable", "E": "unreliable", "F": "reliability cannot be judged",
        }[self.value]


CREDIBILITY = {
    1: "confirmed by other sources", 2: "probably true", 3: "possibly true",
    4: "doubtful", 5: "improbable", 6: "truth cannot be judged",
}
"""Admiralty code information credibility, 1 to 6."""


def admiralty(reliability: Reliability | None, credibility: int | None) -> str:
    """The combined rating as written in the field, e.g. ``B2``; ``F6`` parts when unknown."""
    return f"{reliability.value if reliability else 'F'}{credibility or 6}"


# --------------------------------------------------------------------------- figures
COMPARATOR_WORDS = {
    "=": "",
    "~": "about ",
    ">": "more than ",
    ">=": "at least ",
    "<": "less than ",
    "<=": "at most ",
}
"""How a figure's comparator reads before its value ("more than USD 65 million")."""
