"""The modules a build's stages use, imported in one go before the first variant is laid out.

They are imported the first time a variant is laid out (:func:`briefgen.pipeline.variant.render_variant`,
once its charts have been sent to be drawn, so that the chart process starts as early as it can),
or by a batch before it forks its workers (each inherits them instead of importing them again).
In a ``briefgen`` command they are imported with the garbage collector off and then frozen
(:func:`briefgen.collector.long_lived`): they live as long as the process. A module left out
here is still imported where it is used, only later.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable

from briefgen import collector

STAGES: dict[str, tuple[str, ...]] = {
    "": ("briefgen.text.templates", "briefgen.document.build", "briefgen.document.edition"),
    "pdf": ("reportlab.platypus", "pikepdf", "briefgen.layout.pdf", "briefgen.layout.vector"),
    "html": ("briefgen.html.render", "briefgen.html.svgcache"),
}
"""Output format -> the modules its stages import (``""``: those every format uses); the stages
below the pipeline only, whose modules import none of this one."""


def import_stages(formats: Iterable[str] = ("pdf",)) -> None:
    """Import the modules of :data:`STAGES` for ``formats`` (``pdf``, ``html``) not imported yet;
    nothing (and nothing frozen) when all are."""
    wanted = ("", *formats)
    if all(m in sys.modules for f in wanted for m in STAGES.get(f, ())):
        return
    with collector.long_lived():  # import statements, not importlib: ``-X importtime`` shows them
        import briefgen.document.build  # noqa: F401
        import briefgen.document.edition  # noqa: F401
        import briefgen.text.templates  # noqa: F401

        if "pdf" in wanted:
            import pikepdf  # noqa: F401
            import reportlab.platypus  # noqa: F401

            import briefgen.layout.pdf  # noqa: F401
            import briefgen.layout.vector  # noqa: F401
        if "html" in wanted:
            import briefgen.html.render  # noqa: F401
            import briefgen.html.svgcache  # noqa: F401
