"""``briefgen diff OLD NEW``: what changed between two editions of one briefing for one audience.

OLD is an edition file (``editions/<briefing>/<audience>/<date>.json``) or a build's
manifest (which holds the record under ``"edition"``): what the audience was shown then.
NEW must be an edition file as the editions store keeps it: its ``withheld`` list (keyed
hashes of what it withholds from its audience) is how the diff tells a withheld item, which
it never names, from a removed one. A manifest leaves that list out (it travels with the
PDF), so a manifest (or any record without the list) given as NEW is refused
(:func:`require_withheld_list`), as is a document JSON (``--emit-document``) on either side.
Both files are read under :mod:`briefgen.load.jsonfile` and checked field by field
(:func:`briefgen.document.edition.check_record`). The changes are printed as a table
(one row per new, changed or removed key judgment, claim, source, entity, relation and
figure), or with ``--json`` as the ``diff`` key of the command's JSON document (shape:
:meth:`briefgen.document.diff.EditionDiff.to_json`, plus ``summary``: the lines of the
"What changed" box) and ``notes`` (a warning, also on stderr, when OLD is newer than NEW).
What the newer edition withholds from its audience is never listed: its record lists it as
hashes keyed with its editions store's key, found beside it in the store
(:func:`briefgen.pipeline.editions.key_beside`).
Exit 0; 2 for a file that cannot be used (named in the message, with the JSON key path of a
wrong-typed field), a NEW without its ``withheld`` list, or a NEW whose withheld items are
keyed with a key not found beside it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.markup import escape as esc

from briefgen.cli import common, jsonout
from briefgen.cli.common import fail
from briefgen.errors import BriefgenError

STATUS_STYLE = {"new": "green", "changed": "yellow", "removed": "red"}


def diff_command(old: Path = typer.Argument(..., metavar="OLD", show_default=False,
                                            help="The earlier edition file (or a build's manifest)."),
                 new: Path = typer.Argument(..., metavar="NEW", show_default=False,
                                            help="The newer edition file, as filed in the editions store "
                                                 "(editions/<briefing>/<audience>/<date>.json; not a manifest)."),
                 json_out: bool = jsonout.JsonOpt) -> None:
    """Show what changed between two editions of a briefing for one audience, for review
    before publishing: new, changed and removed key judgments, claims (likelihood and
    confidence moves with their direction, revised figures), sources, entities, relations
    and figures."""
    from briefgen.document.change_lines import edition_summary_lines
    from briefgen.document.diff import diff_editions
    from briefgen.document.edition import EditionError
    from briefgen.pipeline.editions import key_beside, read_edition

    jsonout.start("diff", json_out)
    try:
        before, after = read_edition(old), read_edition(new)
        require_withheld_list(after, new)
        if (before["briefing"], before["audience"]) != (after["briefing"], after["audience"]):
            raise EditionError(f"{new}: an edition of briefing {after['briefing']!r} for audience "
                               f"{after['audience']!r}, but {old} is of {before['briefing']!r} for "
                               f"{before['audience']!r}: compare editions of the same briefing and audience",
                               file=str(new))
        key = key_beside(new) if isinstance(after.get("withheld"), dict) else None
        diff = diff_editions(before, after, key)
    except EditionError as exc:
        fail(exc if exc.problems else EditionError(f"{new}: {exc}", file=str(new)), None)
    except BriefgenError as exc:
        fail(exc, None)
    notes = order_notes(before, after, old, new)
    for note in notes:
        common.err.print(f"[yellow]warning:[/] {esc(note)}", soft_wrap=True)
    lines = edition_summary_lines(diff, before, after)
    if diff.changes:  # nothing changed: the summary line says so, without an empty table
        common.out.print(change_table(diff))
    summary = f"{diff.briefing} for {diff.audience}, {diff.old_date} -> {diff.new_date}: {counts_line(diff)}"
    common.out.print(esc(summary))
    jsonout.emit(0, diff={**diff.to_json(), "old": {"date": diff.old_date, "file": str(old)},
                          "new": {"date": diff.new_date, "file": str(new)},
                          "summary": [f"{lead}: {text}" for lead, text, _ in lines]}, notes=notes)


def require_withheld_list(record: dict, path: Path) -> None:
    """Raises :class:`~briefgen.document.edition.EditionError` naming ``path`` when edition
    ``record`` (the NEW side) does not list what it withholds from its audience (a build's
    manifest, which leaves the list out): without it an item now withheld would be listed as
    removed, with its text."""
    from briefgen.document.edition import EditionError

    if "withheld" in record:
        return
    filed = f"editions/{record['briefing']}/{record['audience']}/{record['date']}.json"
    raise EditionError(f"{path}: NEW has no list of what the edition withholds from its audience (a build's manifest "
                       f"leaves it out), so an item now withheld could not be told from a removed one: give as NEW "
                       f"the edition file the build filed in the editions store ({filed}); a manifest may be OLD",
                       file=str(path))


def order_notes(before: dict, after: dict, old: Path, new: Path) -> list[str]:
    """A warning when OLD is the newer edition (by the editions' ``date``, ISO): the arguments
    are probably the wrong way round, and every change would be read backwards. [] otherwise."""
    if str(before.get("date", "")) <= str(after.get("date", "")):
        return []
    return [f"OLD ({old}, {before['date']}) is newer than NEW ({new}, {after['date']}): the changes read from the "
            f"newer edition to the older one; give the earlier edition first (briefgen diff OLD NEW)"]


def counts_line(diff: Any) -> str:
    """``3 new, 2 changed, 1 removed`` (over every kind), or ``no changes``; then, when the newer
    edition left sections out to fit its page budget, ``; left out to fit the page limit: 1 section``."""
    totals = {s: sum(c[s] for c in diff.counts().values()) for s in ("new", "changed", "removed")}
    left = len(getattr(diff, "left_out", ()))
    fit = f"left out to fit the page limit: {left} section{'s' if left > 1 else ''}" if left else ""
    if not any(totals.values()):
        return fit or "no changes"
    return ", ".join(f"{n} {status}" for status, n in totals.items()) + (f"; {fit}" if fit else "")


def change_table(diff: Any) -> Any:
    """A rich table of ``diff``'s changes: status, kind, id, what (statement, title or
    name), and for a changed item each field as ``old -> new`` with its direction."""
    from rich.table import Table

    from briefgen.document.diff import KIND_WORDS

    table = Table(title=f"{esc(diff.briefing)} for {esc(diff.audience)}: changes from {esc(diff.old_date)} to "
                        f"{esc(diff.new_date)}", title_justify="left", show_lines=False)
    for column in ("change", "kind", "id", "what", "details"):
        table.add_column(column, overflow="fold")
    for c in diff.changes:
        style = STATUS_STYLE[c.status]
        kind = KIND_WORDS[c.kind] + (f" {c.number}" if c.number and c.kind in ("key_judgments", "figures") else "")
        table.add_row(f"[{style}]{c.status}[/]", kind, esc(c.id), esc(c.text),
                      esc("; ".join(field_words(f) for f in c.fields)))
    return table


def field_words(f: Any) -> str:
    """One changed field: ``likelihood: likely -> very likely (raised)``; a figure by its label."""
    name = f"figure {f.label}" if f.field == "figure" else f.field
    if f.field in ("content", "data", "statement"):
        return {"content": "details changed", "data": "data changed", "statement": "reworded"}[f.field]
    return f"{name}: {f.old or '(none)'} -> {f.new or '(none)'}" + (f" ({f.direction})" if f.direction else "")
