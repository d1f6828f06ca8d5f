"""Reading a large file makes hundreds of thousands of small objects (YAML nodes, marks,
dicts, models) and no reference cycles; Python's cyclic garbage collector, triggered by the
number of allocations, would walk them again and again (about 40 % of composing a YAML file
of 2,000 claims). :func:`paused_gc` switches it off for such a stretch of work.

The ``briefgen`` command also raises the collector's thresholds for its whole process
(:data:`briefgen.cli.launch.GC_THRESHOLDS`): that makes the collections outside such stretches
rarer, this pause leaves none inside them, for command and library alike."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Run the ``with`` body with the cyclic garbage collector off (reference counting still
    frees everything else at once); it is switched on again afterwards, unless it was already
    off. Nesting is fine."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
