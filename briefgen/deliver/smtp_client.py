"""One delivery over SMTP: connect (and TLS), login, envelope, data; a report per recipient.

:func:`send_message` opens one connection per message and sends MAIL FROM, then RCPT TO for
every recipient (To, Cc and Bcc), each answer kept in a :class:`SendReport`. When some
recipients are refused the message still goes to the accepted ones (as any mail client
does) unless ``all_or_nothing``; either way the report lists each refusal. ``Bcc`` is never
transmitted in the headers. Every failure that stops a message (an smtplib, ssl or socket
error, or a refusal of the sender or the message) is worded by one table, :func:`_failures`,
and raised as :class:`~briefgen.errors.DeliveryError`.

Settings come from :func:`briefgen.deliver.smtp.load_settings`; the send log and
:func:`briefgen.deliver.smtp.deliver` are there too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from briefgen.deliver.addresses import MailInputError
from briefgen.errors import DeliveryError

if TYPE_CHECKING:  # pragma: no cover
    import smtplib
    from email.message import EmailMessage


class ServerSettings(Protocol):
    """What a delivery reads of :class:`briefgen.deliver.smtp.SmtpSettings`."""

    host: str
    tls: str
    user: str | None
    password: str | None
    sender: str | None
    ca_file: Path | None
    timeout: float
    origin: str

    @property
    def effective_port(self) -> int: ...

    @property
    def server(self) -> str: ...


# --------------------------------------------------------------------------- reports
@dataclass(frozen=True)
class RecipientResult:
    """What the server answered to ``RCPT TO`` for one address."""

    address: str
    role: str
    accepted: bool
    code: int
    reply: str

    def __str__(self) -> str:
        state = "accepted" if self.accepted else "REFUSED"
        return f"{self.address} ({self.role}): {state} {self.code} {self.reply}".rstrip()


@dataclass
class SendReport:
    """Per-recipient outcome of one message. ``delivered``: the server took the message
    (for the accepted recipients)."""

    message_id: str
    server: str
    results: list[RecipientResult]
    delivered: bool
    note: str = ""

    @property
    def accepted(self) -> list[str]:
        return [r.address for r in self.results if r.accepted]

    @property
    def refused(self) -> list[RecipientResult]:
        return [r for r in self.results if not r.accepted]

    @property
    def ok(self) -> bool:
        """Delivered to every recipient."""
        return self.delivered and not self.refused


def _context(settings: ServerSettings):
    import ssl

    return ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)


def _reply(data: bytes | str) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
    return " ".join(text.split())


# ---- what the server said, as exceptions, so that one table words every failure
class _Refusal(Exception):
    """The server answered a step in a way that stops this message (not an smtplib error)."""

    def __init__(self, code: int = 0, reply: bytes | str = b"", address: str = ""):
        super().__init__(code, reply, address)
        self.code, self.reply, self.address = code, _reply(reply), address


class _NoStartTLS(_Refusal):
    """tls = "starttls" and the server's EHLO does not offer STARTTLS."""


class _SenderRefused(_Refusal):
    """MAIL FROM was not answered 250."""


class _MessageRefused(_Refusal):
    """DATA was not answered 250."""


_NOT_SENT = "; this message was not sent"
_Describe = Callable[[Any, ServerSettings], str]


def _tls_failure(exc: Any, s: ServerSettings) -> str:
    hint = " (is the port right for tls = \"implicit\"?)" if s.tls == "implicit" else ""
    return f"TLS with SMTP server {s.server} failed: {exc.reason or exc}{hint}"


