"""The send log survives damage: an append never glues onto a line cut short, a failed write is
cut back off, a cut line is read as far as it goes (so a rerun still skips who got the message,
or treats them as unknown), and each damaged line is a warning naming the file and line."""

from __future__ import annotations

import json
import os

import pytest

from briefgen.deliver import sendlog
from briefgen.deliver.sendlog import LOG_NAME, append_log, log_warnings, previous_sends, read_log


def record(key: str, accepted: list[str], **more) -> dict:
    return {"time": "2026-01-01T00:00:00Z", "briefing": "b", "audience": "public", "message_id": f"<{key}@x>",
            "rerun_key": key, "to": ["press@example.org", "desk@example.org"], "cc": [], "bcc": [],
            "outcome": "sent", "accepted": accepted, "unknown": [], "refused": {}, "deferred": {}, "attempt": 1,
            "server": "h:25", "tls": "none", "pdf": "output/p.pdf", "eml": "output/p.eml", **more}


def line(rec: dict) -> bytes:
    return (json.dumps(rec, ensure_ascii=False) + "\n").encode()


def test_an_append_after_a_cut_line_starts_on_a_new_line(tmp_path) -> None:
    first = line(record("k1", ["press@example.org"]))
    (tmp_path / LOG_NAME).write_bytes(first[:-50])  # cut short: no newline at the end
    append_log(tmp_path, record("k2", ["desk@example.org"]))
    data = (tmp_path / LOG_NAME).read_bytes()
    assert data == first[:-50] + b"\n" + line(record("k2", ["desk@example.org"]))
    append_log(tmp_path, record("k3", []))  # a whole file: no extra blank line
    assert data + line(record("k3", [])) == (tmp_path / LOG_NAME).read_bytes()


def test_a_write_that_fails_part_way_is_cut_back_off(tmp_path, monkeypatch) -> None:
    append_log(tmp_path, record("k1", ["press@example.org"]))
    before = (tmp_path / LOG_NAME).read_bytes()
    calls = []
    real_write = os.write

    def full_disk(fd, data):  # the first write takes 100 bytes, the next finds the disk full
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[:100]))
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(sendlog.os, "write", full_disk)
    with pytest.raises(OSError, match="No space left"):
        append_log(tmp_path, record("k2", ["desk@example.org"]))
    monkeypatch.undo()
    assert calls[1] == calls[0] - 100  # the rest was tried after the short write
    assert (tmp_path / LOG_NAME).read_bytes() == before


def test_a_cut_record_still_names_who_accepted(tmp_path) -> None:
    whole = line(record("k1", ["press@example.org"]))
    (tmp_path / LOG_NAME).write_bytes(whole[:-60])  # cut inside "eml"
    (entry,) = read_log(tmp_path)
    assert entry["accepted"] == ["press@example.org"] and "eml" not in entry and entry["attempt"] == 1
    found = previous_sends(tmp_path, "k1", ["press@example.org", "desk@example.org"])
    assert found.accepted == {"press@example.org"} and found.unknown == set()
    (warning,) = log_warnings(tmp_path, "output/sent-log.jsonl")
    assert (warning.file, warning.line, warning.severity, warning.code) == (
        "output/sent-log.jsonl", 1, "warning", "damaged-send-log")
    assert warning.message == ("line 1 is cut short (a run killed while writing it, or a full disk); read up to the "
                               "cut: the record of <k1@x> (audience 'public'); a rerun still skips the recipients "
                               "it lists as accepted")


def test_a_record_cut_before_its_list_makes_its_recipients_unknown(tmp_path) -> None:
    whole = line(record("k1", ["press@example.org"]))
    (tmp_path / LOG_NAME).write_bytes(whole[:whole.index(b'"accepted"') + 15])
    found = previous_sends(tmp_path, "k1", ["press@example.org", "desk@example.org", "other@example.org"])
    assert found.accepted == set() and found.unknown == {"press@example.org", "desk@example.org"}  # its To
    assert found.damaged_lines == [1] and previous_sends(tmp_path, "k2").unknown == set()
    (warning,) = log_warnings(tmp_path)
    assert "it lost the list of who received the message, so a rerun treats that message's recipients as " \
           "unknown (they may have it) and does not send to them again unless --resend-unknown" in warning.message
    # cut before To: every recipient of the message is unknown
    (tmp_path / LOG_NAME).write_bytes(whole[:whole.index(b'"to"')])
    assert previous_sends(tmp_path, "k1", ["A@example.org"]).unknown == {"a@example.org"}


def test_a_record_glued_onto_a_cut_one_is_read_and_an_unreadable_line_is_reported(tmp_path) -> None:
    cut = line(record("k1", ["press@example.org"]))[:120]  # an older briefgen appended onto it
    glued = line(record("k2", ["desk@example.org"], refused={"x@y": "550 no"}))
    (tmp_path / LOG_NAME).write_bytes(line(record("k0", [])) + cut + glued + b"\x00\x00garbage{\n\n")
    entries = read_log(tmp_path)
    assert [e["rerun_key"] for e in entries] == ["k0", "k1", "k2"] and entries[2] == json.loads(glued)
    assert previous_sends(tmp_path, "k2").accepted == {"desk@example.org"}
    assert previous_sends(tmp_path, "k1", ["press@example.org"]).unknown == {"press@example.org"}
    second, third = log_warnings(tmp_path, "sent-log.jsonl")
    assert second.line == 2 and second.message.endswith("; 1 complete record(s) written onto the same line were "
                                                        "read too")
    assert third.line == 3 and third.message == (
        "line 3 is not readable: cut short (a run killed while writing it, or a full disk); the send it recorded is "
        "lost, so the recipients of that message may get it again on a rerun (check the recipients before sending "
        "again)")


def test_unknown_outcomes_are_remembered_until_a_later_send_is_accepted(tmp_path) -> None:
    append_log(tmp_path, record("k1", [], outcome="unknown", unknown=["press@example.org"]))
    assert previous_sends(tmp_path, "k1").unknown == {"press@example.org"}
    append_log(tmp_path, record("k1", ["press@example.org"]))
    found = previous_sends(tmp_path, "k1")
    assert found.accepted == {"press@example.org"} and found.unknown == set()
    assert log_warnings(tmp_path) == []
