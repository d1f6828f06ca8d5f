"""Cross-reference and analytic checks of a spec and its knowledge base.

Errors: unknown entity / claim / source / section / audience ids (with a did-you-mean),
claims without a source, figures without a unit, relations without a supporting claim,
likelihood words that contradict a stated probability (ICD 203 ranges), duplicate
section or chart ids.

Warnings (errors under ``--strict``): sources never cited, a key judgment resting on a
single source, claims older than ``checks.max_claim_age_days`` at the briefing date.
"""

from __future__ import annotations

from typing import Iterable

from .errors import KeyPath, Problem, did_you_mean
from .load import KnowledgeBase, LoadedSpec
from .models import Section, Selector


def check(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    """Every cross-reference and analytic problem, errors and warnings, in file order."""
    problems: list[Problem] = []
    problems += _check_kb(kb)
    problems += _check_spec(loaded, kb)
    return problems


def _ref(problems: list[Problem], doc, key: KeyPath, kind: str, ident: str,
         known: Iterable[str]) -> None:
    known = list(known)
    if ident not in known:
        problems.append(doc.problem(key, f"unknown {kind} id {ident!r}", got=repr(ident),
                                    suggestion=did_you_mean(ident, known) or "", code=f"unknown-{kind}"))


def _check_kb(kb: KnowledgeBase) -> list[Problem]:
    problems: list[Problem] = []
    cited: set[str] = set()
    for cid, claim in kb.claims.items():
        doc, base = kb.where("claims", cid)
        for i, eid in enumerate(claim.about):
            _ref(problems, doc, base + ("about", i), "entity", eid, kb.entities)
        if not claim.sources:
            problems.append(doc.problem(base + ("sources",) if "sources" in (doc.data or {}) else base,
                                        f"claim {cid!r} has no source", expected="at least one source id",
                                        code="unsourced-claim"))
        for i, sid in enumerate(claim.sources):
            _ref(problems, doc, base + ("sources", i), "source", sid, kb.sources)
            cited.add(sid)
        for i, fig in enumerate(claim.figures):
            if not fig.unit.strip():
                problems.append(doc.problem(base + ("figures", i, "unit"), "figure has no unit",
                                            expected="a unit such as 'million' or 'tonnes/year'",
                                            code="figure-unit"))
        if claim.likelihood is not None and claim.probability is not None:
            if not claim.likelihood.admits(claim.probability):
                lo, hi = claim.likelihood.range_percent
                from .vocab import Likelihood
                problems.append(doc.problem(
                    base + ("probability",),
                    f"probability {claim.probability:g}% contradicts likelihood "
                    f"{claim.likelihood.value!r} (ICD 203: {lo}-{hi}%)",
                    suggestion=Likelihood.for_percent(claim.probability).value, code="likelihood"))
    for i, rel in enumerate(kb.relations):
        doc, base = kb.where("relations", i)
        _ref(problems, doc, base + ("subject",), "entity", rel.subject, kb.entities)
        _ref(problems, doc, base + ("object",), "entity", rel.object, kb.entities)
        if not rel.claims:
            problems.append(doc.problem(base, f"relation {rel.key} has no supporting claim",
                                        expected="claims: [claim ids]", code="unsupported-relation"))
        for j, cid in enumerate(rel.claims):
            _ref(problems, doc, base + ("claims", j), "claim", cid, kb.claims)
    for sid in kb.sources:
        if sid not in cited:
            doc, base = kb.where("sources", sid)
            problems.append(doc.problem(base + ("id",), f"source {sid!r} is never cited by a claim",
                                        severity="warning", code="uncited-source"))
    return problems


def _check_spec(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    spec, src = loaded.spec, loaded.source
    problems: list[Problem] = []
    section_ids: dict[str, KeyPath] = {}
    chart_ids: dict[str, KeyPath] = {}

    def walk(sections: list[Section], base: KeyPath) -> None:
        for i, sec in enumerate(sections):
            key = base + (i,)
            if sec.id in section_ids:
                problems.append(src.problem(key + ("id",), f"duplicate section id {sec.id!r}",
                                            code="duplicate-id"))
            section_ids[sec.id] = key
            if sec.select:
                _check_selector(problems, src, key + ("select",), sec.select, kb)
            for j, eid in enumerate(sec.entities):
                _ref(problems, src, key + ("entities", j), "entity", eid, kb.entities)
            if sec.kind == "profiles" and not sec.entities:
                problems.append(src.problem(key, "a profiles section lists its entities",
                                            expected="entities: [entity ids]", code="profiles"))
            if sec.kind == "chart" and not sec.charts:
                problems.append(src.problem(key, "a chart section lists its charts",
                                            expected="charts: [...]", code="charts"))
            for j, chart in enumerate(sec.charts):
                ckey = key + ("charts", j)
                if chart.id in chart_ids:
                    problems.append(src.problem(ckey + ("id",), f"duplicate chart id {chart.id!r}",
                                                code="duplicate-id"))
                chart_ids[chart.id] = ckey
                if chart.select:
                    _check_selector(problems, src, ckey + ("select",), chart.select, kb)
                for k, eid in enumerate(chart.entities):
                    _ref(problems, src, ckey + ("entities", k), "entity", eid, kb.entities)
            if sec.kind == "key_judgments":
                _check_judgments(problems, src, key, sec, kb)
            walk(sec.subsections, key + ("subsections",))

    walk(spec.sections, ("sections",))
    for name, aud in spec.audiences.items():
        for field in ("sections", "drop_sections"):
            for j, sid in enumerate(getattr(aud, field) or []):
                _ref(problems, src, ("audiences", name, field, j), "section", sid, section_ids)
        for field in ("charts", "drop_charts"):
            for j, cid in enumerate(getattr(aud, field) or []):
                _ref(problems, src, ("audiences", name, field, j), "chart", cid, chart_ids)
    if spec.default_audience and spec.default_audience not in spec.audiences:
        _ref(problems, src, ("default_audience",), "audience", spec.default_audience, spec.audiences)
    # claim age, measured at the briefing date
    brief_day = spec.briefing.date.midpoint()
    for cid, claim in kb.claims.items():
        if claim.date is not None:
            age = (brief_day - claim.date.midpoint()).days
            if age > spec.checks.max_claim_age_days:
                doc, base = kb.where("claims", cid)
                problems.append(doc.problem(base + ("date",),
                                            f"claim {cid!r} is {age} days old at the briefing date "
                                            f"(limit {spec.checks.max_claim_age_days})",
                                            severity="warning", code="stale-claim"))
    return problems


def _check_selector(problems: list[Problem], src, key: KeyPath, sel: Selector, kb: KnowledgeBase) -> None:
    for i, cid in enumerate(sel.claims):
        _ref(problems, src, key + ("claims", i), "claim", cid, kb.claims)
    for i, eid in enumerate(sel.entities):
        _ref(problems, src, key + ("entities", i), "entity", eid, kb.entities)
    known_tags = {t for c in kb.claims.values() for t in c.tags}
    for i, tag in enumerate(sel.tags):
        if tag not in known_tags:
            problems.append(src.problem(key + ("tags", i), f"no claim has the tag {tag!r}",
                                        suggestion=did_you_mean(tag, known_tags) or "",
                                        severity="warning", code="unknown-tag"))


def _check_judgments(problems: list[Problem], src, key: KeyPath, sec: Section, kb: KnowledgeBase) -> None:
    from .select import select_claims

    for claim in select_claims(sec.select or Selector(judgments=True), kb.claims):
        if len(set(claim.sources)) == 1:
            problems.append(src.problem(key + ("select",),
                                        f"key judgment {claim.id!r} rests on a single source "
                                        f"({claim.sources[0]!r})", severity="warning",
                                        code="single-source-judgment"))
