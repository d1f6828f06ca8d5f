"""What changed between two editions of one briefing for one audience.

:func:`diff_editions` compares two edition records (:mod:`briefgen.document.edition`) and
returns an :class:`EditionDiff`: every key judgment, claim, source, entity, relation and
figure that is new, changed (field by field, with the direction of a likelihood,
confidence, probability or marking move) or removed, and the sections the newer edition left
out to fit its page budget (what they held is not "removed": :mod:`briefgen.document.left_out`).
Likelihoods move along the ICD 203 scale (:class:`~briefgen.model.vocab.Likelihood`, "almost
no chance" to "almost certain"), confidence along low < moderate < high, markings along TLP 2.0 (CLEAR < GREEN <
AMBER < AMBER+STRICT < RED): "raised" is up those scales.

Withholding holds (TLP 2.0): the comparison is between what each edition showed *this
audience*. An item the new edition withholds (its hash is in the new record's
``withheld``: the withheld items and what disappears only with them,
:func:`~briefgen.document.edition.withheld_items`), or one marked above the new edition's
ceiling, is not reported at all when it disappears: from the audience's point of view it
vanishes without a trace, and a figure that drew it (or named its source in the source line,
or drew its entity or relation in a network) does not count as changed for it, nor does a key
judgment's or figure's marking that came down with it (:meth:`Gone.unexplained`); a block
showing an item that changed only so (:func:`moved_only_by_withheld`) is not marked. Each
field listing ids (a claim's sources, a relation's claims, a figure's claims, sources,
entities and relations) is compared without the ids withheld now (:meth:`Gone.visible`), so a
withheld id makes no field differ whatever else changed; a figure's lists also lose what it
drew only through such items (:meth:`Gone.drawn_only_through_gone`: a link resting on withheld
claims alone, a node that was an end of such links alone, a source only withheld claims cited),
while what the audience may see that changed in it (a link added) is still reported. An item
released to the audience appears as new. A keyed
``withheld`` list is read with the key that made it (:mod:`briefgen.document.withheld`).

Pure data in, pure data out; :meth:`EditionDiff.to_json` is the shape ``briefgen diff
--json`` prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefgen.document.edition import withheld_test
from briefgen.document.left_out import budget_left_out, shown_in
from briefgen.document.withheld import WithheldKey
from briefgen.model.tlp import TLP
from briefgen.model.vocab import Confidence, Likelihood

LIKELIHOOD_ORDER = tuple(word.value for word in Likelihood)
"""ICD 203 expressions of likelihood, least to most likely."""

CONFIDENCE_ORDER = tuple(level.value for level in Confidence)
"""ICD 203 confidence levels, low to high."""

KIND_WORDS = {"key_judgments": "key judgment", "claims": "claim", "sources": "source", "entities": "entity",
              "relations": "relation", "figures": "figure"}
"""The record kinds in reading order of a report, and their name in words."""

READER_FIELDS = {
    "key_judgments": ("likelihood", "statement", "marking"),
    "claims": ("statement", "likelihood", "probability", "confidence", "figures", "date", "sources", "marking"),
    "sources": ("title", "publisher", "date", "reliability", "marking"),
    "entities": ("name", "kind", "marking"),
    "relations": ("subject", "predicate", "object", "claims", "marking"),
    "figures": ("title", "kind", "claims", "marking"),
}
"""Fields compared field by field, per kind (a change elsewhere shows as ``content`` for an
entity or source, ``data`` for a figure)."""


@dataclass(frozen=True)
class FieldChange:
    """One field of an item that changed: ``old`` and ``new`` as text ("" for none);
    ``direction`` ``raised`` or ``lowered`` along the field's scale, else "". For a figure
    of a claim, ``field`` is ``figure`` and ``label`` names the figure."""

    field: str
    old: str
    new: str
    direction: str = ""
    label: str = ""

    def to_json(self) -> dict[str, str]:
        out = {"field": self.field, "old": self.old, "new": self.new, "direction": self.direction}
        if self.label:
            out["label"] = self.label
        return out


@dataclass(frozen=True)
class Change:
    """A ``new``, ``changed`` or ``removed`` item of record kind ``kind`` (``claims``,
    ``key_judgments`` ...): its id, ``text`` (statement, title or name, as the audience
    saw it last), ``number`` (a key judgment's or figure's, in the newer edition when it is
    there) and, for a changed item, its ``fields``."""

    kind: str
    id: str
    status: str
    text: str
    number: int = 0
    fields: tuple[FieldChange, ...] = ()

    def field(self, name: str) -> FieldChange | None:
        """The change of field ``name``, if it changed."""
        return next((f for f in self.fields if f.field == name), None)

    def to_json(self) -> dict[str, Any]:
        return {"kind": KIND_WORDS[self.kind].replace(" ", "_"), "id": self.id, "status": self.status,
                "text": self.text, "number": self.number or None, "fields": [f.to_json() for f in self.fields]}


@dataclass(frozen=True)
class EditionDiff:
    """The changes from edition ``old`` to ``new`` (their briefing, audience, dates).
    ``left_out``: (section id, title) of each section ``new`` left out to fit its page budget
    that ``old`` showed (:mod:`briefgen.document.left_out`); what it held is not among the
    ``removed`` changes."""

    briefing: str
    audience: str
    old_date: str
    new_date: str
    old_date_text: str
    changes: tuple[Change, ...] = ()
    left_out: tuple[tuple[str, str], ...] = ()

    def of(self, kind: str, status: str | None = None) -> list[Change]:
        """The changes of record kind ``kind`` (and ``status``), in report order."""
        return [c for c in self.changes if c.kind == kind and (status is None or c.status == status)]

    def find(self, kind: str, ident: str) -> Change | None:
        """The change of item ``ident`` of ``kind``, if it changed."""
        return next((c for c in self.changes if c.kind == kind and c.id == ident), None)

    def counts(self) -> dict[str, dict[str, int]]:
        """Per kind (words with ``_``), how many are new, changed, removed."""
        return {KIND_WORDS[k].replace(" ", "_"): {s: len(self.of(k, s)) for s in ("new", "changed", "removed")}
                for k in KIND_WORDS}

    def to_json(self) -> dict[str, Any]:
        """``{"briefing", "audience", "old": {"date"}, "new": {"date"}, "counts", "changes": [...],
        "left_out_to_fit": [{"section", "title"}]}``."""
        return {"briefing": self.briefing, "audience": self.audience, "old": {"date": self.old_date},
                "new": {"date": self.new_date}, "counts": self.counts(),
                "changes": [c.to_json() for c in self.changes],
                "left_out_to_fit": [{"section": sid, "title": title} for sid, title in self.left_out]}


def diff_editions(old: dict[str, Any], new: dict[str, Any], key: WithheldKey | None = None) -> EditionDiff:
    """The changes from edition record ``old`` to ``new`` (both checked records of the same
    briefing and audience; see the module doc for what is left out). ``key``: the key of
    ``new``'s ``withheld`` hashes. Raises :class:`~briefgen.document.edition.EditionError`
    when they are keyed and ``key`` is not their key."""
    gone = Gone(new, key)
    changes: list[Change] = []
    for kind in KIND_WORDS:
        before, after = old.get(kind, {}), new.get(kind, {})
        for ident, item in after.items():
            if ident not in before:
                changes.append(Change(kind, ident, "new", _text(kind, item), item.get("number") or 0))
                continue
            fields = gone.unexplained(kind, ident, _fields(kind, gone.visible(kind, before[ident], old, item), item),
                                      before[ident], old)
            if not fields and before[ident].get("digest") != item.get("digest"):
                if kind in ("entities", "sources"):  # their digests cover what a profile or an endnote prints
                    fields = (FieldChange("content", "", ""),)
                elif kind == "figures" and _figure_data_changed(before[ident], item, old, new, gone, changes):
                    fields = (FieldChange("data", "", ""),)
            if fields:
                changes.append(Change(kind, ident, "changed", _text(kind, item), item.get("number") or 0, fields))
        for ident, item in before.items():
            if ident not in after and not gone(kind, ident, item):
                changes.append(Change(kind, ident, "removed", _text(kind, item), item.get("number") or 0))
    left_out = budget_left_out(old, new)
    if left_out:  # not removed: left out with their section, which the page budget had no room for
        held = shown_in(old, {sid for sid, _ in left_out})
        changes = [c for c in changes if c.status != "removed" or (c.kind, c.id) not in held]
    return EditionDiff(new["briefing"], new["audience"], old["date"], new["date"],
                       old.get("date_text") or old["date"], tuple(changes), left_out)


class Gone:
    """What the newer edition ``new`` keeps from its audience: the items it withholds (their
    hashes, read with ``key``) and anything marked above its ceiling. Raises
    :class:`~briefgen.document.edition.EditionError` as :func:`diff_editions` does."""

    LISTS = {"claims": (("sources", "sources"),), "relations": (("claims", "claims"),),
             "figures": (("claims", "claims"), ("sources", "sources"), ("entities", "entities"),
                         ("relations", "relations"))}
    """Per kind, the fields listing ids of another kind (field, that kind); key judgments,
    sources and entities list none."""

    def __init__(self, new: dict[str, Any], key: WithheldKey | None) -> None:
        self.withheld = withheld_test(new, key)
        self.ceiling = TLP.parse(new["ceiling"])

    def __call__(self, kind: str, ident: str, item: dict | None = None) -> bool:
        """True when item ``ident`` of ``kind`` (a key judgment: its claim) must not be named."""
        if self.withheld("claims" if kind == "key_judgments" else kind, ident):
            return True
        return self.above_ceiling((item or {}).get("marking"))

    def above_ceiling(self, marking: Any) -> bool:
        """True when ``marking`` (a TLP label, None for TLP:CLEAR) is above the newer edition's
        ceiling, or is one this briefgen cannot read (never name what it marks)."""
        try:
            return TLP.parse(marking or "TLP:CLEAR") > self.ceiling
        except ValueError:
            return True

    def visible(self, kind: str, item: dict, old: dict[str, Any], now: dict | None = None) -> dict:
        """``item`` of the earlier edition ``old`` without the ids it lists that must not be
        named now (a claim's sources, a relation's or figure's claims: withheld, or marked above
        the ceiling as ``old`` recorded them, such as a claim deleted since; a figure's sources,
        entities and relations too): their going is no change, and their ids never appear in one.
        Each listing field is cleaned on its own, so no withheld id makes a field differ whatever
        else changed. A figure's lists also lose what it drew only through such items
        (:meth:`drawn_only_through_gone`; ``now``: the newer edition's figure, whose lists keep
        what they still hold)."""
        hidden = self.drawn_only_through_gone(item, old, now) if kind == "figures" else set()
        out = item
        for field, of in self.LISTS.get(kind, ()):
            if isinstance(item.get(field), list):
                recorded = old.get(of, {})
                out = {**out, field: [i for i in item[field]
                                      if (of, i) not in hidden and not self(of, i, recorded.get(i))]}
        return out

    def drawn_only_through_gone(self, figure: dict, old: dict[str, Any],
                                now: dict | None = None) -> set[tuple[str, str]]:
        """(record kind, id) of what ``figure`` (of the earlier edition ``old``) drew or named
        only through items that must not be named now: each of its claims and relations that
        is gone (:meth:`__call__`), each relation whose claims within the figure's claims are
        all gone (it rested on them alone), each entity every one of the figure's relations
        touching it is gone (a network node that was an end of those alone), each claim whose
        every relation of the figure it supports is gone (a link withheld by its own marking takes
        its support with it), and each source every one of the figure's claims citing it is gone
        (a source-line entry those alone brought). Their going is what the audience may not see,
        not a change of the figure.
        An item the figure lists for which the record names no such link is kept, and so is one
        the newer edition's figure ``now`` still lists (a node a network draws for itself)."""
        claims = [c for c in figure.get("claims") or [] if isinstance(c, str)]
        recorded = {kind: old.get(kind, {}) for kind in ("claims", "relations")}
        gone_claims = {c for c in claims if self("claims", c, recorded["claims"].get(c))}
        out = {("claims", c) for c in gone_claims}
        relations = [r for r in figure.get("relations") or [] if isinstance(r, str)]
        gone_relations = set()
        for key in relations:
            rel = recorded["relations"].get(key) or {}
            support = [c for c in rel.get("claims") or [] if c in claims]
            if self("relations", key, rel or None) or (support and all(c in gone_claims for c in support)):
                gone_relations.add(key)
        out |= {("relations", key) for key in gone_relations}
        through = set()  # claims the figure drew only as support of relations now gone
        for cid in claims:
            supports = [key for key in relations if cid in ((recorded["relations"].get(key) or {}).get("claims") or [])]
            if cid not in gone_claims and supports and all(key in gone_relations for key in supports):
                through.add(cid)
        out |= {("claims", c) for c in through}
        gone_claims |= through
        for eid in figure.get("entities") or []:
            touching = [key for key in relations if eid in ((recorded["relations"].get(key) or {}).get("subject"),
                                                            (recorded["relations"].get(key) or {}).get("object"))]
            if touching and all(key in gone_relations for key in touching):
                out.add(("entities", eid))
        for sid in figure.get("sources") or []:
            citing = [c for c in claims if sid in ((recorded["claims"].get(c) or {}).get("sources") or [])]
            if citing and all(c in gone_claims for c in citing):
                out.add(("sources", sid))
        still = {(kind, i) for kind in ("claims", "relations", "entities", "sources")
                 for i in (now or {}).get(kind) or []}
        return out - still

    ROLLED_UP = ("key_judgments", "figures", "claims")
    """Kinds whose ``marking`` is the roll-up of what they show (a key judgment's claim, its
    sources and entities; what a figure draws; a claim's own level, its visible sources' and
    its entities'), not a level of their own."""

    def unexplained(self, kind: str, ident: str, fields: tuple[FieldChange, ...], before: dict,
                    old: dict[str, Any]) -> tuple[FieldChange, ...]:
        """``fields`` of item ``ident`` without a rolled-up marking's move that only what the
        audience may no longer see explains: an earlier marking above the ceiling came from
        material withheld (or deleted) since, and a marking lowered while what the item rests
        on in the earlier edition ``old`` (a key judgment's claim's sources, what a figure drew)
        lost an item now withheld or above the ceiling came down with it; what the audience
        may see that moved is reported on its own item. Reporting it would also print a level
        above the ceiling in the audience's change record, or tell that something was withheld."""
        if kind not in self.ROLLED_UP:
            return fields
        if not self.above_ceiling(before.get("marking")) and not self._lowered_by_gone(kind, ident, fields, before,
                                                                                        old):
            return fields
        return tuple(f for f in fields if f.field != "marking")

    def _lowered_by_gone(self, kind: str, ident: str, fields: tuple[FieldChange, ...], before: dict,
                         old: dict[str, Any]) -> bool:
        move = next((f for f in fields if f.field == "marking"), None)
        if move is None or move.direction != "lowered":
            return False
        if kind == "key_judgments":
            rests_on = listed_ids("claims", old.get("claims", {}).get(ident) or {}, old)
        elif kind == "claims":
            rests_on = listed_ids("claims", before, old)
        else:
            rests_on = drawn(before, old)
        return any(self(k, i, old.get(k, {}).get(i)) for k, i in rests_on)


