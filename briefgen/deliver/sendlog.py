"""The send log ``<out>/sent-log.jsonl``: what each SMTP delivery did, and what a rerun skips.

Each time the server takes a message (``DATA`` answered 250) one JSON line is appended
(:func:`append_log`, under a file lock, in a single ``O_APPEND`` write): time, briefing,
audience, banner, subject, Message-ID, the rerun key, From, To/Cc/Bcc, the recipients that
got it in that transaction (``accepted``), those refused for good (``refused``) and those
refused for now (``deferred``: a 4xx reply after every try), the attempt number, server,
TLS mode, PDF path, size, pages and SHA-256. A message retried after a temporary refusal
may so have several lines, one per transaction that delivered.

Reruns (:func:`accepted_before`): ``briefgen email --send`` skips each recipient a line of
the same *rerun key* lists as accepted, so a rerun after a partial send delivers only what
was not accepted before. The rerun key (:func:`rerun_key`) is the Message-ID when it is
deterministic (``SOURCE_DATE_EPOCH`` set: it is then a function of the briefing, audience,
PDF, date, sender and recipient list), else a digest of briefing, audience and PDF SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.deliver.mail import Outgoing
    from briefgen.deliver.smtp_client import RecipientResult

LOG_NAME = "sent-log.jsonl"
"""Send log file name, in the output folder."""


def rerun_key(message_id: str, deterministic: bool, *, briefing: str, audience: str, pdf_sha256: str) -> str:
    """What makes two sends "the same message" for a rerun: ``message_id`` when it is
    deterministic, else ``content:`` + a digest of briefing, audience and the PDF's SHA-256."""
    if deterministic:
        return message_id
    digest = hashlib.sha256(f"{briefing}\n{audience}\n{pdf_sha256}".encode()).hexdigest()[:32]
    return f"content:{digest}"


def log_record(out: "Outgoing", *, accepted: Iterable[str], results: Iterable["RecipientResult"], attempt: int,
               server: str, tls: str, when: datetime | None = None) -> dict[str, Any]:
    """The send-log entry of one transaction of ``out`` that the server took: ``accepted`` got
    it; ``results`` are the other answers of that transaction (refused or deferred)."""
    r = out.result
    a = out.addressing
    when = when or datetime.now(UTC)
    others = [x for x in results if not x.accepted]
    return {
        "time": when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "briefing": r.briefing_id,
        "audience": out.audience,
        "banner": out.banner.label,
        "subject": out.subject,
        "message_id": out.message_id,
        "rerun_key": out.rerun_key,
        "date": str(out.message["Date"]),
        "from": a.sender.addr_spec,
        "to": [x.addr_spec for x in a.to],
        "cc": [x.addr_spec for x in a.cc],
        "bcc": [x.addr_spec for x in a.bcc],
        "accepted": list(accepted),
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
    }


def append_log(out_dir: Path, record: Mapping[str, Any]) -> Path:
    """Append ``record`` as one JSON line to ``out_dir/sent-log.jsonl`` under a file lock,
    in a single ``O_APPEND`` write, flushed to disk. Returns the log's path."""
    from filelock import FileLock

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOG_NAME
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    with FileLock(str(path.with_name(f".{path.name}.lock")), timeout=60):  # hidden beside the log
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
    return path


def read_log(out_dir: Path) -> list[dict[str, Any]]:
    """Every entry of ``out_dir/sent-log.jsonl`` (empty when there is none). A line that is not
    JSON (a crash mid-write on a file system without atomic appends) is skipped."""
    path = out_dir / LOG_NAME
    if not path.exists():
        return []
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line) if line.strip() else None
        except json.JSONDecodeError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def accepted_before(out_dir: Path, key: str) -> set[str]:
    """Recipients (lower-cased) that the log records as having accepted the message whose
    rerun key is ``key`` (entries written before rerun keys existed match by Message-ID)."""
    done: set[str] = set()
    for entry in read_log(out_dir):
        if entry.get("rerun_key", entry.get("message_id")) == key:
            done.update(str(a).lower() for a in entry.get("accepted", []))
    return done
