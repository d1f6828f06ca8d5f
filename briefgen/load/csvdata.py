"""Chart data from CSV files: ``# source:`` and ``# unit:`` lines, a header row of two or
more columns, then rows as wide as the header whose cells after the first are numbers
(``1,300`` allowed), finite and at most :data:`~briefgen.model.units.MAX_MAGNITUDE` in
magnitude. A table's CSV (``numeric=False``) holds text cells instead, needs no
``# unit:`` line, and an empty cell reads :data:`NOT_STATED`. One reader serves both
``validate`` and the chart stage, so they can never disagree."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import KeyPath, Problem, SpecError
from briefgen.load.textcodec import looks_like_utf16, undecodable_at, utf8_advice
from briefgen.model.units import MAX_MAGNITUDE
from briefgen.regular_files import read_regular

MAX_BYTES = 8 * 1024 * 1024
"""Largest chart CSV accepted (8 MiB, about 300,000 rows of a date and two numbers):
larger files are refused, not read. Read at each call, so tests may lower it."""

MAX_ROWS = 250_000
"""Most data rows a chart CSV may have."""

NOT_STATED = "not stated"
"""What an empty cell of a table's CSV shows: the source gives no value (never a blank that
could be read as zero or as an omission of ours)."""


@dataclass(frozen=True)
class CsvTable:
    """A checked chart CSV: ``meta`` (lower-case keys: ``source``, ``unit``, ...), the
    ``header``, the text ``rows``, and ``values`` (the numbers after the first column; empty
    for a table's text cells)."""

    meta: dict[str, str]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    values: tuple[tuple[float, ...], ...]


def read_chart_csv(path: Path, written: str, src, key: KeyPath, *, numeric: bool = True) -> CsvTable:
    """Read and check a chart CSV (``numeric``: cells after the first are numbers; else text,
    as a table takes them). Raises :class:`SpecError` with every problem, located in the
    CSV's own lines (or at ``key`` of the spec for file-level problems); each names ``key`` as
    the spec file that names the CSV writes it (``src.problem``: a parent's own path under ``extends``)."""
    problems, table = _read(path, written, src, key, numeric)
    if problems or table is None:
        raise SpecError(problems)
    return table


def check_chart_csv(path: Path, written: str, src, key: KeyPath, *, numeric: bool = True) -> list[Problem]:
    """The problems :func:`read_chart_csv` would raise (empty when the file is good)."""
    return _read(path, written, src, key, numeric)[0]


def _read(path: Path, written: str, src, key: KeyPath, numeric: bool = True) -> tuple[list[Problem], CsvTable | None]:
    from briefgen.load.yamlsrc import display_path

    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # refused before reading, like YAML files (briefgen.load.yamlsrc)
            return [src.problem(key, f"CSV file {written!r} is too large", expected=f"at most {MAX_BYTES} bytes",
                                got=f"{size} bytes", code="too-large")], None
        raw = read_regular(path)
        text = raw.decode("utf-8-sig")  # a BOM (spreadsheet export) is not text
    except OSError as exc:
        return [src.problem(key, f"cannot read CSV file {written!r}: {exc.strerror or exc}",
                            code="unreadable-file")], None
    except UnicodeDecodeError as exc:  # named at the byte, in the CSV file, as YAML files are
        at_line, at_column = undecodable_at(exc.object, exc.start)
        return [Problem(display_path(path), at_line, at_column, src.problem(key, "").key,
                        f"CSV file {written!r} is not valid UTF-8", got=f"byte 0x{exc.object[exc.start]:02x}",
                        expected=utf8_advice(exc.object), code="encoding")], None
    if "\x00" in text and looks_like_utf16(raw):
        return [src.problem(key, f"CSV file {written!r} is not valid UTF-8", got="UTF-16 text",
                            expected=utf8_advice(raw), code="encoding")], None
    name = display_path(path)
    where = src.problem(key, "").key  # the spec's key as written in the file that names the CSV
    meta: dict[str, str] = {}
    data_lines: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("#"):
            k, _, v = line[1:].partition(":")
            meta[k.strip().lower()] = v.strip()
        elif line.strip():
            data_lines.append((number, line))
    rows: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO("\n".join(line for _, line in data_lines)))
    spanning: list[Problem] = []  # a quoted cell running past its line: reported instead of its row
    start = 0
    try:
        for cells in reader:
            spans = reader.line_num - start > 1  # a quoted cell took in a line break
            last = reader.line_num >= len(data_lines)  # a quote left open there just ends with the file
            quote = _unclosed_quote(data_lines[start:reader.line_num], name, where) if spans or last else None
            if quote is not None:
                spanning.append(quote)
            else:
                rows.append((data_lines[min(start, len(data_lines) - 1)][0], cells))
            start = reader.line_num
    except csv.Error as exc:
        quote = _unclosed_quote(data_lines[start:], name, where)  # never closed: a cell over the field limit
        if quote is not None:
            return [*spanning, quote], None
        bad_line = data_lines[min(reader.line_num, len(data_lines)) - 1][0]
        return [Problem(name, bad_line, 0, where, f"not valid CSV: {exc}", code="csv")], None
    if spanning:
        return spanning, None
    problems = [src.problem(key, f"CSV {written!r} lacks a '# {needed}:' line",
                            expected=f"'# {needed}: ...' before the header row", code="csv")
                for needed in (("source", "unit") if numeric else ("source",)) if needed not in meta]
    if len(rows) < 2 or len(rows[0][1]) < 2:
        other = _other_separator([line for _, line in data_lines])
        problems.append(src.problem(
            key, f"CSV {written!r} needs a header row and data rows of 2+ columns"
                 + (f"; its values seem to be separated by {other}, but briefgen reads comma-separated values"
                    if other else ""),
            expected="a header row and data rows of 2+ columns, separated by commas", code="csv"))
        return problems, None
    (_, header), body = rows[0], rows[1:]
    if len(body) > MAX_ROWS:
        problems.append(src.problem(key, f"CSV {written!r} has too many rows", expected=f"at most {MAX_ROWS}",
                                    got=f"{len(body)} rows", code="too-large"))
        return problems, None
    values: list[tuple[float, ...]] = []
    text_rows: list[tuple[str, ...]] = []
    for number, cells in body:
        if len(cells) != len(header):
            problems.append(Problem(name, number, 0, where,
                                    f"row has {len(cells)} cell{'s' if len(cells) != 1 else ''}, the header has "
                                    f"{len(header)}", expected=", ".join(header), code="csv"))
            continue
        if not numeric:
            text_rows.append(tuple(cell.strip() or NOT_STATED for cell in cells))
            continue
        row: list[float] = []
        for column, cell in zip(header[1:], cells[1:]):
            try:
                value = float(cell.replace(",", ""))
            except ValueError:
                problems.append(Problem(name, number, 0, where, f"column {column!r}: not a number",
                                        got=repr(cell), expected="a number such as 65 or 1,300", code="csv"))
                continue
            if value != value or value in (float("inf"), float("-inf")):
                problems.append(Problem(name, number, 0, where, f"column {column!r}: not a finite number",
                                        got=repr(cell), code="csv"))
                continue
            if abs(value) > MAX_MAGNITUDE:  # invented digits on the chart, or no chart at all
                problems.append(Problem(name, number, 0, where, f"column {column!r}: too large to chart exactly "
                                        f"(numbers beyond {MAX_MAGNITUDE:g} lose digits); state the column in a "
                                        f"larger unit ('# unit:' line), or check it", got=repr(cell),
                                        expected=f"a number from {-MAX_MAGNITUDE:g} to {MAX_MAGNITUDE:g}", code="csv"))
                continue
            row.append(value)
        values.append(tuple(row))
    if problems:
        return problems, None
    rows_out = tuple(text_rows) if not numeric else tuple(tuple(c) for _, c in body)
    return [], CsvTable(meta, tuple(header), rows_out, tuple(values))


