"""One audience's briefing as a STIX 2.1 bundle (``briefgen export stix``).

Made from the :class:`~briefgen.document.model.Document` (what the audience is shown) and the
knowledge-base records of what it shows, so withholding applies exactly as in the PDF:
nothing the document does not show is written, not even as an id.

Objects (STIX 2.1 §8 Bundle), every one marked by ``object_marking_refs`` with an OASIS
TLP 2.0 marking-definition (§7.2; :mod:`briefgen.interop.stix_markings`), each of those
included once:

* a ``report`` (§4.16) for the briefing: title, subtitle, published at the briefing date,
  the visible keywords as labels, every other object in ``object_refs``, marked with the
  document's banner, and the PDF's SHA-256 as an external reference (when given);
* an ``identity`` (§4.5) or ``location`` (§4.10) per entity shown, marked with the
  entity's level;
* a ``note`` (§4.13) per claim shown: the statement as ``content``, its label as
  ``abstract``, the entities it is about (and the relationships it supports) as
  ``object_refs``, its visible sources as external references, its tags as labels,
  ``confidence`` by the Appendix A scales (:mod:`briefgen.interop.stix_vocab`); marked like
  its block in the PDF (the claim, its visible sources, the entities it is about);
* a ``relationship`` (§5.1) per relation shown (its predicate as the relationship type),
  marked with the relation's level;
* an ``identity`` for the issuing desk (the report's ``created_by_ref``), and briefgen's
  ``extension-definition`` (§7.3) with its ``identity``: the knowledge-base fields STIX has
  no property for travel in that property extension (``extensions``), so an import of
  the bundle gives the same claims back (the report's extension also declares the knowledge
  base's own predicates the relations shown use).

Ids are UUIDv5 of the knowledge-base ids; ``created`` and ``modified`` are the briefing
date at 00:00 UTC: the same inputs give the same bytes.
"""

from __future__ import annotations

import json
from typing import Any

from briefgen.document.model import Document
from briefgen.interop.stix_markings import TLP2_IDS as MARKS
from briefgen.interop.stix_markings import marking_definition
from briefgen.interop.stix_vocab import (
    EXTENSION_ID,
    TOOL_CREATED,
    TOOL_IDENTITY_ID,
    confidence_value,
    likelihood_value,
    stix_id,
    stix_kind,
)
from briefgen.load.project import KnowledgeBase
from briefgen.model.tlp import TLP, most_restrictive


def bundle_of(document: Document, kb: KnowledgeBase, *, pdf: tuple[str, str] | None = None) -> dict[str, Any]:
    """The STIX 2.1 bundle of ``document`` (one audience's variant) as JSON-ready data.
    ``pdf``: (file name, SHA-256 hex digest) of the variant's PDF, written as the report's
    external reference. Objects are built (and so checked) with the ``stix2`` library."""
    import stix2.v21 as stix

    made = _Objects(document, kb)
    objects: list[Any] = [stix.Identity(**made.tool_identity()), stix.ExtensionDefinition(**made.extension()),
                          stix.Identity(**made.desk())]
    for ident in made.entity_ids():
        props = made.entity(ident)
        objects.append(stix.Location(**props) if props["type"] == "location" else stix.Identity(**props))
    objects += [stix.Note(**made.note(cid)) for cid in made.claims]
    objects += [stix.Relationship(**made.relationship(key)) for key in made.relations]
    objects.append(stix.Report(**made.report([o.id for o in objects[3:]], pdf)))
    markings = [stix.MarkingDefinition(**marking_definition(level)) for level in sorted(made.levels)]
    bundle = stix.Bundle(*markings, *objects, id=stix_id("bundle", f"{document.briefing}--{document.audience}"))
    return json.loads(bundle.serialize())


