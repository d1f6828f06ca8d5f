"""Chart cache: hits skip rendering, keys ignore what does not change the drawing, writers
in several processes, LRU eviction, corrupt entries, disabled cache."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import multiprocessing
import os
from pathlib import Path

import pypdf
import pytest
from reportlab.pdfgen import canvas as rl_canvas

import briefgen.charts as charts
from briefgen.charts.cache import ChartCache, chart_key, default_root, looks_like_pdf
from briefgen.charts.style import ChartStyle
from briefgen.compat.cachesign import TAG_SIZE
from briefgen.model.models import ChartSpec
from briefgen.model.resolved import BarData, ResolvedChart

STYLE = ChartStyle()


def bar(title: str = "Revenue: $65 million", number: int = 1, **spec) -> ResolvedChart:
    return ResolvedChart(
        spec=ChartSpec(id=spec.pop("id", "fig-rev"), kind="bar", title=title, **spec),
        data=BarData(("A", "B"), (65, 1300), ("=", ">"), "USD millions"),
        number=number, source_line="Source: x", alt="")


def small_pdf(chart, style) -> bytes:
    """A fast stand-in renderer: a valid one-page PDF showing the title."""
    buf = io.BytesIO()
    c = rl_canvas.Canvas(buf, invariant=1)
    c.drawString(72, 720, chart.title)
    c.showPage()
    c.save()
    return buf.getvalue()


class Counting:
    def __init__(self, fn):
        self.fn, self.calls = fn, 0

    def __call__(self, chart, style):
        self.calls += 1
        return self.fn(chart, style)


def test_miss_then_hit_does_not_render_again(tmp_path, monkeypatch) -> None:
    counter = Counting(charts.render_pdf)
    monkeypatch.setattr(charts, "render_pdf", counter)
    cache = ChartCache(tmp_path)
    first = cache.get_or_render(bar(), STYLE)
    assert counter.calls == 1 and cache.misses == 1
    assert cache.get_or_render(bar(), STYLE) == first  # memo
    fresh = ChartCache(tmp_path)  # a new process would have no memo: disk hit
    assert fresh.get_or_render(bar(), STYLE) == first
    assert counter.calls == 1 and fresh.hits == 1
    key = chart_key(bar(), STYLE)
    path = tmp_path / key[:2] / f"{key}.pdf"
    assert path.read_bytes()[TAG_SIZE:] == first  # behind its signature (briefgen.compat.cachesign)
    assert "Revenue: $65 million" in pypdf.PdfReader(io.BytesIO(first)).pages[0].extract_text()


def test_key_ignores_what_does_not_change_the_drawing() -> None:
    base = chart_key(bar(), STYLE)
    assert chart_key(bar(number=7), STYLE) == base
    assert chart_key(bar(caption="Other caption", source="Other source", alt="Alt",
                         id="fig-other"), STYLE) == base
    assert chart_key(dataclasses.replace(bar(), source_line="S", alt="A"), STYLE) == base
    assert chart_key(bar(title="Revenue: $66 million"), STYLE) != base
    assert chart_key(bar(width=5.0), STYLE) != base
    assert chart_key(bar(), ChartStyle(font_size=9.0)) != base
    changed = dataclasses.replace(bar(), data=BarData(("A", "B"), (65, 1301), ("=", ">"), "USD millions"))
    assert chart_key(changed, STYLE) != base
    assert len(base) == 64 and set(base) <= set("0123456789abcdef"), base  # a SHA-256 in hex


def test_key_follows_the_layout_rules_the_charts_draw_by(monkeypatch) -> None:
    """Editing a model rule a chart is placed by (a fit module, the tick or legend layout)
    changes every key, as editing the chart's own code does."""
    import ast

    from briefgen.charts import keys

    model = Path(keys.__file__).parent.parent / "model"
    assert all((model / f"{name}.py").is_file() for name in keys.DRAWN_BY)
    assert {p.stem for p in model.glob("*_fit.py")} <= set(keys.DRAWN_BY)
    imported = set()
    for path in Path(keys.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("briefgen.model."):
                imported.add(node.module.rsplit(".", 1)[1])
    assert {m for m in imported if m.endswith("_fit") or m in ("axis_ticks", "chart_numbers")} <= set(keys.DRAWN_BY)
    base = keys._code_digest()
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda p: real(p) + (b"#" if p.name == "legend_fit.py" else b""))
    keys._code_digest.cache_clear()
    try:
        assert keys._code_digest() != base
    finally:
        monkeypatch.undo()
        keys._code_digest.cache_clear()


