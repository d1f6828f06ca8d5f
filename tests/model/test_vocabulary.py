"""Issue 13, vocabulary: ICD 203's own synonyms accepted and normalised (near misses get a
suggestion), relation predicates declared in the knowledge base, and the desk's own
assessments shown as such rather than as an Admiralty credibility of 6."""

from __future__ import annotations

import re

import pytest
from conftest import pdf_pages_text, squash

from briefgen.errors import SpecError


@pytest.mark.parametrize("written,word", [
    ("probable", "likely"), ("probably", "likely"), ("Highly likely", "very likely"),
    ("highly probable", "very likely"),
    ("remote", "almost no chance"), ("highly improbable", "very unlikely"), ("improbable", "unlikely"),
    ("roughly even odds", "roughly even chance"), ("nearly certain", "almost certain"),
    ("almost certainly", "almost certain"), ("very-likely", "very likely"), ("LIKELY", "likely")])
def test_icd_203_synonyms_are_read_as_the_word(written, word):
    from briefgen.model.models import Claim

    assert Claim(id="c", statement="s", likelihood=written).likelihood.value == word


def test_medium_confidence_is_moderate():
    from briefgen.model.models import Claim

    assert Claim(id="c", statement="s", confidence="Medium").confidence.value == "moderate"


def edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_synonym_in_the_knowledge_base_prints_as_the_scale_word(example_project):
    from briefgen.pipeline.build import document_of, prepare

    claims = example_project / "assets" / "kb" / "claims.yaml"
    edit(claims, "    likelihood: very likely\n    confidence: moderate\n    tlp: TLP:AMBER",
         "    likelihood: highly probable\n    confidence: medium\n    tlp: TLP:AMBER")
    doc = document_of(prepare(example_project / "specs" / "peru-china.yaml"), "analyst")
    kj = next(k for k in doc.key_judgments() if k.claim == "c-desk-leverage")
    assert kj.likelihood == "Very likely (moderate confidence)"


@pytest.mark.parametrize("written,suggestion", [("probabel", "likely"), ("highly likley", "very likely"),
                                                ("unlikly", "unlikely")])
def test_a_near_miss_is_a_located_error_with_a_suggestion(example_project, written, suggestion):
    from briefgen.pipeline.build import prepare

    claims = example_project / "assets" / "kb" / "claims.yaml"
    edit(claims, "    likelihood: likely\n    probability: 65\n", f"    likelihood: {written}\n    probability: 65\n")
    with pytest.raises(SpecError) as info:
        prepare(example_project / "specs" / "peru-china.yaml")
    (problem,) = info.value.problems
    assert (problem.key, problem.suggestion) == ("claims[24].likelihood", suggestion)
    assert problem.line == 264 and problem.file.endswith("claims.yaml")
    assert problem.message.startswith(f"not an ICD 203 likelihood: {written!r}")


def test_confidence_near_miss_suggests_the_level(example_project):
    from briefgen.pipeline.build import prepare

    claims = example_project / "assets" / "kb" / "claims.yaml"
    edit(claims, "    probability: 65\n    confidence: low\n", "    probability: 65\n    confidence: moderat\n")
    with pytest.raises(SpecError) as info:
        prepare(example_project / "specs" / "peru-china.yaml")
    (problem,) = info.value.problems
    assert (problem.key, problem.suggestion) == ("claims[24].confidence", "moderate")


# --------------------------------------------------------------------------- predicates
def test_an_unknown_predicate_is_a_located_error_with_a_suggestion(example_project):
    from briefgen.pipeline.build import prepare

    relations = example_project / "assets" / "kb" / "relations.yaml"
    edit(relations, "    predicate: owns\n    object: perurail\n", "    predicate: own\n    object: perurail\n")
    with pytest.raises(SpecError) as info:
        prepare(example_project / "specs" / "peru-china.yaml")
    (problem,) = [p for p in info.value.problems if p.severity == "error"]
    assert (problem.key, problem.message, problem.suggestion) == ("relations[1].predicate",
                                                                  "unknown predicate 'own'", "owns")
    assert problem.expected == "a built-in predicate, or one declared under 'predicates:' in the knowledge base"


def test_a_declared_predicate_is_accepted_and_drawn(example_project, tmp_path):
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    kb = example_project / "assets" / "kb"
    (kb / "predicates.yaml").write_text("predicates:\n  - {name: freight-customer-of, description: ships "
                                        "goods with}\n", encoding="utf-8")
    edit(kb / "relations.yaml", "    predicate: owns\n    object: perurail\n",
         "    predicate: freight-customer-of\n    object: perurail\n")
    prepared = prepare(example_project / "specs" / "peru-china.yaml")
    assert prepared.kb.predicates == {"freight-customer-of": "ships goods with"}
    result = build_prepared(prepared, "public", BuildOptions(out_dir=tmp_path / "o", cache_dir=tmp_path / "c",
                                                             write=False))
    fig = next(f for f in result.document.figures() if f.kind == "network")
    assert ("lopez-aliaga", "perurail", "freight-customer-of") in fig.chart.data.edges
    assert "freight customer of" in squash(" ".join(pdf_pages_text(result.pdf)))


def test_a_badly_written_predicate_is_refused(example_project):
    from briefgen.pipeline.build import prepare

    (example_project / "assets" / "kb" / "predicates.yaml").write_text("predicates:\n  - {name: Ships To}\n")
    with pytest.raises(SpecError) as info:
        prepare(example_project / "specs" / "peru-china.yaml")
    (problem,) = info.value.problems
    assert problem.key == "predicates[0].name" and "lower-case words joined by '-'" in problem.message


# --------------------------------------------------------------------------- the desk's own assessments
def test_the_desks_own_assessments_show_as_such(built):
    text = squash(" ".join(pdf_pages_text(built["analyst"].pdf)))
    table = text[text.index("Table 1. Claims and sources"):]
    row = re.search(r"We judge that López Aliaga will probably stand as a candidate in Peru's 2026 presidential "
                    r"election\. undated (.*?) 1,3", table)
    assert row and row.group(1).startswith("Desk assessment likely (65%, low confidence)"), row and row.group(1)
    assert "C6" not in table and "B6" not in table
    assert re.search(r"Rafael López Aliaga holds the office of mayor of Lima, Peru's capital\. undated C2", table)


@pytest.mark.parametrize("fields,rating", [
    ({"likelihood": "likely"}, "Desk assessment"),                        # a judgment without credibility
    ({"likelihood": "likely", "credibility": 3}, "B3"),                  # a source's judgment, rated
    ({"origin": "desk", "credibility": 2}, "Desk assessment"),           # said outright
    ({"likelihood": "likely", "origin": "reported"}, "B6"),              # a reported judgment, not rated
    ({}, "B6"),                                                          # a reported fact, not rated
])
def test_rating_of_a_claim(fields, rating):
    from briefgen.model.models import Claim, Source
    from briefgen.text.fmt import rating as rate

    src = Source(id="s", title="t", publisher="p", kind="other", reliability="B")
    assert rate(Claim(id="c", statement="s", sources=["s"], **fields), {"s": src}) == rating