def figure_shows(kind: str) -> dict[str, tuple[str, ...]]:
    """Per record kind a figure of chart kind ``kind`` draws, the fields of an item that show in
    its drawing: its data shape's declaration (:attr:`~briefgen.model.chart_kinds.DataShape.shows`).
    Empty for a kind that declares none (or is unknown): any field may show."""
    from briefgen.model.chart_kinds import CHART_KINDS

    chart_kind = CHART_KINDS.get(kind) if kind else None
    return (chart_kind.shape.shown_fields() or {}) if chart_kind is not None else {}


def _figure_data_changed(before: dict, after: dict, old: dict, new: dict, gone: Gone, changes: list[Change]) -> bool:
    """A figure whose drawing changed (its digest: data, source line, alt text) with the same
    title, kind and claims: a change to report unless an item it drew (:func:`drawn`: a claim,
    a source of its source line, an entity or relation of a network) is now withheld or above
    the ceiling, and, those ids and what it drew only through them
    (:meth:`Gone.drawn_only_through_gone`) taken out of each list of the earlier edition's figure
    (:meth:`Gone.visible`), every list is the same and no item it draws changed in a field its
    kind shows (:func:`figure_shows`): then what changed is what the audience may no longer
    see, whatever else changed (a claim's figure in a network that lists it: told on the
    claim's own line; "data changed" beside it would tell that something was withheld)."""
    if not gone.drawn_only_through_gone(before, old, after) and not any(
            gone(kind, ident, old.get(kind, {}).get(ident)) for kind, ident in drawn(before, old)):
        return True
    seen = gone.visible("figures", before, old, after)
    if any(seen[field] != after[field] for field, _ in Gone.LISTS["figures"] if field in seen and field in after):
        return True
    now, shows = drawn(after, new), figure_shows(after.get("kind") or "")
    return any((c.kind, c.id) in now and (c.kind not in shows or any(f.field in shows[c.kind] for f in c.fields))
               for c in changes)


