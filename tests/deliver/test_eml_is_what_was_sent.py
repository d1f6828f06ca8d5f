"""The ``.eml`` written for a message sent is byte for byte what the server got. Before this fix
Python's generator drew new random MIME boundaries each time the message was written, so the
.eml on disk and the message transmitted differed (boundaries only) unless SOURCE_DATE_EPOCH was
set, and a .eml written again "as delivered" (after a preview of another PDF had replaced it)
was not the delivered message either."""

from __future__ import annotations

import pytest
from conftest import run_cli
from smtp_server import HOST

pytestmark = pytest.mark.usefixtures("no_smtp_env")


def test_the_eml_is_the_message_the_server_got_also_when_written_again(example_project, smtp_server, tmp_path,
                                                                       monkeypatch) -> None:
    config = tmp_path / "smtp.toml"
    config.write_text(f'[smtp]\nhost = "{HOST}"\nport = {smtp_server.port}\ntls = "none"\n')
    monkeypatch.chdir(example_project)
    eml = example_project / "output/peru-china--executive.eml"
    sent = run_cli("email", "specs/peru-china.yaml", "-a", "executive", "--send", "--smtp-config", config)
    assert sent.exit_code == 0, sent.output
    (received,) = smtp_server.messages
    assert received.rcpt_tos == ["director-wh@example.org", "andean-team@example.org"]
    assert eml.read_bytes() == received.data  # headers, boundaries, bodies, attachment
    assert b"boundary=\"=_briefgen_" in received.data

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # another PDF (its creation date): another message
    assert run_cli("email", "specs/peru-china.yaml", "-a", "executive").exit_code == 0
    assert eml.read_bytes() != received.data
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    again = run_cli("email", "specs/peru-china.yaml", "-a", "executive")  # the sent PDF: written as delivered
    assert again.exit_code == 0, again.output
    assert eml.read_bytes() == received.data
    assert len(smtp_server.messages) == 1
