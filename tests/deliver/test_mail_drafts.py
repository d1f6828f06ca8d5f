"""Saved messages (issue 15): an .eml never holds the Bcc list (a forwarded file would leak
it), ``briefgen email --draft`` writes ``X-Unsent: 1`` so that Outlook opens the file as a
new message to review and send, and ``--send`` still delivers to the Bcc recipients, through
the SMTP envelope only."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from pathlib import Path

import pytest
from smtp_server import HOST
from typer.testing import CliRunner

from briefgen.deliver import mail, smtp
from briefgen.deliver.addresses import addressing
from briefgen.deliver.attachment import AttachmentInfo
from briefgen.deliver.mailcontent import MailContent
from briefgen.model.models import Distribution, Recipient

NOW = datetime(2025, 5, 12, 9, 30, tzinfo=UTC)
SECRET = "hidden-reader@example.org"


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


@pytest.fixture
def message() -> mail.EmailMessage:
    addrs = addressing(Distribution(sender=Recipient(email="desk@example.org"), to=[Recipient(email="to@example.org")],
                                    bcc=[Recipient(name="Hidden Reader", email=SECRET)]))
    return mail.compose(MailContent("b", "a", "Title"), addrs, banner="TLP:AMBER", subject="s", now=NOW,
                        attachment=AttachmentInfo("b--a.pdf", b"%PDF-1.7 test", 1))


def test_saved_message_has_no_bcc_and_a_draft_is_marked_unsent(message) -> None:
    plain, draft = mail.saved_bytes(message), mail.saved_bytes(message, draft=True)
    for data in (plain, draft):
        assert SECRET.encode() not in data and b"Hidden Reader" not in data and b"\r\nBcc:" not in data
    assert parse(draft)["X-Unsent"] == "1" and parse(plain)["X-Unsent"] is None
    assert draft.count(b"X-Unsent: 1\r\n") == 1 and mail.saved_bytes(message, draft=True) == draft  # deterministic
    # the draft is the same message with one header more
    assert draft.replace(b"X-Unsent: 1\r\n", b"") == plain == mail.message_bytes(message)
    assert message["X-Unsent"] is None  # the message itself (what --send transmits) is untouched


# --------------------------------------------------------------------------- briefgen email
@pytest.fixture
def project(example_project, smtp_server, monkeypatch) -> Path:
    (example_project / "briefgen.toml").write_text(
        f'[smtp]\nhost = "{HOST}"\nport = {smtp_server.port}\ntls = "none"\n')
    (example_project / "specs" / "bcc.yaml").write_text(
        "extends: peru-china.yaml\n"
        "audiences:\n"
        "  executive:\n"
        "    distribution:\n"
        f"      bcc: [{{name: Hidden Reader, email: {SECRET}}}]\n")
    monkeypatch.chdir(example_project)
    return example_project


def cli(*args: str):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, list(args))


@pytest.mark.slow
def test_cli_draft_has_no_bcc_and_send_still_reaches_bcc(project, smtp_server) -> None:
    eml = project / "output" / "peru-china--executive.eml"
    result = cli("email", "specs/bcc.yaml", "-a", "executive", "--draft")
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "draft" in text and "1 Bcc recipient(s) not written into the .eml; add them in the mail client" in text
    saved = eml.read_bytes()
    assert parse(saved)["X-Unsent"] == "1" and SECRET.encode() not in saved and smtp_server.messages == []
    result = cli("email", "specs/bcc.yaml", "-a", "executive", "--draft", "--send")
    assert result.exit_code == 2 and "choose one" in result.output and smtp_server.messages == []
    result = cli("email", "specs/bcc.yaml", "-a", "executive", "--send")
    assert result.exit_code == 0, result.output
    assert "--send puts them in the SMTP envelope only" in " ".join(result.output.split())
    saved = eml.read_bytes()
    assert SECRET.encode() not in saved and parse(saved)["X-Unsent"] is None  # a sent message is no draft
    (got,) = smtp_server.messages
    assert got.rcpt_tos == ["director-wh@example.org", "andean-team@example.org", SECRET]  # the envelope
    assert SECRET.encode() not in got.data and b"X-Unsent" not in got.data
    (entry,) = smtp.read_log(project / "output")
    assert entry["bcc"] == [SECRET] and SECRET in entry["accepted"]  # the record of who got it stays local
