"""Real SMTP servers for the email tests (aiosmtpd on 127.0.0.1, an OS-chosen free port).

* :func:`smtp_server`: plain SMTP that records every message it accepts;
* :func:`starttls_server`: requires STARTTLS (throw-away self-signed certificate made with
  ``cryptography`` at test time) and a login (user ``briefgen``, password ``s3cret-pw``);
* :func:`tls_server`: implicit TLS (SMTPS) with the same certificate;
* :func:`refusing_server`: refuses ``archive@example.org`` with ``550 5.1.1``;
* :func:`xoauth2_server`: STARTTLS and ``AUTH XOAUTH2`` only: user ``briefgen`` with the
  token ``TOKEN`` is let in, any other token gets Google's error challenge, then ``535``;
* :func:`busy_server`: a server whose temporary refusals (``451``) a test scripts through
  its handler's ``busy_rcpt`` (address -> how many RCPTs to refuse) and ``busy_data`` (how
  many DATAs to refuse), and lasting refusals through ``reject_data`` (554); ``data_delay`` makes
  any server slow to answer a message;
* :func:`down_port`: a loopback port nothing listens on.

tests/conftest.py registers this module as a pytest plugin, so every test can ask for these fixtures;
import only the constants and plain helpers (``from smtp_server import HOST, plain_settings``);
the fixture ``no_smtp_env`` clears the SMTP settings the machine running the tests may have.
Only loopback addresses are used.
"""

from __future__ import annotations

import datetime as _dt
import email
import email.policy
import ipaddress
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"
USER, PASSWORD = "briefgen", "s3cret-pw"
REFUSED = "archive@example.org"
TOKEN = "ya29.good-access-token"
BUSY = "451 4.3.0 Mailbox temporarily unavailable, try again later"


