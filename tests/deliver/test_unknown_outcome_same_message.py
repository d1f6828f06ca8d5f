"""After a send whose outcome is unknown (the server took the whole message, its reply never came)
a rerun names, keeps and, with ``--resend-unknown``, sends again *that* message: before this fix
each rerun composed a new message (a new Message-ID and Date) and wrote it over the .eml, so
"check that they got it" named a Message-ID the server never saw, and a recipient whose first
copy had arrived got a second, different message instead of a duplicate of the first (which
mail clients fold into one by its Message-ID)."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli, squash
from smtp_server import HOST

pytestmark = pytest.mark.usefixtures("no_smtp_env")

EXECUTIVE = ["director-wh@example.org", "andean-team@example.org"]


def _email(config, *args):
    return run_cli("email", "specs/peru-china.yaml", "-a", "executive", "--smtp-config", config, *args)


def test_a_rerun_after_an_unknown_outcome_is_the_same_message(example_project, smtp_server, tmp_path,
                                                               monkeypatch) -> None:
    config = tmp_path / "smtp.toml"
    config.write_text(f'[smtp]\nhost = "{HOST}"\nport = {smtp_server.port}\ntls = "none"\n')
    monkeypatch.chdir(example_project)
    eml = example_project / "output/peru-china--executive.eml"
    smtp_server.handler.drop_after_data = 1  # queued, but the 250 never reaches briefgen
    first = _email(config, "--send", "--json")
    assert first.exit_code == 1
    (delivery,) = json.loads(first.stdout)["deliveries"]
    assert delivery["status"] == "unknown"
    (queued,) = smtp_server.messages
    queued_id = queued.message["Message-ID"]
    assert delivery["message_id"] == queued_id and eml.read_bytes() == queued.data

    preview = _email(config)  # without --send: the .eml of the message they may have stays
    assert preview.exit_code == 0 and eml.read_bytes() == queued.data
    assert f"not confirmed: {queued_id} was transmitted but its outcome is unknown" in squash(preview.stdout)

    rerun = _email(config, "--send", "--json")  # nothing sent; the message to look for is named
    assert rerun.exit_code == 1 and len(smtp_server.messages) == 1
    (delivery,) = json.loads(rerun.stdout)["deliveries"]
    assert (delivery["status"], delivery["message_id"]) == ("unconfirmed", queued_id)
    assert eml.read_bytes() == queued.data

    again = _email(config, "--send", "--resend-unknown", "--json")  # the same message again: same bytes
    assert again.exit_code == 0, again.output
    queued_twice, resent = smtp_server.messages
    assert resent.rcpt_tos == EXECUTIVE and resent.data == queued.data == eml.read_bytes()
    log = [json.loads(line) for line in (example_project / "output/sent-log.jsonl").read_text().splitlines()]
    assert [(r["outcome"], r["message_id"]) for r in log] == [("unknown", queued_id), ("sent", queued_id)]
    done = _email(config, "--json")  # now delivered: said so
    (message,) = json.loads(done.stdout)["messages"]
    assert (message["already_sent"], message["sent_message_id"]) == (True, queued_id)
