"""The values of the SMTP settings (:func:`briefgen.deliver.smtp.load_settings`): where each was
written, its check, and every problem as a located :class:`~briefgen.errors.Problem`.

A setting comes from a line of the ``[smtp]`` table of a TOML file (``briefgen.toml:9:1``, key
``smtp.port``) or from an environment variable (``BRIEFGEN_SMTP_PORT``): :class:`Origin`.
:func:`apply_value` checks one value and stores it; :func:`auth_problems` checks that the
login settings fit together. All problems of a file are collected, so that one run reports
them all (:class:`SmtpSettingsError`, exit code 2).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefgen.deliver.addresses import AddressError, MailInputError, parse_address
from briefgen.deliver.smtp_auth import MSAL_FLOWS
from briefgen.errors import Problem, SpecError, did_you_mean

TLS_MODES = ("starttls", "implicit", "none")
AUTH_MODES = ("password", "xoauth2")


class SmtpSettingsError(MailInputError, SpecError):
    """The SMTP settings have problems: every one, located (file:line:col and key, or the
    environment variable). Exit code 2: nothing was built or sent."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        SpecError.__init__(self, problems)


class BadValue(ValueError):
    """One setting's value is not usable: why, what was expected, what was found, a did-you-mean."""

    def __init__(self, message: str, *, expected: str = "", got: str = "", suggestion: str = ""):
        super().__init__(message)
        self.expected = expected
        self.got = got
        self.suggestion = suggestion

    def problem(self, origin: "Origin") -> Problem:
        """This as a problem at ``origin``."""
        return origin.problem(str(self), expected=self.expected, got=self.got, suggestion=self.suggestion,
                              code="smtp-setting")


@dataclass(frozen=True)
class Origin:
    """Where one setting was written: ``file`` (a shown path, or ``environment variable NAME``),
    its 1-based ``line`` and ``column`` (0: unknown), and the setting's ``key``."""

    file: str
    line: int
    column: int
    key: str

    @property
    def label(self) -> str:
        """``briefgen.toml:9:1: [smtp] port``, or ``environment variable BRIEFGEN_SMTP_PORT``:
        how messages name the setting."""
        if self.line == 0 and self.file.startswith("environment variable"):
            return self.file
        return f"{self.problem('').location()}: [smtp] {self.key}"

    def problem(self, message: str, **kw: Any) -> Problem:
        """A :class:`Problem` about this setting."""
        return Problem(self.file, self.line, self.column, f"smtp.{self.key}", message, **kw)


def file_origin(shown: str, text: str, key: str) -> Origin:
    """Where ``key = ...`` is written in the ``[smtp]`` table of ``text`` (the file shown as
    ``shown``); line 0 when it cannot be found (a dotted or inline table)."""
    line, column = key_position(text, "smtp", key)
    return Origin(shown, line, column, key)


def env_origin(variable: str, key: str) -> Origin:
    """A setting taken from the environment variable ``variable``."""
    return Origin(f"environment variable {variable}", 0, 0, key)


def key_position(text: str, table: str | None, key: str) -> tuple[int, int]:
    """1-based ``(line, column)`` of ``key = ...`` inside ``[table]`` of the TOML ``text`` (``""``:
    before any table header), or of the table header ``[key]`` when ``table`` is None; ``(0, 0)``
    when not found."""
    current = ""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        column = len(line) - len(line.lstrip()) + 1
        header = re.match(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]", stripped)
        if header:
            current = header[1]
            if table is None and current == key:
                return number, column
            continue
        if table is not None and current == table and re.match(rf"^[\"']?{re.escape(key)}[\"']?\s*=", stripped):
            return number, column
    return 0, 0


