"""Compose the email that carries one audience's briefing (``briefgen email``).

The message (:func:`compose`, pure: no network, no files) is a standards-conforming MIME
message (RFC 5322 / 2045-2049, written with :data:`email.policy.SMTP`, CRLF line ends)::

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8   (quoted-printable)
        text/html; charset=utf-8    (quoted-printable)
      application/pdf               (base64, Content-Disposition: attachment; RFC 2231 filename)

Headers: ``From``, ``To``, ``Cc``, ``Bcc`` (from the audience's ``distribution``), ``Subject``
(``[TLP:...] `` + the rendered subject template), ``Date``, ``Message-ID``,
``Content-Language``, ``MIME-Version``. ``Bcc`` is kept in the ``.eml`` file so that it is a
complete record; it is never transmitted (see :func:`wire_copy`).

TLP 2.0 asks for the label in the subject and before the body: the subject starts with
``[TLP:AMBER]`` (the variant's *banner* level, the level printed on its pages, never the
audience's ceiling) and both bodies start with the label and its sharing rule.

Body: title, subtitle, date and desk; the BLUF (the section with id ``bluf``, else the first
top-level text section of that audience's version); the key judgments (every
``key_judgments`` section shown, numbered ``KJ1..`` with their ICD 203 likelihood words as in
the PDF); a note naming the attached PDF, its pages, size and SHA-256. Citation markers
are left out (the sources are in the PDF); figure references read "Figure N". The HTML
alternative escapes every piece of text (claim text cannot inject markup); the author
markup of :mod:`briefgen.text.inline` (``**bold**``, ``*italic*``, ``[links](https://...)``) becomes
``<b>``, ``<i>`` and ``<a href>``; the plain-text body shows it without the markers.

Determinism: with ``now`` given, or ``SOURCE_DATE_EPOCH`` set, ``Date`` and ``Message-ID``
are functions of the inputs, so the same inputs give the same bytes (MIME boundaries too).

Guards (raise :class:`~briefgen.deliver.addresses.MailInputError`, exit code 2, before anything is
written or sent): invalid addresses (:func:`addressing`), an attachment over the limit
(:func:`check_size`, default 10 MiB, unless forced), and for briefings marked
TLP:AMBER+STRICT or TLP:RED any recipient outside the audience's ``allowed_domains``
(:func:`check_restricted`).
"""

from __future__ import annotations

import hashlib
import html
import os
import textwrap
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from briefgen.deliver.addresses import MailInputError, check_addresses, domain_allowed, normalise_domains
from briefgen.errors import DeliveryError
from briefgen.text.inline import strip_tokens, to_plain
from briefgen.model.tlp import TLP

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.load.project import KnowledgeBase, LoadedSpec
    from briefgen.model.models import Distribution
    from briefgen.pipeline.build import BuildOptions, BuildResult, Prepared
    from briefgen.model.resolved import Briefing
    from briefgen.text.templates import Texts

DEFAULT_SUBJECT = "{{ briefing.title }} ({{ briefing.date }})"
"""Subject template used when the audience's ``distribution.subject`` is not set."""

DEFAULT_MAX_ATTACHMENT = 10 * 1024 * 1024
"""Default attachment limit in bytes (10 MiB); see :func:`check_size`."""

RESTRICTED = (TLP.AMBER_STRICT, TLP.RED)
"""Levels sent only to recipients in the audience's ``allowed_domains``."""

SHARING = {
    TLP.CLEAR: "Recipients can spread this to the world; there is no limit on disclosure.",
    TLP.GREEN: "Limited disclosure: recipients can spread this within their community, "
               "but not via publicly accessible channels.",
    TLP.AMBER: "Limited disclosure: recipients can only spread this on a need-to-know basis "
               "within their organization and its clients.",
    TLP.AMBER_STRICT: "Limited disclosure, restricted to the organization: recipients can only "
                      "spread this on a need-to-know basis within their organization, not to its clients.",
    TLP.RED: "For the eyes and ears of individual recipients only, no further disclosure.",
}
"""The TLP 2.0 sharing rule printed under the label, per level (FIRST's wording)."""

