"""The send log ``<out>/sent-log.jsonl``: what each SMTP delivery did, and what a rerun skips.

Each time the server takes a message (``DATA`` answered 250), and each time the outcome of a
transmitted message is unknown (its final reply never came), one JSON line is appended
(:func:`append_log`): time, briefing, audience, the briefing's date (which edition of the
editions store it carried), banner, subject, Message-ID, the rerun key,
date, From, To/Cc/Bcc, ``accepted`` (the recipients that got it in that transaction),
``outcome`` (``"sent"`` or ``"unknown"``), ``unknown`` (the recipients whose delivery is
unknown: the server may have queued the message), ``refused`` (for good) and ``deferred``
(refused for now: a 4xx reply after every try), the attempt number, server, TLS mode, PDF
path, size, pages and SHA-256, the .eml path and ``sent_eml``, the copy of the message as
transmitted that ``<out>/sent/`` keeps (:func:`keep_sent_copy`). A message retried after a temporary refusal
may so have several lines, one per transaction. Lines written before ``outcome`` existed
are ``"sent"`` records.

Appending (:func:`append_log`) holds a file lock, starts on a new line when the file does not
end in one (a line cut short by a killed run or a full disk is never glued to the next
record), writes the line with ``O_APPEND`` and flushes it to disk; a write that fails part
way (a full disk) is cut back off, so the file ends where it did.

Reruns (:func:`previous_sends`): ``briefgen email --send`` skips each recipient that a line of
the same *rerun key* lists as accepted, and each whose delivery is unknown (unless
``--resend-unknown`` or ``--resend``), so a rerun after a partial send delivers only what
was not accepted before. The rerun key (:func:`rerun_key`) is a digest of briefing, audience
and PDF SHA-256, with or without ``SOURCE_DATE_EPOCH``; a line written by an older briefgen,
whose key was the deterministic Message-ID (or that has no key), matches by Message-ID.

What was delivered: :func:`last_delivery` gives the latest record of a message every
recipient accepted (``email --send`` run again then keeps the .eml that was sent and names its
Message-ID), :func:`edition_delivery` the latest of an edition (a build does not replace the
record of an edition that was sent: :func:`briefgen.pipeline.editions.filing`).

A damaged line (cut short, or a cut line with a record glued to it by an older briefgen) is
read as far as it goes (:mod:`briefgen.deliver.sendlog_read`): every field complete before
the damage counts, so a record that still names its rerun key and ``accepted`` list still
prevents a second copy; one that names its message but lost the list makes that message's
recipients *unknown* (not sent to again without ``--resend-unknown``); each damaged line is a
warning naming the file, the line and what it may cause (:func:`log_warnings`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.deliver.sendlog_read import LogLine, read_lines
from briefgen.errors import Problem

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.deliver.mail import Outgoing
    from briefgen.deliver.smtp_client import RecipientResult

LOG_NAME = "sent-log.jsonl"
"""Send log file name, in the output folder."""


def rerun_key(*, briefing: str, audience: str, pdf_sha256: str) -> str:
    """What makes two sends "the same message" for a rerun: ``content:`` + a digest of
    briefing, audience and the PDF's SHA-256. Not the Message-ID, even when it is
    deterministic (``SOURCE_DATE_EPOCH``): that one also depends on the recipient list, so a
    recipient added to the audience would make everyone who accepted the briefing get it again."""
    digest = hashlib.sha256(f"{briefing}\n{audience}\n{pdf_sha256}".encode()).hexdigest()[:32]
    return f"content:{digest}"


SENT_DIR = "sent"
"""Folder of the output folder that keeps each message transmitted, as transmitted
(:func:`keep_sent_copy`)."""


def sent_copy_path(out_dir: Path, eml_path: Path, message_id: str) -> Path:
    """Where the message ``message_id`` (written at ``eml_path``) is kept once transmitted:
    ``<out>/sent/<briefing>--<audience>.<12 hex digits of the Message-ID's SHA-256>.eml``."""
    digest = hashlib.sha256(message_id.strip().encode("utf-8")).hexdigest()[:12]
    return out_dir / SENT_DIR / f"{eml_path.stem}.{digest}.eml"


