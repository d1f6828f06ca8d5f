"""Portion marks in charts: a network link or timeline event marked above the briefing's
floor shows its level, ``(AMBER)``, and the chart gets a legend saying what the marks mean
(see :mod:`briefgen.document.portions`; the markings come with the chart data,
:class:`~briefgen.model.resolved.NetworkData` and :class:`~briefgen.model.resolved.TimelineEvent`)."""

from __future__ import annotations

from collections.abc import Iterable

from briefgen.model.tlp import TLP


def short_mark(marking: str) -> str:
    """``TLP:AMBER`` -> ``(AMBER)``: the mark drawn beside a link or event."""
    return f"({marking.removeprefix('TLP:')})"


def marks_legend(markings: Iterable[str], floor: str) -> str:
    """The legend of marked links or events: ``(GREEN) = TLP:GREEN, (AMBER) = TLP:AMBER;
    unmarked: TLP:CLEAR`` (levels in order of restrictiveness, ``floor`` the briefing's TLP
    floor); empty when nothing is marked."""
    levels = sorted({TLP.parse(m) for m in markings if m})
    if not levels:
        return ""
    return ", ".join(f"{short_mark(t.label)} = {t.label}" for t in levels) + f"; unmarked: {floor or TLP.CLEAR.label}"