_NO_COLOUR = "\ue0ff"
_WIDTH = 76


# --------------------------------------------------------------------------- content
@dataclass(frozen=True)
class Judgment:
    """One key judgment: its number (``KJ1``), ICD 203 words (may be empty) and inline text."""

    number: int
    words: str
    text: str
    claim_id: str = ""


@dataclass(frozen=True)
class MailContent:
    """What the body says, taken from one audience's version of the briefing.

    ``bluf`` and ``judgments_intro`` are inline text (author markup, no citation tokens;
    figure references already read "Figure N")."""

    briefing_id: str
    audience: str
    title: str
    subtitle: str = ""
    date: str = ""
    desk: str = ""
    language: str = "en"
    bluf_title: str = ""
    bluf: str = ""
    judgments_title: str = ""
    judgments_intro: str = ""
    judgments: tuple[Judgment, ...] = ()


def mail_content(loaded: "LoadedSpec", kb: "KnowledgeBase", briefing: "Briefing",
                 texts: "Texts | None" = None) -> MailContent:
    """The body content of ``briefing`` (one audience's resolved version).

    ``texts``: the rendered section texts when the caller has them (else rendered here with
    :func:`briefgen.text.templates.render_texts`, pure and fast)."""
    from briefgen.text import fmt
    from briefgen.text.templates import render_texts

    if texts is None:
        texts = render_texts(loaded, kb, briefing)
    figures = {c.id: c.number for c in briefing.charts()}
    sections = briefing.all_sections()
    bluf = next((rs for rs in sections if rs.id == "bluf"), None)
    if bluf is None:
        bluf = next((rs for rs in briefing.sections if rs.kind == "text" and texts.sections.get(rs.id)), None)
    judgments: list[Judgment] = []
    kj_sections = [rs for rs in sections if rs.kind == "key_judgments"]
    for rs in kj_sections:
        for claim in rs.claims:
            words = fmt.likelihood(claim)
            judgments.append(Judgment(len(judgments) + 1, words[:1].upper() + words[1:], claim.statement, claim.id))
    meta = briefing.meta
    return MailContent(
        briefing_id=meta.id, audience=briefing.audience_name, title=briefing.title,
        subtitle=meta.subtitle, date=meta.date.render(), desk=meta.desk, language=meta.language,
        bluf_title=bluf.title if bluf else "",
        bluf=strip_tokens(texts.sections.get(bluf.id, ""), figures).strip() if bluf else "",
        judgments_title=kj_sections[0].title if kj_sections else "",
        judgments_intro=strip_tokens(texts.sections.get(kj_sections[0].id, ""), figures).strip() if kj_sections else "",
        judgments=tuple(judgments),
    )


def render_subject(loaded: "LoadedSpec", kb: "KnowledgeBase", briefing: "Briefing") -> str:
    """The audience's subject template (``distribution.subject``, default
    :data:`DEFAULT_SUBJECT`) rendered in briefgen's sandboxed, strict Jinja2 environment with
    the same names as section templates; whitespace is folded to single spaces. Without the
    TLP label (see :func:`subject_line`). Raises :class:`~briefgen.errors.TemplateError`."""
    from briefgen.text.templates import Renderer, TemplateSource, template_source

    template = briefing.audience.distribution.subject
    label = f"audience {briefing.audience_name!r} distribution.subject"
    src = None
    if template is not None:
        src = template_source(loaded, ("audiences", briefing.audience_name, "distribution", "subject"),
                              template, None, label)
    if src is None:
        src = TemplateSource(DEFAULT_SUBJECT, "(built-in default subject)", 1, "default subject", "subject")
    text = Renderer(briefing, kb).render(src)
    return " ".join(strip_tokens(text).split())


def subject_line(banner: TLP | str, subject: str) -> str:
    """``[TLP:AMBER] subject``: the banner label first, as TLP 2.0 asks."""
    level = banner if isinstance(banner, TLP) else TLP.parse(banner)
    return f"[{level.label}] {' '.join(subject.split())}".rstrip()


