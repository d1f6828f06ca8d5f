"""What the send log says was delivered: the latest delivery of an edition (by its
``briefing_date``, or for a line of an older briefgen by its PDF's SHA-256), and of a message
every recipient accepted (a rerun keeps its .eml and names its Message-ID)."""

from __future__ import annotations

import json
from pathlib import Path

from briefgen.deliver.sendlog import LOG_NAME, edition_delivery, last_delivery


def write_log(folder: Path, *records: dict) -> None:
    (folder / LOG_NAME).write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")


def line(**fields) -> dict:
    base = {"time": "2025-05-12T09:00:00Z", "briefing": "peru-china", "audience": "executive",
            "briefing_date": "2025-05-12", "message_id": "<a@x>", "rerun_key": "content:1", "date": "Mon, 12 May",
            "outcome": "sent", "accepted": ["a@example.org", "b@example.org"], "pdf_sha256": "f" * 64}
    return {**base, **fields}


def test_edition_delivery_is_the_latest_of_that_date(tmp_path) -> None:
    write_log(tmp_path, line(), line(message_id="<b@x>", time="2025-05-12T10:00:00Z"),
              line(message_id="<c@x>", briefing_date="2025-05-05"),
              line(message_id="<d@x>", audience="public"),
              line(message_id="<e@x>", outcome="unknown", accepted=[], unknown=["a@example.org"]))
    assert edition_delivery(tmp_path, "peru-china", "executive", "2025-05-12")["message_id"] == "<b@x>"
    assert edition_delivery(tmp_path, "peru-china", "executive", "2025-05-19") is None
    assert edition_delivery(tmp_path / "none", "peru-china", "executive", "2025-05-12") is None


def test_an_older_line_matches_by_the_published_pdf(tmp_path) -> None:
    old = line(message_id="<old@x>")
    del old["briefing_date"]
    write_log(tmp_path, old)
    assert edition_delivery(tmp_path, "peru-china", "executive", "2025-05-12") is None  # PDF unknown: no match
    assert edition_delivery(tmp_path, "peru-china", "executive", "2025-05-12", pdf_sha256="e" * 64) is None
    found = edition_delivery(tmp_path, "peru-china", "executive", "2025-05-12", pdf_sha256="f" * 64)
    assert found["message_id"] == "<old@x>"


def test_last_delivery_needs_every_recipient(tmp_path) -> None:
    write_log(tmp_path, line(accepted=["a@example.org"]), line(message_id="<b@x>", accepted=["B@example.org"]))
    assert last_delivery(tmp_path, "content:1", ["a@example.org", "b@example.org"])["message_id"] == "<b@x>"
    assert last_delivery(tmp_path, "content:1", ["a@example.org", "c@example.org"]) is None
    assert last_delivery(tmp_path, "content:2", ["a@example.org"]) is None
