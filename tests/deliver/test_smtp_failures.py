"""Every way a send can fail, and the message each gives: a scripted SMTP client stands in for
the server, so each exception and refusal is reached at each step (connect, TLS, login,
envelope, data). The real-server tests are in test_smtp.py."""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage

import pytest

from briefgen.deliver import smtp, smtp_client
from briefgen.deliver.addresses import MailInputError
from briefgen.errors import DeliveryError

SERVER = "mail.example.org:587"
NOT_SENT = "; this message was not sent"


def cert_error() -> ssl.SSLCertVerificationError:
    exc = ssl.SSLCertVerificationError(1, "certificate verify failed")
    exc.verify_message = "self-signed certificate"
    return exc


def ssl_error() -> ssl.SSLError:
    exc = ssl.SSLError(1, "wrong version number")
    exc.reason = "WRONG_VERSION_NUMBER"
    return exc


class Script:
    """What the fake server does: ``fail`` maps a step (connect, ehlo, starttls, login, mail,
    rcpt, rset, data (the DATA command), transmit (the message), reply (the final reply to
    it), quit) to the exception it raises (a list: one per call, None for none); ``codes`` to
    the reply code it gives (a list: one per call, the last one repeated; ``datacmd``: the
    DATA command's, ``data``: the final reply's);
    ``busy`` maps an address to how many RCPTs of it are answered 451 first."""

    def __init__(self, fail=None, codes=None, extensions=("starttls", "size"), busy=None):
        self.fail = fail or {}
        self.codes = {"mail": 250, "datacmd": 354, "data": 250, **(codes or {})}
        self.extensions = extensions
        self.busy = dict(busy or {})
        self.calls: list[str] = []
        self.closed = False
        self.delivered: list[list[str]] = []  # the envelope of each DATA answered 250
        self.sent: list[bytes] = []  # what was transmitted after DATA

    def code(self, step: str) -> int:
        codes = self.codes[step]
        if isinstance(codes, list):
            return codes.pop(0) if len(codes) > 1 else codes[0]
        return codes

    def failure(self, step: str):
        exc = self.fail.get(step)
        if isinstance(exc, list):
            return exc.pop(0) if exc else None
        return exc


def fake_client(script: Script):
    class Client:
        def __init__(self, host, port, timeout=None, context=None):
            self._step("connect")

        def _step(self, name):
            script.calls.append(name)
            exc = script.failure(name)
            if exc is not None:
                raise exc

        def ehlo(self):
            self._step("ehlo")

        def has_extn(self, name):
            return name in script.extensions

        def starttls(self, context=None):
            self._step("starttls")

        def login(self, user, password):
            self._step("login")

        def mail(self, sender, options=()):
            self._step("mail")
            self.envelope = []
            return script.code("mail"), b"sender  reply"

        def rcpt(self, address):
            self._step("rcpt")
            if script.busy.get(address, 0) > 0:
                script.busy[address] -= 1
                return 451, b"4.3.0  try later"
            code = 550 if address.startswith("refused") else 250
            if code == 250:
                self.envelope.append(address)
            return code, b"5.1.1  no such user" if code == 550 else b"ok"

        def rset(self):
            self._step("rset")

        def docmd(self, cmd):
            self._step(cmd)
            return script.code("datacmd"), b"go  ahead"

        def send(self, data):
            self._step("transmit")
            script.sent.append(data)

        def getreply(self):
            self._step("reply")
            code = script.code("data")
            if code == 250:
                script.delivered.append(self.envelope)
            return code, b"message  reply"

        def quit(self):
            self._step("quit")

        def close(self):
            script.closed = True

    return Client