# --------------------------------------------------------------------------- addressing and guards
@dataclass(frozen=True)
class Addressing:
    """Validated header addresses of one message (domains in ASCII/IDNA form)."""

    sender: Address
    to: tuple[Address, ...] = ()
    cc: tuple[Address, ...] = ()
    bcc: tuple[Address, ...] = ()

    @property
    def recipients(self) -> list[str]:
        """Every envelope recipient (To, Cc, Bcc), each address once, in that order."""
        seen: list[str] = []
        for a in (*self.to, *self.cc, *self.bcc):
            spec = a.addr_spec
            if spec.lower() not in (s.lower() for s in seen):
                seen.append(spec)
        return seen

    def roles(self) -> dict[str, str]:
        """``{address: "to" | "cc" | "bcc"}`` (first role wins)."""
        out: dict[str, str] = {}
        for role, items in (("to", self.to), ("cc", self.cc), ("bcc", self.bcc)):
            for a in items:
                out.setdefault(a.addr_spec, role)
        return out


def addressing(distribution: "Distribution", *, default_sender: str | None = None,
               where: str = "distribution") -> Addressing:
    """Validate the distribution list (and the fallback From address ``default_sender``,
    the ``[smtp] from`` setting) into an :class:`Addressing`.

    Raises :class:`~briefgen.deliver.addresses.AddressError` listing every invalid address, or
    :class:`~briefgen.deliver.addresses.MailInputError` when there is no From address or no recipient.
    """
    items: list[tuple[str, str, str]] = []
    if distribution.sender is not None:
        items.append((distribution.sender.email, distribution.sender.name, f"{where}.from"))
    elif default_sender:
        items.append((default_sender, "", "smtp setting 'from'"))
    else:
        raise MailInputError(f"{where}: no From address: set 'from' in the audience's distribution "
                             f"or 'from' in the [smtp] section of briefgen.toml")
    counts = {}
    for role in ("to", "cc", "bcc"):
        people = getattr(distribution, role)
        counts[role] = len(people)
        items += [(r.email, r.name, f"{where}.{role}[{i}]") for i, r in enumerate(people)]
    found = check_addresses(items)
    sender, rest = found[0], found[1:]
    to, rest = tuple(rest[:counts["to"]]), rest[counts["to"]:]
    cc, bcc = tuple(rest[:counts["cc"]]), tuple(rest[counts["cc"]:])
    result = Addressing(sender, to, cc, bcc)
    if not result.recipients:
        raise MailInputError(f"{where}: no recipients: add addresses under 'to' (or 'cc', 'bcc')")
    return result


def check_restricted(banner: TLP | str, addrs: Addressing, allowed_domains: Iterable[str],
                     *, audience: str = "") -> None:
    """For a briefing marked TLP:AMBER+STRICT or TLP:RED, every recipient (To, Cc and Bcc)
    must be in one of ``allowed_domains`` (exact domain match, IDN-aware). Any other
    recipient fails the whole message, listing each offender. Other levels pass."""
    level = banner if isinstance(banner, TLP) else TLP.parse(banner)
    if level not in RESTRICTED:
        return
    who = f"audience {audience!r}: " if audience else ""
    allowed = normalise_domains(allowed_domains)
    if not allowed:
        raise MailInputError(f"{who}the briefing is marked {level.label}, which is sent only to "
                             f"the audience's allowed_domains, and none are set; nothing was sent")
    roles = addrs.roles()
    outside = [a for a in (*addrs.to, *addrs.cc, *addrs.bcc) if not domain_allowed(a, allowed)]
    if outside:
        specs = list(dict.fromkeys(a.addr_spec for a in outside))
        listed = ", ".join(f"{s} ({roles[s]})" for s in specs)
        raise MailInputError(f"{who}the briefing is marked {level.label}: it may go only to "
                             f"{', '.join(allowed)}, but {listed} "
                             f"{'is' if len(specs) == 1 else 'are'} outside; nothing was sent")


