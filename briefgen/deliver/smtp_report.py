"""What one message's delivery did, per recipient (made by
:func:`briefgen.deliver.smtp_client.send_message`): :class:`RecipientResult`,
:class:`Transaction`, :class:`SendReport`, and :func:`explain`, the report's note.

A recipient is *accepted*, *refused* (for good: a 5xx reply, or a failure after part of
the message was delivered), *temporarily refused* (a 4xx reply after every try: a later
rerun may succeed), *unknown* (the whole message was transmitted but the server's final
reply to it never arrived: it may have queued it; see :data:`UNKNOWN`) or *withheld*
(its RCPT was accepted but ``all_or_nothing`` sent nothing because another was refused).
"""

from __future__ import annotations

from dataclasses import dataclass, field

UNKNOWN = "unknown"
"""The :attr:`RecipientResult.outcome` of a recipient whose message was transmitted in full
(DATA and the message, up to its final dot) but whose final reply never came (the connection
closed or timed out): the server may have queued it, so it is neither sent nor not sent."""

WITHHELD = "withheld"
"""The :attr:`RecipientResult.outcome` of a recipient the server would have taken (RCPT 250)
that got nothing because ``all_or_nothing`` is set and another recipient was refused."""


@dataclass(frozen=True)
class RecipientResult:
    """What the server answered for one address: to ``RCPT TO``, or to ``DATA`` when that
    refused the message for now (code 0: the connection failed after part was delivered).
    ``outcome`` is :data:`UNKNOWN` or :data:`WITHHELD` for those two cases (``accepted`` is
    then False), else empty."""

    address: str
    role: str
    accepted: bool
    code: int
    reply: str
    outcome: str = ""

    @property
    def temporary(self) -> bool:
        """Refused for now (a 4xx reply): a later try or rerun may succeed."""
        return not self.accepted and not self.outcome and 400 <= self.code < 500

    @property
    def unknown(self) -> bool:
        """The message was transmitted but its final reply never came (see :data:`UNKNOWN`)."""
        return self.outcome == UNKNOWN

    @property
    def refused(self) -> bool:
        """Refused for good (a 5xx reply, or a failure after part of the message was delivered)."""
        return not self.accepted and not self.outcome and not self.temporary

    @property
    def kind(self) -> str:
        """One word for scripts (``--json``): ``accepted``, ``refused``, ``deferred``, ``unknown``
        or ``withheld``."""
        return "accepted" if self.accepted else self.outcome or ("deferred" if self.temporary else "refused")

    @property
    def state(self) -> str:
        """``accepted``, ``temporarily refused, retry later``, ``refused``, ``unknown, may have
        been sent`` or ``not sent (all-or-nothing)``."""
        return {"deferred": "temporarily refused, retry later", UNKNOWN: "unknown, may have been sent",
                WITHHELD: "not sent (all-or-nothing)"}.get(self.kind, self.kind)

    @property
    def answer(self) -> str:
        """The server's reply with its code (just the text for code 0)."""
        return f"{self.code} {self.reply}".strip() if self.code else self.reply

    def __str__(self) -> str:
        return f"{self.address} ({self.role}): {self.state.upper() if not self.accepted else self.state} " \
               f"{self.answer}".rstrip()


@dataclass(frozen=True)
class Transaction:
    """One SMTP transaction the server took (DATA answered 250), or whose outcome is unknown
    (``unknown``: the message was transmitted, its final reply never came): its attempt
    number, the recipients that got (or may have got) the message, and every answer of that
    transaction."""

    attempt: int
    accepted: list[str]
    results: list[RecipientResult]
    unknown: bool = False


@dataclass
class SendReport:
    """Per-recipient outcome of one message. ``delivered``: the server took the message
    (for the accepted recipients) in at least one transaction; ``attempts``: transactions
    tried; ``skipped``: recipients left out because they accepted this message before
    (a rerun, see :mod:`briefgen.deliver.sendlog`); ``skipped_unknown``: those left out
    because an earlier send to them has an unknown outcome (they may have it)."""

    message_id: str
    server: str
    results: list[RecipientResult]
    delivered: bool
    note: str = ""
    attempts: int = 0
    skipped: list[str] = field(default_factory=list)
    skipped_unknown: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> list[str]:
        return [r.address for r in self.results if r.accepted]

    @property
    def refused(self) -> list[RecipientResult]:
        """Recipients refused for good (a 5xx reply, or a failure after part was delivered)."""
        return [r for r in self.results if r.refused]

    @property
    def unknown(self) -> list[RecipientResult]:
        """Recipients whose message was transmitted but not confirmed (see :data:`UNKNOWN`)."""
        return [r for r in self.results if r.unknown]

    @property
    def withheld(self) -> list[RecipientResult]:
        """Recipients the server would have taken, not sent to because of ``all_or_nothing``."""
        return [r for r in self.results if r.outcome == WITHHELD]

    @property
    def deferred(self) -> list[RecipientResult]:
        """Recipients still refused for now after every try (4xx): retry later."""
        return [r for r in self.results if r.temporary]

    @property
    def ok(self) -> bool:
        """Delivered to every recipient (or every one had it already)."""
        return (self.delivered or not self.results) and all(r.accepted for r in self.results)


def explain(report: SendReport, all_or_nothing: bool) -> str:
    """Why a message is not :attr:`SendReport.ok` (empty when it is)."""
    tried = f"after {report.attempts} tries" if report.attempts > 1 else "at the only try"
    later = f"{len(report.deferred)} temporarily refused {tried}, retry later"
    if report.unknown:
        note = (f"the outcome is unknown for {len(report.unknown)} recipient(s): {report.unknown[0].reply}; the server "
                f"may have queued the message")
        if report.delivered:
            note = f"sent to {len(report.accepted)} of {len(report.results)} recipients; " + note
        return note + (f"; {later}" if report.deferred else "")
    if report.delivered:
        if report.ok:
            return ""
        note = f"sent to {len(report.accepted)} of {len(report.results)} recipients"
        return note + (f"; {later}" if report.deferred else "")
    if all_or_nothing and report.withheld:
        if report.refused:
            return "some recipients were refused and all-or-nothing is set; nothing was sent"
        return f"all-or-nothing is set and {later}; nothing was sent"
    if report.deferred and len(report.deferred) == len(report.results):
        return f"the server temporarily refused every recipient {tried}; nothing was sent: retry later"
    if report.deferred:
        return f"the server refused every recipient ({later}); nothing was sent"
    return "the server refused every recipient; nothing was sent"
