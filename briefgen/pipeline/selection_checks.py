"""Selections that can never show anything: warnings, located where a spec writes them.

Every section whose kind selects claims (``key_judgments``, ``claims_table``, ``conflicts``, a
plugin's) and every chart drawn from claims (not from a CSV file) is checked twice:

* ``empty-selection``: what it selects from the whole knowledge base is empty, or gives nothing
  its chart kind draws (a bar chart draws figures, a timeline dated claims, a dot-range chart
  figures naming a measure, a network relations: one without a link is not drawn). Located at the
  criterion that empties it (``select.date_from`` ...), the message names it and why (what the
  criteria before it match, the newest date, the highest confidence), ``expected`` says what would
  match; a network whose listed ``entities`` no relation joins, at its ``entities``. A criterion
  whose ids are all unknown is left to the errors that report them; so are a section's tags all
  unknown (a warning with a did-you-mean), but a chart so emptied is left out of every variant,
  and says so beside the ``unknown-tag`` warning.
* ``withheld-selection``: it selects something, but every audience that would show it (not
  leaving it out by its own choice: ``sections:``, ``drop_charts:``, ``claims_table: false``, a
  section marked above its ceiling) withholds all of it by its TLP ceiling, so no variant shows
  it (:mod:`briefgen.resolve.ceilings`). One audience losing it while another sees it is the
  ordinary work of ceilings: no warning.

Fast: each field of the claims a selector asks for is indexed once, when first asked for
(:class:`briefgen.resolve.claim_index.ClaimIndex`); a claim's ceiling is worked out only when
asked, and the search for one an audience sees stops at the first.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from functools import cached_property

from briefgen.errors import KeyPath, Problem
from briefgen.load.gcpause import paused_gc
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.models import Audience, ChartSpec, Section, Selector
from briefgen.model.tlp import TLP, may_see
from briefgen.resolve.audiences import DEFAULT_AUDIENCE
from briefgen.resolve.ceilings import Ceilings
from briefgen.resolve.claim_index import CRITERIA, ClaimIndex, Step, narrow
from briefgen.resolve.sections import chart_excluded, section_excluded

DRAWN = {"bar": ("figures", "states a figure", "claims stating figures"),
         "timeline": ("dates", "is dated", "dated claims"),
         "ranges": ("measures", "states a figure naming a measure", "claims whose figures name a measure"),
         "network": ("relations", "supports a relation", "claims supporting a relation")}
"""Per chart data shape that needs more than a claim: the requirement's name, what a claim must do
("none ..."), and what to select instead."""


def selection_problems(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    """The ``empty-selection`` and ``withheld-selection`` warnings of every section and chart of
    ``loaded``'s spec, in spec order (see the module's docstring)."""
    checker = _Checker(loaded, kb)
    with paused_gc():  # sets of thousands of ids, no reference cycles (see briefgen.load.gcpause)
        checker.walk(loaded.spec.sections, ("sections",), ())
    return checker.problems


class _Checker:
    """One walk over a spec's sections and charts, collecting the warnings in ``problems``."""

    def __init__(self, loaded: LoadedSpec, kb: KnowledgeBase) -> None:
        self.kb, self.src = kb, loaded.source
        self.problems: list[Problem] = []
        self.audiences = dict(loaded.spec.audiences) or {DEFAULT_AUDIENCE: Audience(tlp=TLP.RED)}
        self.ceilings = Ceilings(kb)

    @cached_property
    def index(self) -> ClaimIndex:
        return ClaimIndex(self.kb.claims)

    def walk(self, sections: list[Section], base: KeyPath, chain: tuple[Section, ...]) -> None:
        from briefgen.model.section_kinds import SECTION_KINDS

        for i, sec in enumerate(sections):
            key, here = base + (i,), chain + (sec,)
            kind = SECTION_KINDS.get(sec.kind)
            if kind is not None and kind.selects == "claims":
                default = Selector(judgments=True) if kind.judgments_only else Selector()
                alone = sec.template is None and sec.template_file is None and not sec.subsections and not sec.images
                label = f"{sec.kind} section {sec.id!r}"
                matched = self.selected(label, key, sec.select, default, "it is left out of every variant" if alone
                                        else "every variant shows it without claims")
                if matched is not None:
                    self.withheld(label, key, sec.select, here, None, matched)
            for j, chart in enumerate(sec.charts):
                self.chart(chart, key + ("charts", j), here)
            self.walk(sec.subsections, key + ("subsections",), here)

    def chart(self, chart: ChartSpec, key: KeyPath, chain: tuple[Section, ...]) -> None:
        from briefgen.model.chart_kinds import CHART_KINDS

        kind = CHART_KINDS.get(chart.kind)
        if kind is None or chart.csv is not None or not kind.shape.from_claims:
            return  # an unknown kind, or data from a CSV file: checked elsewhere
        label, left_out = f"{chart.kind} chart {chart.id!r}", "it is left out of every variant"
        if kind.data == "network":  # the relations the claims support, between the entities it lists (if any)
            wanted = set(chart.entities) if chart.entities else None
            relations = [r for r in self.kb.relations if wanted is None or (r.subject in wanted and r.object in wanted)]
            if wanted is not None and not relations:  # no link to draw, whatever it selects
                self.unlinked(label, key, chart)
                return
            supporting = {c for r in relations for c in r.claims}  # a network without links is not drawn
            matched = self.selected(label, key, chart.select, Selector(), left_out, (("relations", supporting),),
                                    chart.kind)
            if matched is not None:
                self.network_withheld(label, key, chart, chain, relations, matched)
            return
        drawn = {"bar": "with_figures", "timeline": "dated", "ranges": "with_measure"}.get(kind.data)
        needs = ((DRAWN[kind.data][0], getattr(self.index, drawn)),) if drawn else ()  # table: every claim
        matched = self.selected(label, key, chart.select, Selector(), left_out, needs, chart.kind)
        if matched is not None:
            self.withheld(label, key, chart.select, chain, chart.id, matched)

    def unlinked(self, label: str, key: KeyPath, chart: ChartSpec) -> None:
        """The ``empty-selection`` warning of a network chart none of whose listed entities are joined
        by a relation of the knowledge base (or that lists one entity), located at its ``entities``;
        entities the knowledge base does not know are reported where they are written."""
        known = [e for e in chart.entities if e in self.kb.entities]
        if not known:
            return
        listed = ", ".join(chart.entities)
        why = ("it lists a single entity" if len(set(chart.entities)) == 1 else
               f"no relation of the knowledge base joins two of the entities it lists [{listed}]")
        self.problems.append(self.src.problem(
            key + ("entities",), f"{label} has no link to draw: {why}, so it is left out of every variant",
            expected="entities joined by a relation (its links), or no 'entities' (every relation it selects)",
            severity="warning", code="empty-selection", at_key=True))

    def selected(self, label: str, key: KeyPath, written: Selector | None, default: Selector, consequence: str,
                 needs: tuple[tuple[str, Set[str]], ...] = (), kind_name: str = "") -> Set[str] | None:
        """What the selection of the item at ``key`` matches in the knowledge base (every claim's id
        when it has no criterion), or None when that is empty (then warned about, unless what
        empties it is reported elsewhere)."""
        sel = written or default
        steps = narrow(sel, self.index, needs)
        if not steps:
            return self.kb.claims.keys()
        if not steps[-1].matched:
            self.empty(label, key, written, sel, steps, consequence, kind_name)
            return None
        return steps[-1].matched

    def empty(self, label: str, key: KeyPath, written: Selector | None, sel: Selector, steps: list[Step],
              consequence: str, kind_name: str) -> None:
        last = steps[-1].criterion
        if _all_unknown(last, sel, self.kb, self.index) and not (kind_name and last == "tags"):
            return  # every id or tag it names is unknown: reported where it is written (a chart's tags: also here)
        before = steps[-2].matched if len(steps) > 1 else self.kb.claims.keys()
        narrowed, size = [], len(self.kb.claims)
        for step in steps[:-1]:
            if len(step.matched) < size:
                narrowed.append(_written(step.criterion, sel))
            size = len(step.matched)
        phrase, hint, expected = self.explain(last, sel, before, kind_name)
        if narrowed:
            n = len(before)
            why = f"{' and '.join(narrowed)} match {n} claim{'s' * (n != 1)}; none {phrase}{hint}"
        else:
            why = f"no claim of the knowledge base {phrase}{hint}"
        self.problems.append(self.src.problem(
            _where(key, written, last), f"the selection of {label} is empty: {why}, so {consequence}",
            expected=expected, severity="warning", code="empty-selection", at_key=True))

    def explain(self, criterion: str, sel: Selector, before: Set[str], kind_name: str) -> tuple[str, str, str]:
        """What a claim must do to pass ``criterion`` ("none ..."), a hint from the claims
        ``before`` it, and what would match."""
        loosen = f"a selection that some claim matches: widen or remove {criterion}"
        if criterion == "date_from" or criterion == "date_to":
            after = criterion == "date_from"
            bound = sel.date_from if after else sel.date_to
            edge = self.index.newest(before) if after else self.index.oldest(before)
            if edge is None or edge.date is None:
                return (f"is dated (and {criterion} keeps only dated claims)", "",
                        f"no {criterion}, or a selection of dated claims")
            return (f"is dated on or {'after' if after else 'before'} {bound}",
                    f" (the {'newest' if after else 'oldest'} is {edge.date}, {edge.id!r})",
                    f"a {criterion} on or {'before' if after else 'after'} {edge.date}, or no {criterion}")
        if criterion == "min_confidence":
            wanted = f"has {sel.min_confidence.value if sel.min_confidence else ''} confidence or higher"
            stated = [c.confidence for c in map(self.kb.claims.__getitem__, before) if c.confidence is not None]
            if not stated:
                return wanted, " (none states a confidence)", loosen
            top = max(stated, key=lambda c: c.rank).value
            return wanted, f" (the highest is {top})", f"a min_confidence of {top} or lower, or none"
        for _shape, (name, must, instead) in DRAWN.items():
            if criterion == name:
                return f"{must} (what a {kind_name} chart draws)", "", f"a selection that includes {instead}"
        phrases = {
            "tags": _any_of("has the tag", "has any of the tags", sel.tags),
            "entities": _any_of("is about", "is about any of", sel.entities),
            "judgments": ("is a key judgment (a claim with a likelihood or confidence)" if sel.judgments else
                          "is a fact (a claim with neither likelihood nor confidence)"),
            "with_figures": "states a figure", "dated": "is dated",
            "claims": "is among the claims listed",
        }
        return phrases[criterion], "", loosen

    def withheld(self, label: str, key: KeyPath, written: Selector | None, chain: tuple[Section, ...],
                 chart_id: str | None, matched: Set[str]) -> None:
        showing = self.showing(chain, chart_id)
        if not showing:
            return  # no audience shows it, by its own choice: nothing to warn about
        top = max(aud.tlp for _, aud in showing)
        if chart_id is None:  # a section is printed whatever it selects: one audience may be left with none
            lowest = self.ceilings.lowest(matched, enough=min(aud.tlp for _, aud in showing))
            if lowest is not None and lowest[1] <= top:
                self.left_empty(label, key, showing, chain[0], matched, lowest)
        else:
            lowest = self.ceilings.lowest(matched, enough=top)
        if lowest is None or lowest[1] <= top:
            return
        cid, level = lowest
        claim = self.kb.claims[cid]
        why = f"is marked {level.label}" if claim.tlp == level else \
            f"needs a ceiling of {level.label} (for its sources or the entities it is about)"
        self._withheld_problem(label, key, written, showing, "its " + _count(len(matched), "claim"),
                               len(matched), f"{cid!r}, {why}", level)

    def left_empty(self, label: str, key: KeyPath, showing: list[tuple[str, Audience]], top: Section,
                   matched: Set[str], lowest: tuple[str, TLP]) -> None:
        """A ``withheld-selection`` warning for each audience of ``showing`` whose ceiling is below
        ``lowest`` (the claim of ``matched`` with the lowest ceiling, and that ceiling) while another
        audience sees some of it: its variant prints the section at ``key`` (of top-level section
        ``top``) with none of the claims it selects. Located at the audience: its ``sections`` entry
        naming ``top``, else its ``tlp``."""
        cid, level = lowest
        claim = self.kb.claims[cid]
        why = f"is marked {level.label}" if claim.tlp == level else \
            f"needs a ceiling of {level.label} (for its sources or the entities it is about)"
        n = len(matched)
        for name, aud in showing:
            if aud.tlp >= level:
                continue
            listed = aud.sections or []
            where: KeyPath = ("audiences", name, "sections", listed.index(top.id)) if top.id in listed \
                else ("audiences", name, "tlp")
            leave_out = f"{top.id!r} left out of its sections" if top.id in listed else f"drop_sections: [{top.id}]"
            self.problems.append(self.src.problem(
                where, f"audience {name!r} would show {label} ({_where_written(key)}) with none of its claims: "
                f"its ceiling {aud.tlp.label} withholds all {_count(n, 'claim')} the section selects; the least "
                f"restricted, {cid!r}, {why}",
                expected=f"a ceiling of {level.label} or above, a selection the audience may see, or {leave_out}",
                severity="warning", code="withheld-selection", at_key=True))

    def _withheld_problem(self, label: str, key: KeyPath, written: Selector | None,
                          showing: list[tuple[str, Audience]], what: str, n: int, least: str, level: TLP) -> None:
        """``what``: what the item selects (``its 2 claims``), ``n`` items in all; ``least``: the least
        restricted of it and why (``'c-x' is marked TLP:RED``); ``level``: that one's ceiling."""
        who = ", ".join(f"{name}: {aud.tlp.label}" for name, aud in showing)
        top = max(aud.tlp for _, aud in showing)
        self.problems.append(self.src.problem(
            _where(key, written, None),
            f"no variant shows {label}: {what} {'is' if n == 1 else 'are all'} above the ceiling of every audience "
            f"that would show it ({who}); the least restricted, {least}",
            expected=f"an audience with a ceiling of {level.label} or above, or a selection of what is marked at "
                     f"most {top.label}", severity="warning", code="withheld-selection", at_key=True))

    def showing(self, chain: tuple[Section, ...], chart_id: str | None) -> list[tuple[str, Audience]]:
        """The audiences that would show the item (of section ``chain[-1]``, within ``chain[0]``...):
        none of the sections is left out by the audience's choice or marked above its ceiling,
        and the chart (``chart_id``) is among its charts."""
        return [(name, aud) for name, aud in self.audiences.items()
                if section_excluded(chain[0], aud) is None and all(may_see(aud.tlp, s.tlp) for s in chain)
                and (chart_id is None or not chart_excluded(chart_id, aud))]

    def network_withheld(self, label: str, key: KeyPath, chart: ChartSpec, chain: tuple[Section, ...],
                         relations: list, matched: Set[str]) -> None:
        """The withheld-selection warning of a network chart: its relations (supported by claims it
        selects, between the entities it lists), judged by their ceilings; it is drawn only with a link."""
        showing = self.showing(chain, chart.id)
        if not showing:
            return
        top = max(aud.tlp for _, aud in showing)
        found: list[tuple[TLP, str, str]] = []
        for rel in relations:
            level = self.ceilings.relation(rel, [c for c in rel.claims if c in matched])
            if level is not None:
                found.append((level, "relation", rel.key))
        if not found:  # a listed entity withheld takes its relations with it (Ceilings.relation)
            return
        level, what, ident = min(found, key=lambda f: (f[0].rank, f[1], f[2]))
        if level <= top:
            return
        self._withheld_problem(label, key, chart.select, showing, "its " + _count(len(found), "relation"), len(found),
                               f"{what} {ident!r}, needs a ceiling of {level.label}", level)


