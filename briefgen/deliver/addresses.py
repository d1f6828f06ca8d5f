"""Email addresses: validated by ``email-validator`` (IDNA 2008 domains), and the TLP allowed-domain rule.

An address is accepted only in its plain form ``local@domain``, as checked by the
``email-validator`` package (RFC 5321/5322 syntax, with its ``strict`` length checks; no DNS
look-up is made):

* the local part is an RFC 5322 *dot-atom* of ASCII letters, digits and
  ``!#$%&'*+/=?^_`{|}~-`` (no quoted strings, no spaces, no ``..``), at most 64 characters;
  non-ASCII local parts would need SMTPUTF8, which briefgen does not use, so they are refused;
* the domain is converted by IDNA 2008 (UTS #46 mapping, non-transitional), never IDNA 2003:
  ``x@faß.de`` keeps ``faß.de`` (ASCII form ``xn--fa-hia.de``) and never becomes ``fass.de``,
  a different domain; a final sigma ``ς`` stays ``ς``. The ASCII form is what goes into the
  headers and the SMTP envelope. A domain needs at least two labels, ends in a letter, is not a
  special-use name (``.local``, ``.test``, ``.invalid``...) and no IP literal;
  ``email-validator`` refuses invisible characters anywhere in an address (a zero-width joiner
  or non-joiner, which IDNA 2008 would allow only in its CONTEXTJ contexts);
* the whole address is at most 254 characters; no control characters anywhere.

Display names may hold any text except line breaks (they are RFC 2047 encoded when not ASCII).

Problems raise :class:`AddressError` (a :class:`~briefgen.errors.DeliveryError` with exit
code 2: the input must be corrected) naming the address, where it was written (``where``)
and why (``email-validator``'s reason).

A message's addresses (:func:`addressing`: an audience's ``distribution`` -> validated
:class:`Addressing`) and the domain rule on them (:func:`check_restricted`: when the audience
gives ``allowed_domains``, every recipient is in one of them, compared in their IDNA 2008
ASCII forms, at every TLP level; a briefing marked TLP:AMBER+STRICT or TLP:RED needs them)
are checked before anything is written or sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from briefgen.errors import DeliveryError
from briefgen.model.tlp import TLP

if TYPE_CHECKING:  # pragma: no cover
    from email.headerregistry import Address  # imported by parse_address: check_address needs none (~4 ms)

    from email_validator import ValidatedEmail

    from briefgen.model.models import Distribution

RESTRICTED = (TLP.AMBER_STRICT, TLP.RED)
"""Levels sent only to recipients in the audience's ``allowed_domains``, which must be set."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class MailInputError(DeliveryError):
    """A message was refused before anything was sent because of what it was given
    (an invalid address, a recipient outside the allowed domains, an oversize attachment,
    a bad SMTP setting). Exit code 2: fix the input (or force, where that is allowed)."""

    exit_code = 2


class AddressError(MailInputError):
    """An address is not a valid ``local@domain`` address, or its display name is not usable.
    ``part`` says which: ``"email"`` or ``"name"`` (the key to point at)."""

    part = "email"


def _validated(addr: str) -> "ValidatedEmail":
    """``email-validator``'s verdict on ``addr`` (syntax and IDNA 2008 only: no DNS).
    Raises ``email_validator.EmailNotValidError``."""
    from email_validator import validate_email  # imported on first use (~30 ms)

    return validate_email(addr, check_deliverability=False, allow_smtputf8=False, allow_quoted_local=False,
                          allow_domain_literal=False, allow_display_name=False, strict=True)


def _valid_parts(addr: str) -> tuple[str, str]:
    """``(local part, ASCII domain)`` of ``addr`` as :func:`_validated` finds them, taken from
    :mod:`briefgen.deliver.addresscache` when it was accepted before. Raises
    ``email_validator.EmailNotValidError`` (a ValueError)."""
    from briefgen.deliver import addresscache

    parts = addresscache.known(addr)
    if parts is None:
        found = _validated(addr)
        parts = (found.local_part, found.ascii_domain)
        addresscache.remember(addr, parts)
    return parts


