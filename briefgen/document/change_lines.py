"""The lines of the "What changed since" box: one per change between two editions.

:func:`edition_summary_lines` gives the box's lines (:mod:`briefgen.document.changes` draws
them) and ``briefgen diff``'s summary from a :class:`~briefgen.document.diff.EditionDiff` and
the two edition records; :func:`summary_lines` is the rule itself. Every change the diff
counts is told by a line, so that the box, the counts, ``--json`` and the HTML edition agree.
Pure: no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from briefgen.document.diff import Change, EditionDiff


def summary_lines(diff: EditionDiff, kj_numbers: dict[str, int] | None = None, *,
                  left_out: tuple[tuple[str, str], ...] = (),
                  names: dict[str, str] | None = None) -> list[tuple[str, str, tuple[str, str]]]:
    """The summary, one line per change: (bold lead, text, (record kind, id) it names).
    Every change the diff counts is told by a line (a key judgment by its claim's when both
    moved), so that the box and the counts agree. ``kj_numbers``: claim id -> key judgment
    number in the newer edition (a move of a key judgment's likelihood names it "KJ2").
    ``left_out``: (id, title) of sections the newer edition left out to fit its page budget
    (``diff.left_out``), said in one line each: the diff does not count what they held as
    removed, and a reader who saw the section last time is told why it is not there.
    ``names``: entity id -> name, to name a relation's ends. Order: new and dropped key judgments,
    likelihood/confidence/probability moves, revised figures of claims, new and revised
    claims, key judgments revised alone, dropped claims, sections left out, then sources,
    figures, entities and links (relations)."""
    kj_numbers = dict(kj_numbers or {})
    names = dict(names or {})
    new_kjs = {c.id for c in diff.of("key_judgments", "new")}
    lines: list[tuple[str, str, tuple[str, str]]] = []
    for c in diff.of("key_judgments", "new"):
        lines.append(("New key judgment", f"KJ{c.number}: {c.text}", ("claims", c.id)))
    for c in diff.of("key_judgments", "removed"):
        lines.append(("Key judgment dropped", c.text, ("claims", c.id)))
    revised: list[tuple[Change, list[str]]] = []
    figures: list[tuple[str, str, tuple[str, str]]] = []
    for c in diff.of("claims", "changed"):
        ref = f"KJ{kj_numbers[c.id]}, " if kj_numbers.get(c.id) else ""
        rest: list[str] = []
        for f in c.fields:
            if f.field in ("likelihood", "confidence", "probability") and f.direction:
                unit = "%" if f.field == "probability" else ""
                lines.append((f"{f.field.capitalize()} {f.direction}",
                              f"{ref}from {f.old}{unit} to {f.new}{unit}: {c.text}", ("claims", c.id)))
            elif f.field == "figure":
                figures.append(("Figure revised", _figure_words(f.label, f.old, f.new), ("claims", c.id)))
            else:
                rest.append(_field_words(f.field, f.new))
        if rest:
            revised.append((c, rest))
    lines += figures
    for c in diff.of("claims", "new"):
        if c.id not in new_kjs:
            lines.append(("New claim", c.text, ("claims", c.id)))
    for c, rest in revised:
        lines.append(("Claim revised", f"{c.text} ({'; '.join(rest)})", ("claims", c.id)))
    told = {ident for _, _, (_, ident) in lines}
    for c in diff.of("key_judgments", "changed"):  # moved with its claim: told above; else (its marking) here
        if c.id not in told:
            lines.append(("Key judgment revised", f"KJ{kj_numbers.get(c.id) or c.number}: {c.text}{_details(c)}",
                          ("claims", c.id)))
    dropped_kjs = {c.id for c in diff.of("key_judgments", "removed")}
    for c in diff.of("claims", "removed"):
        if c.id not in dropped_kjs:
            lines.append(("Claim dropped", c.text, ("claims", c.id)))
    for sid, title in left_out:
        lines.append(("Section left out to fit the page limit", title, ("sections", sid)))
    for kind, (new_lead, changed_lead, removed_lead) in _OTHER_LEADS.items():
        leads = {"new": new_lead, "changed": changed_lead, "removed": removed_lead}
        for c in diff.of(kind):
            lines.append((leads[c.status], _item_words(kind, c, names) + _details(c), (kind, c.id)))
    return lines


_OTHER_LEADS = {"sources": ("New source", "Source revised", "Source dropped"),
                "figures": ("New figure", "Figure updated", "Figure dropped"),
                "entities": ("New entity", "Entity revised", "Entity dropped"),
                "relations": ("New link", "Link revised", "Link dropped")}
"""Leads of the lines of the kinds listed after the claims, per status (new, changed, removed)."""


def _details(change: Change) -> str:
    """`` (what changed; ...)`` of a changed item, "" for a new or removed one."""
    return f" ({'; '.join(_field_words(f.field, f.new) for f in change.fields)})" if change.fields else ""


def _item_words(kind: str, change: Change, names: dict[str, str]) -> str:
    """How a line names an item: a figure by number and title, a relation by its end entities'
    names (``names``: entity id -> name, else the id) and predicate, anything else by its text."""
    if kind == "figures":
        return f"Figure {change.number}: {change.text}" if change.number else change.text
    if kind == "relations":
        subject, _, rest = change.id.partition(" --")
        predicate, _, obj = rest.partition("--> ")
        return f"{names.get(subject, subject)} {predicate} {names.get(obj, obj)}" if obj else change.text
    return change.text


def _figure_words(label: str, old: str, new: str) -> str:
    if not old:
        return f"{label}: now {new}"
    if not new:
        return f"{label}: no longer given (was {old})"
    return f"{label}: from {old} to {new}"


def _field_words(field: str, new: str) -> str:
    if field == "statement":
        return "reworded"
    if field in ("date", "marking", "reliability", "publisher", "title", "likelihood", "confidence", "probability"):
        return f"{field} now {new}" if new else f"{field} no longer given"
    if field == "sources":
        return "sources changed"
    return f"{field} changed" if field != "content" else "details changed"


def edition_summary_lines(diff: EditionDiff, old: dict, new: dict) -> list[tuple[str, str, tuple[str, str]]]:
    """:func:`summary_lines` of ``diff``, the changes from edition record ``old`` to ``new``:
    key judgments numbered as in ``new``, relations named by their entities' names, and each
    section ``new`` left out to fit its page budget (``diff.left_out``: what it held is not
    among the diff's removals, :mod:`briefgen.document.left_out`) one line. The box's lines,
    and ``briefgen diff``'s summary."""
    numbers = {cid: kj["number"] for cid, kj in new["key_judgments"].items()}
    names = {eid: e.get("name") or eid for record in (old, new) for eid, e in record["entities"].items()}
    return summary_lines(diff, numbers, left_out=diff.left_out, names=names)
