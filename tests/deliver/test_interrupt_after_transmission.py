"""Ctrl-C or SIGTERM (a cron job's ``timeout``) that arrives once a message's final line has left
waits for the server's answer and records it in the send log before the run ends: before this
fix the run ended at once, the send log never heard of a message the server had kept, and the
rerun sent it again (the recipient got two copies)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import run_cli
from smtp_server import HOST

pytestmark = pytest.mark.usefixtures("no_smtp_env")

PRESS = "press@example.org"


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGINT])
def test_an_interruption_while_the_server_answers_is_recorded_so_no_rerun_sends_twice(
        example_project, smtp_server, tmp_path, monkeypatch, how) -> None:
    smtp_server.handler.data_delay = 2.0  # the server holds the whole message, its 250 still to come
    config = tmp_path / "smtp.toml"
    config.write_text(f'[smtp]\nhost = "{HOST}"\nport = {smtp_server.port}\ntls = "none"\n')
    env = {**os.environ, "BRIEFGEN_CACHE_DIR": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "email", "specs/peru-china.yaml", "-a", "public",
                             "--send", "--smtp-config", str(config), "--json"], cwd=example_project, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while smtp_server.handler.data_attempts == 0 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert smtp_server.handler.data_attempts == 1
    time.sleep(0.3)  # the final dot has left: the server is "thinking"
    proc.send_signal(how)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == (143 if how == signal.SIGTERM else 130), stderr
    assert json.loads(stdout)["errors"][0]["code"] == "interrupted"
    assert smtp_server.handler.received_by(PRESS) == 1
    (record,) = [json.loads(line) for line in (example_project / "output/sent-log.jsonl").read_text().splitlines()]
    assert (record["outcome"], record["accepted"]) == ("sent", [PRESS])

    smtp_server.handler.data_delay = 0
    monkeypatch.chdir(example_project)
    rerun = run_cli("email", "specs/peru-china.yaml", "-a", "public", "--send", "--smtp-config", config, "--json")
    assert rerun.exit_code == 0, rerun.output
    assert json.loads(rerun.stdout)["deliveries"][0]["status"] == "nothing-to-send"
    assert smtp_server.handler.received_by(PRESS) == 1  # not sent twice
