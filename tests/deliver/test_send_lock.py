"""Two ``briefgen email --send`` runs started together on one output folder (an overlapping cron
job, a script run twice) deliver a message once: before this fix both read the send log before
either had written to it, and both sent (the server got two copies for the same recipient)."""

from __future__ import annotations

import email
import email.policy
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from smtp_server import HOST

pytestmark = pytest.mark.usefixtures("no_smtp_env")

PRESS = "press@example.org"


def _email(project: Path, config: Path, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "briefgen", "email", "specs/peru-china.yaml", "-a", "public",
                             "--send", "--smtp-config", str(config), "--json"],
                            cwd=project, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_two_runs_at_once_send_a_message_once(example_project, smtp_server, tmp_path, monkeypatch) -> None:
    smtp_server.handler.data_delay = 1.5  # the first run is still waiting for its 250 when the second starts
    config = tmp_path / "smtp.toml"
    config.write_text(f'[smtp]\nhost = "{HOST}"\nport = {smtp_server.port}\ntls = "none"\n')
    env = {**os.environ, "BRIEFGEN_CACHE_DIR": str(tmp_path / "cache")}
    first = _email(example_project, config, env)
    time.sleep(0.3)
    second = _email(example_project, config, env)
    outs = [p.communicate(timeout=120) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outs
    assert smtp_server.handler.received_by(PRESS) == 1  # one copy, not two
    out = example_project / "output"
    log = [json.loads(line) for line in (out / "sent-log.jsonl").read_text().splitlines()]
    assert [(r["audience"], r["accepted"]) for r in log] == [("public", [PRESS])]
    statuses = sorted(d["status"] for stdout, _ in outs for d in json.loads(stdout)["deliveries"])
    assert statuses == ["nothing-to-send", "sent"]
    # the .eml in place is the message the server got (its Message-ID), whichever run wrote last
    sent = email.message_from_bytes(smtp_server.messages[0].data, policy=email.policy.default)
    eml = email.message_from_bytes((out / "peru-china--public.eml").read_bytes(), policy=email.policy.default)
    assert eml["Message-ID"] == sent["Message-ID"] == log[0]["message_id"]
    assert any("another briefgen email run is writing or sending from" in err for _, err in outs)
    # runs one after another in one process (as scripts call the command) each take and release the lock
    from conftest import run_cli

    monkeypatch.chdir(example_project)
    for _ in range(2):
        again = run_cli("email", "specs/peru-china.yaml", "-a", "public", "--send", "--smtp-config", config)
        assert again.exit_code == 0 and "waiting" not in again.output, again.output
    assert smtp_server.handler.received_by(PRESS) == 1

