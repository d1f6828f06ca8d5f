"""The editions store: one edition record per briefing, audience and date, kept by a desk in git.

Layout: ``<project root>/editions/<briefing>/<audience>/<date>.json`` (the briefing's date,
``YYYY-MM-DD``); the environment variable ``BRIEFGEN_EDITIONS_DIR`` puts the store elsewhere
(``<that folder>/<briefing>/<audience>/<date>.json``: a CI job's scratch folder, a test
run). ``briefgen build`` files each audience's record there with its other outputs (a
second build on the same date replaces that date's file, unless that edition is published:
see :func:`filing`); ``--since last`` reads the
newest one older than the build's date, else the one filed earlier for that same date
(:func:`find_last`); a briefing dated before every stored edition compares with none (a
later edition would read every change backwards), and :func:`store_notes` says so, as it
names an entry named like an edition that is not a file (a folder ``2025-05-05.json``),
which is ignored. Records are written as
indented JSON with a newline at the end, the same bytes for the same inputs, so a desk's
git history shows what changed between editions.

:func:`read_edition` reads an edition file (or a build's manifest, which holds the record
under ``"edition"``) and checks it; :func:`earlier_edition` resolves ``--since FILE|last``
for one audience's build. Both raise :class:`~briefgen.document.edition.EditionError`
(exit code 2) naming the file. A :class:`ReadEdition` is an edition resolved and read
elsewhere (a Dask batch's submitting side, :mod:`briefgen.pipeline.cluster`) and handed to a build
as its ``since``.

The store's key (``<store>/.withheld-key``: a random secret as hex, owner-only permissions)
keys the hashes of what each record's audience is not shown
(:mod:`briefgen.document.withheld`); it is made on the first filing (:func:`store_key`),
never copied into a record or an output, and found again beside a filed record
(:func:`key_beside`) when ``briefgen diff`` compares two.

With a page budget (``max_pages``), the "What changed since" box yields before a section the
audience's table promises: :func:`fit_change_box` shortens it (down to :data:`SHORTEST_BOX`
lines) before the budget leaves a section out, and when the budget still leaves one out that
would have fitted without the box, :func:`crowded_out_note` says which.
"""

from __future__ import annotations

import datetime
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.deliver.jsontext import indented_json
from briefgen.document.edition import EditionError, check_record
from briefgen.document.withheld import KEY_FILE, SECRET_BYTES, WithheldKey

STORE = "editions"
"""The store's folder in the project root."""

ENV = "BRIEFGEN_EDITIONS_DIR"
"""Environment variable naming another folder for the store."""

LAST = "last"
"""``--since last``: the newest edition in the store before this build's date (else of that date)."""


@dataclass(frozen=True)
class ReadEdition:
    """An earlier edition already found and read (``record``, checked, from the file ``path``):
    given as a build's ``since``, :func:`earlier_edition` takes it as it is. A Dask batch's
    submitting side reads each briefing's last edition from its own store and sends it so."""

    record: dict[str, Any]
    path: Path


def store_root(root: Path) -> Path:
    """The store of the project rooted at ``root``: ``<root>/editions``, or the folder
    ``BRIEFGEN_EDITIONS_DIR`` names."""
    other = os.environ.get(ENV, "").strip()
    return Path(other) if other else Path(root) / STORE


def store_folder(root: Path, briefing: str, audience: str) -> Path:
    """``<root>/editions/<briefing>/<audience>`` (see :func:`store_root`)."""
    return store_root(root) / briefing / audience


def store_path(root: Path, briefing: str, audience: str, date: str) -> Path:
    """Where the edition of ``date`` (ISO) is filed: ``<root>/editions/<briefing>/<audience>/<date>.json``."""
    return store_folder(root, briefing, audience) / f"{date}.json"


def edition_bytes(record: dict[str, Any]) -> bytes:
    """The record as the store keeps it: indented UTF-8 JSON, keys in record order, newline at the end."""
    return (indented_json(record) + "\n").encode("utf-8")  # json.dumps(indent=2, ensure_ascii=False)


def stored_dates(root: Path, briefing: str, audience: str) -> list[str]:
    """The dates (ISO, ascending) of the editions in the store for ``briefing`` and
    ``audience``; files not named ``YYYY-MM-DD.json`` are ignored."""
    folder = store_folder(root, briefing, audience)
    dates = []
    try:
        names = [p for p in folder.iterdir() if p.suffix == ".json" and p.is_file()]
    except OSError:  # no store yet (or not a folder): no edition
        return []
    for path in names:
        try:
            dates.append(datetime.date.fromisoformat(path.stem).isoformat())
        except ValueError:
            continue
    return sorted(set(dates))


