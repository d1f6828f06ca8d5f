"""A key judgment's portion mark starts the portion, before "KJn." (as a paragraph's mark starts
the paragraph), in the PDF (read back with pdftotext, in reading order), the HTML edition and
the email bodies alike; an audience without portion marks shows none."""

from __future__ import annotations

import re
import subprocess

import pytest
from htmlpage import Page

from briefgen.document import model as dm
from briefgen.document.portions import PortionMark


def pdftotext(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode("utf-8")


@pytest.mark.parametrize("audience", ["analyst", "executive"])
def test_the_mark_comes_before_the_label_in_pdf_html_and_email(built, editions, audience):
    from briefgen.deliver.mailbody import plain_body
    from briefgen.deliver.mailcontent import mail_content
    from briefgen.model.tlp import TLP

    document = built[audience].document
    judgments = list(document.key_judgments())
    assert judgments
    text = pdftotext(built[audience].pdf)
    page = Page(editions[audience])
    content = mail_content(document)
    plain = " ".join(plain_body(content, TLP.parse(document.marking), _Attachment()).split())
    for kj in judgments:
        assert kj.mark == (PortionMark(f"({kj.marking}) "),)
        assert not any(isinstance(run, PortionMark) for run in kj.statement)
        head = f"({kj.marking}) {kj.label}. " + (f"{kj.likelihood}: " if kj.likelihood else "")
        first_words = " ".join(dm.plain_text(kj.statement).split()[:4])
        assert re.search(re.escape(head) + r"\s*" + re.escape(first_words).replace(r"\ ", r"\s+"), text), head
        assert page.inner[kj.id].startswith(head + first_words), page.inner[kj.id][:80]
        assert head + first_words in plain
    assert not re.search(r"KJ\d+\. [^()\n]*: \(TLP:", text)


def test_no_mark_for_an_audience_without_portion_marks(built, editions):
    document = built["public"].document
    for kj in document.key_judgments():
        assert kj.mark == ()
        assert Page(editions["public"]).inner[kj.id].startswith(f"{kj.label}. ")
    assert "(TLP:" not in pdftotext(built["public"].pdf)


class _Attachment:
    """What the plain body says about the attached PDF (its words do not matter here)."""

    sha256 = "0" * 64

    def describe(self) -> str:
        return "peru-china.pdf"
