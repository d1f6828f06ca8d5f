"""A draft knowledge base from a STIX 2.1 bundle (``briefgen import stix``), e.g. an OpenCTI
or MISP export, or a bundle ``briefgen export stix`` wrote.

The bundle is read and checked by :func:`briefgen.interop.stix_read.read_bundle` (TLP
markings normalised); then:

* ``identity`` (§4.5), ``location`` (§4.10), ``threat-actor``, ``intrusion-set`` and
  ``campaign`` objects become **entities** (kind from :func:`briefgen.interop.stix_vocab.entity_kind`);
  identities that only create other objects (``created_by_ref``) do not;
* ``note`` objects (§4.13) become **claims**: ``content`` the statement, ``abstract`` the
  label, the entities among ``object_refs`` what it is about, ``labels`` the tags,
  ``confidence`` the Admiralty credibility (Appendix A.3);
* a ``report`` (§4.16) that is not a briefgen briefing becomes a **source**, as does each
  external reference of a note; a note without either rests on the bundle itself;
* ``relationship`` objects (§5.1) become **relations**, supported by the notes that refer
  to them, else by a claim made from the relationship: a built-in briefgen predicate is read
  as it is, a STIX type with a built-in equivalent as that (``located-at`` -> ``located-in``,
  :data:`~briefgen.interop.stix_vocab.RELATIONSHIP_PREDICATES`), any other type (``attributed-to``,
  ``targets``, a knowledge base's own predicate) as a predicate of its name, declared under
  ``predicates:`` with its meaning (the briefing report's extension, else the STIX 2.1
  vocabulary); ``derived-from`` and ``duplicate-of`` are about the objects and not imported;
* each item's TLP level is the most restrictive of its markings (``unmarked`` when it has
  none); a source's is the least restrictive of the notes citing it.

Objects sharing an id are versions of one object: the newest is imported once
(:func:`briefgen.interop.stix_read.newest_versions`). Ids are readable ASCII, transliterated
from the names (:mod:`briefgen.interop.stix_ids`).

briefgen's own property extension (written by the export) restores what STIX has no
property for, so export -> import -> build gives the same claims. Everything else is
listed as not mapped, as is a source address that is not an http(s) URL (``javascript:``,
``data:``, ``file:``, a relative path): it is left out of the draft, never copied.
Output: ``entities.yaml``, ``sources.yaml``, ``claims.yaml``, ``relations.yaml`` (with the
declared ``predicates:``) in the target folder, a list too large for one file split into
numbered files (:mod:`briefgen.interop.stix_yaml`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.interop import stix_yaml
from briefgen.interop.stix_ids import slug
from briefgen.interop.stix_read import Bundle, read_bundle
from briefgen.interop.stix_vocab import (
    EXTENSION_ID,
    OBJECT_RELATIONSHIPS,
    RELATIONSHIP_MEANINGS,
    RELATIONSHIP_PREDICATES,
    TOOL_IDENTITY_ID,
    credibility_of,
    entity_kind,
)
from briefgen.model.fields import BUILTIN_PREDICATES
from briefgen.model.tlp import TLP
from briefgen.model.urls import web_url_problem

FILES = ("entities.yaml", "sources.yaml", "claims.yaml", "relations.yaml")
"""The files of a small import (a large list is split: :mod:`briefgen.interop.stix_yaml`)."""

_PREDICATE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
_SOURCE_ID = re.compile(r"[a-z0-9][a-z0-9._-]*")


@dataclass
class Imported:
    """A draft knowledge base: the four lists and the declared predicates, as YAML-ready
    dicts, and what was not mapped."""

    entities: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    claims: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)
    predicates: list[dict] = field(default_factory=list)
    not_mapped: list[str] = field(default_factory=list)


def import_bundle(path: Path, *, unmarked: TLP = TLP.AMBER) -> Imported:
    """The draft knowledge base of the bundle at ``path``. Raises
    :class:`~briefgen.errors.SpecError` with located problems for a file that is not a
    STIX 2.1 bundle or uses a marking it does not know."""
    return _Mapper(read_bundle(path), unmarked).run()


def yaml_files(imported: Imported, origin: str, *, part_bytes: int | None = None) -> dict[str, bytes]:
    """The knowledge-base files (name -> bytes), each headed by a comment naming the bundle
    they come from: ``entities``, ``sources``, ``claims``, ``relations`` (with ``predicates``),
    a list larger than ``part_bytes`` (default: below the loader's limit) split into numbered
    files. Plain YAML: never an anchor or alias (:mod:`briefgen.interop.stix_yaml`)."""
    head = (f"# Draft knowledge base imported from {origin} by 'briefgen import stix'.\n"
            f"# Review every item (wording, sources, TLP levels) before a briefing uses it.\n")
    out: dict[str, bytes] = {}
    for name in FILES:
        key = name.removesuffix(".yaml")
        extra = {"predicates": imported.predicates} if key == "relations" else None
        out.update(stix_yaml.list_files(key, getattr(imported, key), head, extra, part_bytes))
    return out


def _quoted(value: object) -> str:
    """``value`` quoted for the report, control characters escaped, cut to 80 characters."""
    text = repr(str(value))
    return text if len(text) <= 80 else text[:76] + "...'"


def _ext(obj: dict) -> dict:
    """briefgen's extension of an object (empty when the object has none)."""
    ext = (obj.get("extensions") or {}).get(EXTENSION_ID)
    return ext if isinstance(ext, dict) else {}


class _Mapper:
    def __init__(self, bundle: Bundle, unmarked: TLP) -> None:
        self.b = bundle
        self.unmarked = unmarked
        self.out = Imported()
        self.ids: dict[str, str] = {}           # STIX id -> knowledge-base id
        self.taken: set[str] = set()
        self.unmarked_count = 0
        self.source_levels: dict[str, list[TLP]] = {}
        self.sources: dict[str, dict] = {}
        self.declared: dict[str, str] = {}      # predicates the briefing reports' extensions declare
        self.predicates: dict[str, str] = {}    # predicates the import declares: name -> meaning
        self.left_out: set[str] = set()         # STIX ids of entities too large to import

    def _id(self, stix: str, wanted: str) -> str:
        ident, n = wanted, 2
        while ident in self.taken:
            ident, n = f"{wanted}-{n}", n + 1
        self.taken.add(ident)
        self.ids[stix] = ident
        return ident

    def _fits(self, item: dict, stix_id: str, what: str) -> bool:
        """True when ``item`` fits in a knowledge-base file; else it is listed as not mapped (the
        loader refuses a file over :data:`briefgen.load.yamlsrc.MAX_BYTES`, and one item is never split)."""
        size = stix_yaml.oversize(item)
        if size is None:
            return True
        self.out.not_mapped.append(f"{stix_id}: the {what} it makes is {size / 2**20:.1f} MiB written out, more than "
                                   f"a knowledge-base file may hold ({stix_yaml.PART_BYTES / 2**20:.1f} MiB); "
                                   f"shorten it in the bundle")
        return False

    def level(self, obj: dict) -> TLP:
        found = self.b.level(obj["id"])
        if found is None:
            self.unmarked_count += 1
            return self.unmarked
        return found

    def run(self) -> Imported:
        objs = self.b.objects
        briefing_reports = [o for o in objs if o["type"] == "report" and _ext(o)]
        for rep in briefing_reports:
            for src in _ext(rep).get("sources", []):
                if isinstance(src, dict) and "id" in src:
                    self.sources[src["id"]] = self._checked_url(dict(src), rep["id"])
            for pred in _ext(rep).get("predicates", []):
                if isinstance(pred, dict) and isinstance(pred.get("name"), str):
                    self.declared.setdefault(pred["name"], str(pred.get("description", "")))
        referenced = {r for o in objs for k in ("object_refs",) for r in o.get(k) or []}
        referenced |= {o.get(k) for o in objs for k in ("source_ref", "target_ref")}
        skipped: dict[str, int] = {}
        for obj in objs:
            kind = entity_kind(obj)
            if obj["type"] == "marking-definition" or obj["type"] == "extension-definition":
                continue
            if obj["id"] == TOOL_IDENTITY_ID or (kind and obj["type"] == "identity" and obj["id"] not in referenced):
                continue  # briefgen itself, or an author (created_by_ref) rather than a subject
            if kind is not None:
                self._entity(obj, kind)
            elif obj["type"] not in ("note", "relationship", "report", "grouping"):
                skipped[obj["type"]] = skipped.get(obj["type"], 0) + 1
        containing = {r: o for o in objs if o["type"] in ("report", "grouping") for r in o.get("object_refs") or []}
        for obj in objs:
            if obj["type"] in ("report", "grouping") and not _ext(obj):
                self._report_source(obj)
        supports: dict[str, list[str]] = {}
        for obj in objs:
            if obj["type"] == "note":
                self._claim(obj, containing.get(obj["id"]), supports)
        for obj in objs:
            if obj["type"] == "relationship":
                self._relation(obj, supports.get(obj["id"], []), containing.get(obj["id"]))
        for sid, src in self.sources.items():
            if "tlp" not in src:
                levels = self.source_levels.get(sid) or [self.unmarked]
                src["tlp"] = min(levels).value
        self.out.sources = list(self.sources.values())
        self.out.predicates = [{"name": n, "description": d} if d else {"name": n} for n, d in self.predicates.items()]
        self.out.not_mapped += self.b.versions
        for kind, n in sorted(skipped.items()):
            self.out.not_mapped.append(f"{n} {kind} object(s): no knowledge-base equivalent")
        for other in self.b.other:
            self.out.not_mapped.append(f"{other}: a marking that is not TLP (kept out of the TLP levels)")
        if self.unmarked_count:
            self.out.not_mapped.append(f"{self.unmarked_count} object(s) had no TLP marking: marked "
                                       f"{self.unmarked.value} (--unmarked)")
        return self.out

    def _entity(self, obj: dict, kind: str) -> None:
        ext = _ext(obj)
        ident = self._id(obj["id"], ext.get("entity") or slug(str(obj.get("name", "")), obj["id"], obj["type"]))
        item: dict[str, Any] = {"id": ident, "name": obj.get("name", ident), "kind": ext.get("kind", kind)}
        aliases = ext.get("aliases") or obj.get("aliases") or obj.get("x_opencti_aliases")
        if aliases:
            item["aliases"] = list(aliases)
        if obj.get("description"):
            item["description"] = obj["description"]
        country = ext.get("country") or (obj.get("country") if obj["type"] == "location" else None)
        if country and country != "unknown":
            item["country"] = country
        if ext.get("attributes"):
            item["attributes"] = dict(ext["attributes"])
        item["tlp"] = ext.get("tlp") or self.level(obj).value
        kept = stix_yaml.PART_BYTES // 20  # characters: even at 4 bytes each, well within one file
        if stix_yaml.oversize(item) is not None and len(item.get("description", "")) > kept:
            size = len(item["description"].encode("utf-8"))
            item["description"] = item["description"][:kept] + " [...]"
            self.out.not_mapped.append(f"{obj['id']}: description of entity {ident!r} cut to its first {kept:,} "
                                       f"characters (it is {size / 2**20:.1f} MiB in the bundle)")
        if not self._fits(item, obj["id"], "entity"):
            del self.ids[obj["id"]]  # no relation refers to an entity left out,
            self.left_out.add(obj["id"])  # and no claim about it is imported (it would lose its marking)
            return
        self.out.entities.append(item)

    def _report_source(self, rep: dict) -> None:
        ident = self._id(rep["id"], slug(str(rep.get("name", "")), rep["id"], rep["type"], "src-"))
        creator = self.b.by_id.get(rep.get("created_by_ref", ""), {})
        url = next((r["url"] for r in rep.get("external_references") or [] if r.get("url")), None)
        src = {"id": ident, "title": rep.get("name", ident), "publisher": creator.get("name", "unknown"),
               "date": str(rep.get("published", ""))[:10] or None, "url": url, "kind": "other", "reliability": "F",
               "tlp": self.level(rep).value}
        self.sources[ident] = self._checked_url({k: v for k, v in src.items() if v is not None}, rep["id"])

    def _checked_url(self, src: dict, stix_id: str) -> dict:
        """``src`` without its ``url`` when that is not an http(s) URL (``javascript:``, ``data:``,
        ``file:``, a relative path: :func:`briefgen.model.urls.web_url_problem`), which is listed as
        not mapped: a bundle is untrusted input, and the address would become a link in the briefings."""
        url = src.get("url")
        if url is None:
            return src
        problem = web_url_problem(url) if isinstance(url, str) else ("not text", "")
        if problem is None:
            return src
        self.out.not_mapped.append(f"{stix_id}: url {_quoted(url)} of source {src['id']!r} not copied: "
                                   f"not an http(s) URL: {problem[0]}")
        return {k: v for k, v in src.items() if k != "url"}

    def _note_sources(self, note: dict, report: dict | None, level: TLP) -> list[str]:
        ids = []
        for ref in note.get("external_references") or []:
            sid = ref.get("external_id") if _SOURCE_ID.fullmatch(str(ref.get("external_id", ""))) \
                else _source_slug(f"{ref.get('source_name', '')} {ref.get('description', '')}")
            if sid not in self.sources:
                src = {"id": sid, "title": ref.get("description") or ref.get("source_name", sid),
                       "publisher": ref.get("source_name", "unknown"), "kind": "other", "reliability": "F"}
                if ref.get("url"):
                    src["url"] = ref["url"]
                self.sources[sid] = self._checked_url(src, note["id"])
            self.source_levels.setdefault(sid, []).append(level)
            ids.append(sid)
        if not ids and report is not None and report["id"] in self.ids:
            ids.append(self.ids[report["id"]])
        if not ids:
            sid = _source_slug(self.b.path.stem)
            self.sources.setdefault(sid, {"id": sid, "title": f"STIX bundle {self.b.path.name}",
                                          "publisher": "unknown", "kind": "dataset", "reliability": "F"})
            self.source_levels.setdefault(sid, []).append(level)
            ids.append(sid)
        return ids

    def _claim(self, note: dict, report: dict | None, supports: dict[str, list[str]]) -> None:
        ext = _ext(note)
        content = str(note.get("content", "")).strip()
        if not content:
            self.out.not_mapped.append(f"{note['id']}: a note without content")
            return
        dropped = [r for r in note.get("object_refs", []) if r in self.left_out]
        if dropped:  # a claim about a TLP:AMBER entity must not reach a wider audience without it
            self.out.not_mapped.append(f"{note['id']}: about {dropped[0]}, which is left out (above)")
            return
        level = self.level(note)
        ident = self._id(note["id"], ext.get("claim") or slug(str(note.get("abstract") or content), note["id"],
                                                              "note", "c-"))
        item: dict[str, Any] = {"id": ident, "statement": content}
        if note.get("abstract"):
            item["label"] = note["abstract"]
        about = [self.ids[r] for r in note.get("object_refs", []) if r in self.ids and r.split("--")[0] != "report"]
        item["about"] = [a for a in about if any(e["id"] == a for e in self.out.entities)]
        item["sources"] = self._note_sources(note, report, level)
        for key in ("date", "figures", "likelihood", "probability", "confidence", "credibility"):
            if key in ext:
                item[key] = ext[key]
        if "credibility" not in item and "confidence" not in item and isinstance(note.get("confidence"), int):
            item["credibility"] = credibility_of(note["confidence"])
        item["tlp"] = ext.get("tlp") or level.value
        if note.get("labels"):
            item["tags"] = list(note["labels"])
        if not self._fits(item, note["id"], "claim"):
            return
        self.out.claims.append(item)
        for ref in note.get("object_refs", []):
            if ref.startswith("relationship--"):
                supports.setdefault(ref, []).append(ident)

    def _relation(self, rel: dict, claims: list[str], report: dict | None) -> None:
        kind = str(rel.get("relationship_type", ""))
        predicate = predicate_of(kind, self.declared)
        subject, obj = self.ids.get(rel.get("source_ref", "")), self.ids.get(rel.get("target_ref", ""))
        if predicate is None or subject is None or obj is None or subject == obj:
            why = ("it is about the STIX objects, not a relation between entities" if kind in OBJECT_RELATIONSHIPS
                   else f"{kind!r} is not usable as a predicate (lower-case words joined by '-')" if predicate is None
                   else "an end is not an imported entity" if subject is None or obj is None
                   else "both ends are the same entity")
            self.out.not_mapped.append(f"{rel['id']} ({kind}): {why}")
            return
        if predicate not in BUILTIN_PREDICATES and predicate not in self.predicates:
            self.predicates[predicate] = self.declared.get(predicate) or RELATIONSHIP_MEANINGS.get(
                predicate, f"imported from the STIX relationship type {predicate!r}")
        level = self.level(rel)
        if not claims:  # a claim made from the relationship, so that it rests on something
            names = {e["id"]: e["name"] for e in self.out.entities}
            statement = rel.get("description") or f"{names[subject]} {predicate.replace('-', ' ')} {names[obj]}."
            cid = self._id("claim-of-" + rel["id"], slug(f"{subject} {predicate} {obj}", rel["id"], "relationship",
                                                         "c-"))
            claim = {"id": cid, "statement": statement, "about": [subject, obj],
                     "sources": self._note_sources({"id": rel["id"]}, report, level), "tlp": level.value}
            if not self._fits(claim, rel["id"], "claim"):
                return
            self.out.claims.append(claim)
            claims = [cid]
        self.out.relations.append({"subject": subject, "predicate": predicate, "object": obj, "claims": claims,
                                   "tlp": _ext(rel).get("tlp") or level.value})  # its own level, as exported


def predicate_of(kind: str, declared: Mapping[str, str]) -> str | None:
    """The briefgen predicate of STIX relationship type ``kind``: ``kind`` itself when it is
    built in or ``declared`` (by the knowledge base the bundle was exported from), its
    built-in equivalent (:data:`~briefgen.interop.stix_vocab.RELATIONSHIP_PREDICATES`), else
    ``kind`` when it is usable as a predicate name; None for a relationship about the objects
    themselves or a type that is no predicate name."""
    if kind in BUILTIN_PREDICATES or kind in declared:
        return kind
    if kind in RELATIONSHIP_PREDICATES:
        return RELATIONSHIP_PREDICATES[kind]
    if kind in OBJECT_RELATIONSHIPS or not _PREDICATE.match(kind):
        return None
    return kind


def _source_slug(text: str) -> str:
    """A source id from an external reference's or the bundle's name (hashed when it has no Latin letter)."""
    return slug(text, text, "source", "src-")
