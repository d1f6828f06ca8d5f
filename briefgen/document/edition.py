"""An edition record: what one build of one audience's briefing showed, for comparing editions.

:func:`edition_record` reads a finished :class:`~briefgen.document.model.Document` and the
knowledge base it was built from and returns a JSON-able dict (shape below). It lists only
what the document shows, with the fields a reader cares about and a content digest of
each, so that two editions of the same briefing and audience can be compared
(:mod:`briefgen.document.diff`) without the knowledge base either was built from. The
manifest carries it under ``"edition"``; ``briefgen build`` files a copy in the project's
editions store (:mod:`briefgen.pipeline.editions`).

Shape (``"format": "briefgen-edition/1"``; ids sorted, keys in this order)::

    {"format", "briefing", "audience", "title", "date" (ISO), "date_text" (as printed),
     "ceiling", "marking",
     "claims":        {id: {"digest", "statement", "likelihood", "probability", "confidence",
                            "figures": [{"label", "text"}], "date", "sources", "marking"}},
     "key_judgments": {claim id: {"digest", "number", "likelihood", "statement", "marking"}},
     "entities":      {id: {"digest", "name", "kind", "marking"}},
     "sources":       {id: {"digest", "title", "publisher", "date", "reliability", "marking"}},
     "relations":     {"s --p--> o": {"digest", "subject", "predicate", "object", "marking"}},
     "figures":       {id: {"digest", "number", "title", "kind", "claims", "sources", "entities",
                            "relations", "marking"}}   (what the figure draws or its source line names),
     "sections":      {id: {"title", "marking", "parent", "blocks": {block id: digest}}}
                      (reading order),
     "dropped":       [section id, ...]   (left out to fit the audience's max_pages),
     "withheld":      {"scheme": "hmac-sha256", "key": key id, "items": [hash, ...]}}

Digests are SHA-256 hex of the item's canonical JSON (numbers and positions left out, so
renumbering an endnote or a key judgment changes nothing). ``sources`` of a claim are only
those the audience may see. ``withheld`` holds, for every item this audience is *not* shown
because of withholding (:func:`withheld_items`: what is withheld, and what disappears only
with it), a keyed hash of its kind and id (:mod:`briefgen.document.withheld`), never the id
itself: the diff can tell that an item disappeared because it is withheld (and then says
nothing about it) while the edition names nothing the audience may not see, and the hashes
cannot be confirmed by guessing ids without the editions store's key. A record made without
a key has no ``withheld``. The manifest beside the PDF carries the record without it
(:func:`release_record`); the editions store keeps it.

Pure: no I/O, no third-party imports. :class:`EditionError` is what readers of edition
files raise (exit code 2).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from typing import Any

from briefgen.document.model import (
    BulletList,
    Document,
    Endnotes,
    Figure,
    KeyJudgment,
    Paragraph,
    Profile,
    Table,
    Uses,
    plain_text,
)
from briefgen.document.runs import inline_runs
from briefgen.document.withheld import KEY_FILE, SCHEME, WithheldKey, legacy_hash, withheld_list
from briefgen.errors import BriefgenError
from briefgen.model.resolved import BarData, RangeData
from briefgen.model.tlp import TLP, most_restrictive
from briefgen.text import fmt

FORMAT = "briefgen-edition/1"
"""The record's shape and version (the ``"format"`` key)."""

KINDS = ("claims", "key_judgments", "entities", "sources", "relations", "figures")
"""The item kinds an edition lists, in the order of the record."""

WITHHELD_KINDS = {"claim": "claims", "entity": "entities", "source": "sources", "relation": "relations",
                  "chart": "figures", "image": "figures"}
"""Kinds of the document's withheld list that are hashed into ``withheld``, and the record
kind each stands for."""


