"""Issue 17, item 6: text as written. A ``|`` block's lines stay separate lines (in
templates and in claims); long URLs break after ``/ ? & = -`` and never inside a number;
invisible format characters are never drawn; a NUL written as ``"\\0"`` is refused with
its file and line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import TESTS, pdf_pages_text

from briefgen.document.model import LineBreak, Text
from briefgen.document.runs import inline_runs
from briefgen.errors import SpecError
from briefgen.layout.linebreak import break_points
from briefgen.pipeline.build import BuildOptions, build, prepare
from briefgen.text.inline import paragraphs

MINI = TESTS / "data" / "bad" / "template-too-large"
URL = ("https://data.example.org/reports/2025/peru-rail/annex-12345678901234567890/table?year=2024"
       "&series=freight-revenue&format=csv&id=98765432109876543210&token=abcdefghijabcdefghij")
BODY = f"""\
The steps, as listed:
1. Lima signs the concession.
2. Beijing finances the port.
3. Washington answers.

- a bullet
  that continues on a second line
- another bullet

See {URL} for the data.

Z\u200bW\u200cN\u200dJ\u2060W\ufeffB\u200eL\u200fR\u202aE\u202cT\u2066I\u2069S done.
"""


def mini_project(root: Path, body: str = BODY, statement: str | None = None) -> Path:
    """The mini project of the bad-input corpus (tests/data/bad/template-too-large), its
    template replaced by ``body`` (and the claim's statement by ``statement``)."""
    shutil.copytree(MINI, root)
    (root / "expected.yaml").unlink()
    spec = root / "spec.yaml"
    text = spec.read_text(encoding="utf-8")
    head = text[:text.index("    template: |")]
    spec.write_text(head + "    template: |\n" + "".join(f"      {line}\n" for line in body.splitlines()),
                    encoding="utf-8")
    if statement is not None:
        kb = root / "kb" / "kb.yaml"
        kb.write_text(re.sub(r"statement: .*", lambda _m: f"statement: {statement}", kb.read_text(encoding="utf-8")),
                      encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def lines(tmp_path_factory) -> list[str]:
    """The lines of the mini project's PDF text (pypdfium2, reading order)."""
    root = tmp_path_factory.mktemp("faithful")
    spec = mini_project(root / "project")
    result = build(spec, "analyst", BuildOptions(out_dir=root / "out", cache_dir=root / "cache", write=False))
    lines = [line.strip() for page in pdf_pages_text(result.pdf) for line in page.splitlines()]
    return [re.sub(r"^(?:• )?\(TLP:[A-Z+]+\) ", "", line) for line in lines]  # any portion marking aside


def test_numbered_lines_of_a_block_stay_separate_lines(lines) -> None:
    start = lines.index("The steps, as listed:")
    assert lines[start:start + 4] == ["The steps, as listed:", "1. Lima signs the concession.",
                                      "2. Beijing finances the port.", "3. Washington answers."]


def test_a_bullet_keeps_its_continued_line() -> None:
    assert paragraphs("- a bullet\n  that continues\n- another\nafter it") == [
        ("bullet", "a bullet\nthat continues"), ("bullet", "another"), ("p", "after it")]
    assert paragraphs("one\ntwo\n\nthree") == [("p", "one\ntwo"), ("p", "three")]


def test_line_breaks_in_a_claim_are_line_break_runs_and_emphasis_still_spans_them() -> None:
    runs = inline_runs("1. **first\nstill bold**\n2. second")
    assert runs == (Text("1. "), Text("first", bold=True), LineBreak(), Text("still bold", bold=True), LineBreak(),
                    Text("2. second"))


def test_a_long_url_breaks_after_a_separator_never_inside_a_number(lines) -> None:
    expected = f"See {URL} for the data."
    start = next(i for i, line in enumerate(lines) if line.startswith("See https://"))
    pos, breaks = 0, 0
    for line in lines[start:]:
        if pos:
            if expected[pos] == " ":
                pos += 1  # an ordinary break between words
            else:  # a break inside the URL
                breaks += 1
                assert expected[pos - 1] in "/?&=-", expected[pos - 8:pos + 8]
                assert not (expected[pos - 1].isdigit() and expected[pos].isdigit())
        assert expected.startswith(line, pos), (line, expected[pos:])
        pos += len(line)
        if pos == len(expected):
            break
    assert pos == len(expected) and breaks >= 1


def test_break_points_prefer_separators_and_skip_digit_runs() -> None:
    heads = [head for head, _ in break_points("https://x.org/a1234/b?c=56789&d-e")]
    assert heads[:6] == ["https://x.org/a1234/b?c=56789&d-", "https://x.org/a1234/b?c=56789&",
                         "https://x.org/a1234/b?c=", "https://x.org/a1234/b?", "https://x.org/a1234/",
                         "https://x.org/"]
    assert all(not (h[-1:].isdigit() and t[:1].isdigit()) for h, t in break_points("https://x.org/2025/12345678"))
    assert "https:/" not in heads
    assert break_points("plainword") is None


def test_invisible_format_characters_are_never_drawn(lines) -> None:
    assert "ZWNJWBLRETIS done." in lines


def test_a_nul_written_as_an_escape_is_refused_with_file_and_line(tmp_path, monkeypatch) -> None:
    spec = mini_project(tmp_path / "project", "Plain text.", statement='"China Minmetals backs\\0 the freight."')
    monkeypatch.chdir(spec.parent)
    with pytest.raises(SpecError) as info:
        prepare("spec.yaml")
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.key) == ("kb/kb.yaml", 19, "claims[0].statement")
    assert "control character U+0000" in problem.message
