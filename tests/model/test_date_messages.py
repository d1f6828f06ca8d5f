"""A date in no accepted form is refused with every form listed, an example each, and a did-you-mean
that rewrites it; a briefing date gets its own message (one day, YYYY-MM-DD), not the partial
dates' forms."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from briefgen.model.fields import DateField, NearMiss, _parse_date, _parse_day, date_suggestion
from briefgen.model.models import BriefingMeta
from briefgen.model.vocab import DATE_FORMS, PartialDate


def test_every_example_of_the_forms_parses_and_every_form_is_named() -> None:
    examples = re.findall(r"\(([^)]*)\)", DATE_FORMS)
    written = [e.strip() for group in examples for e in group.split(";")[0].split(",")]
    assert written == ["2024", "2024-11", "2024-11-14", "~2024-11", "c. 2019", "circa 2019-06", "early 2025",
                       "mid 2024-03", "late 2024-11"]
    for text in written:
        PartialDate.parse(text)
    for word in ("'~'", "'c.'", "'circa'", "'early'", "'mid'", "'late'"):
        assert word in DATE_FORMS


def test_the_json_schema_pattern_accepts_what_the_parser_accepts() -> None:
    from pydantic import TypeAdapter

    pattern = re.compile(TypeAdapter(DateField).json_schema()["pattern"])
    for text in ("2024", "~2024-11", "c. 2019", "c.2019", "circa 2019-06", "Circa 2019", "early 2025", "Late 2024-11"):
        PartialDate.parse(text)
        assert pattern.match(text), text
    for text in ("Spring 2025", "2024/11/14", "about 2019"):
        assert not pattern.match(text), text


def test_a_claim_date_in_no_form_lists_every_form() -> None:
    with pytest.raises(NearMiss) as info:
        _parse_date("approx. 2025-4")
    assert str(info.value) == f"not a date: 'approx. 2025-4'; a date is written {DATE_FORMS}"
    assert "c. 2019" in str(info.value) and "late 2024-11" in str(info.value)
    assert info.value.suggestion == "c. 2025-04"


@pytest.mark.parametrize(("text", "suggestion"), [
    ("2024/11/5", "2024-11-05"), ("2025-5-12", "2025-05-12"), ("14.11.2024", "2024-11-14"),
    ("5/11/2024", ""),  # the 5th of November or the 11th of May: not told
    ("November 2024", "2024-11"), ("Nov 14, 2024", "2024-11-14"), ("14 Nov 2024", "2024-11-14"),
    ("approx. 2019", "c. 2019"), ("about 2019/3", "c. 2019-03"), ("ca 2020", "c. 2020"), ("c2019", "c. 2019"),
    ("mid-2024", "mid 2024"), ("Late 2024-3", "late 2024-03"),
    ("2024-13", ""), ("Spring 2025", ""),
])
def test_the_did_you_mean_rewrites_what_it_can(text, suggestion) -> None:
    assert date_suggestion(text) == suggestion


@pytest.mark.parametrize(("written", "says", "suggestion"), [
    ("2025-5-12", "'2025-5-12' is not a date in that form", "2025-05-12"),
    ("12/05/2025", "'12/05/2025' is not a date in that form", ""),
    ("2025/05/12", "'2025/05/12' is not a date in that form", "2025-05-12"),
    ("May 2025", "'May 2025' is not a date in that form", ""),  # a month: no one day to suggest
    ("2025-02-30", "day 30 does not exist in 2025-02 ('2025-02-30')", ""),
    ("2025-05", "'2025-05' names no one day", ""),
    ("~2025-05-12", "'~2025-05-12' names no one day", ""),
])
def test_a_briefing_date_gets_its_own_message(written, says, suggestion) -> None:
    with pytest.raises(NearMiss) as info:
        _parse_day(written)
    assert str(info.value) == ("a briefing date is one day, written YYYY-MM-DD (it is the PDF's creation date and "
                               f"files the edition); {says}")
    assert "circa" not in str(info.value) and "early" not in str(info.value)
    assert (info.value.suggestion, info.value.expected) == (suggestion, "YYYY-MM-DD, e.g. 2026-11-20")


def test_a_briefing_date_is_refused_by_the_model() -> None:
    with pytest.raises(ValidationError, match="a briefing date is one day"):
        BriefingMeta(id="b", title="T", date="2025-5-12", desk="D")


def test_a_month_before_its_year_and_thirds_in_words_are_rewritten() -> None:
    pairs = [("05/2025", "2025-05"), ("5.2025", "2025-05"), ("middle 2024-03", "mid 2024-03"),
             ("middle of 2024", "mid 2024"), ("end of 2024", "late 2024"), ("beginning of 2025-04", "early 2025-04"),
             ("start of 2025", "early 2025"),
             ("13/2025", "")]  # no month 13: not told
    assert [date_suggestion(text) for text, _ in pairs] == [suggestion for _, suggestion in pairs]