def keep_sent_copy(out_dir: Path, eml_path: Path, message_id: str, data: bytes) -> Path:
    """Keep ``data``, the bytes of the message ``message_id`` as transmitted, at
    :func:`sent_copy_path` (written atomically; once: a message transmitted again, a retry or
    ``--resend-unknown``, is the same bytes). The ``.eml`` beside the PDF is the variant's
    message of the moment: a preview of another build writes over it and a later build removes
    it, while this copy stays what the recipients got. Returns its path; raises OSError when it
    cannot be written."""
    from briefgen.deliver.output import atomic_write_many

    path = sent_copy_path(out_dir, eml_path, message_id)
    try:
        if path.read_bytes() == data:
            return path
    except OSError:
        pass
    atomic_write_many({path: data})
    return path


def log_record(out: "Outgoing", *, accepted: Iterable[str], results: Iterable["RecipientResult"], attempt: int,
               server: str, tls: str, when: datetime | None = None, unknown: Iterable[str] = (),
               sent_eml: Path | None = None) -> dict[str, Any]:
    """The send-log entry of one transaction of ``out`` that the server took (``accepted`` got
    it) or whose outcome is ``unknown`` (those recipients may have got it); ``results`` are
    the other answers of that transaction (refused or deferred); ``sent_eml`` the copy of the
    message as transmitted (:func:`keep_sent_copy`; null when it could not be written)."""
    r = out.result
    a = out.addressing
    when = when or datetime.now(UTC)
    others = [x for x in results if not x.accepted and not x.outcome]
    unknown = list(unknown)
    return {
        "time": when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "briefing": r.briefing_id,
        "audience": out.audience,
        "briefing_date": r.document.date_iso if r.document is not None else None,  # which edition: the store's date
        "banner": out.banner.label,
        "subject": out.subject,
        "message_id": out.message_id,
        "rerun_key": out.rerun_key,
        "date": str(out.message["Date"]),
        "from": a.sender.addr_spec,
        "to": [x.addr_spec for x in a.to],
        "cc": [x.addr_spec for x in a.cc],
        "bcc": [x.addr_spec for x in a.bcc],
        "outcome": "unknown" if unknown else "sent",  # before the lists: a cut record still tells which it was
        "accepted": list(accepted),
        "unknown": unknown,
        "refused": {x.address: f"{x.code} {x.reply}".strip() for x in others if not x.temporary},
        "deferred": {x.address: f"{x.code} {x.reply}".strip() for x in others if x.temporary},
        "attempt": attempt,
        "server": server,
        "tls": tls,
        "pdf": str(r.pdf_path),
        "pdf_sha256": r.sha256,
        "pdf_bytes": r.size,
        "pages": r.pages,
        "eml": str(out.eml_path),
        "sent_eml": str(sent_eml) if sent_eml is not None else None,
    }


def append_log(out_dir: Path, record: Mapping[str, Any]) -> Path:
    """Append ``record`` as one JSON line to ``out_dir/sent-log.jsonl`` under a file lock: on a
    new line (a newline first when the file does not end in one), with ``O_APPEND``, flushed
    to disk. A write that fails part way (``OSError``, e.g. a full disk) is cut back off and
    re-raised, so no partial line stays. Returns the log's path."""
    from filelock import FileLock

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOG_NAME
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    with FileLock(str(path.with_name(f".{path.name}.lock")), timeout=60):  # hidden beside the log
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":  # a line cut short: never glue onto it
                line = b"\n" + line
            try:
                view = memoryview(line)
                while view:  # os.write may write part of it (a full disk) without raising
                    view = view[os.write(fd, view):]
                os.fsync(fd)
            except OSError:
                os.ftruncate(fd, size)  # the file ends where it did: no partial record
                raise
        finally:
            os.close(fd)
    return path


SEND_LOCK_NAME = ".sent-log.jsonl.send-lock"
"""The lock one ``briefgen email`` run holds on an output folder while it decides what was
sent, writes the messages and sends them (:func:`sending_from`); hidden, beside the log."""


