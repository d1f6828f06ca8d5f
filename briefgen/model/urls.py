"""Web addresses: which ones the knowledge base accepts, and which ones an output may link to.

One policy, used at every stage a user-given address passes through:

* **Loading.** A source's ``url`` (:class:`~briefgen.model.models.Source`, the only address
  field of the knowledge base, spec, audiences and theme) is an ``http`` or ``https`` URL with
  a host: :data:`WebUrl`. ``mailto:`` is refused there: a source is a document to read, not an
  address to write to. Anything else (``javascript:``, ``data:``, ``vbscript:``, ``file:``, a
  relative path, a URL holding a control character or white space) is a located error naming
  what was expected (:data:`EXPECTED`) and, when only the scheme is missing, suggesting
  ``https://`` + the text.
* **Inline text.** The markup of claim, entity and template text (:mod:`briefgen.text.inline`)
  makes links only of ``http(s)://``, ``mailto:`` and in-document ``#anchor`` addresses;
  ``[text](javascript:...)`` is printed as written, never a link.
* **Output.** The HTML edition, the PDF's link annotations and the email bodies make a link
  only of an address :func:`safe_link` accepts (:data:`LINK_SCHEMES` or ``#anchor``); any
  other shows its text without a link, whatever reached them.

The standard library only (the model stage).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BeforeValidator, WithJsonSchema

from briefgen.model.fields import NearMiss

__all__ = ["EXPECTED", "LINK_SCHEMES", "WEB_SCHEMES", "InlineText", "WebUrl", "check_inline_links", "check_web_url",
           "safe_link", "web_url_problem"]

WEB_SCHEMES: tuple[str, ...] = ("http", "https")
"""The schemes of a source's ``url``."""
LINK_SCHEMES: tuple[str, ...] = ("http", "https", "mailto")
"""The schemes an output may link to (besides an in-document ``#anchor``)."""
EXPECTED = "an http(s) URL"
"""What a located error about a source's ``url`` says was expected."""

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_HOSTLIKE = re.compile(r"^[^\s/?#:@]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]|$)")
"""Text that starts like a host name (``www.example.org/report``, ``example.org:8080``)."""
_ANCHOR = re.compile(r"^#[\w.-]+$")
_NOT_ABSOLUTE = "not an absolute address (a scheme such as https:// and a host)"


def _bad_character(text: str) -> str | None:
    """The first control, format (bidi, zero-width) or white-space character of ``text``, as
    ``U+XXXX``, or None. Browsers drop some of them silently (``java\\tscript:``)."""
    for char in text:
        if unicodedata.category(char)[0] in "CZ":
            return f"U+{ord(char):04X}"
    return None


def web_url_problem(text: str) -> tuple[str, str] | None:
    """Why ``text`` is not an ``http(s)`` URL with a host, as ``(message, suggestion)`` (the
    suggestion may be empty); None when it is one. The message never quotes ``text``."""
    if not text.strip():
        return "an empty address", ""
    scheme = _SCHEME.match(text)
    bad = _bad_character(text)
    if bad is not None:
        stripped = text.strip()
        if stripped != text and web_url_problem(stripped) is None:
            return "white space around the address", stripped
        if scheme is None and not _HOSTLIKE.match(text.removeprefix("//")):
            return (_NOT_ABSOLUTE if bad == "U+0020" else f"{_NOT_ABSOLUTE}, holding a control character ({bad})"), ""
        cleaned = stripped.replace(" ", "%20")  # a space inside a path, which a browser would encode
        problem = web_url_problem(cleaned) if _bad_character(cleaned) is None else ("", "")
        fixed = problem[1] if problem is not None and problem[1] and not web_url_problem(problem[1]) else ""
        suggestion = cleaned if problem is None else fixed
        return f"the address holds a control or white-space character ({bad})", suggestion
    if scheme is not None and "." not in scheme.group(1):
        name = scheme.group(1).lower()
        if name not in WEB_SCHEMES:
            return f"the scheme '{name}:' is not allowed (only http and https)", ""
        try:
            parts = urlsplit(text)
            host = parts.hostname
            parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
        except ValueError:
            return "not a valid URL (its host or port cannot be read)", ""
        if not host:
            rest = text[scheme.end():].lstrip("/")
            suggestion = f"{name}://{rest}" if rest and _HOSTLIKE.match(rest) else ""
            return f"no host after '{name}:'", suggestion
        return None
    if text.startswith("//") and _HOSTLIKE.match(text[2:]):
        return "the scheme is missing", "https:" + text
    if _HOSTLIKE.match(text):
        return "the scheme is missing", "https://" + text
    return _NOT_ABSOLUTE, ""


