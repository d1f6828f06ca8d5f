"""The two bodies of a briefing email, from its :class:`~briefgen.deliver.mailcontent.MailContent`.

Both start and end with the TLP 2.0 label (the banner level, in the TLP 2.0 colours in
HTML) and state its sharing rule first, as TLP 2.0 asks; then the title block, the BLUF,
the key judgments numbered as the PDF numbers them ("KJ1." before the likelihood words,
after the portion mark where the audience has them),
and a note naming the attached PDF with its SHA-256.

A build that compared editions (``--since``) opens both with what changed, after the title
block.

* :func:`plain_body`: text/plain, wrapped at 76 columns; emphasis shows as plain text, a
  link as ``text (address)``.
* :func:`html_body`: text/html from the template ``templates/email.html.j2`` (shipped as
  package data), rendered by a plain autoescaping Jinja2 environment: it is briefgen's own
  template, never an author's. Every text is escaped; bold and italic runs become ``<b>``
  and ``<i>``; links become ``<a href>`` for http, https and mailto addresses only (any
  other link shows its text). Styles are inline, for mail clients.

Both are functions of their inputs only (deterministic).
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from briefgen.deliver.attachment import AttachmentInfo
from briefgen.deliver.mailcontent import MailBlock, MailContent
from briefgen.document.model import Link, Run, Runs, plain_text
from briefgen.model.tlp import TLP
from briefgen.model.urls import safe_link

if TYPE_CHECKING:  # pragma: no cover
    import jinja2

SHARING = {
    TLP.CLEAR: "Recipients can spread this to the world; there is no limit on disclosure.",
    TLP.GREEN: "Limited disclosure: recipients can spread this within their community, "
               "but not via publicly accessible channels.",
    TLP.AMBER: "Limited disclosure: recipients can only spread this on a need-to-know basis "
               "within their organization and its clients.",
    TLP.AMBER_STRICT: "Limited disclosure, restricted to the organization: recipients can only "
                      "spread this on a need-to-know basis within their organization, not to its clients.",
    TLP.RED: "For the eyes and ears of individual recipients only, no further disclosure.",
}
"""The TLP 2.0 sharing rule printed under the label, per level (FIRST's wording)."""

LINK_SCHEMES = ("http://", "https://", "mailto:")
"""Addresses that become links in a body; any other (an in-document ``#anchor``) shows its text."""

TEMPLATE = "email.html.j2"
"""The HTML body's template, in ``briefgen/deliver/templates/``."""

_WIDTH = 76


# --------------------------------------------------------------------------- runs
@dataclass(frozen=True)
class RunGroup:
    """Neighbouring runs of one link (``href``; its pieces may differ in emphasis), or one
    run outside any link (``href`` empty)."""

    href: str
    runs: tuple[Run, ...]


def link_groups(runs: Runs) -> list[RunGroup]:
    """``runs`` with neighbouring link runs to the same address grouped (so a link whose
    text changes emphasis is still one link); every other run is a group of its own."""
    out: list[RunGroup] = []
    for run in runs:
        if isinstance(run, Link) and out and out[-1].href == run.href:
            out[-1] = RunGroup(run.href, out[-1].runs + (run,))
        else:
            out.append(RunGroup(run.href if isinstance(run, Link) else "", (run,)))
    return out


def mail_link(href: str) -> bool:
    """True when ``href`` may be a link in a body (http, https or mailto, and safe:
    :func:`briefgen.model.urls.safe_link`)."""
    return href.lower().startswith(LINK_SCHEMES) and safe_link(href)


def runs_plain(runs: Runs) -> str:
    """``runs`` as plain text: emphasis dropped, a link as ``text (address)`` (just the
    address when that is its text), a cross-reference as its label, citations left out."""
    out: list[str] = []
    for group in link_groups(runs):
        if group.href:
            text = "".join(r.text for r in group.runs if isinstance(r, Link))
            out.append(text if text == group.href or not mail_link(group.href) else f"{text} ({group.href})")
            continue
        out.append(plain_text(group.runs))
    return "".join(out)


# --------------------------------------------------------------------------- text/plain
def plain_body(content: MailContent, banner: TLP, attachment: AttachmentInfo) -> str:
    """The text/plain body: TLP label and rule, title block, BLUF, key judgments, attachment note."""
    out = [banner.label, _wrap(SHARING[banner]), "", _wrap(content.title)]
    if content.subtitle:
        out.append(_wrap(content.subtitle))
    out.append(dateline(content))
    if content.changes_title:  # briefgen build --since: the body opens with what changed
        out += ["", content.changes_title.upper(), ""]
        out += [_wrap(runs_plain(runs), "  ", "- ") for runs in content.changes] or [_wrap(content.changes_empty)]
    if content.bluf:
        out += ["", content.bluf_title.upper(), ""]
        out += _plain_blocks(content.bluf)
    if content.judgments:
        out += ["", content.judgments_title.upper(), ""]
        if content.judgments_intro:
            out += _plain_blocks(content.judgments_intro) + [""]
        for j in content.judgments:
            head = runs_plain(j.mark) + f"{j.label}. " + (f"{j.words}: " if j.words else "")
            out += [_wrap(head + runs_plain(j.statement), "      ", ""), ""]
        out.pop()
    out += ["", _wrap(f"The full briefing is attached: {attachment.describe()}. "
                      f"Sources and citations are in the PDF."),
            f"SHA-256: {attachment.sha256}", "", banner.label, ""]
    return "\n".join(out)


def _plain_blocks(blocks: tuple[MailBlock, ...]) -> list[str]:
    """Paragraphs, and bullet items marked ``- ``, each followed by a blank line but the last."""
    out: list[str] = []
    for block in blocks:
        for runs in block.items:
            text = runs_plain(runs)
            out += [_wrap(text, "  ", "- ") if block.bullet else _wrap(text), ""]
    return out[:-1]


def _wrap(text: str, indent: str = "", first: str | None = None) -> str:
    return textwrap.fill(" ".join(text.split()), width=_WIDTH, initial_indent=first if first is not None else indent,
                         subsequent_indent=indent, break_long_words=False, break_on_hyphens=False)


def dateline(content: MailContent) -> str:
    """``12 May 2025 · Latin America Desk`` (either part may be missing)."""
    return " · ".join(x for x in (content.date, content.desk) if x)


# --------------------------------------------------------------------------- text/html
def html_body(content: MailContent, banner: TLP, attachment: AttachmentInfo) -> str:
    """The text/html alternative: the same content from :data:`TEMPLATE`, every text escaped."""
    return _template().render(content=content, attachment=attachment, label=banner.label, colour=banner.colour,
                              rule=SHARING[banner], dateline=dateline(content))


@lru_cache(maxsize=1)
def _template() -> "jinja2.Template":
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("briefgen.deliver", "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True)
    env.filters["link_groups"] = link_groups

    env.tests["mail_link"] = mail_link
    return env.get_template(TEMPLATE)
