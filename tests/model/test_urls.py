"""The address policy (briefgen.model.urls): which source URLs load, which inline links are
refused, and which addresses an output may link to."""

from __future__ import annotations

import pytest

from briefgen.model.fields import NearMiss
from briefgen.model.models import Claim, Source
from briefgen.model.urls import EXPECTED, check_inline_links, check_web_url, safe_link, web_url_problem

GOOD = ["https://example.org/report?id=7&lang=es", "http://example.org", "HTTPS://EXAMPLE.ORG/A",
        "https://xn--bcher-kva.example/b%C3%BCcher", "https://example.org:8443/x#part"]


@pytest.mark.parametrize("url", GOOD)
def test_http_and_https_urls_with_a_host_load_and_link(url):
    assert web_url_problem(url) is None and check_web_url(url) == url and safe_link(url)


@pytest.mark.parametrize("url, message, suggestion", [
    ("javascript:alert(1)", "the scheme 'javascript:' is not allowed (only http and https)", ""),
    ("JaVaScRiPt:alert(1)", "the scheme 'javascript:' is not allowed (only http and https)", ""),
    ("data:text/html,<script>alert(1)</script>", "the scheme 'data:' is not allowed (only http and https)", ""),
    ("vbscript:msgbox(1)", "the scheme 'vbscript:' is not allowed (only http and https)", ""),
    ("file:///etc/passwd", "the scheme 'file:' is not allowed (only http and https)", ""),
    ("mailto:desk@example.org", "the scheme 'mailto:' is not allowed (only http and https)", ""),
    ("ftp://example.org/a", "the scheme 'ftp:' is not allowed (only http and https)", ""),
    ("reports/annual.pdf", "not an absolute address (a scheme such as https:// and a host)", ""),
    ("not a url at all", "not an absolute address (a scheme such as https:// and a host)", ""),
    ("", "an empty address", ""),
    ("www.example.org/report", "the scheme is missing", "https://www.example.org/report"),
    ("example.org", "the scheme is missing", "https://example.org"),
    ("//example.org/x", "the scheme is missing", "https://example.org/x"),
    ("https:example.org", "no host after 'https:'", "https://example.org"),
    ("https://", "no host after 'https:'", ""),
    ("https://example.org:port/", "not a valid URL (its host or port cannot be read)", ""),
    ("java\tscript:alert(1)",
     "not an absolute address (a scheme such as https:// and a host), holding a control character (U+0009)", ""),
    ("https://example.org/a\nb", "the address holds a control or white-space character (U+000A)", ""),
    ("https://example.org/\x00", "the address holds a control or white-space character (U+0000)", ""),
    ("https://example.org/\u202egpj.exe", "the address holds a control or white-space character (U+202E)", ""),
    ("https://example.org/my report.pdf", "the address holds a control or white-space character (U+0020)",
     "https://example.org/my%20report.pdf"),
    (" https://example.org ", "white space around the address", "https://example.org"),
])
def test_other_addresses_are_refused_with_why_and_a_suggestion(url, message, suggestion):
    assert web_url_problem(url) == (message, suggestion)
    with pytest.raises(NearMiss) as info:
        check_web_url(url)
    assert (str(info.value), info.value.suggestion, info.value.expected) == (
        f"not an http(s) URL: {message}", suggestion, EXPECTED)
    assert safe_link(url) is url.startswith("mailto:")  # an output may link to an address, not a source to one


def test_a_source_url_is_checked_by_the_model():
    fields = {"id": "s", "title": "T", "publisher": "P", "kind": "other", "reliability": "B"}
    assert Source(**fields).url is None
    assert Source(**fields, url="https://example.org/r").url == "https://example.org/r"
    with pytest.raises(ValueError, match="the scheme 'javascript:' is not allowed"):
        Source(**fields, url="javascript:alert(1)")


@pytest.mark.parametrize("href, safe", [
    ("#endnote-3", True), ("#figure-fig.net", True), ("mailto:desk@example.org", True), ("MAILTO:a@b.org", True),
    ("mailto:", False), ("mailto:a@b.org\nbcc:x@y.org", False), ("#a b", False), ("#", False),
    ("javascript:alert(1)", False), (" javascript:alert(1)", False), ("data:image/png;base64,AAAA", False),
    ("vbscript:x", False), ("file:///etc/passwd", False), ("relative/path", False), ("//example.org", False),
])
def test_what_an_output_may_link_to(href, safe):
    assert safe_link(href) is safe


@pytest.mark.parametrize("text", [
    "See [the report](https://example.org/r?a=1&b=2), [the desk](mailto:desk@example.org) and [Figure 1](#fig-1).",
    "A note [1](see above) and [sic] (quoted) and \\[x](javascript:alert(1)) written literally.",
    "Plain text with https://example.org and a ratio 3:2.",
])
def test_inline_text_with_allowed_or_no_links_loads(text):
    assert check_inline_links(text) == text


@pytest.mark.parametrize("text, message, suggestion", [
    ("Run [click](javascript:alert(document.cookie)) now.",
     "the link '[click](javascript:alert(document.cookie)' is not an http(s) or mailto link: the scheme "
     "'javascript:' is not allowed (only http, https and mailto)", ""),
    ("[d](data:text/html,hi)",
     "the link '[d](data:text/html,hi)' is not an http(s) or mailto link: the scheme 'data:' is not allowed "
     "(only http, https and mailto)", ""),
    ("See [it](www.example.org/r).",
     "the link '[it](www.example.org/r)' is not an http(s) or mailto link: the scheme is missing",
     "See [it](https://www.example.org/r)."),
    ("See [a](www.example.org/a), [ok](https://x.org) and [b](example.com/b).",
     "the link '[a](www.example.org/a)' is not an http(s) or mailto link: the scheme is missing; "
     "also '[b](example.com/b)'",
     "See [a](https://www.example.org/a), [ok](https://x.org) and [b](https://example.com/b)."),
    ("[a](www.example.org) then [x](javascript:void(0))",
     "the link '[a](www.example.org)' is not an http(s) or mailto link: the scheme is missing; "
     "also '[x](javascript:void(0)'", ""),
])
def test_inline_links_to_other_addresses_are_refused(text, message, suggestion):
    with pytest.raises(NearMiss) as info:
        check_inline_links(text)
    assert (str(info.value), info.value.suggestion, info.value.expected) == (
        message, suggestion, "[text](https://...) or [text](mailto:...)")
    with pytest.raises(ValueError, match="is not an http\\(s\\) or mailto link"):
        Claim(id="c", statement=text, sources=["s"])