def apply_value(s: Any, key: str, value: Any, base: Path) -> None:
    """Check ``value`` of setting ``key`` and store it on the settings ``s``
    (:class:`briefgen.deliver.smtp.SmtpSettings`); a relative path is taken from ``base``.
    Raises :class:`BadValue`."""
    def bad(expected: str) -> BadValue:
        return BadValue("invalid value", expected=expected, got=repr(value))

    def choice(options: tuple[str, ...]) -> str:
        mode = value.strip().lower()
        if mode not in options:
            raise BadValue(f"unknown {key} mode", expected="one of " + ", ".join(options), got=repr(value),
                           suggestion=did_you_mean(mode, options) or "")
        return mode

    if key in ("host", "user", "from", "ca_file", "tls", "auth", "msal_client_id", "msal_tenant",
               "msal_flow") and not isinstance(value, str):
        raise bad("a string")
    if key == "host":
        if not value.strip() or any(c.isspace() for c in value.strip()):
            raise bad("a host name or address")
        s.host = value.strip()
    elif key == "port":
        try:
            port = int(value)
        except (TypeError, ValueError):
            raise bad("a port number (1-65535)") from None
        if isinstance(value, bool) or not 1 <= port <= 65535:
            raise bad("a port number (1-65535)")
        s.port = port
    elif key in ("tls", "auth", "msal_flow"):
        setattr(s, key, choice({"tls": TLS_MODES, "auth": AUTH_MODES, "msal_flow": MSAL_FLOWS}[key]))
    elif key == "token_command":
        s.token_command = _command(value, bad, base)
    elif key in ("user", "msal_client_id", "msal_tenant"):
        setattr(s, key, value.strip() or None)
    elif key == "from":
        try:
            parse_address(value)
        except AddressError as exc:
            raise BadValue(str(exc), expected="an address such as desk@example.org") from None
        s.sender = value.strip()
    elif key == "ca_file":
        p = Path(value).expanduser()
        p = p if p.is_absolute() else base / p
        if not p.is_file():
            raise BadValue(f"CA file {p} does not exist", expected="a PEM file of CA certificates")
        s.ca_file = p
    elif key == "tries":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 10:
            raise bad("a whole number of tries from 1 to 10")
        s.tries = value
    elif key == "retry_delay":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise bad("a number of seconds (0 or more)")
        s.retry_delay = float(value)
    elif key in ("timeout", "max_attachment_mb"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise bad("a positive number")
        setattr(s, key, float(value))


def _command(value: Any, bad, base: Path) -> tuple[str, ...]:
    """``token_command`` as an argument list: a TOML array of strings, or a string split like a
    shell would (no shell runs it). A relative program path with a ``/`` is taken from the
    config file's folder; a bare name is looked up on PATH when run."""
    import shlex

    expected = "a command: an array of strings such as [\"oauth2l\", \"fetch\"], or a string"
    if isinstance(value, str):
        try:
            argv = shlex.split(value)
        except ValueError as exc:
            raise bad(f"{expected} ({exc})") from None
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        argv = list(value)
    else:
        raise bad(expected)
    if not argv or not argv[0].strip():
        raise bad(expected)
    program = Path(argv[0]).expanduser()
    if "/" in argv[0] and not program.is_absolute():
        argv[0] = str(base / program)
    return tuple(argv)


def auth_problems(s: Any, origins: Mapping[str, Origin]) -> list[Problem]:
    """Whether the login settings of ``s`` fit together (after every key and variable is
    applied), as problems located at the setting that does not fit (``origins``: where each
    key was set; a key set nowhere is placed at ``[smtp]``)."""
    def at(key: str) -> Origin:
        return origins.get(key) or next(iter(origins.values()), None) or Origin("[smtp]", 0, 0, key)

    token_keys = [k for k in ("token_command", "msal_client_id") if getattr(s, k)]
    if s.auth != "xoauth2":
        if token_keys:
            return [at(token_keys[0]).problem(f"{token_keys[0]} is set but auth is {s.auth!r}",
                                              expected='auth = "xoauth2" to log in with a token', code="smtp-auth")]
        return []
    if not s.user:
        return [at("auth").problem('auth = "xoauth2" needs user (the mailbox to log in as)',
                                   expected='user = "desk@example.org"', code="smtp-auth")]
    if len(token_keys) != 1:
        return [at("auth").problem('auth = "xoauth2" needs exactly one token source: token_command (a command '
                                   'printing the token) or msal_client_id (Microsoft 365 through msal)'
                                   + (", not both" if token_keys else ""), code="smtp-auth")]
    if s.msal_client_id and s.msal_flow == "client_credentials" and not s.msal_tenant:
        return [at("msal_client_id").problem('msal_flow = "client_credentials" needs msal_tenant (the directory '
                                             'id or domain, e.g. "contoso.onmicrosoft.com")', code="smtp-auth")]
    return []