def message(*to: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "desk@example.org"
    msg["To"] = ", ".join(to or ("a@example.org",))
    msg["Message-ID"] = "<1@example.org>"
    msg["Subject"] = "test"
    msg.set_content("body")
    return msg


def send(monkeypatch, script: Script, *, tls="starttls", user="desk", msg=None, tries=3,
         **kw) -> smtp_client.SendReport:
    monkeypatch.setattr(smtplib, "SMTP", fake_client(script))
    monkeypatch.setattr(smtplib, "SMTP_SSL", fake_client(script))
    monkeypatch.setattr(smtp_client, "_context", lambda settings: None)
    settings = smtp.SmtpSettings(host="mail.example.org", port=587, tls=tls, user=user, tries=tries, retry_delay=2,
                                 password="pw" if user else None, origin="briefgen.toml")
    kw.setdefault("sleep", SLEPT.append)
    return smtp.send_message(msg or message(), settings, **kw)


SLEPT: list[float] = []


@pytest.fixture(autouse=True)
def no_sleeping():
    """Waits between tries are recorded in SLEPT, not slept."""
    SLEPT.clear()
    yield


FAILURES = [
    ("login", smtplib.SMTPAuthenticationError(535, b"5.7.8  bad credentials"),
     f"SMTP server {SERVER} refused the login of user 'desk': 535 5.7.8 bad credentials"),
    ("mail", smtplib.SMTPNotSupportedError("SMTPUTF8 not supported by server"),
     f"SMTP server {SERVER}: SMTPUTF8 not supported by server"),
    ("ehlo", smtplib.SMTPServerDisconnected(""), f"SMTP server {SERVER} closed the connection (no reason given)"),
    ("data", smtplib.SMTPServerDisconnected("Connection unexpectedly closed"),
     f"SMTP server {SERVER} closed the connection (Connection unexpectedly closed)"),
    ("connect", smtplib.SMTPConnectError(554, b"no  service"), f"SMTP server {SERVER} answered 554 no service"),
    ("rcpt", smtplib.SMTPException("odd"), f"SMTP error with {SERVER}: odd"),
    ("starttls", cert_error(), f"the TLS certificate of SMTP server {SERVER} could not be verified "
                               f"(self-signed certificate); set ca_file for a private CA"),
    ("starttls", ssl_error(), f"TLS with SMTP server {SERVER} failed: WRONG_VERSION_NUMBER"),
    ("connect", ConnectionRefusedError(111, "Connection refused"),
     f"cannot connect to SMTP server {SERVER}: connection refused (is the server running, and are host and "
     f"port right? settings from briefgen.toml)"),
    ("connect", socket.gaierror(-2, "Name or service not known"),
     "cannot resolve SMTP host 'mail.example.org': Name or service not known"),
    ("mail", TimeoutError("timed out"), f"SMTP server {SERVER} did not answer within 30 s"),
    ("quit", TimeoutError("timed out"), None),  # after DATA was accepted: delivered
    ("data", OSError(104, "Connection reset by peer"),
     f"cannot talk to SMTP server {SERVER}: Connection reset by peer"),
]


@pytest.mark.parametrize("step, exc, expected", FAILURES, ids=[f"{s}-{type(e).__name__}" for s, e, _ in FAILURES])
def test_each_failure_has_its_message(monkeypatch, step, exc, expected) -> None:
    script = Script(fail={step: exc})
    if expected is None:
        assert send(monkeypatch, script).delivered
        return
    with pytest.raises(DeliveryError) as err:
        send(monkeypatch, script)
    assert str(err.value) == expected + NOT_SENT
    assert err.value.__suppress_context__ and err.value.__cause__ is None
    assert script.closed or step == "connect"


def test_implicit_tls_hint_on_a_tls_failure(monkeypatch) -> None:
    with pytest.raises(DeliveryError) as err:
        send(monkeypatch, Script(fail={"ehlo": ssl_error()}), tls="implicit")
    assert str(err.value) == (f"TLS with SMTP server {SERVER} failed: WRONG_VERSION_NUMBER "
                              f"(is the port right for tls = \"implicit\"?){NOT_SENT}")


def test_a_server_without_starttls_is_refused(monkeypatch) -> None:
    script = Script(extensions=("size",))
    with pytest.raises(DeliveryError) as err:
        send(monkeypatch, script)
    assert str(err.value) == (f"SMTP server {SERVER} does not offer STARTTLS; refusing to send in clear text "
                              f"(tls = \"none\" is for a local relay only)")
    assert script.calls == ["connect", "ehlo"] and script.closed


def test_refused_sender_and_refused_message(monkeypatch) -> None:
    script = Script(codes={"mail": 553})
    with pytest.raises(DeliveryError) as err:
        send(monkeypatch, script)
    assert str(err.value) == f"SMTP server {SERVER} refused the sender desk@example.org: 553 sender reply{NOT_SENT}"
    assert script.calls[-2:] == ["mail", "rset"]
    # the reset itself failing: the failure is reported, as the server's
    script = Script(codes={"mail": 553}, fail={"rset": smtplib.SMTPServerDisconnected("")})
    with pytest.raises(DeliveryError, match="closed the connection"):
        send(monkeypatch, script)
    with pytest.raises(DeliveryError) as err:
        send(monkeypatch, Script(codes={"data": 554}))
    assert str(err.value) == f"SMTP server {SERVER} refused the message: 554 message reply{NOT_SENT}"


def test_refused_recipients(monkeypatch) -> None:
    msg = message("a@example.org", "refused@example.org")
    script = Script()
    report = send(monkeypatch, script, msg=msg, roles={"a@example.org": "to"})
    assert report.delivered and not report.ok and report.accepted == ["a@example.org"]
    assert report.note == "sent to 1 of 2 recipients"
    assert [str(r) for r in report.results] == ["a@example.org (to): accepted 250 ok",
                                               "refused@example.org (): REFUSED 550 5.1.1 no such user"]
    assert script.calls == ["connect", "ehlo", "starttls", "ehlo", "login", "mail", "rcpt", "rcpt", "data", "transmit",
                            "reply", "quit"]
    script = Script()
    report = send(monkeypatch, script, msg=msg, all_or_nothing=True)
    assert not report.delivered and script.calls[-1] == "rset"
    assert report.note == "some recipients were refused and all-or-nothing is set; nothing was sent"
    report = send(monkeypatch, Script(), msg=message("refused@example.org"))
    assert not report.delivered and report.note == "the server refused every recipient; nothing was sent"


def test_plain_connection_without_login_and_bad_calls(monkeypatch) -> None:
    script = Script(extensions=())
    report = send(monkeypatch, script, tls="none", user=None)
    assert report.ok and script.calls == ["connect", "ehlo", "mail", "rcpt", "data", "transmit", "reply",
                                         "quit"]
    with pytest.raises(MailInputError, match="no recipients"):
        send(monkeypatch, Script(), msg=message(), recipients=[])
    # anything else (a bug, not a delivery problem) is not disguised
    with pytest.raises(ValueError, match="boom"):
        send(monkeypatch, Script(fail={"mail": ValueError("boom")}))


# --------------------------------------------------------------------------- temporary refusals (issue 15)
def test_a_busy_recipient_is_retried_with_backoff(monkeypatch) -> None:
    msg = message("a@example.org", "busy@example.org")
    script = Script(busy={"busy@example.org": 2})
    seen = []
    report = send(monkeypatch, script, msg=msg, on_delivered=seen.append)
    assert report.ok and report.attempts == 3 and report.accepted == ["a@example.org", "busy@example.org"]
    assert script.calls.count("rset") == 1 and script.calls.count("connect") == 3
    assert script.delivered == [["a@example.org"], ["busy@example.org"]]  # try 2: busy again, nothing sent
    assert SLEPT == [2, 4]  # retry_delay, doubled
    assert [(t.attempt, t.accepted) for t in seen] == [(1, ["a@example.org"]), (3, ["busy@example.org"])]
    assert str(seen[0].results[1]) == "busy@example.org (): TEMPORARILY REFUSED, RETRY LATER 451 4.3.0 try later"


def test_a_refusal_that_persists_is_temporary_not_refused(monkeypatch) -> None:
    msg = message("a@example.org", "busy@example.org")
    report = send(monkeypatch, Script(busy={"busy@example.org": 9}), msg=msg)
    assert report.delivered and not report.ok and report.attempts == 3
    assert report.refused == [] and [r.address for r in report.deferred] == ["busy@example.org"]
    assert report.deferred[0].state == "temporarily refused, retry later"
    assert report.note == "sent to 1 of 2 recipients; 1 temporarily refused after 3 tries, retry later"
    # every try refused: nothing was sent, and that is reported, not raised
    report = send(monkeypatch, Script(codes={"data": 451}), tries=2)
    assert not report.delivered and report.attempts == 2 and len(report.deferred) == 1
    assert report.note == "the server temporarily refused every recipient after 2 tries; nothing was sent: retry later"
    report = send(monkeypatch, Script(fail={"connect": smtplib.SMTPConnectError(421, b"busy")}), tries=1)
    assert report.note == "the server temporarily refused every recipient at the only try; nothing was sent: " \
                          "retry later"
    assert report.deferred[0].answer == "421 busy"


def test_data_and_sender_refused_for_now_then_taken(monkeypatch) -> None:
    script = Script(codes={"data": [451, 250]})
    report = send(monkeypatch, script, msg=message("a@example.org", "b@example.org"))
    assert report.ok and report.attempts == 2 and script.delivered == [["a@example.org", "b@example.org"]]
    script = Script(codes={"mail": [452, 250]})
    assert send(monkeypatch, script).ok and script.calls.count("mail") == 2
    assert SLEPT == [2, 2]


def test_all_or_nothing_retries_everyone_or_sends_nothing(monkeypatch) -> None:
    msg = message("a@example.org", "busy@example.org")
    script = Script(busy={"busy@example.org": 1})
    report = send(monkeypatch, script, msg=msg, all_or_nothing=True)
    assert report.ok and script.delivered == [["a@example.org", "busy@example.org"]]  # one copy each
    script = Script(busy={"busy@example.org": 9})
    report = send(monkeypatch, script, msg=msg, all_or_nothing=True)
    assert not report.delivered and script.delivered == [] and report.attempts == 3
    assert report.note == "all-or-nothing is set and 1 temporarily refused after 3 tries, retry later; nothing was sent"
    script = Script(busy={"busy@example.org": 9})
    report = send(monkeypatch, script, msg=message("refused@example.org", "busy@example.org"), all_or_nothing=True)
    assert report.attempts == 1  # refused for good: no point in waiting


def test_a_failure_after_part_was_delivered_is_reported_per_recipient(monkeypatch) -> None:
    msg = message("a@example.org", "busy@example.org")
    script = Script(busy={"busy@example.org": 1}, fail={"connect": [None, ConnectionRefusedError(111, "refused")]})
    report = send(monkeypatch, script, msg=msg)
    assert report.delivered and report.accepted == ["a@example.org"] and report.deferred == []
    (failed,) = report.refused
    assert failed.code == 0 and failed.answer.startswith(f"cannot connect to SMTP server {SERVER}: connection refused")
    assert report.note == failed.reply


# --------------------------------------------------------------------------- sent / not sent / unknown
def test_the_dot_of_a_line_is_doubled_and_the_message_ends_in_a_lone_dot(monkeypatch) -> None:
    msg = message()
    msg.set_content(".starts with a dot\n..two\nlast")
    script = Script()
    assert send(monkeypatch, script, msg=msg).ok
    (sent,) = script.sent
    assert b"\r\n..starts with a dot\r\n...two\r\nlast\r\n.\r\n" in sent and sent.endswith(b"last\r\n.\r\n")


NOT_SENT_STEPS = [
    ("data", smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), {},
     f"SMTP server {SERVER} closed the connection (Connection unexpectedly closed)"),
    ("transmit", smtplib.SMTPServerDisconnected("Server not connected"), {},
     f"SMTP server {SERVER} closed the connection (Server not connected)"),
    ("transmit", TimeoutError("timed out"), {}, f"SMTP server {SERVER} did not answer within 30 s"),
    (None, None, {"datacmd": 554}, f"SMTP server {SERVER} answered 554 go ahead"),
    (None, None, {"data": 554}, f"SMTP server {SERVER} refused the message: 554 message reply"),
]


