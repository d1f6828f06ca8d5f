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

Delivery (:func:`send_message`): one connection per message; MAIL FROM, then RCPT TO for
every recipient (To, Cc and Bcc), each answer kept in a :class:`SendReport`. When some
recipients are refused the message still goes to the accepted ones (as any mail client
does) unless ``all_or_nothing``; either way the report lists each refusal and the command
exits 1. ``Bcc`` is never transmitted in the headers.

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
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from briefgen.deliver.addresses import MailInputError, parse_address
from briefgen.errors import DeliveryError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from email.message import EmailMessage

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


# --------------------------------------------------------------------------- sending
@dataclass(frozen=True)
class RecipientResult:
    """What the server answered to ``RCPT TO`` for one address."""

    address: str
    role: str
    accepted: bool
    code: int
    reply: str

    def __str__(self) -> str:
        state = "accepted" if self.accepted else "REFUSED"
        return f"{self.address} ({self.role}): {state} {self.code} {self.reply}".rstrip()


@dataclass
class SendReport:
    """Per-recipient outcome of one message. ``delivered``: the server took the message
    (for the accepted recipients)."""

    message_id: str
    server: str
    results: list[RecipientResult]
    delivered: bool
    note: str = ""

    @property
    def accepted(self) -> list[str]:
        return [r.address for r in self.results if r.accepted]

    @property
    def refused(self) -> list[RecipientResult]:
        return [r for r in self.results if not r.accepted]

    @property
    def ok(self) -> bool:
        """Delivered to every recipient."""
        return self.delivered and not self.refused


def _context(settings: SmtpSettings):
    import ssl

    return ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)


def _reply(data: bytes | str) -> str:
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
    return " ".join(text.split())


def send_message(msg: "EmailMessage", settings: SmtpSettings, *, envelope_from: str | None = None,
                 recipients: list[str] | None = None, roles: Mapping[str, str] | None = None,
                 all_or_nothing: bool = False) -> SendReport:
    """Send ``msg`` (its ``Bcc`` header removed) to ``recipients`` (default: every address in
    To, Cc and Bcc) from ``envelope_from`` (default: ``settings.sender``, else the From
    address). ``settings`` must come from :meth:`SmtpSettings.with_password` when it has a user.

    Returns a :class:`SendReport` (refused recipients are reported, not raised). Raises
    :class:`DeliveryError` when the server cannot be reached, TLS or login fails, or the
    server refuses the sender or the message: nothing was delivered then."""
    import smtplib
    import socket
    import ssl
    from email.utils import getaddresses

    from briefgen.deliver.mail import message_bytes, wire_copy

    if recipients is None:
        pairs = getaddresses([str(v) for h in ("To", "Cc", "Bcc") for v in msg.get_all(h, [])])
        recipients = list(dict.fromkeys(a for _, a in pairs if a))
    if not recipients:
        raise MailInputError("the message has no recipients")
    if envelope_from is None:
        envelope_from = settings.sender or msg["From"].addresses[0].addr_spec
    if settings.user and settings.password is None:
        raise MailInputError("internal: settings.with_password() was not called before sending")
    roles = roles or {}
    data = message_bytes(wire_copy(msg))
    server = settings.server
    msgid = str(msg.get("Message-ID", ""))
    client = None
    try:
        try:
            if settings.tls == "implicit":
                client = smtplib.SMTP_SSL(settings.host, settings.effective_port, timeout=settings.timeout,
                                          context=_context(settings))
            else:
                client = smtplib.SMTP(settings.host, settings.effective_port, timeout=settings.timeout)
            client.ehlo()
            if settings.tls == "starttls":
                if not client.has_extn("starttls"):
                    raise DeliveryError(f"SMTP server {server} does not offer STARTTLS; refusing to send "
                                        f"in clear text (tls = \"none\" is for a local relay only)")
                client.starttls(context=_context(settings))
                client.ehlo()
            if settings.user:
                client.login(settings.user, settings.password or "")
            options = [f"SIZE={len(data)}"] if client.has_extn("size") else []
            code, resp = client.mail(envelope_from, options)
            if code != 250:
                client.rset()
                raise DeliveryError(f"SMTP server {server} refused the sender {envelope_from}: {code} {_reply(resp)}; "
                                    f"this message was not sent")
            results = []
            for rcpt in recipients:
                code, resp = client.rcpt(rcpt)
                results.append(RecipientResult(rcpt, roles.get(rcpt, ""), code in (250, 251), code, _reply(resp)))
            report = SendReport(msgid, server, results, delivered=False)
            if not report.accepted:
                client.rset()
                report.note = "the server refused every recipient; nothing was sent"
                return report
            if report.refused and all_or_nothing:
                client.rset()
                report.note = "some recipients were refused and all-or-nothing is set; nothing was sent"
                return report
            code, resp = client.data(data)
            if code != 250:
                raise DeliveryError(f"SMTP server {server} refused the message: {code} {_reply(resp)}; this message was not sent")
            report.delivered = True
            if report.refused:
                report.note = f"sent to {len(report.accepted)} of {len(results)} recipients"
            try:
                client.quit()
            except (smtplib.SMTPException, OSError):
                pass  # the message was accepted already
            client = None
            return report
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(f"SMTP server {server} refused the login of user {settings.user!r}: "
                                f"{exc.smtp_code} {_reply(exc.smtp_error)}; this message was not sent") from None
        except smtplib.SMTPNotSupportedError as exc:
            raise DeliveryError(f"SMTP server {server}: {exc}; this message was not sent") from None
        except smtplib.SMTPServerDisconnected as exc:
            raise DeliveryError(f"SMTP server {server} closed the connection ({exc or 'no reason given'}); "
                                f"this message was not sent") from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(f"SMTP server {server} answered {exc.smtp_code} {_reply(exc.smtp_error)}; "
                                f"this message was not sent") from None
        except smtplib.SMTPException as exc:
            raise DeliveryError(f"SMTP error with {server}: {exc}; this message was not sent") from None
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(f"the TLS certificate of SMTP server {server} could not be verified "
                                f"({exc.verify_message or exc}); set ca_file for a private CA; this message was not sent") from None
        except ssl.SSLError as exc:
            hint = " (is the port right for tls = \"implicit\"?)" if settings.tls == "implicit" else ""
            raise DeliveryError(f"TLS with SMTP server {server} failed: {exc.reason or exc}{hint}; this message was not sent") from None
        except ConnectionRefusedError:
            raise DeliveryError(f"cannot connect to SMTP server {server}: connection refused (is the server "
                                f"running, and are host and port right? settings from {settings.origin}); "
                                f"this message was not sent") from None
        except socket.gaierror as exc:
            raise DeliveryError(f"cannot resolve SMTP host {settings.host!r}: {exc.strerror or exc}; this message was not sent") from None
        except (TimeoutError, socket.timeout):
            raise DeliveryError(f"SMTP server {server} did not answer within {settings.timeout:g} s; "
                                f"this message was not sent") from None
        except OSError as exc:
            raise DeliveryError(f"cannot talk to SMTP server {server}: {exc.strerror or exc}; this message was not sent") from None
    finally:
        if client is not None:
            try:
                client.close()
            except OSError:
                pass


# --------------------------------------------------------------------------- the log
def log_record(out: "Outgoing", report: SendReport, settings: SmtpSettings, *,
               when: datetime | None = None) -> dict[str, Any]:
    """The send-log entry of one delivered message."""
    r = out.result
    a = out.addressing
    when = when or datetime.now(timezone.utc)
    return {
        "time": when.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z"),
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
