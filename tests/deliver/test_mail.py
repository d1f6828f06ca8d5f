"""Composing the briefing email: MIME structure, TLP subject, bodies made from the document
alone (HTML from its template, key judgments numbered as in the PDF), determinism, the .eml
file, address validation and the guards (no network here; see test_smtp.py for sending)."""

from __future__ import annotations

import dataclasses
import email
import email.policy
import re
from datetime import UTC, datetime

import pytest

from briefgen.deliver import mail
from briefgen.deliver.addresses import MailInputError, addressing
from briefgen.deliver.attachment import AttachmentInfo, check_size
from briefgen.deliver.mailbody import SHARING, html_body, plain_body
from briefgen.deliver.mailcontent import Judgment, MailBlock, MailContent, mail_content
from briefgen.document.model import Citation, CrossRef, Link, Text, plain_text
from briefgen.document.runs import inline_runs
from briefgen.errors import DeliveryError, TemplateError
from briefgen.model.models import Distribution, Recipient
from briefgen.model.tlp import TLP
from briefgen.pipeline.build import BuildOptions
from briefgen.pipeline.email import outgoing
from briefgen.pipeline.subject import render_subject
from briefgen.resolve.select import resolve

NOW = datetime(2025, 5, 12, 9, 30, tzinfo=UTC)
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
def analyst(built):
    """The analyst's resolved briefing, as its build made it."""
    return built["analyst"].briefing


@pytest.fixture(scope="module")
def content(built):
    return mail_content(built["analyst"].document)


def dist(**kw) -> Distribution:
    base = dict(sender=Recipient(name="Latin America Desk", email="latam-desk@example.org"),
                to=[Recipient(name="Ana Núñez", email="ana@example.org")],
                cc=[Recipient(email="cc@example.org")], bcc=[Recipient(email="hidden@example.org")])
    base.update(kw)
    return Distribution(**base)


def compose(content, *, banner="TLP:AMBER", distribution=None, filename="peru-china--analyst.pdf",
            data=PDF, now=NOW):
    return mail.compose(content, addressing(distribution or dist()), banner=banner,
                        subject="Peru-China briefing", now=now,
                        attachment=AttachmentInfo(filename, data, 8))


# --------------------------------------------------------------------------- structure and headers
def test_mime_structure_and_headers(content) -> None:
    msg = parse(mail.message_bytes(compose(content)))
    assert tree(msg) == [(0, "multipart/mixed"), (1, "multipart/alternative"), (2, "text/plain"),
                         (2, "text/html"), (1, "application/pdf")]
    assert msg["From"] == "Latin America Desk <latam-desk@example.org>"
    assert msg["To"].addresses[0].display_name == "Ana Núñez"
    assert msg["To"].addresses[0].addr_spec == "ana@example.org"
    assert msg["Cc"] == "cc@example.org" and msg["Bcc"] is None  # Bcc: the envelope only (issue 15)
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
        assert SHARING[level].split(":")[0] in body


def test_subject_templates(prepared, analyst) -> None:
    assert render_subject(prepared.loaded, prepared.kb, analyst) == "Peru-China briefing (analyst edition)"
    meta = prepared.loaded.spec.briefing

    def with_subject(template):
        aud = analyst.audience.model_copy(update={"distribution": analyst.audience.distribution.model_copy(
            update={"subject": template})})
        return dataclasses.replace(analyst, audience=aud)

    assert render_subject(prepared.loaded, prepared.kb, with_subject(None)) == f"{meta.title} (12 May 2025)"
    got = render_subject(prepared.loaded, prepared.kb, with_subject(
        "{{ audience.name | upper }}:\n  {{ entity('lopez-aliaga').name }}{{ cite('c-2026-run') }}"))
    assert got == "ANALYST: Rafael López Aliaga"  # one line, no citation token
    with pytest.raises(TemplateError, match="nope"):
        render_subject(prepared.loaded, prepared.kb, with_subject("{{ nope }}"))
    with pytest.raises(TemplateError):
        render_subject(prepared.loaded, prepared.kb, with_subject("{{ cycler.__init__.__globals__ }}"))