@contextmanager
def sending_from(out_dir: Path, *, notify: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the send lock of ``out_dir`` (made when missing) for the ``with`` block: one run at
    a time reads the send log, writes its messages and sends them, so two runs started together
    (an overlapping cron job, a script run twice) never both send a message neither has logged
    yet; the second waits, then skips what the first delivered. ``notify`` is told once when
    another run holds it (it is waited for: a run that dies releases it, the system drops its
    lock). Raises :class:`~briefgen.errors.OutputError` when the lock file cannot be made."""
    from filelock import FileLock, Timeout

    from briefgen.errors import OutputError

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(out_dir / SEND_LOCK_NAME))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if notify is not None:
                notify(f"another briefgen email run is writing or sending from {out_dir}; waiting for it to end "
                       f"(then what it delivered is skipped)")
            lock.acquire()
    except OSError as exc:
        raise OutputError(f"cannot lock {out_dir / SEND_LOCK_NAME}: {exc.strerror or exc}. Choose another folder "
                          f"with --out.", errno=exc.errno) from None
    try:
        yield
    finally:
        lock.release()


def _lines(out_dir: Path) -> list[LogLine]:
    path = out_dir / LOG_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return []
    return read_lines(data)


def read_log(out_dir: Path) -> list[dict[str, Any]]:
    """Every entry of ``out_dir/sent-log.jsonl`` (empty when there is none), in order: the
    complete records, and what could be read of a damaged one (its fields up to the damage;
    see :mod:`briefgen.deliver.sendlog_read`)."""
    return [record for line in _lines(out_dir) for record in line.records]


def log_warnings(out_dir: Path, shown: str | None = None) -> list[Problem]:
    """A warning for each damaged line of ``out_dir/sent-log.jsonl`` (``shown``: the log's
    path as messages name it), located at its line, saying what was read of it and what the
    damage may cause on a rerun. Empty when the log is whole or absent."""
    return [line.problem(shown or str(out_dir / LOG_NAME)) for line in _lines(out_dir) if line.damaged]


@dataclass
class PreviousSends:
    """What the send log says about one message (one rerun key): the recipients (lower-cased)
    that accepted it, those whose delivery is unknown (not also accepted), and the damaged
    lines that made some of them unknown."""

    accepted: set[str] = field(default_factory=set)
    unknown: set[str] = field(default_factory=set)
    damaged_lines: list[int] = field(default_factory=list)


def previous_sends(out_dir: Path, key: str, recipients: Iterable[str] = (), *, message_id: str = "") -> PreviousSends:
    """What earlier runs did with the message whose rerun key is ``key``; a line whose
    ``message_id`` is ``message_id`` (when given) is that message too (lines of older
    briefgens, keyed by a deterministic Message-ID or by none). A damaged record of this message that
    lost its ``accepted`` or ``unknown`` list makes the recipients it names (its To, Cc and
    Bcc as far as they were read, else ``recipients``) unknown: they may have got it."""
    found = PreviousSends()
    everyone = [r.lower() for r in recipients]
    for line in _lines(out_dir):
        for record in line.records:
            if record.get("rerun_key", record.get("message_id")) != key and \
                    not (message_id and record.get("message_id") == message_id):
                continue
            found.accepted.update(str(a).lower() for a in record.get("accepted", []))
            found.unknown.update(str(a).lower() for a in record.get("unknown", []))
            lost = "accepted" not in record or (record.get("outcome") == "unknown" and "unknown" not in record)
            if line.is_cut(record) and lost:
                named = [str(a).lower() for k in ("to", "cc", "bcc") for a in record.get(k, [])]
                whole = all(k in record for k in ("to", "cc", "bcc"))
                found.unknown.update(set(named if whole else everyone) - {str(a).lower() for a in
                                                                          record.get("accepted", [])})
                found.damaged_lines.append(line.number)
    found.unknown -= found.accepted
    return found


def accepted_before(out_dir: Path, key: str, *, message_id: str = "") -> set[str]:
    """Recipients (lower-cased) that the log records as having accepted the message whose
    rerun key is ``key`` (or whose Message-ID is ``message_id``, see :func:`previous_sends`)."""
    return previous_sends(out_dir, key, message_id=message_id).accepted


def _delivered(record: Mapping[str, Any]) -> bool:
    """A record of a transaction the server took, for at least one recipient."""
    return record.get("outcome", "sent") == "sent" and bool(record.get("accepted"))


def last_delivery(out_dir: Path, key: str, recipients: Iterable[str], *, message_id: str = "") -> dict[str, Any] | None:
    """The latest record of the message whose rerun key is ``key`` (see :func:`previous_sends`)
    when every one of ``recipients`` accepted it before (so a rerun sends nothing), else None.
    Its ``message_id`` and ``date`` are those of the .eml the last delivery wrote."""
    everyone = {r.lower() for r in recipients}
    before = previous_sends(out_dir, key, everyone, message_id=message_id)
    if not everyone or not everyone <= before.accepted:
        return None
    latest = None
    for record in read_log(out_dir):
        if _delivered(record) and record.get("message_id") and (
                record.get("rerun_key", record.get("message_id")) == key or
                (message_id and record.get("message_id") == message_id)):
            latest = record
    return latest


def last_transmission(out_dir: Path, key: str, recipients: Iterable[str], *,
                      message_id: str = "") -> dict[str, Any] | None:
    """The record whose message a rerun of the message whose rerun key is ``key`` is, when every
    one of ``recipients`` accepted it before or may have it (its outcome unknown): the latest
    transmission whose outcome is unknown for a recipient still unconfirmed (the message they
    may have, whose Message-ID to look for in the server's log, and which
    ``--resend-unknown`` sends again as the same message, so that a copy that did arrive is
    the same message as the second, not another), else :func:`last_delivery`'s. None when a
    recipient is left to send to, or when the unknown recipients come from a damaged line
    that lost its Message-ID."""
    everyone = {r.lower() for r in recipients}
    before = previous_sends(out_dir, key, everyone, message_id=message_id)
    if not everyone or not everyone <= before.accepted | before.unknown:
        return None
    if not before.unknown & everyone:
        return last_delivery(out_dir, key, everyone, message_id=message_id)
    latest = None
    for record in read_log(out_dir):
        if record.get("outcome") == "unknown" and record.get("message_id") and isinstance(record.get("date"), str) \
                and before.unknown & {str(a).lower() for a in record.get("unknown", [])} and (
                    record.get("rerun_key", record.get("message_id")) == key or
                    (message_id and record.get("message_id") == message_id)):
            latest = record
    return latest


def as_delivered(out: "Outgoing", record: Mapping[str, Any]) -> None:
    """Give ``out``'s message the Message-ID and Date of the delivery ``record`` (from
    :func:`last_delivery`): a rerun that sends nothing names the message its recipients got,
    and writes no new one. Each header keeps its place, so that the message written again is
    the one delivered, byte for byte (:func:`briefgen.deliver.mail.message_bytes`)."""
    for header in ("Message-ID", "Date"):
        value = record.get(header.lower().replace("-", "_"))
        if isinstance(value, str) and value:
            if header in out.message:
                out.message.replace_header(header, value)
            else:
                out.message[header] = value


def edition_delivery(out_dir: Path, briefing: str, audience: str, date: str, *,
                     pdf_sha256: str = "") -> dict[str, Any] | None:
    """The latest record in ``out_dir``'s send log of a delivery of the edition of ``briefing``
    for ``audience`` dated ``date`` (ISO; the record's ``briefing_date``), None when none was
    delivered. A record written before ``briefing_date`` existed matches when its PDF's
    SHA-256 is ``pdf_sha256`` (the PDF published with that edition, when known)."""
    latest = None
    for record in read_log(out_dir):
        if record.get("briefing") != briefing or record.get("audience") != audience or not _delivered(record):
            continue
        dated = record.get("briefing_date")
        if dated == date or (dated is None and pdf_sha256 and record.get("pdf_sha256") == pdf_sha256):
            latest = record
    return latest
