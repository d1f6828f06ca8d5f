"""Real SMTP servers for the email tests (aiosmtpd on 127.0.0.1, an OS-chosen free port).

* :func:`smtp_server`: plain SMTP that records every message it accepts;
* :func:`starttls_server`: requires STARTTLS (throw-away self-signed certificate made with
  ``cryptography`` at test time) and a login (user ``briefgen``, password ``s3cret-pw``);
* :func:`tls_server`: implicit TLS (SMTPS) with the same certificate;
* :func:`refusing_server`: refuses ``archive@example.org`` with ``550 5.1.1``;
* :func:`down_port`: a loopback port nothing listens on.

Import the fixtures into a test module: ``from smtp_server import smtp_server  # noqa: F401``.
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
    """Accepts every recipient except those in ``refuse`` (550), and records messages."""

    refuse: set[str] = field(default_factory=set)
    messages: list[Received] = field(default_factory=list)
    rcpt_attempts: list[str] = field(default_factory=list)
    tls_seen: list[bool] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_attempts.append(address)
        if address.lower() in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        self.tls_seen.append(server.transport.get_extra_info("ssl_object") is not None)
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 2.0.0 Message accepted for delivery"


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
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
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
def down_port() -> int:
    """A loopback port with no server behind it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]
