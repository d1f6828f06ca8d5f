"""Subjects and display names read back exactly from the bytes sent (issue: a space lost before
a CJK word in a folded subject): every message is parsed with ``email.policy.default`` and the
decoded Subject and names compared with what was composed."""

from __future__ import annotations

import email
import email.policy
import random
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage

import pytest

from briefgen.deliver import mail
from briefgen.deliver.addresses import addressing
from briefgen.deliver.attachment import AttachmentInfo
from briefgen.deliver.mailcontent import MailContent
from briefgen.deliver.mailheaders import MAIL_POLICY
from briefgen.model.models import Distribution, Recipient

SUBJECTS = [
    "Perú–China: López Aliaga ✓ Peru: Beijing's Stake in Lima's Mayor and the Race for 2026 — 中国五矿 (public "
    "release) très long sujet avec beaucoup de mots",
    "تقرير موجز عن الصين و بيرو — ملخص 2026 with English words between the Arabic ones and more text after",
    "中国五矿 " * 30,
    "a  b   c (two and three spaces) " + "word " * 20 + "中 文",
    "literal =?utf-8?q?x?= is not decoded, nor _under_ or =3D",
    "https://example.org/" + "x" * 120 + " after a long URL",
    "short",
]
NAMES = ["López Aliaga — 中国五矿 team", "Desk, Andean (cell)", "ملخص الفريق", "中" * 60, "Plain Name"]


def sent(subject: str, names: list[str]) -> EmailMessage:
    addrs = addressing(Distribution(sender=Recipient(name=names[0], email="desk@example.org"),
                                    to=[Recipient(name=n, email=f"r{i}@example.org") for i, n in enumerate(names)]))
    msg = mail.compose(MailContent("b", "a", "T"), addrs, banner="TLP:AMBER", subject=subject,
                       attachment=AttachmentInfo("a.pdf", b"%PDF"), now=datetime(2026, 1, 1, tzinfo=UTC))
    return email.message_from_bytes(mail.message_bytes(mail.wire_copy(msg)), policy=email.policy.default)


@pytest.mark.parametrize("subject", SUBJECTS, ids=range(len(SUBJECTS)))
def test_subjects_and_names_read_back_exactly(subject) -> None:
    back = sent(subject, NAMES)
    assert str(back["Subject"]) == mail.subject_line("TLP:AMBER", subject)
    assert [a.display_name for a in back["To"].addresses] == NAMES
    assert back["From"].addresses[0].display_name == NAMES[0]


def test_the_reported_subject_keeps_its_space_and_lines_stay_short() -> None:
    raw = mail.message_bytes(mail.wire_copy(mail.compose(
        MailContent("b", "a", "T"), addressing(Distribution(sender=Recipient(email="d@example.org"),
                                                            to=[Recipient(email="p@example.org")])),
        banner="TLP:CLEAR", subject=SUBJECTS[0], attachment=AttachmentInfo("a.pdf", b"%PDF"))))
    head = raw.split(b"\r\n\r\n")[0]
    assert "2026 — 中国五矿 (public" in str(email.message_from_bytes(raw, policy=email.policy.default)["Subject"])
    assert max(len(x) for x in head.split(b"\r\n")) <= 78
    assert b"Subject: [TLP:CLEAR] " in head and head.isascii()


@pytest.mark.slow
def test_random_mixtures_read_back() -> None:
    words = ["Perú–China:", "López", "✓", "Beijing's", "—", "中国五矿", "(public", "très", "تقرير", "2026",
             "[TLP:CLEAR]", "=?utf-8?q?x?=", "x" * 80, "a,b", '"q"', "😀", "_x_", "é" * 40]
    rng = random.Random(7)
    for _ in range(300):  # the headers alone (compose is tested above): Python's folding fails most of these
        subject = "".join(rng.choice(words) + rng.choice([" ", " ", "  "]) for _ in range(rng.randint(1, 25))).strip()
        names = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 6))) for _ in range(2)]
        msg = EmailMessage(policy=MAIL_POLICY)
        msg["Subject"] = subject
        msg["To"] = [Address(n, addr_spec=f"r{i}@example.org") for i, n in enumerate(names)]
        raw = mail.message_bytes(msg)
        back = email.message_from_bytes(raw, policy=email.policy.default)
        assert str(back["Subject"]) == subject and [a.display_name for a in back["To"].addresses] == names
        assert max(len(x) for x in raw.split(b"\r\n")) <= 900


def test_plain_ascii_headers_are_written_as_python_writes_them() -> None:
    for subject in ("[TLP:AMBER] Peru-China briefing (analyst edition)", "x " * 50):
        ours, theirs = EmailMessage(policy=MAIL_POLICY), EmailMessage(policy=email.policy.SMTP)
        for m in (ours, theirs):
            m["Subject"] = subject.strip()
            m["To"] = "Ana Desk <ana@example.org>, \"Cell, China\" <c@example.org>"
        assert bytes(ours) == bytes(theirs)
