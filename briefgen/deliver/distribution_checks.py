"""An audience's distribution list checked in advance, as located problems (``briefgen validate``).

:func:`address_problems`: every address (From, To, Cc, Bcc) valid and every display name on
one line (:func:`~briefgen.deliver.addresses.check_address`), located at the ``email`` or
``name`` key that is wrong.

:func:`duplicate_problems`: a recipient written twice in one audience's To, Cc and Bcc (a
warning; an error when one of the two is Bcc and the other names it to everyone).

:func:`domain_problems`: an audience's ``allowed_domains``, checked against every recipient.
The rule (README, "Email distribution" -> "Guards"):

* when an audience's ``distribution.allowed_domains`` is given, every recipient (To, Cc and
  Bcc) must be in one of those domains, whatever the TLP level of the briefing; the domains
  are compared in their IDNA 2008 ASCII forms (``faß.de`` and ``fass.de`` differ) and a
  subdomain does not match;
* a briefing marked TLP:AMBER+STRICT or TLP:RED (:data:`~briefgen.deliver.addresses.RESTRICTED`)
  goes only to the allowed domains, so such a briefing needs ``allowed_domains`` set.

Each recipient outside is a :class:`~briefgen.errors.Problem` located at the recipient's
``email`` key (``briefgen validate`` lists them in advance; ``briefgen email`` refuses with
:class:`RecipientDomainError` before anything is written or sent). Invalid addresses are left
to :func:`address_problems`.

:func:`subject_label_problems`: a TLP label written into ``distribution.subject`` (briefgen
already puts each edition's own label first, so the subject would carry two, which may
contradict each other: ``[TLP:AMBER] [TLP:CLEAR] ...``), a warning located at the key.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from briefgen.deliver.addresses import (
    RESTRICTED,
    AddressError,
    MailInputError,
    ascii_domain,
    check_address,
    unicode_domain,
)
from briefgen.errors import KeyPath, Problem, SpecError
from briefgen.model.tlp import TLP

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.model.models import Distribution


class Locator(Protocol):
    """What places a problem in the spec (a :class:`briefgen.load.yamlsrc.Document`)."""

    def problem(self, key: KeyPath, message: str, **kw: Any) -> Problem: ...


class RecipientDomainError(MailInputError, SpecError):
    """Recipients outside their audience's ``allowed_domains`` (or a restricted briefing with no
    ``allowed_domains``): located problems, one per address; exit code 2, nothing is sent."""

    exit_code = 2

    def __init__(self, problems: Sequence[Problem]):
        SpecError.__init__(self, problems)


def one_edit_apart(a: str, b: str) -> bool:
    """True when ``a`` becomes ``b`` by exactly one inserted, deleted, replaced or swapped
    (adjacent) character: ``exmple.org`` / ``example.org``, ``exmaple.org`` / ``example.org``."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = next((k for k, (x, y) in enumerate(zip(short, long)) if x != y), len(short))
    return short[i:] == long[i + 1:]


def address_problems(audience: str, dist: "Distribution", src: Locator) -> list[Problem]:
    """Every invalid address (or display name with a line break) of ``audience``'s distribution
    ``dist``, located at its ``email`` (or ``name``) key (code ``bad-address``)."""
    base: KeyPath = ("audiences", audience, "distribution")
    entries: list[tuple[KeyPath, Any]] = [(base + ("from",), dist.sender)] if dist.sender else []
    entries += [(base + (role, i), r) for role in ("to", "cc", "bcc") for i, r in enumerate(getattr(dist, role))]
    problems = []
    for key, recipient in entries:
        try:
            check_address(recipient.email, recipient.name)
        except AddressError as exc:
            problems.append(src.problem(key + (exc.part,), str(exc), code="bad-address"))
    return problems


def mailbox_key(local: str, ascii_domain_form: str) -> str:
    """What makes two addresses one mailbox: the local part and the domain (ASCII, IDNA 2008)
    compared without case, as the message's envelope (:attr:`~briefgen.deliver.addresses.Addressing.recipients`)
    and the send log already compare them. RFC 5321 lets a receiving host tell ``A@`` from ``a@``,
    but no mail system in use does, and briefgen sends one copy to both."""
    return f"{local.lower()}@{ascii_domain_form.lower()}"


def duplicate_problems(audience: str, dist: "Distribution", src: Locator) -> list[Problem]:
    """A recipient written twice in ``audience``'s To, Cc and Bcc (:func:`mailbox_key`), located
    at the later ``email`` key and naming the earlier one:

    * in To or Cc and again in Bcc: an error (code ``bcc-recipient-shown``). Bcc keeps a recipient
      hidden from the others, and To and Cc name them to everyone: the spec asks for both, and
      the headers would show the address the Bcc entry means to hide (the .eml would also count
      it among the Bcc recipients it leaves out). Nothing is written or sent until one is removed;
    * twice in To and Cc, or twice in Bcc: a warning (code ``duplicate-recipient``). The envelope
      takes the mailbox once, so it gets one copy, but the headers would list it twice.

    Invalid addresses are left to :func:`address_problems`."""
    base: KeyPath = ("audiences", audience, "distribution")
    first: dict[str, tuple[str, int, str]] = {}  # mailbox -> (role, index, address as written)
    problems = []
    for role in ("to", "cc", "bcc"):
        for i, recipient in enumerate(getattr(dist, role)):
            try:
                mailbox = mailbox_key(*check_address(recipient.email, recipient.name))
            except AddressError:
                continue
            written = recipient.email.strip()
            if mailbox not in first:
                first[mailbox] = (role, i, written)
                continue
            was_role, was_i, was = first[mailbox]
            here, there = f"{role}[{i}]", f"{was_role}[{was_i}]"
            same = f"{written!r} ({here}) is the same mailbox as {was!r} ({there}; compared without case)"
            if role == "bcc" and was_role != "bcc":
                problems.append(src.problem(
                    base + (role, i, "email"),
                    f"{same}: Bcc hides a recipient from the others, but {was_role.capitalize()} names it to all of "
                    f"them; remove {here} to show it, or {there} to keep it hidden",
                    expected="each recipient in one of to, cc and bcc", got=f"{there} and {here}",
                    code="bcc-recipient-shown"))
            else:
                problems.append(src.problem(
                    base + (role, i, "email"),
                    f"{same}: it gets one copy, but the {'Bcc list' if role == 'bcc' else 'headers'} would list it "
                    f"twice; remove {here}", expected="each recipient once", got=f"{there} and {here}",
                    severity="warning", code="duplicate-recipient"))
    return problems


