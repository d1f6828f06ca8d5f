"""Email addresses (strict syntax, IDN domains), a message's addressing from an audience's
distribution, and the TLP rule that AMBER+STRICT and RED go only to the allowed domains."""

from __future__ import annotations

import re

import pytest

from briefgen.deliver.addresses import (
    AddressError,
    MailInputError,
    addressing,
    ascii_domain,
    check_addresses,
    check_restricted,
    normalise_domains,
    parse_address,
)
from briefgen.errors import DeliveryError
from briefgen.model.models import Distribution, Recipient
from briefgen.model.tlp import TLP


def dist(**kw) -> Distribution:
    base = dict(sender=Recipient(name="Latin America Desk", email="latam-desk@example.org"),
                to=[Recipient(name="Ana Núñez", email="ana@example.org")],
                cc=[Recipient(email="cc@example.org")], bcc=[Recipient(email="hidden@example.org")])
    base.update(kw)
    return Distribution(**base)


# --------------------------------------------------------------------------- addresses
@pytest.mark.parametrize("text", ["ana@example.org", "a.b+tag@sub.example.co.uk", "o'brien@example.org",
                                  "x_y-z@xn--bcher-kva.example", "ANA@Example.ORG"])
def test_valid_addresses(text) -> None:
    addr = parse_address(text)
    assert addr.addr_spec.lower() == text.lower()


def test_idn_domain_is_converted() -> None:
    assert parse_address("jose@Bücher.example").addr_spec == "jose@xn--bcher-kva.example"
    assert ascii_domain("bücher.example.") == "xn--bcher-kva.example"
    assert normalise_domains(["@Example.org", "bücher.example"]) == ["example.org", "xn--bcher-kva.example"]


@pytest.mark.parametrize("domain, why", [
    ("example..org", "domain label ''"), ("-bad.example", "domain label '-bad'"),
    (("x" * 64) + ".example", "domain label 'xxx"), ("localhost", "has no dot"), ("example.123", "numeric label"),
    ("b\u00fccher..example", "not a valid international domain name"),
])
def test_bad_domains_are_refused_ascii_or_not(domain, why) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        ascii_domain(domain)


@pytest.mark.parametrize("text, why", [
    ("", "empty"),
    ("ana.example.org", "no '@domain'"),
    ("ana@@example.org", "exactly one '@'"),
    ("a b@example.org", "may hold only"),
    ('"a b"@example.org', "may hold only"),
    ("a..b@example.org", "may hold only"),
    (".ab@example.org", "may hold only"),
    ("Ana <ana@example.org>", "bare address"),
    ("ana@example.org\r\nBcc: evil@example.net", "line break"),
    ("ana@localhost", "has no dot"),
    ("ana@[192.0.2.1]", "IP address literals"),
    ("ana@exa_mple.org", "label"),
    ("ana@-example.org", "label"),
    ("ana@example.123", "numeric"),
    ("@example.org", "before '@' is empty"),
    ("a" * 65 + "@example.org", "longer than 64"),
    ("josé@example.org", "may hold only"),
])
def test_invalid_addresses(text, why) -> None:
    with pytest.raises(AddressError, match="invalid email address") as exc:
        parse_address(text, where="distribution.to[0]")
    assert why in str(exc.value)
    assert str(exc.value).startswith("distribution.to[0]: ")
    assert exc.value.exit_code == 2 and isinstance(exc.value, DeliveryError)


def test_every_bad_address_is_reported_at_once() -> None:
    d = dist(to=[Recipient(email="ok@example.org"), Recipient(email="bad one@example.org")],
             cc=[Recipient(email="nobody")], bcc=[])
    with pytest.raises(AddressError) as exc:
        addressing(d, where="audiences.analyst.distribution")
    text = str(exc.value)
    assert "2 invalid email addresses" in text
    assert "audiences.analyst.distribution.to[1]: invalid email address 'bad one@example.org'" in text
    assert "audiences.analyst.distribution.cc[0]: invalid email address 'nobody'" in text
    assert check_addresses([("a@example.org", "A", "x")])[0].display_name == "A"


def test_display_name_with_line_break_is_rejected() -> None:
    with pytest.raises(AddressError, match="line break"):
        parse_address("a@example.org", "Ana\nBcc: x@example.net")


def test_addressing_sender_and_recipients() -> None:
    a = addressing(dist(to=[Recipient(email="x@example.org"), Recipient(email="X@example.org")],
                             cc=[Recipient(email="x@example.org")], bcc=[Recipient(email="b@example.org")]))
    assert a.recipients == ["x@example.org", "b@example.org"]  # each address once
    assert a.roles()["b@example.org"] == "bcc"
    fallback = addressing(Distribution(to=[Recipient(email="t@example.org")]), default_sender="desk@example.org")
    assert fallback.sender.addr_spec == "desk@example.org"
    with pytest.raises(MailInputError, match="no From address"):
        addressing(Distribution(to=[Recipient(email="t@example.org")]))
    with pytest.raises(MailInputError, match="no recipients"):
        addressing(Distribution(sender=Recipient(email="d@example.org")))


# --------------------------------------------------------------------------- the TLP domain rule
def test_restricted_levels_only_to_allowed_domains() -> None:
    inside = addressing(dist(to=[Recipient(email="a@example.org"), Recipient(email="b@Example.ORG")],
                                  cc=[], bcc=[]))
    outside = addressing(dist(bcc=[Recipient(email="leak@gmail.example"), Recipient(email="x@sub.example.org")]))
    for level in (TLP.AMBER_STRICT, TLP.RED):
        check_restricted(level, inside, ["example.org"])  # passes
        with pytest.raises(MailInputError) as exc:
            check_restricted(level, outside, ["example.org"], audience="analyst")
        msg = str(exc.value)
        assert f"marked {level.label}" in msg and "audience 'analyst'" in msg
        assert "leak@gmail.example (bcc)" in msg and "x@sub.example.org (bcc)" in msg  # subdomains do not match
        assert "nothing was sent" in msg and exc.value.exit_code == 2
        with pytest.raises(MailInputError, match="none are set"):
            check_restricted(level, inside, [])
    for level in (TLP.CLEAR, TLP.GREEN, TLP.AMBER):
        check_restricted(level, outside, ["example.org"])  # not restricted
    idn = addressing(dist(to=[Recipient(email="a@bücher.example")], cc=[], bcc=[]))
    check_restricted("TLP:RED", idn, ["Bücher.example"])