def find_last(root: Path, briefing: str, audience: str, date: str) -> Path | None:
    """The edition ``--since last`` compares with: the newest in the store older than
    ``date`` (ISO); else the edition already filed for ``date`` itself (a rebuild the same
    day, compared with before the build replaces it). None when the store holds no edition
    dated on or before ``date``: a briefing older than every stored edition is not compared
    with a later one (its "changes since" would run backwards; :func:`store_notes` says so)."""
    dates = stored_dates(root, briefing, audience)
    older = [d for d in dates if d < date]
    chosen = older[-1] if older else date if date in dates else None
    return None if chosen is None else store_path(root, briefing, audience, chosen)


def store_notes(root: Path, briefing: str, audience: str, date: str) -> list[str]:
    """What ``--since last`` for a briefing dated ``date`` (ISO) tells the user about the store:
    each entry named like an edition (``YYYY-MM-DD.json``) that is not a file, which is
    ignored; and, when no edition is dated on or before ``date``, the later editions it does
    hold, which are not compared with. [] when there is nothing to say."""
    folder = store_folder(root, briefing, audience)
    notes = []
    try:
        odd = sorted(p for p in folder.iterdir() if p.suffix == ".json" and not p.is_file() and _is_date(p.stem))
    except OSError:
        odd = []
    for path in odd:
        notes.append(f"{audience}: {os.path.relpath(path)} is not a file (a folder?), not an edition: ignored; "
                     f"move it out of the editions store")
    dates = stored_dates(root, briefing, audience)
    if dates and dates[0] > date:
        notes.append(f"{audience}: the editions store holds only editions dated after this briefing ({date}): "
                     f"{', '.join(dates)}; a later edition is not compared with (every change would read "
                     f"backwards): give one with --since FILE to compare with it anyway")
    return notes


def _is_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return True


def read_edition(path: Path) -> dict[str, Any]:
    """The checked edition record in ``path`` (an edition file or a manifest), read under the
    rules of :mod:`briefgen.load.jsonfile` (size, UTF-8, syntax, depth, number length) and
    checked field by field (:func:`~briefgen.document.edition.check_record`). Raises
    :class:`EditionError` naming the file (and, for a wrong-typed field, its JSON key path)."""
    from briefgen.load.jsonfile import JsonInputError, read_json

    try:
        record, _ = read_json(Path(path), what="an edition file")
    except JsonInputError as exc:
        p = exc.problem
        if p.code == "unreadable-file":
            message = f"{path}: cannot read the edition: {exc.reason.removeprefix('cannot read the file: ')}"
        elif p.code == "not-json" and p.line:  # a YAML or CSV file given by mistake, say
            message = (f"{path} is not an edition file (JSON): {exc.reason.removeprefix('not valid JSON: ')} "
                       f"at line {p.line}, column {p.column}")
        else:
            message = f"{path}: not a briefgen edition ({exc.reason})"
        raise EditionError(message, file=str(path), line=p.line, column=p.column) from None
    return check_record(record, str(path))


def earlier_edition(since: str | Path | ReadEdition, *, root: Path, briefing: str, audience: str,
                    date: str) -> tuple[dict[str, Any] | None, Path | None]:
    """The edition a build of ``briefing`` for ``audience`` dated ``date`` compares with:
    ``since`` is :data:`LAST`, an edition file, or a :class:`ReadEdition`. Returns (record,
    its path), or (None, None) for ``last`` when the store holds no edition (a first
    edition). Raises :class:`EditionError` for a file that cannot be used or is of another
    briefing or audience."""
    if isinstance(since, ReadEdition):
        path: Path | None = since.path
        record = since.record
    else:
        path = find_last(root, briefing, audience, date) if str(since) == LAST else Path(since)
        if path is None:
            return None, None
        record = read_edition(path)
    if (record["briefing"], record["audience"]) != (briefing, audience):
        raise EditionError(f"{path}: an edition of briefing {record['briefing']!r} for audience "
                           f"{record['audience']!r}, not of {briefing!r} for {audience!r}: compare with an edition "
                           f"of the same briefing and audience (in {store_folder(root, briefing, audience)})",
                           file=str(path))
    return record, path


def first_edition_note(root: Path, briefing: str, audience: str, date: str = "") -> str:
    """What ``--since last`` says when the store holds no edition of ``briefing`` for
    ``audience`` dated on or before ``date`` (ISO; its folder relative to the current folder):
    a first edition, or a briefing older than every stored edition (:func:`store_notes` lists those)."""
    folder = os.path.relpath(store_folder(root, briefing, audience))
    if date and stored_dates(root, briefing, audience):
        return (f"{audience}: no edition of {briefing!r} for this audience dated on or before {date} in {folder}, "
                f"nothing to compare with")
    return (f"{audience}: first edition of {briefing!r} for this audience, nothing to compare with "
            f"(no other edition in {folder})")


