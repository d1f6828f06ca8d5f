"""Author text -> ReportLab paragraph markup, showing everything literally except the one
documented markup:

* ``**bold**`` and ``*italic*``;
* ``[link text](https://example.org/?a=1&b=2)``; bare ``http(s)://`` URLs become links too;
* a backslash before ``*``, ``[`` or ``\\`` prints that character literally;
* a blank line starts a new paragraph, a line break inside one is kept; lines starting
  with ``- `` are bullet items.

Anything else (``AT&T``, ``0.1 <A <0.9``, ``Tom <tom@example.org>``, ``<b>``) is escaped
and printed exactly as written. Citation and figure-reference tokens made by
:mod:`briefgen.text.tokens` are replaced through the callbacks given.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from briefgen.compat.xmlescape import escape, quoteattr
from briefgen.text.tokens import TOKEN_CLOSE, TOKEN_OPEN

TOKEN = re.compile(f"{TOKEN_OPEN}(cite|ref):([^{TOKEN_CLOSE}]*){TOKEN_CLOSE}")
"""A citation (``cite:id,id``) or cross-reference (``ref:id``) token in inline text."""
_TOKEN = TOKEN
_ESCAPES = {"\\*": "\ue010", "\\[": "\ue011", "\\\\": "\ue012", "\\_": "\ue013"}
_UNESCAPE = {"\ue010": "*", "\ue011": "[", "\ue012": "\\", "\ue013": "_"}
_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+|mailto:[^)\s]+|#[\w.-]+)\)")
_BARE_URL = re.compile(r"(?<![\"'=\w])(https?://[^\s<>\"]+[^\s<>\".,;:!?)\]])")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
# compiled once: re's own cache of 512 patterns thrashes when thousands of claims are marked up
_BLANK_LINE = re.compile(r"\n\s*\n")
_KEPT = re.compile(r"(\ue020\d+\ue021)")
"""A link kept aside while the rest is escaped (split on it, keeping it)."""
_KEPT_INDEX = re.compile(r"\ue020(\d+)\ue021")


def paragraphs(text: str) -> list[tuple[str, str]]:
    """Split inline text into ``(kind, text)`` blocks: kind ``"p"`` or ``"bullet"``.

    A blank line starts a new block; a line starting with ``- `` is a bullet item (an
    indented line after it continues the item); the other lines of a block form one
    paragraph whose line breaks are kept (``"\n"`` in its text): a ``|`` block's numbered
    lines stay separate lines. Spaces around each line are dropped."""
    return [(kind, block) for kind, block, _ in paragraph_spans(text)]


def paragraph_spans(text: str) -> list[tuple[str, str, tuple[int, int]]]:
    """:func:`paragraphs`, each block with the ``(start, end)`` character range of ``text``
    its lines come from (end exclusive, line ends included), for what is recorded by
    position in the text (:mod:`briefgen.document.paragraph_uses`)."""
    blocks: list[tuple[str, str, tuple[int, int]]] = []
    lead = len(text) - len(text.lstrip())
    stripped = text.strip()
    starts = [0] + [m.end() for m in _BLANK_LINE.finditer(stripped)]
    ends = [m.start() for m in _BLANK_LINE.finditer(stripped)] + [len(stripped)]
    for chunk_start, chunk_end in zip(starts, ends, strict=True):
        chunk = stripped[chunk_start:chunk_end]
        lines: list[str] = []  # of the paragraph being read
        span: tuple[int, int] | None = None  # its range
        first = len(blocks)  # the blocks of this chunk start here
        offset = lead + chunk_start
        for raw_with_end in chunk.splitlines(keepends=True):
            here = (offset, offset + len(raw_with_end))
            offset += len(raw_with_end)
            raw = raw_with_end.rstrip("\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
            line = raw.strip()
            if not line:
                continue
            if line.startswith("- "):
                if lines:
                    blocks.append(("p", "\n".join(lines), span or here))
                    lines, span = [], None
                blocks.append(("bullet", line[2:].strip(), here))
            elif raw[:1].isspace() and len(blocks) > first and blocks[-1][0] == "bullet" and not lines:
                kind, item, (item_start, _) = blocks[-1]
                blocks[-1] = ("bullet", item + "\n" + line, (item_start, here[1]))  # an item's continued line
            else:
                lines.append(line)
                span = here if span is None else (span[0], here[1])
        if lines:
            blocks.append(("p", "\n".join(lines), span or (offset, offset)))
    return blocks


def to_markup(text: str, *, cite: Callable[[tuple[str, ...]], str] | None = None,
              ref: Callable[[str], str] | None = None, link_colour: str = "#1F4E79") -> str:
    """ReportLab paragraph markup for one block of inline text (see module doc).

    ``cite(claim_ids)`` and ``ref(figure_id)`` return markup for tokens; without them a
    token is dropped.
    """
    out = []
    pos = 0
    for m in _TOKEN.finditer(text):
        out.append(_markup_plain(text[pos:m.start()], link_colour))
        kind, arg = m.group(1), m.group(2)
        if kind == "cite" and cite is not None:
            out.append(cite(tuple(a for a in arg.split(",") if a)))
        elif kind == "ref" and ref is not None:
            out.append(ref(arg))
        pos = m.end()
    out.append(_markup_plain(text[pos:], link_colour))
    return "".join(out)


def _markup_plain(text: str, link_colour: str) -> str:
    if not text:
        return ""
    for k, v in _ESCAPES.items():
        text = text.replace(k, v)
    links: list[str] = []

    def keep(markup: str) -> str:
        links.append(markup)
        return f"\ue020{len(links) - 1}\ue021"

    def link(m: re.Match) -> str:
        label = _emphasis(escape(m.group(1)))
        return keep(f'<a href={quoteattr(_restore(m.group(2)))} color="{link_colour}">{label}</a>')

    def bare(m: re.Match) -> str:
        url = _restore(m.group(1))
        return keep(f'<a href={quoteattr(url)} color="{link_colour}">{escape(url)}</a>')

    text = _LINK.sub(link, text)
    text = _BARE_URL.sub(bare, text)
    # escape everything that is not a kept link, then apply emphasis
    parts = _KEPT.split(text)
    text = "".join(p if _KEPT_INDEX.fullmatch(p) else escape(p) for p in parts)
    text = _emphasis(text)
    text = _KEPT_INDEX.sub(lambda m: links[int(m.group(1))], text)
    return _restore(text)


def _emphasis(text: str) -> str:
    text = _BOLD.sub(r"<b>\1</b>", text)
    return _ITALIC.sub(r"<i>\1</i>", text)


def _restore(text: str) -> str:
    for k, v in _UNESCAPE.items():
        text = text.replace(k, v)
    return text


def plain(text: str) -> str:
    """Markup for text that takes no author markup at all (names, titles, table cells)."""
    return escape(text)


def strip_tokens(text: str, figures: dict[str, int] | None = None) -> str:
    """Remove citation tokens from inline text; figure references become "Figure N"."""
    figures = figures or {}

    def repl(m: re.Match) -> str:
        if m.group(1) == "ref":
            n = figures.get(m.group(2))
            return f"Figure {n}" if n is not None else "the figure"
        return ""

    return _TOKEN.sub(repl, text)


def to_plain(text: str) -> str:
    """Inline text as plain text (email bodies): bold and italic markers dropped,
    ``[text](url)`` -> ``text (url)``, backslash escapes resolved, tokens removed."""
    text = strip_tokens(text)
    for k, v in _ESCAPES.items():
        text = text.replace(k, v)
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} ({m.group(2)})", text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    return _restore(text)