def _count(n: int, noun: str) -> str:
    """``1 claim``, ``3 claims``, ``2 listed entities``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun[:-1] + 'ies' if noun.endswith('y') else noun + 's'}"


def _any_of(one: str, many: str, values: list[str]) -> str:
    return f"{one} {values[0]!r}" if len(values) == 1 else f"{many} [{', '.join(values)}]"


def _written(criterion: str, sel: Selector) -> str:
    """``tags [milestone]``, ``dated: true``: a criterion as the spec writes it."""
    value = getattr(sel, criterion)
    if isinstance(value, list):
        return f"{criterion} [{', '.join(value)}]"
    if isinstance(value, bool):
        return f"{criterion}: {str(value).lower()}"
    return f"{criterion}: {getattr(value, 'value', value)}"


def _where_written(key: KeyPath) -> str:
    """``sections[3]``, ``sections[1].subsections[0]``: a spec key path as messages print it."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in key).lstrip(".")


def _where(key: KeyPath, written: Selector | None, criterion: str | None) -> KeyPath:
    """Where a warning about the selection of the item at ``key`` points: the criterion that
    empties it, else its ``select``, else (a section's default selection) its ``kind``."""
    if written is None:
        return key + ("kind",)
    if criterion in CRITERIA and criterion in written.model_fields_set:
        return key + ("select", criterion)
    return key + ("select",)


def _all_unknown(criterion: str, sel: Selector, kb: KnowledgeBase, index: ClaimIndex) -> bool:
    """True when every id or tag ``criterion`` names is unknown (reported by the checks already)."""
    if criterion not in ("claims", "tags", "entities"):
        return False
    known: Mapping[str, object] = index.by_tag if criterion == "tags" else getattr(kb, criterion)
    return not any(v in known for v in getattr(sel, criterion))
