"""An audience's ``allowed_domains`` hold for every recipient at every TLP level: ``validate``
lists each outside address located at the recipient, ``email`` refuses before anything is
sent; a restricted banner needs ``allowed_domains``; a display name with a line break is named
as such, at its ``name`` key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from briefgen.deliver.distribution_checks import address_problems, domain_problems, one_edit_apart
from briefgen.errors import Problem
from briefgen.model.models import Distribution, Recipient
from briefgen.model.tlp import TLP

LEAKY = (
    "extends: peru-china.yaml\n"
    "audiences:\n"
    "  executive:\n"
    "    distribution:\n"
    "      to: [{name: Director, email: director-wh@example.org}, {name: Outsider, email: leak@gmail.com}]\n"
    "      cc: [{email: desk@exmple.org}]\n"
    "      bcc: [{email: quiet@example.org}, {email: x@sub.example.org}]\n")


KEY = "audiences.executive.distribution"


def column(line: int, text: str) -> int:
    """1-based column of ``text`` on ``line`` of :data:`LEAKY`."""
    return LEAKY.splitlines()[line - 1].index(text) + 1


def cli(*args: str):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def project(example_project, monkeypatch) -> Path:
    (example_project / "briefgen.toml").write_text('[smtp]\nhost = "127.0.0.1"\ntls = "none"\n')
    monkeypatch.chdir(example_project)
    return example_project


def test_validate_lists_every_recipient_outside_the_allowed_domains(project) -> None:
    (project / "specs" / "leaky.yaml").write_text(LEAKY)
    result = cli("validate", "specs/leaky.yaml", "--json")
    assert result.exit_code == 2
    errors = json.loads(result.stdout)["errors"]
    assert [(e["file"], e["line"], e["column"], e["key"], e["got"], e["suggestion"]) for e in errors] == [
        ("specs/leaky.yaml", 5, column(5, "leak@gmail.com"), f"{KEY}.to[1].email", "gmail.com", ""),
        ("specs/leaky.yaml", 6, column(6, "desk@exmple.org"), f"{KEY}.cc[0].email", "exmple.org",
         "desk@example.org"),  # one letter off: the did-you-mean
        ("specs/leaky.yaml", 7, column(7, "x@sub.example.org"), f"{KEY}.bcc[1].email", "sub.example.org",
         ""),  # a subdomain is another domain
    ]
    assert {e["expected"] for e in errors} == {"an address in example.org"}
    assert errors[0]["message"] == ("'leak@gmail.com' (to) is outside the allowed_domains of audience 'executive', "
                                    "so it may not receive that audience's briefing")
    assert {e["code"] for e in errors} == {"outside-allowed-domains"}
    human = cli("validate", "specs/leaky.yaml")
    assert f"specs/leaky.yaml:6:{column(6, 'desk@exmple.org')}  error  {KEY}.cc[0].email" in human.output
    assert "did you mean 'desk@example.org'?" in " ".join(human.output.split())


def test_email_refuses_an_amber_edition_to_an_outside_domain_and_sends_nothing(project, smtp_server,
                                                                                monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_SMTP_PORT", str(smtp_server.port))
    (project / "specs" / "leaky.yaml").write_text(LEAKY)
    result = cli("email", "specs/leaky.yaml", "-a", "executive", "--send")  # executive: TLP:AMBER
    assert result.exit_code == 2
    assert "3 error(s); nothing was written." in result.output
    assert smtp_server.messages == [] and smtp_server.handler.rcpt_attempts == []
    assert not (project / "output").exists()
    # inside the allowed domains, the same AMBER edition goes to exactly those recipients
    (project / "specs" / "leaky.yaml").write_text(LEAKY.replace("leak@gmail.com", "leak@example.org")
                                                  .replace("exmple", "example").replace("x@sub.", "x@"))
    result = cli("email", "specs/leaky.yaml", "-a", "executive", "--send")
    assert result.exit_code == 0, result.output
    (sent,) = smtp_server.messages
    assert sent.rcpt_tos == ["director-wh@example.org", "leak@example.org", "desk@example.org", "quiet@example.org",
                             "x@example.org"]
    assert sent.message["To"] == "Director <director-wh@example.org>, Outsider <leak@example.org>"
    assert sent.message["Subject"].startswith("[TLP:AMBER] ") and sent.message["Bcc"] is None


class Source:
    """Locates a key path at line = its length, for checking where problems point."""

    def problem(self, key, message, **kw) -> Problem:
        kw.pop("at_key", None)
        return Problem("spec.yaml", len(key), 1, ".".join(map(str, key)), message, **kw)


def test_the_rule_at_every_level_and_the_restricted_banners() -> None:
    fenced = Distribution(to=[Recipient(email="a@example.org"), Recipient(email="b@faß.de")],
                          bcc=[Recipient(email="c@examp1e.org")], allowed_domains=["example.org", "@faß.de"])
    for banner in (None, TLP.CLEAR, TLP.AMBER, TLP.RED):
        (problem,) = domain_problems("desk", fenced, Source(), banner=banner)
        assert (problem.key, problem.got, problem.suggestion) == (
            "audiences.desk.distribution.bcc.0.email", "examp1e.org", "c@example.org")
        assert problem.expected == "an address in example.org or faß.de (xn--fa-hia.de)"
    unfenced = Distribution(to=[Recipient(email="a@gmail.com")])
    assert domain_problems("desk", unfenced, Source(), banner=TLP.AMBER) == []
    for banner in (TLP.AMBER_STRICT, TLP.RED):
        (problem,) = domain_problems("desk", unfenced, Source(), banner=banner)
        assert (problem.key, problem.code, problem.expected) == (
            "audiences.desk.distribution", "no-allowed-domains", "allowed_domains: [your domain]")
        assert f"is marked {banner.label}, which is sent only to the audience's allowed_domains" in problem.message
    bad = Distribution(to=[Recipient(email="a@example.org")], allowed_domains=["example.org", "exa mple.org"])
    (problem,) = domain_problems("desk", bad, Source())
    assert (problem.key, problem.code) == ("audiences.desk.distribution.allowed_domains.1", "bad-domain")


def test_one_edit_apart() -> None:
    assert one_edit_apart("exmple.org", "example.org") and one_edit_apart("exampel.org", "example.org")
    assert one_edit_apart("examplex.org", "example.org") and one_edit_apart("exbmple.org", "example.org")
    assert not one_edit_apart("example.org", "example.org") and not one_edit_apart("gmail.com", "example.org")
    assert not one_edit_apart("exmpel.org", "example.org")  # two edits


def test_a_line_break_in_a_display_name_is_named_at_the_name_key() -> None:
    dist = Distribution(to=[Recipient(name="Ana\r\nBcc: eve@evil.example", email="ok@example.org")])
    (problem,) = address_problems("desk", dist, Source())
    assert problem.key == "audiences.desk.distribution.to.0.name"
    assert problem.message == ("the display name 'Ana\\r\\nBcc: eve@evil.example' of 'ok@example.org' contains a "
                               "line break or control character: write the name on one line")


# ------------------------------------------------------------------------------------ one mailbox twice
def test_one_mailbox_twice_in_to_and_cc_is_a_warning_and_in_bcc_an_error() -> None:
    from briefgen.deliver.distribution_checks import duplicate_problems

    dist = Distribution(to=[Recipient(email="a@example.org"), Recipient(email="A@EXAMPLE.org")],
                        cc=[Recipient(email="a@example.org")], bcc=[Recipient(email="a@Example.ORG")])
    found = duplicate_problems("desk", dist, Source())
    assert [(p.key, p.severity, p.code, p.got) for p in found] == [
        ("audiences.desk.distribution.to.1.email", "warning", "duplicate-recipient", "to[0] and to[1]"),
        ("audiences.desk.distribution.cc.0.email", "warning", "duplicate-recipient", "to[0] and cc[0]"),
        ("audiences.desk.distribution.bcc.0.email", "error", "bcc-recipient-shown", "to[0] and bcc[0]")]
    assert found[0].message == ("'A@EXAMPLE.org' (to[1]) is the same mailbox as 'a@example.org' (to[0]; compared "
                                "without case): it gets one copy, but the headers would list it twice; remove to[1]")
    assert found[2].message.endswith("Bcc hides a recipient from the others, but To names it to all of them; "
                                     "remove bcc[0] to show it, or to[0] to keep it hidden")


def test_different_mailboxes_and_domains_are_not_duplicates() -> None:
    from briefgen.deliver.distribution_checks import duplicate_problems

    dist = Distribution(to=[Recipient(email="a@example.org"), Recipient(email="a@faß.de")],
                        cc=[Recipient(email="a.b@example.org"), Recipient(email="a@fass.de")],  # IDNA 2008: not faß.de
                        bcc=[Recipient(email="b@example.org"), Recipient(email="not an address")])
    assert duplicate_problems("desk", dist, Source()) == []
    same_idn = Distribution(to=[Recipient(email="a@faß.de")], bcc=[Recipient(email="a@xn--fa-hia.de")])
    (problem,) = duplicate_problems("desk", same_idn, Source())
    assert (problem.code, problem.key) == ("bcc-recipient-shown", "audiences.desk.distribution.bcc.0.email")
    twice_in_bcc = Distribution(to=[Recipient(email="a@example.org")],
                                bcc=[Recipient(email="q@example.org"), Recipient(email="Q@example.org")])
    (problem,) = duplicate_problems("desk", twice_in_bcc, Source())
    assert (problem.code, problem.severity, problem.key) == (
        "duplicate-recipient", "warning", "audiences.desk.distribution.bcc.1.email")
    assert "the Bcc list would list it twice; remove bcc[1]" in problem.message


DUPLICATES = (
    "extends: peru-china.yaml\n"
    "audiences:\n"
    "  executive:\n"
    "    distribution:\n"
    "      to: [{email: director-wh@example.org}, {email: Director-WH@EXAMPLE.org}]\n"
    "      cc: [{email: andean-team@example.org}]\n"
    "      bcc: [{email: director-wh@example.org}]\n")


def test_validate_locates_each_duplicate_and_email_refuses_a_bcc_recipient_in_to(project) -> None:
    (project / "specs" / "dups.yaml").write_text(DUPLICATES)
    result = cli("validate", "specs/dups.yaml", "--json")
    assert result.exit_code == 2
    doc = json.loads(result.stdout)
    lines = DUPLICATES.splitlines()
    assert [(e["line"], e["column"], e["key"], e["code"]) for e in doc["errors"]] == [
        (7, lines[6].index("director-wh@") + 1, f"{KEY}.bcc[0].email", "bcc-recipient-shown")]
    assert [(w["line"], w["column"], w["key"], w["code"]) for w in doc["warnings"]
            if w["code"] == "duplicate-recipient"] == [
        (5, lines[4].index("Director-WH@") + 1, f"{KEY}.to[1].email", "duplicate-recipient")]
    refused = cli("email", "specs/dups.yaml", "-a", "executive", "-o", "out")
    assert refused.exit_code == 2 and not (project / "out").exists()
    assert "remove bcc[0] to show it, or to[0] to keep it hidden" in refused.output
