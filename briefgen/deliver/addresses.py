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
"""

from __future__ import annotations

import re
from email.headerregistry import Address
from typing import Iterable, Sequence

from briefgen.errors import DeliveryError

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
