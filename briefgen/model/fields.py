"""The field types every model of :mod:`briefgen.model.models` shares: ids, TLP labels,
partial dates, the :class:`Model` base (unknown keys forbidden, frozen) and
:class:`NearMiss`, the validator error that carries a did-you-mean."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema

from briefgen.model.tlp import LABELS, TLP, read_label
from briefgen.model.vocab import (
    CONFIDENCE_SYNONYMS,
    LIKELIHOOD_SYNONYMS,
    Confidence,
    DateFormError,
    Likelihood,
    PartialDate,
    confidence_of,
    likelihood_of,
)


# --------------------------------------------------------------------------- field types
class NearMiss(ValueError):
    """A validator's ValueError that also names the accepted value closest to what was
    written (``suggestion``); :func:`briefgen.load.schema.problems_from_validation` turns it
    into the problem's did-you-mean, and ``expected`` (when given) into what it says was expected."""

    def __init__(self, message: str, suggestion: str = "", expected: str = "") -> None:
        super().__init__(message)
        self.suggestion = suggestion
        self.expected = expected


def non_blank(value: str) -> str:
    """``value`` unless it is empty or only white space (raises ValueError)."""
    if not value.strip():
        raise NearMiss("the text is empty", expected="words: a title, name or statement is printed")
    return value


Text = Annotated[str, AfterValidator(non_blank)]
"""Text that is printed where a reader expects words (a title, a name, a statement): not empty,
not only white space."""


_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _check_id(value: object) -> str:
    text = str(value)
    if not _ID_RE.match(text):
        raise NearMiss(f"ids are lower-case letters, digits, '-', '_' and '.', starting "
                       f"with a letter or digit; got {text!r}", suggestion=id_like(text),
                       expected="an id such as 'lopez-aliaga' or 'src-fdd-report'")
    return text


def id_like(text: str) -> str:
    """``text`` written as an id (``Public`` -> ``public``, ``Lima Port`` -> ``lima-port``,
    ``López`` -> ``lopez``), or "" when nothing of it is left."""
    import unicodedata

    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9._-]+", "-", plain)).strip("-._")


def check_output_name(value: object) -> str:
    """An id that names output files (a briefing id, an audience name): an id without
    ``--``, the separator of ``<briefing>--<audience>``, so that a file name tells its
    variant and no two variants share one (``cb`` / ``pub--lic`` and ``cb--pub`` / ``lic``
    would). A near miss suggests the name with each run of dashes made one."""
    text = _check_id(value)
    if "--" in text:
        raise NearMiss(f"'--' separates the briefing id from the audience in output file names "
                       f"(<briefing>--<audience>.pdf), so briefing ids and audience names may not contain it; "
                       f"got {text!r}", suggestion=re.sub(r"-{2,}", "-", text))
    if text.endswith(".document"):  # <b>--<a>.document.json is the manifest of this name, or another's document
        raise NearMiss(f"a name ending in '.document' would give its manifest the name of another audience's "
                       f"document model (<briefing>--<audience>.document.json); got {text!r}",
                       suggestion=text[: -len(".document")] + "-document")
    return text


def _parse_tlp(value: object) -> TLP:
    """A TLP label (:func:`briefgen.model.tlp.read_label`: a refusal names what was written and the
    labels accepted, and carries ``suggestion`` for a near miss, 'amberr' -> 'TLP:AMBER')."""
    return read_label(value)


def _parse_date(value: object) -> PartialDate:
    """A date at its precision (:class:`PartialDate`). Text in none of the accepted forms is a
    :class:`NearMiss` whose message lists them all (:data:`briefgen.model.vocab.DATE_FORMS`) and
    whose did-you-mean is the text rewritten in one (:func:`date_suggestion`)."""
    if isinstance(value, PartialDate):
        return value
    try:
        return PartialDate.parse(str(value))
    except DateFormError as exc:
        expected = "YYYY, YYYY-MM or YYYY-MM-DD, optionally after ~, c., circa, early, mid or late"
        raise NearMiss(str(exc), suggestion=date_suggestion(str(value)), expected=expected) from None
    except ValueError as exc:  # written in a form, but no such date (2025-13, 2025-02-30, 0000)
        raise NoSuchDate(str(exc), expected=_EXISTING) from None


