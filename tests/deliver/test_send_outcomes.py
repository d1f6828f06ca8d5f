"""Unknown outcomes and damaged send logs against a real server (aiosmtpd on 127.0.0.1): the
server keeps the message but the connection drops before its 250 arrives (recorded as unknown,
not sent again unless --resend-unknown); a send log cut short (no second copy, a warning);
``--json`` gives each recipient's outcome."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from smtp_server import HOST, plain_settings
from typer.testing import CliRunner

from briefgen.deliver import smtp
from briefgen.deliver.sendlog import LOG_NAME
from briefgen.pipeline.build import BuildOptions
from briefgen.pipeline.email import outgoing

ANALYST = ["andean-team@example.org", "china-cell@example.org", "archive@example.org"]


pytestmark = pytest.mark.usefixtures("no_smtp_env")


def analyst(prepared, built, out_dir: Path):
    return outgoing(prepared, "analyst", BuildOptions(out_dir=out_dir), result=built["analyst"])


def test_a_dropped_reply_is_unknown_recorded_and_not_sent_again(busy_server, prepared, built, tmp_path) -> None:
    busy_server.handler.drop_after_data = 1
    report = smtp.deliver(analyst(prepared, built, tmp_path), plain_settings(busy_server), out_dir=tmp_path)
    assert not report.delivered and report.attempts == 1 and len(busy_server.messages) == 1  # never retried
    assert [r.kind for r in report.results] == ["unknown"] * 3
    assert report.results[0].reply.startswith(f"no reply after the message was transmitted: SMTP server "
                                              f"{busy_server.host}:{busy_server.port} closed the connection")
    (line,) = (tmp_path / LOG_NAME).read_text().splitlines()
    entry = json.loads(line)
    assert (entry["outcome"], entry["accepted"], entry["unknown"], entry["refused"]) == ("unknown", [], ANALYST, {})
    assert list(entry)[list(entry).index("bcc") + 1:][:3] == ["outcome", "accepted", "unknown"]
    # a rerun sends nothing, and says so
    again = smtp.deliver(analyst(prepared, built, tmp_path), plain_settings(busy_server), out_dir=tmp_path)
    assert again.results == [] and again.skipped_unknown == ANALYST and again.skipped == []
    assert "may have it (outcome unknown)" in again.note and len(busy_server.messages) == 1
    # --resend-unknown sends to them; after that they are accepted, not unknown
    third = smtp.deliver(analyst(prepared, built, tmp_path), plain_settings(busy_server), out_dir=tmp_path,
                         resend_unknown=True)
    assert third.ok and third.accepted == ANALYST and len(busy_server.messages) == 2
    last = smtp.deliver(analyst(prepared, built, tmp_path), plain_settings(busy_server), out_dir=tmp_path)
    assert last.results == [] and last.skipped == ANALYST and last.skipped_unknown == []


# --------------------------------------------------------------------------- briefgen email
@pytest.fixture
def project(example_project, busy_server, monkeypatch) -> Path:
    (example_project / "briefgen.toml").write_text(
        f'[smtp]\nhost = "{HOST}"\nport = {busy_server.port}\ntls = "none"\ntries = 1\n')
    monkeypatch.chdir(example_project)
    return example_project


def cli(*args: str):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, list(args))


def document(result) -> dict:
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_cli_unknown_outcome_then_rerun(project, busy_server) -> None:
    busy_server.handler.drop_after_data = 1
    result = cli("email", "specs/peru-china.yaml", "-a", "public", "--send", "--json")
    assert result.exit_code == 1
    doc = document(result)
    (delivery,) = doc["deliveries"]
    assert delivery["status"] == "unknown" and doc["not_delivered"] == 1 and doc["exit_code"] == 1
    assert [(r["address"], r["role"], r["result"]) for r in delivery["recipients"]] == [
        ("press@example.org", "to", "unknown")]
    assert doc["errors"][0]["code"] == "delivery-unknown"
    assert doc["errors"][0]["message"].startswith("public: the outcome is unknown for 1 recipient(s): no reply after")
    # a rerun sends nothing and leaves the delivery unconfirmed: exit 1, not 0
    result = cli("email", "specs/peru-china.yaml", "-a", "public", "--send", "--json")
    assert result.exit_code == 1 and len(busy_server.messages) == 1
    doc = document(result)
    (warning,) = [w for w in doc["warnings"] if w["code"] == "skipped-unknown"]
    assert warning["message"] == ("public: skipped press@example.org: an earlier send's outcome is unknown (they may "
                                  "have it); --resend-unknown sends to them")
    (delivery,) = doc["deliveries"]
    assert (delivery["status"], doc["not_delivered"], doc["exit_code"]) == ("unconfirmed", 1, 1)
    assert [(r["address"], r["result"]) for r in delivery["recipients"]] == [("press@example.org", "skipped-unknown")]
    (error,) = doc["errors"]
    assert error["code"] == "delivery-unconfirmed" and error["message"] == (
        "public: delivery to 1 recipient(s) is not confirmed: an earlier send's outcome is unknown (they may have "
        "it): press@example.org; check that they got it, then --resend-unknown sends it to them")
    text = " ".join(result.stderr.split())
    assert "warning: public: skipped 1 recipient(s) that may have this message already" in text
    assert "--resend-unknown sends it to them again" in text and "not confirmed public" in text
    assert "1 message(s) not delivered (or not confirmed) to every recipient" in text
    # a recipient added since gets it; the one whose delivery is unknown is still not confirmed
    audiences = project / "specs" / "audiences.yaml"
    audiences.write_text(audiences.read_text(encoding="utf-8").replace(
        "        - {name: Public Affairs, email: press@example.org}\n",
        "        - {name: Public Affairs, email: press@example.org}\n        - {email: web@example.org}\n"))
    busy_server.handler.drop_after_data = 0
    result = cli("email", "specs/peru-china.yaml", "-a", "public", "--send", "--json")
    (delivery,) = document(result)["deliveries"]
    assert result.exit_code == 1 and len(busy_server.messages) == 2 and delivery["status"] == "unconfirmed"
    assert [(r["address"], r["result"]) for r in delivery["recipients"]] == [
        ("web@example.org", "accepted"), ("press@example.org", "skipped-unknown")]
    # --resend-unknown sends to them: confirmed, exit 0
    result = cli("email", "specs/peru-china.yaml", "-a", "public", "--send", "--resend-unknown", "--json")
    (delivery,) = document(result)["deliveries"]
    assert result.exit_code == 0 and delivery["status"] == "sent" and len(busy_server.messages) == 3
    assert [(r["address"], r["result"]) for r in delivery["recipients"]] == [
        ("press@example.org", "accepted"), ("web@example.org", "skipped")]


@pytest.mark.slow
def test_cli_partial_delivery_json_and_all_or_nothing(project, busy_server) -> None:
    busy_server.handler.refuse = {"archive@example.org"}
    result = cli("email", "specs/peru-china.yaml", "-a", "analyst", "--send", "--all-or-nothing", "--json")
    assert result.exit_code == 1 and busy_server.messages == []
    (delivery,) = document(result)["deliveries"]
    assert delivery["status"] == "not-sent"
    assert [(r["address"], r["result"], r["code"]) for r in delivery["recipients"]] == [
        ("andean-team@example.org", "withheld", 250), ("china-cell@example.org", "withheld", 250),
        ("archive@example.org", "refused", 550)]
    assert "not sent (all-or-nothing)" in " ".join(result.stderr.split())
    assert "│ accepted" not in result.stderr
    result = cli("email", "specs/peru-china.yaml", "-a", "analyst", "--send", "--json")
    assert result.exit_code == 1
    (delivery,) = document(result)["deliveries"]
    assert delivery["status"] == "partial" and delivery["note"] == "sent to 2 of 3 recipients"
    assert [(r["address"], r["role"], r["result"]) for r in delivery["recipients"]] == [
        ("andean-team@example.org", "to", "accepted"), ("china-cell@example.org", "to", "accepted"),
        ("archive@example.org", "cc", "refused")]
    assert delivery["recipients"][2]["reply"].endswith("Recipient address rejected: User unknown")


@pytest.mark.slow
def test_cli_a_cut_send_log_sends_no_second_copy_and_warns(project, busy_server) -> None:
    assert cli("email", "specs/peru-china.yaml", "-a", "analyst", "-a", "public", "--send").exit_code == 0
    log = project / "output" / LOG_NAME
    log.write_bytes(log.read_bytes()[:-50])  # public's record cut short
    for _ in range(3):
        result = cli("email", "specs/peru-china.yaml", "-a", "public", "--send", "--json")
        assert result.exit_code == 0
    assert sum(m.rcpt_tos.count("press@example.org") for m in busy_server.messages) == 1
    (warning,) = [w for w in document(result)["warnings"] if w["code"] == "damaged-send-log"]
    assert (warning["file"], warning["line"], warning["severity"]) == ("output/sent-log.jsonl", 2, "warning")
    assert "a rerun still skips the recipients it lists as accepted" in warning["message"]
    assert "output/sent-log.jsonl:2  warning  sent-log" in result.stderr
    assert len(log.read_text().splitlines()) == 2  # nothing sent, nothing appended
