"""Inline text -> runs.

Inline text is what templates render and what knowledge-base fields hold: author markup
(``**bold**``, ``*italic*``, ``[text](url)``, bare URLs, backslash escapes; see
:mod:`briefgen.text.inline`) and the citation / cross-reference tokens templates emit.
:func:`inline_runs` turns one block of it into document runs, reading the markup exactly
as :func:`briefgen.text.inline.to_markup` does (the same expressions decide what is bold,
italic or a link), so every renderer shows what the author wrote.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable

from briefgen.document.direction import without_explicit_controls
from briefgen.document.model import Citation, CrossRef, LineBreak, Link, Run, Runs, Text
from briefgen.text.inline import TOKEN, to_markup

LINE_SEPARATOR = "\u2028"
"""A line break inside a block, while its markup is read (a line separator: the markup's
expressions see it as white space, as they saw the space that once joined the lines)."""
_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n?|\n)[ \t]*")
_END_BREAKS = re.compile(r"^\s*[\r\n]\s*|\s*[\r\n]\s*$")
"""Line breaks (and the white space around them) that open or close a block: a ``|``
block's final newline is no line of its own."""

_MARKUP_SIGNS = re.compile(r"[*\[\\" + "\ue010-\ue013\ue020\ue021" + LINE_SEPARATOR + r"]|://")
"""What can make inline text more than one plain run: emphasis, links (``[``, bare ``://``
addresses), backslash escapes, a line break, and the private-use characters
:mod:`briefgen.text.inline` stands in with while it reads."""
_COLOUR = "#000001"  # a placeholder link colour, stripped while reading the markup back
_PIECE = re.compile(r'<(/?)(b|i)>|<a href=("[^"]*"|\'[^\']*\') color="' + _COLOUR + r'">|(</a>)|([^<]+)')


def inline_runs(text: str, *, cite: Callable[[tuple[str, ...]], Citation] | None = None,
                ref: Callable[[str], CrossRef] | None = None) -> Runs:
    """The runs of one block of inline ``text`` (one paragraph or list item).

    ``cite(claim_ids)`` makes the :class:`Citation` of a citation token (numbering its
    sources), ``ref(target_id)`` the :class:`CrossRef` of a reference token; without them
    those tokens are dropped. Adjacent text of the same emphasis is one run. A line break
    in ``text`` (the spaces around it dropped) is a :class:`LineBreak` run: the lines of a
    paragraph, list item or claim stay separate lines. Explicit bidi controls are dropped, but
    for the isolates around inserted values (:func:`~briefgen.document.direction.without_explicit_controls`).
    Without ``cite`` and ``ref`` the runs of a text are read once per process (:func:`_token_free_runs`).
    """
    if cite is None and ref is None:
        return _token_free_runs(text)
    return _read_runs(text, cite, ref)


@functools.lru_cache(maxsize=32_768)
def _token_free_runs(text: str) -> Runs:
    """:func:`inline_runs` of ``text`` without citation or reference makers, kept: a claim's
    statement is read for its table row and again for the edition record (10,000 claims: 20,000
    readings of 10,000 texts); the runs are immutable, so one tuple serves both."""
    return _read_runs(text, None, None)


def _read_runs(text: str, cite: Callable[[tuple[str, ...]], Citation] | None,
               ref: Callable[[str], CrossRef] | None) -> Runs:
    runs: list[Run] = []
    pos = 0
    text = without_explicit_controls(text)
    text = _LINE_BREAKS.sub(LINE_SEPARATOR, _END_BREAKS.sub("", text))
    for m in TOKEN.finditer(text):
        runs += _plain_runs(text[pos:m.start()])
        kind, arg = m.group(1), m.group(2)
        if kind == "cite" and cite is not None:
            runs.append(cite(tuple(a for a in arg.split(",") if a)))
        elif kind == "ref" and ref is not None:
            runs.append(ref(arg))
        pos = m.end()
    runs += _plain_runs(text[pos:])
    return tuple(_merge(runs))


def text_runs(text: str, *, bold: bool = False, italic: bool = False) -> Runs:
    """Runs for text that takes no author markup (names, titles, dates): one run, or none
    for empty text; explicit bidi controls dropped, as in :func:`inline_runs`."""
    text = without_explicit_controls(text)
    return (Text(text, bold=bold, italic=italic),) if text else ()


def _plain_runs(text: str) -> list[Run]:
    """Runs of token-free inline text, read back from its paragraph markup (text with nothing the
    markup reads, :data:`_MARKUP_SIGNS`, is one plain run: what reading it back gives)."""
    if not text:
        return []
    if not _MARKUP_SIGNS.search(text):
        return [Text(text, bold=False, italic=False)]
    markup = to_markup(text, link_colour=_COLOUR)
    out: list[Run] = []
    bold = italic = 0
    href: str | None = None
    for m in _PIECE.finditer(markup):
        closing, tag, link, end_link, chars = m.groups()
        if tag == "b":
            bold += -1 if closing else 1
        elif tag == "i":
            italic += -1 if closing else 1
        elif link is not None:
            href = html.unescape(link[1:-1])
        elif end_link is not None:
            href = None
        elif chars:
            for n, value in enumerate(html.unescape(chars).split(LINE_SEPARATOR)):
                if n:
                    out.append(LineBreak())
                if not value:
                    continue
                if href is not None:
                    out.append(Link(value, href, bold=bold > 0, italic=italic > 0))
                else:
                    out.append(Text(value, bold=bold > 0, italic=italic > 0))
    return out


def _merge(runs: list[Run]) -> list[Run]:
    """Join neighbouring runs that differ only in their text (a link's pieces stay one link
    when the same address continues)."""
    out: list[Run] = []
    for run in runs:
        last = out[-1] if out else None
        if isinstance(run, Text) and isinstance(last, Text) and (last.bold, last.italic) == (run.bold, run.italic):
            out[-1] = Text(last.text + run.text, bold=run.bold, italic=run.italic)
        elif (isinstance(run, Link) and isinstance(last, Link) and last.href == run.href
              and (last.bold, last.italic) == (run.bold, run.italic)):
            out[-1] = Link(last.text + run.text, run.href, bold=run.bold, italic=run.italic)
        else:
            out.append(run)
    return out
