"""OAuth 2.0 access tokens for SMTP ``AUTH XOAUTH2``, and the SASL string that carries one.

With ``auth = "xoauth2"`` in the ``[smtp]`` settings, briefgen logs in with an access token
instead of a password (Microsoft 365 switches basic SMTP AUTH off by default for existing
tenants at the end of December 2026, notice MC786329; Gmail and Google Workspace take
XOAUTH2 too). The token comes from one of:

* ``token_command``: a command run *without a shell* (a TOML array ``["oauth2l", "fetch",
  ...]``, or a string split like a shell would, with :func:`shlex.split`); its standard
  output, trimmed, is the token. It must finish within the ``timeout`` setting.
  :func:`token_from_command`.
* ``msal`` (the optional extra ``briefgen[m365]``): Microsoft's MSAL library for Python,
  imported only here. ``msal_flow = "client_credentials"`` (unattended: an app registration
  with a client secret, scope :data:`SCOPE_APP`, the app granted SMTP send rights on the
  mailbox) or ``"device_code"`` (a person signs in on another device, scope
  :data:`SCOPE_DELEGATED`). Scopes as Microsoft documents them for SMTP AUTH ("Authenticate
  an IMAP, POP or SMTP connection using OAuth"). :func:`token_from_msal`.

Every failure raises :class:`~briefgen.deliver.addresses.MailInputError` (exit code 2: a
setting or a missing program or package) or :class:`~briefgen.errors.DeliveryError` (the
command or the identity provider failed), naming the setting; the token itself is never
shown.
"""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Callable, Sequence

from briefgen.deliver.addresses import MailInputError
from briefgen.errors import DeliveryError

SCOPE_APP = "https://outlook.office365.com/.default"
"""MSAL scope of the client-credentials flow for Exchange Online SMTP."""

SCOPE_DELEGATED = "https://outlook.office.com/SMTP.Send"
"""MSAL scope of the device-code flow (a signed-in user sending as themselves)."""

MSAL_FLOWS = ("client_credentials", "device_code")

_SHOWN = 300  # characters of a failing command's error output shown


def xoauth2_string(user: str, token: str) -> str:
    """The SASL XOAUTH2 initial response before base64 (Google's and Microsoft's
    documentation; like RFC 7628's OAUTHBEARER): ``user={user}^Aauth=Bearer {token}^A^A``."""
    return f"user={user}\x01auth=Bearer {token}\x01\x01"


def xoauth2_base64(user: str, token: str) -> str:
    """:func:`xoauth2_string` base64-encoded, as it goes after ``AUTH XOAUTH2``."""
    return base64.b64encode(xoauth2_string(user, token).encode("ascii")).decode("ascii")


def token_from_command(argv: Sequence[str], *, timeout: float, where: str) -> str:
    """Run ``argv`` (no shell, no input) and return its standard output, trimmed: the token.

    ``where`` names the setting (``briefgen.toml: [smtp] token_command``). Raises
    :class:`MailInputError` when the program is not found or cannot be run, and
    :class:`DeliveryError` when it runs longer than ``timeout`` seconds, exits with a
    non-zero code (its error output is shown, shortened) or prints no single token."""
    if not argv:
        raise MailInputError(f"{where}: the command is empty")
    try:
        done = subprocess.run(list(argv), stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                              check=False)
    except FileNotFoundError:
        raise MailInputError(f"{where}: program {argv[0]!r} was not found") from None
    except PermissionError:
        raise MailInputError(f"{where}: program {argv[0]!r} cannot be run (permission denied)") from None
    except OSError as exc:
        raise MailInputError(f"{where}: program {argv[0]!r} cannot be run: {exc.strerror or exc}") from None
    except subprocess.TimeoutExpired:
        raise DeliveryError(f"{where}: {argv[0]!r} did not print a token within {timeout:g} s "
                            f"(the smtp timeout setting); nothing was sent") from None
    if done.returncode != 0:
        said = " ".join(done.stderr.decode("utf-8", "replace").split())
        said = said if len(said) <= _SHOWN else said[:_SHOWN] + "..."
        raise DeliveryError(f"{where}: {argv[0]!r} exited with code {done.returncode}"
                            + (f": {said}" if said else "") + "; nothing was sent")
    token = done.stdout.decode("utf-8", "replace").strip()
    if not token:
        raise DeliveryError(f"{where}: {argv[0]!r} printed no token (its standard output was empty)")
    if any(c.isspace() for c in token) or not token.isascii():
        raise DeliveryError(f"{where}: {argv[0]!r} printed more than a token: its standard output must be "
                            f"the access token alone (one line, no spaces)")
    return token


def token_from_msal(*, client_id: str, tenant: str, flow: str, secret: str | None, where: str,
                    notify: Callable[[str], None]) -> str:
    """An access token from MSAL (``pip install 'briefgen[m365]'``) for Exchange Online SMTP.

    ``flow`` is ``"client_credentials"`` (needs ``secret``, the app registration's client
    secret) or ``"device_code"`` (``notify`` is given MSAL's sign-in instruction: the address
    to open and the code to enter). ``tenant`` is the directory (tenant) id or domain.
    Raises :class:`MailInputError` when msal is not installed or the secret is missing, and
    :class:`DeliveryError` when Microsoft's identity platform gives no token."""
    try:
        import msal  # optional: briefgen[m365]
    except ImportError:
        raise MailInputError(f"{where}: the msal package is not installed; install it with "
                             f"pip install 'briefgen[m365]' (or use token_command)") from None
    authority = f"https://login.microsoftonline.com/{tenant}"
    try:
        if flow == "client_credentials":
            if not secret:
                raise MailInputError(f"{where}: msal_flow = \"client_credentials\" needs the client secret: set "
                                     f"BRIEFGEN_SMTP_CLIENT_SECRET or store it with 'keyring set briefgen-smtp "
                                     f"{client_id}' (secrets are never read from files)")
            app = msal.ConfidentialClientApplication(client_id, client_credential=secret, authority=authority)
            result = app.acquire_token_for_client(scopes=[SCOPE_APP])
        else:
            public = msal.PublicClientApplication(client_id, authority=authority)
            started = public.initiate_device_flow(scopes=[SCOPE_DELEGATED])
            if "user_code" not in started:
                raise DeliveryError(f"{where}: Microsoft sign-in could not start: {_msal_error(started)}")
            notify(str(started.get("message", "")))
            result = public.acquire_token_by_device_flow(started)
    except (MailInputError, DeliveryError):
        raise
    except Exception as exc:  # network and library errors: msal raises requests' and its own
        raise DeliveryError(f"{where}: msal could not reach Microsoft's identity platform: {exc}") from None
    token = (result or {}).get("access_token")
    if not token:
        raise DeliveryError(f"{where}: Microsoft's identity platform gave no token: {_msal_error(result or {})}")
    return str(token)


def _msal_error(result: dict) -> str:
    """``error: description`` of an msal answer (its first line: descriptions carry trace ids)."""
    code = str(result.get("error", "unknown error"))
    text = str(result.get("error_description", "")).splitlines()
    return f"{code}: {text[0]}" if text and text[0] else code