def listed_ids(kind: str, item: dict, record: dict) -> set[tuple[str, str]]:
    """(record kind, id) of what ``item`` (of ``kind`` in edition ``record``) lists: a claim's
    sources, a relation's claims, what a figure draws (:func:`drawn`); nothing for another kind."""
    if kind == "figures":
        return drawn(item, record)
    return {(of, ident) for field, of in Gone.LISTS.get(kind, ()) if isinstance(item.get(field), list)
            for ident in item[field] if isinstance(ident, str)}


def moved_only_by_withheld(diff: EditionDiff, kind: str, ident: str, old: dict, new: dict, gone: Gone) -> bool:
    """True when item ``ident`` of ``kind``, shown by both editions ``old`` and ``new``, differs
    between them only through what the audience may not see now: the diff reports no change of
    it, the earlier edition's item listed an id now withheld or above the ceiling (a claim's
    withheld source), and none of the items the newer one lists changed. A block showing it (a
    claims-table row whose rating and sources cell lost a withheld source, a key judgment) is
    then no change either: its content changed because of material the audience may not see."""
    before, after = old.get(kind, {}).get(ident), new.get(kind, {}).get(ident)
    if before is None or after is None or diff.find(kind, ident) is not None:
        return False
    if not any(gone(k, i, old.get(k, {}).get(i)) for k, i in listed_ids(kind, before, old)):
        return False
    return not any(diff.find(k, i) is not None for k, i in listed_ids(kind, after, new))