@pytest.mark.parametrize("step, exc, codes, expected", NOT_SENT_STEPS,
                         ids=["data-command", "transmit-closed", "transmit-timeout", "data-554", "final-554"])
def test_failures_before_the_final_reply_mean_not_sent(monkeypatch, step, exc, codes, expected) -> None:
    script = Script(fail={step: exc} if step else {}, codes=codes)
    with pytest.raises(DeliveryError) as err:
        send(monkeypatch, script)
    assert str(err.value) == expected + NOT_SENT and script.delivered == []


UNKNOWN_STEPS = [
    (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), {},
     f"SMTP server {SERVER} closed the connection (Connection unexpectedly closed)"),
    (TimeoutError("timed out"), {}, f"SMTP server {SERVER} did not answer within 30 s"),
    (None, {"data": -1}, f"SMTP server {SERVER} gave no valid reply (-1 message reply)"),
    (None, {"data": 354}, f"SMTP server {SERVER} gave no valid reply (354 message reply)"),
]


@pytest.mark.parametrize("exc, codes, why", UNKNOWN_STEPS, ids=["closed", "timeout", "garbled", "not-final"])
def test_no_final_reply_means_unknown_never_retried_and_reported(monkeypatch, exc, codes, why) -> None:
    script = Script(fail={"reply": exc} if exc else {}, codes=codes)
    seen: list = []
    msg = message("a@example.org", "refused@example.org")
    report = send(monkeypatch, script, msg=msg, roles={"a@example.org": "to"}, on_delivered=seen.append)
    assert not report.delivered and not report.ok and report.attempts == 1 and script.calls.count("connect") == 1
    reason = f"no reply after the message was transmitted: {why}"
    assert [(r.address, r.kind, r.state, r.answer) for r in report.results] == [
        ("a@example.org", "unknown", "unknown, may have been sent", reason),
        ("refused@example.org", "refused", "refused", "550 5.1.1 no such user")]
    assert [r.address for r in report.unknown] == ["a@example.org"] and report.refused[0].code == 550
    assert report.note == f"the outcome is unknown for 1 recipient(s): {reason}; the server may have queued the message"
    (tx,) = seen
    assert tx.unknown and tx.accepted == ["a@example.org"] and tx.attempt == 1


def test_an_unknown_outcome_after_part_was_delivered(monkeypatch) -> None:
    msg = message("a@example.org", "busy@example.org")
    script = Script(busy={"busy@example.org": 1}, fail={"reply": [None, smtplib.SMTPServerDisconnected("gone")]})
    seen: list = []
    report = send(monkeypatch, script, msg=msg, on_delivered=seen.append)
    assert report.delivered and report.accepted == ["a@example.org"] and not report.ok
    assert [r.kind for r in report.results] == ["accepted", "unknown"]
    assert [(t.attempt, t.accepted, t.unknown) for t in seen] == [(1, ["a@example.org"], False),
                                                                 (2, ["busy@example.org"], True)]
    assert report.note.startswith("sent to 1 of 2 recipients; the outcome is unknown for 1 recipient(s)")