class EditionError(BriefgenError):
    """An edition file that cannot be used: unreadable, not an edition, or of another
    briefing or audience. The message names the file; ``problems`` holds it as one located
    :class:`~briefgen.errors.Problem` (``file`` the edition file, ``line``/``column`` where
    its JSON breaks, 0 when unknown; ``key`` the JSON key path of a wrong-typed field) for ``--json``."""

    exit_code = 2

    def __init__(self, message: str, *, file: str = "", line: int = 0, column: int = 0, key: str = ""):
        from briefgen.errors import Problem

        super().__init__(message)
        text = message.removeprefix(f"{file}: ") if file else message
        self.problems = [Problem(file, line, column, key, text, code="edition")] if file else []


def digest(value: Any) -> str:
    """SHA-256 hex of ``value``'s canonical JSON (keys sorted, no spaces, UTF-8)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _with_digest(fields: dict[str, Any]) -> dict[str, Any]:
    return {"digest": digest(fields), **fields}


def _text(written: str) -> str:
    """A knowledge-base text as printed: inline markup and tokens removed, spaces folded."""
    return " ".join(plain_text(inline_runs(written)).split())


def all_uses(doc: Document) -> Uses:
    """What every block of ``doc`` uses (list items, table rows and endnotes included)."""
    blocks = list(doc.blocks())
    return Uses.union([block.uses for block in blocks]  # linear in the rows (a claims table can have 10,000)
                      + [part.uses for block in blocks for part in
                         getattr(block, "items", ()) + getattr(block, "rows", ()) + getattr(block, "notes", ())])


def edition_record(doc: Document, kb: Any, key: WithheldKey | None = None) -> dict[str, Any]:
    """The edition record of ``doc`` (see the module doc). ``kb``: the
    :class:`~briefgen.load.project.KnowledgeBase` the document was built from (its claims,
    entities, sources and relations by id); ``key``: the key of the ``withheld`` hashes (the
    editions store's for a record it files; None: no ``withheld``). Raises KeyError when the
    document shows an id the knowledge base lacks (never for a document built from it)."""
    uses = all_uses(doc)
    visible_sources = set(uses.sources) | set(doc.shown.sources)
    claims = {cid: _claim(kb.claims[cid], visible_sources, kb)
              for cid in sorted(set(doc.shown.claims) | set(uses.claims))}
    relations_by_key = {rel.key: rel for rel in kb.relations}
    shown_claims = set(claims)
    entities = {eid: _entity(kb.entities[eid]) for eid in sorted(set(doc.shown.entities) | set(uses.entities))}
    record = {
        "format": FORMAT, "briefing": doc.briefing, "audience": doc.audience, "title": doc.title,
        "date": doc.date_iso, "date_text": doc.date, "ceiling": doc.ceiling, "marking": doc.marking,
        "claims": claims,
        "key_judgments": {kj.claim: _judgment(kj) for kj in doc.key_judgments()},
        "entities": entities,
        "sources": {sid: _source(kb.sources[sid]) for sid in sorted(visible_sources)},
        "relations": {key: _relation(relations_by_key[key], shown_claims)
                      for key in sorted(set(doc.shown.relations) | set(uses.relations))},
        "figures": {fig.id.removeprefix("figure-"): _figure(fig) for fig in doc.figures()},
        "sections": _sections(doc),
        "dropped": list(doc.dropped),
    }
    if key is not None:
        shown = {"claims": shown_claims, "entities": set(entities), "sources": visible_sources}
        record["withheld"] = withheld_list(withheld_items(doc, kb, shown), key)
    return record


def withheld_items(doc: Document, kb: Any, shown: dict[str, set[str]]) -> set[tuple[str, str]]:
    """(record kind, id) of every item ``doc``'s audience is not shown because of withholding
    (TLP 2.0): each claim, entity, source, relation, chart and image the document withholds,
    and what disappears only with them (``shown``, record kind -> ids, does not hold it): the
    sources a withheld claim cites, the entities it is about, the claims it contradicts, that
    contradict it or that report a measure it reports too (a dispute needs both sides), and
    the end entities of a withheld relation. None of these may be reported as dropped."""
    items = {(WITHHELD_KINDS[kind], ident) for kind, ident, _, _ in doc.withheld if kind in WITHHELD_KINDS}
    claims = {ident for kind, ident in items if kind == "claims" and ident in kb.claims}
    relations = {ident for kind, ident in items if kind == "relations"}
    linked: set[tuple[str, str]] = set()
    measures: set[str] = set()
    for cid in claims:
        claim = kb.claims[cid]
        linked.update(("sources", sid) for sid in claim.sources)
        linked.update(("entities", eid) for eid in claim.about)
        linked.update(("claims", other) for other in claim.contradicts)
        measures.update(f.measure for f in claim.figures if f.measure)
    for other in kb.claims.values() if claims else ():  # the links written on the other side: one pass
        if any(c in claims for c in other.contradicts) or any(f.measure in measures for f in other.figures):
            linked.add(("claims", other.id))
    for rel in kb.relations:
        if rel.key in relations:
            linked.update((("entities", rel.subject), ("entities", rel.object)))
    return items | {(kind, ident) for kind, ident in linked if kind in shown and ident not in shown[kind]}


def withheld_test(record: dict[str, Any], key: WithheldKey | None) -> Callable[[str, str], bool]:
    """``test(kind, ident)``: True when ``record`` lists item ``ident`` of record kind ``kind``
    (``claims`` ...) as withheld (:func:`withheld_items`). A record without a list (a
    manifest's) names nothing withheld; an unkeyed list (a record filed before keyed hashes,
    :func:`~briefgen.document.withheld.legacy_hash`) is read as it was written. Raises
    :class:`EditionError` when the list is keyed and ``key`` is not the key that made it (or
    is None), or when it is of no known shape."""
    listed = record.get("withheld")
    where = f"the edition of {record.get('briefing')!r} for {record.get('audience')!r} dated {record.get('date')!r}"
    if listed is None:
        return lambda kind, ident: False
    if isinstance(listed, list):  # filed before keyed hashes
        legacy = {str(h) for h in listed}
        return lambda kind, ident: legacy_hash(kind, ident) in legacy
    if not (isinstance(listed, dict) and listed.get("scheme") == SCHEME and isinstance(listed.get("items"), list)):
        raise EditionError(f"{where}: its \"withheld\" list is not of a shape this briefgen reads "
                           f"(expected {{\"scheme\": \"{SCHEME}\", \"key\", \"items\"}})")
    hashes = {str(h) for h in listed["items"]}
    if not hashes:
        return lambda kind, ident: False
    if key is None or key.id != listed.get("key"):
        found = "no key was found" if key is None else f"the key found is {key.id!r}"
        raise EditionError(f"{where}: what it withholds from its audience is hashed with the editions store's key "
                           f"{listed.get('key')!r}, and {found}: without that key a withheld item cannot be told "
                           f"from a removed one. Compare the record in the editions store that filed it (the key "
                           f"is the store's {KEY_FILE} file)")
    return lambda kind, ident: key.hash(kind, ident) in hashes


def release_record(record: dict[str, Any], doc: Document | None = None) -> dict[str, Any]:
    """``record`` as the manifest beside the PDF carries it: without ``withheld``. Those
    hashes stand for items the audience is not shown; they stay in the desk's editions store.
    With ``doc`` (the document the record is of), ``dropped`` keeps only the sections marked at
    or below the document's banner (a section the page budget dropped can be marked above what
    the edition shows; the editions store keeps them all)."""
    out = {k: v for k, v in record.items() if k != "withheld"}
    if doc is not None and out.get("dropped"):
        levels = {ident: level for kind, ident, _, level in doc.withheld if kind == "section" and level}
        banner = TLP.parse(doc.marking)
        out["dropped"] = [sid for sid in out["dropped"] if sid in levels and TLP.parse(levels[sid]) <= banner]
    return out


def _sections(doc: Document) -> dict[str, Any]:
    """Section id -> its title, marking, parent section (None at the top) and block digests,
    in reading order."""
    out: dict[str, Any] = {}

    def add(section: Any, parent: str | None) -> None:
        out[section.section] = {"title": section.title,
                                "marking": section.heading.marking if section.heading else section.marking,
                                "parent": parent, "blocks": block_digests(section.blocks)}
        for sub in section.subsections:
            add(sub, section.section)

    for top in doc.sections:
        add(top, None)
    return out


def _claim(claim: Any, visible_sources: set[str], kb: Any) -> dict[str, Any]:
    """A claim's record; its ``marking`` is the level its text is shown at, as a block showing
    it is marked (:mod:`briefgen.document.marking`): its own, its visible sources' and the
    entities it is about (its statement names them), so that a change line never tells a
    level lower than the claim's portion mark (a claim released to TLP:CLEAR about a
    TLP:GREEN entity is still shown at TLP:GREEN)."""
    sources = sorted(s for s in claim.sources if s in visible_sources)
    levels = [claim.tlp, *(kb.sources[s].tlp for s in sources),
              *(kb.entities[e].tlp for e in claim.about if e in kb.entities)]
    return _with_digest({
        "statement": _text(claim.statement),
        "likelihood": claim.likelihood.value if claim.likelihood is not None else None,
        "probability": claim.probability,
        "confidence": claim.confidence.value if claim.confidence is not None else None,
        "figures": [{"label": f.label, "text": fmt.figure(f)} for f in claim.figures],
        "date": fmt.date(claim.date, "") or None,
        "sources": sources,
        "marking": most_restrictive(levels).label,
    })


def _judgment(kj: KeyJudgment) -> dict[str, Any]:
    fields = {"likelihood": kj.likelihood, "statement": _runs_text(kj.statement, marks=False), "marking": kj.marking}
    return {"digest": digest(fields), "number": kj.number, **fields}  # its number is where it stands, not content


def _entity(entity: Any) -> dict[str, Any]:
    fields = {"name": entity.name, "kind": str(entity.kind), "marking": entity.tlp.label}
    shown = {"country": entity.country, "aliases": list(entity.aliases), "description": _text(entity.description),
             "attributes": dict(entity.attributes)}  # in the digest: a profile prints them
    return {"digest": digest({**fields, **shown}), **fields}


def _source(source: Any) -> dict[str, Any]:
    fields = {"title": source.title, "publisher": source.publisher,
              "date": source.date.render() if source.date else None, "reliability": source.reliability.value,
              "marking": source.tlp.label}
    return {"digest": digest({**fields, "authors": list(source.authors), "url": source.url}), **fields}


def _relation(relation: Any, shown_claims: set[str]) -> dict[str, Any]:
    return _with_digest({"subject": relation.subject, "predicate": str(relation.predicate), "object": relation.object,
                         "claims": sorted(c for c in relation.claims if c in shown_claims),
                         "marking": relation.tlp.label})


def _figure(fig: Figure) -> dict[str, Any]:
    fields = {"number": fig.number, "title": fig.title, "kind": fig.kind, "claims": list(fig.uses.claims),
              "sources": list(fig.uses.sources), "entities": list(fig.uses.entities),
              "relations": list(fig.uses.relations), "marking": fig.marking}
    return {"digest": figure_digest(fig), **fields}


def figure_digest(fig: Figure) -> str:
    """The digest of what a figure shows: title, caption, source line, alt text and the
    chart's data (or the image's path); not its number."""
    data = _chart_data(fig.chart.data) if fig.chart is not None else {"image": fig.image_written}
    return digest({"title": fig.title, "caption": _runs_text(fig.caption, marks=False), "source": fig.source_line,
                   "alt": fig.alt, "kind": fig.kind, "data": data})


def _chart_data(data: Any) -> dict[str, Any]:
    """A chart's data as its digest reads it: unmarked bars and dot-range points without the
    (empty) portion-mark fields those kinds gained later, so that digests earlier editions
    recorded still match."""
    out = dataclasses.asdict(data)
    if isinstance(data, BarData) and not data.markings:
        del out["markings"], out["floor"]
    elif isinstance(data, RangeData) and not data.floor:
        del out["floor"]
        for point in out["points"]:
            del point["marking"]
    return out


def _runs_text(runs: Any, *, marks: bool = True) -> str:
    """``runs`` as printed, spaces folded; without ``marks``, portion marks ("(TLP:AMBER) ",
    :mod:`briefgen.document.portions`) left out."""
    if not marks:
        runs = tuple(r for r in runs if type(r).__name__ != "PortionMark")
    return " ".join(plain_text(runs).split())


def block_digests(blocks: tuple) -> dict[str, str]:
    """Block id -> digest of what the block shows, for the change bars: paragraphs, list
    items, key judgments, profiles, figures, table body rows and endnotes (numbers and
    citations left out). Blocks of other kinds (a change summary) are not listed."""
    out: dict[str, str] = {}
    for block in blocks:
        if isinstance(block, Paragraph):
            out[block.id] = digest(["p", block.style, _runs_text(block.runs)])
        elif isinstance(block, BulletList):
            out.update({item.id: digest(["li", _runs_text(item.runs)]) for item in block.items})
        elif isinstance(block, KeyJudgment):
            out[block.id] = digest(["kj", block.likelihood, _runs_text(block.mark + block.statement)])
        elif isinstance(block, Profile):
            out[block.id] = digest(["profile", block.name, block.details, _runs_text(block.description),
                                    [list(a) for a in block.attributes]])
        elif isinstance(block, Figure):
            out[block.id] = figure_digest(block)
        elif isinstance(block, Table):  # the first cell numbers the row, the last cites: neither is content
            out.update({row.id: digest(["row", [_runs_text(c.runs) for c in row.cells[1:-1]]]) for row in block.rows})
        elif isinstance(block, Endnotes):
            out.update({note.id: digest(["note", _runs_text(note.runs)]) for note in block.notes})
    return out


def check_record(record: Any, where: str) -> dict[str, Any]:
    """``record`` when it is an edition record (or a manifest holding one under
    ``"edition"``) whose fields are all of their type
    (:func:`~briefgen.document.edition_shape.shape_problems`), else :class:`EditionError`
    naming ``where`` (and the JSON key path of the first wrong-typed field)."""
    from briefgen.document.edition_shape import shape_problems

    if isinstance(record, dict) and isinstance(record.get("edition"), dict) and "format" not in record:
        record = record["edition"]  # a build's manifest
    if isinstance(record, dict) and str(record.get("format", "")).startswith("briefgen-document/"):
        raise EditionError(f"{where}: a document (briefgen build --emit-document), not an edition: compare the "
                           f"edition file the build filed (editions/<briefing>/<audience>/<date>.json)", file=where)
    if not isinstance(record, dict) or not str(record.get("format", "")).startswith("briefgen-edition/"):
        raise EditionError(f"{where}: not a briefgen edition (expected an editions/<briefing>/<audience>/<date>.json "
                           f"file or a build's manifest, with \"format\": \"{FORMAT}\")", file=where)
    if record["format"] != FORMAT:
        raise EditionError(f"{where}: edition format {record['format']!r} is not known to this briefgen "
                           f"(it reads {FORMAT!r})", file=where)
    missing = [k for k in ("briefing", "audience", "date", "ceiling", *KINDS, "sections") if k not in record]
    bad = [k for k in (*KINDS, "sections") if k in record and not isinstance(record[k], dict)]
    if missing or bad:
        raise EditionError(f"{where}: not a complete edition record ("
                           + "; ".join(x for x in (f"missing {', '.join(missing)}" if missing else "",
                                                   f"not an object: {', '.join(bad)}" if bad else "") if x) + ")",
                           file=where)
    problems = shape_problems(record)
    if problems:
        key, expected, found = problems[0]
        more = f" (and {len(problems) - 1} more wrong-typed field(s))" if len(problems) > 1 else ""
        raise EditionError(f"{where}: edition record field {key}: expected {expected}, found {found}{more}; "
                           f"restore the file from the editions store's history (git) or rebuild that edition",
                           file=where, key=key)
    return record
