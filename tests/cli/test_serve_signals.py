"""``briefgen serve``: signals, and processes that die. Ctrl-C, Ctrl-Z and SIGTERM reach a served
command as they reach one alone; a client killed outright takes its command with it, a server
killed mid-command costs its clients nothing; a server's folder is never a link or a file.
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
from serve_support import (
    REPO,
    Server,
    client_env,
    project,
    run_pid,
    server,
    wait_gone,
)

from briefgen.cli import serve_protocol as protocol

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not protocol.supported(), reason="Unix sockets and fork")]
__all__ = ["project", "server"]  # fixtures, used by name


def served_watch(server, project: Path, out: str) -> tuple[subprocess.Popen, int]:
    """A client running ``briefgen watch`` (the public audience into ``out``) through ``server``, and
    the pid of the command's process, returned once the command has built once (it is watching)."""
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "watch", "specs/peru-china.yaml", "-a", "public",
                             "-o", out], cwd=project, env=client_env(server.runtime),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pid = run_pid(server, f"watch specs/peru-china.yaml -a public -o {out}")
    deadline = time.monotonic() + 120
    while not (project / out / "peru-china--public.pdf").exists():
        assert proc.poll() is None and time.monotonic() < deadline, server.text()
        time.sleep(0.02)
    return proc, pid


def test_a_server_killed_mid_command_leaves_the_client_its_command_and_exit_code(tmp_path, project):
    srv = Server(tmp_path / "runtime", tmp_path / "server.log", "--idle", "5")
    ready = tmp_path / "ready"
    try:
        args = ["build", "specs/peru-china.yaml", "--all-audiences", "--no-cache", "-o", "out-k"]
        env = client_env(srv.runtime, BRIEFGEN_TEST_READY_FILE=str(ready))
        proc = subprocess.Popen([sys.executable, "-m", "briefgen", *args], cwd=project, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.005)
        srv.proc.kill()  # SIGKILL: the server says nothing more
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()[-1500:]
        assert b"went away" not in err and out.count(b"out-k/peru-china--") == 3
        assert sorted(p.name for p in (project / "out-k").glob("*.pdf")) == [
            "peru-china--analyst.pdf", "peru-china--executive.pdf", "peru-china--public.pdf"]
    finally:
        srv.stop()


def test_a_client_killed_outright_takes_its_command_with_it(server, project, tmp_path):
    """Alone, SIGKILL ends `briefgen watch` at once; through the server its fork must not go on
    watching (and rebuilding on every save) with no one waiting for it."""
    proc, pid = served_watch(server, project, "out-w")
    proc.kill()
    proc.wait(timeout=30)
    assert wait_gone(pid), server.text()
    assert f"client gone  pid {pid}" in server.text()


