"""One delivery over SMTP: connect (and TLS), login, envelope, data; retries; a report per recipient.

:func:`send_message` sends one message in one or more SMTP transactions, one connection
each: MAIL FROM, then RCPT TO for every recipient (To, Cc and Bcc), then DATA. Each answer is
kept in a :class:`SendReport`. When some recipients are refused the message still goes to
the accepted ones (as any mail client does) unless ``all_or_nothing``; either way the report
lists each refusal. ``Bcc`` is never transmitted in the headers.

Temporary refusals (a 4xx reply: ``451`` to RCPT, MAIL FROM or DATA, ``421`` on connect) are
retried: after ``retry_delay`` seconds, doubled each time, a new transaction goes to the
recipients still refused for now, up to ``tries`` transactions in all (settings; 3 tries
and 5 s by default). What is still refused then is reported as *temporarily* refused ("retry
later"), not as refused. Each transaction the server took is passed to ``on_delivered``
(:func:`briefgen.deliver.smtp.deliver` records it in the send log at once).

Login: a password (``AUTH PLAIN``/``LOGIN`` chosen by smtplib), or with ``auth =
"xoauth2"`` an OAuth 2.0 access token (SASL XOAUTH2, :mod:`briefgen.deliver.smtp_auth`).

Every failure that stops a message (an smtplib, ssl or socket error, or a lasting refusal
of the sender or the message) is worded by one table, :func:`_failures`, and raised as
:class:`~briefgen.errors.DeliveryError`; after part of the message was delivered, a later
failure is reported per recipient instead (the delivered part is already recorded).

What each failure point means (:func:`~briefgen.deliver.smtp_data.send_data` runs the DATA
steps one by one to tell them apart):

=========================================== ===============================================
step that fails (error, timeout, a refusal)  outcome
=========================================== ===============================================
connect, EHLO, STARTTLS, AUTH, MAIL, RCPT    not sent (4xx: retried)
the DATA command (no 354)                    not sent (4xx: retried)
transmitting the message                     not sent: the final ``.`` never left, and a
                                             server keeps no message without it
the final reply: 250 (any 2xx)               sent
the final reply: 4xx / 5xx                   not sent (4xx: retried)
the final reply never comes (connection      **unknown**: the server may have queued it;
closed, timeout) or is not a final reply     never retried (a copy may exist);
                                             ``on_delivered`` gets a Transaction with
                                             ``unknown`` set, recorded as such
QUIT                                         sent (the goodbye changes nothing)
=========================================== ===============================================

Settings come from :func:`briefgen.deliver.smtp.load_settings`; the send log is
:mod:`briefgen.deliver.sendlog`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from briefgen.deliver.addresses import MailInputError
from briefgen.deliver.output import SignalsHeldFrom
from briefgen.deliver.smtp_auth import xoauth2_string
from briefgen.deliver.smtp_data import OutcomeUnknown, send_data
from briefgen.deliver.smtp_report import UNKNOWN, WITHHELD, RecipientResult, SendReport, Transaction, explain
from briefgen.errors import DeliveryError

if TYPE_CHECKING:  # pragma: no cover
    import smtplib
    from email.message import EmailMessage

__all__ = ["RecipientResult", "SendReport", "ServerSettings", "Transaction", "send_message"]


class ServerSettings(Protocol):
    """What a delivery reads of :class:`briefgen.deliver.smtp.SmtpSettings`."""

    host: str
    tls: str
    user: str | None
    auth: str
    password: str | None
    token: str | None
    sender: str | None
    ca_file: Path | None
    timeout: float
    tries: int
    retry_delay: float
    origin: str

    @property
    def effective_port(self) -> int: ...

    @property
    def server(self) -> str: ...

    @property
    def token_source(self) -> str: ...


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


class _NoXOAuth2(_Refusal):
    """auth = "xoauth2" and the server's EHLO does not offer AUTH XOAUTH2 (``reply``: what it offers)."""


class _SenderRefused(_Refusal):
    """MAIL FROM was not answered 250."""


class _MessageRefused(_Refusal):
    """DATA was answered neither 250 nor 4xx."""


_NOT_SENT = "; this message was not sent"
_Describe = Callable[[Any, ServerSettings], str]


def _tls_failure(exc: Any, s: ServerSettings) -> str:
    hint = " (is the port right for tls = \"implicit\"?)" if s.tls == "implicit" else ""
    return f"TLS with SMTP server {s.server} failed: {exc.reason or exc}{hint}"


