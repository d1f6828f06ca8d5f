"""A withheld id never makes a field of an item differ, whatever else changed.

The tester's scenario on the example: the first edition, then one build (``--since last``)
where claim ``c-chancay-cost``'s figure goes from 1300 to 1400 (drawn in Figure 3 and listed by
the network, Figure 2, which does not draw figures) and source ``src-prc-chancay`` (named in the
network's source line) is raised to TLP:AMBER. The public may not see the source any more: the
network lost only that source from its source line, so the public's box, HTML section and
``briefgen diff`` say nothing of Figure 2, while the analyst, who may see the source, is told.
The unit tests check the rule on records made by hand, field by field.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import pdf_pages_text, squash
from typer.testing import CliRunner

from briefgen.document.diff import diff_editions
from briefgen.document.withheld import legacy_hash

FIRST, SECOND = "2025-05-12", "2025-05-19"
NETWORK = "Who is linked to whom"
PUBLIC_SUMMARY = ["Figure revised: Chancay port investment: from USD 1.3 billion to USD 1.4 billion",
                  "Figure updated: Figure 3: Reported sums (USD millions) (data changed)"]


def cli(*args):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def editions(tmp_path_factory, copy_example):
    """The example built for every audience, edited as the tester did, built again with
    ``--since last --json``: -> (root, out folder, second build's JSON document)."""
    root = copy_example(tmp_path_factory.mktemp("withheld-fields") / "project")
    out = root / "out"
    args = ("build", "specs/peru-china.yaml", "--all-audiences", "--format", "pdf,html", "-o", out)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_CACHE_DIR", str(root / "cache"))
        mp.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
        mp.chdir(root)
        first = cli(*args)
        assert first.exit_code == 0, first.output
        kb = root / "assets" / "kb"
        edit(kb / "claims.yaml", "value: 1300\n", "value: 1400\n")
        edit(kb / "sources.yaml", "  - id: src-prc-chancay\n", "  - id: src-prc-chancay\n    tlp: TLP:AMBER\n")
        edit(root / "specs" / "peru-china.yaml", f"date: {FIRST}", f"date: {SECOND}")
        second = cli(*args, "--since", "last", "--json")
        assert second.exit_code == 0, second.output
    return root, out, json.loads(second.stdout)


def summary_of(document: dict, audience: str) -> list[str]:
    (result,) = [r for r in document["results"] if r["audience"] == audience]
    return result["changes"]["summary"]


@pytest.mark.slow  # three audiences built twice
def test_the_public_box_says_nothing_of_the_network(editions):
    _, out, document = editions
    assert summary_of(document, "public") == PUBLIC_SUMMARY
    pdf = squash(" ".join(pdf_pages_text((out / "peru-china--public.pdf").read_bytes())))
    box = pdf[pdf.index("What changed since 12 May 2025"):][:400]
    assert "Figure revised: Chancay port investment" in box and "Figure 3: Reported sums" in box, box
    assert NETWORK not in box and "Figure 2" not in box, box
    html = (out / "peru-china--public.html").read_text(encoding="utf-8")
    section = html[html.index('<section id="changes"'):]
    section = section[:section.index("</section>")]
    assert "Reported sums" in section and NETWORK not in section, section
    network = html[html.index('<figure id="figure-fig-network"'):]
    assert "data-change" not in network[:network.index(">")]  # no change bar on it either
    money = html[html.index('<figure id="figure-fig-money"'):]
    assert 'data-change="changed"' in money[:money.index(">")]


@pytest.mark.slow
def test_briefgen_diff_of_the_public_store_has_no_network_change(editions):
    root, _, _ = editions
    folder = root / "editions" / "peru-china" / "public"
    result = cli("diff", folder / f"{FIRST}.json", folder / f"{SECOND}.json", "--json")
    assert result.exit_code == 0, result.output
    diff = json.loads(result.stdout)["diff"]
    assert [(c["kind"], c["id"]) for c in diff["changes"]] == [("claim", "c-chancay-cost"), ("figure", "fig-money")]
    assert diff["summary"] == PUBLIC_SUMMARY


@pytest.mark.slow
def test_the_analyst_who_may_see_the_source_is_told(editions):
    summary = summary_of(editions[2], "analyst")
    assert PUBLIC_SUMMARY[0] in summary and PUBLIC_SUMMARY[1] in summary
    assert "Source revised: President Xi Jinping's remarks at the opening of Chancay port (as reported) " \
           "(marking now TLP:AMBER)" in summary
    assert f"Figure updated: Figure 2: {NETWORK} (data changed)" in summary


def records(new_figure: dict, *, withheld: bool = True) -> tuple[dict, dict]:
    """Two hand-made editions for the public: claim ``c1``'s figure revised, source ``s2``
    (only in figure ``f``'s source line) withheld in the second (when ``withheld``), figure
    ``f`` as ``new_figure`` changes it."""
    source = {"digest": "s", "title": "S", "publisher": "P", "date": None, "reliability": "B", "marking": "TLP:CLEAR"}
    claim = {"digest": "c", "statement": "x", "likelihood": None, "probability": None, "confidence": None,
             "figures": [{"label": "Cost", "text": "1300"}], "date": None, "sources": ["s1"], "marking": "TLP:CLEAR"}
    figure = {"digest": "f", "number": 1, "title": "Links", "kind": "network", "claims": ["c1"],
              "sources": ["s1", "s2"], "entities": ["e1"], "relations": [], "marking": "TLP:CLEAR"}
    base = {"briefing": "b", "audience": "public", "ceiling": "TLP:CLEAR", "key_judgments": {}, "entities": {},
            "relations": {}}
    old = {**base, "date": FIRST, "claims": {"c1": claim}, "sources": {"s1": source, "s2": source},
           "figures": {"f": figure}}
    new = {**base, "date": SECOND, "claims": {"c1": {**claim, "digest": "c2", "figures": [{"label": "Cost",
                                                                                         "text": "1400"}]}},
           "sources": {"s1": source} if withheld else {"s1": source, "s2": source},
           "figures": {"f": {**figure, "digest": "f2", **new_figure}},
           "withheld": [legacy_hash("sources", "s2")] if withheld else []}
    return old, new


def test_a_source_withheld_from_a_figure_is_no_change_of_it_though_a_claim_it_lists_changed():
    diff = diff_editions(*records({"sources": ["s1"]}))
    assert diff.find("figures", "f") is None
    assert diff.find("claims", "c1").field("figure").new == "1400"


def test_a_figure_that_gained_what_the_audience_may_see_is_still_changed():
    diff = diff_editions(*records({"sources": ["s1"], "entities": ["e1", "e2"]}))
    assert [f.field for f in diff.find("figures", "f").fields] == ["data"]


def test_a_source_that_stays_visible_leaves_the_figure_changed():
    diff = diff_editions(*records({}, withheld=False))
    assert [f.field for f in diff.find("figures", "f").fields] == ["data"]


def test_what_a_figure_shows_comes_from_its_data_shape() -> None:
    """The fields an edition compares for a figure are declared once, beside the data shape
    resolve builds: a network shows entities' names and kinds and the claims' markings, a bar
    chart its claims' figures and markings; a kind that declares nothing shows every field."""
    from briefgen.document.diff import figure_shows
    from briefgen.model.chart_kinds import CHART_KINDS

    assert figure_shows("network") == {"claims": ("marking",), "entities": ("name", "kind", "marking")}
    assert figure_shows("bar") == {"claims": ("figure", "marking")}
    assert figure_shows("timeline") == figure_shows("dot-range") == figure_shows("no-such-kind") == {}
    declared = {CHART_KINDS.get(name).shape.name for name in CHART_KINDS.names()
                if CHART_KINDS.get(name).shape.shows is not None}
    assert declared == {"bar", "network"}
