"""``briefgen serve``: a command run through the build server writes, prints and exits exactly
as it does alone, in the client's folder and environment; Ctrl-C reaches it; a client of other
code, a socket left by a dead server and a folder others may write are never trusted.

Each server here is a real ``python -m briefgen serve`` with its own socket folder
(``XDG_RUNTIME_DIR``); the clients are real ``python -m briefgen`` processes.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefgen.cli import serve_protocol as protocol

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not protocol.supported(), reason="Unix sockets and fork")]

REPO = Path(__file__).resolve().parents[2]
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
        return self.log.read_text() if self.log.exists() else ""

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


def test_a_build_through_the_server_writes_and_prints_what_a_build_alone_does(server, project, tmp_path):
    before = len(served_pids(server))
    via = server.run(BUILD, cwd=project, BRIEFGEN_CACHE_DIR=str(tmp_path / "cache-a"))
    assert len(served_pids(server)) == before + 1, server.text()  # the server ran it
    by_itself = alone([*BUILD[:-1], "out-alone"], cwd=project, BRIEFGEN_CACHE_DIR=str(tmp_path / "cache-b"))
    assert via.returncode == by_itself.returncode == 0, via.stderr.decode()[-1500:]
    for name in ("peru-china--executive.pdf", "peru-china--executive.json"):
        assert (project / "out" / name).read_bytes() == (project / "out-alone" / name).read_bytes()
    assert via.stderr == by_itself.stderr  # the same warnings, located the same way
    assert via.stdout.split(b"  ")[:4] == by_itself.stdout.replace(b"out-alone", b"out").split(b"  ")[:4]
    # the command used the client's environment: its chart cache is where the client said
    assert any((tmp_path / "cache-a").rglob("*")) and "exit 0" in server.text()


def test_the_project_the_server_warmed_up_on_builds_the_same_through_it(server, tmp_path):
    """The warm-up built the starter project: what it left in the server's memory (caches keyed by
    content) must not change a later build of that same project, any audience, PDF or HTML."""
    init = server.run(["init", str(tmp_path / "served")], cwd=tmp_path)
    assert init.returncode == 0, init.stderr.decode()
    alone(["init", str(tmp_path / "alone")], cwd=tmp_path)
    build = ["build", "specs/calder-bay.yaml", "--all-audiences", "--format", "pdf,html", "-o", "out"]
    via = server.run(build, cwd=tmp_path / "served")
    by_itself = alone(build, cwd=tmp_path / "alone")
    assert via.returncode == by_itself.returncode == 0, via.stderr.decode()[-1500:]
    served = {p.relative_to(tmp_path / "served" / "out"): p.read_bytes()
              for p in (tmp_path / "served" / "out").glob("*.*")}
    assert sorted(p.suffix for p in served) == [".html", ".html", ".json", ".json", ".pdf", ".pdf"]
    for name, data in served.items():
        assert data == (tmp_path / "alone" / "out" / name).read_bytes(), name


def test_bad_input_fails_the_same_way_with_the_same_located_errors(server, project):
    spec = project / "specs" / "peru-china.yaml"
    spec.write_text(spec.read_text().replace("default_audience:", "default_audiense:", 1))
    via = server.run(["validate", "specs/peru-china.yaml"], cwd=project)
    by_itself = alone(["validate", "specs/peru-china.yaml"], cwd=project)
    assert via.returncode == by_itself.returncode == 2
    assert via.stderr == by_itself.stderr and b"default_audiense" in via.stderr and b"Traceback" not in via.stderr
    via_json = server.run(["validate", "specs/peru-china.yaml", "--json"], cwd=project)
    assert via_json.returncode == 2
    assert json.loads(via_json.stdout) == json.loads(alone(["validate", "specs/peru-china.yaml", "--json"],
                                                           cwd=project).stdout)


def test_help_and_version_are_served_as_they_print_alone(server, project):
    before = len(served_pids(server))
    for args in (["--version"], ["build", "--help"]):
        via = server.run(args, cwd=project)
        by_itself = alone(args, cwd=project)
        assert via.returncode == by_itself.returncode == 0
        assert via.stdout == by_itself.stdout and via.stdout.strip()
    assert len(served_pids(server)) == before + 2
    assert all(pid != os.getpid() for pid in served_pids(server))


def test_ctrl_c_reaches_the_served_command_and_nothing_is_half_written(server, project, tmp_path):
    ready = tmp_path / "ready"
    out = project / "out-int"
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "build", "specs/peru-china.yaml", "--all-audiences",
                             "--format", "pdf,html", "--no-cache", "-o", str(out)], cwd=project,
                            env=client_env(server.runtime, BRIEFGEN_TEST_READY_FILE=str(ready)),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not ready.exists():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, err.decode()[-800:]
    assert b"interrupted" in err and b"Traceback" not in err
    assert not out.exists() or not [p for p in out.rglob("*") if p.name.startswith(".")]  # no temporary files


def test_a_client_of_other_code_runs_by_itself_and_the_server_retires(tmp_path, project):
    srv = Server(tmp_path / "runtime", tmp_path / "server.log", "--idle", "5")
    try:
        # -X dev: other interpreter settings, so another fingerprint
        via = srv.run(BUILD, cwd=project, python=[sys.executable, "-X", "dev"])
        assert via.returncode == 0, via.stderr.decode()[-1500:]
        assert b"runs code older or other than this command's" in via.stderr
        assert (project / "out" / "peru-china--executive.pdf").exists()
        assert srv.proc.wait(timeout=60) == 0
        assert "a client runs other code" in srv.text() and not served_pids(srv)
        assert not Path(srv.socket).exists()
    finally:
        srv.stop()


def test_status_stop_and_a_second_server(tmp_path):
    srv = Server(tmp_path / "runtime", tmp_path / "server.log", "--idle", "5")
    try:
        status = srv.run(["serve", "--status"], cwd=tmp_path)
        assert status.returncode == 0 and f"pid {srv.proc.pid}".encode() in status.stdout
        second = srv.run(["serve"], cwd=tmp_path)
        assert second.returncode == 1 and b"a build server already runs" in second.stderr
        stop = srv.run(["serve", "--stop"], cwd=tmp_path)
        assert stop.returncode == 0 and b"stopping" in stop.stdout
        assert srv.proc.wait(timeout=60) == 0 and not Path(srv.socket).exists()
        gone = srv.run(["serve", "--status"], cwd=tmp_path)
        assert gone.returncode == 1 and b"no build server runs" in gone.stderr
    finally:
        srv.stop()


def test_an_idle_server_stops_by_itself(tmp_path):
    srv = Server(tmp_path / "runtime", tmp_path / "server.log", "--idle", "0.02")  # 1.2 s
    try:
        assert srv.proc.wait(timeout=60) == 0
        assert "stopping: idle for 1.2 s" in srv.text()
    finally:
        srv.stop()


def test_a_socket_left_by_a_dead_server_or_in_a_folder_others_may_write_is_not_used(tmp_path, project):
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = client_env(runtime)
    path = subprocess.run([sys.executable, "-c", "from briefgen.cli.serve_protocol import socket_path; "
                           "print(socket_path())"], env=env, capture_output=True, text=True, check=True).stdout.strip()
    Path(path).parent.mkdir(mode=0o700)
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(path)
    dead.close()  # the file stays, nobody listens
    run = subprocess.run([sys.executable, "-m", "briefgen", *BUILD], cwd=project, env=env, capture_output=True)
    assert run.returncode == 0 and run.stderr.count(b"warning") and not run.stderr.count(b"build server")
    Path(path).parent.chmod(0o777)
    assert not protocol.trusted_folder(str(Path(path).parent))
    Path(path).parent.chmod(0o700)
    assert protocol.trusted_folder(str(Path(path).parent))
    srv = Server(runtime, tmp_path / "server.log", "--idle", "5")  # the dead socket is replaced
    try:
        assert srv.socket == path
    finally:
        srv.stop()


def test_the_fingerprint_follows_the_package_files(tmp_path, monkeypatch):
    import briefgen

    package = tmp_path / "pkg"
    package.mkdir()
    (package / "a.py").write_text("x = 1\n")
    monkeypatch.setattr(briefgen, "__path__", [str(package)])
    first = protocol.fingerprint()
    assert protocol.fingerprint() == first
    (package / "a.py").write_text("x = 22\n")  # another size
    assert protocol.fingerprint() != first
    second = protocol.fingerprint()
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"compiled")
    assert protocol.fingerprint() == second  # compiled files follow the sources


def test_messages_travel_whole_with_their_descriptors(tmp_path):
    left, right = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    r, w = os.pipe()
    protocol.send(left, {"argv": ["briefgen", "build", "ü"], "env": {"X": "a\udcff"}}, [r, w, w])
    protocol.send(left, {"exit": 3})
    reader = protocol.LineReader(right)
    first = reader.receive(with_fds=True)
    assert first == {"argv": ["briefgen", "build", "ü"], "env": {"X": "a\udcff"}} and len(reader.fds) == 3
    assert reader.receive() == {"exit": 3}
    os.write(reader.fds[1], b"through")
    assert os.read(r, 7) == b"through"
    left.close()
    assert reader.receive() is None
    for fd in (r, w, *reader.fds):
        os.close(fd)
