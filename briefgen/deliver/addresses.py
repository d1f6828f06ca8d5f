"""Email addresses: strict validation, IDN domains, and the TLP allowed-domain rule.

An address is accepted only in its plain form ``local@domain``:

* the local part is an RFC 5322 *dot-atom* of ASCII letters, digits and
  ``!#$%&'*+/=?^_`{|}~-`` (no quoted strings, no spaces, no ``..``), at most 64 characters;
* the domain has at least two labels; international domain names (``bücher.example``) are
  accepted and converted to their ASCII form (``xn--bcher-kva.example``, IDNA), which is
  what goes into the headers and the SMTP envelope; each ASCII label is letters, digits
  and inner hyphens, 1-63 characters, and the last label is not all digits; no IP literals;
* the whole address is at most 254 characters; no control characters anywhere.

Display names may hold any text except line breaks (they are RFC 2047 encoded when not ASCII).

Problems raise :class:`AddressError` (a :class:`~briefgen.errors.DeliveryError` with exit
code 2: the input must be corrected) naming the address, where it was written and why.

A message's addresses (:func:`addressing`: an audience's ``distribution`` -> validated
:class:`Addressing`) and the TLP rule on them (:func:`check_restricted`: a briefing marked
TLP:AMBER+STRICT or TLP:RED goes only to the audience's ``allowed_domains``) are checked
before anything is written or sent.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from typing import TYPE_CHECKING

from briefgen.errors import DeliveryError
from briefgen.model.tlp import TLP

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.model.models import Distribution

RESTRICTED = (TLP.AMBER_STRICT, TLP.RED)
"""Levels sent only to recipients in the audience's ``allowed_domains``."""

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"^{_ATEXT}(?:\.{_ATEXT})*$")
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class MailInputError(DeliveryError):
    """A message was refused before anything was sent because of what it was given
    (an invalid address, a recipient outside the allowed domains, an oversize attachment,
    a bad SMTP setting). Exit code 2: fix the input (or force, where that is allowed)."""

    exit_code = 2


class AddressError(MailInputError):
    """An address is not a valid ``local@domain`` address."""


def ascii_domain(domain: str) -> str:
    """The ASCII (IDNA) form of ``domain``, lower-cased: ``Bücher.Example`` ->
    ``xn--bcher-kva.example``. Raises ValueError saying why it is not a valid domain."""
    text = domain.strip().rstrip(".")
    if not text:
        raise ValueError("the domain is empty")
    if text.startswith("["):
        raise ValueError("IP address literals are not accepted; use a domain name")
    try:  # ASCII needs no IDNA conversion (importing the codec alone costs ~20 ms)
        encoded = text.lower() if text.isascii() else text.encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise ValueError(f"the domain {domain!r} is not a valid international domain name ({exc})") from None
    labels = encoded.split(".")
    if len(labels) < 2:
        raise ValueError(f"the domain {domain!r} has no dot (a full domain such as example.org is needed)")
    for label in labels:
        if not _LABEL.match(label):
            raise ValueError(f"the domain label {label!r} is not letters, digits and inner hyphens (1-63 characters)")
    if labels[-1].isdigit():
        raise ValueError(f"the domain {domain!r} ends in a numeric label")
    return encoded


def parse_address(text: str, name: str = "", *, where: str = "") -> Address:
    """A strict :class:`~email.headerregistry.Address` from ``text`` (``local@domain``) and a
    display ``name``; the domain is stored in its ASCII (IDNA) form.

    ``where`` says where the address was written (``distribution.to[1]``) for the message.
    Raises :class:`AddressError`.
    """
    raw = str(text)
    label = f"{where}: " if where else ""

    def fail(why: str) -> AddressError:
        return AddressError(f"{label}invalid email address {raw!r}: {why}")

    if _CONTROL.search(raw) or _CONTROL.search(name or ""):
        raise fail("it contains a line break or control character")
    addr = raw.strip()
    if not addr:
        raise fail("it is empty")
    if addr.startswith("<") or "<" in addr or ">" in addr:
        raise fail("give the bare address (local@domain) and put the display name in 'name'")
    if addr.count("@") != 1:
        raise fail("an address has exactly one '@'" if "@" in addr else "it has no '@domain' part")
    local, domain = addr.split("@")
    if not local:
        raise fail("the part before '@' is empty")
    if len(local) > 64:
        raise fail("the part before '@' is longer than 64 characters")
    if not _LOCAL.match(local):
        raise fail("the part before '@' may hold only ASCII letters, digits, single dots and "
                   "!#$%&'*+/=?^_`{|}~- (no spaces, quotes or '..')")
    try:
        domain_ascii = ascii_domain(domain)
    except ValueError as exc:
        raise fail(str(exc)) from None
    if len(local) + 1 + len(domain_ascii) > 254:
        raise fail("it is longer than 254 characters")
    try:
        return Address(display_name=(name or "").strip(), username=local, domain=domain_ascii)
    except (ValueError, TypeError) as exc:  # pragma: no cover - the checks above come first
        raise fail(str(exc)) from None


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
    """ASCII (IDNA), lower-case forms of ``domains``; a leading ``@`` is ignored.
    Raises :class:`AddressError` for a domain that is not valid."""
    out = []
    for d in domains:
        try:
            out.append(ascii_domain(str(d).lstrip("@")))
        except ValueError as exc:
            raise AddressError(f"allowed_domains: {exc}") from None
    return out


def domain_allowed(address: Address, allowed: Sequence[str]) -> bool:
    """True when ``address``'s domain is exactly one of ``allowed`` (already normalised by
    :func:`normalise_domains`). Subdomains do not match: list each domain that may receive."""
    return address.domain.lower() in allowed


# --------------------------------------------------------------------------- one message's addresses
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
    """For a briefing marked TLP:AMBER+STRICT or TLP:RED, every recipient (To, Cc and Bcc)
    must be in one of ``allowed_domains`` (exact domain match, IDN-aware). Any other
    recipient fails the whole message, listing each offender (:class:`MailInputError`).
    Other levels pass."""
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
