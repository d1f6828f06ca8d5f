"""What ``briefgen batch`` shows: a live progress display while the briefings are built, then
a summary table and one line per failure.

:class:`ProgressEvents` receives :mod:`briefgen.pipeline.batch`'s progress callbacks (it is an
:class:`~briefgen.pipeline.jobs.Events`); :func:`summary_table` and :func:`describe_failures`
read the finished :class:`~briefgen.pipeline.jobs.BatchItem` list. Sizes are shown in KB
(1024 bytes), times in seconds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from briefgen.pipeline.jobs import BatchItem, Job

if TYPE_CHECKING:
    from rich.progress import TaskID


_UNDER_WAY: list[tuple[int, str, int, Callable[[], int]]] = []
"""The batch being built, for :func:`interrupted_note`: its number of variants, its output folder,
the commit count when it started and the function that counts
(:func:`briefgen.deliver.output.commits_completed`: kept here, so the note imports nothing)."""


def batch_started(variants: int, out_dir: object) -> None:
    """Remember that ``variants`` are about to be built into ``out_dir`` (for
    :func:`interrupted_note`). Each variant is one commit of this process (local workers and
    a Dask cluster alike: only this process writes)."""
    from briefgen.deliver.output import commits_completed

    _UNDER_WAY[:] = [(variants, str(out_dir), commits_completed(), commits_completed)]


def interrupted_note() -> str:
    """For an interrupted batch, what is in place: ``3 of 12 variants complete and in place in
    output (the other 9 not written)``; "" when no batch was under way. Made for a signal
    handler (:func:`briefgen.cli.interrupts.batch_note`): reads two counters and formats them (no
    import, lock or I/O); the commit count is kept while signals are held, so a variant whose
    files are in place is counted."""
    if not _UNDER_WAY:
        return ""
    total, out_dir, start, count = _UNDER_WAY[0]
    done = min(total, count() - start)
    return (f"{done} of {total} variant{'' if total == 1 else 's'} complete and in place in {out_dir}"
            + (f" (the other {total - done} not written)" if done < total else ""))


def failed(items: Iterable[BatchItem]) -> list[BatchItem]:
    """The items that were not built (status ``failed`` or ``invalid``), in order."""
    return [i for i in items if not i.ok]


def summary_table(items: list[BatchItem], *, title: str = "Batch"):
    """A rich Table: briefing, audience, pages, size, seconds, status (one row each)."""
    from rich.markup import escape
    from rich.table import Table

    ok = sum(1 for i in items if i.ok)
    table = Table(title=f"{title}: {ok} of {len(items)} built", title_justify="left")
    for col in ("briefing", "audience", "pages", "size", "seconds", "status"):
        table.add_column(col, no_wrap=True,
                         justify="right" if col in ("pages", "size", "seconds") else "left")
    for i in items:
        status = "[green]ok[/]" if i.ok else f"[red]{i.status}[/]"
        table.add_row(escape(i.briefing), escape(shown_audience(i)), str(i.pages) if i.ok and i.pages else "-",
                      f"{i.size / 1024:.0f} KB" if i.ok else "-", f"{i.seconds:.2f}", status)
    return table


class ProgressEvents:
    """A rich progress display: one bar for the batch, one line per worker showing the
    briefing it is building. Use as a context manager."""

    def __init__(self, console, total: int, workers: int, *, description: str = "Building") -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.text import Text

        class OverallOnly(ProgressColumn):
            """Shows ``column`` on the batch's line only; worker lines (tasks without a
            total) show just their briefing."""

            def __init__(self, column) -> None:
                super().__init__()
                self.column = column

            def render(self, task):
                return self.column.render(task) if task.total is not None else Text("")

        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description}"),
                                 OverallOnly(BarColumn()), OverallOnly(MofNCompleteColumn()),
                                 OverallOnly(TimeElapsedColumn()), console=console, transient=True)
        self.total = self.progress.add_task(description, total=total)
        self.slots: dict[int, TaskID] = {}
        self.open: dict[int, int] = {}  # jobs started and not yet finished, per slot
        self.workers = max(1, workers)

    def __enter__(self) -> "ProgressEvents":
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def _slot(self, slot: int) -> TaskID:
        if slot not in self.slots:
            self.slots[slot] = self.progress.add_task("", total=None)
        return self.slots[slot]

    def started(self, job: Job, slot: int) -> None:
        from rich.markup import escape

        self.open[slot] = self.open.get(slot, 0) + 1
        label = f"worker {slot + 1}" if self.workers > 1 else "building"
        self.progress.update(self._slot(slot), description=f"  {label}: {escape(job.label)}", visible=True)

    def finished(self, item: BatchItem, slot: int) -> None:
        from rich.markup import escape

        self.progress.advance(self.total)
        if not item.ok:
            self.progress.console.print(f"[red]{item.status}[/] {escape(item.briefing)} / "
                                        f"{escape(shown_audience(item))}: {escape(item.message)}", soft_wrap=True)
        # a worker's next job may start before its last one's files are written and reported
        self.open[slot] = max(0, self.open.get(slot, 0) - 1)
        task = self.slots.get(slot)
        if task is not None and not self.open[slot]:
            self.progress.update(task, description="  (idle)")


def describe_failures(items: list[BatchItem], print_fn: Callable[[str], None]) -> None:
    """One line per failed briefing (plain text, for logs)."""
    for i in failed(items):
        print_fn(f"{i.briefing} / {shown_audience(i)} ({i.spec}): {i.status}: {i.message}")


def shown_audience(item: BatchItem) -> str:
    """An item's audience as the table and the failure lines show it: ``-`` when unknown (a spec
    that did not validate)."""
    return item.audience or "-"
