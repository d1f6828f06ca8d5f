"""The briefing email as a MIME message (``briefgen email``): composition, bytes, what is sent.

The message (:func:`compose`, pure: no network, no files) is a standards-conforming MIME
message (RFC 5322 / 2045-2049, written with :data:`email.policy.SMTP`, CRLF line ends; its
Subject and address headers fold so that they read back exactly,
:mod:`briefgen.deliver.mailheaders`)::

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8   (quoted-printable)
        text/html; charset=utf-8    (quoted-printable)
      application/pdf               (base64, Content-Disposition: attachment; RFC 2231 filename)

Headers: ``From``, ``To``, ``Cc`` (from the audience's ``distribution``), ``Subject``
(``[TLP:...] `` + the rendered subject template), ``Date``, ``Message-ID``,
``Content-Language``, ``MIME-Version``.

Bcc: never a header, neither in the saved ``.eml`` (a forwarded file would leak the list)
nor on the wire. The Bcc recipients stay in the message's
:class:`~briefgen.deliver.addresses.Addressing` (from the spec's distribution, which
``briefgen email --send`` reads every time) and go into the SMTP envelope only; the send log
records who got the message. :func:`saved_bytes` writes the ``.eml`` (optionally as a draft,
``X-Unsent: 1``, which Outlook opens as a new message to review and send).

TLP 2.0 asks for the label in the subject and before the body: the subject starts with
``[TLP:AMBER]`` (the variant's *banner* level, the level printed on its pages, never the
audience's ceiling); the bodies (:mod:`briefgen.deliver.mailbody`) start with the label
and its sharing rule.

Where the parts come from: the content from the briefing's document
(:mod:`briefgen.deliver.mailcontent`), the addresses and the TLP domain rule from
:mod:`briefgen.deliver.addresses`, the attachment and its size limit from
:mod:`briefgen.deliver.attachment`; :func:`briefgen.pipeline.email.outgoing` puts them
together for one built audience.

Determinism: with ``now`` given, or ``SOURCE_DATE_EPOCH`` set, ``Date`` and ``Message-ID``
are functions of the inputs, so the same inputs give the same bytes (MIME boundaries too).
Without, the boundaries are drawn from the Message-ID when the message is written
(:func:`message_bytes`): the ``.eml`` and the bytes transmitted are the same.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Generic, Protocol, TypeVar

from briefgen.deliver.addresses import Addressing, MailInputError
from briefgen.deliver.attachment import AttachmentInfo
from briefgen.deliver.mailbody import html_body, plain_body
from briefgen.deliver.mailcontent import MailContent
from briefgen.model.tlp import TLP


# --------------------------------------------------------------------------- subject, date and id
def subject_line(banner: TLP | str, subject: str) -> str:
    """``[TLP:AMBER] subject``: the banner label first, as TLP 2.0 asks."""
    level = banner if isinstance(banner, TLP) else TLP.parse(banner)
    return f"[{level.label}] {' '.join(subject.split())}".rstrip()


def message_date(now: datetime | None = None) -> tuple[datetime, bool]:
    """The ``Date`` of a message and whether it is deterministic: ``now`` when given
    (naive means UTC), else ``SOURCE_DATE_EPOCH`` (UTC), else the current local time.
    Raises :class:`~briefgen.deliver.addresses.MailInputError` for a ``SOURCE_DATE_EPOCH``
    that is not whole seconds."""
    if now is not None:
        return (now if now.tzinfo else now.replace(tzinfo=UTC)), True
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), UTC), True
        except (ValueError, OverflowError):
            raise MailInputError(f"SOURCE_DATE_EPOCH must be whole seconds since 1970, got {epoch!r}") from None
    return datetime.now(UTC).astimezone(), False


def message_id(domain: str, *, seed: str | None = None) -> str:
    """A Message-ID ``<...@domain>``: derived from ``seed`` (deterministic) when given,
    else :func:`email.utils.make_msgid` (time, process id and randomness)."""
    from email.utils import make_msgid

    if seed is None:
        return make_msgid(idstring="briefgen", domain=domain)
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}.briefgen@{domain}>"


# --------------------------------------------------------------------------- the message
def compose(content: MailContent, addrs: Addressing, *, banner: TLP | str, subject: str,
            attachment: AttachmentInfo, now: datetime | None = None) -> EmailMessage:
    """The complete message (pure: no network, no files).

    ``subject`` is the rendered subject without label (see
    :func:`briefgen.pipeline.subject.render_subject`); the ``[TLP:...]`` prefix is added here
    from ``banner``. ``Date`` and ``Message-ID`` are deterministic when ``now`` is given or
    ``SOURCE_DATE_EPOCH`` is set. Bcc recipients (``addrs.bcc``) get no header (see the
    module doc)."""
    from email.utils import format_datetime

    from briefgen.deliver.mailheaders import MAIL_POLICY

    level = banner if isinstance(banner, TLP) else TLP.parse(banner)
    date, fixed = message_date(now)
    seed = None
    if fixed:
        seed = "|".join([content.briefing_id, content.audience, attachment.sha256, date.isoformat(),
                         addrs.sender.addr_spec, *addrs.recipients])
    msg = EmailMessage(policy=MAIL_POLICY)  # SMTP's, with headers that read back exactly
    msg["From"] = addrs.sender
    if addrs.to:
        msg["To"] = addrs.to
    if addrs.cc:
        msg["Cc"] = addrs.cc
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
    """The message as RFC 5322 bytes with CRLF line ends: the ``.eml`` file's content, and what
    is transmitted. A multipart part without a boundary (:func:`compose` sets them only when the
    message is deterministic) gets one derived from the Message-ID, so that every serialisation
    of one message gives the same bytes: the ``.eml`` written is the message the server got, and
    one written again with a delivery's Message-ID and Date (:func:`briefgen.deliver.sendlog.as_delivered`)
    is that delivery's bytes (Python's generator would draw new random boundaries each time)."""
    import copy
    from email import policy

    parts = [part for part in msg.walk() if part.is_multipart()]
    if any(part.get_boundary() is None for part in parts):
        msg = copy.deepcopy(msg)  # the caller's message is left as it was
        seed = str(msg.get("Message-ID", "")).strip()
        for i, part in enumerate(msg.walk()):
            if part.is_multipart() and part.get_boundary() is None:
                part.set_boundary(f"=_briefgen_{hashlib.sha256(f'{seed}|{i}'.encode()).hexdigest()[:24]}")
    return msg.as_bytes(policy=policy.SMTP)


def wire_copy(msg: EmailMessage) -> EmailMessage:
    """A copy of ``msg`` without ``Bcc``: what is transmitted (Bcc recipients are in the
    envelope only, so no recipient learns of them). :func:`compose` writes no Bcc header;
    a message from elsewhere may have one."""
    import copy

    out = copy.deepcopy(msg)
    del out["Bcc"]
    return out


DRAFT_HEADER = "X-Unsent"
"""Marks a saved message as a draft: Outlook opens an ``.eml`` with ``X-Unsent: 1`` as a new
message, ready to review and send, instead of as a received one."""


def saved_bytes(msg: EmailMessage, *, draft: bool = False) -> bytes:
    """The ``.eml`` file's content: ``msg`` without any ``Bcc`` header (:func:`wire_copy`), and
    with ``X-Unsent: 1`` when ``draft``. The message sent over SMTP never carries ``X-Unsent``."""
    out = wire_copy(msg)
    if draft:
        del out[DRAFT_HEADER]
        out[DRAFT_HEADER] = "1"
    return message_bytes(out)


# --------------------------------------------------------------------------- one audience's message
class BuiltPdf(Protocol):
    """What a message needs of a built variant (a :class:`briefgen.pipeline.build.BuildResult`)."""

    briefing_id: str
    audience: str
    pdf_path: Path
    pdf: bytes
    pages: int
    size: int
    sha256: str
    banner: str


Built = TypeVar("Built", bound=BuiltPdf)


@dataclass
class Outgoing(Generic[Built]):
    """One audience's built variant (``result``) and its composed message, checked by every
    guard (made by :func:`briefgen.pipeline.email.outgoing`)."""

    audience: str
    result: Built
    message: EmailMessage
    addressing: Addressing
    banner: TLP
    eml_path: Path
    rerun_key: str = ""
    """What makes a rerun "the same message" (see :func:`briefgen.deliver.sendlog.rerun_key`)."""

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])
