"""A long table laid out in time proportional to its rows.

ReportLab's ``Table.split`` builds the rest of the table as a new ``Table`` of *all* the remaining
rows at every page break and measures it again (span ranges, span rectangles, row heights), so a
table of n rows over p pages costs n x p: 3,000 claims took 10 s, 10,000 claims 78 s (issue 18).

:class:`LongTable` keeps the rows and the style commands of the whole table and hands ReportLab,
at each page break, a *window*: a :class:`~briefgen.layout.tagged.TaggedTable` of the repeated
header rows and just enough of the following rows to fill the space plus a few pages more.
ReportLab splits that window as it would split the whole rest (it only looks at the rows up to the
break), its first part is drawn on the page, and the rest is a new :class:`LongTable` starting at
the first row not drawn. Each row is measured once per width (the heights are shared by every
window of the table).

The style commands of a window are the table's, mapped as ReportLab maps them for the part after
a break (``Table._cr_1_1`` and ``_splitLineCmds``, ReportLab 4.2-5.1): commands on the header rows
stay; commands on body rows move with their rows; a command running across skipped rows starts at
the first body row of the window (so row stripes start again on each page, as ReportLab draws
them); a grid or box cut by the break is cut into its lines as ReportLab cuts it. The pages look
the same as ReportLab's (compared as page images, ``tests/layout/test_longtable.py``).

When ReportLab splits a row of paragraphs inside itself (``splitInRow``: no whole row fits
under the header), the window's rest (the row's rest first) is split on the next page; that
window is made 1.2 frame heights higher than the space, so its rest overflows the next page, and
the rows after it come back as windows once a break falls between rows again. A row of text
cells (strings) split inside itself hands the rest of the table to ReportLab whole (its later
splits then differ from a window's).
Tables with commands this mapping does not cover (named split rows, spans or no-split ranges
below the header) are laid out by ReportLab alone (:func:`windowable`). The structure elements
are the same as for one ``TaggedTable``: the cells say which rows they are (``_briefgen_cell``),
the windows after the first repeat the header as an artifact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from reportlab.platypus.flowables import Flowable

from briefgen.compat.reportlab import VERSION_OK, table_row_count, table_row_heights
from briefgen.layout.tagged import TaggedTable

__all__ = ["LONG_TABLE_ROWS", "LazyRows", "LongTable", "long_table", "windowable"]

LONG_TABLE_ROWS = 120
"""Body rows from which a table is laid out by :class:`LongTable` (below, ReportLab's own
splitting costs little and its output stays byte for byte what it was)."""

_LINE_OPS = {"GRID", "BOX", "OUTLINE", "INNERGRID", "LINEBELOW", "LINEABOVE", "LINEBEFORE", "LINEAFTER"}
_CUT_OPS = {"SPAN", "NOSPLIT"}


def windowable(commands: list[tuple], header: int) -> bool:
    """Whether the style ``commands`` of a table with ``header`` repeated rows can be mapped onto
    windows: no named rows (``splitfirst``, ``splitlast``, ``inrowsplitstart`` ...) and spans or
    no-split ranges only within the header rows."""
    for cmd in commands:
        (_sc, sr), (_ec, er) = cmd[1], cmd[2]
        if isinstance(sr, str) or isinstance(er, str):
            return False
        if cmd[0] in _CUT_OPS and not (0 <= sr < header and 0 <= er < header):
            return False
    return True


class LazyRows:
    """The rows of a long table made when a window needs them: ``count`` rows, row ``i`` being
    ``make_row(i)`` (a list of cells, flowables only: a text cell would change how a row splits),
    kept until :meth:`release` (the rows before the one a page starts with are drawn). A row
    asked for again after its release is made again, the same.

    Only the rows of a page or two (and the header's) are alive at a time: a table of 10,000
    claims would otherwise hold 50,000 paragraphs (their markup, fragments and broken lines)
    from the story's making to the table's end."""

    def __init__(self, count: int, make_row: Callable[[int], list[Any]], keep: int = 0) -> None:
        self.count, self.make_row, self.keep = count, make_row, keep
        self._made: dict[int, list[Any]] = {}

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self.count))]
        if index < 0:
            index += self.count
        if not 0 <= index < self.count:
            raise IndexError(index)
        row = self._made.get(index)
        if row is None:
            row = self._made[index] = self.make_row(index)
        return row

    def __iter__(self) -> Iterator[list[Any]]:
        return (self[i] for i in range(self.count))

    def release(self, before: int) -> None:
        """Forget the rows from ``keep`` (the header rows stay) to ``before``."""
        for index in [i for i in self._made if self.keep <= i < before]:
            del self._made[index]


def long_table(rows: list[list[Any]] | LazyRows, commands: list[tuple], *, header: int, frame_height: float,
               **table_kw: Any) -> Flowable:
    """The flowable of a table of ``rows`` (a list, or :class:`LazyRows`; the first ``header``
    repeated on every page) styled by ``commands``: a :class:`LongTable` when it is long and its
    commands can be windowed, else a :class:`TaggedTable`. ``frame_height`` (points): the height
    of a page's frame. ``table_kw`` are the Table's keywords (colWidths, renderCB ...)."""
    if VERSION_OK and len(rows) - header >= LONG_TABLE_ROWS and windowable(commands, header):
        return LongTable(_Rows(rows, commands, header, frame_height, table_kw), header)
    table = TaggedTable(list(rows), repeatRows=header, **table_kw)
    table.setStyle(commands)
    return table


class _Rows:
    """What every window of one table shares: its rows, commands, header row count, the frame
    height (points), the Table keywords, whether its body cells are all flowables
    (``paragraph_cells``) and the measured heights of its rows by available width."""

    def __init__(self, rows: list[list[Any]] | LazyRows, commands: list[tuple], header: int, frame_height: float,
                 table_kw: dict[str, Any]) -> None:
        self.rows, self.header, self.frame_height, self.kw = rows, header, frame_height, table_kw
        self.paragraph_cells = isinstance(rows, LazyRows) or not any(
            isinstance(cell, str) for row in rows[header:] for cell in row)
        total = len(rows)
        self.commands = [_resolved(cmd, total) for cmd in commands]
        self.heights: dict[float, list[float | None]] = {}
        self.mean: dict[float, float] = {}
        # A wrap asking for more than a frame can hold (a KeepTogether of a heading and the table asks
        # 0xfffffff points) gets a window of this height: any decision taken on the answer compares it
        # with a frame's height, so "higher than this" decides alike, and the whole table is never
        # measured in one window (ReportLab's row measuring is quadratic in a table's rows).
        self.measure_limit = 2.5 * frame_height

    def window(self, start: int, stop: int) -> TaggedTable:
        """A Table of the header rows and rows ``start:stop`` with the commands mapped onto it.
        (Its rows are measured again, not given their known heights: ReportLab splits a row of
        given height differently.)"""
        header = self.header
        table = TaggedTable(self.rows[:header] + self.rows[start:stop], repeatRows=header, **self.kw)
        table.setStyle(window_commands(self.commands, header, start, header + stop - start))
        if start > header:
            table._briefgen_repeats = header  # the header rows drawn again: artifacts
        return table

    def measured(self, width: float, start: int, stop: int, table: TaggedTable) -> None:
        """Keep the heights of rows ``start:stop`` measured in the wrapped window ``table``."""
        heights = self.heights.setdefault(width, [None] * len(self.rows))
        measured = table_row_heights(table)
        heights[:self.header] = measured[:self.header]
        heights[start:stop] = measured[self.header:]
        if stop > start:
            self.mean[width] = sum(measured[self.header:]) / (stop - start)

    def stop_for(self, width: float, start: int, need: float) -> int:
        """The end of a window from ``start`` whose rows are at least ``need`` points high (a row
        not measured yet counts as high as the mean of the last window: once measured, a window
        that falls short is widened)."""
        heights = self.heights.get(width) or [None] * len(self.rows)
        guess = self.mean.get(width, 12.0)  # a row not measured yet: like the rows measured so far
        stop, total, have = start, len(self.rows), 0.0
        while stop < total and have < need:
            height = heights[stop]
            have += height if height is not None else guess
            stop += 1
        return stop


class LongTable(Flowable):
    """The rows from ``start`` (and the header) of a long table, split into windows (module doc).
    ``pending``: the rest of a window after ReportLab split a row of paragraphs inside itself (the
    row's rest first), to be split on the next page; ``pending_stop`` the first row after it."""

    def __init__(self, shared: _Rows, start: int, pending: TaggedTable | None = None, pending_stop: int = 0):
        super().__init__()
        self.shared, self.start = shared, start
        self.pending, self.pending_stop = pending, pending_stop  # see the class doc
        self.hAlign = shared.kw.get("hAlign", "LEFT")
        self._window: TaggedTable | None = None

    def _fitting_window(self, width: float, need: float) -> TaggedTable:
        """The window from ``start`` at least ``need`` points high (or holding every row left)."""
        shared, total = self.shared, len(self.shared.rows)
        if isinstance(shared.rows, LazyRows):
            shared.rows.release(self.start)  # the rows before this part are on earlier pages
        stop = shared.stop_for(width, self.start, need * 1.1)  # a little more than the guess: measured once
        while True:
            window = shared.window(self.start, stop)
            _w, height = window.wrap(width, need)
            shared.measured(width, self.start, stop, window)
            window._width_at, window._height_for = width, need
            if height >= need or stop >= total:
                return window
            stop = shared.stop_for(width, self.start, need)  # now measured: widen to the need

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self.pending is not None:
            self._window = self.pending
            self.width, self.height = self.pending.wrap(availWidth, availHeight)
            return self.width, self.height
        window = self._window
        need = min(availHeight + 1, self.shared.measure_limit)
        if window is None or window._width_at != availWidth or window._height_for < need:
            window = self._window = self._fitting_window(availWidth, need)
        width, height = window._width, window._height
        self.width, self.height = width, height
        return width, height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self.wrap(availWidth, availHeight)  # the window of the last wrap, if it was as wide and high
        window = self._window
        assert window is not None  # wrap() always leaves one
        if self.pending is not None and window._height <= availHeight:  # a row over two frames: go on below
            return [window, LongTable(self.shared, self.pending_stop)] \
                if self.pending_stop < len(self.shared.rows) else [window]
        parts = self._split(window, availWidth, availHeight)
        if len(parts) == 3 and not self.shared.paragraph_cells:
            # a text cell split inside its row: from here on ReportLab splits all the rows left itself
            return self.shared.window(self.start, len(self.shared.rows)).split(availWidth, availHeight)
        if len(parts) == 3 and self.pending is None:
            # split inside a row: the window's rest must overflow the next page (1.2 frames more)
            window = self._window = self._fitting_window(availWidth, availHeight + 1.2 * self.shared.frame_height)
            parts = self._split(window, availWidth, availHeight)
        if len(parts) == 3:
            first, rest, _ = parts
            stop = self.pending_stop if self.pending is not None else self._stop(window)
            return [first, LongTable(self.shared, stop, pending=rest, pending_stop=stop)]
        return parts

    def _stop(self, window: TaggedTable) -> int:
        """The row after the last row of ``window`` (made from ``start``)."""
        return self.start + table_row_count(window) - self.shared.header

    def _split(self, window: TaggedTable, availWidth: float, availHeight: float) -> list:  # noqa: N803
        """ReportLab's split of ``window``: [] or [window] as ReportLab returns them, [page part,
        LongTable of the rest] for a split between rows, [page part, window rest, None] for a split
        inside a row."""
        parts = window.split(availWidth, availHeight)
        if len(parts) != 2:
            return parts  # [] (nothing fits) or [window] (all of it fits)
        first, rest = parts
        header = self.shared.header
        left = table_row_count(rest) - header  # body rows of the window not drawn on this page
        if table_row_count(first) + left > table_row_count(window):
            return [first, rest, None]
        stop = self.pending_stop if self.pending is not None else self._stop(window)
        return [first, LongTable(self.shared, stop - left)]

    @property
    def window(self) -> TaggedTable | None:
        """The Table this part draws (the header and the rows on this page): known once wrapped,
        None before (a change bar reads its rows' keys and positions from it)."""
        return self._window

    def drawOn(self, canvas: Any, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        window = self._window
        if window is None:
            raise RuntimeError("a LongTable drawn before it was wrapped")  # platypus always wraps first
        window.drawOn(canvas, x, y, _sW)

    def identity(self, maxLen: int | None = None) -> str:  # noqa: N803
        return f"<LongTable from row {self.start} of {len(self.shared.rows)}>"


# ---------------------------------------------------------------------- command mapping
def _resolved(cmd: tuple, total: int) -> tuple:
    """``cmd`` with negative row indices counted from the end of a table of ``total`` rows."""
    (sc, sr), (ec, er) = cmd[1], cmd[2]
    return (cmd[0], (sc, sr + total if sr < 0 else sr), (ec, er + total if er < 0 else er), *cmd[3:])


def window_commands(commands: list[tuple], header: int, start: int, length: int) -> list[tuple]:
    """``commands`` (rows resolved, :func:`_resolved`) of a whole table, mapped onto a window of
    its ``header`` rows and ``length - header`` rows from ``start`` (module doc)."""
    out: list[tuple] = []
    last = length - 1
    for cmd in commands:
        (sc, sr), (ec, er) = cmd[1], cmd[2]
        if start == header:  # nothing skipped: the table's own commands, cut at the window's end
            if sr <= last:
                out.append((cmd[0], (sc, sr), (ec, min(er, last)), *cmd[3:]))
            continue
        pieces = _line_pieces(cmd, start) if cmd[0] in _LINE_OPS and sr < start <= er else [cmd]
        for piece in pieces:
            out.extend(_mapped(piece, header, start, last))
    return out


def _mapped(cmd: tuple, header: int, start: int, last: int) -> list[tuple]:
    """The commands ``cmd`` becomes in the window: its part on the header rows, and its part on
    rows from ``start`` moved up under the header (ReportLab's ``_cr_1_1``)."""
    (sc, sr), (ec, er) = cmd[1], cmd[2]
    op, rest = cmd[0], cmd[3:]
    out: list[tuple] = []
    if sr < header:
        out.append((op, (sc, sr), (ec, min(er, header - 1)), *rest))
    if er >= start:
        body_sr = max(sr - start, 0) + header
        body_er = min(er - start + header, last)
        if body_sr <= body_er:
            out.append((op, (sc, body_sr), (ec, body_er), *rest))
    return out


def _line_pieces(cmd: tuple, n: int) -> list[tuple]:
    """A line command cut by a break before row ``n``, as ReportLab's ``_splitLineCmds`` cuts it
    (between rows, not inside one)."""
    op, (sc, sr), (ec, er), rest = cmd[0], cmd[1], cmd[2], cmd[3:]
    if op in ("BOX", "OUTLINE", "GRID"):
        pieces = [("LINEABOVE", (sc, sr), (ec, sr), *rest), ("LINEBEFORE", (sc, sr), (sc, er), *rest),
                  ("LINEAFTER", (ec, sr), (ec, er), *rest), ("LINEBELOW", (sc, er), (ec, er), *rest)]
        if op == "GRID":
            pieces += [("LINEABOVE", (sc, n), (ec, n), *rest), ("INNERGRID", (sc, sr), (ec, er), *rest)]
        return pieces
    if op == "INNERGRID":
        return [("LINEABOVE", (sc, n), (ec, n), *rest), cmd]
    if op == "LINEBELOW" and er >= n - 1:
        return [("LINEABOVE", (sc, n), (ec, n), *rest), cmd]
    return [cmd]
