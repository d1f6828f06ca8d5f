"""What the build server's tests share (tests/cli/test_serve*.py): a real ``briefgen serve``
process with its own socket folder (``XDG_RUNTIME_DIR``), real ``python -m briefgen`` clients,
and the fixtures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefgen.cli import serve_protocol as protocol

REPO = Path(__file__).resolve().parents[1]
BUILD = ["build", "specs/peru-china.yaml", "-a", "executive", "-o", "out"]


def client_env(runtime: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != protocol.DISABLE_ENV}
    env.update(XDG_RUNTIME_DIR=str(runtime), **extra)
    return env


class Server:
    """A ``briefgen serve`` process with its log file and socket folder."""

    def __init__(self, runtime: Path, log: Path, *args: str) -> None:
        runtime.mkdir(mode=0o700, exist_ok=True)
        self.runtime, self.log = runtime, log
        self.proc = subprocess.Popen([sys.executable, "-m", "briefgen", "serve", *args], cwd=REPO,
                                     env=client_env(runtime), stdout=log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 180
        while "ready:" not in self.text():
            assert self.proc.poll() is None, self.text()
            assert time.monotonic() < deadline, self.text()
            time.sleep(0.05)
        self.socket = self.text().split("ready: ")[1].split(" (pid")[0]

    def text(self) -> str:
        return self.log.read_bytes().decode("utf-8", "surrogateescape") if self.log.exists() else ""

    def run(self, args: list[str], cwd: Path, python: list[str] | None = None, **env: str):
        return subprocess.run([*(python or [sys.executable]), "-m", "briefgen", *args], cwd=cwd,
                              env=client_env(self.runtime, **env), capture_output=True, timeout=300)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:  # pragma: no cover
                self.proc.kill()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("serve")
    srv = Server(tmp / "runtime", tmp / "server.log")
    yield srv
    srv.stop()


@pytest.fixture
def project(copy_example, tmp_path) -> Path:
    return copy_example(tmp_path / "project")


def alone(args: list[str], cwd: Path, **env: str):
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=cwd, capture_output=True, timeout=300,
                          env=dict(os.environ, **env))


def served_pids(server: Server) -> list[int]:
    return [int(line.split("pid ")[1].split()[0]) for line in server.text().splitlines() if "  run   pid " in line]


def run_pid(server: Server, words: str, timeout: float = 60) -> int:
    """The pid of the command the server runs whose log line contains ``words``."""
    deadline = time.monotonic() + timeout
    while True:
        for line in server.text().splitlines():
            if "  run   pid " in line and words in line:
                return int(line.split("pid ")[1].split()[0])
        assert time.monotonic() < deadline, server.text()
        time.sleep(0.02)


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_gone(pid: int, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not alive(pid)
