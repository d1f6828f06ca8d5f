"""SMTP login with an OAuth 2.0 token (SASL XOAUTH2, issue 15): the token from a command or
from MSAL, its settings and every way getting it can fail; a real aiosmtpd server with an
XOAUTH2 handler that lets one token in and refuses another. Passwords: test_smtp.py."""

from __future__ import annotations

import base64
import sys
import types

import pytest
from smtp_server import HOST, TOKEN, USER
from typer.testing import CliRunner

from briefgen.deliver import smtp
from briefgen.deliver.addresses import MailInputError
from briefgen.deliver.smtp_auth import SCOPE_APP, SCOPE_DELEGATED, xoauth2_base64, xoauth2_string
from briefgen.errors import DeliveryError
from briefgen.pipeline.build import BuildOptions
from briefgen.pipeline.email import outgoing

PY = sys.executable


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    """No SMTP setting, secret or keyring from the machine running the tests."""
    for var in (*smtp.ENV.values(), smtp.PASSWORD_ENV, smtp.CLIENT_SECRET_ENV, "SOURCE_DATE_EPOCH"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setattr(smtp, "_keyring_password", lambda user: None)


def config(tmp_path, server=None, **keys) -> smtp.SmtpSettings:
    """Settings read from a briefgen.toml with ``keys`` (TOML values written as given)."""
    auth = keys.pop("auth", '"xoauth2"')
    lines = ["[smtp]", f"auth = {auth}", f'user = "{USER}"', 'tls = "starttls"']
    if server is not None:
        lines += [f'host = "{HOST}"', f"port = {server.port}", f'ca_file = "{server.cafile}"', "timeout = 10"]
    lines += [f"{k} = {v}" for k, v in keys.items()]
    (tmp_path / "briefgen.toml").write_text("\n".join(lines) + "\n")
    return smtp.load_settings(root=tmp_path, env={})


def printing(text: str) -> str:
    """A token_command (TOML array) printing ``text`` (written in two pieces, so that the
    command line does not hold the text itself)."""
    return f'["{PY}", "-c", "print({text[:4]!r} + {text[4:]!r})"]'


def test_the_sasl_string() -> None:
    assert xoauth2_string("desk@example.org", "tok") == "user=desk@example.org\x01auth=Bearer tok\x01\x01"
    assert base64.b64decode(xoauth2_base64("a@b.example", "t")) == b"user=a@b.example\x01auth=Bearer t\x01\x01"


# --------------------------------------------------------------------------- against a real server
def test_xoauth2_login_with_a_token_from_a_command(xoauth2_server, prepared, built, tmp_path) -> None:
    settings = config(tmp_path, xoauth2_server, token_command=printing(f"  {TOKEN}  "))
    assert settings.token is None and settings.token_command[0] == PY
    ready = settings.with_credentials(env={})
    assert ready.token == TOKEN and TOKEN not in repr(ready)  # trimmed, never shown
    out = outgoing(prepared, "public", BuildOptions(out_dir=tmp_path), result=built["public"])
    report = smtp.deliver(out, ready, out_dir=tmp_path)
    assert report.ok and xoauth2_server.handler.logins == [USER] and xoauth2_server.handler.tls_seen == [True]
    assert xoauth2_server.messages[0].rcpt_tos == ["press@example.org"]


def test_a_refused_token_is_a_clear_error(xoauth2_server, prepared, built, tmp_path) -> None:
    ready = config(tmp_path, xoauth2_server, token_command=printing("expired-token-42")).with_credentials(env={})
    out = outgoing(prepared, "public", BuildOptions(out_dir=tmp_path), result=built["public"])
    with pytest.raises(DeliveryError) as exc:
        smtp.deliver(out, ready, out_dir=tmp_path)
    assert str(exc.value) == (f"SMTP server {HOST}:{xoauth2_server.port} refused the login of user 'briefgen' with "
                              f"an XOAUTH2 token from token_command: 535 5.7.8 Username and Password not accepted; "
                              f"this message was not sent")
    assert "expired-token-42" not in str(exc.value) and exc.value.exit_code == 1
    assert xoauth2_server.messages == [] and smtp.read_log(tmp_path) == []


def test_a_server_without_xoauth2(starttls_server, prepared, built, tmp_path) -> None:
    ready = config(tmp_path, starttls_server, token_command=printing(TOKEN)).with_credentials(env={})
    out = outgoing(prepared, "public", BuildOptions(out_dir=tmp_path), result=built["public"])
    with pytest.raises(DeliveryError, match=r"does not offer XOAUTH2 login \(it offers: LOGIN PLAIN\); check host "
                                            r"and port, or set auth = \"password\"; this message was not sent"):
        smtp.deliver(out, ready, out_dir=tmp_path)


@pytest.mark.slow
def test_cli_sends_with_a_token_command(example_project, xoauth2_server, monkeypatch) -> None:
    from briefgen.cli.app import app

    (example_project / "briefgen.toml").write_text(
        f'[smtp]\nhost = "{HOST}"\nport = {xoauth2_server.port}\nca_file = "{xoauth2_server.cafile}"\n'
        f'user = "{USER}"\nauth = "xoauth2"\ntoken_command = {printing(TOKEN)}\n')
    monkeypatch.chdir(example_project)
    result = CliRunner().invoke(app, ["email", "specs/peru-china.yaml", "-a", "public", "--send"])
    assert result.exit_code == 0, result.output
    assert "sent public" in result.output and TOKEN not in result.output
    assert [m.rcpt_tos for m in xoauth2_server.messages] == [["press@example.org"]]


# --------------------------------------------------------------------------- the token command
@pytest.mark.parametrize("command, error, message", [
    ('["no-such-token-program-xyz"]', MailInputError, "program 'no-such-token-program-xyz' was not found"),
    (f'["{PY}", "-c", "import sys; sys.stderr.write(\'login required\\\\n\'); sys.exit(3)"]', DeliveryError,
     "exited with code 3: login required; nothing was sent"),
    (f'["{PY}", "-c", "import time; time.sleep(5)"]', DeliveryError,
     "did not print a token within 0.5 s (the smtp timeout setting); nothing was sent"),
    (f'["{PY}", "-c", "pass"]', DeliveryError, "printed no token (its standard output was empty)"),
    (printing("token and more"), DeliveryError, "must be the access token alone"),
])
def test_token_command_failures_name_the_setting(tmp_path, command, error, message) -> None:
    settings = config(tmp_path, token_command=command, timeout=0.5)
    with pytest.raises(error) as exc:
        settings.with_credentials(env={})
    assert str(exc.value).startswith(f"{tmp_path / 'briefgen.toml'}:5:1: [smtp] token_command: ")  # its line
    assert message in str(exc.value)
    assert exc.value.exit_code == (2 if error is MailInputError else 1)


def test_token_command_as_a_string_runs_without_a_shell(tmp_path) -> None:
    script = tmp_path / "bin" / "token"
    script.parent.mkdir()
    script.write_text(f"#!{PY}\nimport sys\nprint('tok-' + sys.argv[1])\n")
    script.chmod(0o755)
    settings = config(tmp_path, token_command='"bin/token \'$HOME;x\'"')  # relative to briefgen.toml
    assert settings.token_command == (str(script), "$HOME;x")
    assert settings.with_credentials(env={}).token == "tok-$HOME;x"  # no shell: nothing expanded


@pytest.mark.parametrize("keys, message", [
    ({"auth": '"oauth2"'}, "unknown auth mode (expected one of password, xoauth2, got 'oauth2'); did you mean "
                           "'xoauth2'?"),
    ({}, "auth = \"xoauth2\" needs exactly one token source: token_command"),
    ({"token_command": '["a"]', "msal_client_id": '"id"', "msal_tenant": '"t"'}, ", not both"),
    ({"token_command": "[]"}, "expected a command"),
    ({"token_command": "3"}, "expected a command"),
    ({"msal_client_id": '"id"'}, "msal_flow = \"client_credentials\" needs msal_tenant"),
    ({"msal_client_id": '"id"', "msal_flow": '"device"'}, "did you mean 'device_code'?"),
    ({"token": '"abc"'}, "tokens are never read from files"),
    ({"client_secret": '"abc"'}, "client secrets are never read from files"),
    ({"tries": "0"}, "a whole number of tries from 1 to 10"),
    ({"retry_delay": "-1"}, "a number of seconds"),
])
def test_auth_settings_errors(tmp_path, keys, message) -> None:
    with pytest.raises(MailInputError) as exc:
        config(tmp_path, **keys)
    assert message in str(exc.value) and "briefgen.toml" in str(exc.value)


def test_auth_settings_that_do_not_fit(tmp_path) -> None:
    (tmp_path / "briefgen.toml").write_text('[smtp]\nauth = "xoauth2"\ntoken_command = ["t"]\n')
    with pytest.raises(MailInputError, match="needs user"):
        smtp.load_settings(root=tmp_path, env={})
    (tmp_path / "briefgen.toml").write_text('[smtp]\nuser = "u"\ntoken_command = ["t"]\n')
    with pytest.raises(MailInputError, match=r"briefgen.toml:3:1: error: smtp.token_command: token_command is set but "
                                             r"auth is 'password'"):
        smtp.load_settings(root=tmp_path, env={})
    # the environment may choose the mechanism; a token needs TLS off loopback like a password
    settings = smtp.load_settings(root=tmp_path, env={"BRIEFGEN_SMTP_AUTH": "XOAUTH2", "BRIEFGEN_SMTP_TLS": "none",
                                                      "BRIEFGEN_SMTP_HOST": "mail.example.org"})
    assert settings.auth == "xoauth2"
    with pytest.raises(MailInputError, match="the token would cross the network in clear text"):
        settings.with_credentials(env={})


# --------------------------------------------------------------------------- msal
class FakeMsal(types.ModuleType):
    """Stands in for the msal package: records what briefgen asks, answers ``result``."""

    def __init__(self, result):
        super().__init__("msal")
        self.result, self.calls = result, []
        fake = self

        class App:
            def __init__(self, client_id, client_credential=None, authority=None):
                fake.calls.append((type(self).__name__, client_id, client_credential, authority))

            def acquire_token_for_client(self, scopes):
                fake.calls.append(("client", scopes))
                return fake.result

            def initiate_device_flow(self, scopes):
                fake.calls.append(("device", scopes))
                return {"user_code": "ABCD", "message": "To sign in, open https://microsoft.com/devicelogin "
                                                        "and enter the code ABCD."}

            def acquire_token_by_device_flow(self, flow):
                fake.calls.append(("poll", flow["user_code"]))
                return fake.result

        self.ConfidentialClientApplication = type("ConfidentialClientApplication", (App,), {})
        self.PublicClientApplication = type("PublicClientApplication", (App,), {})


def test_msal_client_credentials(tmp_path, monkeypatch) -> None:
    fake = FakeMsal({"access_token": TOKEN, "expires_in": 3599})
    monkeypatch.setitem(sys.modules, "msal", fake)
    settings = config(tmp_path, msal_client_id='"app-1"', msal_tenant='"contoso.onmicrosoft.com"')
    with pytest.raises(MailInputError, match="needs the client secret: set BRIEFGEN_SMTP_CLIENT_SECRET"):
        settings.with_credentials(env={})
    ready = settings.with_credentials(env={"BRIEFGEN_SMTP_CLIENT_SECRET": "s3cret"})
    assert ready.token == TOKEN and ready.token_source == "msal"
    assert fake.calls[-2:] == [("ConfidentialClientApplication", "app-1", "s3cret",
                                "https://login.microsoftonline.com/contoso.onmicrosoft.com"), ("client", [SCOPE_APP])]
    assert SCOPE_APP == "https://outlook.office365.com/.default"


def test_msal_device_code_and_its_errors(tmp_path, monkeypatch) -> None:
    fake = FakeMsal({"access_token": TOKEN})
    monkeypatch.setitem(sys.modules, "msal", fake)
    settings = config(tmp_path, msal_client_id='"app-2"', msal_flow='"device_code"')
    shown: list[str] = []
    assert settings.with_credentials(env={}, notify=shown.append).token == TOKEN
    assert shown == ["To sign in, open https://microsoft.com/devicelogin and enter the code ABCD."]
    assert fake.calls == [("PublicClientApplication", "app-2", None, "https://login.microsoftonline.com/organizations"),
                          ("device", [SCOPE_DELEGATED]), ("poll", "ABCD")]
    fake.result = {"error": "invalid_grant", "error_description": "AADSTS70000: consent missing.\nTrace ID: 1"}
    with pytest.raises(DeliveryError) as exc:
        settings.with_credentials(env={}, notify=shown.append)
    assert str(exc.value) == (f"{tmp_path / 'briefgen.toml'}:5:1: [smtp] msal_client_id: Microsoft's identity platform "
                              f"gave no token: invalid_grant: AADSTS70000: consent missing.")


def test_msal_not_installed(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "msal", None)  # import msal raises ImportError
    settings = config(tmp_path, msal_client_id='"app-1"', msal_tenant='"t.example"')
    with pytest.raises(MailInputError, match=r"the msal package is not installed; install it with "
                                             r"pip install 'briefgen\[m365\]' \(or use token_command\)") as exc:
        settings.with_credentials(env={"BRIEFGEN_SMTP_CLIENT_SECRET": "x"})
    assert exc.value.exit_code == 2
