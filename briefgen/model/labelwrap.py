"""Chart labels cut into lines by characters: one rule for the charts that draw them
(:func:`briefgen.charts.style.wrap`) and the checks that measure them before anything is drawn
(:mod:`briefgen.model.network_fit`). Pure Python."""

from __future__ import annotations

import textwrap

__all__ = ["wrap_lines"]


def wrap_lines(text: str, width: int, max_lines: int | None = None) -> list[str]:
    """``text`` as lines of at most ``width`` characters (at least 8), broken between words and
    after hyphens. A word longer than ``width`` gets lines of its own, broken with a hyphen (its
    first letters are never left at the end of a line). With ``max_lines``, the lines beyond it
    are cut and the last kept one ends with an ellipsis."""
    width = max(int(width), 8)
    lines: list[str] = []
    for para in str(text).splitlines() or [""]:
        for line in textwrap.wrap(para, width, break_long_words=False, break_on_hyphens=True) or [""]:
            while len(line) > width:  # one long word: textwrap leaves it whole on its own line
                lines.append(line[:width - 1] + "-")
                line = line[width - 1:]
            lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:width - 1].rstrip() + "…"
    return lines
