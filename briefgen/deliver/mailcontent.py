"""What a briefing email says, taken from the briefing's document alone.

:func:`mail_content` reads one audience's :class:`~briefgen.document.model.Document` (the
same document the PDF is laid out from) and keeps what the email bodies show:

* the title block: title, subtitle, date and desk;
* the BLUF: the section with id ``bluf``, else the first top-level ``text`` section that
  has paragraphs; its paragraphs and bullet lists (not its figures or subsections);
* the key judgments: every :class:`~briefgen.document.model.KeyJudgment` of the document,
  with the number the document gave it (``KJ1`` ...) and its ICD 203 likelihood words,
  under the title and introduction of the first ``key_judgments`` section;
* what changed since the edition the build compared with (``briefgen build --since``): the
  :class:`~briefgen.document.changes.ChangeSummary`'s title and items, which the bodies
  open with.

Text stays as document runs. Citations are left out (the sources are in the attached
PDF); cross-references keep their label ("Figure 2"), which the bodies print as text.
Nothing here resolves, renders or lays out the briefing again.
"""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.document.changes import ChangeSummary
from briefgen.document.model import BulletList, Citation, Document, Paragraph, Run, Runs, Section, Text


@dataclass(frozen=True)
class MailBlock:
    """A paragraph (``items`` holds its one run sequence) or, when ``bullet``, a bullet list
    (one run sequence per item)."""

    items: tuple[Runs, ...]
    bullet: bool = False


@dataclass(frozen=True)
class Judgment:
    """One key judgment: its document ``number``, ICD 203 ``words`` (capitalised; empty for a
    plain fact), its ``statement`` runs (no citations), the claim id and its portion ``mark``
    (printed first, before the label; empty when the audience's portions are not marked)."""

    number: int
    words: str
    statement: Runs
    claim_id: str = ""
    mark: Runs = ()

    @property
    def label(self) -> str:
        """``KJ1``: the label the PDF prints before the judgment (followed by a full stop)."""
        return f"KJ{self.number}"


@dataclass(frozen=True)
class MailContent:
    """What the bodies say, from one audience's document. Text is runs without citations."""

    briefing_id: str
    audience: str
    title: str
    subtitle: str = ""
    date: str = ""
    desk: str = ""
    language: str = "en"
    bluf_title: str = ""
    bluf: tuple[MailBlock, ...] = ()
    judgments_title: str = ""
    judgments_intro: tuple[MailBlock, ...] = ()
    judgments: tuple[Judgment, ...] = ()
    changes_title: str = ""
    """"What changed since <date>" when the document has a change summary, else ""."""
    changes: tuple[Runs, ...] = ()
    changes_empty: str = ""
    """What the summary says when nothing changed."""


def mail_content(document: Document) -> MailContent:
    """The body content of ``document`` (see the module doc for what is kept)."""
    sections = document.all_sections()
    bluf = next((s for s in sections if s.section == "bluf"), None)
    if bluf is None:
        bluf = next((s for s in document.sections if s.kind == "text" and text_blocks(s)), None)
    kj_sections = [s for s in sections if s.kind == "key_judgments"]
    judgments = tuple(Judgment(kj.number, kj.likelihood, without_citations(kj.statement), kj.claim, kj.mark)
                      for kj in document.key_judgments())
    cover = document.cover
    summary = next((b for b in document.blocks() if isinstance(b, ChangeSummary)), None)
    return MailContent(
        briefing_id=document.briefing, audience=document.audience, title=document.title,
        subtitle=cover.subtitle, date=document.date, desk=cover.desk, language=document.language,
        bluf_title=bluf.title if bluf else "",
        bluf=text_blocks(bluf) if bluf else (),
        judgments_title=kj_sections[0].title if kj_sections else "",
        judgments_intro=text_blocks(kj_sections[0]) if kj_sections else (),
        judgments=judgments,
        changes_title=summary.title if summary else "",
        changes=tuple(without_citations(item.runs) for item in summary.items) if summary else (),
        changes_empty=summary.empty_text if summary else "",
    )


def text_blocks(section: Section) -> tuple[MailBlock, ...]:
    """The paragraphs and bullet lists of ``section``'s own text (in reading order), without
    citations; paragraphs left empty by that are dropped."""
    out: list[MailBlock] = []
    for block in section.blocks:
        if isinstance(block, Paragraph):
            runs = without_citations(block.runs)
            if runs:
                out.append(MailBlock((runs,)))
        elif isinstance(block, BulletList):
            items = tuple(r for r in (without_citations(item.runs) for item in block.items) if r)
            if items:
                out.append(MailBlock(items, bullet=True))
    return tuple(out)


def without_citations(runs: Runs) -> Runs:
    """``runs`` with every citation dropped and the text on either side joined into one run
    where the emphasis is the same; leading and trailing white space trimmed."""
    out: list[Run] = []
    for run in runs:
        if isinstance(run, Citation):
            continue
        last = out[-1] if out else None
        if type(run) is Text and type(last) is Text and (last.bold, last.italic) == (run.bold, run.italic):
            out[-1] = Text(last.text + run.text, bold=run.bold, italic=run.italic)
        else:
            out.append(run)
    if out and type(out[0]) is Text:
        out[0] = Text(out[0].text.lstrip(), bold=out[0].bold, italic=out[0].italic)
    if out and type(out[-1]) is Text:
        out[-1] = Text(out[-1].text.rstrip(), bold=out[-1].bold, italic=out[-1].italic)
    return tuple(r for r in out if not (type(r) is Text and not r.text))