def check_size(size: int, limit: int | None = DEFAULT_MAX_ATTACHMENT, *, force: bool = False,
               filename: str = "the PDF") -> None:
    """Refuse an attachment of more than ``limit`` bytes unless ``force`` (None: no limit)."""
    if limit is None or force or size <= limit:
        return
    raise MailInputError(f"{filename} is {_size(size)}, over the attachment limit of {_size(limit)}; "
                         f"many mail servers refuse such messages. Use --force to send it anyway, "
                         f"or raise max_attachment_mb in the [smtp] section of briefgen.toml")


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB ({n:,} bytes)"
    return f"{max(1, round(n / 1024))} KiB" if n >= 1024 else f"{n} bytes"


# --------------------------------------------------------------------------- dates and ids
def message_date(now: datetime | None = None) -> tuple[datetime, bool]:
    """The ``Date`` of a message and whether it is deterministic: ``now`` when given
    (naive means UTC), else ``SOURCE_DATE_EPOCH`` (UTC), else the current local time."""
    if now is not None:
        return (now if now.tzinfo else now.replace(tzinfo=timezone.utc)), True
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), timezone.utc), True
        except (ValueError, OverflowError):
            raise MailInputError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {epoch!r}") from None
    return datetime.now(timezone.utc).astimezone(), False


def message_id(domain: str, *, seed: str | None = None) -> str:
    """A Message-ID ``<...@domain>``: derived from ``seed`` (deterministic) when given,
    else :func:`email.utils.make_msgid` (time, process id and randomness)."""
    from email.utils import make_msgid

    if seed is None:
        return make_msgid(idstring="briefgen", domain=domain)
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}.briefgen@{domain}>"


# --------------------------------------------------------------------------- bodies
def inline_plain(text: str) -> str:
    """Inline text as plain text (see :func:`briefgen.text.inline.to_plain`)."""
    return to_plain(text)


def inline_html(text: str) -> str:
    """Inline text as HTML: everything escaped; ``**bold**``, ``*italic*`` and links become
    ``<b>``, ``<i>`` and ``<a href>`` (http, https and mailto only) through
    :func:`briefgen.text.inline.to_markup`."""
    from briefgen.text.inline import to_markup

    markup = to_markup(strip_tokens(text), link_colour=_NO_COLOUR)
    return markup.replace(f' color="{_NO_COLOUR}"', "")


def _blocks(text: str) -> list[tuple[str, str]]:
    from briefgen.text.inline import paragraphs

    return paragraphs(text) if text.strip() else []


def _wrap(text: str, indent: str = "", first: str | None = None) -> str:
    return textwrap.fill(" ".join(text.split()), width=_WIDTH, initial_indent=first if first is not None else indent,
                         subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)


@dataclass(frozen=True)
class AttachmentInfo:
    """The attached PDF: file name (any characters), bytes, page count."""

    filename: str
    data: bytes = field(repr=False)
    pages: int = 0

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def describe(self) -> str:
        """``name.pdf (PDF, 7 pages, 412 KiB)``."""
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}, " if self.pages else ""
        return f"{self.filename} (PDF, {pages}{_size(len(self.data))})"


def plain_body(content: MailContent, banner: TLP, attachment: AttachmentInfo) -> str:
    """The text/plain body: TLP label and rule, title block, BLUF, key judgments, attachment note."""
    out = [banner.label, _wrap(SHARING[banner]), "", _wrap(content.title)]
    if content.subtitle:
        out.append(_wrap(content.subtitle))
    out.append(" · ".join(x for x in (content.date, content.desk) if x))
    if content.bluf:
        out += ["", content.bluf_title.upper(), ""]
        for kind, block in _blocks(content.bluf):
            out += [_wrap(inline_plain(block), "  ", "- ") if kind == "bullet" else _wrap(inline_plain(block)), ""]
        out.pop()
    if content.judgments:
        out += ["", content.judgments_title.upper(), ""]
        if content.judgments_intro:
            out += [_wrap(inline_plain(b)) for _, b in _blocks(content.judgments_intro)] + [""]
        for j in content.judgments:
            head = f"KJ{j.number}. " + (f"{j.words}: " if j.words else "")
            out += [_wrap(head + inline_plain(j.text), "      ", ""), ""]
        out.pop()
    out += ["", _wrap(f"The full briefing is attached: {attachment.describe()}. "
                      f"Sources and citations are in the PDF."),
            f"SHA-256: {attachment.sha256}", "", banner.label, ""]
    return "\n".join(out)