def test_a_subject_is_marked_by_what_it_prints(prepared, analyst) -> None:
    """TLP 2.0: a subject naming AMBER material makes the message AMBER, whatever the banner."""
    from briefgen.pipeline.subject import marked_subject

    def with_subject(template):
        aud = analyst.audience.model_copy(update={"distribution": analyst.audience.distribution.model_copy(
            update={"subject": template})})
        return dataclasses.replace(analyst, audience=aud)

    assert prepared.kb.claims["c-desk-leverage"].tlp == TLP.AMBER
    assert marked_subject(prepared.loaded, prepared.kb, with_subject("Plain words")) == ("Plain words", TLP.CLEAR)
    text, level = marked_subject(prepared.loaded, prepared.kb,
                                 with_subject("{{ claim('c-desk-leverage').label or 'x' }}"))
    assert level == TLP.AMBER and text


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
    assert [j.number for j in content.judgments] == list(range(1, len(kj.claims) + 1))
    assert len(content.judgments) == len(kj.claims) > 0
    for n, claim in enumerate(kj.claims, 1):
        assert f"KJ{n}. " in body
        assert " ".join(claim.statement.split()[:6]) in squashed
    assert "(TLP:AMBER) KJ5. Very likely (moderate confidence): PeruRail's dependence" in squashed  # mark first
    assert "peru-china--analyst.pdf (PDF, 8 pages" in squashed
    assert AttachmentInfo("x", PDF).sha256 in body
    assert all(len(line) <= 78 or "://" in line for line in lines)


def test_public_body_leaves_out_withheld_judgments(prepared, built) -> None:
    content = mail_content(built["public"].document)
    statement = prepared.kb.claims["c-desk-leverage"].statement
    assert "c-desk-leverage" not in [j.claim_id for j in content.judgments]
    body = compose(content, banner="TLP:CLEAR").get_body(("plain",)).get_content()
    assert statement[:40] not in " ".join(body.split())
    assert "Whether López Aliaga would govern closer to Washington or to Beijing" in " ".join(body.split())


def runs(text: str):
    """Document runs of inline text, citations numbered 7 (bodies must leave them out)."""
    return inline_runs(text, cite=lambda ids: Citation(ids, (7,)), ref=lambda target: CrossRef("Figure 3", target))


def test_html_escapes_text_and_keeps_markup_conventions() -> None:
    evil = MailContent(
        briefing_id="b", audience="a", title="<script>alert(1)</script> & Co", desk="Desk \"X\"",
        date="1 May 2025", bluf_title="BLUF <i>", judgments_title="Key judgments",
        bluf=(MailBlock((runs("Plain **bold** and *italic*, [a link](https://example.org/?a=1&b=2), "
                              "<img src=x onerror=alert(1)> and \\*literal\\*.\ue000cite:c-1\ue001"),)),
              MailBlock((runs("first <item>"), runs("[mail us](mailto:desk@example.org)")), bullet=True)),
        judgments=(Judgment(1, "Likely", runs("<b>not bold</b> [x](javascript:alert(1))")),))
    html = html_body(evil, TLP.RED, AttachmentInfo("a<b>.pdf", PDF, 1))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<b>bold</b>" in html and "<i>italic</i>" in html and "*literal*.</p>" in html  # citation left out
    assert '<a href="https://example.org/?a=1&amp;b=2">a link</a>' in html
    assert "<ul><li>first &lt;item&gt;</li><li><a href=\"mailto:desk@example.org\">mail us</a></li></ul>" in html
    assert 'href="javascript' not in html and "[x](javascript:alert(1))" in html  # shown, not linked
    assert "&lt;b&gt;not bold&lt;/b&gt;" in html
    assert "a&lt;b&gt;.pdf" in html and "BLUF &lt;i&gt;" in html
    assert "\ue000" not in html and "color=" not in html.lower().replace("color:", "")
    assert html.count("TLP:RED") == 2 and "#FF2B2B" in html
    plain = plain_body(evil, TLP.RED, AttachmentInfo("a.pdf", PDF, 1))
    assert "Plain bold and italic, a link (https://example.org/?a=1&b=2)" in " ".join(plain.split())
    assert "*literal*.\n" in plain and "**" not in plain  # the citation left out
    assert "- first <item>\n\n- mail us (mailto:desk@example.org)" in plain


