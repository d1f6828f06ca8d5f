"""The email bodies make a link only to a safe http, https or mailto address
(briefgen.deliver.mailbody.mail_link, briefgen.model.urls.safe_link)."""

from __future__ import annotations

import pytest

from briefgen.deliver.mailbody import mail_link, runs_plain
from briefgen.document import model as dm


@pytest.mark.parametrize("href, linked", [
    ("https://example.org/r", True), ("mailto:desk@example.org", True), ("#endnote-1", False),
    ("javascript:alert(1)", False), ("data:text/html,x", False), ("https://example.org/\nx", False),
    ("mailto:a@b.org\r\nBcc: x@y.org", False), ("https://", False),
])
def test_which_addresses_become_links_in_a_mail(href, linked):
    assert mail_link(href) is linked
    shown = runs_plain((dm.Link("the report", href),))
    assert shown == (f"the report ({href})" if linked else "the report")
