"""A message sent is kept as sent, in ``output/sent/``: the .eml beside the PDF is the variant's
message of the moment (a preview of another build writes over it, a later build removes it), so
before this fix the bytes the recipients got were lost after either (a known gap: only the send
log's record stayed)."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli
from smtp_server import HOST

pytestmark = pytest.mark.usefixtures("no_smtp_env")


def test_the_message_sent_is_kept_after_a_preview_and_a_build_replace_its_eml(example_project, smtp_server, tmp_path,
                                                                              monkeypatch) -> None:
    config = tmp_path / "smtp.toml"
    config.write_text(f'[smtp]\nhost = "{HOST}"\nport = {smtp_server.port}\ntls = "none"\n')
    monkeypatch.chdir(example_project)
    out = example_project / "output"
    sent = run_cli("email", "specs/peru-china.yaml", "-a", "public", "--send", "--smtp-config", config)
    assert sent.exit_code == 0, sent.output
    (received,) = smtp_server.messages
    (record,) = [json.loads(line) for line in (out / "sent-log.jsonl").read_text().splitlines()]
    kept = example_project / record["sent_eml"]
    assert kept.parent == out / "sent" and kept.name.startswith("peru-china--public.") and kept.suffix == ".eml"
    assert kept.read_bytes() == received.data

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # a preview of another PDF writes its own .eml
    assert run_cli("email", "specs/peru-china.yaml", "-a", "public").exit_code == 0
    assert (out / "peru-china--public.eml").read_bytes() != received.data
    assert run_cli("build", "specs/peru-china.yaml", "-a", "public").exit_code == 0  # and a build removes it
    assert not (out / "peru-china--public.eml").exists()
    assert [p.name for p in (out / "sent").iterdir()] == [kept.name] and kept.read_bytes() == received.data