@pytest.fixture
def no_smtp_env(monkeypatch):
    """No SMTP setting or password from the environment, and no SOURCE_DATE_EPOCH."""
    from briefgen.deliver import smtp

    for var in (*smtp.ENV.values(), smtp.PASSWORD_ENV, "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(var, raising=False)


def plain_settings(server, **kw):
    """Settings for ``server`` without TLS, a 10 s timeout and quick retries."""
    from briefgen.deliver import smtp

    return smtp.SmtpSettings(host=server.host, port=server.port, tls="none", timeout=10, retry_delay=0.01, **kw)


@dataclass
class Received:
    """One message as the server got it: envelope and raw bytes."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.data, policy=email.policy.default)


@dataclass
class RecordingHandler:
    """Accepts every recipient except those in ``refuse`` (550), and records messages.
    ``busy_rcpt`` (address -> count) and ``busy_data`` (count) answer that many RCPTs of the
    address, or DATAs, with :data:`BUSY` (451) first; ``reject_data`` that many DATAs with 554
    (for good); ``drop_after_data`` that many messages are kept, then the connection is closed
    before the 250 reaches the client (the outcome is unknown to it)."""

    refuse: set[str] = field(default_factory=set)
    messages: list[Received] = field(default_factory=list)
    rcpt_attempts: list[str] = field(default_factory=list)
    tls_seen: list[bool] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)
    busy_rcpt: dict[str, int] = field(default_factory=dict)
    busy_data: int = 0
    reject_data: int = 0
    drop_after_data: int = 0
    data_attempts: int = 0
    data_delay: float = 0.0
    """Seconds the server takes to answer each message's final dot (a slow server)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_attempts.append(address)
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        if self.busy_rcpt.get(address.lower(), 0) > 0:
            self.busy_rcpt[address.lower()] -= 1
            return BUSY
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.data_attempts += 1
        if self.busy_data > 0:
            self.busy_data -= 1
            return BUSY
        if self.reject_data > 0:
            self.reject_data -= 1
            return "554 5.6.0 Message rejected by policy"
        if self.data_delay:
            import asyncio

            await asyncio.sleep(self.data_delay)
        self.tls_seen.append(server.transport.get_extra_info("ssl_object") is not None)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        if self.drop_after_data > 0:  # queued, but the connection drops before the 250 leaves
            self.drop_after_data -= 1
            server.transport.close()
        return "250 2.0.0 Message accepted for delivery"

    def received_by(self, address: str) -> int:
        """How many copies of any message the server took for ``address``."""
        return sum(m.rcpt_tos.count(address) for m in self.messages)


@dataclass
class XOAuth2Handler(RecordingHandler):
    """Also offers ``AUTH XOAUTH2`` (aiosmtpd calls a handler's ``auth_<MECHANISM>``): the
    SASL string ``user=U^Aauth=Bearer T^A^A`` is let in for :data:`USER` and :data:`TOKEN`;
    any other gets a 334 challenge with a base64 JSON error (as Gmail sends), then 535."""

    async def auth_XOAUTH2(self, server, args):
        import base64
        import json

        if len(args) < 2:
            raw = await server.challenge_auth("")
        else:
            raw = base64.b64decode(args[1])
        fields = dict(part.split("=", 1) for part in raw.decode().split("\x01") if "=" in part)
        user, bearer = fields.get("user", ""), fields.get("auth", "")
        self.logins.append(user)
        if user == USER and bearer == f"Bearer {TOKEN}":
            return AuthResult(success=True, auth_data=user)
        status = json.dumps({"status": "401", "schemes": "bearer", "scope": "https://mail.google.com/"})
        await server.challenge_auth(status)  # the client answers with an empty line
        return AuthResult(success=False, handled=False, message="535 5.7.8 Username and Password not accepted")


class _Controller(Controller):
    """aiosmtpd's threaded controller, bound to port 0: the OS picks a free port."""

    def _trigger_server(self):
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class Server:
    host: str
    port: int
    handler: RecordingHandler
    cafile: Path | None = None

    @property
    def messages(self) -> list[Received]:
        return self.handler.messages


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = (isinstance(auth_data, LoginPassword)
          and auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode())
    return AuthResult(success=ok, handled=False)


def _serve(handler: RecordingHandler, **kwargs) -> Iterator[_Controller]:
    controller = _Controller(handler, hostname=HOST, port=0, server_hostname="mx.test.invalid",
                             ready_timeout=10, **kwargs)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


# --------------------------------------------------------------------------- certificate
def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A throw-away self-signed certificate for localhost / 127.0.0.1 (cert.pem, key.pem)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "briefgen test SMTP")])
    now = _dt.datetime.now(_dt.UTC)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - _dt.timedelta(minutes=5)).not_valid_after(now + _dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address(HOST))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture(scope="session")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("tls"))


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(*map(str, certificate))
    return ctx


# --------------------------------------------------------------------------- fixtures
@pytest.fixture
def smtp_server() -> Iterator[Server]:
    handler = RecordingHandler()
    for c in _serve(handler):
        yield Server(HOST, c.port, handler)


@pytest.fixture
def refusing_server() -> Iterator[Server]:
    handler = RecordingHandler(refuse={REFUSED})
    for c in _serve(handler):
        yield Server(HOST, c.port, handler)


@pytest.fixture
def starttls_server(certificate) -> Iterator[Server]:
    handler = RecordingHandler()
    for c in _serve(handler, tls_context=_server_context(certificate), require_starttls=True,
                    authenticator=_authenticator, auth_required=True, auth_require_tls=True):
        yield Server(HOST, c.port, handler, cafile=certificate[0])


@pytest.fixture
def tls_server(certificate) -> Iterator[Server]:
    handler = RecordingHandler()
    for c in _serve(handler, ssl_context=_server_context(certificate)):
        yield Server(HOST, c.port, handler, cafile=certificate[0])


@pytest.fixture
def xoauth2_server(certificate) -> Iterator[Server]:
    handler = XOAuth2Handler()
    for c in _serve(handler, tls_context=_server_context(certificate), require_starttls=True,
                    auth_required=True, auth_require_tls=True, auth_exclude_mechanism=["LOGIN", "PLAIN"]):
        yield Server(HOST, c.port, handler, cafile=certificate[0])


@pytest.fixture
def busy_server() -> Iterator[Server]:
    handler = RecordingHandler()
    for c in _serve(handler):
        yield Server(HOST, c.port, handler)


@pytest.fixture
def down_port() -> int:
    """A loopback port with no server behind it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]
