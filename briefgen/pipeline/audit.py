"""What the files of a release may say, and the desk's audit record of what it leaves out.

Every file written for an audience (PDF, HTML edition, manifest, document JSON, email)
names only what that audience may see. What was withheld from it, and why, is the desk's
business: it goes to an **audit record**, ``<out>/audit/<briefing>--<audience>.audit.json``,
a folder of its own (never beside the release, never attached to an email), marked with the
most restrictive TLP level it names.

The manifest keeps, under ``left_out``, only what names nothing withheld: sections and charts
the audience leaves out by its own choice (``sections``, ``drop_sections``, ``charts``, a
switch such as ``profiles: false``), to fit its page budget, or because it selects nothing
even before anything is withheld ("nothing to draw", "nothing to show"), and of those only the ones
marked at or below the release's banner (a section above the ceiling is recorded as withheld
for its marking, whatever else leaves it out: :mod:`briefgen.resolve.sections`). Its ``warnings`` are those
that name nothing withheld from the audience, never one telling what some edition's keywords
leave out (``keyword-withheld``), and its ``inputs`` the files something shown came from.

Warnings are tied to the knowledge-base item they are located at (:func:`warning_subject`),
so that ``build --strict`` can judge what one audience's variant contains
(:func:`variant_warnings`): a warning about a claim the variant does not show does not fail it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from briefgen.document.model import Document
from briefgen.errors import Problem, format_key_path
from briefgen.load.project import KnowledgeBase, LoadedSpec
from briefgen.model.resolved import Briefing
from briefgen.model.tlp import TLP, most_restrictive
from briefgen.pipeline.keyword_checks import CODE as KEYWORD_WITHHELD

AUDIT_FOLDER = "audit"
"""The audit records' folder inside the output folder."""

AUDIT_NOTE = ("For the issuing desk only: what this audience's release leaves out and why. "
              "Never send it with the release.")

_CHOSEN = ("not among the audience's sections", "dropped by the audience (drop_sections)", "the audience has ",
           "not among the audience's charts", "dropped to fit max_pages", "nothing to show:", "nothing to draw:")
"""Reasons (their start) for leaving a section or chart out that name nothing withheld: the
audience's own choices and its page budget (:mod:`briefgen.resolve.sections`)."""
_PART_OF = re.compile(r"^part of section '([^']+)', which is withheld$")
_LAST_KEY_PART = re.compile(r"(\[\d+\]|\.[^.\[]+)$")
"""The last step of a formatted key path (``[3]`` or ``.name``), trimmed to reach its parent."""
_AUDIENCE_KEY = re.compile(r"^audiences\.([^.\[]+)(?:[.\[]|$)")
"""A key path located at one audience (``audiences.public.tlp``): group 1 its name."""


def audit_path(out_dir: Path, briefing: str, audience: str) -> Path:
    """``<out_dir>/audit/<briefing>--<audience>.audit.json``."""
    return out_dir / AUDIT_FOLDER / f"{briefing}--{audience}.audit.json"


# --------------------------------------------------------------------------- withheld entries
def withheld_entries(doc: Document) -> list[dict[str, str]]:
    """Everything the audience does not get, as ``{"kind", "id", "reason", "tlp"}``, in the
    order found; the sections dropped to fit the page budget last, in the order dropped."""
    entries = [{"kind": kind, "id": ident, "reason": reason, "tlp": tlp} for kind, ident, reason, tlp in doc.withheld
               if not (kind == "section" and ident in doc.dropped)]
    levels = {ident: tlp for kind, ident, _, tlp in doc.withheld if kind == "section"}
    reasons = {ident: reason for kind, ident, reason, _ in doc.withheld
               if kind == "section" and reason.startswith("dropped to fit max_pages")}
    for sid in doc.dropped:  # the reason the budget gave (briefgen.pipeline.page_budget)
        entries.append({"kind": "section", "id": sid, "reason": reasons.get(sid, "dropped to fit max_pages"),
                        "tlp": levels.get(sid, "")})
    return entries


