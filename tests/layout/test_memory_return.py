"""After a long briefing's final PDF is written, the memory qpdf freed goes back to the system
(briefgen.layout.pdf._return_freed_memory), so that what the build allocates next does not add to
its peak (issue 18: 10,000 claims)."""

from __future__ import annotations

import sys

import pikepdf
import pytest

from briefgen.layout import pdf as layout_pdf


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim; /proc")
def test_the_memory_of_a_freed_structure_tree_goes_back_to_the_system():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    parent = pdf.make_indirect(pikepdf.Dictionary())
    for n in range(60_000):  # like a structure tree of 60,000 elements: ~70 MiB of qpdf objects
        pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.TD, P=parent, K=n))
    held = _rss_mib()
    pdf.close()
    del pdf, parent
    freed = _rss_mib()
    layout_pdf._return_freed_memory()
    returned = _rss_mib()
    assert returned < freed - 20, f"{held:.0f} MiB held, {freed:.0f} MiB after freeing, {returned:.0f} MiB after"

