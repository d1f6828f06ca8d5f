"""``email --json`` without ``--send`` says whether each message was already sent (a known gap:
the document named the .eml and the PDF but not that every recipient had it already, which
only the human line "already sent to every recipient as <id>" said)."""

from __future__ import annotations

import email
import email.policy
import json

import pytest
from conftest import run_cli
from smtp_server import HOST

pytestmark = pytest.mark.usefixtures("no_smtp_env")


def _messages(*args) -> list[dict]:
    result = run_cli("email", "specs/peru-china.yaml", "-a", "public", "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["messages"]


def test_email_json_says_a_message_was_already_sent_and_as_which_message_id(example_project, smtp_server, tmp_path,
                                                                            monkeypatch) -> None:
    config = tmp_path / "smtp.toml"
    config.write_text(f'[smtp]\nhost = "{HOST}"\nport = {smtp_server.port}\ntls = "none"\n')
    monkeypatch.chdir(example_project)
    (before,) = _messages()
    assert (before["already_sent"], before["sent_message_id"]) == (False, None)
    assert run_cli("email", "specs/peru-china.yaml", "-a", "public", "--send", "--smtp-config", config).exit_code == 0
    (record,) = [json.loads(line) for line in (example_project / "output/sent-log.jsonl").read_text().splitlines()]
    sent = email.message_from_bytes(smtp_server.messages[0].data, policy=email.policy.default)
    assert sent["Message-ID"] == record["message_id"]

    (preview,) = _messages()
    eml = email.message_from_bytes((example_project / preview["eml"]).read_bytes(), policy=email.policy.default)
    assert preview["already_sent"] is True
    assert preview["sent_message_id"] == preview["message_id"] == eml["Message-ID"] == record["message_id"]

    (draft,) = _messages("--draft")  # a draft is a new message to review: its own Message-ID, the sent one named
    assert draft["already_sent"] is True and draft["sent_message_id"] == record["message_id"]
    assert draft["message_id"] != record["message_id"]

    (elsewhere,) = _messages("-o", str(tmp_path / "other"))  # another output folder has its own send log
    assert (elsewhere["already_sent"], elsewhere["sent_message_id"]) == (False, None)