_SEPARATORS = {";": "semicolons (';')", "\t": "tabs", "|": "vertical bars ('|')"}


def _other_separator(lines: list[str]) -> str:
    """How the lines seem to separate their values when it is not with commas (a spreadsheet
    exported with another list separator): the name of that separator, or "" when none is
    used alike on every line."""
    for sep, name in _SEPARATORS.items():
        counts = {line.count(sep) for line in lines[:20]}
        if lines and len(counts) == 1 and counts != {0}:
            return name
    return ""


def _unclosed_quote(lines: list[tuple[int, str]], name: str, where: str) -> Problem | None:
    """The problem of the quote that opens a cell and is not closed on its line, in the record that
    starts at ``lines[0]`` (numbered lines of file ``name``; ``where``: the spec key naming it),
    located at the quote; None when no cell of that record runs past its line. Quotes are read as
    :mod:`csv`'s default dialect reads them: a quote opens a cell only at its start, ``""`` inside is
    a quote, any quote elsewhere is text. A cell cannot span lines here (comment and blank lines are
    dropped before the rows are read), so such a quote was meant to be closed on its line."""
    for i, (number, line) in enumerate(lines):
        column = _open_at_end(line)
        if column is None:
            continue
        closing = _closing_line(lines[i + 1:])
        runs = (f"the cell runs on to the first quote of line {closing}" if closing is not None
                else "the cell runs to the end of the file")
        return Problem(name, number, column, where, f"the quote (\") opened at line {number}, column {column} is "
                                                    f"never closed on its line: {runs}",
                       expected='a closing quote (") before the end of the line, or a cell without quotes',
                       code="csv")
    return None


def _open_at_end(line: str) -> int | None:
    """The 1-based column of the quote that opens a cell still open at the end of ``line``, or None."""
    quoted, field_start, opened = False, True, 0
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if quoted:
            if ch == '"':
                if i + 1 < n and line[i + 1] == '"':
                    i += 1  # "" inside a quoted cell
                else:
                    quoted = False
        elif ch == ",":
            field_start = True
            i += 1
            continue
        elif ch == '"' and field_start:
            quoted, opened = True, i + 1
        field_start = False
        i += 1
    return opened if quoted else None


def _closing_line(lines: list[tuple[int, str]]) -> int | None:
    """The file line of the first lone quote in ``lines`` (which closes a cell opened before them), or None."""
    for number, line in lines:
        at = line.find('"')
        while at >= 0:
            if line[at + 1:at + 2] != '"':
                return number
            at = line.find('"', at + 2)
    return None
