"""What was published stays on record: the edition record of an edition that was sent is never
replaced by a build that differs (a preview batch to another folder after the knowledge base
was edited again on the same briefing date), nor is a record
published in the project's output folder replaced by a build elsewhere; ``email --send`` run
again with nothing left to send (or run without ``--send`` to preview the same message) keeps the
.eml that was sent and names its Message-ID."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from editions_scenario import FIRST_DATE, SECOND_DATE, edit_knowledge_base, set_date

from briefgen.deliver.sendlog import read_log

pytestmark = pytest.mark.slow

SPEC = "specs/peru-china.yaml"
RECORD = Path("editions/peru-china/executive") / f"{SECOND_DATE}.json"


@pytest.fixture
def project(example_project: Path, monkeypatch):
    """The example, cwd its root, its own editions store, wide consoles -> (root, run)."""
    from rich.console import Console
    from typer.testing import CliRunner

    from briefgen.cli import app as cli
    from briefgen.cli import common

    root = example_project
    (root / "briefgen.toml").write_text('[smtp]\nhost = "127.0.0.1"\ntls = "none"\nfrom = "relay@example.org"\n')
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(root / "cache"))
    monkeypatch.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
    monkeypatch.chdir(root)
    monkeypatch.setattr(common, "out", Console(highlight=False, width=300))
    monkeypatch.setattr(common, "err", Console(stderr=True, highlight=False, width=300))

    def run(*args):
        return CliRunner().invoke(cli.app, [str(a) for a in args])

    return root, run


def edit_after_publishing(root: Path) -> None:
    """A claim the executive edition shows revised after its edition of 12 May was published."""
    claims = root / "assets" / "kb" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    assert text.count("value: 1300\n") == 1
    claims.write_text(text.replace("value: 1300\n", "value: 1400\n"), encoding="utf-8")


def publish_second_week(root: Path, run) -> None:
    """The executive edition of 5 May, then of 12 May built ``--since last``."""
    set_date(root, FIRST_DATE)
    assert run("build", SPEC, "-a", "executive").exit_code == 0
    edit_knowledge_base(root)
    set_date(root, SECOND_DATE)
    result = run("build", SPEC, "-a", "executive", "--since", "last")
    assert result.exit_code == 0, result.output
    assert "changes since" in result.output


def test_a_sent_editions_record_is_not_replaced_by_a_preview(project, smtp_server, monkeypatch, tmp_path) -> None:
    root, run = project
    monkeypatch.setenv("BRIEFGEN_SMTP_PORT", str(smtp_server.port))
    publish_second_week(root, run)
    sent = run("email", SPEC, "-a", "executive", "--send")
    assert sent.exit_code == 0, sent.output
    (entry,) = read_log(root / "output")
    assert entry["briefing_date"] == SECOND_DATE
    record = (root / RECORD).read_bytes()
    edit_after_publishing(root)

    preview = run("batch", "specs/", "--all-audiences", "-o", tmp_path / "elsewhere")
    assert preview.exit_code == 0, preview.output
    assert (root / RECORD).read_bytes() == record  # next week compares with what readers got
    note = (f"executive: the edition of {SECOND_DATE} was sent on {entry['time']} as message {entry['message_id']}; "
            f"its record is kept ({RECORD})")
    assert preview.output.count(note) == 1, preview.output
    assert "build with the same options, or change briefing.date" in preview.output
    assert "analyst:" not in preview.output  # its record is the same: filed as before, nothing to say


def test_a_published_record_is_kept_from_a_build_elsewhere_not_from_one_in_place(project, tmp_path) -> None:
    root, run = project
    publish_second_week(root, run)
    record = (root / RECORD).read_bytes()
    edit_after_publishing(root)
    elsewhere = run("build", SPEC, "-a", "executive", "-o", tmp_path / "elsewhere")
    assert elsewhere.exit_code == 0, elsewhere.output
    assert (root / RECORD).read_bytes() == record
    assert f"executive: the edition of {SECOND_DATE} is published in output; its record is kept" in elsewhere.output
    in_place = run("build", SPEC, "-a", "executive")  # a same-day rebuild of what is published: it replaces it
    assert in_place.exit_code == 0, in_place.output
    assert (root / RECORD).read_bytes() != record and "record is kept" not in in_place.output


def test_email_again_keeps_the_sent_eml_and_names_its_message(project, smtp_server, monkeypatch) -> None:
    root, run = project
    monkeypatch.setenv("BRIEFGEN_SMTP_PORT", str(smtp_server.port))
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # a new Message-ID every run
    first = run("email", SPEC, "-a", "analyst", "--send")
    assert first.exit_code == 0, first.output
    eml = root / "output" / "peru-china--analyst.eml"
    sent = eml.read_bytes()
    (entry,) = read_log(root / "output")
    assert email.message_from_bytes(sent, policy=email.policy.default)["Message-ID"] == entry["message_id"]

    again = run("email", SPEC, "-a", "analyst", "--send")
    assert again.exit_code == 0, again.output
    assert f"already sent analyst {entry['message_id']}: nothing left to send" in again.output
    assert eml.read_bytes() == sent
    assert len(smtp_server.messages) == 1 and len(read_log(root / "output")) == 1

    preview = run("email", SPEC, "-a", "analyst")  # no --send: a preview of the same message
    assert preview.exit_code == 0, preview.output
    assert f"already sent to every recipient as {entry['message_id']}: the .eml sent is kept" \
           in " ".join(preview.output.split())
    assert eml.read_bytes() == sent  # not replaced by a message nobody got

    draft = run("email", SPEC, "-a", "analyst", "--draft")  # a draft asked for is written
    assert draft.exit_code == 0, draft.output
    assert b"X-Unsent: 1" in eml.read_bytes() and "already sent" not in draft.output
    assert len(smtp_server.messages) == 1 and len(read_log(root / "output")) == 1

    # the .eml in place is now the draft: "kept" would be false; the message is written as delivered
    again = run("email", SPEC, "-a", "analyst")
    assert again.exit_code == 0, again.output
    assert "the .eml sent is kept" not in again.output
    written = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert written["Message-ID"] == entry["message_id"] and "X-Unsent" not in written
    as_delivered = eml.read_bytes()
    kept = run("email", SPEC, "-a", "analyst")  # and from then on it is the one kept
    assert "the .eml sent is kept" in " ".join(kept.output.split()) and eml.read_bytes() == as_delivered
