"""A quote left open in a chart CSV is reported at the quote, not as a row of the wrong width
(:func:`briefgen.load.csvdata.check_chart_csv`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from briefgen.errors import Problem
from briefgen.load.csvdata import check_chart_csv

KEY = ("sections", 0, "charts", 0, "csv")
HEAD = "# source: Customs office\n# unit: t\nyear,trade\n"


class _Spec:
    """Stands for the spec: file-level problems are located at its key."""

    def problem(self, key: Any, message: str, **kw: Any) -> Problem:
        return Problem("spec.yaml", 1, 1, "sections[0].charts[0].csv", message, **kw)


def problems(tmp_path: Path, body: str, *, numeric: bool = True) -> list[Problem]:
    path = tmp_path / "data.csv"
    path.write_text(HEAD + body, encoding="utf-8")
    return check_chart_csv(path, "data.csv", _Spec(), KEY, numeric=numeric)


def test_a_quote_never_closed_is_located_at_the_quote(tmp_path: Path) -> None:
    [p] = problems(tmp_path, "2019,4\n2020,\"5\n2021,6\n")
    assert (p.line, p.column, p.code) == (5, 6, "csv")
    assert p.message == ("the quote (\") opened at line 5, column 6 is never closed on its line: "
                         "the cell runs to the end of the file")
    assert p.expected == "a closing quote (\") before the end of the line, or a cell without quotes"


@pytest.mark.parametrize("ending", ["\n", ""])
def test_a_quote_never_closed_on_the_last_line_is_located_at_the_quote(tmp_path: Path, ending: str) -> None:
    """On the last line the open cell ends with the file, so the reader sees no line break taken in."""
    [p] = problems(tmp_path, "2019,4\n2020,\"5" + ending)
    assert (p.line, p.column, p.code) == (5, 6, "csv")
    assert p.message.endswith("is never closed on its line: the cell runs to the end of the file")


def test_a_quote_closed_on_a_later_line_names_that_line(tmp_path: Path) -> None:
    [p] = problems(tmp_path, "\"2019,4\n2020,5\n2021,\"6\"\n2022,7\n")
    assert (p.line, p.column) == (4, 1)
    assert p.message.endswith("the cell runs on to the first quote of line 6")


def test_a_quote_never_closed_in_a_large_file_is_still_the_quote(tmp_path: Path) -> None:
    """The open cell outgrows the csv module's field limit (131,072 characters): its error is not
    what the author needs to read."""
    rows = "".join(f"{2000 + i % 20},{i}\n" for i in range(20_000))
    [p] = problems(tmp_path, "1999,\"3\n" + rows)
    assert (p.line, p.column) == (4, 6)
    assert "never closed on its line" in p.message


@pytest.mark.parametrize("body", ['2019,"4"\n2020,5\n', '2019,"1,300"\n', 'x"y,4\n'])
def test_closed_doubled_and_inner_quotes_are_read(tmp_path: Path, body: str) -> None:
    found = problems(tmp_path, body)
    assert not [p for p in found if "quote" in p.message], found


def test_doubled_quotes_inside_a_text_cell_close_on_their_line(tmp_path: Path) -> None:
    assert problems(tmp_path, '2019,"a ""quoted"" word"\n2020,b\n', numeric=False) == []


def test_a_text_table_with_an_open_quote_is_refused(tmp_path: Path) -> None:
    [p] = problems(tmp_path, 'Callao,"busiest\nChancay,"new, 2024"\nMatarani,quiet\n', numeric=False)
    assert (p.line, p.column) == (4, 8)
    assert p.message.endswith("the cell runs on to the first quote of line 5")
