"""Send composed briefings through an SMTP server, report per recipient, keep a send log.

Settings (:func:`load_settings`), lowest to highest precedence:

1. built-in defaults;
2. the ``[smtp]`` table of a TOML file: ``--smtp-config PATH`` when given (it must exist),
   else ``briefgen.toml`` in the project root when it exists;
3. environment variables ``BRIEFGEN_SMTP_HOST``, ``BRIEFGEN_SMTP_PORT``,
   ``BRIEFGEN_SMTP_TLS``, ``BRIEFGEN_SMTP_USER``, ``BRIEFGEN_SMTP_FROM``,
   ``BRIEFGEN_SMTP_CA_FILE``.

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
from                 envelope sender (MAIL FROM), and the From    (the message's From)
                     header of audiences without
                     ``distribution.from``
ca_file              PEM file of CA certificates to trust         (the system's CAs)
                     instead of the system's (private CA,
                     test server)
timeout              seconds to wait for the server               30
max_attachment_mb    PDFs larger than this many MiB are refused   10
                     unless ``--force``
==================== ============================================ ==========================

The password is never read from a file or the spec: only from the environment variable
``BRIEFGEN_SMTP_PASSWORD`` or, when that is unset and the optional ``keyring`` package is
installed, from the system keyring (service ``briefgen-smtp``, user name = ``user``:
``keyring set briefgen-smtp USER``). A ``password`` key in the config file is an error. The
password is never printed, logged or shown in ``repr``.

Delivery (:func:`deliver`, through :func:`briefgen.deliver.smtp_client.send_message`): one
connection per message; MAIL FROM, then RCPT TO for every recipient (To, Cc and Bcc), each
answer kept in a :class:`~briefgen.deliver.smtp_client.SendReport`. When some recipients are
refused the message still goes to the accepted ones (as any mail client does) unless
``all_or_nothing``; either way the report lists each refusal and the command exits 1.
``Bcc`` is never transmitted in the headers.

Send log (:func:`append_log`): each message the server accepted for at least one recipient
is recorded as one JSON line in ``<out>/sent-log.jsonl`` (time, briefing, audience, banner,
subject, Message-ID, From, To/Cc/Bcc, accepted and refused recipients, server, PDF path,
size, pages and SHA-256), appended under a file lock (``filelock``) with a single write.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefgen.deliver.addresses import MailInputError, parse_address
from briefgen.deliver.smtp_client import SendReport, send_message
from briefgen.errors import DeliveryError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.deliver.mail import Outgoing

CONFIG_NAME = "briefgen.toml"
"""Config file looked for in the project root."""

LOG_NAME = "sent-log.jsonl"
"""Send log file name, in the output folder."""

KEYRING_SERVICE = "briefgen-smtp"
"""Keyring service name under which the SMTP password is stored (user name = ``user``)."""

TLS_MODES = ("starttls", "implicit", "none")
DEFAULT_PORTS = {"starttls": 587, "implicit": 465, "none": 25}
ENV = {"host": "BRIEFGEN_SMTP_HOST", "port": "BRIEFGEN_SMTP_PORT", "tls": "BRIEFGEN_SMTP_TLS",
       "user": "BRIEFGEN_SMTP_USER", "from": "BRIEFGEN_SMTP_FROM", "ca_file": "BRIEFGEN_SMTP_CA_FILE"}
PASSWORD_ENV = "BRIEFGEN_SMTP_PASSWORD"
_KEYS = ("host", "port", "tls", "user", "from", "ca_file", "timeout", "max_attachment_mb")


# --------------------------------------------------------------------------- settings
@dataclass
class SmtpSettings:
    """Where and how to send (see the module doc for every key). ``password`` is filled by
    :meth:`with_password` only, and never shown."""

    host: str = "localhost"
    port: int | None = None
    tls: str = "starttls"
    user: str | None = None
    sender: str | None = None
    ca_file: Path | None = None
    timeout: float = 30.0
    max_attachment_mb: float = 10.0
    origin: str = "defaults"
    password: str | None = field(default=None, repr=False, compare=False)

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

    def with_password(self, env: Mapping[str, str] | None = None) -> "SmtpSettings":
        """Check that the settings can send, and fill in the password when there is a user.

        Raises :class:`MailInputError` when a user is set but no password is found, or when
        a login would go over a connection without TLS to a non-loopback host."""
        env = os.environ if env is None else env
        if not self.user:
            return self
        if self.tls == "none" and not _is_loopback(self.host):
            raise MailInputError(f"refusing to log in to {self.server} without TLS (tls = \"none\"): "
                                 f"the password would cross the network in clear text; use tls = "
                                 f"\"starttls\" or \"implicit\"")
        password = env.get(PASSWORD_ENV) or _keyring_password(self.user)
        if not password:
            raise MailInputError(f"SMTP user {self.user!r} is set but no password was found: set "
                                 f"{PASSWORD_ENV} or store it with 'keyring set {KEYRING_SERVICE} {self.user}' "
                                 f"(passwords are never read from files)")
        return dataclasses.replace(self, password=password)


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

    Raises :class:`MailInputError` (exit code 2) naming the file, key and problem."""
    import tomllib

    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    origin = "defaults"
    path = config
    if path is None and root is not None and (root / CONFIG_NAME).is_file():
        path = root / CONFIG_NAME
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise MailInputError(f"SMTP config file {path} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise MailInputError(f"cannot read SMTP config file {path}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise MailInputError(f"{path}: not valid TOML: {exc}") from None
        table = data.get("smtp", {})
        if not isinstance(table, dict):
            raise MailInputError(f"{path}: 'smtp' must be a table ([smtp])")
        for key, value in table.items():
            if key == "password":
                raise MailInputError(f"{path}: [smtp] password: passwords are never read from files; "
                                     f"remove it and set {PASSWORD_ENV} or use the keyring "
                                     f"('keyring set {KEYRING_SERVICE} USER')")
            if key not in _KEYS:
                hint = did_you_mean(key, _KEYS)
                raise MailInputError(f"{path}: [smtp] unknown key {key!r}"
                                     + (f"; did you mean {hint!r}?" if hint else f" (keys: {', '.join(_KEYS)})"))
            values[key] = (value, f"{path}: [smtp] {key}")
        origin = str(path)
    for key, var in ENV.items():
        if env.get(var, "").strip():
            values[key] = (env[var].strip(), f"environment variable {var}")
            origin += f" + {var}"
    settings = SmtpSettings(origin=origin)
    for key, (value, where) in values.items():
        _apply(settings, key, value, where, base=Path(path).parent if path is not None else Path.cwd())
    return settings


def _apply(s: SmtpSettings, key: str, value: Any, where: str, base: Path) -> None:
    def bad(expected: str) -> MailInputError:
        return MailInputError(f"{where}: expected {expected}, got {value!r}")

    if key in ("host", "user", "from", "ca_file", "tls") and not isinstance(value, str):
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
    elif key == "tls":
        mode = value.strip().lower()
        if mode not in TLS_MODES:
            hint = did_you_mean(mode, TLS_MODES)
            raise MailInputError(f"{where}: expected one of {', '.join(TLS_MODES)}, got {value!r}"
                                 + (f"; did you mean {hint!r}?" if hint else ""))
        s.tls = mode
    elif key == "user":
        s.user = value.strip() or None
    elif key == "from":
        parse_address(value, where=where)
        s.sender = value.strip()
    elif key == "ca_file":
        p = Path(value).expanduser()
        p = p if p.is_absolute() else base / p
        if not p.is_file():
            raise MailInputError(f"{where}: CA file {p} does not exist")
        s.ca_file = p
    elif key in ("timeout", "max_attachment_mb"):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise bad("a positive number")
        setattr(s, key, float(value))


# --------------------------------------------------------------------------- the log
def log_record(out: "Outgoing", report: SendReport, settings: SmtpSettings, *,
               when: datetime | None = None) -> dict[str, Any]:
    """The send-log entry of one delivered message."""
    r = out.result
    a = out.addressing
    when = when or datetime.now(UTC)
    return {
        "time": when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        "briefing": r.briefing_id,
        "audience": out.audience,
        "banner": out.banner.label,
        "subject": out.subject,
        "message_id": report.message_id,
        "date": str(out.message["Date"]),
        "from": a.sender.addr_spec,
        "to": [x.addr_spec for x in a.to],
        "cc": [x.addr_spec for x in a.cc],
        "bcc": [x.addr_spec for x in a.bcc],
        "accepted": report.accepted,
        "refused": {x.address: f"{x.code} {x.reply}".strip() for x in report.refused},
        "server": report.server,
        "tls": settings.tls,
        "pdf": str(r.pdf_path),
        "pdf_sha256": r.sha256,
        "pdf_bytes": r.size,
        "pages": r.pages,
        "eml": str(out.eml_path),
    }


def append_log(out_dir: Path, record: Mapping[str, Any]) -> Path:
    """Append ``record`` as one JSON line to ``out_dir/sent-log.jsonl`` under a file lock,
    in a single ``O_APPEND`` write, flushed to disk. Returns the log's path."""
    from filelock import FileLock

    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / LOG_NAME
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8")
    with FileLock(str(path.with_name(f".{path.name}.lock")), timeout=60):  # hidden beside the log
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            os.fsync(fd)
        finally:
            os.close(fd)
    return path


def read_log(out_dir: Path) -> list[dict[str, Any]]:
    """Every entry of ``out_dir/sent-log.jsonl`` (empty when there is none)."""
    path = out_dir / LOG_NAME
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def deliver(out: "Outgoing", settings: SmtpSettings, *, out_dir: Path,
            all_or_nothing: bool = False) -> SendReport:
    """Send one composed :class:`~briefgen.deliver.mail.Outgoing` and, when the server took it,
    append its record to the send log. ``settings`` as for :func:`send_message`."""
    report = send_message(out.message, settings, envelope_from=settings.sender or out.addressing.sender.addr_spec,
                          recipients=out.addressing.recipients, roles=out.addressing.roles(),
                          all_or_nothing=all_or_nothing)
    if report.delivered:
        try:
            append_log(out_dir, log_record(out, report, settings))
        except Exception as exc:
            raise DeliveryError(f"the message {report.message_id} for audience {out.audience!r} WAS sent "
                                f"(to {', '.join(report.accepted)}) but could not be recorded in "
                                f"{out_dir / LOG_NAME}: {exc}") from None
    return report
