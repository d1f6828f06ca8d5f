"""Drawing charts in other processes while this one lays out the pages.

Two ways, both built on ``os.fork`` and both falling back to drawing in this process:

* :class:`PendingCharts` (what :meth:`ChartCache.start_many` returns) forks a child for
  the charts missing from the cache. The child imports matplotlib (~0.3 s), then, with two
  charts or more, forks once more so that two processes share the drawing.
* A **pre-started worker** (:func:`prestart`): a build calls it first thing, before it
  reads the spec. The worker imports matplotlib *while* this process imports ReportLab,
  reads and checks the spec and resolves the audience, so the import is paid in parallel
  instead of in front of the drawing. It then draws what it is sent, one job at a time,
  for as long as this process lives (every audience of ``build --all-audiences`` uses
  it), and leaves when this process closes its end of the pipe (or exits). When every
  chart is cached, it is sent nothing and its import was spent on an idle core; on a
  machine with one usable core, none is started.

Results travel back as pickled ``chart.id -> PDF bytes``. A worker that fails in any way
returns nothing for the charts concerned, and :meth:`PendingCharts.result` draws them
here, so the errors raised (RenderError, FontCoverageError) are the ones a plain build
raises and the bytes are the same either way (tests/charts/test_chartfonts.py checks both).
"""

from __future__ import annotations

import os
import pickle
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

# Nothing of briefgen at the top: the launcher imports this module to fork the worker first
# thing (:func:`prestart`), and what the worker needs it imports after the fork, in parallel.
if TYPE_CHECKING:  # pragma: no cover
    from briefgen.charts.store import ChartStore
    from briefgen.charts.style import ChartStyle


def chart_weight(chart) -> int:
    """Rough relative drawing cost of ``chart`` (its kind's :attr:`ChartKind.cost`; 1 for a
    kind that cannot be looked up), to share charts between two processes."""
    from briefgen.model.chart_kinds import CHART_KINDS
    from briefgen.model.kinds import KindPluginError

    try:
        kind = CHART_KINDS.get(chart.kind)
    except KindPluginError:  # drawing it raises (in this process too, which reports it)
        kind = None
    return kind.cost if kind is not None else 1


_DRAW_HERE = [False]  # set by drawing_here()


def can_fork() -> bool:
    """True when drawing in a forked child is safe: ``os.fork`` exists and this process
    runs no other thread (a fork copies only the calling thread; locks held by others
    would stay locked in the child); False inside :func:`drawing_here`."""
    return hasattr(os, "fork") and threading.active_count() == 1 \
        and threading.current_thread() is threading.main_thread() and not _DRAW_HERE[0]


@contextmanager
def drawing_here() -> Iterator[None]:
    """Within the ``with`` body, charts are drawn in this process, not in a worker or a forked
    child (the build server's warm-up, :mod:`briefgen.cli.warmup`: matplotlib's caches of fonts
    and text then live in the server, and every process it forks starts with them)."""
    _DRAW_HERE[0] = True
    try:
        yield
    finally:
        _DRAW_HERE[0] = False


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity where the OS tells it)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1


# --------------------------------------------------------------------------- one-shot child
def _fork(work: Callable[[], dict]) -> tuple[int, int]:
    """Run ``work()`` (returning a picklable dict) in a forked child; return its pid and
    the read end of a pipe carrying the pickled result. The child leaves with
    ``os._exit`` (never running this process's exit handlers); on failure it sends
    nothing and exits 1."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read_fd)
            payload = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(write_fd, "wb") as fh:
                fh.write(payload)
            code = 0
        except BaseException:  # the parent draws what is missing itself
            pass
        finally:
            os._exit(code)
    os.close(write_fd)
    return pid, read_fd


def _collect(pid: int, fd: int) -> dict:
    """The result sent by :func:`_fork`'s child (empty if it failed)."""
    chunks = []
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(1 << 16):
            chunks.append(chunk)
    _pid, status = os.waitpid(pid, 0)
    if status != 0:
        return {}
    try:
        return pickle.loads(b"".join(chunks))
    except Exception:  # pragma: no cover - a truncated message
        return {}


def _kill(pid: int) -> None:
    import signal

    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except OSError:
        pass


def draw_split(cache: "ChartStore", charts: list, style: "ChartStyle",
               keys: dict[str, str] | None = None) -> dict[str, bytes]:
    """Draw ``charts`` through ``cache`` (in a chart process): import matplotlib once, then,
    with two charts or more, fork again so that two processes share the drawing (heaviest
    charts first, each to the less loaded process). ``keys``: ``chart.id -> cache key``
    where the caller has them (the others are computed). Returns ``chart.id -> bytes``."""
    from briefgen.charts.render import warm_up

    if len(charts) < 2:
        return _noting_failures(cache.get_many(charts, style, keys=keys))
    warm_up(style)  # inherited by the second process: imported once
    groups: list[list] = [[], []]
    load = [0, 0]
    for chart in sorted(charts, key=lambda c: -chart_weight(c)):
        k = 0 if load[0] <= load[1] else 1
        groups[k].append(chart)
        load[k] += chart_weight(chart)
    pid, fd = _fork(lambda: _noting_failures(cache.get_many(groups[1], style, keys=keys)))
    out = cache.get_many(groups[0], style, keys=keys)
    out.update(_taking_failures(_collect(pid, fd)))
    return _noting_failures(out)