def drawn(figure: dict, record: dict) -> set[tuple[str, str]]:
    """(record kind, id) of what ``figure`` (an item of ``record``'s ``figures``) draws or
    names: its claims, and the sources, entities and relations the record lists for it; a
    record that lists only claims (filed by an earlier briefgen) gives the sources those claims
    cite, the relations resting on them and those relations' end entities."""
    claims = [c for c in figure.get("claims") or [] if isinstance(c, str)]
    out = {("claims", cid) for cid in claims}
    listed = ("sources", "entities", "relations")
    if any(kind in figure for kind in listed):
        return out | {(kind, ident) for kind in listed for ident in figure.get(kind) or []}
    for cid in claims:
        out.update(("sources", sid) for sid in (record.get("claims", {}).get(cid) or {}).get("sources") or [])
    for key, rel in record.get("relations", {}).items():
        if set(rel.get("claims") or []) & set(claims):
            out.update((("relations", key), ("entities", rel.get("subject") or ""),
                        ("entities", rel.get("object") or "")))
    return out


def _text(kind: str, item: dict) -> str:
    if kind in ("claims", "key_judgments"):
        return item.get("statement") or ""
    if kind == "relations":
        return f"{item.get('subject') or ''} {item.get('predicate') or ''} {item.get('object') or ''}"
    return item.get("title") or item.get("name") or ""