def _allowed(dist: "Distribution", src: Locator, base: KeyPath) -> tuple[list[str], list[Problem]]:
    """The audience's allowed domains in ASCII form, and a problem for each that is not a valid domain."""
    allowed: list[str] = []
    problems: list[Problem] = []
    for i, domain in enumerate(dist.allowed_domains):
        try:
            allowed.append(ascii_domain(str(domain).lstrip("@")))
        except ValueError as exc:
            problems.append(src.problem(base + ("allowed_domains", i), str(exc),
                                        expected="a domain name such as example.org", code="bad-domain"))
    return allowed, problems


def domain_problems(audience: str, dist: "Distribution", src: Locator, *,
                    banner: TLP | None = None) -> list[Problem]:
    """Problems of ``audience``'s distribution ``dist`` under the rule of the module doc: each
    recipient outside ``allowed_domains`` (located at its ``email`` key; expected "an address in
    example.org"; a did-you-mean when its domain is one edit from an allowed one), each allowed
    domain that is not valid, and, when ``banner`` (the variant's level) is restricted, a missing
    ``allowed_domains``. ``src`` locates keys in the spec."""
    base: KeyPath = ("audiences", audience, "distribution")
    allowed, problems = _allowed(dist, src, base)
    if not dist.allowed_domains:
        if banner is not None and banner in RESTRICTED and (dist.to or dist.cc or dist.bcc):
            problems.append(src.problem(
                base, f"the briefing of audience {audience!r} is marked {banner.label}, which is sent only to the "
                      f"audience's allowed_domains, and none are set", expected="allowed_domains: [your domain]",
                code="no-allowed-domains", at_key=True))
        return problems
    if not allowed:
        return problems  # every allowed domain is invalid: reported above
    shown = " or ".join(_readable(d) for d in allowed)
    level = f" (marked {banner.label})" if banner is not None else ""
    for role in ("to", "cc", "bcc"):
        for i, recipient in enumerate(getattr(dist, role)):
            try:
                local, domain = check_address(recipient.email, recipient.name)
            except AddressError:
                continue  # reported as an invalid address elsewhere
            if domain in allowed:
                continue
            near = next((d for d in allowed if one_edit_apart(domain, d)), None)
            problems.append(src.problem(
                base + (role, i, "email"),
                f"{recipient.email.strip()!r} ({role}) is outside the allowed_domains of audience {audience!r}, so "
                f"it may not receive that audience's briefing{level}",
                expected=f"an address in {shown}", got=_readable(domain),
                suggestion=f"{local}@{unicode_domain(near)}" if near else "", code="outside-allowed-domains"))
    return problems


_TLP_LABEL = re.compile(r"TLP\s*:\s*(AMBER\s*\+\s*STRICT|CLEAR|WHITE|GREEN|AMBER|RED)\b", re.IGNORECASE)


def subject_label_problems(audience: str, dist: "Distribution", src: Locator, *, floor: TLP,
                           ceiling: TLP) -> list[Problem]:
    """A warning (code ``tlp-in-subject``) when ``audience``'s subject template
    (``distribution.subject``) contains a TLP label: each edition's subject starts with its
    own label (between the briefing's ``floor`` and the audience's ``ceiling``), so another
    one contradicts it and the same one repeats it. Located at ``distribution.subject``."""
    subject = " ".join((dist.subject or "").split())
    found = list(dict.fromkeys(re.sub(r"\s+", "", m[0]).upper() for m in _TLP_LABEL.finditer(subject)))
    if not found:
        return []
    levels = ceiling.label if floor == ceiling else f"{floor.label} to {ceiling.label}"
    other = [label for label in found if label != ceiling.label or floor != ceiling]
    effect = (f"it may contradict the edition's label: a {ceiling.label} edition would go out as "
              f"'[{ceiling.label}] {subject}'" if other else
              f"it repeats the edition's label: '[{ceiling.label}] {subject}'")
    return [src.problem(("audiences", audience, "distribution", "subject"),
                        f"the subject of audience {audience!r} carries {', '.join(found)}, but briefgen puts each "
                        f"edition's own label first ({levels} for this audience); {effect}",
                        expected="a subject without a TLP label", got=", ".join(found), severity="warning",
                        code="tlp-in-subject")]


def check_domains(audience: str, dist: "Distribution", src: Locator, *, banner: TLP | None = None) -> None:
    """Raise :class:`RecipientDomainError` with :func:`domain_problems`' problems, if any."""
    problems = domain_problems(audience, dist, src, banner=banner)
    if problems:
        raise RecipientDomainError(problems)


def _readable(ascii_form: str) -> str:
    """A domain for a message: its Unicode form beside the ASCII one when international."""
    readable = unicode_domain(ascii_form)
    return ascii_form if readable == ascii_form else f"{readable} ({ascii_form})"