def _reason(exc: Exception) -> str:
    """``email-validator``'s message as the end of ours: first letter lower-cased, no final stop."""
    text = str(exc).strip().rstrip(".")
    return text[:1].lower() + text[1:]


_DOMAIN_WORDS = (("the part after the @-sign is not valid. ", ""), ("immediately after the @-sign", "at the start"),
                 ("the part after the @-sign", "it"), ("after the @-sign, ", ""), (" after the @-sign", ""),
                 ("an email address", "a domain"), ("the email address", "it"))


def _domain_reason(exc: Exception) -> str:
    """``email-validator``'s reason about ``postmaster@DOMAIN`` reworded for the domain alone."""
    why = _reason(exc)
    for old, new in _DOMAIN_WORDS:
        why = why.replace(old, new)
    return why[:1].lower() + why[1:]


def ascii_domain(domain: str) -> str:
    """The ASCII form of ``domain`` by IDNA 2008 (through ``email-validator``), lower-cased:
    ``Bücher.Example`` -> ``xn--bcher-kva.example``, ``faß.de`` -> ``xn--fa-hia.de`` (not
    ``fass.de``). One final dot is ignored. Raises ValueError saying why it is not a valid domain."""
    text = domain.strip()
    text = text[:-1] if text.endswith(".") else text
    if not text:
        raise ValueError("the domain is empty")
    if text.startswith("["):
        raise ValueError("IP address literals are not accepted; use a domain name")
    if "@" in text or _CONTROL.search(text):
        raise ValueError(f"the domain {domain!r} holds an '@' or a control character")
    try:
        return _valid_parts(f"postmaster@{text}")[1].lower()
    except ValueError as exc:  # email_validator.EmailNotValidError
        raise ValueError(f"the domain {domain!r} is not valid: {_domain_reason(exc)}") from None


def unicode_domain(ascii_form: str) -> str:
    """The Unicode form of an ASCII (IDNA 2008) domain, for messages: ``xn--fa-hia.de`` ->
    ``faß.de``; the input itself when it is plain ASCII or cannot be decoded."""
    if "xn--" not in ascii_form:
        return ascii_form
    try:
        import idna  # a dependency of email-validator

        return idna.decode(ascii_form)
    except (idna.IDNAError, UnicodeError):
        return ascii_form


def parse_address(text: str, name: str = "", *, where: str = "") -> Address:
    """A strict :class:`~email.headerregistry.Address` from ``text`` (``local@domain``) and a
    display ``name``; the domain is stored in its ASCII (IDNA 2008) form.

    ``where`` says where the address was written (``distribution.to[1]``) for the message.
    Raises :class:`AddressError` (see :func:`check_address`).
    """
    from email.headerregistry import Address

    local, domain = check_address(text, name, where=where)
    try:
        return Address(display_name=(name or "").strip(), username=local, domain=domain)
    except (ValueError, TypeError) as exc:  # pragma: no cover - email-validator checks first
        raise AddressError(f"{where + ': ' if where else ''}invalid email address {str(text)!r}: {exc}") from None


def check_address(text: str, name: str = "", *, where: str = "") -> tuple[str, str]:
    """``(local part, ASCII domain in lower case)`` of address ``text`` with display ``name``, when
    :func:`parse_address` would accept them. Raises :class:`AddressError` saying why not
    (``where``: where the address was written, for the message)."""
    raw = str(text)
    label = f"{where}: " if where else ""

    def fail(why: str) -> AddressError:
        return AddressError(f"{label}invalid email address {raw!r}: {why}")

    if _CONTROL.search(name or ""):
        bad_name = AddressError(f"{label}the display name {name!r} of {raw.strip()!r} contains a line break or "
                                f"control character: write the name on one line")
        bad_name.part = "name"
        raise bad_name
    if _CONTROL.search(raw):
        raise fail("it contains a line break or control character")
    addr = raw.strip()
    if not addr:
        raise fail("it is empty")
    if addr.startswith("<") or "<" in addr or ">" in addr:
        raise fail("give the bare address (local@domain) and put the display name in 'name'")
    if addr.count("@") != 1:
        raise fail("an address has exactly one '@'" if "@" in addr else "it has no '@domain' part")
    if addr.startswith("@"):
        raise fail("the part before '@' is empty")
    if "[" in addr.split("@")[1]:
        raise fail("IP address literals are not accepted; use a domain name")
    try:
        local, domain = _valid_parts(addr)
    except ValueError as exc:  # email_validator.EmailNotValidError
        raise fail(_reason(exc)) from None
    return local, domain.lower()