@lru_cache(maxsize=1)
def _failures() -> tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], _Describe, bool], ...]:
    """(exception type(s), its message, whether "this message was not sent" is added), in
    the order they are tried: a subclass before its base (every smtplib and ssl error is an
    OSError). Built on first use: smtplib and ssl are imported only to send."""
    import smtplib
    import socket
    import ssl

    return (
        (_NoStartTLS, lambda exc, s: f"SMTP server {s.server} does not offer STARTTLS; refusing to send "
                                     f"in clear text (tls = \"none\" is for a local relay only)", False),
        (_SenderRefused, lambda exc, s: f"SMTP server {s.server} refused the sender {exc.address}: "
                                        f"{exc.code} {exc.reply}", True),
        (_MessageRefused, lambda exc, s: f"SMTP server {s.server} refused the message: {exc.code} {exc.reply}", True),
        (smtplib.SMTPAuthenticationError, lambda exc, s: f"SMTP server {s.server} refused the login of user "
                                                         f"{s.user!r}: {exc.smtp_code} {_reply(exc.smtp_error)}", True),
        (smtplib.SMTPNotSupportedError, lambda exc, s: f"SMTP server {s.server}: {exc}", True),
        # (an exception is always true: 'no reason given' never shows; kept as it was)
        (smtplib.SMTPServerDisconnected, lambda exc, s: f"SMTP server {s.server} closed the connection "
                                                        f"({exc or 'no reason given'})", True),
        (smtplib.SMTPResponseException, lambda exc, s: f"SMTP server {s.server} answered {exc.smtp_code} "
                                                       f"{_reply(exc.smtp_error)}", True),
        (smtplib.SMTPException, lambda exc, s: f"SMTP error with {s.server}: {exc}", True),
        (ssl.SSLCertVerificationError, lambda exc, s: f"the TLS certificate of SMTP server {s.server} could not "
                                                      f"be verified ({exc.verify_message or exc}); set ca_file "
                                                      f"for a private CA", True),
        (ssl.SSLError, _tls_failure, True),
        (ConnectionRefusedError, lambda exc, s: f"cannot connect to SMTP server {s.server}: connection refused "
                                                f"(is the server running, and are host and port right? "
                                                f"settings from {s.origin})", True),
        (socket.gaierror, lambda exc, s: f"cannot resolve SMTP host {s.host!r}: {exc.strerror or exc}", True),
        ((TimeoutError, socket.timeout), lambda exc, s: f"SMTP server {s.server} did not answer within "
                                                        f"{s.timeout:g} s", True),
        (OSError, lambda exc, s: f"cannot talk to SMTP server {s.server}: {exc.strerror or exc}", True),
    )


def _failure(exc: OSError | _Refusal, settings: ServerSettings) -> DeliveryError:
    """The :class:`DeliveryError` telling the user what went wrong (first matching row of
    :func:`_failures`; its last row, OSError, matches every smtplib, ssl and socket error)."""
    for kind, describe, not_sent in _failures():
        if isinstance(exc, kind):
            return DeliveryError(describe(exc, settings) + (_NOT_SENT if not_sent else ""))
    raise AssertionError(f"no message for {exc!r}")  # pragma: no cover  (OSError is the last row)


# ---- the steps of one delivery
def _connect(settings: ServerSettings) -> "smtplib.SMTP":
    """Connect, greet (EHLO) and, for tls = "starttls", switch to TLS and greet again.
    Raises smtplib/ssl/socket errors, or :class:`_NoStartTLS`; closes the connection then."""
    import smtplib

    client: smtplib.SMTP
    if settings.tls == "implicit":
        client = smtplib.SMTP_SSL(settings.host, settings.effective_port, timeout=settings.timeout,
                                  context=_context(settings))
    else:
        client = smtplib.SMTP(settings.host, settings.effective_port, timeout=settings.timeout)
    try:
        client.ehlo()
        if settings.tls == "starttls":
            if not client.has_extn("starttls"):
                raise _NoStartTLS()
            client.starttls(context=_context(settings))
            client.ehlo()
    except BaseException:
        _close(client)
        raise
    return client


def _login(client: "smtplib.SMTP", settings: ServerSettings) -> None:
    """Log in when ``settings`` has a user (raises SMTPAuthenticationError and the like)."""
    if settings.user:
        client.login(settings.user, settings.password or "")


