"""XML escaping for paragraph markup: ``xml.sax.saxutils.escape`` and ``quoteattr``, the same
results, without importing ``xml.sax`` (whose ``saxutils`` imports ``urllib.request``, hence
``http.client``, ``ssl`` and the ``email`` package: ~15 ms of every build for two functions).
"""

from __future__ import annotations

__all__ = ["escape", "quoteattr"]

_ATTR_ENTITIES = {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def escape(data: str, entities: dict[str, str] | None = None) -> str:
    """``data`` with ``&``, ``<`` and ``>`` escaped, then each key of ``entities`` replaced by
    its value (as ``xml.sax.saxutils.escape``)."""
    data = data.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
    for key, value in (entities or {}).items():
        data = data.replace(key, value)
    return data


def quoteattr(data: str, entities: dict[str, str] | None = None) -> str:
    """``data`` escaped as an XML attribute value, quotes included: double quotes unless the
    value has ``"`` and no ``'`` (as ``xml.sax.saxutils.quoteattr``; line breaks and tabs
    become character references)."""
    data = escape(data, {**(entities or {}), **_ATTR_ENTITIES})
    if '"' in data:
        if "'" in data:
            return '"{}"'.format(data.replace('"', "&quot;"))
        return f"'{data}'"
    return f'"{data}"'