FAILURES = "\0cache-write-failures"
"""The key under which a chart process's results carry the cache folders it could not
write (:data:`briefgen.charts.store.WRITE_FAILURES`); no chart id holds a NUL."""


def _taking_failures(drawn: dict) -> dict[str, bytes]:
    """``drawn`` from another process, without the cache write failures it carries (those
    join this process's :data:`WRITE_FAILURES`)."""
    from briefgen.charts.store import WRITE_FAILURES

    WRITE_FAILURES.update(drawn.pop(FAILURES, None) or {})
    return drawn


def _noting_failures(drawn: dict) -> dict:
    """``drawn`` plus this process's cache write failures (for the parent to report)."""
    from briefgen.charts.store import WRITE_FAILURES

    if WRITE_FAILURES:
        drawn[FAILURES] = dict(WRITE_FAILURES)
    return drawn


# --------------------------------------------------------------------------- pre-started worker
_HEADER = struct.Struct("!Q")  # length of the pickled message that follows, in bytes


def _send(fd: int, obj) -> None:
    blob = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(blob)) + blob)
    while view:
        view = view[os.write(fd, view):]


def _receive(fd: int):
    """The next message, or None at end of file (the other side closed or died)."""

    def exactly(n: int) -> bytes | None:
        parts, left = [], n
        while left:
            part = os.read(fd, min(left, 1 << 20))
            if not part:
                return None
            parts.append(part)
            left -= len(part)
        return b"".join(parts)

    head = exactly(_HEADER.size)
    if head is None:
        return None
    body = exactly(_HEADER.unpack(head)[0])
    return None if body is None else pickle.loads(body)


def _serve(jobs: int, results: int) -> None:
    """The worker's life: import matplotlib, then answer jobs until end of file."""
    from briefgen import collector
    from briefgen.charts.keys import _code_digest, _matplotlib_version
    from briefgen.charts.render import import_drawing
    from briefgen.charts.store import ChartStore

    try:  # everything a job needs but its data and style, while the parent reads the spec
        from briefgen.compat.fonttools import import_subsetter_lean
        from briefgen.compat.matplotlib import import_without_3d_axes

        import_subsetter_lean()  # this process subsets no SVG tables
        import_without_3d_axes()  # nor draws in 3D
        import_drawing()  # the job's style is prepared when it comes (draw_split)
        import briefgen.model.chart_kinds  # noqa: F401  (chart_weight's lookup)
        _code_digest()
        _matplotlib_version()
        import filelock  # noqa: F401  (the cache's entry locks; ~10 ms to import)
    except Exception:  # pragma: no cover - drawing will fail (and be redone) per job
        pass
    collector.release()  # forked while the command line held the collector off: imports done
    while True:
        job = _receive(jobs)
        if job is None:
            return
        root, max_bytes, enabled, charts, style, keys = job
        try:
            drawn = draw_split(ChartStore(root, max_bytes=max_bytes, enabled=enabled), charts, style, keys)
        except BaseException:  # the parent draws them itself and raises what it raises
            drawn = {}
        _send(results, drawn)


class ChartWorker:
    """A forked process that imports matplotlib now and draws charts when asked.

    One job at a time: :meth:`submit` then :meth:`collect`. :meth:`close` (or this
    process's exit) ends it. A worker whose job is abandoned (see :meth:`abandon`) is
    killed, never reused.
    """

    def __init__(self) -> None:
        job_r, job_w = os.pipe()
        res_r, res_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                os.close(job_w)
                os.close(res_r)
                _serve(job_r, res_w)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(job_r)
        os.close(res_w)
        self.pid: int | None = pid
        self._jobs, self._results = job_w, res_r
        self.busy = False

    @property
    def alive(self) -> bool:
        return self.pid is not None

    def submit(self, cache: "ChartStore", charts: list, style: "ChartStyle",
               keys: dict[str, str] | None = None) -> bool:
        """Send a job (the charts to draw through ``cache``, with their cache ``keys``, chart.id
        -> key, where known); False if the worker is gone."""
        try:
            _send(self._jobs, (cache.root, cache.max_bytes, cache.enabled,
                               [c.for_drawing() for c in charts], style, dict(keys or {})))
        except (OSError, pickle.PicklingError, TypeError, AttributeError):
            self.close()
            return False
        self.busy = True
        return True

    def collect(self) -> dict[str, bytes]:
        """``chart.id -> PDF bytes`` of the job submitted (empty if the worker failed)."""
        self.busy = False
        try:
            drawn = _receive(self._results)
        except Exception:  # a truncated or garbled answer
            drawn = None
        if drawn is None:
            self.close()
            return {}
        return drawn

    def abandon(self) -> None:
        """The submitted job's result is not wanted (the layout failed): end the worker."""
        self.close()

    def close(self) -> None:
        """End the worker now (killed: it may be importing or drawing)."""
        if self.pid is None:
            return
        for fd in (self._jobs, self._results):
            try:
                os.close(fd)
            except OSError:
                pass
        _kill(self.pid)
        self.pid = None


