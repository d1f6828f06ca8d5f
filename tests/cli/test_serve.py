"""``briefgen serve``: a command run through the build server writes, prints and exits exactly
as it does alone, in the client's folder, environment and process settings; a client of other
code, a socket left by a dead server and a folder others may write are never trusted (signals
and processes that die: test_serve_signals.py).

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
from serve_support import (
    BUILD,
    REPO,
    Server,
    alone,
    client_env,
    project,
    run_pid,
    served_pids,
    server,
)

from briefgen.cli import serve_protocol as protocol

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not protocol.supported(), reason="Unix sockets and fork")]
__all__ = ["project", "server"]  # fixtures, used by name


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


def test_a_client_of_other_settings_runs_alone_and_a_server_of_changed_code_retires(tmp_path, project):
    srv = Server(tmp_path / "runtime", tmp_path / "server.log", "--idle", "5")
    try:
        # -X dev, or LC_ALL=C (Python's UTF-8 mode): the same code under other interpreter settings.
        # The command runs alone, printing exactly what it prints alone; the server serves on.
        for python, env in (([sys.executable, "-X", "dev"], {}), ([sys.executable], {"LC_ALL": "C"})):
            via = srv.run(["validate", "specs/peru-china.yaml"], cwd=project, python=python, **env)
            by_itself = subprocess.run([*python, "-m", "briefgen", "validate", "specs/peru-china.yaml"], cwd=project,
                                       env=dict(os.environ, **env), capture_output=True, timeout=300)
            assert via.returncode == by_itself.returncode == 0, via.stderr.decode()[-1500:]
            assert via.stderr == by_itself.stderr and via.stdout == by_itself.stdout
        assert srv.proc.poll() is None and not served_pids(srv) and "stopping" not in srv.text()
        assert srv.run(["--version"], cwd=project).returncode == 0 and len(served_pids(srv)) == 1
        # an edit of briefgen after the server started: its code is stale, it says so and retires
        source = REPO / "briefgen" / "cli" / "diff.py"
        st = source.stat()
        os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
        try:
            via = srv.run(BUILD, cwd=project)
        finally:
            os.utime(source, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert via.returncode == 0, via.stderr.decode()[-1500:]
        assert via.stderr.count(b"runs code older or other than this command's") == 1
        assert (project / "out" / "peru-china--executive.pdf").exists() and len(served_pids(srv)) == 1
        assert srv.proc.wait(timeout=60) == 0
        assert "its code changed" in srv.text() and not Path(srv.socket).exists()
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


def test_a_command_that_raises_ends_as_alone_and_never_returns_into_the_server(server, project):
    """A command that fails with an exception the app does not catch (here: an output folder
    named with bytes that are not UTF-8) ends as it ends alone; its process must not go on to run
    the server's own code (it printed the server's '[Errno 9] Bad file descriptor')."""
    args = ["build", "specs/peru-china.yaml", "-a", "public", "-o", os.fsdecode(b"out\xff")]
    before = len(served_pids(server))
    via = server.run(args, cwd=project)
    by_itself = alone(args, cwd=project)
    assert len(served_pids(server)) == before + 1
    assert via.returncode == by_itself.returncode != 0
    assert via.stderr.strip().splitlines()[-1] == by_itself.stderr.strip().splitlines()[-1]
    assert b"Bad file descriptor" not in via.stderr and b"error: [Errno" not in via.stderr
    status = server.run(["serve", "--status"], cwd=project)
    assert status.returncode == 0 and f"pid {server.proc.pid},".encode() in status.stdout
    assert server.text().count("ready:") == 1 and "stopped" not in server.text()


def test_shell_completion_looks_for_the_clients_shell_not_the_servers(server, project):
    """`--show-completion` finds the shell among the process's ancestors: a forked process has
    the server's (here pytest's shell), so it runs alone."""
    before = len(served_pids(server))
    env = {k: v for k, v in client_env(server.runtime).items() if k != "SHELL"}
    command = f"{sys.executable} -m briefgen --show-completion"
    via = subprocess.run(["sh", "-c", command], cwd=project, env=env, capture_output=True, timeout=60)
    by_itself = subprocess.run(["sh", "-c", command], cwd=project, env=dict(env, BRIEFGEN_SERVER="off"),
                               capture_output=True, timeout=60)
    assert (via.returncode, via.stdout, via.stderr) == (by_itself.returncode, by_itself.stdout, by_itself.stderr)
    assert len(served_pids(server)) == before


def test_one_server_serves_every_name_of_the_environments_interpreter(server, project):
    """`python -m briefgen`, `python3 -m briefgen` and the `briefgen` script (whose first line names
    python3) of one environment are one interpreter: one server serves them all."""
    names = [Path(sys.executable).with_name(n) for n in ("python", "python3", "briefgen")]
    assert len({p.resolve() for p in names[:2]}) == 1
    before = len(served_pids(server))
    for path in names:
        command = [str(path), "--version"] if path.name == "briefgen" else [str(path), "-m", "briefgen", "--version"]
        via = subprocess.run(command, cwd=project, env=client_env(server.runtime), capture_output=True, timeout=60)
        assert via.returncode == 0 and via.stdout.startswith(b"briefgen ") and not via.stderr
    assert len(served_pids(server)) == before + 3, server.text()


def test_the_command_takes_the_clients_limits_and_priority_or_runs_alone(server, project):
    """`ulimit -f`, `nice` and `sg`: what a process is besides folder and environment."""
    import resource

    def small_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))

    args = ["build", "specs/peru-china.yaml", "-a", "public", "-o"]
    before = len(served_pids(server))
    via = subprocess.run([sys.executable, "-m", "briefgen", *args, "out-f"], cwd=project, preexec_fn=small_files,
                         env=client_env(server.runtime), capture_output=True, timeout=300)
    by_itself = subprocess.run([sys.executable, "-m", "briefgen", *args, "out-f"], cwd=project,
                               preexec_fn=small_files, capture_output=True, timeout=300)
    assert len(served_pids(server)) == before + 1
    assert via.returncode == by_itself.returncode == 1 and b"File too large" in via.stderr
    assert via.stderr == by_itself.stderr

    proc = subprocess.Popen([sys.executable, "-m", "briefgen", "watch", "specs/peru-china.yaml", "-a", "public",
                             "-o", "out-n"], cwd=project, env=client_env(server.runtime), preexec_fn=lambda: os.nice(5),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        pid = run_pid(server, "watch specs/peru-china.yaml -a public -o out-n")
        wanted = os.getpriority(os.PRIO_PROCESS, 0) + 5
        deadline = time.monotonic() + 20  # the server logs the command before it has become the client's
        while os.getpriority(os.PRIO_PROCESS, pid) != wanted and time.monotonic() < deadline:
            time.sleep(0.02)
        assert os.getpriority(os.PRIO_PROCESS, pid) == wanted
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)

    before = len(served_pids(server))  # string hashing with another seed: only a fresh interpreter has it
    seeded = server.run(["--version"], cwd=project, PYTHONHASHSEED="7")
    assert seeded.returncode == 0 and len(served_pids(server)) == before
    assert server.run(["--version"], cwd=project).returncode == 0 and len(served_pids(server)) == before + 1

    if os.geteuid() == 0:  # another group (as `sg` gives): files of that group, so it runs alone
        before = len(served_pids(server))
        other = subprocess.run([sys.executable, "-m", "briefgen", *args, "out-g"], cwd=project,
                               preexec_fn=lambda: os.setgid(4242), env=client_env(server.runtime),
                               capture_output=True, timeout=300)
        assert other.returncode == 0 and len(served_pids(server)) == before
        assert (project / "out-g" / "peru-china--public.pdf").stat().st_gid == 4242


def test_charts_follow_the_matplotlibrc_of_the_commands_folder(server, project, tmp_path):
    """matplotlib reads ./matplotlibrc (or $MATPLOTLIBRC...) when imported: alone, in the command's
    folder; the server imported it in its own."""
    (project / "matplotlibrc").write_text("lines.linewidth: 9\naxes.grid: True\nxtick.major.size: 20\n")
    args = ["build", "specs/peru-china.yaml", "-a", "analyst", "--no-cache", "-o"]
    via = server.run([*args, "out-via"], cwd=project)
    by_itself = alone([*args, "out-alone"], cwd=project)
    assert via.returncode == by_itself.returncode == 0, via.stderr.decode()[-1500:]
    name = "peru-china--analyst.pdf"
    assert (project / "out-via" / name).read_bytes() == (project / "out-alone" / name).read_bytes()
    (project / "matplotlibrc").unlink()  # and the next command, without one, draws with matplotlib's defaults
    again = server.run([*args, "out-again"], cwd=project)
    plain = alone([*args, "out-plain"], cwd=project)
    assert again.returncode == plain.returncode == 0
    assert (project / "out-again" / name).read_bytes() == (project / "out-plain" / name).read_bytes()
    assert (project / "out-plain" / name).read_bytes() != (project / "out-alone" / name).read_bytes()  # it counts
