"""The PDF link writer (briefgen.layout.markup) makes a link only to an address
briefgen.model.urls.safe_link accepts; any other link run shows its text, escaped, unlinked."""

from __future__ import annotations

import pytest

from briefgen.document import model as dm
from briefgen.layout.markup import runs_markup


@pytest.mark.parametrize("href", ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,x", "vbscript:x",
                                  "file:///etc/passwd", "reports/a.pdf", "https://a.org/\x01", "mailto:"])
def test_a_link_to_a_refused_address_is_its_text(href):
    runs = (dm.Text("See "), dm.Link("the <report>", href, bold=True), dm.Text("."))
    assert runs_markup(runs, "#123456") == "See <b>the &lt;report&gt;</b>."


def test_allowed_links_stay_links():
    runs = (dm.Link("r", "https://e.org/?a=1&b=2"), dm.Text(" "), dm.Link("desk", "mailto:desk@e.org"))
    assert runs_markup(runs, "#123456") == ('<a href="https://e.org/?a=1&amp;b=2" color="#123456">r</a> '
                                            '<a href="mailto:desk@e.org" color="#123456">desk</a>')