def _envelope(client: "smtplib.SMTP", envelope_from: str, recipients: list[str], roles: Mapping[str, str],
              size: int, report: SendReport, all_or_nothing: bool) -> bool:
    """MAIL FROM (with SIZE when offered), then RCPT TO for each recipient, each answer added
    to ``report``. True when the message is to be sent; False (after RSET, ``report.note``
    saying why) when every recipient, or with ``all_or_nothing`` any, was refused. Raises
    :class:`_SenderRefused` (after RSET) when MAIL FROM is not answered 250."""
    options = [f"SIZE={size}"] if client.has_extn("size") else []
    code, resp = client.mail(envelope_from, options)
    if code != 250:
        client.rset()
        raise _SenderRefused(code, resp, envelope_from)
    for rcpt in recipients:
        code, resp = client.rcpt(rcpt)
        report.results.append(RecipientResult(rcpt, roles.get(rcpt, ""), code in (250, 251), code, _reply(resp)))
    if not report.accepted:
        client.rset()
        report.note = "the server refused every recipient; nothing was sent"
        return False
    if report.refused and all_or_nothing:
        client.rset()
        report.note = "some recipients were refused and all-or-nothing is set; nothing was sent"
        return False
    return True


def _data(client: "smtplib.SMTP", data: bytes, report: SendReport) -> None:
    """DATA; marks ``report`` delivered, then says goodbye (a failing QUIT changes nothing:
    the message was accepted). Raises :class:`_MessageRefused` when DATA is not answered 250."""
    import smtplib

    code, resp = client.data(data)
    if code != 250:
        raise _MessageRefused(code, resp)
    report.delivered = True
    if report.refused:
        report.note = f"sent to {len(report.accepted)} of {len(report.results)} recipients"
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        pass  # the message was accepted already


def _close(client: "smtplib.SMTP") -> None:
    try:
        client.close()
    except OSError:
        pass


def send_message(msg: "EmailMessage", settings: ServerSettings, *, envelope_from: str | None = None,
                 recipients: list[str] | None = None, roles: Mapping[str, str] | None = None,
                 all_or_nothing: bool = False) -> SendReport:
    """Send ``msg`` (its ``Bcc`` header removed) to ``recipients`` (default: every address in
    To, Cc and Bcc) from ``envelope_from`` (default: ``settings.sender``, else the From
    address). ``settings`` must come from
    :meth:`briefgen.deliver.smtp.SmtpSettings.with_password` when it has a user.

    Steps: connect (and TLS), login, envelope, data. Returns a :class:`SendReport` (refused
    recipients are reported, not raised). Raises :class:`DeliveryError` when the server cannot
    be reached, TLS or login fails, or the server refuses the sender or the message: nothing
    was delivered then (one message per failure: see :func:`_failures`)."""
    from email.utils import getaddresses

    from briefgen.deliver.mail import message_bytes, wire_copy

    if recipients is None:
        pairs = getaddresses([str(v) for h in ("To", "Cc", "Bcc") for v in msg.get_all(h, [])])
        recipients = list(dict.fromkeys(a for _, a in pairs if a))
    if not recipients:
        raise MailInputError("the message has no recipients")
    if envelope_from is None:
        envelope_from = settings.sender or msg["From"].addresses[0].addr_spec
    if settings.user and settings.password is None:
        raise MailInputError("internal: settings.with_password() was not called before sending")
    data = message_bytes(wire_copy(msg))
    report = SendReport(str(msg.get("Message-ID", "")), settings.server, [], delivered=False)
    client = None
    try:
        client = _connect(settings)
        _login(client, settings)
        if _envelope(client, envelope_from, recipients, roles or {}, len(data), report, all_or_nothing):
            _data(client, data, report)
            client = None  # closed by QUIT
        return report
    except (OSError, _Refusal) as exc:
        raise _failure(exc, settings) from None
    finally:
        if client is not None:
            _close(client)
