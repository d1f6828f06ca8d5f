"""Selections that can never show anything are warned about by validate (and build), located at
the criterion that empties them, saying why and what would match (``empty-selection``); so is a
selection every audience that would show it withholds by its ceiling (``withheld-selection``).
Each bad case is paired with the good one next to it, which gives no such warning."""

from __future__ import annotations

import json

import pytest
from conftest import EXAMPLE_SPEC, run_cli

SPEC = "specs/calder-bay.yaml"
CODES = ("empty-selection", "withheld-selection")


def warnings(project, replace: dict[str, str] | None = None, kb: dict[str, str] | None = None,
             audiences: dict[str, str] | None = None) -> list:
    """The selection warnings of the starter spec after the replacements (old -> new) in the
    spec, the claims file and the audiences file."""
    from briefgen.pipeline.build import prepare

    for path, changes in ((project / SPEC, replace), (project / "kb" / "claims.yaml", kb),
                          (project / "specs" / "audiences.yaml", audiences)):
        text = path.read_text(encoding="utf-8")
        for old, new in (changes or {}).items():
            assert old in text, old
            text = text.replace(old, new)
        path.write_text(text, encoding="utf-8")
    return [p for p in prepare(project / SPEC).warnings if p.code in CODES]


TIMELINE = "select: {dated: true, tags: [milestone]}"


def test_a_date_range_past_every_claim_is_named_with_the_newest_date(starter) -> None:
    (problem,) = warnings(starter, {TIMELINE: "select: {dated: true, tags: [milestone], date_from: 2090-01-01}"})
    assert (problem.code, problem.file, problem.line, problem.key) == (
        "empty-selection", SPEC, 64, "sections[4].charts[0].select.date_from")
    assert problem.message == (
        "the selection of timeline chart 'fig-timeline' is empty: tags [milestone] match 4 claims; none is dated on or "
        "after 2090-01-01 (the newest is 2025-01, 'c-meridian-bid'), so it is left out of every variant")
    assert problem.expected == "a date_from on or before 2025-01, or no date_from"


def test_a_date_range_that_reaches_a_claim_gives_no_warning(starter) -> None:
    assert warnings(starter, {TIMELINE: "select: {dated: true, tags: [milestone], date_from: 2025-01-01}"}) == []


def test_date_to_before_every_claim_names_the_oldest(starter) -> None:
    (problem,) = warnings(starter, {"    select: {}\n": "    select: {date_to: 2020-06}\n"})
    assert (problem.line, problem.key) == (89, "sections[5].select.date_to")
    assert ("claims_table section 'claims' is empty: no claim of the knowledge base is dated on or before 2020-06 "
            "(the oldest is 2023, 'c-teu-2023'), so every variant shows it without claims") in problem.message
    assert problem.expected == "a date_to on or after 2023, or no date_to"


@pytest.mark.parametrize(("select", "key", "why", "expected"), [
    ("{judgments: true, min_confidence: high}", "min_confidence",
     "judgments: true match 3 claims; none has high confidence or higher (the highest is moderate)",
     "a min_confidence of moderate or lower, or none"),
    ("{judgments: true, tags: [traffic]}", "judgments",
     "tags [traffic] match 2 claims; none is a key judgment (a claim with a likelihood or confidence)",
     "a selection that some claim matches: widen or remove judgments"),
    ("{judgments: true, entities: [mara-ellison]}", "judgments",
     "entities [mara-ellison] match 1 claim; none is a key judgment", "widen or remove judgments"),
    ("{judgments: true, with_figures: true, tags: [labour]}", "with_figures",
     "tags [labour] and judgments: true match 1 claim; none states a figure", "widen or remove with_figures"),
    ("{judgments: false, claims: [c-capacity-outlook, c-further-strikes]}", "judgments",
     "claims [c-capacity-outlook, c-further-strikes] match 2 claims; none is a fact", "widen or remove judgments"),
    ("{tags: [concession], dated: true, date_to: 2024-12}", "date_to",
     "tags [concession] and dated: true match 1 claim; none is dated on or before 2024-12 (the oldest is 2025-01",
     "a date_to on or after 2025-01"),
])
def test_the_criterion_that_empties_a_selection_is_named(starter, select, key, why, expected) -> None:
    (problem,) = warnings(starter, {"select: {judgments: true}": f"select: {select}"})
    assert (problem.code, problem.line, problem.key) == ("empty-selection", 31, f"sections[1].select.{key}")
    assert f"key_judgments section 'key-judgments' is empty: {why}" in problem.message
    assert expected in problem.expected