def test_a_command_killed_by_a_signal_kills_its_client_by_the_same_signal(server, project):
    proc, pid = served_watch(server, project, "out-s")
    os.kill(pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would
    assert proc.wait(timeout=30) == -signal.SIGKILL  # not 137: a parent sees what it sees alone


def test_ctrl_z_stops_the_served_command_and_fg_resumes_it(server, project, tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "watch", "specs/peru-china.yaml", "-a", "public",
                             "-o", "out-z"], cwd=project, env=client_env(server.runtime),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        pid = run_pid(server, "watch specs/peru-china.yaml -a public -o out-z")
        time.sleep(0.3)  # the client has its handlers (the server named the command)

        def state(p: int) -> str:
            return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()[0]

        proc.send_signal(signal.SIGTSTP)
        deadline = time.monotonic() + 20
        while not (state(pid) == "T" and state(proc.pid) == "T"):
            assert time.monotonic() < deadline, (state(pid), state(proc.pid))
            time.sleep(0.02)
        proc.send_signal(signal.SIGCONT)
        deadline = time.monotonic() + 20
        while state(pid) == "T" or state(proc.pid) == "T":
            assert time.monotonic() < deadline
            time.sleep(0.02)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 130
    finally:
        proc.kill()


def test_a_ctrl_c_relayed_the_moment_the_command_is_accepted_reaches_it(server, project, tmp_path):
    """A client relays a Ctrl-C that came early as soon as the server names the command's process:
    its process group must exist by then, and the command must handle the signal (not die of
    it half-made, nor let it reach the server's own handler)."""
    codes = []
    for attempt in range(5):
        out, err = tmp_path / f"out{attempt}", tmp_path / f"err{attempt}"
        with out.open("wb") as o, err.open("wb") as e, open(os.devnull, "rb") as i:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.connect(server.socket)
            request = subprocess.run([sys.executable, "-c", "import json, sys; from briefgen.cli import serve_protocol "
                                      "as p; print(json.dumps(p.request(sys.argv[1:])))", "briefgen", "watch",
                                      "specs/peru-china.yaml", "-a", "public", "-o", f"out-c{attempt}"], cwd=project,
                                     env=client_env(server.runtime), capture_output=True, check=True).stdout
            protocol.send(sock, json.loads(request))
            reader = protocol.LineReader(sock)
            pid = int(reader.receive()["accepted"])
            protocol.send(sock, {"go": 1}, [i.fileno(), o.fileno(), e.fileno()])
            os.killpg(pid, signal.SIGINT)  # at once, as _Relay.to does with a pending Ctrl-C
            codes.append(reader.receive())
            sock.close()
        assert b"Traceback" not in err.read_bytes()
    assert codes == [{"exit": 130}] * 5, codes
    assert server.proc.poll() is None and "stopping" not in server.text()


def test_a_second_sigterm_interrupts_what_a_stopping_server_waits_for(tmp_path, project):
    srv = Server(tmp_path / "runtime", tmp_path / "server.log", "--idle", "5")
    try:
        proc = subprocess.Popen([sys.executable, "-m", "briefgen", "watch", "specs/peru-china.yaml", "-a", "public",
                                 "-o", "out-t"], cwd=project, env=client_env(srv.runtime),
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        run_pid(srv, "watch specs/peru-china.yaml")
        time.sleep(0.5)
        srv.proc.send_signal(signal.SIGTERM)  # it stops taking commands, and waits for the watch
        deadline = time.monotonic() + 30
        while "stopping: interrupted; waiting for 1 command(s)" not in srv.text():
            assert time.monotonic() < deadline, srv.text()
            time.sleep(0.02)
        assert srv.proc.poll() is None
        srv.proc.send_signal(signal.SIGTERM)  # again: the watch is interrupted, as SIGTERM interrupts it alone
        assert srv.proc.wait(timeout=30) == 0
        _out, err = proc.communicate(timeout=30)
        assert proc.returncode == 143 and b"interrupted" in err and b"Traceback" not in err
    finally:
        srv.stop()


def test_a_server_whose_log_reader_went_away_serves_on(tmp_path, project):
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "serve", "--idle", "5"], cwd=REPO,
                            env=client_env(runtime), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert proc.stdout is not None
        proc.stdout.readline()  # "warming up": then the reader goes (`briefgen serve | head -1`)
        proc.stdout.close()
        status = None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            status = subprocess.run([sys.executable, "-m", "briefgen", "serve", "--status"], env=client_env(runtime),
                                    capture_output=True, timeout=60)
            if status.returncode == 0:
                break
            time.sleep(0.1)
        assert proc.poll() is None and status is not None and status.returncode == 0
        via = subprocess.run([sys.executable, "-m", "briefgen", "--version"], env=client_env(runtime),
                             capture_output=True, timeout=60)
        assert via.returncode == 0 and via.stdout.startswith(b"briefgen ")
        status = subprocess.run([sys.executable, "-m", "briefgen", "serve", "--status"], env=client_env(runtime),
                                capture_output=True, timeout=60)
        assert b"1 command(s) served" in status.stdout
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0


def test_serve_never_trusts_a_link_or_a_file_for_its_folder(tmp_path, server):
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    folder = runtime / f"briefgen-{os.getuid()}"
    folder.write_text("")
    started = subprocess.run([sys.executable, "-m", "briefgen", "serve"], env=client_env(runtime),
                             capture_output=True, timeout=60)
    assert started.returncode == 1 and f"{folder} is a file, not a folder".encode() in started.stderr
    folder.unlink()
    folder.symlink_to(Path(server.socket).parent)  # a server does listen there
    for args in (["serve", "--status"], ["serve", "--stop"], ["serve"]):
        asked = subprocess.run([sys.executable, "-m", "briefgen", *args], env=client_env(runtime),
                               capture_output=True, timeout=60)
        assert asked.returncode == 1 and b"is a symbolic link" in asked.stderr, asked
    assert server.proc.poll() is None and "stopping" not in server.text()


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



def test_a_stopped_server_never_holds_a_command_nor_runs_it_later(tmp_path, project):
    """A server stopped in its terminal (Ctrl-Z: SIGSTOP here) does not answer: the client waits
    ANSWER_WAIT seconds and runs the command itself; its caller, reading its output to the end,
    is not held (the streams go with the go-ahead, never with the request); and the server,
    resumed, never runs it."""
    from briefgen.cli.serve_client import ANSWER_WAIT

    srv = Server(tmp_path / "runtime", tmp_path / "server.log", "--idle", "5")
    try:
        srv.proc.send_signal(signal.SIGSTOP)
        started = time.monotonic()
        run = srv.run(["build", "specs/peru-china.yaml", "-a", "executive", "-o", "out-z"], cwd=project)
        waited = time.monotonic() - started
        assert run.returncode == 0, run.stderr.decode()[-1500:]
        assert (project / "out-z" / "peru-china--executive.pdf").read_bytes().startswith(b"%PDF-")
        assert waited >= ANSWER_WAIT
        pdf = project / "out-z" / "peru-china--executive.pdf"
        made = pdf.stat().st_mtime_ns
        srv.proc.send_signal(signal.SIGCONT)
        status = srv.run(["serve", "--status"], cwd=tmp_path)  # answered once resumed
        assert status.returncode == 0, status.stderr.decode()
        time.sleep(1)
        # resumed, it took the request it was sent while stopped; the client had gone: not run again
        assert pdf.stat().st_mtime_ns == made and "build specs/peru-china.yaml" in srv.text()
    finally:
        srv.proc.send_signal(signal.SIGCONT)
        srv.stop()