def html_body(content: MailContent, banner: TLP, attachment: AttachmentInfo) -> str:
    """The text/html alternative: the same content, every text escaped."""
    e = html.escape
    label = (f'<p style="margin:0 0 4px 0"><span style="background:#000000;color:{banner.colour};'
             f'font-family:Arial,Helvetica,sans-serif;font-weight:bold;font-size:12pt;padding:2px 6px">'
             f'{e(banner.label)}</span></p>\n<p style="margin:0 0 16px 0;font-size:10pt;color:#444444">'
             f'{e(SHARING[banner])}</p>')
    parts = [f'<!DOCTYPE html>\n<html lang="{e(content.language)}">\n<head>\n<meta charset="utf-8">\n'
             f"<title>{e(content.title)}</title>\n</head>\n"
             f'<body style="font-family:Arial,Helvetica,sans-serif;font-size:11pt;line-height:1.4;color:#111111">',
             label, f"<h1 style=\"font-size:16pt;margin:0 0 4px 0\">{e(content.title)}</h1>"]
    if content.subtitle:
        parts.append(f'<p style="margin:0 0 4px 0;font-style:italic">{e(content.subtitle)}</p>')
    parts.append(f'<p style="margin:0 0 12px 0;color:#444444">{e(" · ".join(x for x in (content.date, content.desk) if x))}</p>')

    def blocks(text: str) -> list[str]:
        items, bullets = [], []
        for kind, block in _blocks(text):
            if kind == "bullet":
                bullets.append(f"<li>{inline_html(block)}</li>")
                continue
            if bullets:
                items.append("<ul>" + "".join(bullets) + "</ul>")
                bullets = []
            items.append(f"<p>{inline_html(block)}</p>")
        if bullets:
            items.append("<ul>" + "".join(bullets) + "</ul>")
        return items

    if content.bluf:
        parts.append(f'<h2 style="font-size:13pt">{e(content.bluf_title)}</h2>')
        parts += blocks(content.bluf)
    if content.judgments:
        parts.append(f'<h2 style="font-size:13pt">{e(content.judgments_title)}</h2>')
        parts += blocks(content.judgments_intro)
        parts.append("<ol>")
        for j in content.judgments:
            head = f"<b>{e(j.words)}:</b> " if j.words else ""
            parts.append(f'<li value="{j.number}">{head}{inline_html(j.text)}</li>')
        parts.append("</ol>")
    parts.append(f"<p>The full briefing is attached: {e(attachment.describe())}. "
                 f"Sources and citations are in the PDF.<br>\n"
                 f'<span style="font-size:9pt;color:#444444">SHA-256 of the PDF: {attachment.sha256}</span></p>')
    parts.append(label.split("\n")[0])
    parts.append("</body>\n</html>\n")
    return "\n".join(parts)