def left_out(doc: Document) -> list[dict[str, str]]:
    """The entries of :func:`withheld_entries` that name nothing withheld: sections and charts
    left out by the audience's choice or its page budget (and what they held), never an
    item withheld for its marking or because what it shows is withheld, and never one marked
    above the release's own marking (its banner: a TLP:GREEN section the audience drops is not
    named beside a release marked TLP:CLEAR; a subsection or chart has the level of the
    sections holding it). An entry without a level is left out (when unsure, name nothing)."""
    entries = withheld_entries(doc)
    chosen: set[str] = set()
    out = []
    for entry in entries:
        if entry["kind"] not in ("section", "chart"):
            continue
        part = _PART_OF.match(entry["reason"])
        if entry["reason"].startswith(_CHOSEN) or (part is not None and part.group(1) in chosen):
            if entry["kind"] == "section":
                chosen.add(entry["id"])
            if releasable_level(entry["tlp"], doc.marking):
                out.append(entry)
    return out


def releasable_level(level: str, banner: str) -> bool:
    """True when an item marked ``level`` (a TLP label; "" when unknown) may be named in a
    file marked ``banner``."""
    return bool(level) and TLP.parse(level) <= TLP.parse(banner)


# --------------------------------------------------------------------------- warnings
def warning_subject(problem: Problem, kb: KnowledgeBase,
                    index: dict[tuple[str, str], tuple[str, str]] | None = None) -> tuple[str, str] | None:
    """The knowledge-base item a problem is located at: ``("claims", id)``, ``("sources", id)``,
    ``("entities", id)`` or ``("relations", "s --p--> o")``; None for a problem located in a
    spec or audience file. ``index``: :func:`subject_index` of ``kb``, when already made."""
    index = subject_index(kb) if index is None else index
    key = problem.key
    while key:
        found = index.get((problem.file, key))
        if found is not None:
            return found
        key = _LAST_KEY_PART.sub("", key) if _LAST_KEY_PART.search(key) else ""
    return None


def subject_index(kb: KnowledgeBase) -> dict[tuple[str, str], tuple[str, str]]:
    """(file, key) of every knowledge-base item, as problems locate them -> (kind, id).

    Made from each file's name and the formatted key path (what ``doc.problem(base, ...)``
    puts in ``file`` and ``key``), without locating lines: that would parse every file again."""
    index = {}
    names = _doc_names(kb)
    for (kind, ident), (doc, base) in kb.origin.items():
        index[(names[id(doc)], format_key_path(base))] = (kind, kb.relations[int(ident)].key if kind == "relations"
                                                         else ident)
    return index


def _doc_names(kb: KnowledgeBase) -> dict[int, str]:
    """``id(document) -> document.name`` for every file the knowledge base's items come from
    (a name is worked out from the path each time it is asked for)."""
    names: dict[int, str] = {}
    for doc, _ in kb.origin.values():
        if id(doc) not in names:
            names[id(doc)] = doc.name
    return names


def _hidden_names(briefing: Briefing, kb: KnowledgeBase) -> set[str]:
    hidden = set(briefing.hidden_claims | briefing.hidden_entities | briefing.hidden_sources)
    visible = {r.key for r in briefing.relations}
    hidden |= {r.key for r in kb.relations if r.key not in visible}
    return hidden


def names_any(text: str, names: Iterable[str]) -> bool:
    """True when ``text`` names any of ``names`` as a whole id (not inside a longer one)."""
    pattern = _names_pattern(names)
    return pattern is not None and pattern.search(text) is not None