def test_the_same_criteria_matching_a_claim_give_no_warning(starter) -> None:
    found = warnings(starter, {"select: {judgments: true}": "select: {judgments: true, min_confidence: moderate, "
                                                            "tags: [labour, concession]}"})
    # not empty; but the one claim it matches is AMBER: the public release would print the section without it
    assert [(p.code, p.key) for p in found] == [("withheld-selection", "audiences.public.tlp")]


def test_a_key_judgments_section_without_select_in_a_knowledge_base_without_judgments(starter) -> None:
    import re

    claims = starter / "kb" / "claims.yaml"
    claims.write_text(re.sub(r"\n    (likelihood|confidence): .*", "", claims.read_text(encoding="utf-8")))
    (problem,) = warnings(starter, {"    select: {judgments: true}\n": ""})
    assert (problem.line, problem.key) == (29, "sections[1].kind")  # its kind selects judgments
    assert problem.message.startswith("the selection of key_judgments section 'key-judgments' is empty: no claim of "
                                      "the knowledge base is a key judgment")


def test_a_chart_kind_that_draws_what_none_of_its_claims_has(starter) -> None:
    money = "select: {claims: [c-north-quay-cost, c-funding-gap]}"
    (problem,) = warnings(starter, {money: "select: {claims: [c-strike, c-ellison-chair]}"})
    assert (problem.line, problem.key) == (76, "sections[4].charts[2].select")
    assert problem.message == (
        "the selection of bar chart 'fig-money' is empty: claims [c-strike, c-ellison-chair] match 2 claims; none "
        "states a figure (what a bar chart draws), so it is left out of every variant")
    assert problem.expected == "a selection that includes claims stating figures"


def test_a_timeline_of_undated_claims_and_a_network_of_claims_supporting_no_relation(starter) -> None:
    found = warnings(starter, {TIMELINE: "select: {tags: [labour], judgments: true}",
                               "      - id: fig-network\n": "      - id: fig-network\n"
                                                            "        select: {claims: [c-capacity-outlook]}\n"})
    assert [(p.key, p.message.split(": ", 1)[1].split(", so")[0]) for p in found] == [
        ("sections[4].charts[0].select", "tags [labour] and judgments: true match 1 claim; none is dated (what a "
                                         "timeline chart draws)"),
        ("sections[4].charts[1].select", "claims [c-capacity-outlook] match 1 claim; none supports a relation (what "
                                         "a network chart draws)")]


def test_unknown_tags_of_a_section_are_left_to_their_own_check(starter) -> None:
    from briefgen.pipeline.build import prepare

    spec = starter / SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace("    select: {}\n", "    select: {tags: [milstone]}\n"))
    found = prepare(spec).warnings
    assert [(p.code, p.key, p.suggestion) for p in found] == [("unknown-tag", "sections[5].select.tags[0]",
                                                               "milestone")]


def test_a_chart_emptied_by_unknown_tags_is_left_out_and_says_so_beside_them(starter) -> None:
    from briefgen.pipeline.build import prepare

    spec = starter / SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace(TIMELINE, "select: {dated: true, tags: [milstone]}"))
    found = prepare(spec).warnings
    assert [(p.code, p.key, p.suggestion) for p in found] == [
        ("empty-selection", "sections[4].charts[0].select.tags", ""),
        ("unknown-tag", "sections[4].charts[0].select.tags[0]", "milestone")]


AMBER_ONLY = {"select: {claims: [c-north-quay-cost, c-funding-gap]}": "select: {claims: [c-funding-gap]}"}


