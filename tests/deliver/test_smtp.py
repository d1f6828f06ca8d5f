"""Sending through real SMTP servers (aiosmtpd on 127.0.0.1): plain, STARTTLS with a
throw-away certificate and a login, implicit TLS, a server that is down, one that refuses a
recipient; SMTP settings; the send log; and ``briefgen email`` end to end."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest
from smtp_server import HOST, PASSWORD, REFUSED, USER
from typer.testing import CliRunner

from briefgen.deliver import mail, smtp
from briefgen.deliver.addresses import MailInputError, addressing
from briefgen.deliver.attachment import AttachmentInfo
from briefgen.deliver.mailcontent import MailContent
from briefgen.errors import DeliveryError
from briefgen.model.models import Distribution, Recipient
from briefgen.pipeline.build import BuildOptions
from briefgen.pipeline.email import outgoing

AUDIENCES = ("analyst", "executive", "public")


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """No SMTP setting, password or keyring from the machine running the tests."""
    for var in (*smtp.ENV.values(), smtp.PASSWORD_ENV, "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(smtp, "_keyring_password", lambda user: None)


def settings_for(server, tls="none", **kw) -> smtp.SmtpSettings:
    return smtp.SmtpSettings(host=server.host, port=server.port, tls=tls, timeout=10,
                             ca_file=getattr(server, "cafile", None), **kw)


def make_outgoing(prepared, built, name, out_dir: Path) -> mail.Outgoing:
    return outgoing(prepared, name, BuildOptions(out_dir=out_dir), result=built[name])


def check_received(received, out: mail.Outgoing) -> email.message.EmailMessage:
    """What the server got is the composed message: envelope, headers, bodies, PDF bytes."""
    assert received.mail_from == out.addressing.sender.addr_spec
    assert received.rcpt_tos == out.addressing.recipients
    msg = received.message
    result = out.result
    assert msg["Subject"] == f"[{result.banner}] " + out.subject.split("] ", 1)[1]
    assert msg["Subject"].startswith(f"[{result.banner}] ")
    assert msg["Message-ID"] == out.message_id
    assert msg["Bcc"] is None
    plain = msg.get_body(("plain",)).get_content()
    assert plain.splitlines()[0] == result.banner
    assert "Chinese state-linked capital now stands behind" in " ".join(plain.split())
    assert "KEY JUDGMENTS" in plain
    assert msg.get_body(("html",)) is not None
    attachments = list(msg.iter_attachments())
    assert len(attachments) == 1 and attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content() == result.pdf == result.pdf_path.read_bytes()
    return msg


# --------------------------------------------------------------------------- settings
def test_settings_defaults_file_and_environment(tmp_path) -> None:
    s = smtp.load_settings(root=tmp_path, env={})
    assert (s.host, s.effective_port, s.tls, s.user, s.sender, s.max_attachment) == \
        ("localhost", 587, "starttls", None, None, 10 * 1024 * 1024)
    (tmp_path / "ca.pem").write_text("x")
    (tmp_path / "briefgen.toml").write_text(
        '[smtp]\nhost = "mail.example.org"\ntls = "implicit"\nuser = "desk"\nfrom = "desk@example.org"\n'
        'ca_file = "ca.pem"\ntimeout = 5\nmax_attachment_mb = 2.5\n\n[other]\nkept = true\n')
    s = smtp.load_settings(root=tmp_path, env={})
    assert (s.host, s.effective_port, s.tls, s.user, s.sender) == (
        "mail.example.org", 465, "implicit", "desk", "desk@example.org")
    assert s.ca_file == tmp_path / "ca.pem" and s.timeout == 5 and s.max_attachment == int(2.5 * 1024 * 1024)
    env = {"BRIEFGEN_SMTP_HOST": "relay.example.org", "BRIEFGEN_SMTP_PORT": "2525",
           "BRIEFGEN_SMTP_TLS": "STARTTLS", "BRIEFGEN_SMTP_USER": "other"}
    s = smtp.load_settings(root=tmp_path, env=env)
    assert (s.host, s.port, s.tls, s.user, s.sender) == (
        "relay.example.org", 2525, "starttls", "other", "desk@example.org")
    assert "BRIEFGEN_SMTP_PORT" in s.origin
    other = tmp_path / "other.toml"
    other.write_text('[smtp]\nport = 25\ntls = "none"\n')
    s = smtp.load_settings(other, root=tmp_path, env={})  # --smtp-config replaces briefgen.toml
    assert (s.host, s.port, s.tls) == ("localhost", 25, "none")


@pytest.mark.parametrize("text, line, col, key, message", [
    ('[smtp]\npassword = "hunter2"\n', 2, 1, "smtp.password", "smtp.password: passwords are never read from files"),
    ('[smtp]\nhots = "x"\n', 2, 1, "smtp.hots", "unknown key 'hots' in [smtp] (expected host, port, "),
    ('[smtp]\n  tls = "startls"\n', 2, 3, "smtp.tls",
     "unknown tls mode (expected one of starttls, implicit, none, got 'startls'); did you mean 'starttls'?"),
    ('[smtp]\nport = 70000\n', 2, 1, "smtp.port", "invalid value (expected a port number (1-65535), got 70000)"),
    ('[smtp]\nport = "abc"\n', 2, 1, "smtp.port", "invalid value (expected a port number (1-65535), got 'abc')"),
    ('[smtp]\nfrom = "not an address"\n', 2, 1, "smtp.from", "invalid email address 'not an address'"),
    ('[smtp]\nca_file = "missing.pem"\n', 2, 1, "smtp.ca_file", "missing.pem does not exist"),
    ('[smtp]\nmax_attachment_mb = 0\n', 2, 1, "smtp.max_attachment_mb", "(expected a positive number, got 0)"),
    ('[smtp\nhost = 1\n', 1, 6, "(document)", "not valid TOML"),
    ('smtp = 3\n', 1, 1, "smtp", "must be a table"),
])
def test_settings_errors_are_located(tmp_path, text, line, col, key, message) -> None:
    (tmp_path / "briefgen.toml").write_text(text)
    with pytest.raises(MailInputError) as exc:
        smtp.load_settings(root=tmp_path, env={})
    (problem,) = exc.value.problems
    assert (problem.file, problem.line, problem.column, problem.key) == (
        str(tmp_path / "briefgen.toml"), line, col, key)
    assert message in str(problem)
    assert "hunter2" not in str(exc.value)
    assert exc.value.exit_code == 2


def test_every_settings_error_is_reported_at_once(tmp_path) -> None:
    (tmp_path / "briefgen.toml").write_text('[project]\noutput = "out"\n\n[smtp]\nhost = "a b"\nport = 0\n'
                                            'tls = "ssl"\nuser = "u"\ntoken_command = ["t"]\n')
    with pytest.raises(MailInputError) as exc:
        smtp.load_settings(root=tmp_path, env={"BRIEFGEN_SMTP_AUTH": "oauth"})
    shown = str(tmp_path / "briefgen.toml")
    assert [(p.file, p.line, p.column, p.key, p.got) for p in exc.value.problems] == [
        (shown, 5, 1, "smtp.host", "'a b'"), (shown, 6, 1, "smtp.port", "0"), (shown, 7, 1, "smtp.tls", "'ssl'"),
        ("environment variable BRIEFGEN_SMTP_AUTH", 0, 0, "smtp.auth", "'oauth'")]
    assert exc.value.problems[2].suggestion == ""  # 'ssl' is near no mode
    # once the values are good, the auth settings that do not fit are located at the key that does not fit
    (tmp_path / "briefgen.toml").write_text('[smtp]\nhost = "mail.example.org"\n\nuser = "u"\ntoken_command = ["t"]\n')
    with pytest.raises(MailInputError) as exc:
        smtp.load_settings(root=tmp_path, env={})
    assert [str(p) for p in exc.value.problems] == [
        f"{shown}:5:1: error: smtp.token_command: token_command is set but auth is 'password' "
        f"(expected auth = \"xoauth2\" to log in with a token)"]


def test_missing_config_and_bad_environment(tmp_path) -> None:
    with pytest.raises(MailInputError, match="does not exist"):
        smtp.load_settings(tmp_path / "nope.toml", env={})
    with pytest.raises(MailInputError, match="environment variable BRIEFGEN_SMTP_TLS"):
        smtp.load_settings(root=tmp_path, env={"BRIEFGEN_SMTP_TLS": "ssl"})


def test_password_only_from_environment_or_keyring(monkeypatch) -> None:
    s = smtp.SmtpSettings(host="mail.example.org", user="desk")
    with pytest.raises(MailInputError, match="BRIEFGEN_SMTP_PASSWORD.*keyring set briefgen-smtp desk"):
        s.with_credentials({})
    filled = s.with_credentials({"BRIEFGEN_SMTP_PASSWORD": "pw-from-env"})
    assert filled.password == "pw-from-env" and s.password is None
    assert "pw-from-env" not in repr(filled) and "pw-from-env" not in str(filled)
    monkeypatch.setattr(smtp, "_keyring_password", lambda user: "pw-from-keyring" if user == "desk" else None)
    assert s.with_credentials({}).password == "pw-from-keyring"
    assert smtp.SmtpSettings().with_credentials({}).password is None  # no user: no login
    with pytest.raises(MailInputError, match="clear text"):
        smtp.SmtpSettings(host="mail.example.org", tls="none", user="desk").with_credentials(
            {"BRIEFGEN_SMTP_PASSWORD": "x"})
    smtp.SmtpSettings(host="127.0.0.1", tls="none", user="desk").with_credentials({"BRIEFGEN_SMTP_PASSWORD": "x"})


# --------------------------------------------------------------------------- sending
def test_send_every_example_audience(smtp_server, prepared, built, tmp_path) -> None:
    settings = settings_for(smtp_server)
    outs = [make_outgoing(prepared, built, name, tmp_path) for name in AUDIENCES]
    for out in outs:
        report = smtp.deliver(out, settings, out_dir=tmp_path)
        assert report.ok and report.delivered and not report.refused
        assert report.accepted == out.addressing.recipients
    assert len(smtp_server.messages) == 3
    for received, out in zip(smtp_server.messages, outs):
        check_received(received, out)
    assert smtp_server.messages[0].rcpt_tos == [
        "andean-team@example.org", "china-cell@example.org", "archive@example.org"]
    assert smtp_server.messages[2].message["Subject"] == "[TLP:CLEAR] Peru-China briefing (public release)"
    log = smtp.read_log(tmp_path)
    assert [e["audience"] for e in log] == list(AUDIENCES)
    for entry, out in zip(log, outs):
        assert entry["message_id"] == out.message_id
        assert entry["pdf_sha256"] == out.result.sha256 == AttachmentInfo("x", out.result.pdf_path.read_bytes()).sha256
        assert entry["accepted"] == out.addressing.recipients and entry["refused"] == {}
        assert entry["banner"] == out.result.banner and entry["briefing"] == "peru-china"
        assert entry["to"] == [a.addr_spec for a in out.addressing.to]
        assert entry["time"].endswith("Z") and entry["server"] == f"{HOST}:{smtp_server.port}"


def test_bcc_is_delivered_but_never_shown(smtp_server, prepared, built) -> None:
    content = MailContent("peru-china", "analyst", "Title")
    addrs = addressing(Distribution(sender=Recipient(email="desk@example.org"),
                                    to=[Recipient(email="to@example.org")],
                                    bcc=[Recipient(name="Secret", email="secret@example.org")]))
    msg = mail.compose(content, addrs, banner="TLP:GREEN", subject="s",
                       attachment=AttachmentInfo("a.pdf", built["executive"].pdf, 2))
    assert msg["Bcc"] is None and b"secret@example.org" not in mail.saved_bytes(msg)  # not in the .eml either
    report = smtp.send_message(msg, settings_for(smtp_server), recipients=addrs.recipients, roles=addrs.roles())
    assert report.ok and report.results[1].role == "bcc"
    got = smtp_server.messages[0]
    assert got.rcpt_tos == ["to@example.org", "secret@example.org"]  # the envelope
    assert b"secret@example.org" not in got.data and got.message["Bcc"] is None
    assert next(got.message.iter_attachments()).get_content() == built["executive"].pdf
    # a message with a Bcc header from elsewhere: the header is dropped on the wire and in a saved file
    msg["Bcc"] = "other@example.org"
    assert smtp.send_message(msg, settings_for(smtp_server)).ok
    assert smtp_server.messages[1].rcpt_tos == ["to@example.org", "other@example.org"]
    assert b"other@example.org" not in smtp_server.messages[1].data + mail.saved_bytes(msg)


def test_starttls_with_login_from_a_config_file(starttls_server, prepared, built, tmp_path, monkeypatch) -> None:
    config = tmp_path / "smtp.toml"
    config.write_text(f'[smtp]\nhost = "{HOST}"\nport = {starttls_server.port}\ntls = "starttls"\n'
                      f'user = "{USER}"\nca_file = "{starttls_server.cafile}"\n')
    monkeypatch.setenv("BRIEFGEN_SMTP_PASSWORD", PASSWORD)
    settings = smtp.load_settings(config).with_credentials()
    for name in AUDIENCES:
        out = make_outgoing(prepared, built, name, tmp_path)
        assert smtp.deliver(out, settings, out_dir=tmp_path).ok
        check_received(starttls_server.messages[-1], out)
    assert starttls_server.handler.tls_seen == [True, True, True]
    assert len(smtp.read_log(tmp_path)) == 3


def test_starttls_refuses_an_untrusted_certificate(starttls_server, prepared, built, tmp_path) -> None:
    settings = smtp.SmtpSettings(host=HOST, port=starttls_server.port, tls="starttls", timeout=10)
    with pytest.raises(DeliveryError, match="certificate .* could not be verified.*ca_file"):
        smtp.deliver(make_outgoing(prepared, built, "analyst", tmp_path), settings, out_dir=tmp_path)
    assert starttls_server.messages == [] and smtp.read_log(tmp_path) == []


def test_wrong_password_is_a_clear_error(starttls_server, prepared, built, tmp_path) -> None:
    settings = settings_for(starttls_server, tls="starttls", user=USER).with_credentials(
        {"BRIEFGEN_SMTP_PASSWORD": "wrong-pw-123"})
    with pytest.raises(DeliveryError, match="refused the login of user 'briefgen': 535") as exc:
        smtp.deliver(make_outgoing(prepared, built, "analyst", tmp_path), settings, out_dir=tmp_path)
    assert "wrong-pw-123" not in str(exc.value)
    assert starttls_server.messages == [] and smtp.read_log(tmp_path) == []


def test_plain_connection_to_a_starttls_only_server(starttls_server, prepared, built, tmp_path) -> None:
    with pytest.raises(DeliveryError, match="530 .*STARTTLS"):
        smtp.deliver(make_outgoing(prepared, built, "analyst", tmp_path), settings_for(starttls_server),
                     out_dir=tmp_path)


def test_implicit_tls(tls_server, prepared, built, tmp_path) -> None:
    out = make_outgoing(prepared, built, "executive", tmp_path)
    assert smtp.deliver(out, settings_for(tls_server, tls="implicit"), out_dir=tmp_path).ok
    check_received(tls_server.messages[0], out)
    assert tls_server.handler.tls_seen == [True]


def test_server_down(down_port, prepared, built, tmp_path) -> None:
    settings = smtp.SmtpSettings(host=HOST, port=down_port, tls="none", timeout=5)
    with pytest.raises(DeliveryError) as exc:
        smtp.deliver(make_outgoing(prepared, built, "analyst", tmp_path), settings, out_dir=tmp_path)
    text = str(exc.value)
    assert f"cannot connect to SMTP server {HOST}:{down_port}: connection refused" in text
    assert "this message was not sent" in text and exc.value.exit_code == 1
    assert not (tmp_path / smtp.LOG_NAME).exists()


def test_a_refused_recipient_is_reported(refusing_server, prepared, built, tmp_path) -> None:
    out = make_outgoing(prepared, built, "analyst", tmp_path)
    report = smtp.deliver(out, settings_for(refusing_server), out_dir=tmp_path)
    assert report.delivered and not report.ok
    assert [r.address for r in report.refused] == [REFUSED]
    refused = report.refused[0]
    assert (refused.role, refused.code) == ("cc", 550) and "User unknown" in refused.reply
    assert report.accepted == ["andean-team@example.org", "china-cell@example.org"]
    assert "sent to 2 of 3" in report.note
    assert refusing_server.messages[0].rcpt_tos == report.accepted
    check_received_partial = refusing_server.messages[0].message
    assert next(check_received_partial.iter_attachments()).get_content() == out.result.pdf
    (entry,) = smtp.read_log(tmp_path)
    assert entry["accepted"] == report.accepted
    assert entry["refused"] == {REFUSED: f"550 5.1.1 <{REFUSED}>: Recipient address rejected: User unknown"}


def test_all_or_nothing_sends_nothing_when_one_is_refused(refusing_server, prepared, built, tmp_path) -> None:
    out = make_outgoing(prepared, built, "analyst", tmp_path)
    report = smtp.deliver(out, settings_for(refusing_server), out_dir=tmp_path, all_or_nothing=True)
    assert not report.delivered and "nothing was sent" in report.note
    assert len(report.refused) == 1 and report.accepted == []  # nobody got it: none is "accepted"
    assert [(r.address, r.state, r.answer) for r in report.withheld] == [
        ("andean-team@example.org", "not sent (all-or-nothing)", "250 2.1.5 OK"),
        ("china-cell@example.org", "not sent (all-or-nothing)", "250 2.1.5 OK")]
    assert refusing_server.messages == [] and smtp.read_log(tmp_path) == []


def test_every_recipient_refused(refusing_server, prepared, built) -> None:
    content = MailContent("b", "a", "T")
    addrs = addressing(Distribution(sender=Recipient(email="d@example.org"), to=[Recipient(email=REFUSED)]))
    msg = mail.compose(content, addrs, banner="TLP:CLEAR", subject="s", attachment=AttachmentInfo("a.pdf", b"%PDF"))
    report = smtp.send_message(msg, settings_for(refusing_server))
    assert not report.delivered and report.accepted == [] and "refused every recipient" in report.note
    assert refusing_server.messages == []


def test_log_appends_whole_lines(tmp_path) -> None:
    for i in range(5):
        smtp.append_log(tmp_path, {"n": i, "text": "Perú\n中国"})
    lines = (tmp_path / smtp.LOG_NAME).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["n"] for line in lines] == list(range(5))
    assert json.loads(lines[0])["text"] == "Perú\n中国"


# --------------------------------------------------------------------------- briefgen email
@pytest.fixture
def project(example_project, monkeypatch) -> Path:
    """A copy of the example project with a briefgen.toml at its root; cwd is its root."""
    root = example_project
    (root / "briefgen.toml").write_text('[smtp]\nhost = "127.0.0.1"\ntls = "none"\nfrom = "relay@example.org"\n')
    monkeypatch.chdir(root)
    return root


def cli(*args: str):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, list(args))


def test_cli_writes_eml_and_sends_nothing_without_send(project, smtp_server, monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_SMTP_PORT", str(smtp_server.port))
    result = cli("email", "specs/peru-china.yaml", "--all-audiences")
    assert result.exit_code == 0, result.output
    assert "not sent" in result.output
    for name in AUDIENCES:
        eml = project / "output" / f"peru-china--{name}.eml"
        msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        pdf = project / "output" / f"peru-china--{name}.pdf"
        assert next(msg.iter_attachments()).get_content() == pdf.read_bytes()
    assert smtp_server.messages == [] and not (project / "output" / smtp.LOG_NAME).exists()


@pytest.mark.slow
def test_cli_sends_every_audience(project, smtp_server, monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_SMTP_PORT", str(smtp_server.port))  # over briefgen.toml
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1747040000")
    result = cli("email", "specs/peru-china.yaml", "--all-audiences", "--send")
    assert result.exit_code == 0, result.output
    assert result.output.count("sent ") >= 3
    assert [m.mail_from for m in smtp_server.messages] == ["relay@example.org"] * 3  # [smtp] from: envelope
    log = smtp.read_log(project / "output")
    assert [e["audience"] for e in log] == list(AUDIENCES)
    for received, entry in zip(smtp_server.messages, log):
        name = entry["audience"]
        pdf = (project / "output" / f"peru-china--{name}.pdf").read_bytes()
        eml = email.message_from_bytes((project / "output" / f"peru-china--{name}.eml").read_bytes(),
                                       policy=email.policy.default)
        msg = received.message
        assert msg["From"].addresses[0].addr_spec == "latam-desk@example.org"
        assert msg["Message-ID"] == eml["Message-ID"] == entry["message_id"]
        assert msg["Subject"] == eml["Subject"] and msg["Subject"].startswith("[TLP:")
        assert next(msg.iter_attachments()).get_content() == pdf
        assert entry["pdf_sha256"] == AttachmentInfo("x", pdf).sha256
        assert received.rcpt_tos == entry["accepted"]


def test_cli_refused_recipient_exits_1_with_a_report(project, refusing_server, monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_SMTP_PORT", str(refusing_server.port))
    result = cli("email", "specs/peru-china.yaml", "-a", "analyst", "--send")
    assert result.exit_code == 1
    assert REFUSED in result.output and "refused" in result.output and "550" in result.output
    assert "Traceback" not in result.output
    (entry,) = smtp.read_log(project / "output")
    assert REFUSED in entry["refused"]


def test_cli_server_down(project, down_port, monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_SMTP_PORT", str(down_port))
    result = cli("email", "specs/peru-china.yaml", "-a", "executive", "--send")
    assert result.exit_code == 1
    assert "connection refused" in result.output and "Traceback" not in result.output
    assert not (project / "output" / smtp.LOG_NAME).exists()
    assert (project / "output" / "peru-china--executive.eml").exists()  # the ready message is kept


def test_cli_tlp_red_to_an_outside_domain_sends_nothing(project, smtp_server, monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_SMTP_PORT", str(smtp_server.port))
    (project / "specs" / "red.yaml").write_text(
        "extends: peru-china.yaml\n"
        "briefing: {tlp: TLP:RED}\n"
        "audiences:\n"
        "  analyst:\n"
        "    tlp: TLP:RED\n"
        "    distribution:\n"
        "      bcc: [{name: Friend, email: friend@partner.example}]\n")
    # only the analyst may receive a TLP:RED variant (the others' ceilings are lower)
    result = cli("email", "specs/red.yaml", "--audience", "analyst", "--send")
    assert result.exit_code == 2, result.output
    # located at the recipient (the spec that adds it), whatever the level
    assert ("specs/red.yaml:7:35  error  audiences.analyst.distribution.bcc[0].email\n"
            "    'friend@partner.example' (bcc) is outside the allowed_domains of audience 'analyst', so it may not "
            "receive that audience's briefing (expected an address in example.org, got partner.example)\n"
            "1 error(s); nothing was written.") in result.output
    assert smtp_server.messages == [] and smtp_server.handler.rcpt_attempts == []
    assert not (project / "output" / smtp.LOG_NAME).exists()
    assert not list((project / "output").glob("*.eml"))


def test_cli_bad_address_is_rejected_before_sending(project, smtp_server, monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_SMTP_PORT", str(smtp_server.port))
    (project / "specs" / "bad.yaml").write_text(
        "extends: peru-china.yaml\n"
        "audiences:\n"
        "  executive:\n"
        "    distribution:\n"
        "      to: [{name: Typo, email: 'director-wh@example..org'}, {email: ok@example.org}]\n")
    result = cli("email", "specs/bad.yaml", "-a", "executive", "--send")
    assert result.exit_code == 2
    text = " ".join(result.output.split())  # caught by validation, located in the spec
    assert "specs/bad.yaml:5" in text and "audiences.executive.distribution.to[0].email" in text
    assert "invalid email address 'director-wh@example..org'" in text
    assert smtp_server.handler.rcpt_attempts == [] and not (project / "output" / smtp.LOG_NAME).exists()


def test_cli_oversize_attachment_needs_force(project, smtp_server, monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_SMTP_PORT", str(smtp_server.port))
    result = cli("email", "specs/peru-china.yaml", "-a", "executive", "--send", "--max-attachment-mb", "0.01")
    assert result.exit_code == 2 and "over the attachment limit" in result.output and "--force" in result.output
    assert smtp_server.messages == []
    result = cli("email", "specs/peru-china.yaml", "-a", "executive", "--send",
                 "--max-attachment-mb", "0.01", "--force")
    assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == 1


def test_cli_starttls_with_config_and_password_from_env(project, starttls_server, monkeypatch) -> None:
    config = project / "mail.toml"
    config.write_text(f'[smtp]\nhost = "{HOST}"\nport = {starttls_server.port}\ntls = "starttls"\n'
                      f'user = "{USER}"\nca_file = "{starttls_server.cafile}"\n')
    result = cli("email", "specs/peru-china.yaml", "-a", "public", "--send", "--smtp-config", str(config))
    assert result.exit_code == 2 and "no password was found" in result.output  # checked before building
    assert not (project / "output").exists()
    monkeypatch.setenv("BRIEFGEN_SMTP_PASSWORD", PASSWORD)
    result = cli("email", "specs/peru-china.yaml", "-a", "public", "--send", "--smtp-config", str(config))
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert starttls_server.handler.tls_seen == [True]
    assert starttls_server.messages[0].message["Subject"] == "[TLP:CLEAR] Peru-China briefing (public release)"
