"""Portion marks in charts: a network link or timeline event marked above the briefing's
floor shows its level, ``(AMBER)``, and the chart gets a legend saying what the marks mean
(see :mod:`briefgen.document.portions`; the markings come with the chart data,
:class:`~briefgen.model.resolved.NetworkData` and :class:`~briefgen.model.resolved.TimelineEvent`).
The functions live in :mod:`briefgen.model.legend_fit`, so that ``validate`` lays out the
same legend the charts draw."""

from __future__ import annotations

from briefgen.model.legend_fit import marks_legend, short_mark

__all__ = ["marks_legend", "short_mark"]