def _login_refused(exc: Any, s: ServerSettings) -> str:
    how = f" with an XOAUTH2 token from {s.token_source}" if s.auth == "xoauth2" else ""
    return f"SMTP server {s.server} refused the login of user {s.user!r}{how}: {exc.smtp_code} {_reply(exc.smtp_error)}"


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
        (_NoXOAuth2, lambda exc, s: f"SMTP server {s.server} does not offer XOAUTH2 login (it offers: "
                                    f"{exc.reply or 'no login at all'}); check host and port, or set "
                                    f"auth = \"password\"", True),
        (_SenderRefused, lambda exc, s: f"SMTP server {s.server} refused the sender {exc.address}: "
                                        f"{exc.code} {exc.reply}", True),
        (_MessageRefused, lambda exc, s: f"SMTP server {s.server} refused the message: {exc.code} {exc.reply}", True),
        (smtplib.SMTPAuthenticationError, _login_refused, True),
        (smtplib.SMTPNotSupportedError, lambda exc, s: f"SMTP server {s.server}: {exc}", True),
        (smtplib.SMTPServerDisconnected, lambda exc, s: f"SMTP server {s.server} closed the connection "
                                                        f"({str(exc) or 'no reason given'})", True),
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


def _describe(exc: OSError | _Refusal, settings: ServerSettings) -> tuple[str, bool]:
    """The words for ``exc`` (first matching row of :func:`_failures`; its last row, OSError,
    matches every smtplib, ssl and socket error) and whether "not sent" belongs after them."""
    for kind, describe, not_sent in _failures():
        if isinstance(exc, kind):
            return describe(exc, settings), not_sent
    raise AssertionError(f"no message for {exc!r}")  # pragma: no cover  (OSError is the last row)


def _failure(exc: OSError | _Refusal, settings: ServerSettings) -> DeliveryError:
    """The :class:`DeliveryError` telling the user what went wrong and that nothing was sent."""
    text, not_sent = _describe(exc, settings)
    return DeliveryError(text + (_NOT_SENT if not_sent else ""))


def _unknown_reason(exc: OutcomeUnknown, settings: ServerSettings) -> str:
    """Why the outcome is unknown, for the report and the send log."""
    why = _describe(exc.cause, settings)[0] if exc.cause is not None else \
        f"SMTP server {settings.server} gave no valid reply ({exc.code} {_reply(exc.reply)})"
    return f"no reply after the message was transmitted: {why}"


def _temporary(exc: BaseException) -> tuple[int, str] | None:
    """``(code, reply)`` when ``exc`` is a 4xx reply of the server (worth another try), else None."""
    import smtplib

    if isinstance(exc, _Refusal):
        code, reply = exc.code, exc.reply
    elif isinstance(exc, smtplib.SMTPResponseException):
        code, reply = exc.smtp_code, _reply(exc.smtp_error)
    else:
        return None
    return (code, reply) if 400 <= code < 500 else None


# ---- the steps of one transaction
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
    """Log in when ``settings`` has a user: with the password, or with ``auth = "xoauth2"``
    the token by SASL XOAUTH2 (raises SMTPAuthenticationError, or :class:`_NoXOAuth2` when
    the server does not offer it). A server's error challenge (334 with a JSON status, as
    Google sends) is answered with an empty line, after which it sends its 535."""
    if not settings.user:
        return
    if settings.auth != "xoauth2":
        client.login(settings.user, settings.password or "")
        return
    offered = " ".join(client.esmtp_features.get("auth", "").split())
    if "XOAUTH2" not in offered.upper().split():
        raise _NoXOAuth2(reply=offered)
    user, token = settings.user, settings.token or ""
    client.auth("XOAUTH2", lambda challenge=None: xoauth2_string(user, token) if challenge is None else "")


def _envelope(client: "smtplib.SMTP", envelope_from: str, recipients: list[str], roles: Mapping[str, str],
              size: int) -> list[RecipientResult]:
    """MAIL FROM (with SIZE when offered), then RCPT TO for each recipient: the answers.
    Raises :class:`_SenderRefused` (after RSET) when MAIL FROM is not answered 250."""
    options = [f"SIZE={size}"] if client.has_extn("size") else []
    code, resp = client.mail(envelope_from, options)
    if code != 250:
        client.rset()
        raise _SenderRefused(code, resp, envelope_from)
    answers = []
    for rcpt in recipients:
        code, resp = client.rcpt(rcpt)
        answers.append(RecipientResult(rcpt, roles.get(rcpt, ""), code in (250, 251), code, _reply(resp)))
    return answers


def _close(client: "smtplib.SMTP") -> None:
    try:
        client.close()
    except OSError:
        pass