def bundle_bytes(bundle: dict[str, Any]) -> bytes:
    """The bundle as the exported file: UTF-8 JSON, two-space indent, newline at the end."""
    return (json.dumps(bundle, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


class _Objects:
    """The STIX properties of what ``document`` shows (plain dicts)."""

    def __init__(self, document: Document, kb: KnowledgeBase) -> None:
        self.doc = document
        self.kb = kb
        # knowledge-base order throughout, so that an import writes the items in their order
        withheld = {(kind, ident) for kind, ident, _, _ in document.withheld}
        shown = set(document.shown.claims)
        self.claims = [c for c in kb.claims if c in shown and ("claim", c) not in withheld]
        # every source of a claim shown that is not withheld: a claim drawn only in a chart names its
        # sources in the figure's source line, not in the endnotes, and its block is marked with them
        cited = {s for c in self.claims for s in kb.claims[c].sources}
        self.sources = {s for s in cited | set(document.shown.sources)
                        if ("source", s) not in withheld and s in kb.sources}
        shown = set(document.shown.relations)
        self.relations = {rel.key: rel for rel in kb.relations
                          if rel.key in shown and ("relation", rel.key) not in withheld}
        entities = set(document.shown.entities)
        entities.update(e for c in self.claims for e in kb.claims[c].about)
        entities.update(e for rel in self.relations.values() for e in (rel.subject, rel.object))
        self.entities = [e for e in kb.entities if e in entities and ("entity", e) not in withheld]
        self.time = _timestamp(document.date_iso)
        self.levels: set[TLP] = {TLP.CLEAR, TLP.parse(document.floor), TLP.parse(document.marking)}

    def _marked(self, level: TLP) -> list[str]:
        self.levels.add(level)
        return [MARKS[level]]

    def _common(self, stix_type: str, key: str, level: TLP) -> dict[str, Any]:
        return {"type": stix_type, "id": stix_id(stix_type, key), "created": self.time, "modified": self.time,
                "object_marking_refs": self._marked(level)}

    def _extension(self, **fields: Any) -> dict[str, Any]:
        """briefgen's property extension, without empty fields (STIX has no nulls)."""
        data = {k: v for k, v in fields.items() if v not in (None, "", [], {})}
        return {EXTENSION_ID: {"extension_type": "property-extension", **data}}

    def tool_identity(self) -> dict[str, Any]:
        return {"id": TOOL_IDENTITY_ID, "created": TOOL_CREATED, "modified": TOOL_CREATED, "name": "briefgen",
                "identity_class": "system", "description": "Builds sourced briefings from a YAML knowledge base.",
                "object_marking_refs": self._marked(TLP.CLEAR)}

    def extension(self) -> dict[str, Any]:
        return {"id": EXTENSION_ID, "created_by_ref": TOOL_IDENTITY_ID, "created": TOOL_CREATED,
                "modified": TOOL_CREATED, "name": "briefgen knowledge base",
                "description": "Knowledge-base fields with no STIX property: partial dates, figures, ICD 203 "
                               "likelihood and probability, Admiralty ratings, entity kinds, own TLP levels.",
                "schema": "briefgen README, 'STIX 2.1 export and import' (the briefgen extension)",
                "version": "1.0.0", "extension_types": ["property-extension"],
                "object_marking_refs": self._marked(TLP.CLEAR)}

    def _desk(self) -> str:
        return self.doc.cover.desk or self.doc.author or "desk"

    def desk(self) -> dict[str, Any]:
        desk = self._desk()
        props = self._common("identity", f"desk:{desk}", TLP.parse(self.doc.floor))
        del props["type"]
        return {**props, "name": desk, "identity_class": "organization"}

    def entity_ids(self) -> list[str]:
        return self.entities

    def entity(self, ident: str) -> dict[str, Any]:
        e = self.kb.entities[ident]
        stix_type, kind_props = stix_kind(e.kind)
        props = {**self._common(stix_type, ident, e.tlp), "name": e.name, **kind_props}
        if e.description:
            props["description"] = e.description
        if stix_type == "location":
            # STIX wants an ISO 3166-1 alpha-2 code; a name is kept as written (the validator warns)
            props["country"] = e.country or "unknown"
        props["extensions"] = self._extension(entity=ident, kind=e.kind, aliases=list(e.aliases),
                                              country=e.country, attributes=dict(e.attributes), tlp=e.tlp.value)
        return props

    def claim_level(self, cid: str) -> TLP:
        """The level claim ``cid`` is shown at, as its block in the PDF is marked: its own, its
        visible sources' and the entities it is about (its statement names them)."""
        c = self.kb.claims[cid]
        sources = [self.kb.sources[s] for s in c.sources if s in self.sources]
        return most_restrictive([c.tlp, *(s.tlp for s in sources), *(self.kb.entities[e].tlp for e in c.about)])

    def note(self, cid: str) -> dict[str, Any]:
        c = self.kb.claims[cid]
        sources = [self.kb.sources[s] for s in c.sources if s in self.sources]
        level = self.claim_level(cid)
        refs = [stix_id(self._type_of(e), e) for e in c.about if e in self.entities]
        refs += [stix_id("relationship", key) for key, rel in self.relations.items() if cid in rel.claims]
        props = {**self._common("note", cid, level), "content": c.statement,
                 "object_refs": refs or [stix_id("report", self._report_key())]}
        if c.label:
            props["abstract"] = c.label
        confidence = confidence_value(c.confidence, c.credibility)
        if confidence is not None:
            props["confidence"] = confidence
        if c.tags:
            props["labels"] = list(c.tags)
        if sources:
            props["external_references"] = [_reference(s) for s in sources]
        figures = [{k: v for k, v in f.model_dump().items() if v is not None} for f in c.figures]
        props["extensions"] = self._extension(
            claim=cid, tlp=c.tlp.value, date=str(c.date) if c.date else None, figures=figures,
            likelihood=c.likelihood.value if c.likelihood else None,
            likelihood_value=likelihood_value(c.likelihood) if c.likelihood else None,
            probability=c.probability, confidence=c.confidence.value if c.confidence else None,
            credibility=c.credibility)
        return props

    def relationship(self, key: str) -> dict[str, Any]:
        rel = self.relations[key]
        # STIX names located-in "located-at" (§4.5, §4.10 relationships); the import reads it back
        kind = "located-at" if rel.predicate == "located-in" else rel.predicate
        # marked as the network draws the link: its own level, its visible supporting claims' (a
        # TLP:CLEAR relation that rests only on a TLP:AMBER claim tells what that claim says) and
        # its end entities'
        shown = set(self.claims)
        level = most_restrictive([rel.tlp, *(self.claim_level(c) for c in rel.claims if c in shown),
                                  *(self.kb.entities[e].tlp for e in (rel.subject, rel.object))])
        return {**self._common("relationship", key, level), "relationship_type": kind,
                "source_ref": stix_id(self._type_of(rel.subject), rel.subject),
                "target_ref": stix_id(self._type_of(rel.object), rel.object),
                "extensions": self._extension(tlp=rel.tlp.value)}  # its own level, for an import

    def report(self, refs: list[str], pdf: tuple[str, str] | None) -> dict[str, Any]:
        doc = self.doc
        props = {**self._common("report", self._report_key(), TLP.parse(doc.marking)), "name": doc.title,
                 "published": self.time, "report_types": ["threat-report"], "object_refs": refs,
                 "created_by_ref": stix_id("identity", f"desk:{self._desk()}"), "lang": doc.language}
        del props["type"]
        if doc.cover.subtitle:
            props["description"] = doc.cover.subtitle
        if doc.keywords:
            props["labels"] = list(doc.keywords)
        if pdf is not None:
            name, digest = pdf
            props["external_references"] = [{"source_name": "briefgen", "description": f"PDF of this briefing: {name}",
                                             "external_id": name, "hashes": {"SHA-256": digest}}]
        props["extensions"] = self._extension(
            briefing=doc.briefing, audience=doc.audience, ceiling=doc.ceiling, marking=doc.marking,
            date=doc.date_iso, desk=doc.cover.desk,
            sources=[_source(self.kb.sources[s]) for s in self.kb.sources if s in self.sources],
            predicates=self._predicates())
        return props

    def _predicates(self) -> list[dict[str, str]]:
        """The knowledge base's own predicates (``predicates:``) the relations shown use, so an
        import declares them again (with their descriptions)."""
        used = {rel.predicate for rel in self.relations.values()}
        return [{"name": n, "description": d} if d else {"name": n} for n, d in self.kb.predicates.items() if n in used]

    def _report_key(self) -> str:
        return f"{self.doc.briefing}--{self.doc.audience}"

    def _type_of(self, entity: str) -> str:
        return stix_kind(self.kb.entities[entity].kind)[0]


def _timestamp(date_iso: str) -> str:
    """A STIX timestamp (§2.15: RFC 3339, UTC, milliseconds) for the briefing date at 00:00."""
    parts = (date_iso.split("-") + ["01", "01"])[:3]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00.000Z"


def _reference(source) -> dict[str, Any]:
    """A source as a STIX external reference (§2.5): publisher, title, id, address."""
    ref = {"source_name": source.publisher, "description": source.title, "external_id": source.id}
    if source.url:
        ref["url"] = source.url
    return ref


def _source(source) -> dict[str, Any]:
    """A source's knowledge-base record, for the report's extension."""
    data = source.model_dump(mode="json", exclude_none=True)
    return {k: v for k, v in data.items() if v not in ("", [], {})}
