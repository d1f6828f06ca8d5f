"""Cache keys of chart drawings: what identifies a chart's PDF.

A key is the SHA-256 of what changes the drawing: chart kind, data, title, size
(inches), the style's :meth:`~briefgen.charts.style.ChartStyle.cache_key`, the matplotlib
version, ``briefgen.__version__`` and a digest of the chart-drawing source code (and, for
a kind added by a plugin, of its module's source). Not the figure number, caption, source
line, alt text or chart id: one chart shown to several audiences is drawn once.
Computing a key imports no matplotlib.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from briefgen.model.chart_kinds import CHART_KINDS

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.charts.style import ChartStyle
    from briefgen.model.resolved import ResolvedChart


DRAWN_BY = ("axis_ticks", "bar_fit", "chart_fit", "chart_numbers", "labelwrap", "legend_fit", "line_fit",
            "network_fit", "timeline_fit")
"""The modules of :mod:`briefgen.model` whose rules place what the charts draw."""


@lru_cache(maxsize=1)
def _code_digest() -> str:
    """Digest of the chart modules' source (and of the matplotlib compat module, which
    chooses and embeds their fonts, and of the model's layout rules they draw by), so
    editing how charts are drawn invalidates entries even without a version bump."""
    here = Path(__file__).parent
    compat = here.parent / "compat" / "matplotlib.py"
    rules = [here.parent / "model" / f"{name}.py" for name in DRAWN_BY]
    h = hashlib.sha256()
    for path in sorted(here.glob("*.py")) + [compat] + rules:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=64)
def _module_digest(module: str) -> str:
    """Digest of the source file of ``module`` (a plugin's kind), without importing it
    again; empty when it has no source file."""
    import importlib.util

    try:
        spec = importlib.util.find_spec(module)
        origin = spec.origin if spec is not None else None
        return hashlib.sha256(Path(origin).read_bytes()).hexdigest()[:16] if origin else ""
    except (ImportError, ValueError, OSError):
        return ""


def _plain(value):
    """JSON-able form of chart data (dataclasses -> dicts tagged with their class)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {"__type__": type(value).__name__}
        for f in dataclasses.fields(value):
            if f.name == "claim_id":  # provenance only; not drawn
                continue
            out[f.name] = _plain(getattr(value, f.name))
        return out
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return repr(value)  # exact, and distinguishes 1.0 from 1
    if value is None or isinstance(value, (str, int, bool)):
        return value
    return str(value)


@lru_cache(maxsize=1)
def _matplotlib_version() -> str:
    """matplotlib's version, read from its installed metadata: a cache hit must not
    import matplotlib (that alone costs about 0.3 s)."""
    from briefgen.compat.matplotlib import installed_version

    found = installed_version()
    if found == "0":  # pragma: no cover - not installed as a dist
        import matplotlib

        return matplotlib.__version__
    return found


def chart_key(chart: "ResolvedChart", style: "ChartStyle") -> str:
    """The cache key (64 hex) of ``chart`` drawn in ``style``. Raises KindPluginError when
    the chart's kind comes from a plugin that cannot be loaded."""
    from briefgen import __version__

    payload: dict[str, object] = {
        "kind": chart.kind,
        "title": chart.title,
        "size_in": [repr(float(chart.spec.width)), repr(float(chart.spec.height))],
        "data": _plain(chart.data),
        "style": style.cache_key(),
        "matplotlib": _matplotlib_version(),
        "briefgen": __version__,
        "code": _code_digest(),
    }
    kind = CHART_KINDS.get(chart.kind)
    if kind is not None and not kind.builtin:  # a plugin's drawing changes with its code
        payload["plugin"] = [kind.module, _module_digest(kind.module)]
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