# ------------------------------------------------------------------------------ published records
def filing(root: Path, record: dict[str, Any], *, out_dir: Path,
           text: bytes | None = None) -> tuple[Path | None, list[str]]:
    """Where a build writing to ``out_dir`` files ``record`` (its edition record; the store of
    the project rooted at ``root``), and the note to show: (its store path, []) unless a
    record of that date is filed already, differs, and stands for an edition readers have:

    * one that was sent: the send log (:func:`briefgen.deliver.sendlog.edition_delivery`) of
      ``out_dir`` or of the project's output folder names a delivery of it;
    * one published in the project's output folder (its manifest holds that edition), when
      ``out_dir`` is another folder (a preview, a test build).

    Then (None, [a note naming the audience, the date and why]): the record is kept, so that
    next week's ``--since last`` compares with what readers got. ``text``: the record's
    :func:`edition_bytes`, where the caller has made them already."""
    briefing, audience, date = record["briefing"], record["audience"], record["date"]
    path = store_path(root, briefing, audience, date)
    try:
        filed = path.read_bytes()
    except OSError:  # none yet (or not a file: filing says so)
        return path, []
    if filed == (edition_bytes(record) if text is None else text):
        return path, []
    from briefgen.deliver.output import output_paths
    from briefgen.deliver.sendlog import edition_delivery

    project_out = _project_output(root)
    published = _published_pdf(output_paths(project_out, briefing, audience)["manifest"], date)
    folders = dict.fromkeys(_same_place(folder) for folder in (Path(out_dir), project_out))
    for folder in folders:
        sent = edition_delivery(folder, briefing, audience, date, pdf_sha256=published or "")
        if sent is not None:
            return None, [f"{audience}: the edition of {date} was sent on {sent.get('time', '?')} as message "
                          f"{sent.get('message_id', '?')}; its record is kept ({os.path.relpath(path)}), not "
                          f"replaced by this build's, which differs: build with the same options, or change "
                          f"briefing.date"]
    if published is not None and _same_place(Path(out_dir)) != _same_place(project_out):
        return None, [f"{audience}: the edition of {date} is published in {os.path.relpath(project_out)}; its record "
                      f"is kept ({os.path.relpath(path)}), not replaced by this build to {out_dir}, which differs: "
                      f"build into {os.path.relpath(project_out)}, or give --no-edition"]
    return path, []


def _project_output(root: Path) -> Path:
    """The output folder of the project rooted at ``root`` (``briefgen.toml``'s ``[project] output``)."""
    from briefgen.errors import SpecError
    from briefgen.load.settings import load_settings

    try:
        return Path(load_settings(Path(root)).output)
    except SpecError:  # the command has reported it already
        return Path(root) / "output"


def _same_place(folder: Path) -> Path:
    try:
        return folder.resolve()
    except OSError:
        return folder.absolute()


def _published_pdf(manifest_path: Path, date: str) -> str | None:
    """The SHA-256 of the PDF a variant's manifest (``manifest_path``) describes when that
    manifest is of the edition dated ``date`` ("" when it made no PDF), else None (no
    manifest, unreadable, or of another edition)."""
    import json

    try:
        manifest = json.loads(manifest_path.read_bytes())
        if manifest["edition"]["date"] != date:
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return manifest.get("sha256") or ""


# ------------------------------------------------------------------------------------ the key
def store_key(root: Path, *, create: bool = False) -> WithheldKey | None:
    """The key of the store of the project rooted at ``root`` (:func:`store_root`); None when
    it has none and not ``create``. With ``create``, a store without a key gets one (the
    store's folder is made if need be): the first build that files a record makes it. Raises
    :class:`EditionError` naming the key file when it cannot be read or made, or is not a key."""
    return read_key(store_root(root), create=create)


def key_beside(edition_path: Path) -> WithheldKey | None:
    """The key of the store an edition file was filed in (``<store>/<briefing>/<audience>/<date>.json``:
    the store is three folders up), None when there is none. Raises :class:`EditionError` as
    :func:`read_key` does."""
    parents = Path(edition_path).resolve().parents
    return read_key(parents[2]) if len(parents) > 2 else None


def read_key(store: Path, *, create: bool = False) -> WithheldKey | None:
    """The key in ``store`` (its :data:`~briefgen.document.withheld.KEY_FILE`); None when there
    is none and not ``create``, else a new one, written with owner-only permissions. Raises
    :class:`EditionError` naming the file."""
    path = Path(store) / KEY_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return _new_key(path) if create else None
    except NotADirectoryError:  # a file where the store should be: filing the record says so, with the fixes
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise EditionError(f"{path}: cannot read the editions store's key: {getattr(exc, 'strerror', None) or exc}",
                           file=str(path)) from None
    try:
        secret = bytes.fromhex(text)
        if len(secret) != SECRET_BYTES:
            raise ValueError
    except ValueError:
        raise EditionError(f"{path}: not an editions store key (expected {2 * SECRET_BYTES} hex digits, as briefgen "
                           f"writes it on the first filing); restore it from where the store is kept",
                           file=str(path)) from None
    return WithheldKey(secret)


