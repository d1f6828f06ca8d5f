"""Email addresses (strict syntax by email-validator, IDNA 2008 domains), a message's addressing
from an audience's distribution, and the TLP rule that AMBER+STRICT and RED go only to the
allowed domains."""

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
    unicode_domain,
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
    ("example..org", "two periods in a row"), ("-bad.example", "hyphen at the start"),
    (("x" * 64) + ".example", "1 character too many"), ("localhost", "should have a period"),
    ("example.123", "not within a valid top-level domain"), ("b\u00fccher..example", "two periods in a row"),
    ("exa_mple.org", "invalid characters: '_'"), ("corp.local", "special-use or reserved name"),
    ("xn--zz.de", "not valid IDNA"), ("[192.0.2.1]", "IP address literals"), ("", "empty"),
])
def test_bad_domains_are_refused_ascii_or_not(domain, why) -> None:
    with pytest.raises(ValueError, match=re.escape(why)):
        ascii_domain(domain)


@pytest.mark.parametrize("text, why", [
    ("", "empty"),
    ("ana.example.org", "no '@domain'"),
    ("ana@@example.org", "exactly one '@'"),
    ("a b@example.org", "invalid characters before the @-sign: SPACE"),
    ('"a b"@example.org', "quoting the part before the @-sign is not allowed"),
    ("a..b@example.org", "two periods in a row"),
    (".ab@example.org", "cannot start with a period"),
    ("Ana <ana@example.org>", "bare address"),
    ("ana@example.org\r\nBcc: evil@example.net", "line break"),
    ("ana@localhost", "should have a period"),
    ("ana@[192.0.2.1]", "IP address literals"),
    ("ana@exa_mple.org", "invalid characters: '_'"),
    ("ana@-example.org", "hyphen"),
    ("ana@example.123", "not within a valid top-level domain"),
    ("@example.org", "before '@' is empty"),
    ("a" * 65 + "@example.org", "too long before the @-sign"),
    ("josé@example.org", "internationalized characters before the @-sign are not supported: 'é'"),
    ("ana@example.org.", "cannot end with a period"),
])
def test_invalid_addresses(text, why) -> None:
    with pytest.raises(AddressError, match="invalid email address") as exc:
        parse_address(text, where="distribution.to[0]")
    assert why in str(exc.value)
    assert str(exc.value).startswith("distribution.to[0]: ")
    assert exc.value.exit_code == 2 and isinstance(exc.value, DeliveryError)


# --------------------------------------------------------------------------- IDNA 2008 (issue 15)
def test_sharp_s_keeps_its_domain_and_never_becomes_ss() -> None:
    """IDNA 2003 (Python's "idna" codec) maps ß to ss: x@faß.de would go to fass.de, another domain."""
    assert parse_address("x@faß.de").addr_spec == "x@xn--fa-hia.de"
    assert parse_address("x@Faß.DE").domain == "xn--fa-hia.de"  # case folded, ß kept
    assert parse_address("x@fass.de").domain == "fass.de"
    assert ascii_domain("faß.de") == "xn--fa-hia.de" != "faß.de".encode("idna").decode()  # the old bug
    assert unicode_domain("xn--fa-hia.de") == "faß.de" and unicode_domain("fass.de") == "fass.de"


def test_final_sigma_is_kept() -> None:
    """ς (final sigma) is a letter of its own in IDNA 2008; IDNA 2003 turned it into σ."""
    final, medial = ascii_domain("βόλος.gr"), ascii_domain("βόλοσ.gr")
    assert final == "xn--nxasmm1c.gr" and medial == "xn--nxasmq6b.gr" and final != medial
    assert parse_address("info@βόλος.gr").domain == final
    assert unicode_domain(final) == "βόλος.gr"