def _fields(kind: str, old: dict, new: dict) -> tuple[FieldChange, ...]:
    """Field-by-field changes of one item (empty when the compared fields are the same)."""
    out: list[FieldChange] = []
    for name in READER_FIELDS[kind]:
        a, b = old.get(name), new.get(name)
        if a == b:
            continue
        if name == "figures":
            out += _figure_changes(a or [], b or [])
        else:
            out.append(FieldChange(name, _words(a), _words(b), direction(name, a, b)))
    return tuple(out)


def _figure_changes(old: list, new: list) -> list[FieldChange]:
    """Each figure of a claim revised, added or dropped, matched by label."""
    before = {f.get("label", ""): f.get("text", "") for f in old}
    after = {f.get("label", ""): f.get("text", "") for f in new}
    return [FieldChange("figure", before.get(label, ""), after.get(label, ""), label=label)
            for label in [*after, *(lb for lb in before if lb not in after)] if before.get(label) != after.get(label)]


def direction(name: str, old: Any, new: Any) -> str:
    """``raised`` or ``lowered`` for a move along the scale of field ``name`` (likelihood,
    confidence, probability, marking), "" for any other field or a value off the scale."""
    scales = {"likelihood": LIKELIHOOD_ORDER, "confidence": CONFIDENCE_ORDER,
              "marking": tuple(level.label for level in sorted(TLP, key=lambda t: t.rank))}
    if name == "probability":
        if isinstance(old, (int, float)) and isinstance(new, (int, float)) and old != new:
            return "raised" if new > old else "lowered"
        return ""
    if name == "likelihood" and isinstance(old, str) and isinstance(new, str):
        old, new = _likelihood_word(old), _likelihood_word(new)
    scale = scales.get(name)
    if scale is None or old not in scale or new not in scale or old == new:
        return ""
    return "raised" if scale.index(new) > scale.index(old) else "lowered"


def _likelihood_word(text: str) -> str:
    """The ICD 203 word a likelihood text starts with ("Very likely (moderate confidence)" ->
    "very likely"); the text itself when none does."""
    low = text.lower()
    return max((w for w in LIKELIHOOD_ORDER if low.startswith(w)), key=len, default=text)


def _words(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value)