def releasable_warnings(warnings: Iterable[Problem], kb: KnowledgeBase, briefing: Briefing) -> list[Problem]:
    """The warnings an audience's manifest may carry: those located at nothing withheld from
    it and naming nothing withheld from it, and never a ``keyword-withheld`` one
    (:mod:`briefgen.pipeline.keyword_checks`): it tells what some edition's metadata leaves out
    and the item that decides it, which this edition need not show either (an entity the
    audience may see that no claim it gets is about)."""
    warnings = [p for p in warnings if p.code != KEYWORD_WITHHELD]
    if not warnings:  # the usual case: no index or pattern to make
        return []
    hidden = _hidden_names(briefing, kb)
    index = subject_index(kb)
    named = _names_pattern(hidden)
    out = []
    for p in warnings:
        subject = warning_subject(p, kb, index)
        if subject is not None and subject[1] in hidden:
            continue
        if named is None or named.search(str(p)) is None:
            out.append(p)
    return out


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern that finds any of ``names`` as a whole id (see :func:`names_any`); None for none."""
    names = sorted(names)
    if not names:
        return None
    # one alternation matches exactly where one of the names alone would (the engine tries
    # each alternative at each position, lookarounds included); compiled once, not per name
    return re.compile(rf"(?<![\w.-])(?:{'|'.join(re.escape(n) for n in names)})(?![\w.-])")


def variant_warnings(warnings: Iterable[Problem], kb: KnowledgeBase, doc: Document) -> list[Problem]:
    """The warnings that concern what one audience's variant contains (``build --strict``):
    those located at a claim, source, entity or relation the document shows, and those not
    located at a knowledge-base item (a spec's unknown tag, an audience's ceiling), except
    those located at another audience (``audiences.<name>...``)."""
    warnings = list(warnings)
    if not warnings:
        return []
    shown = {"claims": set(doc.shown.claims), "sources": set(doc.shown.sources),
             "entities": set(doc.shown.entities), "relations": set(doc.shown.relations)}
    index = subject_index(kb)
    out = []
    for p in warnings:
        other = _AUDIENCE_KEY.match(p.key)
        if other is not None and other.group(1) != doc.audience:
            continue
        subject = warning_subject(p, kb, index)
        if subject is None or subject[1] in shown.get(subject[0], set()):
            out.append(p)
    return out


# --------------------------------------------------------------------------- records
def shown_inputs(loaded: LoadedSpec, kb: KnowledgeBase, briefing: Briefing) -> list[str]:
    """The input files of a release: the spec's own files, and the knowledge-base files that
    hold something the audience may see (relative to the current folder)."""
    visible = {("claims", i) for i in briefing.claims} | {("sources", i) for i in briefing.sources}
    visible |= {("entities", i) for i in briefing.entities}
    keys = {r.key for r in briefing.relations}
    visible |= {("relations", str(i)) for i, r in enumerate(kb.relations) if r.key in keys}
    names = _doc_names(kb)
    files = {os.path.abspath(names[id(doc)]) for item, (doc, _) in kb.origin.items() if item in visible}
    kb_files = [p for p in kb.files if os.path.abspath(p) in files or os.path.abspath(os.path.relpath(p)) in files]
    return [os.path.relpath(p) for p in list(loaded.files) + kb_files]


def audit_record(doc: Document, warnings: Iterable[Problem], inputs: Iterable[Path | str],
                 released: Iterable[str]) -> dict[str, Any]:
    """The desk's record of one audience's release: everything withheld (ids, relation
    triples, reasons), every warning, every input file, the files released; ``marking`` is
    the most restrictive level it names (its entries' and the release's own)."""
    entries = withheld_entries(doc)
    levels = [TLP.parse(e["tlp"]) for e in entries if e["tlp"]] + [TLP.parse(doc.marking)]
    return {
        "marking": most_restrictive(levels).label,
        "note": AUDIT_NOTE,
        "briefing": doc.briefing,
        "audience": doc.audience,
        "ceiling": doc.ceiling,
        "banner": doc.marking,
        "released": sorted(released),
        "withheld": entries,
        "warnings": [str(p) for p in warnings],
        "inputs": [os.path.relpath(p) for p in inputs],
    }
