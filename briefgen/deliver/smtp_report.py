"""What one message's delivery did, per recipient (made by
:func:`briefgen.deliver.smtp_client.send_message`): :class:`RecipientResult`,
:class:`Transaction`, :class:`SendReport`, and :func:`explain`, the report's note.

A recipient is *accepted*, *refused* (for good: a 5xx reply, or a failure after part of
the message was delivered) or *temporarily refused* (a 4xx reply after every try: a later
rerun may succeed).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RecipientResult:
    """What the server answered for one address: to ``RCPT TO``, or to ``DATA`` when that
    refused the message for now (code 0: the connection failed after part was delivered)."""

    address: str
    role: str
    accepted: bool
    code: int
    reply: str

    @property
    def temporary(self) -> bool:
        """Refused for now (a 4xx reply): a later try or rerun may succeed."""
        return not self.accepted and 400 <= self.code < 500

    @property
    def state(self) -> str:
        """``accepted``, ``temporarily refused, retry later`` or ``refused``."""
        return "accepted" if self.accepted else "temporarily refused, retry later" if self.temporary else "refused"

    @property
    def answer(self) -> str:
        """The server's reply with its code (just the text for code 0)."""
        return f"{self.code} {self.reply}".strip() if self.code else self.reply

    def __str__(self) -> str:
        return f"{self.address} ({self.role}): {self.state.upper() if not self.accepted else self.state} " \
               f"{self.answer}".rstrip()


@dataclass(frozen=True)
class Transaction:
    """One SMTP transaction the server took (DATA answered 250): its attempt number, the
    recipients that got the message, and every answer of that transaction."""

    attempt: int
    accepted: list[str]
    results: list[RecipientResult]


@dataclass
class SendReport:
    """Per-recipient outcome of one message. ``delivered``: the server took the message
    (for the accepted recipients) in at least one transaction; ``attempts``: transactions
    tried; ``skipped``: recipients left out because they accepted this message before
    (a rerun, see :mod:`briefgen.deliver.sendlog`)."""

    message_id: str
    server: str
    results: list[RecipientResult]
    delivered: bool
    note: str = ""
    attempts: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> list[str]:
        return [r.address for r in self.results if r.accepted]

    @property
    def refused(self) -> list[RecipientResult]:
        """Recipients refused for good (a 5xx reply, or a failure after part was delivered)."""
        return [r for r in self.results if not r.accepted and not r.temporary]

    @property
    def deferred(self) -> list[RecipientResult]:
        """Recipients still refused for now after every try (4xx): retry later."""
        return [r for r in self.results if r.temporary]

    @property
    def ok(self) -> bool:
        """Delivered to every recipient (or every one had it already)."""
        return (self.delivered or not self.results) and not self.refused and not self.deferred


def explain(report: SendReport, all_or_nothing: bool) -> str:
    """Why a message is not :attr:`SendReport.ok` (empty when it is)."""
    tried = f"after {report.attempts} tries" if report.attempts > 1 else "at the only try"
    later = f"{len(report.deferred)} temporarily refused {tried}, retry later"
    if report.delivered:
        if report.ok:
            return ""
        note = f"sent to {len(report.accepted)} of {len(report.results)} recipients"
        return note + (f"; {later}" if report.deferred else "")
    if all_or_nothing and report.accepted:
        if report.refused:
            return "some recipients were refused and all-or-nothing is set; nothing was sent"
        return f"all-or-nothing is set and {later}; nothing was sent"
    if report.deferred and len(report.deferred) == len(report.results):
        return f"the server temporarily refused every recipient {tried}; nothing was sent: retry later"
    if report.deferred:
        return f"the server refused every recipient ({later}); nothing was sent"
    return "the server refused every recipient; nothing was sent"
