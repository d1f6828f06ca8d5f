"""Composing the briefing email: MIME structure, TLP subject, bodies, determinism, the .eml
file, address validation and the guards (no network here; see test_smtp.py for sending)."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
from datetime import datetime, timezone

import pytest

from briefgen.deliver import mail
from briefgen.deliver.addresses import (AddressError, MailInputError, ascii_domain, check_addresses,
                                normalise_domains, parse_address)
from briefgen.errors import DeliveryError, TemplateError
from briefgen.model.models import Distribution, Recipient
from briefgen.pipeline.build import BuildOptions
from briefgen.resolve.select import resolve
from briefgen.model.tlp import TLP

NOW = datetime(2025, 5, 12, 9, 30, tzinfo=timezone.utc)
PDF = b"%PDF-1.7\n% fake test bytes \xe2\x80\x94\n%%EOF\n"


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


def tree(msg) -> list[tuple[int, str]]:
    out = []

    def walk(part, depth):
        out.append((depth, part.get_content_type()))
        if part.is_multipart():
            for sub in part.iter_parts():
                walk(sub, depth + 1)

    walk(msg, 0)
    return out


@pytest.fixture(scope="module")
def analyst(prepared):
    return resolve(prepared.loaded, prepared.kb, "analyst")


@pytest.fixture(scope="module")
def content(prepared, analyst):
    return mail.mail_content(prepared.loaded, prepared.kb, analyst)


def dist(**kw) -> Distribution:
    base = dict(sender=Recipient(name="Latin America Desk", email="latam-desk@example.org"),
                to=[Recipient(name="Ana Núñez", email="ana@example.org")],
                cc=[Recipient(email="cc@example.org")], bcc=[Recipient(email="hidden@example.org")])
    base.update(kw)
    return Distribution(**base)


def compose(content, *, banner="TLP:AMBER", distribution=None, filename="peru-china--analyst.pdf",
            data=PDF, now=NOW):
    return mail.compose(content, mail.addressing(distribution or dist()), banner=banner,
                        subject="Peru-China briefing", now=now,
                        attachment=mail.AttachmentInfo(filename, data, 8))


# --------------------------------------------------------------------------- structure and headers
def test_mime_structure_and_headers(content) -> None:
    msg = parse(mail.message_bytes(compose(content)))
    assert tree(msg) == [(0, "multipart/mixed"), (1, "multipart/alternative"), (2, "text/plain"),
                         (2, "text/html"), (1, "application/pdf")]
    assert msg["From"] == "Latin America Desk <latam-desk@example.org>"
    assert msg["To"].addresses[0].display_name == "Ana Núñez"
    assert msg["To"].addresses[0].addr_spec == "ana@example.org"
    assert msg["Cc"] == "cc@example.org" and msg["Bcc"] == "hidden@example.org"
    assert msg["Subject"] == "[TLP:AMBER] Peru-China briefing"
    assert msg["Date"].datetime == NOW
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@example.org>")
    assert msg["MIME-Version"] == "1.0" and msg["Content-Language"] == "en"
    for part in list(msg.walk())[1:]:
        assert part["MIME-Version"] is None  # only in the top-level header
    text, html_part = msg.get_body(("plain",)), msg.get_body(("html",))
    assert text["Content-Transfer-Encoding"] == "quoted-printable"
    assert html_part["Content-Transfer-Encoding"] == "quoted-printable"
    att = next(msg.iter_attachments())
    assert att.get_content_type() == "application/pdf"
    assert att.get_content_disposition() == "attachment"
    assert att.get_filename() == "peru-china--analyst.pdf"
    assert att.get_content() == PDF


def test_raw_message_is_seven_bit_with_crlf(content) -> None:
    raw = mail.message_bytes(compose(content))
    assert all(b < 128 for b in raw), "headers and bodies are encoded for any SMTP server"
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998


def test_non_ascii_attachment_filename_survives(content) -> None:
    name = "Perú–China informe 中国五矿 (2025).pdf"
    raw = mail.message_bytes(compose(content, filename=name))
    assert re.search(rb"filename\*(0\*)?=utf-8''Per%C3%BA", raw)  # RFC 2231 (with continuations)
    att = next(parse(raw).iter_attachments())
    assert att.get_filename() == name
    assert att.get_content() == PDF


def test_idn_and_non_ascii_names_in_headers(content) -> None:
    d = dist(to=[Recipient(name="José Pérez", email="jose@bücher.example")], cc=[], bcc=[])
    raw = mail.message_bytes(compose(content, distribution=d))
    assert b"jose@xn--bcher-kva.example" in raw
    msg = parse(raw)
    assert msg["To"].addresses[0].display_name == "José Pérez"
    assert msg["To"].addresses[0].domain == "xn--bcher-kva.example"


# --------------------------------------------------------------------------- subject and TLP
def test_subject_prefix_uses_the_banner_not_the_ceiling(prepared, analyst, content) -> None:
    assert analyst.audience.tlp == TLP.AMBER
    for level in TLP:
        msg = compose(content, banner=level)
        assert msg["Subject"] == f"[{level.label}] Peru-China briefing"
        body = msg.get_body(("plain",)).get_content()
        assert body.splitlines()[0] == level.label  # the label comes before the body
        assert mail.SHARING[level].split(":")[0] in body


def test_subject_templates(prepared, analyst) -> None:
    assert mail.render_subject(prepared.loaded, prepared.kb, analyst) == "Peru-China briefing (analyst edition)"
    meta = prepared.loaded.spec.briefing

    def with_subject(template):
        aud = analyst.audience.model_copy(update={"distribution": analyst.audience.distribution.model_copy(
            update={"subject": template})})
        return dataclasses.replace(analyst, audience=aud)

    assert mail.render_subject(prepared.loaded, prepared.kb, with_subject(None)) == f"{meta.title} (12 May 2025)"
    got = mail.render_subject(prepared.loaded, prepared.kb, with_subject(
        "{{ audience.name | upper }}:\n  {{ entity('lopez-aliaga').name }}{{ cite('c-2026-run') }}"))
    assert got == "ANALYST: Rafael López Aliaga"  # one line, no citation token
    with pytest.raises(TemplateError, match="nope"):
        mail.render_subject(prepared.loaded, prepared.kb, with_subject("{{ nope }}"))
    with pytest.raises(TemplateError):
        mail.render_subject(prepared.loaded, prepared.kb, with_subject("{{ cycler.__init__.__globals__ }}"))


# --------------------------------------------------------------------------- bodies
def test_plain_body_content(prepared, analyst, content) -> None:
    body = compose(content).get_body(("plain",)).get_content()
    lines = body.splitlines()
    assert lines[0] == "TLP:AMBER"
    assert content.title in body and "12 May 2025" in body and "Latin America Desk" in body
    assert "BOTTOM LINE UP FRONT" in body and "KEY JUDGMENTS" in body
    squashed = " ".join(body.split())
    assert "Chinese state-linked capital now stands behind Peru's newest Pacific gateway" in squashed
    assert "\ue000" not in body and "\ue001" not in body and "cite:" not in body
    kj = [rs for rs in analyst.all_sections() if rs.kind == "key_judgments"][0]
    assert len(content.judgments) == len(kj.claims) > 0
    for n, claim in enumerate(kj.claims, 1):
        assert f"KJ{n}. " in body
        assert " ".join(claim.statement.split()[:6]) in squashed
    assert "Very likely (moderate confidence): PeruRail's dependence" in squashed
    assert "peru-china--analyst.pdf (PDF, 8 pages" in squashed
    assert mail.AttachmentInfo("x", PDF).sha256 in body
    assert all(len(line) <= 78 or "://" in line for line in lines)


def test_public_body_leaves_out_withheld_judgments(prepared) -> None:
    public = resolve(prepared.loaded, prepared.kb, "public")
    content = mail.mail_content(prepared.loaded, prepared.kb, public)
    statement = prepared.kb.claims["c-desk-leverage"].statement
    assert "c-desk-leverage" not in [j.claim_id for j in content.judgments]
    body = compose(content, banner="TLP:CLEAR").get_body(("plain",)).get_content()
    assert statement[:40] not in " ".join(body.split())
    assert "Whether López Aliaga would govern closer to Washington or to Beijing" in " ".join(body.split())


def test_html_escapes_text_and_keeps_markup_conventions() -> None:
    evil = mail.MailContent(
        briefing_id="b", audience="a", title="<script>alert(1)</script> & Co", desk="Desk \"X\"",
        date="1 May 2025", bluf_title="BLUF <i>", judgments_title="Key judgments",
        bluf="Plain **bold** and *italic*, [a link](https://example.org/?a=1&b=2), "
             "<img src=x onerror=alert(1)> and \\*literal\\*.\ue000cite:c-1\ue001",
        judgments=(mail.Judgment(1, "Likely", "<b>not bold</b> [x](javascript:alert(1))"),))
    html = mail.html_body(evil, TLP.RED, mail.AttachmentInfo("a<b>.pdf", PDF, 1))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>bold</b>" in html and "<i>italic</i>" in html and "*literal*" in html
    assert '<a href="https://example.org/?a=1&amp;b=2">a link</a>' in html
    assert 'href="javascript' not in html and "[x](javascript:alert(1))" in html  # shown, not linked
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert "a&lt;b&gt;.pdf" in html and "BLUF &lt;i&gt;" in html
    assert "\ue000" not in html and "color=" not in html.lower().replace("color:", "")
    assert html.count("TLP:RED") == 2 and "#FF2B2B" in html
    plain = mail.plain_body(evil, TLP.RED, mail.AttachmentInfo("a.pdf", PDF, 1))
    assert "Plain bold and italic, a link (https://example.org/?a=1&b=2)" in " ".join(plain.split())
    assert "*literal*" in plain and "**" not in plain


def test_figure_references_read_figure_n() -> None:
    text = f"See {chr(0xE000)}ref:fig-x{chr(0xE001)} above.{chr(0xE000)}cite:a,b{chr(0xE001)}"
    assert mail.strip_tokens(text, {"fig-x": 3}) == "See Figure 3 above."


# --------------------------------------------------------------------------- determinism
def test_same_inputs_same_bytes_with_a_fixed_date(content, monkeypatch) -> None:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    a, b = mail.message_bytes(compose(content)), mail.message_bytes(compose(content))
    assert a == b
    other = parse(mail.message_bytes(compose(content, data=PDF + b" ")))
    assert other["Message-ID"] != parse(a)["Message-ID"]  # a different PDF is a different message
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1747000000")
    c, d = mail.message_bytes(compose(content, now=None)), mail.message_bytes(compose(content, now=None))
    assert c == d
    assert parse(c)["Date"].datetime == datetime.fromtimestamp(1747000000, timezone.utc)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    e, f = parse(mail.message_bytes(compose(content, now=None))), parse(mail.message_bytes(compose(content, now=None)))
    assert e["Message-ID"] != f["Message-ID"]  # make_msgid: unique
    assert e["Message-ID"].endswith("@example.org>")


def test_bad_source_date_epoch(content, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(MailInputError, match="SOURCE_DATE_EPOCH"):
        compose(content, now=None)


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
        mail.addressing(d, where="audiences.analyst.distribution")
    text = str(exc.value)
    assert "2 invalid email addresses" in text
    assert "audiences.analyst.distribution.to[1]: invalid email address 'bad one@example.org'" in text
    assert "audiences.analyst.distribution.cc[0]: invalid email address 'nobody'" in text
    assert check_addresses([("a@example.org", "A", "x")])[0].display_name == "A"


def test_display_name_with_line_break_is_rejected() -> None:
    with pytest.raises(AddressError, match="line break"):
        parse_address("a@example.org", "Ana\nBcc: x@example.net")


def test_addressing_sender_and_recipients() -> None:
    a = mail.addressing(dist(to=[Recipient(email="x@example.org"), Recipient(email="X@example.org")],
                             cc=[Recipient(email="x@example.org")], bcc=[Recipient(email="b@example.org")]))
    assert a.recipients == ["x@example.org", "b@example.org"]  # each address once
    assert a.roles()["b@example.org"] == "bcc"
    fallback = mail.addressing(Distribution(to=[Recipient(email="t@example.org")]), default_sender="desk@example.org")
    assert fallback.sender.addr_spec == "desk@example.org"
    with pytest.raises(MailInputError, match="no From address"):
        mail.addressing(Distribution(to=[Recipient(email="t@example.org")]))
    with pytest.raises(MailInputError, match="no recipients"):
        mail.addressing(Distribution(sender=Recipient(email="d@example.org")))


# --------------------------------------------------------------------------- guards
def test_restricted_levels_only_to_allowed_domains() -> None:
    inside = mail.addressing(dist(to=[Recipient(email="a@example.org"), Recipient(email="b@Example.ORG")],
                                  cc=[], bcc=[]))
    outside = mail.addressing(dist(bcc=[Recipient(email="leak@gmail.example"), Recipient(email="x@sub.example.org")]))
    for level in (TLP.AMBER_STRICT, TLP.RED):
        mail.check_restricted(level, inside, ["example.org"])  # passes
        with pytest.raises(MailInputError) as exc:
            mail.check_restricted(level, outside, ["example.org"], audience="analyst")
        msg = str(exc.value)
        assert f"marked {level.label}" in msg and "audience 'analyst'" in msg
        assert "leak@gmail.example (bcc)" in msg and "x@sub.example.org (bcc)" in msg  # subdomains do not match
        assert "nothing was sent" in msg and exc.value.exit_code == 2
        with pytest.raises(MailInputError, match="none are set"):
            mail.check_restricted(level, inside, [])
    for level in (TLP.CLEAR, TLP.GREEN, TLP.AMBER):
        mail.check_restricted(level, outside, ["example.org"])  # not restricted
    idn = mail.addressing(dist(to=[Recipient(email="a@bücher.example")], cc=[], bcc=[]))
    mail.check_restricted("TLP:RED", idn, ["Bücher.example"])


def test_attachment_size_limit() -> None:
    mail.check_size(10 * 1024 * 1024)  # exactly the default limit passes
    with pytest.raises(MailInputError, match=r"over the attachment limit of 10.0 MiB.*--force") as exc:
        mail.check_size(10 * 1024 * 1024 + 1, filename="big.pdf")
    assert "big.pdf is 10.0 MiB" in str(exc.value)
    mail.check_size(50 * 1024 * 1024, force=True)
    mail.check_size(50 * 1024 * 1024, None)
    with pytest.raises(MailInputError, match="2 KiB"):
        mail.check_size(5000, 2048)


# --------------------------------------------------------------------------- built variants and .eml files
@pytest.mark.parametrize("name", ["analyst", "executive", "public"])
def test_eml_of_each_built_audience_opens_with_every_part(prepared, built, name, tmp_path) -> None:
    result = built[name]
    out = mail.outgoing(prepared, name, BuildOptions(out_dir=tmp_path), result=result, now=NOW)
    assert out.eml_path == tmp_path / f"peru-china--{name}.eml"
    out.eml_path.write_bytes(mail.message_bytes(out.message))
    with open(out.eml_path, "rb") as fh:
        msg = email.message_from_binary_file(fh, policy=email.policy.default)
    assert [t for _, t in tree(msg)] == ["multipart/mixed", "multipart/alternative", "text/plain",
                                         "text/html", "application/pdf"]
    dist_ = prepared.loaded.spec.audiences[name].distribution
    assert msg["From"].addresses[0].addr_spec == dist_.sender.email
    assert [a.addr_spec for a in msg["To"].addresses] == [r.email for r in dist_.to]
    assert [a.addr_spec for a in (msg["Cc"].addresses if msg["Cc"] else ())] == [r.email for r in dist_.cc]
    assert msg["Subject"] == f"[{result.banner}] {dist_.subject}"
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert plain.startswith(result.banner + "\n") and result.banner in html
    assert "Chinese state-linked capital" in plain and "Chinese state-linked capital" in html
    assert f"{result.pages} page" in plain and result.sha256 in plain
    briefing = resolve(prepared.loaded, prepared.kb, name, extra_drops=mail.dropped_sections(result))
    judgments = [c for rs in briefing.all_sections() if rs.kind == "key_judgments" for c in rs.claims]
    assert len(re.findall(r"^KJ\d+\. ", plain, flags=re.M)) == len(judgments) > 0  # as in the PDF
    assert html.count("<li value=") == len(judgments)
    att = next(msg.iter_attachments())
    assert att.get_filename() == f"peru-china--{name}.pdf"
    assert att.get_content() == result.pdf == result.pdf_path.read_bytes()
    assert msg["Date"].datetime == NOW


def test_banner_differs_per_audience(prepared, built, tmp_path) -> None:
    subjects = {n: mail.outgoing(prepared, n, BuildOptions(out_dir=tmp_path), result=built[n], now=NOW).subject
                for n in ("analyst", "public")}
    assert subjects["analyst"].startswith("[TLP:AMBER] ")
    assert subjects["public"].startswith("[TLP:CLEAR] ")  # its banner, although press@ could get more


def test_outgoing_guards_use_the_build(prepared, built, tmp_path) -> None:
    result = built["analyst"]
    with pytest.raises(MailInputError, match="over the attachment limit"):
        mail.outgoing(prepared, "analyst", BuildOptions(out_dir=tmp_path), result=result, max_attachment=1000)
    mail.outgoing(prepared, "analyst", BuildOptions(out_dir=tmp_path), result=result, max_attachment=1000, force=True)
    red = dataclasses.replace(result, banner="TLP:RED")
    mail.outgoing(prepared, "analyst", BuildOptions(out_dir=tmp_path), result=red)  # all in example.org
    spec = prepared.loaded.spec
    aud = spec.audiences["analyst"]
    leaky = aud.model_copy(update={"distribution": aud.distribution.model_copy(
        update={"cc": [Recipient(email="someone@partner.example")]})})
    loaded = dataclasses.replace(prepared.loaded, spec=spec.model_copy(update={"audiences": {**spec.audiences, "analyst": leaky}}))
    leaky_prepared = dataclasses.replace(prepared, loaded=loaded)
    mail.outgoing(leaky_prepared, "analyst", BuildOptions(out_dir=tmp_path), result=result)  # AMBER: allowed
    with pytest.raises(MailInputError, match=r"someone@partner\.example \(cc\) is outside"):
        mail.outgoing(leaky_prepared, "analyst", BuildOptions(out_dir=tmp_path), result=red)
    assert not list(tmp_path.iterdir())  # outgoing writes nothing itself