@pytest.mark.parametrize("text", ["x@fa\u200dss.de", "x@\u0915\u094d\u200d\u0937.in"])
def test_zero_width_joiner_is_a_located_error(text) -> None:
    """A ZWJ is invisible: outside its CONTEXTJ contexts IDNA 2008 disallows it, and
    email-validator refuses it everywhere (also after a virama, where IDNA would allow it)."""
    with pytest.raises(AddressError) as exc:
        parse_address(text, where="specs/x.yaml:7: audiences.analyst.distribution.to[2]")
    assert str(exc.value) == (f"specs/x.yaml:7: audiences.analyst.distribution.to[2]: invalid email address "
                              f"{text!r}: the email address contains unsafe characters: ZERO WIDTH JOINER")
    with pytest.raises(ValueError, match="unsafe characters: ZERO WIDTH JOINER"):
        ascii_domain(text.split("@")[1])


def test_allowed_domains_compare_idna_2008_forms() -> None:
    """The TLP:RED guard is not fooled by ß -> ss: faß.de and fass.de are different domains."""
    sharp = addressing(dist(to=[Recipient(email="a@faß.de")], cc=[], bcc=[]))
    plain = addressing(dist(to=[Recipient(email="a@fass.de")], cc=[], bcc=[]))
    assert normalise_domains(["faß.de", "@FASS.de", "βόλος.gr"]) == ["xn--fa-hia.de", "fass.de", "xn--nxasmm1c.gr"]
    check_restricted(TLP.RED, sharp, ["faß.de"])
    check_restricted(TLP.RED, plain, ["fass.de"])
    with pytest.raises(MailInputError) as exc:
        check_restricted(TLP.RED, sharp, ["fass.de"], audience="analyst")
    assert ("it may go only to the allowed_domains fass.de, but a@xn--fa-hia.de = a@faß.de (to) is outside"
            in str(exc.value))
    with pytest.raises(MailInputError) as exc:
        check_restricted(TLP.AMBER_STRICT, plain, ["faß.de"])
    assert ("it may go only to the allowed_domains xn--fa-hia.de = faß.de, but a@fass.de (to) is outside"
            in str(exc.value))
    with pytest.raises(AddressError, match=re.escape(r"allowed_domains: the domain 'fa\u200dss.de' is not valid: "
                                                     r"it contains unsafe characters: ZERO WIDTH JOINER")):
        check_restricted(TLP.RED, plain, ["fa\u200dss.de"])


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
        check_restricted(level, outside, [])  # not restricted: no allowed_domains needed
        with pytest.raises(MailInputError) as exc:  # but allowed_domains, when given, hold at every level
            check_restricted(level, outside, ["example.org"], audience="public")
        assert str(exc.value) == (f"audience 'public': the briefing is marked {level.label}: it may go only to the "
                                  "allowed_domains example.org, but leak@gmail.example (bcc), x@sub.example.org (bcc) "
                                  "are outside; nothing was sent")
    idn = addressing(dist(to=[Recipient(email="a@bücher.example")], cc=[], bcc=[]))
    check_restricted("TLP:RED", idn, ["Bücher.example"])


def test_validate_locates_an_address_refused_by_idna_2008(example_project, monkeypatch) -> None:
    """``briefgen validate`` checks every distribution address, located in the spec."""
    from typer.testing import CliRunner

    from briefgen.cli.app import app

    (example_project / "specs" / "zwj.yaml").write_text(
        "extends: peru-china.yaml\n"
        "audiences:\n"
        "  public:\n"
        "    distribution:\n"
        "      to: [{email: \"press@fa\\u200Dss.de\"}, {email: ok@faß.de}]\n"
        "      allowed_domains: [example.org, faß.de]\n", encoding="utf-8")
    monkeypatch.chdir(example_project)
    result = CliRunner().invoke(app, ["validate", "specs/zwj.yaml"])
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "specs/zwj.yaml:5" in text and "audiences.public.distribution.to[0].email" in text
    assert "invalid email address 'press@fa\\u200dss.de': the email address contains unsafe characters: " \
           "ZERO WIDTH JOINER" in text
    assert "to[1]" not in text  # faß.de is a valid domain