def _worker(root: str) -> str:
    cache = ChartCache(Path(root))
    return hashlib.sha256(cache.get_or_render(bar(), STYLE)).hexdigest()


@pytest.mark.slow
def test_concurrent_writers_leave_a_valid_entry(tmp_path) -> None:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        digests = pool.map(_worker, [str(tmp_path)] * 2, chunksize=1)
    assert digests[0] == digests[1]  # both rendered the same bytes (deterministic)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) == 1 and files[0].suffix == ".pdf"  # no temporary files left
    data = files[0].read_bytes()[TAG_SIZE:]  # behind its signature
    assert looks_like_pdf(data) and hashlib.sha256(data).hexdigest() == digests[0]
    assert len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1


def test_eviction_keeps_recently_used_entries(tmp_path) -> None:
    size = len(small_pdf(bar("x" * 10), STYLE))
    cache = ChartCache(tmp_path, max_bytes=int(size * 3.5), render=small_pdf)
    titles = [f"chart {i:05d}" for i in range(3)]
    for n, title in enumerate(titles):
        cache.get_or_render(bar(title), STYLE)
        path = cache.path_for(chart_key(bar(title), STYLE))
        os.utime(path, ns=(10**18 + n * 10**9, 10**18 + n * 10**9))  # distinct ages
    # use the oldest again: a hit makes it the youngest
    ChartCache(tmp_path, render=small_pdf).get_or_render(bar(titles[0]), STYLE)
    cache.get_or_render(bar("chart 00003"), STYLE)
    cache.get_or_render(bar("chart 00004"), STYLE)
    kept = {p.name for p in tmp_path.rglob("*.pdf")}
    expect = lambda t: f"{chart_key(bar(t), STYLE)}.pdf"  # noqa: E731
    assert expect(titles[0]) in kept and expect("chart 00004") in kept
    assert expect(titles[1]) not in kept
    assert cache.size() <= cache.max_bytes


def test_corrupt_entry_is_rendered_again(tmp_path) -> None:
    counter = Counting(small_pdf)
    cache = ChartCache(tmp_path, render=counter)
    good = cache.get_or_render(bar(), STYLE)
    path = cache.path_for(chart_key(bar(), STYLE))
    for damage in (good[: len(good) // 2], b"", b"garbage" * 40, good.replace(b"startxref", b"startxxxx")):
        path.write_bytes(damage)
        assert ChartCache(tmp_path, render=counter).get_or_render(bar(), STYLE) == good
        assert path.read_bytes()[TAG_SIZE:] == good
    assert counter.calls == 5


def test_disabled_cache_renders_every_time(tmp_path) -> None:
    counter = Counting(small_pdf)
    cache = ChartCache(tmp_path / "c", enabled=False, render=counter)
    for _ in range(3):
        cache.get_or_render(bar(), STYLE)
    assert counter.calls == 3
    assert not (tmp_path / "c").exists()


def test_unwritable_root_still_returns_the_chart(tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = ChartCache(blocker / "charts", render=small_pdf)
    assert looks_like_pdf(cache.get_or_render(bar(), STYLE))


def test_default_root(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "x"))
    assert default_root() == tmp_path / "x"
    assert ChartCache().root == tmp_path / "x"
    monkeypatch.delenv("BRIEFGEN_CACHE_DIR")
    monkeypatch.chdir(tmp_path)
    assert ChartCache.default_root() == tmp_path / ".briefgen-cache" / "charts"