def test_links_in_document_and_odd_schemes_show_their_text_only() -> None:
    statement = (Text("See "), Link("the map", "#figure-map"), Text(" and "),
                 Link("bold", "https://x.example", bold=True), Link(" site", "https://x.example"), Text(" or "),
                 Link("https://y.example/a", "https://y.example/a"))
    content = MailContent("b", "a", "T", judgments_title="KJ", judgments=(Judgment(2, "", statement),))
    html = html_body(content, TLP.CLEAR, AttachmentInfo("a.pdf", PDF))
    assert ('<li value="2"><b>KJ2.</b> See the map and <a href="https://x.example"><b>bold</b> site</a> or '
            '<a href="https://y.example/a">https://y.example/a</a></li>') in html  # one link, no "#" link
    plain = plain_body(content, TLP.CLEAR, AttachmentInfo("a.pdf", PDF))
    assert "KJ2. See the map and bold site (https://x.example) or https://y.example/a" in " ".join(plain.split())


def test_figure_references_read_figure_n_and_citations_are_left_out() -> None:
    content = MailContent("b", "a", "T", bluf_title="BLUF",
                          bluf=(MailBlock((runs("See \ue000ref:fig-x\ue001 above.\ue000cite:a,b\ue001"),)),))
    assert "<p>See Figure 3 above.</p>" in html_body(content, TLP.CLEAR, AttachmentInfo("a.pdf", PDF))
    assert "\nSee Figure 3 above.\n" in plain_body(content, TLP.CLEAR, AttachmentInfo("a.pdf", PDF))


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
    assert parse(c)["Date"].datetime == datetime.fromtimestamp(1747000000, UTC)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    e, f = parse(mail.message_bytes(compose(content, now=None))), parse(mail.message_bytes(compose(content, now=None)))
    assert e["Message-ID"] != f["Message-ID"]  # make_msgid: unique
    assert e["Message-ID"].endswith("@example.org>")