def test_what_only_audiences_below_its_marking_would_show_is_warned_about(starter) -> None:
    (problem,) = warnings(starter, AMBER_ONLY, audiences={"    tlp: TLP:AMBER\n": "    tlp: TLP:AMBER\n"
                                                                                  "    drop_charts: [fig-money]\n"})
    assert (problem.code, problem.line, problem.key) == ("withheld-selection", 76, "sections[4].charts[2].select")
    assert problem.message == (
        "no variant shows bar chart 'fig-money': its 1 claim is above the ceiling of every audience that would show "
        "it (public: TLP:CLEAR); the least restricted, 'c-funding-gap', is marked TLP:AMBER")
    assert problem.expected == ("an audience with a ceiling of TLP:AMBER or above, or a selection of what is marked "
                                "at most TLP:CLEAR")


def test_one_audience_seeing_it_is_enough(starter) -> None:
    assert warnings(starter, AMBER_ONLY) == []  # the public release loses it; the analysts see it


def test_every_audience_withholding_a_section_s_claims_names_them_all(starter) -> None:
    red = {"    tlp: TLP:AMBER\n    tags: [concession]": "    tlp: TLP:RED\n    tags: [concession]",
           "    tlp: TLP:AMBER\n    tags: [expansion]": "    tlp: TLP:RED\n    tags: [expansion]"}
    (problem,) = warnings(starter, {"    select: {}\n": "    select: {claims: [c-funding-gap, c-concession-award]}\n"},
                          kb=red)
    assert (problem.code, problem.line, problem.key) == ("withheld-selection", 89, "sections[5].select")
    assert problem.message.startswith(
        "no variant shows claims_table section 'claims': its 2 claims are all above the ceiling of every audience "
        "that would show it (analyst: TLP:AMBER, public: TLP:CLEAR); the least restricted, 'c-concession-award', "
        "is marked TLP:RED")


def test_a_claim_resting_on_withheld_sources_says_so(starter) -> None:
    sources = starter / "kb" / "sources.yaml"
    text = sources.read_text(encoding="utf-8")
    sources.write_text(text.replace("tlp: TLP:AMBER", "tlp: TLP:RED"))
    assert "tlp: TLP:RED" in sources.read_text(encoding="utf-8")
    (problem,) = warnings(starter, {"select: {claims: [c-north-quay-cost, c-funding-gap]}":
                                    "select: {claims: [c-funding-gap]}"},
                          kb={"    tlp: TLP:AMBER\n    tags: [expansion]": "    tags: [expansion]"})
    assert "'c-funding-gap', needs a ceiling of TLP:RED (for its sources or the entities it is about)" in \
        problem.message


def test_an_audience_leaving_the_item_out_by_its_choice_is_not_counted(starter) -> None:
    # the public release is the only one that shows the claims table; it sees no AMBER claim, but it
    # also drops the table by its own choice in the second case: then no audience shows it, no warning
    change = {"    select: {}\n": "    select: {claims: [c-funding-gap]}\n"}
    (problem,) = warnings(starter, change, audiences={"    tlp: TLP:AMBER\n": "    tlp: TLP:AMBER\n"
                                                                             "    claims_table: false\n"})
    assert problem.code == "withheld-selection" and "(public: TLP:CLEAR)" in problem.message
    assert warnings(starter, audiences={"    tlp: TLP:CLEAR\n": "    tlp: TLP:CLEAR\n    claims_table: false\n"}) == []


@pytest.mark.parametrize("spec", ["example", "starter"])
def test_specs_without_empty_selections_keep_their_warnings(spec, starter) -> None:
    path = EXAMPLE_SPEC if spec == "example" else starter / SPEC
    result = run_cli("validate", path, "--json")
    doc = json.loads(result.stdout)
    assert [w["code"] for w in doc["warnings"]] == (["single-source-judgment"] * 4 if spec == "example" else [])


@pytest.mark.slow
def test_build_prints_the_warning(starter) -> None:
    spec = starter / SPEC
    spec.write_text(spec.read_text(encoding="utf-8").replace(TIMELINE, "select: {tags: [milestone], date_from: 2090}"))
    result = run_cli("build", SPEC, "-a", "public", "--format", "pdf", "-o", "out")
    assert result.exit_code == 0, result.output
    assert "sections[4].charts[0].select.date_from" in result.output and "'fig-timeline' is empty" in result.output
    strict = run_cli("validate", SPEC, "--strict", "--json")
    (error,) = json.loads(strict.stdout)["errors"]
    assert (error["code"], error["line"]) == ("empty-selection", 64)


