"""The chart text an audience's charts are drawn with: the chart font size of the theme that
audience is built with (its own ``theme:``, else the spec's, else the built-in one, as
:func:`briefgen.pipeline.variant.variant_theme` picks it) and a measure by that theme's
regular and bold font files. :mod:`briefgen.resolve.chart_size` checks a chart's fit with it,
so ``validate`` checks each audience with the theme its build draws with.

Read once per (loaded spec, theme file); a theme that cannot be read gives the default size
and the estimate (validate's theme check reports why)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.errors import SpecError
from briefgen.load.project import LoadedSpec
from briefgen.model import chart_fit as fit
from briefgen.model.models import Audience

DEFAULT_CHART_FONT_SIZE = 8.0
"""Points: the default theme's chart font size (used when a theme cannot be read;
validate reports why)."""


@dataclass(frozen=True)
class ChartText:
    """What an audience's charts are measured with: ``font_size`` (points, the theme's
    ``chart.font_size``), ``measure`` (:class:`~briefgen.model.chart_fit.FontMeasure` of its
    fonts, or :func:`~briefgen.model.chart_fit.estimate_size`), and, when the audience's own
    theme file (not the spec's) decides them, ``audience`` and ``theme`` (as written) for
    messages; both "" otherwise; ``page`` the loaded :class:`~briefgen.model.theme.Theme`
    (its page, margins and paragraph styles: :mod:`briefgen.resolve.chart_page`), None when
    it cannot be read."""

    font_size: float
    measure: fit.Measure
    audience: str = ""
    theme: str = ""
    page: Any = field(default=None, compare=False)

    def whose(self, spec_size: float) -> str:
        """``"for audience 'x' (theme 'big.yaml': chart text 12 pt; the spec's: 8 pt): "``
        when the audience's own theme decides, else ""."""
        if not self.audience:
            return ""
        return (f"for audience {self.audience!r} (its theme {self.theme!r}: chart text {self.font_size:g} pt; "
                f"the spec's: {spec_size:g} pt): ")


_TEXT: dict[tuple, tuple[LoadedSpec, ChartText]] = {}
"""(id(loaded spec), name of an audience with its own theme, or None) -> (the spec, its chart text)."""
_MEASURES: dict[tuple, fit.FontMeasure] = {}
"""(regular, bold face metrics, as read from the files now) -> their measure: themes with the
same fonts share one (and so :func:`briefgen.resolve.chart_size.fit_problem`'s memo)."""


def chart_text(loaded: LoadedSpec, audience: tuple[str, Audience] | None = None) -> ChartText:
    """The chart text of ``audience`` (``(name, Audience)``; None: the spec's theme) in
    ``loaded``'s spec. Never raises: an unreadable theme gives the default size and the
    estimate."""
    own = audience[0] if audience is not None and audience[1].theme is not None else None
    key = (id(loaded), own)
    known = _TEXT.get(key)
    if known is not None and known[0] is loaded:
        return known[1]
    if len(_TEXT) > 16:
        _TEXT.clear()
    text = _read(loaded, own)
    _TEXT[key] = (loaded, text)
    return text


def theme_paper(loaded: LoadedSpec, audience: tuple[str, Audience]) -> str:
    """The paper (``A4`` or ``letter``) of an audience that names none: its theme's
    ``page.size`` (the audience's own ``theme:``, else the spec's, else the built-in theme's A4).
    Never raises: a theme that cannot be read gives A4 (validate's theme check says why)."""
    page = chart_text(loaded, audience).page
    return "A4" if page is None else page.page.size


def spec_font_size(loaded: LoadedSpec) -> float:
    """The chart font size (points) of the spec's own theme (the default one when it names none)."""
    return chart_text(loaded).font_size


def _read(loaded: LoadedSpec, audience: str | None) -> ChartText:
    """The chart text of the theme file of ``audience`` (one with its own ``theme:``) or, when
    None, of the spec's theme; ``audience`` and ``theme`` set only when the audience's file
    is not the spec's."""
    from briefgen.load.theme import load_theme
    from briefgen.model.font_metrics import face_metrics

    try:
        spec_path = _theme_path(loaded, loaded.spec.theme, ("theme",))
        path, own = spec_path, ""
        if audience is not None:
            own = loaded.spec.audiences[audience].theme or ""
            path = _theme_path(loaded, own, ("audiences", audience, "theme"))
        theme = load_theme(path, loaded.root)
    except (SpecError, KeyError):
        return ChartText(DEFAULT_CHART_FONT_SIZE, fit.estimate_size)
    faces = (face_metrics(str(theme.fonts.regular)), face_metrics(str(theme.fonts.bold)))
    if faces not in _MEASURES:
        if len(_MEASURES) > 8:
            _MEASURES.clear()
        _MEASURES[faces] = fit.FontMeasure(*faces)
    differs = audience is not None and path != spec_path
    return ChartText(float(theme.chart.font_size), _MEASURES[faces],
                     audience if differs and audience else "", own if differs else "", page=theme)


def _theme_path(loaded: LoadedSpec, written: str | None, key: tuple) -> Path | None:
    """The theme file ``written`` at ``key`` (relative to the file that wrote it); None for none."""
    from briefgen.load.paths import resolve_inside
    from briefgen.load.project import origin_dir

    if not written:
        return None
    return resolve_inside(written, base=origin_dir(loaded.source, key), root=loaded.root,
                          doc=loaded.source, key=key, what="theme file")