_EXISTING = "a date that exists: a year from 0001, a month from 01 to 12, a day of that month"


class NoSuchDate(NearMiss):
    """A date written in an accepted form that names no date (month 13, 30 February)."""


_BRIEFING_DATE = "a briefing date is one day, written YYYY-MM-DD (it is the PDF's creation date and files the edition)"


def _parse_day(value: object) -> PartialDate:
    """A date to the day (``YYYY-MM-DD``, not approximate): a briefing date. It is the PDF's
    creation date and files the edition (``editions/<id>/<date>/``), so a month or a year,
    which name no one day, is refused rather than placed at the middle of its span; text that
    is no date is refused in the briefing date's own words (not the partial dates' forms)."""
    expected = "YYYY-MM-DD, e.g. 2026-11-20"
    try:
        date = _parse_date(value)
    except NoSuchDate as exc:  # a date of that form that does not exist (2025-02-30)
        raise NearMiss(f"{_BRIEFING_DATE}; {exc}", expected=expected) from None
    except NearMiss as exc:  # not a date at all: the forms of a claim's date would mislead here
        near = exc.suggestion if _DAY_RE.match(exc.suggestion) else ""
        raise NearMiss(f"{_BRIEFING_DATE}; {str(value).strip()!r} is not a date in that form",
                       suggestion=near, expected=expected) from None
    if date.precision != "day" or date.approximate:
        raise NearMiss(f"{_BRIEFING_DATE}; {str(value)!r} names no one day", expected=expected)
    return date


_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMERIC_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?$")
_DAY_FIRST_RE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_MONTH_FIRST_RE = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_APPROX_RE = re.compile(r"^(?:approx\.?|approximately|about|around|ca\.?|c|circa\.)\s*(?=\d)", re.IGNORECASE)
_THIRD_RE = re.compile(r"^(early|mid|late|middle(?: of)?|beginning of|start of|end of)[-\s]*(?=\d)",
                       re.IGNORECASE)
_THIRDS = {"middle": "mid", "middle of": "mid", "beginning of": "early", "start of": "early", "end of": "late"}
_WORDED = ("%B %Y", "%b %Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")


def date_suggestion(text: str) -> str:
    """``text`` rewritten in an accepted date form, or "" when it cannot be told:
    ``2024/11/5`` -> ``2024-11-05``, ``14.11.2024`` -> ``2024-11-14`` (only when the day
    cannot be the month), ``05/2025`` -> ``2025-05``, ``November 2024`` -> ``2024-11``,
    ``approx. 2019`` -> ``c. 2019``, ``mid-2024`` and ``middle of 2024`` -> ``mid 2024``, ``end of
    2024`` -> ``late 2024``."""
    import datetime as dt

    raw = " ".join(text.split())
    for pattern, prefix in ((_APPROX_RE, "c. "), (_THIRD_RE, "")):
        lead = pattern.match(raw)
        if lead:
            rest = date_suggestion(raw[lead.end():]) or raw[lead.end():]
            word = prefix or _THIRDS.get(" ".join(lead.group(1).lower().split()), lead.group(1).lower()) + " "
            return _valid(word + rest)
    found = _NUMERIC_RE.match(raw)
    if found:
        return _valid("-".join(part.zfill(2) for part in found.groups() if part))
    found = _DAY_FIRST_RE.match(raw)
    if found and int(found[1]) > 12:  # else it could be the month (5/11/2024)
        return _valid(f"{found[3]}-{int(found[2]):02d}-{int(found[1]):02d}")
    found = _MONTH_FIRST_RE.match(raw)  # 05/2025: a month and its year
    if found:
        return _valid(f"{found[2]}-{int(found[1]):02d}")
    for form in _WORDED:
        try:
            made = dt.datetime.strptime(raw, form)
        except ValueError:
            continue
        return made.strftime("%Y-%m-%d" if "%d" in form else "%Y-%m")
    return ""


def _valid(text: str) -> str:
    """``text`` when it parses as a date, else ""."""
    try:
        PartialDate.parse(text)
    except ValueError:
        return ""
    return text


Id = Annotated[str, BeforeValidator(_check_id),
               WithJsonSchema({"type": "string", "pattern": _ID_RE.pattern})]