NETWORK = {"      - id: fig-network\n": "      - id: fig-network\n        select: {claims: [c-concession-award]}\n"}


def test_a_network_whose_relations_only_the_analysts_may_see(starter) -> None:
    assert warnings(starter, NETWORK) == []  # the analysts see the AMBER link
    (problem,) = warnings(starter, audiences={"    tlp: TLP:AMBER\n": "    tlp: TLP:AMBER\n"
                                                                     "    drop_charts: [fig-network]\n"})
    assert (problem.code, problem.line, problem.key) == ("withheld-selection", 67, "sections[4].charts[1].select")
    assert problem.message == (
        "no variant shows network chart 'fig-network': its 1 relation is above the ceiling of every audience that "
        "would show it (public: TLP:CLEAR); the least restricted, relation 'meridian-terminals --partner-of--> "
        "calder-bay-authority', needs a ceiling of TLP:AMBER")


# ------------------------------------------------------------------------------------ one audience left with none
ONE_AMBER_CLAIM = {"    select: {}\n": "    select: {claims: [c-funding-gap]}\n"}


def test_an_audience_whose_ceiling_empties_a_section_is_warned_at_the_audience(starter) -> None:
    """The analysts see the AMBER claim; the public release would print the claims table with no
    row (and no endnote): a warning located at the public audience's ceiling."""
    (problem,) = warnings(starter, ONE_AMBER_CLAIM)
    assert (problem.code, problem.severity, problem.file, problem.line, problem.key) == (
        "withheld-selection", "warning", "specs/audiences.yaml", 19, "audiences.public.tlp")
    assert problem.message == (
        "audience 'public' would show claims_table section 'claims' (sections[5]) with none of its claims: its "
        "ceiling TLP:CLEAR withholds all 1 claim the section selects; the least restricted, 'c-funding-gap', is "
        "marked TLP:AMBER")
    assert problem.expected == ("a ceiling of TLP:AMBER or above, a selection the audience may see, or "
                                "drop_sections: [claims]")


def test_the_warning_points_at_the_audience_s_sections_entry_and_counts_what_it_withholds(starter) -> None:
    listed = {"    tlp: TLP:CLEAR\n": "    tlp: TLP:CLEAR\n    sections: [claims, endnotes]\n"}
    (problem,) = warnings(starter, {"    select: {}\n": "    select: {claims: [c-funding-gap, c-concession-award]}\n"},
                          audiences=listed)
    assert (problem.code, problem.line, problem.key) == ("withheld-selection", 20, "audiences.public.sections[0]")
    assert "withholds all 2 claims the section selects" in problem.message
    assert problem.expected.endswith("or 'claims' left out of its sections")


def test_a_section_each_audience_sees_some_of_gives_no_warning(starter) -> None:
    one_clear = {"    select: {}\n": "    select: {claims: [c-funding-gap, c-teu-2023]}\n"}
    assert warnings(starter, one_clear) == []
    no_table = {"    tlp: TLP:CLEAR\n": "    tlp: TLP:CLEAR\n    claims_table: false\n"}
    assert warnings(starter, {"c-funding-gap, c-teu-2023]": "c-funding-gap]"}, audiences=no_table) == []


def test_build_strict_fails_only_the_variant_left_with_none(starter) -> None:
    from briefgen.pipeline.audit import variant_warnings
    from briefgen.pipeline.build import document_of, prepare

    assert [p.key for p in warnings(starter, ONE_AMBER_CLAIM)] == ["audiences.public.tlp"]
    prepared = prepare(starter / SPEC)
    concerned = {name: [p.key for p in variant_warnings(prepared.warnings, prepared.kb, document_of(prepared, name))
                        if p.code in CODES] for name in ("analyst", "public")}
    assert concerned == {"analyst": [], "public": ["audiences.public.tlp"]}
