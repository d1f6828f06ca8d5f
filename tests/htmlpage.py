"""A parsed HTML edition for tests (stdlib :mod:`html.parser`, no browser).

:class:`Page` keeps every element (tag, attributes) in document order, the visible text
(what a reader sees: not ``<head>``'s ``<title>`` and ``<style>``, not the chart SVGs'
``<title>``/``<desc>``, which are the pictures' text alternatives), and the text inside each
element that has an ``id``.
"""

from __future__ import annotations

from html.parser import HTMLParser

from conftest import squash


class Page(HTMLParser):
    """``elements``: [(tag, attrs)]; ``text``: the visible text, squashed; ``inner[id]``: the
    visible text inside the element with that id, squashed."""

    HIDDEN = {"style", "title", "script", "svg", "head"}
    INLINE = {"a", "strong", "em", "b", "i", "sup", "sub", "span", "code", "abbr", "time"}
    VOID = {"meta", "br", "img", "col", "link", "input", "hr", "wbr", "source"}

    def __init__(self, html: str | bytes) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self._open: list[tuple[str, str | None]] = []
        self._hidden = 0
        self._text: list[str] = []
        self._inner: dict[str, list[str]] = {}
        self.feed(html.decode("utf-8") if isinstance(html, bytes) else html)
        self.close()
        self.text = squash("".join(self._text))
        self.inner = {k: squash("".join(v)) for k, v in self._inner.items()}

    def _gap(self, tag: str) -> None:
        """A space at the edge of every element that is not inline (a cell, a line break)."""
        if tag not in self.INLINE:
            self.handle_data(" ")

    def handle_starttag(self, tag: str, attrs) -> None:
        a = {k: v or "" for k, v in attrs}
        self.elements.append((tag, a))
        self._gap(tag)
        if tag in self.VOID:
            return
        if tag in self.HIDDEN:
            self._hidden += 1
        self._open.append((tag, a.get("id")))
        if a.get("id"):
            self._inner.setdefault(a["id"], [])

    def handle_startendtag(self, tag: str, attrs) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag not in (t for t, _ in self._open):
            return
        self._gap(tag)
        while self._open:
            t, _ = self._open.pop()
            if t in self.HIDDEN:
                self._hidden -= 1
            if t == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self._text.append(data)
        for _, ident in self._open:
            if ident:
                self._inner[ident].append(data)

    def all(self, tag: str | None = None, **attrs: str) -> list[dict[str, str]]:
        """Attributes of every element of ``tag`` (any when None) whose attributes include
        ``attrs`` (a value of ``None``-like "*" means: present)."""
        out = []
        for t, a in self.elements:
            if tag is not None and t != tag:
                continue
            if all((k in a) if v == "*" else a.get(k) == v for k, v in ((k.replace("_", "-"), v)
                                                                          for k, v in attrs.items())):
                out.append(a)
        return out