def test_bad_source_date_epoch(content, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(MailInputError, match="SOURCE_DATE_EPOCH"):
        compose(content, now=None)


# --------------------------------------------------------------------------- guards
def test_attachment_size_limit() -> None:
    check_size(10 * 1024 * 1024)  # exactly the default limit passes
    with pytest.raises(MailInputError, match=r"over the attachment limit of 10.0 MiB.*--force") as exc:
        check_size(10 * 1024 * 1024 + 1, filename="big.pdf")
    assert "big.pdf is 10.0 MiB" in str(exc.value)
    check_size(50 * 1024 * 1024, force=True)
    check_size(50 * 1024 * 1024, None)
    with pytest.raises(MailInputError, match="2 KiB"):
        check_size(5000, 2048)


# --------------------------------------------------------------------------- built variants and .eml files
@pytest.mark.parametrize("name", ["analyst", "executive", "public"])
def test_eml_of_each_built_audience_opens_with_every_part(prepared, built, name, tmp_path) -> None:
    result = built[name]
    out = outgoing(prepared, name, BuildOptions(out_dir=tmp_path), result=result, now=NOW)
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
    briefing = resolve(prepared.loaded, prepared.kb, name, extra_drops=result.dropped)
    judgments = [c for rs in briefing.all_sections() if rs.kind == "key_judgments" for c in rs.claims]
    assert len(re.findall(r"^(?:\(TLP:[A-Z+]+\) )?KJ\d+\. ", plain, flags=re.M)) == len(judgments) > 0  # as in the PDF
    assert html.count("<li value=") == len(judgments)
    labels = re.findall(r'<li value="(\d+)">(?:\(TLP:[A-Z+]+\) )?<b>KJ(\d+)\.</b> ', html)  # portion mark first
    assert labels == [(str(n), str(n)) for n in range(1, len(judgments) + 1)]
    att = next(msg.iter_attachments())
    assert att.get_filename() == f"peru-china--{name}.pdf"
    assert att.get_content() == result.pdf == result.pdf_path.read_bytes()
    assert msg["Date"].datetime == NOW


def test_banner_differs_per_audience(prepared, built, tmp_path) -> None:
    subjects = {n: outgoing(prepared, n, BuildOptions(out_dir=tmp_path), result=built[n], now=NOW).subject
                for n in ("analyst", "public")}
    assert subjects["analyst"].startswith("[TLP:AMBER] ")
    assert subjects["public"].startswith("[TLP:CLEAR] ")  # its banner, although press@ could get more


def test_outgoing_guards_use_the_build(prepared, built, tmp_path) -> None:
    result = built["analyst"]
    with pytest.raises(MailInputError, match="over the attachment limit"):
        outgoing(prepared, "analyst", BuildOptions(out_dir=tmp_path), result=result, max_attachment=1000)
    outgoing(prepared, "analyst", BuildOptions(out_dir=tmp_path), result=result, max_attachment=1000, force=True)
    red = dataclasses.replace(result, banner="TLP:RED")
    outgoing(prepared, "analyst", BuildOptions(out_dir=tmp_path), result=red)  # all in example.org
    # the distribution comes from the build's resolved briefing, not from the spec again
    aud = result.briefing.audience
    leaky_audience = aud.model_copy(update={"distribution": aud.distribution.model_copy(
        update={"cc": [Recipient(email="someone@partner.example")]})})
    leaky = dataclasses.replace(result, briefing=dataclasses.replace(result.briefing, audience=leaky_audience))
    for banner in ("TLP:AMBER", "TLP:RED"):  # allowed_domains hold at every level
        with pytest.raises(MailInputError) as exc:
            outgoing(prepared, "analyst", BuildOptions(out_dir=tmp_path),
                     result=dataclasses.replace(leaky, banner=banner))
        assert [str(p) for p in exc.value.problems] == [
            "specs/audiences.yaml:16:43: error: audiences.analyst.distribution.cc[0].email: 'someone@partner.example' "
            "(cc) is outside the allowed_domains of audience 'analyst', so it may not receive that audience's briefing "
            f"(marked {banner}) (expected an address in example.org, got partner.example)"]
        assert exc.value.exit_code == 2
    # a restricted banner needs allowed_domains; other levels do not
    open_audience = aud.model_copy(update={"distribution": aud.distribution.model_copy(
        update={"allowed_domains": [], "cc": [Recipient(email="someone@partner.example")]})})
    unfenced = dataclasses.replace(result, briefing=dataclasses.replace(result.briefing, audience=open_audience))
    out = outgoing(prepared, "analyst", BuildOptions(out_dir=tmp_path), result=unfenced)  # AMBER, no allowed_domains
    assert "someone@partner.example" in out.addressing.recipients
    with pytest.raises(MailInputError) as exc:
        outgoing(prepared, "analyst", BuildOptions(out_dir=tmp_path),
                 result=dataclasses.replace(unfenced, banner="TLP:AMBER+STRICT"))
    (problem,) = exc.value.problems
    assert (problem.location(), problem.key, problem.expected) == (
        "specs/audiences.yaml:10:5", "audiences.analyst.distribution", "allowed_domains: [your domain]")
    assert "marked TLP:AMBER+STRICT, which is sent only to the audience's allowed_domains" in problem.message
    with pytest.raises(DeliveryError, match="carries no document"):
        outgoing(prepared, "analyst", BuildOptions(out_dir=tmp_path), result=dataclasses.replace(result, document=None))
    assert not list(tmp_path.iterdir())  # outgoing writes nothing itself


# --------------------------------------------------------------------------- the bodies come from the document
def test_content_is_the_documents_bluf_and_key_judgments(built) -> None:
    doc = built["analyst"].document
    content = mail_content(doc)
    bluf = next(s for s in doc.all_sections() if s.section == "bluf")
    assert content.bluf_title == bluf.title == "Bottom line up front"
    paragraphs = [b for b in bluf.blocks if b.role == "P"]
    assert [[plain_text(runs) for runs in block.items] for block in content.bluf] == [
        [plain_text(p.runs).strip()] for p in paragraphs] != [[""]]
    assert any(isinstance(r, Citation) for p in paragraphs for r in p.runs)  # the document has them, mail not
    assert not any(isinstance(r, Citation) for block in content.bluf for runs in block.items for r in runs)
    assert not any(isinstance(r, Citation) for j in content.judgments for r in j.statement)
    assert [(j.number, j.words, j.claim_id) for j in content.judgments] == [
        (kj.number, kj.likelihood, kj.claim) for kj in doc.key_judgments()]
    assert [j.label for j in content.judgments][:2] == ["KJ1", "KJ2"]
    assert content.judgments_title == "Key judgments"
    assert (content.title, content.date, content.desk, content.language) == (
        doc.title, "12 May 2025", "Latin America Desk", "en")


def test_outgoing_composes_without_resolving_or_rendering_again(prepared, built, tmp_path, monkeypatch) -> None:
    import briefgen.resolve.select
    import briefgen.text.templates

    def refuse(*args, **kwargs):
        raise AssertionError("mail must use the build's document and briefing")

    monkeypatch.setattr(briefgen.resolve.select, "resolve", refuse)
    monkeypatch.setattr(briefgen.text.templates, "render_texts", refuse)
    monkeypatch.setattr("briefgen.pipeline.email.build_prepared", refuse)
    out = outgoing(prepared, "analyst", BuildOptions(out_dir=tmp_path), result=built["analyst"], now=NOW)
    plain = out.message.get_body(("plain",)).get_content()
    assert out.subject == "[TLP:AMBER] Peru-China briefing (analyst edition)"
    assert "Chinese state-linked capital now stands behind" in " ".join(plain.split())


def test_script_in_a_claim_statement_is_escaped_and_its_link_kept(prepared) -> None:
    from briefgen.document.build import build_document
    from briefgen.text.templates import render_texts

    kb = prepared.kb
    claim_id = "c-us-concern"  # the analyst's first key judgment
    claim = kb.claims[claim_id].model_copy(update={
        "statement": "Officials <script>alert('x')</script> fear it; see [the report](https://example.org/r?a=1&b=2)."})
    kb = dataclasses.replace(kb, claims={**kb.claims, claim_id: claim})
    briefing = resolve(prepared.loaded, kb, "analyst")
    content = mail_content(build_document(briefing, render_texts(prepared.loaded, kb, briefing)))
    assert content.judgments[0].claim_id == claim_id
    html = html_body(content, TLP.AMBER, AttachmentInfo("a.pdf", PDF))
    assert "<script>" not in html
    assert ('<li value="1">(TLP:CLEAR) <b>KJ1.</b> <b>Low confidence:</b> Officials &lt;script&gt;alert(&#39;x&#39;)'
            '&lt;/script&gt; fear it; see <a href="https://example.org/r?a=1&amp;b=2">the report</a>.</li>') in html
    plain = plain_body(content, TLP.AMBER, AttachmentInfo("a.pdf", PDF))
    assert ("(TLP:CLEAR) KJ1. Low confidence: Officials <script>alert('x')</script> fear it; see the report "
            "(https://example.org/r?a=1&b=2).") in " ".join(plain.split())


@pytest.mark.parametrize("name", ["analyst", "executive", "public"])
def test_key_judgments_are_numbered_as_in_the_pdf(prepared, built, name, tmp_path) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    result = built[name]
    pdf_text = " ".join(page.extract_text() for page in PdfReader(BytesIO(result.pdf)).pages)
    in_pdf = [int(n) for n in re.findall(r"\bKJ(\d+)\.", pdf_text)]
    assert in_pdf[:1] == [1] and in_pdf == list(range(1, len(in_pdf) + 1))
    msg = outgoing(prepared, name, BuildOptions(out_dir=tmp_path), result=result, now=NOW).message
    plain = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert [int(n) for n in re.findall(r"^(?:\(TLP:[A-Z+]+\) )?KJ(\d+)\. ", plain, flags=re.M)] == in_pdf
    assert [int(n) for n in re.findall(r"<b>KJ(\d+)\.</b>", html)] == in_pdf
    first = re.search(r"KJ1\. (.{30})", " ".join(plain.split())).group(1)
    assert first in " ".join(pdf_text.split())  # the same judgment carries the same number
