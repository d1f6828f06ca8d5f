"""A chart with nothing to draw for an audience is left out of that audience's document: no
figure, no number (the figures after it are numbered on), no source line. A network chart
is nothing to draw without a link: its entities alone, under "who is linked to whom", would
hint at a link withheld. ``validate`` warns (``empty-selection``) when no audience could get
anything, and (``withheld-selection``) when every audience that would show it withholds it all;
a chart whose tags no claim has is warned about beside ``unknown-tag``."""

from __future__ import annotations

import json
import re

from conftest import pdf_pages_text, run_cli, squash

SPEC = "specs/calder-bay.yaml"
NETWORK = "      - id: fig-network\n        kind: network\n"


def edit(project, old: str, new: str, path: str = SPEC) -> None:
    file = project / path
    text = file.read_text(encoding="utf-8")
    assert old in text, old
    file.write_text(text.replace(old, new), encoding="utf-8")


def listing(project, entities: str) -> None:
    """The starter's network chart limited to ``entities`` (``[a, b]``)."""
    edit(project, NETWORK, f"{NETWORK}        entities: {entities}\n")


def built_text(project, audience: str) -> str:
    return squash(" ".join(pdf_pages_text((project / "out" / f"calder-bay--{audience}.pdf").read_bytes())))


def figures(text: str) -> list[tuple[int, str]]:
    """(number, title start) of every figure caption of a PDF's text."""
    return [(int(n), title) for n, title in re.findall(r"Figure (\d+)\. (\w+ \w+)", text)]


def selection_warnings(project) -> list[tuple[str, str, str]]:
    result = run_cli("validate", SPEC, "--json")
    doc = json.loads(result.stdout)
    return [(w["code"], w["key"], w["message"]) for w in doc["warnings"]
            if w["code"] in ("empty-selection", "withheld-selection", "unknown-tag")]


def test_a_network_whose_only_link_is_withheld_is_not_drawn_for_that_audience(starter) -> None:
    # the only link between the two, partner-of, is TLP:AMBER: the analysts see it, the public does not
    listing(starter, "[meridian-terminals, calder-bay-authority]")
    assert selection_warnings(starter) == []  # an audience losing a chart another draws: the work of ceilings
    result = run_cli("build", SPEC, "--all-audiences", "--format", "pdf", "-o", "out")
    assert result.exit_code == 0, result.output
    public, analyst = built_text(starter, "public"), built_text(starter, "analyst")
    assert figures(public) == [(1, "North Quay"), (2, "The money"), (3, "Containers handled")]
    assert "Who is linked to whom" not in public and "Each link rests on" not in public
    assert "briefgen knowledge base" not in public
    assert figures(analyst) == [(1, "North Quay"), (2, "Who is"), (3, "The money"), (4, "Containers handled")]
    manifest = (starter / "out" / "calder-bay--public.json").read_text(encoding="utf-8")
    assert "fig-network" not in manifest  # what is withheld is named in the desk's audit record only
    audit = json.loads((starter / "out" / "audit" / "calder-bay--public.audit.json").read_text(encoding="utf-8"))
    assert "no data visible to this audience" in json.dumps([w for w in audit["withheld"] if w["id"] == "fig-network"])


def test_a_network_whose_listed_entities_no_relation_joins_is_left_out_and_warned_about(starter) -> None:
    listing(starter, "[mara-ellison, meridian-terminals]")
    ((code, key, message),) = selection_warnings(starter)
    assert (code, key) == ("empty-selection", "sections[4].charts[1].entities")
    assert message == ("network chart 'fig-network' has no link to draw: no relation of the knowledge base joins "
                       "two of the entities it lists [mara-ellison, meridian-terminals], so it is left out of every "
                       "variant")
    result = run_cli("build", SPEC, "--all-audiences", "--format", "pdf", "-o", "out")
    assert result.exit_code == 0, result.output
    for audience in ("analyst", "public"):
        text = built_text(starter, audience)
        assert "Who is linked to whom" not in text and "briefgen knowledge base" not in text
        assert [n for n, _ in figures(text)] == list(range(1, len(figures(text)) + 1))
        manifest = json.loads((starter / "out" / f"calder-bay--{audience}.json").read_text(encoding="utf-8"))
        assert {"kind": "chart", "id": "fig-network", "tlp": "TLP:CLEAR",
                "reason": "nothing to draw: no relation between the entities it lists rests on a claim it selects"} \
            in manifest["left_out"]


def test_a_network_listing_one_entity_is_warned_about(starter) -> None:
    listing(starter, "[mara-ellison]")
    assert selection_warnings(starter) == [
        ("empty-selection", "sections[4].charts[1].entities",
         "network chart 'fig-network' has no link to draw: it lists a single entity, so it is left out of every "
         "variant")]


def test_a_network_whose_links_every_audience_showing_it_withholds(starter) -> None:
    listing(starter, "[meridian-terminals, calder-bay-authority]")
    edit(starter, "    tlp: TLP:AMBER\n", "    tlp: TLP:AMBER\n    drop_charts: [fig-network]\n",
         "specs/audiences.yaml")
    assert selection_warnings(starter) == [
        ("withheld-selection", "sections[4].charts[1].kind",
         "no variant shows network chart 'fig-network': its 1 relation is above the ceiling of every audience that "
         "would show it (public: TLP:CLEAR); the least restricted, relation 'meridian-terminals --partner-of--> "
         "calder-bay-authority', needs a ceiling of TLP:AMBER")]


def test_a_chart_whose_tags_no_claim_has_is_warned_about_beside_the_unknown_tag(starter) -> None:
    edit(starter, "select: {dated: true, tags: [milestone]}", "select: {dated: true, tags: [no-such-tag]}")
    assert selection_warnings(starter) == [
        ("empty-selection", "sections[4].charts[0].select.tags",
         "the selection of timeline chart 'fig-timeline' is empty: no claim of the knowledge base has the tag "
         "'no-such-tag', so it is left out of every variant"),
        ("unknown-tag", "sections[4].charts[0].select.tags[0]", "no claim has the tag 'no-such-tag'")]