# --------------------------------------------------------------------------- the message
def compose(content: MailContent, addrs: Addressing, *, banner: TLP | str, subject: str,
            attachment: AttachmentInfo, now: datetime | None = None) -> EmailMessage:
    """The complete message (pure: no network, no files).

    ``subject`` is the rendered subject without label (see :func:`render_subject`); the
    ``[TLP:...]`` prefix is added here from ``banner``. ``Date`` and ``Message-ID`` are
    deterministic when ``now`` is given or ``SOURCE_DATE_EPOCH`` is set."""
    from email import policy
    from email.utils import format_datetime

    level = banner if isinstance(banner, TLP) else TLP.parse(banner)
    date, fixed = message_date(now)
    seed = None
    if fixed:
        seed = "|".join([content.briefing_id, content.audience, attachment.sha256, date.isoformat(),
                         addrs.sender.addr_spec, *addrs.recipients])
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = addrs.sender
    if addrs.to:
        msg["To"] = addrs.to
    if addrs.cc:
        msg["Cc"] = addrs.cc
    if addrs.bcc:
        msg["Bcc"] = addrs.bcc
    msg["Subject"] = subject_line(level, subject)
    msg["Date"] = format_datetime(date)
    msg["Message-ID"] = message_id(addrs.sender.domain, seed=seed)
    msg.set_content(plain_body(content, level, attachment), cte="quoted-printable")
    msg.add_alternative(html_body(content, level, attachment), subtype="html", cte="quoted-printable")
    msg.add_attachment(attachment.data, maintype="application", subtype="pdf", filename=attachment.filename)
    for part in msg.iter_parts():  # MIME-Version belongs in the top-level header only
        del part["MIME-Version"]
        for sub in part.iter_parts():
            del sub["MIME-Version"]
    msg["Content-Language"] = content.language  # after the parts: set_content clears Content-*
    if fixed:  # deterministic MIME boundaries too
        for i, part in enumerate(msg.walk()):
            if part.is_multipart():
                part.set_boundary(f"=_briefgen_{hashlib.sha256(f'{seed}|{i}'.encode()).hexdigest()[:24]}")
    return msg


def message_bytes(msg: EmailMessage) -> bytes:
    """The message as RFC 5322 bytes with CRLF line ends: the ``.eml`` file's content."""
    from email import policy

    return msg.as_bytes(policy=policy.SMTP)


def wire_copy(msg: EmailMessage) -> EmailMessage:
    """A copy of ``msg`` without ``Bcc``: what is transmitted (Bcc recipients are in the
    envelope only, so no recipient learns of them)."""
    import copy

    out = copy.deepcopy(msg)
    del out["Bcc"]
    return out


# --------------------------------------------------------------------------- build, then compose
@dataclass
class Outgoing:
    """One audience's built variant and its composed message, checked by every guard."""

    audience: str
    result: "BuildResult"
    message: EmailMessage
    addressing: Addressing
    banner: TLP
    eml_path: Path

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])


def dropped_sections(result: "BuildResult") -> list[str]:
    """Sections the build left out to fit ``max_pages`` (from its manifest)."""
    return list(result.dropped)


def outgoing(prepared: "Prepared", audience: str | None, options: "BuildOptions", *,
             default_sender: str | None = None, max_attachment: int | None = DEFAULT_MAX_ATTACHMENT,
             force: bool = False, now: datetime | None = None,
             result: "BuildResult | None" = None) -> Outgoing:
    """Build the audience's PDF (:func:`briefgen.pipeline.build.build_prepared`, written to
    ``options.out_dir`` when ``options.write``) unless ``result`` is given, then compose its
    message from the same PDF bytes and apply every guard. Writes nothing else."""
    from briefgen.deliver.output import output_paths
    from briefgen.pipeline.build import build_prepared
    from briefgen.resolve.select import resolve

    if result is None:
        result = build_prepared(prepared, audience, options)
    briefing = resolve(prepared.loaded, prepared.kb, result.audience, extra_drops=dropped_sections(result))
    dist = briefing.audience.distribution
    located = prepared.loaded.source.problem(("audiences", result.audience, "distribution"), "")
    where = f"{located.location()}: audiences.{result.audience}.distribution"
    addrs = addressing(dist, default_sender=default_sender, where=where)
    banner = TLP.parse(result.banner)
    check_restricted(banner, addrs, dist.allowed_domains, audience=result.audience)
    paths = output_paths(options.out_dir, result.briefing_id, result.audience)
    check_size(len(result.pdf), max_attachment, force=force, filename=paths["pdf"].name)
    if not result.pdf:
        raise DeliveryError(f"the build of audience {result.audience!r} returned no PDF bytes")
    content = mail_content(prepared.loaded, prepared.kb, briefing)
    subject = render_subject(prepared.loaded, prepared.kb, briefing)
    attachment = AttachmentInfo(paths["pdf"].name, result.pdf, result.pages)
    msg = compose(content, addrs, banner=banner, subject=subject, attachment=attachment, now=now)
    return Outgoing(result.audience, result, msg, addrs, banner, paths["eml"])
