"""Temporary refusals and reruns against a real server (aiosmtpd on 127.0.0.1, issue 15): a
451 then success, a 451 that persists (reported as temporary, not refused), a rerun after a
partial send that delivers only what was missing (the server's copies are counted), and
``briefgen email --send`` going on to the next audience when one message fails."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from smtp_server import BUSY, HOST, REFUSED, plain_settings
from typer.testing import CliRunner

from briefgen.deliver import smtp
from briefgen.deliver.sendlog import accepted_before, rerun_key
from briefgen.pipeline.build import BuildOptions
from briefgen.pipeline.email import outgoing

ANALYST = ["andean-team@example.org", "china-cell@example.org", REFUSED]  # to, to, cc (archive@)


pytestmark = pytest.mark.usefixtures("no_smtp_env")


def analyst(prepared, built, out_dir: Path, **kw):
    return outgoing(prepared, "analyst", BuildOptions(out_dir=out_dir), result=built["analyst"], **kw)


def test_451_then_success(busy_server, prepared, built, tmp_path) -> None:
    busy_server.handler.busy_rcpt = {REFUSED: 1}
    report = smtp.deliver(analyst(prepared, built, tmp_path), plain_settings(busy_server), out_dir=tmp_path)
    assert report.ok and report.attempts == 2 and report.accepted == ANALYST
    assert [m.rcpt_tos for m in busy_server.messages] == [ANALYST[:2], [REFUSED]]
    assert all(busy_server.handler.received_by(a) == 1 for a in ANALYST)
    first, second = smtp.read_log(tmp_path)  # one line per transaction the server took
    assert first["accepted"] == ANALYST[:2] and first["deferred"] == {REFUSED: BUSY} and first["refused"] == {}
    assert (second["accepted"], second["attempt"], second["deferred"]) == ([REFUSED], 2, {})
    assert first["message_id"] == second["message_id"] and first["rerun_key"].startswith("content:")


def test_451_on_data_then_success(busy_server, prepared, built, tmp_path) -> None:
    busy_server.handler.busy_data = 2
    report = smtp.deliver(analyst(prepared, built, tmp_path), plain_settings(busy_server), out_dir=tmp_path)
    assert report.ok and report.attempts == 3 and busy_server.handler.data_attempts == 3
    assert [m.rcpt_tos for m in busy_server.messages] == [ANALYST]


def test_a_451_that_persists_then_a_rerun_sends_only_what_is_missing(busy_server, prepared, built, tmp_path) -> None:
    busy_server.handler.busy_rcpt = {REFUSED: 99}
    report = smtp.deliver(analyst(prepared, built, tmp_path), plain_settings(busy_server, tries=2), out_dir=tmp_path)
    assert report.delivered and not report.ok and report.refused == []
    (deferred,) = report.deferred
    assert (deferred.address, deferred.role, deferred.state) == (REFUSED, "cc", "temporarily refused, retry later")
    assert str(deferred).startswith(f"{REFUSED} (cc): TEMPORARILY REFUSED, RETRY LATER 451 4.3.0")
    assert report.note == "sent to 2 of 3 recipients; 1 temporarily refused after 2 tries, retry later"
    # the server recovers; the rerun composes the message again (a new Message-ID: no SOURCE_DATE_EPOCH)
    busy_server.handler.busy_rcpt = {}
    again = analyst(prepared, built, tmp_path)
    report = smtp.deliver(again, plain_settings(busy_server), out_dir=tmp_path)
    assert report.ok and report.skipped == ANALYST[:2] and report.accepted == [REFUSED]
    assert [busy_server.handler.received_by(a) for a in ANALYST] == [1, 1, 1]  # no duplicates
    # a third run has nothing left to send; --resend sends to everyone again
    report = smtp.deliver(analyst(prepared, built, tmp_path), plain_settings(busy_server), out_dir=tmp_path)
    assert report.ok and report.results == [] and report.skipped == ANALYST and len(busy_server.messages) == 2
    assert "every recipient accepted this message before" in report.note
    report = smtp.deliver(analyst(prepared, built, tmp_path), plain_settings(busy_server), out_dir=tmp_path,
                          resend=True)
    assert report.ok and report.skipped == [] and [busy_server.handler.received_by(a) for a in ANALYST] == [2, 2, 2]


def test_rerun_identity(prepared, built, tmp_path, monkeypatch) -> None:
    """Briefing, audience and PDF SHA-256 are the rerun key, with or without deterministic
    Message-IDs (SOURCE_DATE_EPOCH), so that a new Message-ID still finds the earlier send; a
    line of an older briefgen, keyed by the deterministic Message-ID or by none, matches by
    Message-ID."""
    a, b = analyst(prepared, built, tmp_path), analyst(prepared, built, tmp_path)
    content_key = rerun_key(briefing="peru-china", audience="analyst", pdf_sha256=built["analyst"].sha256)
    assert a.message_id != b.message_id and a.rerun_key == b.rerun_key == content_key
    executive = outgoing(prepared, "executive", BuildOptions(out_dir=tmp_path), result=built["executive"])
    assert executive.rerun_key != a.rerun_key
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1747040000")
    c, d = analyst(prepared, built, tmp_path), analyst(prepared, built, tmp_path)
    assert c.message_id == d.message_id != a.message_id and c.rerun_key == content_key
    smtp.append_log(tmp_path, {"message_id": c.message_id, "accepted": ["Andean-Team@example.org"]})  # no key
    smtp.append_log(tmp_path, {"message_id": c.message_id, "rerun_key": c.message_id,  # the old key
                               "accepted": ["china-cell@example.org"]})
    assert accepted_before(tmp_path, c.rerun_key, message_id=c.message_id) == {"andean-team@example.org",
                                                                               "china-cell@example.org"}
    assert accepted_before(tmp_path, c.rerun_key) == set()  # those lines name no content key
    assert accepted_before(tmp_path, executive.rerun_key, message_id=executive.message_id) == set()


# --------------------------------------------------------------------------- briefgen email
@pytest.fixture
def project(example_project, busy_server, monkeypatch) -> Path:
    (example_project / "briefgen.toml").write_text(
        f'[smtp]\nhost = "{HOST}"\nport = {busy_server.port}\ntls = "none"\nfrom = "relay@example.org"\n'
        f'tries = 2\nretry_delay = 0.01\n')
    monkeypatch.chdir(example_project)
    return example_project


def cli(*args: str):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, list(args))


@pytest.mark.slow
def test_cli_goes_on_after_a_failure_and_a_rerun_completes(project, busy_server, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1747040000")  # deterministic Message-IDs: the rerun key
    busy_server.handler.reject_data = 1  # the analyst message is refused for good
    busy_server.handler.busy_rcpt = {"press@example.org": 99}  # the public one, for now
    result = cli("email", "specs/peru-china.yaml", "--all-audiences", "--send")
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert "error: analyst: SMTP server" in text and "refused the message: 554 5.6.0" in text
    assert "sent executive" in text  # the failure did not stop the next audience
    assert "public: the server temporarily refused every recipient after 2 tries; nothing was sent: retry later" \
           in text and "temporarily refused, retry later" in text and "2 message(s) not delivered" in text
    assert [m.rcpt_tos for m in busy_server.messages] == [["director-wh@example.org", "andean-team@example.org"]]
    busy_server.handler.busy_rcpt = {}
    result = cli("email", "specs/peru-china.yaml", "--all-audiences", "--send")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "executive: skipped 2 recipient(s) that accepted this message before" in text
    assert "already sent executive" in text and "sent analyst" in text and "sent public" in text
    copies = [(m.message["Message-ID"], a) for m in busy_server.messages for a in m.rcpt_tos]
    assert len(copies) == len(set(copies)) == 3 + 2 + 1  # each recipient got each message once, none twice
    log = smtp.read_log(project / "output")
    assert [e["audience"] for e in log] == ["executive", "analyst", "public"]
    eml = email.message_from_bytes((project / "output" / "peru-china--public.eml").read_bytes(),
                                   policy=email.policy.default)
    assert log[2]["message_id"] == eml["Message-ID"] and log[2]["rerun_key"].startswith("content:")


@pytest.mark.slow
def test_a_recipient_added_with_source_date_epoch_gets_the_briefing_alone(project, busy_server, monkeypatch) -> None:
    """Deterministic Message-IDs depend on the recipient list; adding a recipient to the
    audience still sends the same briefing to the new recipient only."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1747040000")
    result = cli("email", "specs/peru-china.yaml", "-a", "executive", "--send")
    assert result.exit_code == 0, result.output
    assert [m.rcpt_tos for m in busy_server.messages] == [["director-wh@example.org", "andean-team@example.org"]]
    audiences = project / "specs" / "audiences.yaml"
    executive_cc = "      cc:\n        - {name: Andean Team, email: andean-team@example.org}\n"
    assert audiences.read_text().count(executive_cc) == 1
    audiences.write_text(audiences.read_text().replace(
        executive_cc, executive_cc + "        - {name: Policy Planning, email: policy-planning@example.org}\n"))
    result = cli("email", "specs/peru-china.yaml", "-a", "executive", "--send")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "executive: skipped 2 recipient(s) that accepted this message before" in text
    assert [m.rcpt_tos for m in busy_server.messages] == [["director-wh@example.org", "andean-team@example.org"],
                                                          ["policy-planning@example.org"]]
    first, second = (m.message["Message-ID"] for m in busy_server.messages)
    assert first != second  # a new recipient list, a new message; the same briefing
    assert "policy-planning@example.org" in busy_server.messages[1].message["Cc"]