def check_addresses(items: Iterable[tuple[str, str, str]]) -> list[Address]:
    """Validate ``(address, display name, where)`` triples; raise one :class:`AddressError`
    listing *every* invalid address (so one run reports them all)."""
    good: list[Address] = []
    errors: list[str] = []
    for text, name, where in items:
        try:
            good.append(parse_address(text, name, where=where))
        except AddressError as exc:
            errors.append(str(exc))
    if errors:
        raise AddressError("\n".join(errors) if len(errors) == 1 else
                           f"{len(errors)} invalid email addresses:\n" + "\n".join(f"  {e}" for e in errors))
    return good


def normalise_domains(domains: Iterable[str]) -> list[str]:
    """ASCII (IDNA 2008), lower-case forms of ``domains``; a leading ``@`` is ignored. So
    ``faß.de`` -> ``xn--fa-hia.de`` and ``fass.de`` -> ``fass.de``: two different domains.
    Raises :class:`AddressError` for a domain that is not valid."""
    out = []
    for d in domains:
        try:
            out.append(ascii_domain(str(d).lstrip("@")))
        except ValueError as exc:
            raise AddressError(f"allowed_domains: {exc}") from None
    return out


def domain_allowed(address: Address, allowed: Sequence[str]) -> bool:
    """True when ``address``'s domain (ASCII, IDNA 2008) is exactly one of ``allowed`` (already
    normalised by :func:`normalise_domains`). Subdomains do not match: list each domain that may
    receive."""
    return address.domain.lower() in allowed


# --------------------------------------------------------------------------- one message's addresses
@dataclass(frozen=True)
class Addressing:
    """Validated header addresses of one message (domains in ASCII form, IDNA 2008)."""

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

    Raises :class:`AddressError` listing every invalid address, or :class:`MailInputError`
    when there is no From address or no recipient.
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
    """When ``allowed_domains`` is given, every recipient (To, Cc and Bcc) must be in one of them,
    at every TLP level (exact match of the IDNA 2008 ASCII forms: ``faß.de`` and ``fass.de``
    differ); a briefing marked TLP:AMBER+STRICT or TLP:RED also needs ``allowed_domains``. Any
    other recipient fails the whole message, listing each offender (:class:`MailInputError`; an
    international domain is shown in both forms). The located form of the same rule, for the
    spec's own distribution, is :mod:`briefgen.deliver.distribution_checks`."""
    level = banner if isinstance(banner, TLP) else TLP.parse(banner)
    who = f"audience {audience!r}: " if audience else ""
    allowed = normalise_domains(allowed_domains)
    if not allowed:
        if level not in RESTRICTED:
            return
        raise MailInputError(f"{who}the briefing is marked {level.label}, which is sent only to "
                             f"the audience's allowed_domains, and none are set; nothing was sent")
    roles = addrs.roles()
    outside = [a for a in (*addrs.to, *addrs.cc, *addrs.bcc) if not domain_allowed(a, allowed)]
    if outside:
        specs = list(dict.fromkeys(a.addr_spec for a in outside))
        listed = ", ".join(f"{_shown(s)} ({roles[s]})" for s in specs)
        raise MailInputError(f"{who}the briefing is marked {level.label}: it may go only to the allowed_domains "
                             f"{', '.join(_shown(d) for d in allowed)}, but {listed} "
                             f"{'is' if len(specs) == 1 else 'are'} outside; nothing was sent")


def _shown(text: str) -> str:
    """An address or domain for a message: ``x@xn--fa-hia.de = x@faß.de`` when its domain is
    international (so that ``faß.de`` and ``fass.de`` are told apart), else as it is."""
    local, _, domain = text.rpartition("@")
    readable = unicode_domain(domain)
    return text if readable == domain else f"{text} = {local + '@' if local else ''}{readable}"
