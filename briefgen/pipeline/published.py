"""What the output folder already publishes of a variant, for a command that rebuilds it
without being told how (``briefgen email``).

A variant's files are all of one build (:meth:`briefgen.pipeline.build.BuildResult.stale_paths`),
so rebuilding one for a message rewrites its PDF and manifest, and removes what the rebuild
does not make. ``email`` must not lose what ``build`` published: :func:`published_formats`
names the formats in the folder (made again, with the message's PDF), and
:func:`published_since` the earlier edition whose changes the published PDF shows in its
"What changed" box (compared with again). ``--format`` and ``--since`` choose otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from briefgen.deliver.output import output_paths
from briefgen.document.edition import EditionError
from briefgen.model.resolved import Briefing


def earlier_edition_for(prepared: Any, briefing: Briefing, options: Any) -> tuple[dict | None, Path | None, list[str]]:
    """The edition record a build of ``briefing`` compares with, its path, and the notes to
    show. ``prepared`` and ``options``: the build's :class:`~briefgen.pipeline.build.Prepared`
    and :class:`~briefgen.pipeline.build.BuildOptions`. The record is the one
    ``options.since`` names (``last`` or a file), else with ``options.keep_comparison`` the
    one the variant's published manifest compared with (:func:`published_since`), else
    None; None too for ``last`` when the store holds no earlier edition (a note says so).
    Raises :class:`~briefgen.document.edition.EditionError`."""
    from briefgen.pipeline.editions import LAST, earlier_edition, first_edition_note, store_notes

    root = prepared.loaded.root
    meta, name, date = briefing.meta, briefing.audience_name, briefing.meta.date.midpoint().isoformat()
    since = options.since
    if not since and options.keep_comparison:
        manifest = output_paths(options.out_dir, meta.id, name)["manifest"]
        since = published_since(manifest, root=root, briefing=meta.id, audience=name, date=date)
    if not since:
        return None, None, []
    record, path = earlier_edition(since, root=root, briefing=meta.id, audience=name, date=date)
    notes = store_notes(root, meta.id, name, date) if str(since) == LAST else []
    if record is None:
        return None, None, [first_edition_note(root, meta.id, name, date), *notes]
    return record, path, notes


def published_formats(paths: dict[str, Path]) -> tuple[str, ...]:
    """The formats (``pdf``, ``html``) of the variant whose files are ``paths``
    (:func:`briefgen.deliver.output.output_paths`) that are in the folder now."""
    return tuple(fmt for fmt in ("pdf", "html") if paths[fmt].is_file())


def published_since(manifest_path: Path, *, root: Path, briefing: str, audience: str, date: str) -> Path | None:
    """The edition file to compare a rebuild of a variant with, so that it shows what its
    published files show: None when its manifest (``manifest_path``) shows no changes (or
    is missing or unreadable: nothing published to keep), else the editions store's record
    of the date the manifest's ``changes`` compared with. ``date``: the rebuild's (ISO).
    Raises :class:`~briefgen.document.edition.EditionError` (exit 2) when that record is not
    in the store, or is the one of the rebuild's own date (a same-day rebuild replaced it):
    the comparison cannot be made again, and the message says what to give instead."""
    from briefgen.pipeline.editions import store_path

    try:
        manifest = json.loads(manifest_path.read_bytes())
        old_date = manifest["changes"]["old"]["date"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(old_date, str) or not old_date:
        return None
    path = store_path(root, briefing, audience, old_date)
    if old_date != date and path.is_file():
        return path
    why = ("its record was replaced by the edition of that same date" if old_date == date
           else f"{path} is not in the editions store")
    raise EditionError(f"{manifest_path}: the published edition of {briefing!r} for {audience!r} shows what changed "
                       f"since {old_date}, and {why}: give --since with the edition file to compare with, or "
                       f"--since none to build it without the comparison", file=str(manifest_path))