def check_web_url(value: object) -> str:
    """``value`` as text when it is an ``http(s)`` URL with a host. Raises :class:`NearMiss`
    (expected :data:`EXPECTED`, a did-you-mean when only the scheme is missing) otherwise;
    :func:`briefgen.load.schema.problems_from_validation` locates it."""
    text = value if isinstance(value, str) else str(value)
    problem = web_url_problem(text)
    if problem is not None:
        message, suggestion = problem
        raise NearMiss(f"not an http(s) URL: {message}", suggestion=suggestion, expected=EXPECTED)
    return text


WebUrl = Annotated[str, BeforeValidator(check_web_url),
                   WithJsonSchema({"type": "string", "format": "uri", "pattern": r"^[Hh][Tt][Tt][Pp][Ss]?://\S+$"})]
"""An ``http(s)`` URL field (a source's ``url``)."""


def safe_link(href: str) -> bool:
    """True when an output may make a link to ``href``: an in-document ``#anchor``, or an
    address of :data:`LINK_SCHEMES` without control or white-space characters (an http(s)
    one with a host). False for ``javascript:``, ``data:``, relative addresses and the rest."""
    if _ANCHOR.match(href):
        return True
    scheme = _SCHEME.match(href)
    if scheme is None or scheme.group(1).lower() not in LINK_SCHEMES or _bad_character(href) is not None:
        return False
    if scheme.group(1).lower() == "mailto":
        return len(href) > len("mailto:")
    return web_url_problem(href) is None


_WRITTEN_LINK = re.compile(r"(?<!\\)\[([^\]\n]+)\]\(([^)\s]+)\)")
"""``[text](target)`` as an author writes a link (a backslash before ``[`` prints it literally)."""
_INLINE_TARGET = re.compile(r"(?:https?://[^)\s]+|mailto:[^)\s]+|#[\w.-]+)")
"""The targets :mod:`briefgen.text.inline` makes a link of (its ``_LINK``)."""


def check_inline_links(text: str) -> str:
    """``text`` (inline text: a claim's statement, an entity's description, a caption) when every
    ``[text](address)`` in it with an address-like target (a scheme, ``//`` or a host name) is a
    link the markup makes (http(s), mailto or ``#anchor``). Raises :class:`NearMiss` naming the
    first other one (``[x](javascript:...)``, ``[x](www.example.org)``) and listing the rest: they
    would print as written, not as the links the author meant; an address without its scheme gets
    ``https://`` suggested (every such fix applied to the whole text)."""
    bad: list[tuple[str, str]] = []  # (link as shown, why)
    fixed_text, fixes, shift = text, 0, 0
    for found in _WRITTEN_LINK.finditer(text):
        target = found.group(2)
        if _INLINE_TARGET.fullmatch(target) or not (_SCHEME.match(target) or _HOSTLIKE.match(target.lstrip("/"))):
            continue
        scheme = _SCHEME.match(target)
        fixed = ""
        if scheme is not None and "." not in scheme.group(1) and scheme.group(1).lower() not in WEB_SCHEMES:
            why = f"the scheme '{scheme.group(1).lower()}:' is not allowed (only http, https and mailto)"
        else:
            problem = web_url_problem(target)
            why, fixed = problem if problem is not None else ("not a link the markup makes", "")
        if fixed:
            start, end = found.start(2) + shift, found.end(2) + shift
            fixed_text = fixed_text[:start] + fixed + fixed_text[end:]
            fixes, shift = fixes + 1, shift + len(fixed) - len(target)
        shown = found.group(0) if len(found.group(0)) <= 60 else found.group(0)[:57] + "..."
        bad.append((shown, why))
    if not bad:
        return text
    (shown, why), rest = bad[0], bad[1:]
    message = f"the link {shown!r} is not an http(s) or mailto link: {why}"
    if rest:
        message += f"; also {', '.join(repr(link) for link, _ in rest)}"
    raise NearMiss(message, suggestion=fixed_text if fixes == len(bad) else "",
                   expected="[text](https://...) or [text](mailto:...)")


InlineText = Annotated[str, AfterValidator(check_inline_links)]
"""Inline text that may hold links (:func:`check_inline_links`)."""
