"""The DATA step of an SMTP transaction, one part at a time, so that a failure is placed
(:mod:`briefgen.deliver.smtp_client` maps each place to sent, not sent or unknown).

:meth:`smtplib.SMTP.data` sends the DATA command, the message and reads the final reply in
one call, so a closed connection looks the same whether it happened before the message left
(not sent) or after it was transmitted in full (the server may have queued it: *unknown*).
:func:`send_data` does the same steps through smtplib's public ``docmd``, ``send`` and
``getreply`` and raises :class:`OutcomeUnknown` for the second case only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import smtplib


class OutcomeUnknown(Exception):
    """The message was transmitted in full but its final reply never came: ``cause`` is the
    smtplib/socket error, or None for a line that is not a final reply (``code``, ``reply``);
    ``answers`` are the RCPT answers of the transaction (filled in by the caller)."""

    def __init__(self, cause: OSError | None, code: int = 0, reply: bytes = b"", answers: list[Any] | None = None):
        super().__init__(cause or code)
        self.cause, self.code, self.reply, self.answers = cause, code, reply, answers or []


def send_data(client: "smtplib.SMTP", data: bytes, *,
              before_end: Callable[[], None] | None = None) -> tuple[int, bytes]:
    """DATA, the message (dot-stuffed, RFC 5321 4.5.2, ending in CRLF . CRLF) and the final
    reply, ``(code, reply)``. ``before_end`` is called before the message and its final dot
    (the line that makes the server keep it) are sent: the caller holds Ctrl-C and SIGTERM back
    from then until the outcome is recorded. Raises ``SMTPDataError`` when DATA is not answered
    354 and smtplib/socket errors while the message is sent (not sent: its final dot never
    left, and a server keeps no message without it), and :class:`OutcomeUnknown` when the
    final reply never comes or is not one (neither 2xx, 4xx nor 5xx; smtplib gives -1 for a
    line without a code)."""
    import smtplib

    code, reply = client.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    body = re.sub(rb"(?m)^\.", b"..", data)
    if not body.endswith(b"\r\n"):
        body += b"\r\n"
    if before_end is not None:
        before_end()
    client.send(body + b".\r\n")
    try:
        code, reply = client.getreply()
    except OSError as exc:  # every smtplib error is an OSError
        raise OutcomeUnknown(exc) from None
    if not (200 <= code < 300 or 400 <= code < 600):
        raise OutcomeUnknown(None, code, reply)
    return code, reply