def _new_key(path: Path) -> WithheldKey:
    """A fresh key written to ``path`` whole (a temporary file, owner-only, hard-linked into place:
    a build filing at the same time reads either no key or all of it); the key already there
    if another build made it first."""
    key = WithheldKey.fresh()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{KEY_FILE}.", suffix=".tmp")  # mode 0600
        try:
            with os.fdopen(handle, "w", encoding="ascii") as out:
                out.write(key.secret_hex + "\n")
            os.link(temporary, path)
        finally:
            os.unlink(temporary)
    except FileExistsError:
        found = read_key(path.parent)
        assert found is not None, "the key file exists"
        return found
    except OSError as exc:
        raise EditionError(f"{path}: cannot write the editions store's key: {exc.strerror or exc}",
                           file=str(path)) from None
    return key


def build_key(root: Path, *, filing: bool) -> WithheldKey:
    """The key of the record a build makes: the store's when it files the record (``filing``:
    made on first use), else the store's if it has one, else a fresh one (a record that is not
    filed is compared in this process only)."""
    return store_key(root, create=filing) or WithheldKey.fresh()


# ------------------------------------------------------------------------------------ the change box and the budget
def crowded_out_note(briefing: Any, dropped: dict[str, str], pages_without_box: int) -> list[str]:
    """What the build says when the "What changed since" box took the room of a section: the
    sections ``dropped`` (ids: reasons) to fit the page budget of ``briefing`` (the resolved
    briefing before any drop) when, laid out without the box, it had ``pages_without_box``
    pages and fitted with every one of them. [] when it would not have fitted anyway (the
    box is then not why they went) or nothing was dropped. The box is not one of the sections
    the audience's table promises; a desk that wants the section back raises ``max_pages`` or
    builds without ``--since`` (the box's lines are also in ``--json`` and ``briefgen diff``)."""
    budget = briefing.audience.max_pages
    if not dropped or budget is None or pages_without_box > budget:
        return []
    titles: dict[str, str] = {}

    def walk(sections: Any) -> None:
        for rs in sections:
            titles[rs.id] = rs.section.title or rs.id
            walk(rs.subsections)

    walk(briefing.sections)
    named = ", ".join(f"{sid!r} ({titles.get(sid, sid)})" for sid in dropped)
    return [f"{briefing.audience_name}: the \"What changed since\" box took the room of section(s) {named}, left out "
            f"to fit max_pages {budget}: without the box the briefing fits in {pages_without_box} page(s) with them; "
            f"raise max_pages or build without --since to keep them"]


SHORTEST_BOX = 2
"""The fewest lines a page budget shortens the "What changed since" box to (one change and a
line counting the rest) before it leaves out a section instead (a tester's executive edition:
two changes pushed its endnotes onto a third page, one kept 'figures')."""


def fit_change_box(briefing: Any, render: Any) -> tuple[Any | None, list[str]]:
    """The variant of ``briefing`` (resolved, its audience with a ``max_pages``) whose "What
    changed since" box fits the page budget with every section, and the note a shortened box
    gives. Laid out by ``render(briefing, dropped section ids, box lines)``: with the full box
    (box lines None), else, when the box of :data:`SHORTEST_BOX` lines fits, with the longest
    box that fits (a binary search: a shorter box never takes more pages). (None, []) when none fits:
    the page budget then leaves sections out (:mod:`briefgen.pipeline.page_budget`). The box
    is the build's own addition, not a section the audience's table promises, so it yields
    first; its every line is still in ``--json`` and ``briefgen diff``."""
    from briefgen.document.changes import summary_of

    budget = briefing.audience.max_pages
    variant = render(briefing, (), None)
    if variant.pages <= budget:
        return variant, []
    summary = summary_of(variant.document)
    total = len(summary.lines) if summary is not None else 0
    high = min(total, len(summary.items) if summary is not None else 0) - 1
    if high < SHORTEST_BOX:
        return None, []
    shortest = render(briefing, (), SHORTEST_BOX)
    if shortest.pages > budget:  # still too long: sections go (crowded_out_note says when the box is why)
        return None, []
    low, best = SHORTEST_BOX + 1, (SHORTEST_BOX, shortest)
    while low <= high:
        size = (low + high) // 2
        trial = render(briefing, (), size)
        if trial.pages <= budget:
            best, low = (size, trial), size + 1
        else:
            high = size - 1
    size, variant = best
    return variant, [f"{briefing.audience_name}: the \"What changed since\" box lists {size - 1} of its {total} "
                     f"changes (its last line counts the rest) to fit max_pages {budget} without leaving out a "
                     f"section; --json and briefgen diff list them all"]
