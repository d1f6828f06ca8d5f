"""Chart data from CSV files: ``# source:`` and ``# unit:`` lines, a header row of two or
more columns, then rows as wide as the header whose cells after the first are numbers
(``1,300`` allowed). One reader serves both ``validate`` and the chart stage, so they can
never disagree."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from briefgen.errors import KeyPath, Problem, SpecError, format_key_path


@dataclass(frozen=True)
class CsvTable:
    """A checked chart CSV: ``meta`` (lower-case keys: ``source``, ``unit``, ...), the
    ``header``, the text ``rows``, and ``values`` (the numbers after the first column)."""

    meta: dict[str, str]
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    values: tuple[tuple[float, ...], ...]


def read_chart_csv(path: Path, written: str, src, key: KeyPath) -> CsvTable:
    """Read and check a chart CSV. Raises :class:`SpecError` with every problem, located in
    the CSV's own lines (or at ``key`` of the spec for file-level problems)."""
    problems, table = _read(path, written, src, key)
    if problems or table is None:
        raise SpecError(problems)
    return table


def check_chart_csv(path: Path, written: str, src, key: KeyPath) -> list[Problem]:
    """The problems :func:`read_chart_csv` would raise (empty when the file is good)."""
    return _read(path, written, src, key)[0]


def _read(path: Path, written: str, src, key: KeyPath) -> tuple[list[Problem], CsvTable | None]:
    from briefgen.load.yamlsrc import display_path

    try:
        text = path.read_bytes().decode("utf-8-sig")  # a BOM (spreadsheet export) is not text
    except OSError as exc:
        return [src.problem(key, f"cannot read CSV file {written!r}: {exc.strerror or exc}",
                            code="unreadable-file")], None
    except UnicodeDecodeError as exc:
        return [src.problem(key, f"CSV file {written!r} is not valid UTF-8",
                            got=f"byte 0x{exc.object[exc.start]:02x} at offset {exc.start}",
                            code="encoding")], None
    name = display_path(path)
    where = format_key_path(key)
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
    try:
        start = 0
        for cells in reader:
            rows.append((data_lines[min(start, len(data_lines) - 1)][0], cells))
            start = reader.line_num
    except csv.Error as exc:
        line = data_lines[min(reader.line_num, len(data_lines)) - 1][0]
        return [Problem(name, line, 0, where, f"not valid CSV: {exc}", code="csv")], None
    problems = [src.problem(key, f"CSV {written!r} lacks a '# {needed}:' line",
                            expected=f"'# {needed}: ...' before the header row", code="csv")
                for needed in ("source", "unit") if needed not in meta]
    if len(rows) < 2 or len(rows[0][1]) < 2:
        problems.append(src.problem(key, f"CSV {written!r} needs a header row and data rows of 2+ columns",
                                    code="csv"))
        return problems, None
    (_, header), body = rows[0], rows[1:]
    values: list[tuple[float, ...]] = []
    for number, cells in body:
        if len(cells) != len(header):
            problems.append(Problem(name, number, 0, where,
                                    f"row has {len(cells)} cell{'s' if len(cells) != 1 else ''}, the header has "
                                    f"{len(header)}", expected=", ".join(header), code="csv"))
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
            row.append(value)
        values.append(tuple(row))
    if problems:
        return problems, None
    return [], CsvTable(meta, tuple(header), tuple(tuple(c) for _, c in body), tuple(values))