_WORKER: ChartWorker | None = None


def prestart() -> ChartWorker | None:
    """Start the process-wide chart worker unless one runs, forking is unsafe (see
    :func:`can_fork`) or fewer than two cores are usable. Returns it (or None)."""
    global _WORKER
    if _WORKER is not None and _WORKER.alive:
        return _WORKER
    if not can_fork() or usable_cores() < 2:
        return None
    try:
        _WORKER = ChartWorker()
    except OSError:  # pragma: no cover - out of processes or pipes
        _WORKER = None
    return _WORKER


def take_worker() -> ChartWorker | None:
    """The pre-started worker if it is alive and idle (else None)."""
    worker = _WORKER
    return worker if worker is not None and worker.alive and not worker.busy else None


def stop_worker() -> None:
    """End the pre-started worker (tests; a process that will not draw again)."""
    global _WORKER
    if _WORKER is not None:
        _WORKER.close()
        _WORKER = None


# --------------------------------------------------------------------------- per build
class PendingCharts:
    """Charts being drawn in another process (see :meth:`ChartCache.start_many`).

    The misses go to the pre-started worker when there is one, else to a child forked
    now. It draws them through the same cache (entries written, lock files honoured) and
    sends the PDF bytes back. If it fails for any reason, :meth:`result` draws the charts
    in this process instead, so the errors raised (RenderError, FontCoverageError) are the
    ones a plain build raises.
    """

    def __init__(self, cache: "ChartStore", charts: list, style, background: bool) -> None:
        self.cache, self.charts, self.style = cache, charts, style
        self._pid: int | None = None
        self._fd: int | None = None
        self._worker: ChartWorker | None = None
        self._keys: dict[str, str] | None = None
        if not (background and charts):
            return
        missing = [c for c in charts if not self._cached(c)]
        if not missing:
            return
        worker = take_worker()
        keys = self.keys if cache.enabled else None
        if worker is not None and worker.submit(cache, missing, style, keys):
            self._worker = worker
        elif can_fork():
            self._pid, self._fd = _fork(lambda: draw_split(cache, missing, style, keys))

    @property
    def in_background(self) -> bool:
        """True while charts are being drawn in another process."""
        return self._pid is not None or self._worker is not None

    @property
    def keys(self) -> dict[str, str]:
        """``chart.id -> cache key`` of every chart, computed once."""
        if self._keys is None:
            from briefgen.charts.keys import chart_key

            self._keys = {c.id: chart_key(c, self.style) for c in self.charts}
        return self._keys

    def _cached(self, chart) -> bool:
        if not self.cache.enabled:
            return False
        key = self.keys[chart.id]
        return self.cache._recall(key) is not None or self.cache.path_for(key).is_file()

    def result(self) -> dict[str, bytes]:
        """``chart.id -> PDF bytes`` for every chart (waits for the other process)."""
        drawn: dict[str, bytes] = {}
        if self._worker is not None:
            drawn = self._worker.collect()
            self._worker = None
        elif self._pid is not None and self._fd is not None:
            drawn = _collect(self._pid, self._fd)
            self._pid = None
        drawn = _taking_failures(drawn)
        rest = [c for c in self.charts if c.id not in drawn]  # the other process's failures too
        out = self.cache.get_many(rest, self.style, keys=self.keys) if rest else {}
        for chart in self.charts:
            if chart.id in drawn:
                self.cache.misses += 1
                out[chart.id] = drawn[chart.id]
                if self.cache.enabled:
                    self.cache._remember(self.keys[chart.id], drawn[chart.id])
        return out

    def cancel(self) -> None:
        """Stop the drawing (its result is not wanted, e.g. the layout failed)."""
        if self._worker is not None:
            self._worker.abandon()
            self._worker = None
        if self._pid is not None:
            try:
                os.close(self._fd)  # type: ignore[arg-type]  # set with the pid
            except OSError:
                pass
            _kill(self._pid)
            self._pid = None

    __del__ = cancel  # never leave a zombie behind


__all__ = ["ChartWorker", "chart_weight", "PendingCharts", "can_fork", "draw_split", "drawing_here", "prestart",
           "stop_worker", "take_worker", "usable_cores"]