OutputName = Annotated[str, BeforeValidator(check_output_name),
                       WithJsonSchema({"type": "string",
                                       "pattern": r"^(?!.*--)(?!.*\.document$)[a-z0-9][a-z0-9._-]*$"})]
"""A briefing id or audience name: an :data:`Id` without ``--`` (it names output files)."""
TLPField = Annotated[TLP, BeforeValidator(_parse_tlp), PlainSerializer(lambda t: t.value),
                     WithJsonSchema({"type": "string", "enum": LABELS + [label.split(":")[1] for label in LABELS]})]
DateField = Annotated[PartialDate, BeforeValidator(_parse_date), PlainSerializer(str),
                      WithJsonSchema({"type": "string", "pattern":
                                      r"^(~|[cC]\.\s*|[cC]irca\s+|([eE]arly|[mM]id|[lL]ate)\s+)?"
                                      r"\d{4}(-\d{2}(-\d{2})?)?$"})]
DayField = Annotated[PartialDate, BeforeValidator(_parse_day), PlainSerializer(str),
                     WithJsonSchema({"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"})]
"""A date to the day, ``YYYY-MM-DD``: the briefing date."""


class Model(BaseModel):
    """Base: unknown keys are errors; values are validated on assignment too."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False,
                              use_enum_values=False, allow_inf_nan=False, defer_build=True)


def _parse_likelihood(value: object) -> Likelihood:
    """An ICD 203 likelihood word or one of its synonyms ("probable", "highly likely"),
    normalised; a near miss names the closest word ("likley" -> 'likely')."""
    if isinstance(value, Likelihood):
        return value
    found = likelihood_of(str(value))
    if found is not None:
        return found
    from briefgen.errors import did_you_mean

    words = [w.value for w in Likelihood] + list(LIKELIHOOD_SYNONYMS)
    near = did_you_mean(" ".join(str(value).lower().replace("-", " ").split()), words)
    found = likelihood_of(near) if near else None
    suggestion = found.value if found is not None else ""
    raise NearMiss(f"not an ICD 203 likelihood: {value!r} (one of {', '.join(w.value for w in Likelihood)}, "
                   f"or a synonym such as 'probable' or 'highly likely')", suggestion=suggestion)


def _parse_confidence(value: object) -> Confidence:
    """An ICD 203 confidence level (``medium`` read as ``moderate``); a near miss names the closest."""
    if isinstance(value, Confidence):
        return value
    found = confidence_of(str(value))
    if found is not None:
        return found
    from briefgen.errors import did_you_mean

    near = did_you_mean(str(value).strip().lower(), [c.value for c in Confidence] + list(CONFIDENCE_SYNONYMS))
    level = confidence_of(near) if near else None
    suggestion = level.value if level is not None else ""
    raise NearMiss(f"not an ICD 203 confidence: {value!r} (one of low, moderate, high)", suggestion=suggestion)


LikelihoodField = Annotated[Likelihood, BeforeValidator(_parse_likelihood), PlainSerializer(lambda w: w.value),
                            WithJsonSchema({"type": "string",
                                            "enum": [w.value for w in Likelihood] + list(LIKELIHOOD_SYNONYMS)})]
ConfidenceField = Annotated[Confidence, BeforeValidator(_parse_confidence), PlainSerializer(lambda c: c.value),
                            WithJsonSchema({"type": "string",
                                            "enum": [c.value for c in Confidence] + list(CONFIDENCE_SYNONYMS)})]


BUILTIN_PREDICATES: tuple[str, ...] = (
    "owns", "operates", "backs", "invests-in", "opened", "donated-to", "attended",
    "analyses", "leads", "member-of", "partner-of", "located-in", "reported-on",
    "allied-with", "ships-through", "represents", "funds", "supplies",
)
"""The relation predicates every knowledge base has; a knowledge base declares more under
``predicates:`` (:class:`RelationPredicate`)."""
_PREDICATE_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


def _check_predicate(value: object) -> str:
    text = str(value)
    if not _PREDICATE_RE.match(text):
        raise ValueError(f"a predicate is lower-case words joined by '-', e.g. 'invests-in'; got {text!r}")
    return text


PredicateName = Annotated[str, BeforeValidator(_check_predicate),
                          WithJsonSchema({"type": "string", "pattern": _PREDICATE_RE.pattern,
                                          "examples": list(BUILTIN_PREDICATES)})]
