"""Cross-reference and analytic checks of a spec and its knowledge base.

Errors: unknown entity / claim / source / section / audience ids (with a did-you-mean),
claims without a source, figures without a unit, relations without a supporting claim,
likelihood words that contradict a stated probability (ICD 203 ranges), duplicate
section or chart ids.

Warnings (errors under ``--strict``): sources never cited, a key judgment resting on a
single source, claims last reported longer than ``checks.max_claim_age_days`` before the
briefing date and past events dated after it (:mod:`briefgen.pipeline.time_checks`),
disputed quantities (:mod:`briefgen.pipeline.dispute_checks`), explicit bidi controls, which
every edition drops (:mod:`briefgen.pipeline.bidi_checks`), selections that no variant can show
(:mod:`briefgen.pipeline.selection_checks`).

Errors too: a character of any text a reader could be shown (spec, knowledge base, template
files) that no font of a theme in use draws (:mod:`briefgen.pipeline.font_checks`).

Files the spec names beyond the knowledge base are checked too, so that ``validate``
reports them before any build: template files, chart CSV files and themes must be inside
the project and exist (themes are loaded and checked), templates must parse, and chart
kinds must fit their data (a line chart needs a CSV file). What would stop a build while it
draws is found here too: figure numbers beyond what prints and charts exactly
(:mod:`briefgen.pipeline.figure_checks`), dates a timeline's axis cannot reach
(:mod:`briefgen.pipeline.time_checks`), image files that are not a whole PNG or JPEG
(:mod:`briefgen.pipeline.image_checks`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from briefgen.errors import KeyPath, Problem, SpecError, did_you_mean, near_id
from briefgen.load.csvdata import check_chart_csv
from briefgen.load.extends_advice import added_near_misses
from briefgen.load.paths import resolve_inside
from briefgen.load.project import KnowledgeBase, LoadedSpec, origin_dir
from briefgen.model.fields import BUILTIN_PREDICATES
from briefgen.model.models import Section, Selector
from briefgen.pipeline.audience_checks import empty_audience_problems
from briefgen.pipeline.bidi_checks import bidi_control_problems
from briefgen.pipeline.dispute_checks import dispute_problems
from briefgen.pipeline.figure_checks import figure_problems
from briefgen.pipeline.font_checks import coverage_problems
from briefgen.pipeline.image_checks import image_problem
from briefgen.pipeline.keyword_checks import keyword_problems
from briefgen.pipeline.placeholder_checks import placeholder_problems
from briefgen.pipeline.reading_checks import builtin_predicate_problems, tlp_white_problems
from briefgen.pipeline.section_checks import chart_key_problems, data_at, section_key_problems
from briefgen.pipeline.selection_checks import selection_problems
from briefgen.pipeline.time_checks import time_problems, timeline_date_problems


def check(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    """Every cross-reference and analytic problem, errors and warnings, in file order."""
    problems: list[Problem] = []
    problems += _check_kb(kb)
    problems += figure_problems(kb)  # numbers the editions print and charts draw exactly
    problems += _check_spec(loaded, kb)
    problems += added_near_misses(loaded.source)  # warnings: a child's new id one typo from a parent's
    problems += empty_audience_problems(loaded)  # an audience shown no section: a cover and nothing else
    problems += dispute_problems(loaded, kb)
    problems += coverage_problems(loaded, kb)
    problems += bidi_control_problems(loaded, kb)  # warnings: explicit bidi controls, dropped
    problems += selection_problems(loaded, kb)  # warnings: selections no variant can show
    problems += keyword_problems(loaded, kb)  # warnings: keywords an audience's metadata will not carry
    problems += tlp_white_problems(loaded, kb) + builtin_predicate_problems(kb)  # warnings: read otherwise
    problems.sort(key=lambda p: (p.file, p.line, p.column))
    return _empty_kb_files(kb) + problems  # first: an empty file explains the unknown ids that follow


def _ref(problems: list[Problem], doc, key: KeyPath, kind: str, ident: str,
         known: Iterable[str]) -> None:
    if not isinstance(known, (dict, set, frozenset)):  # looked up per reference: a dict or set finds it at once
        known = list(known)
    if ident not in known:
        problems.append(doc.problem(key, f"unknown {kind} id {ident!r}",
                                    suggestion=near_id(ident, known) or "", code=f"unknown-{kind}"))


def _empty_kb_files(kb: KnowledgeBase) -> list[Problem]:
    """A warning for each knowledge-base file that defines nothing (empty, only comments, or
    empty lists): without it, only the unknown ids it was meant to define would be reported."""
    from briefgen.load.yamlsrc import display_path

    docs = {id(doc): doc for doc, _ in kb.origin.values()}  # one per file: resolve each path once
    used = {doc.path.resolve() for doc in docs.values()}
    return [Problem(display_path(p), 1, 0, "(file)", f"{display_path(p)} is empty (it defines no entities, sources, "
                    f"claims, relations or predicates)", severity="warning", code="empty-file")
            for p in kb.files if p.resolve() not in used]


def _check_kb(kb: KnowledgeBase) -> list[Problem]:
    problems: list[Problem] = []
    cited: set[str] = set()
    for cid, claim in kb.claims.items():
        doc, base = kb.where("claims", cid)
        for i, eid in enumerate(claim.about):
            _ref(problems, doc, base + ("about", i), "entity", eid, kb.entities)
        if not claim.sources:
            written = data_at(doc.data, base)
            key = base + ("sources",) if isinstance(written, dict) and "sources" in written else base
            problems.append(doc.problem(key, f"claim {cid!r} has no source", expected="at least one source id",
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
                from briefgen.model.vocab import Likelihood
                problems.append(doc.problem(
                    base + ("probability",),
                    f"probability {claim.probability:g}% contradicts likelihood "
                    f"{claim.likelihood.value!r} (ICD 203: {lo}-{hi}%)",
                    suggestion=Likelihood.for_percent(claim.probability).value, code="likelihood"))
    predicates = list(BUILTIN_PREDICATES) + list(kb.predicates)
    first_of: dict[tuple[str, str, str], Problem] = {}  # where each relation was first listed
    for i, rel in enumerate(kb.relations):
        doc, base = kb.where("relations", i)
        same = (rel.subject, rel.predicate, rel.object)
        if same in first_of:
            earlier = first_of[same]
            problems.append(doc.problem(base, f"relation {rel.key} is listed twice (first at {earlier.file}:"
                                        f"{earlier.line}): it would be drawn and counted twice",
                                        expected="one entry per relation; put all its claims in that one",
                                        code="duplicate-relation"))
        else:
            first_of[same] = doc.problem(base, "")
        if rel.predicate not in predicates:
            problems.append(doc.problem(base + ("predicate",), f"unknown predicate {rel.predicate!r}",
                                        expected="a built-in predicate, or one declared under 'predicates:' in the "
                                                 "knowledge base", suggestion=did_you_mean(rel.predicate, predicates)
                                        or "", code="unknown-predicate"))
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


def _in_audience_file(src: Any, key: KeyPath) -> bool:
    """True when the value at ``key`` of the merged spec ``src`` was written in an audience file
    (``audience_files``: a file of audiences that several specs may share), not in a spec."""
    doc = src.origin.get(key, (None,))[0]
    return doc is not None and isinstance(doc.data, dict) and "briefing" not in doc.data


def _first(src, key: KeyPath) -> str:
    """``first defined at spec.yaml:12`` for the item at ``key``."""
    first = src.problem(key + ("id",), "")
    return f"first defined at {first.file}:{first.line}"


def _check_spec(loaded: LoadedSpec, kb: KnowledgeBase) -> list[Problem]:
    spec, src = loaded.spec, loaded.source
    problems: list[Problem] = []
    section_ids: dict[str, KeyPath] = {}
    chart_ids: dict[str, KeyPath] = {}
    images_seen: set = set()  # image files decoded: each once, however many figures show it
    timeline_dated: set[str] = set()  # claims reported for a date no timeline reaches
    known_tags: set[str] = set()  # every claim's tags, gathered when a selector first names one

    def check_selector(key: KeyPath, sel: Selector) -> None:
        if sel.tags and not known_tags:
            known_tags.update(t for c in kb.claims.values() for t in c.tags)
        _check_selector(problems, src, key, sel, kb, known_tags)

    def unique(table: dict[str, KeyPath], ident: str, key: KeyPath, kind: str) -> None:
        """Record ``ident`` at ``key``; a second use is an error naming the first."""
        if ident in table:
            problems.append(src.problem(key + ("id",), f"duplicate {kind} id {ident!r} "
                                        f"({_first(src, table[ident])})", code="duplicate-id"))
        else:
            table[ident] = key

    def walk(sections: list[Section], base: KeyPath) -> None:
        for i, sec in enumerate(sections):
            key = base + (i,)
            unique(section_ids, sec.id, key, "section")
            problems.extend(section_key_problems(src, key, sec))  # empty-section, unused-key
            if sec.select:
                check_selector(key + ("select",), sec.select)
            for j, eid in enumerate(sec.entities):
                _ref(problems, src, key + ("entities", j), "entity", eid, kb.entities)
            if sec.kind == "profiles" and not sec.entities:
                problems.append(src.problem(key, "a profiles section lists its entities",
                                            expected="entities: [entity ids]", code="profiles"))
            if sec.kind == "chart" and not sec.charts and not sec.images:
                problems.append(src.problem(key, "a chart section lists its charts",
                                            expected="charts: [...]", code="charts"))
            for j, chart in enumerate(sec.charts):
                ckey = key + ("charts", j)
                unique(chart_ids, chart.id, ckey, "chart")
                if chart.select:
                    check_selector(ckey + ("select",), chart.select)
                problems.extend(chart_key_problems(src, ckey, chart))  # chart-select-csv, unused-key
                for k, eid in enumerate(chart.entities):
                    _ref(problems, src, ckey + ("entities", k), "entity", eid, kb.entities)
                _check_chart_data(problems, loaded, ckey, chart)
                if _draws_timeline(chart.kind):
                    problems.extend(timeline_date_problems(chart, kb, timeline_dated))
            for j, image in enumerate(sec.images):
                ikey = key + ("images", j)
                unique(chart_ids, image.id, ikey, "figure")
                try:
                    path = resolve_inside(image.path, base=origin_dir(src, ikey + ("path",)), root=loaded.root,
                                          doc=src, key=ikey + ("path",), what="image file")
                except SpecError as exc:
                    problems.extend(exc.problems)
                    continue
                if path not in images_seen:
                    images_seen.add(path)
                    bad_image = image_problem(path, image.path, src, ikey + ("path",))
                    problems.extend([bad_image] if bad_image else [])
            if sec.kind == "key_judgments":
                _check_judgments(problems, src, key, sec, kb)
            _check_template(problems, loaded, key + ("template",), sec.template, sec.template_file,
                            f"section {sec.id!r}")
            walk(sec.subsections, key + ("subsections",))

    walk(spec.sections, ("sections",))
    for name, aud in spec.audiences.items():
        for field, kind, known in (("sections", "section", section_ids), ("drop_sections", "section", section_ids),
                                   ("charts", "chart", chart_ids), ("drop_charts", "chart", chart_ids)):
            for j, ident in enumerate(getattr(aud, field) or []):
                key = ("audiences", name, field, j)
                if ident not in known and _in_audience_file(src, key):
                    problems.append(src.problem(
                        key, f"{kind} id {ident!r} is not in this spec; audience {name!r} comes from an audience "
                             f"file (shared by specs), so it is ignored here",
                        suggestion=near_id(ident, known) or "", severity="warning", code=f"unknown-{kind}"))
                else:
                    _ref(problems, src, key, kind, ident, known)
        if aud.cover_note is not None:
            _check_template(problems, loaded, ("audiences", name, "cover_note"), aud.cover_note, None,
                            f"audience {name!r} cover_note")
        if aud.distribution.subject is not None:
            _check_template(problems, loaded, ("audiences", name, "distribution", "subject"),
                            aud.distribution.subject, None, f"audience {name!r} email subject")
    problems += _check_themes(loaded)
    problems += _check_addresses(spec, src)
    floor = spec.briefing.tlp
    for name, aud in spec.audiences.items():
        if aud.tlp < floor:
            problems.append(src.problem(
                ("audiences", name, "tlp"),
                f"audience {name!r} may receive at most {aud.tlp.label}, but every variant of this "
                f"briefing is marked at least {floor.label} (briefing.tlp)",
                expected=f"a ceiling of {floor.label} or above, or a lower briefing.tlp",
                severity="warning", code="ceiling-below-floor"))  # building that audience fails
    if spec.default_audience and spec.default_audience not in spec.audiences:
        _ref(problems, src, ("default_audience",), "audience", spec.default_audience, spec.audiences)
    problems += time_problems(spec, kb)
    return problems


def _draws_timeline(kind_name: str) -> bool:
    """True when charts of kind ``kind_name`` draw the timeline shape (dated events on a time axis)."""
    from briefgen.model.chart_kinds import CHART_KINDS

    kind = CHART_KINDS.get(kind_name)
    return kind is not None and kind.data == "timeline"


def _check_selector(problems: list[Problem], src, key: KeyPath, sel: Selector, kb: KnowledgeBase,
                    known_tags: set[str]) -> None:
    """Unknown claim and entity ids of ``sel`` (errors) and tags no claim has (``known_tags``; warnings)."""
    for i, cid in enumerate(sel.claims):
        _ref(problems, src, key + ("claims", i), "claim", cid, kb.claims)
    for i, eid in enumerate(sel.entities):
        _ref(problems, src, key + ("entities", i), "entity", eid, kb.entities)
    for i, tag in enumerate(sel.tags):
        if tag not in known_tags:
            problems.append(src.problem(key + ("tags", i), f"no claim has the tag {tag!r}",
                                        suggestion=did_you_mean(tag, known_tags) or "",
                                        severity="warning", code="unknown-tag"))


def _check_judgments(problems: list[Problem], src, key: KeyPath, sec: Section, kb: KnowledgeBase) -> None:
    """Warn about each key judgment of section ``sec`` that rests on one source; located at
    the claim's sources in the knowledge base, where more sources would be added (once per
    claim, however many sections show it)."""
    from briefgen.resolve.claims import select_claims

    for claim in select_claims(sec.select or Selector(judgments=True), kb.claims):
        if len(set(claim.sources)) == 1:
            doc, base = kb.where("claims", claim.id)
            problem = doc.problem(base + ("sources",),
                                  f"key judgment {claim.id!r} (section {sec.id!r}) rests on a single "
                                  f"source ({claim.sources[0]!r})", severity="warning",
                                  expected="two or more independent sources",
                                  code="single-source-judgment")
            if not any(p.code == problem.code and (p.file, p.line) == (problem.file, problem.line)
                       for p in problems):
                problems.append(problem)


def _check_template(problems: list[Problem], loaded: LoadedSpec, key: KeyPath, text: str | None,
                    file: str | None, label: str) -> None:
    """A template file must be inside the project and readable; any template must compile
    (located at its line: :func:`briefgen.text.environment.compiled`)."""
    from dataclasses import replace

    from briefgen.errors import TemplateError
    from briefgen.text.environment import check_names, compiled
    from briefgen.text.sources import template_source

    try:
        src = template_source(loaded, key, text, file, label)
    except SpecError as exc:
        problems.extend(exc.problems)
        return
    if src is None:
        return
    # the key as written in the spec file that wrote it (a parent's, under 'extends')
    where = loaded.source.written_key(key[:-1] + ("template_file",) if file is not None else key)
    problems.extend(placeholder_problems(src, where))  # warnings: the starter's text left in
    try:
        compiled(src)
        check_names(src)  # a filter or test name Jinja2 would report only where its block runs
    except TemplateError as exc:
        problems.extend(replace(p, key=where) for p in exc.problems)


def _check_chart_data(problems: list[Problem], loaded: LoadedSpec, key: KeyPath, chart) -> None:
    """A chart's CSV file must be inside the project; a kind whose data shape only a CSV file
    gives (line) needs one, and only kinds whose shape a CSV file can give (bar, line,
    table: see :mod:`briefgen.model.chart_kinds`) can take one."""
    from briefgen.load.paths import resolve_inside
    from briefgen.model.chart_kinds import CHART_KINDS, kinds_taking_csv

    src = loaded.source
    kind = CHART_KINDS.get(chart.kind)
    if kind is None:  # reported by the spec's validation
        return
    if kind.shape.name == "network":
        _check_network_size(problems, src, key, chart)
    if chart.csv is None:
        if not kind.shape.from_claims:
            problems.append(src.problem(key + ("kind",), f"a {chart.kind} chart takes its data from a CSV file",
                                        expected="csv: path/to/data.csv", code="chart-data"))
        return
    if not kind.shape.from_csv:
        problems.append(src.problem(key + ("csv",), f"a {chart.kind} chart cannot take CSV data",
                                    expected="kind " + kinds_taking_csv(), code="chart-data"))
    try:
        path = resolve_inside(chart.csv, base=origin_dir(src, key + ("csv",)), root=loaded.root, doc=src,
                              key=key + ("csv",), what="CSV file")
    except SpecError as exc:
        problems.extend(exc.problems)
        return
    problems.extend(check_chart_csv(path, chart.csv, src, key + ("csv",), numeric=kind.shape.name != "table"))


def _check_network_size(problems: list[Problem], src, key: KeyPath, chart) -> None:
    """A network chart no larger than the page's text area: a larger one is printed scaled down
    (width and height together), so it holds fewer entities legibly than one of the page's size
    (:mod:`briefgen.model.network_fit`, whose error offers sizes up to these)."""
    from briefgen.model.network_fit import PAGE_TEXT_H, PAGE_TEXT_W

    for name, value, most in (("width", chart.width, PAGE_TEXT_W), ("height", chart.height, PAGE_TEXT_H)):
        if value > most:
            problems.append(src.problem(key + (name,), f"network chart {chart.id!r} {name} {value:g} in is larger "
                                        f"than a page holds ({most:g} in); a larger chart is printed scaled down "
                                        f"and holds fewer entities legibly, not more", expected=f"at most {most:g}",
                                        got=f"{value:g}", code="network-size"))


def _check_themes(loaded: LoadedSpec) -> list[Problem]:
    """Every theme the spec or an audience names: inside the project, present, valid."""
    from briefgen.load.paths import resolve_inside
    from briefgen.load.theme import load_theme

    spec, src = loaded.spec, loaded.source
    written: list[tuple[KeyPath, str]] = []
    if spec.theme is not None:
        written.append((("theme",), spec.theme))
    written += [(("audiences", name, "theme"), aud.theme) for name, aud in spec.audiences.items()
                if aud.theme is not None]
    problems: list[Problem] = []
    seen: set = set()
    for key, value in written:
        try:
            path = resolve_inside(value, base=origin_dir(src, key), root=loaded.root, doc=src, key=key,
                                  what="theme file")
            if path in seen:
                continue
            seen.add(path)
            load_theme(path, loaded.root)
        except SpecError as exc:
            problems.extend(exc.problems)
    return problems


def _check_addresses(spec, src) -> list[Problem]:
    """Every distribution address of every audience, and its allowed_domains, located (see
    :mod:`briefgen.deliver.distribution_checks`)."""
    from briefgen.deliver import distribution_checks as lists
    from briefgen.deliver.addresses import RESTRICTED

    problems = []
    for name, aud in spec.audiences.items():
        dist = aud.distribution
        problems += lists.address_problems(name, dist, src)
        problems += lists.duplicate_problems(name, dist, src)  # one mailbox twice in To, Cc, Bcc
        problems += lists.domain_problems(name, dist, src)  # allowed_domains hold at every TLP level
        problems += lists.subject_label_problems(name, dist, src, floor=min(spec.briefing.tlp, aud.tlp),
                                                 ceiling=aud.tlp)
        if aud.tlp in RESTRICTED and not dist.allowed_domains and (dist.to or dist.cc or dist.bcc):
            # the edition's own marking is known only once built; `email` refuses a restricted one then
            problems.append(src.problem(
                ("audiences", name, "distribution"),
                f"audience {name!r} may receive material up to {aud.tlp.label}, and an edition marked "
                f"TLP:AMBER+STRICT or TLP:RED is mailed only within allowed_domains, which it does not set: "
                f"`email` will refuse such an edition", expected="allowed_domains: [your domain]",
                severity="warning", code="no-allowed-domains", at_key=True))
    return problems