def _transaction(settings: ServerSettings, envelope_from: str, recipients: list[str], roles: Mapping[str, str],
                 data: bytes, all_or_nothing: bool,
                 before_end: Callable[[], None] | None = None) -> tuple[list[RecipientResult], bool]:
    """One connection and transaction to ``recipients``: their answers, and whether the server
    took the message. Nothing is sent (RSET) when every recipient, or with ``all_or_nothing``
    any, was refused (the RCPT-accepted ones are then :data:`WITHHELD`). DATA answered 4xx:
    the RCPT-accepted recipients get that answer (refused for now). Raises what
    :func:`_connect`, :func:`_login`, :func:`_envelope` and :func:`send_data` raise
    (:class:`OutcomeUnknown` with the RCPT answers in ``answers``), or
    :class:`_MessageRefused` for another DATA refusal. ``before_end``: see :func:`send_data`."""
    import smtplib

    client: smtplib.SMTP | None = _connect(settings)
    assert client is not None
    try:
        _login(client, settings)
        answers = _envelope(client, envelope_from, recipients, roles, len(data))
        taken = [a for a in answers if a.accepted]
        if not taken:
            client.rset()
            return answers, False
        if all_or_nothing and len(taken) < len(answers):
            client.rset()
            return [RecipientResult(a.address, a.role, False, a.code, a.reply, WITHHELD) if a.accepted else a
                    for a in answers], False
        try:
            code, resp = send_data(client, data, before_end=before_end)
        except OutcomeUnknown as exc:
            exc.answers = answers
            raise
        if 400 <= code < 500:
            return [RecipientResult(a.address, a.role, False, code, _reply(resp)) if a.accepted else a
                    for a in answers], False
        if not 200 <= code < 300:
            raise _MessageRefused(code, resp)
        try:  # a failing goodbye changes nothing: the message was accepted
            client.quit()
        except (smtplib.SMTPException, OSError):
            pass
        client = None  # closed by QUIT
        return answers, True
    finally:
        if client is not None:
            _close(client)


# --------------------------------------------------------------------------- one message
def send_message(msg: "EmailMessage", settings: ServerSettings, *, envelope_from: str | None = None,
                 recipients: list[str] | None = None, roles: Mapping[str, str] | None = None,
                 all_or_nothing: bool = False, on_delivered: Callable[[Transaction], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> SendReport:
    """Send ``msg`` (its ``Bcc`` header removed) to ``recipients`` (default: every address in
    To, Cc and Bcc) from ``envelope_from`` (default: ``settings.sender``, else the From
    address). ``settings`` must come from
    :meth:`briefgen.deliver.smtp.SmtpSettings.with_credentials` when it has a user.

    Up to ``settings.tries`` transactions (see the module doc; ``sleep`` waits between them).
    Returns a :class:`SendReport` (refused and temporarily refused recipients are reported,
    not raised); ``on_delivered`` is called with each :class:`Transaction` the server took,
    and with the one whose outcome is unknown (``unknown`` set: the last, never retried).
    Raises :class:`DeliveryError` when, before anything was delivered, the server cannot be
    reached, TLS or login fails, or the server refuses the sender or the message for good
    (one message per failure: see :func:`_failures`)."""
    from email.utils import getaddresses

    from briefgen.deliver.mail import message_bytes, wire_copy

    if recipients is None:
        pairs = getaddresses([str(v) for h in ("To", "Cc", "Bcc") for v in msg.get_all(h, [])])
        recipients = list(dict.fromkeys(a for _, a in pairs if a))
    if not recipients:
        raise MailInputError("the message has no recipients")
    if envelope_from is None:
        envelope_from = settings.sender or msg["From"].addresses[0].addr_spec
    if settings.user and (settings.token if settings.auth == "xoauth2" else settings.password) is None:
        raise MailInputError("internal: settings.with_credentials() was not called before sending")
    roles = roles or {}
    data = message_bytes(wire_copy(msg))
    report = SendReport(str(msg.get("Message-ID", "")), settings.server, [], delivered=False)
    outcome: dict[str, RecipientResult] = {}
    pending, tries, stop = list(recipients), max(1, settings.tries), ""
    for attempt in range(1, tries + 1):
        report.attempts = attempt
        # once the message is transmitted, Ctrl-C and SIGTERM wait until the server's answer is in
        # and recorded: an exit in between would forget a message the server has (sent twice)
        with SignalsHeldFrom() as signals:
            try:
                answers, sent = _transaction(settings, envelope_from, pending, roles, data, all_or_nothing,
                                             before_end=signals.hold)
            except OutcomeUnknown as exc:  # never retried: the server may have a copy
                why = _unknown_reason(exc, settings)
                answers = [RecipientResult(a.address, a.role, False, 0, why, UNKNOWN) if a.accepted else a
                           for a in exc.answers]
                outcome.update((a.address, a) for a in answers)
                if on_delivered is not None:
                    on_delivered(Transaction(attempt, [a.address for a in answers if a.unknown], answers,
                                             unknown=True))
                break
            except (OSError, _Refusal) as exc:
                temporary = _temporary(exc)
                if temporary is None and not report.delivered:
                    raise _failure(exc, settings) from None
                code, reply = temporary or (0, _describe(exc, settings)[0])
                answers, sent = [RecipientResult(r, roles.get(r, ""), False, code, reply) for r in pending], False
                stop = "" if temporary else reply
            outcome.update((a.address, a) for a in answers)
            if sent:
                report.delivered = True
                if on_delivered is not None:
                    on_delivered(Transaction(attempt, [a.address for a in answers if a.accepted], answers))
        retry = [a.address for a in answers if a.temporary]
        if all_or_nothing and not sent and retry:  # all or nothing: everyone again, unless one is refused for good
            retry = [] if any(a.refused for a in answers) else pending
        if stop or not retry or attempt == tries:
            break
        pending = retry
        sleep(settings.retry_delay * 2 ** (attempt - 1))
    report.results = [outcome[r] for r in recipients]
    report.note = stop or explain(report, all_or_nothing)
    return report
