"""SMTP settings and credentials, and the delivery of one composed briefing (with reruns).

Settings (:func:`load_settings`), lowest to highest precedence:

1. built-in defaults;
2. the ``[smtp]`` table of a TOML file: ``--smtp-config PATH`` when given (it must exist),
   else ``briefgen.toml`` in the project root when it exists;
3. environment variables ``BRIEFGEN_SMTP_HOST``, ``BRIEFGEN_SMTP_PORT``,
   ``BRIEFGEN_SMTP_TLS``, ``BRIEFGEN_SMTP_USER``, ``BRIEFGEN_SMTP_FROM``,
   ``BRIEFGEN_SMTP_CA_FILE``, ``BRIEFGEN_SMTP_AUTH``.

==================== ============================================ ==========================
key                  meaning                                      default
==================== ============================================ ==========================
host                 SMTP server name or address                  ``localhost``
port                 TCP port                                     587 (starttls), 465
                                                                  (implicit), 25 (none)
tls                  ``"starttls"``: plain connect, then STARTTLS ``"starttls"``
                     (required: a server that does not offer it
                     is refused); ``"implicit"``: TLS from the
                     first byte (SMTPS); ``"none"``: no TLS (for a
                     local relay only; login is then refused
                     unless the host is a loopback address)
user                 login name; no login when unset              (none)
auth                 ``"password"`` or ``"xoauth2"`` (an OAuth    ``"password"``
                     2.0 access token, see
                     :mod:`briefgen.deliver.smtp_auth`)
token_command        xoauth2: command printing the token (array   (none)
                     of strings, or a string split like a shell;
                     never run through a shell)
msal_client_id       xoauth2 by MSAL (``briefgen[m365]``): the    (none)
                     app registration's client id
msal_tenant          its directory (tenant) id or domain          ``"organizations"``
                     (required for client_credentials)            (device code only)
msal_flow            ``"client_credentials"`` or                  ``"client_credentials"``
                     ``"device_code"``
from                 envelope sender (MAIL FROM), and the From    (the message's From)
                     header of audiences without
                     ``distribution.from``
ca_file              PEM file of CA certificates to trust         (the system's CAs)
                     instead of the system's (private CA,
                     test server)
timeout              seconds to wait for the server (and for      30
                     token_command)
tries                transactions per message while the server    3
                     answers 4xx (temporarily refused)
retry_delay          seconds before the second try; doubled for   5
                     each further try
max_attachment_mb    PDFs larger than this many MiB are refused   10
                     unless ``--force``
==================== ============================================ ==========================

Secrets are never read from a file or the spec. The password: only from the environment
variable ``BRIEFGEN_SMTP_PASSWORD`` or, when that is unset and the optional ``keyring``
package is installed, from the system keyring (service ``briefgen-smtp``, user name =
``user``: ``keyring set briefgen-smtp USER``); the MSAL client secret likewise from
``BRIEFGEN_SMTP_CLIENT_SECRET`` or the keyring (user name = the client id). A ``password``
(or ``client_secret``) key in the config file is an error. Neither, nor a token, is ever
printed, logged or shown in ``repr``. :meth:`SmtpSettings.with_credentials` fetches them
(and runs ``token_command`` or MSAL) before anything is built or sent.

Delivery (:func:`deliver`, through :func:`briefgen.deliver.smtp_client.send_message`):
retries of temporary refusals, per-recipient reports; each transaction the server took (or
whose outcome is unknown) is appended to the send log at once, and recipients that accepted
the same message before are skipped (a rerun; :mod:`briefgen.deliver.sendlog`) unless
``resend``, as are those whose delivery is unknown unless ``resend`` or ``resend_unknown``.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
import re
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.deliver.addresses import MailInputError
from briefgen.deliver.sendlog import (
    LOG_NAME,
    PreviousSends,
    append_log,
    keep_sent_copy,
    log_record,
    previous_sends,
    read_log,
)
from briefgen.deliver.smtp_auth import token_from_command, token_from_msal
from briefgen.deliver.smtp_client import SendReport, Transaction, send_message
from briefgen.deliver.smtp_values import (
    TLS_MODES,
    BadValue,
    Origin,
    SmtpSettingsError,
    apply_value,
    auth_problems,
    env_origin,
    file_origin,
    key_position,
)
from briefgen.errors import DeliveryError, Problem, did_you_mean
from briefgen.regular_files import read_regular

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.deliver.mail import Outgoing

__all__ = ["LOG_NAME", "TLS_MODES", "SendReport", "SmtpSettings", "UnrecordedDelivery", "append_log", "deliver",
           "load_settings", "read_log", "send_message"]

CONFIG_NAME = "briefgen.toml"
"""Config file looked for in the project root."""

KEYRING_SERVICE = "briefgen-smtp"
"""Keyring service name under which the SMTP password (user name = ``user``) and the MSAL
client secret (user name = the client id) are stored."""

DEFAULT_PORTS = {"starttls": 587, "implicit": 465, "none": 25}
ENV = {"host": "BRIEFGEN_SMTP_HOST", "port": "BRIEFGEN_SMTP_PORT", "tls": "BRIEFGEN_SMTP_TLS",
       "user": "BRIEFGEN_SMTP_USER", "from": "BRIEFGEN_SMTP_FROM", "ca_file": "BRIEFGEN_SMTP_CA_FILE",
       "auth": "BRIEFGEN_SMTP_AUTH"}
PASSWORD_ENV = "BRIEFGEN_SMTP_PASSWORD"
CLIENT_SECRET_ENV = "BRIEFGEN_SMTP_CLIENT_SECRET"
_KEYS = ("host", "port", "tls", "user", "auth", "token_command", "msal_client_id", "msal_tenant", "msal_flow",
         "from", "ca_file", "timeout", "tries", "retry_delay", "max_attachment_mb")
_SECRETS = {
    "password": f"passwords are never read from files; remove it and set {PASSWORD_ENV} or use the keyring "
                f"('keyring set {KEYRING_SERVICE} USER')",
    "client_secret": f"client secrets are never read from files; remove it and set {CLIENT_SECRET_ENV} or use "
                     f"the keyring ('keyring set {KEYRING_SERVICE} CLIENT_ID')",
    "token": "tokens are never read from files; remove it and set token_command (a command printing the token)",
}


# --------------------------------------------------------------------------- settings
@dataclass
class SmtpSettings:
    """Where and how to send (see the module doc for every key). ``password`` and ``token``
    are filled by :meth:`with_credentials` only, and never shown. ``where`` maps a key to
    where it was set (``briefgen.toml: [smtp] token_command``), for messages."""

    host: str = "localhost"
    port: int | None = None
    tls: str = "starttls"
    user: str | None = None
    auth: str = "password"
    token_command: tuple[str, ...] | None = None
    msal_client_id: str | None = None
    msal_tenant: str | None = None
    msal_flow: str = "client_credentials"
    sender: str | None = None
    ca_file: Path | None = None
    timeout: float = 30.0
    tries: int = 3
    retry_delay: float = 5.0
    max_attachment_mb: float = 10.0
    origin: str = "defaults"
    where: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    password: str | None = field(default=None, repr=False, compare=False)
    token: str | None = field(default=None, repr=False, compare=False)

    @property
    def effective_port(self) -> int:
        """``port``, or the usual port of the TLS mode."""
        return self.port if self.port is not None else DEFAULT_PORTS[self.tls]

    @property
    def server(self) -> str:
        """``host:port``, for messages and the log."""
        return f"{self.host}:{self.effective_port}"

    @property
    def max_attachment(self) -> int:
        """The attachment limit in bytes."""
        return int(self.max_attachment_mb * 1024 * 1024)

    @property
    def token_source(self) -> str:
        """Where an XOAUTH2 token comes from, for messages: ``token_command`` or ``msal``."""
        return "token_command" if self.token_command else "msal"

    def _at(self, key: str) -> str:
        return self.where.get(key, f"[smtp] {key}")

    def with_credentials(self, env: Mapping[str, str] | None = None, *,
                         notify: Callable[[str], None] | None = None) -> "SmtpSettings":
        """Check that the settings can send, and fill in the password or, for ``auth =
        "xoauth2"``, the access token (running ``token_command`` or MSAL now; ``notify`` shows
        MSAL's device-code sign-in instruction, on stderr by default).

        Raises :class:`MailInputError` when a user is set but no password is found, when a
        login would go over a connection without TLS to a non-loopback host, or for a token
        setting that cannot work, and :class:`~briefgen.errors.DeliveryError` when the token
        command or Microsoft's identity platform fails (see :mod:`briefgen.deliver.smtp_auth`)."""
        env = os.environ if env is None else env
        if not self.user:
            return self
        if self.tls == "none" and not _is_loopback(self.host):
            secret = "token" if self.auth == "xoauth2" else "password"
            raise MailInputError(f"refusing to log in to {self.server} without TLS (tls = \"none\"): "
                                 f"the {secret} would cross the network in clear text; use tls = "
                                 f"\"starttls\" or \"implicit\"")
        if self.auth == "xoauth2":
            return dataclasses.replace(self, token=self._token(env, notify))
        password = env.get(PASSWORD_ENV) or _keyring_password(self.user)
        if not password:
            raise MailInputError(f"SMTP user {self.user!r} is set but no password was found: set "
                                 f"{PASSWORD_ENV} or store it with 'keyring set {KEYRING_SERVICE} {self.user}' "
                                 f"(passwords are never read from files)")
        return dataclasses.replace(self, password=password)

    def _token(self, env: Mapping[str, str], notify: Callable[[str], None] | None) -> str:
        if self.token_command:
            return token_from_command(self.token_command, timeout=self.timeout, where=self._at("token_command"))
        if not self.msal_client_id:  # load_settings checks this; settings made in code may not be
            raise MailInputError(f"{self._at('auth')}: auth = \"xoauth2\" needs token_command or msal_client_id")
        secret = env.get(CLIENT_SECRET_ENV) or (_keyring_password(self.msal_client_id)
                                                if self.msal_flow == "client_credentials" else None)
        return token_from_msal(client_id=self.msal_client_id, tenant=self.msal_tenant or "organizations",
                               flow=self.msal_flow, secret=secret, where=self._at("msal_client_id"),
                               notify=notify or _to_stderr)


def _to_stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _is_loopback(host: str) -> bool:
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _keyring_password(user: str) -> str | None:
    try:
        import keyring  # optional dependency
    except ImportError:
        return None
    try:
        return keyring.get_password(KEYRING_SERVICE, user)
    except Exception:  # no usable backend: behave as if nothing is stored
        return None


def load_settings(config: Path | None = None, *, root: Path | None = None,
                  env: Mapping[str, str] | None = None) -> SmtpSettings:
    """Settings from defaults, the ``[smtp]`` table of ``config`` (or ``root/briefgen.toml``
    when it exists) and the ``BRIEFGEN_SMTP_*`` environment variables.

    Raises :class:`~briefgen.deliver.smtp_values.SmtpSettingsError` (a
    :class:`MailInputError` and a :class:`~briefgen.errors.SpecError`, exit code 2) listing
    every problem, each located at its file, line, column and key (or its environment
    variable), and :class:`MailInputError` for a ``config`` file that does not exist or cannot be read."""
    import tomllib

    from briefgen.load.yamlsrc import display_path

    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    problems: list[Problem] = []
    origin = "defaults"
    path = config
    if path is None and root is not None and (root / CONFIG_NAME).is_file():
        path = root / CONFIG_NAME
    if path is not None:
        shown = display_path(Path(path))
        try:
            text = read_regular(path).decode("utf-8")  # a FIFO or device: refused, not waited on
            data = tomllib.loads(text)
        except FileNotFoundError:
            raise MailInputError(f"SMTP config file {path} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise MailInputError(f"cannot read SMTP config file {path}: {why}") from None
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"at line (\d+), column (\d+)", str(exc))
            line, col = (int(found[1]), int(found[2])) if found else (0, 0)
            raise SmtpSettingsError([Problem(shown, line, col, "(document)", "not valid TOML: " + re.sub(
                r"\s*\(at line \d+, column \d+\)$", "", str(exc)), code="toml-syntax")]) from None
        table = data.get("smtp", {})
        if not isinstance(table, dict):
            line, col = key_position(text, None, "smtp")
            if not line:
                line, col = key_position(text, "", "smtp")  # smtp = 3 before any table
            raise SmtpSettingsError([Problem(shown, line, col, "smtp", "'smtp' must be a table ([smtp])",
                                             code="bad-type")])
        for key, value in table.items():
            where = file_origin(shown, text, key)
            if key in _SECRETS:
                problems.append(where.problem(_SECRETS[key], code="secret-in-file"))
            elif key not in _KEYS:
                problems.append(where.problem(f"unknown key {key!r} in [smtp]", expected=", ".join(_KEYS),
                                              suggestion=did_you_mean(key, _KEYS) or "", code="unknown-key"))
            else:
                values[key], origins[key] = value, where
        origin = str(path)
    for key, var in ENV.items():
        if env.get(var, "").strip():
            values[key], origins[key] = env[var].strip(), env_origin(var, key)
            origin += f" + {var}"
    settings = SmtpSettings(origin=origin)
    for key, value in values.items():
        try:
            apply_value(settings, key, value, base=Path(path).parent if path is not None else Path.cwd())
        except BadValue as exc:
            problems.append(exc.problem(origins[key]))
        settings.where[key] = origins[key].label
    problems += [] if problems else auth_problems(settings, origins)
    if problems:  # in the order of the file, the environment's last
        raise SmtpSettingsError(sorted(problems, key=lambda p: (p.line == 0, p.line, p.column)))
    return settings


# --------------------------------------------------------------------------- one message
class UnrecordedDelivery(DeliveryError):
    """A transaction the server took (or whose outcome is unknown: ``transaction.unknown``)
    could not be written to the send log; ``transaction`` says to whom it went."""

    def __init__(self, message: str, transaction: Transaction):
        super().__init__(message)
        self.transaction = transaction


def deliver(out: "Outgoing", settings: SmtpSettings, *, out_dir: Path, all_or_nothing: bool = False,
            resend: bool = False, resend_unknown: bool = False,
            sleep: Callable[[float], None] = time.sleep) -> SendReport:
    """Send one composed :class:`~briefgen.deliver.mail.Outgoing`, recording at once in the
    send log each transaction the server took and each whose outcome is unknown (the message
    was transmitted, the final reply never came), and keeping the message as transmitted in
    ``<out>/sent/`` (:func:`briefgen.deliver.sendlog.keep_sent_copy`; the record's
    ``sent_eml``, null when it could not be written). Recipients that accepted this message
    before (same rerun key in the log) are skipped (``report.skipped``) unless ``resend``;
    those whose delivery is unknown (an earlier run's, or a damaged log line's) are skipped
    (``report.skipped_unknown``) unless ``resend`` or ``resend_unknown``. When that leaves
    nobody, nothing is sent (no results). ``settings`` as for :func:`send_message`. Raises
    what :func:`send_message` raises, and :class:`~briefgen.errors.DeliveryError` when a
    delivered (or maybe delivered) message cannot be recorded."""
    everyone = out.addressing.recipients
    before = PreviousSends() if resend else previous_sends(out_dir, out.rerun_key, everyone, message_id=out.message_id)
    if resend_unknown:
        before.unknown = set()
    skipped = [r for r in everyone if r.lower() in before.accepted]
    unknown = [r for r in everyone if r.lower() in before.unknown]
    todo = [r for r in everyone if r.lower() not in before.accepted | before.unknown]
    if not todo:
        note = "every recipient accepted this message before" if not unknown else \
            "every recipient accepted this message before or may have it (outcome unknown)"
        return SendReport(out.message_id, settings.server, [], delivered=False, skipped=skipped,
                          skipped_unknown=unknown, note=f"{note} (see {out_dir / LOG_NAME})")

    kept: list[Path | None] = []

    def record(tx: Transaction) -> None:
        if not kept:  # the message as transmitted, kept once whatever later replaces its .eml
            from briefgen.deliver.mail import message_bytes, wire_copy

            try:
                data = message_bytes(wire_copy(out.message))  # the bytes send_message transmitted
                kept.append(keep_sent_copy(out_dir, out.eml_path, out.message_id, data))
            except OSError:
                kept.append(None)  # the delivery stands and is logged; the log says no copy was kept
        try:
            append_log(out_dir, log_record(out, accepted=[] if tx.unknown else tx.accepted, results=tx.results,
                                           attempt=tx.attempt, server=settings.server, tls=settings.tls,
                                           unknown=tx.accepted if tx.unknown else (), sent_eml=kept[0]))
        except Exception as exc:
            what = "MAY HAVE BEEN sent (outcome unknown)" if tx.unknown else "WAS sent"
            raise UnrecordedDelivery(f"the message {out.message_id} for audience {out.audience!r} {what} "
                                     f"(to {', '.join(tx.accepted)}) but could not be recorded in "
                                     f"{out_dir / LOG_NAME}: {exc}", tx) from None

    report = send_message(out.message, settings, envelope_from=settings.sender or out.addressing.sender.addr_spec,
                          recipients=todo, roles=out.addressing.roles(), all_or_nothing=all_or_nothing,
                          on_delivered=record, sleep=sleep)
    report.skipped = skipped
    report.skipped_unknown = unknown
    return report
