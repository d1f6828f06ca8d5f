"""Compose YAML text into PyYAML nodes under briefgen's rules (see :mod:`briefgen.load.yamlsrc`),
the fastest way PyYAML allows, with every error message taken from the pure-Python loader.

Three composers, tried in this order:

1. ``C``: libyaml's parser *and* composer (:class:`yaml.cyaml.CParser`), about 10x faster than
   pure Python. It cannot refuse anchors, aliases, tags or deep nesting while composing, so it
   is used only on text where no anchor can be (:func:`_may_hold_anchor`), and the walk of the
   nodes (:func:`briefgen.load.yamlsrc` ``_convert``) refuses explicit tags and deep nesting by
   raising :class:`NeedsCanonical`. An alias without an anchor is an error of libyaml's.
   Needs libyaml 0.2.5 or later, which limits nesting (1,000 levels): its composer recurses
   in C.
2. ``hybrid``: libyaml's parser feeding PyYAML's Python composer with the rules.
3. ``python``: PyYAML's pure-Python loader with the rules: the one whose messages are shown.
   Any error of the faster two (or :class:`NeedsCanonical`) makes the caller read the text
   again with this one, so messages never depend on whether libyaml is installed.

The same marks (0-based ``line`` and ``column``) come out of all three: libyaml and PyYAML count
characters the same way (tests/load/test_yaml_paths.py checks it on every YAML file of the tests).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings accepted; deeper input is refused (not a crash)."""

IMPLICIT = object()
"""The tag every composer gives a node written without a tag (or with the plain ``!``):
never a string, so no tag an author writes can pass for it."""

STR_TAG = "tag:yaml.org,2002:str"
"""The one explicit tag accepted (``!!str``): it changes nothing, every scalar stays text."""


class NeedsCanonical(Exception):
    """The fast composer's output breaks a rule: read the text again with the pure-Python
    loader, which raises the canonical error."""


class _Refused(yaml.MarkedYAMLError):
    """A rule broken at ``mark``: a mark of PyYAML's or of libyaml's (another class with
    the same ``line`` and ``column``, which PyYAML's stub does not admit)."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(None, None, problem, mark)


class _PlainResolver:
    """Resolver of every untagged node to :data:`IMPLICIT`: scalars stay the text written and
    only the schema converts them, so PyYAML's implicit resolvers (bool, int, ...) are skipped."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:  # noqa: D401 - PyYAML hook
        return IMPLICIT

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:  # noqa: D401 - PyYAML hook
        pass

    def ascend_resolver(self) -> None:  # noqa: D401 - PyYAML hook
        pass


class _Rules(_PlainResolver, yaml.composer.Composer):
    """Composer hook that refuses anchors, aliases, explicit tags and nesting deeper than
    :data:`MAX_DEPTH` while composing."""

    _depth = 0

    if TYPE_CHECKING:
        def peek_event(self) -> yaml.Event: ...  # from the parser each loader mixes in

    def compose_node(self, parent, index):  # noqa: D401 - PyYAML hook
        event = self.peek_event()
        if self._depth >= MAX_DEPTH and isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            raise _Refused(f"lists and mappings are nested more than {MAX_DEPTH} levels deep", event.start_mark)
        if isinstance(event, yaml.AliasEvent):
            raise _Refused("aliases (*name) are not allowed; write the value out", event.start_mark)
        if getattr(event, "anchor", None):
            raise _Refused("anchors (&name) are not allowed; write the value out", event.start_mark)
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and tag != STR_TAG:
            shown = "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag
            raise _Refused(f"YAML tags such as {shown!r} are not allowed: plain YAML only", event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _PythonLoader(_Rules, yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """Pure-Python reader, scanner, parser and composer with the rules (exact error messages)."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)


_COMPOSERS: dict[str, type] = {}
"""Composer class by name (``C``, ``hybrid``), those this PyYAML has; ``python`` always works."""

try:
    # PyYAML's stub does not re-export CParser from yaml.cyaml (it is not in its __all__)
    from yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]
except ImportError:  # PyYAML built without libyaml
    pass
else:
    class _HybridLoader(_Rules, yaml.composer.Composer, _CParser):
        """libyaml's C parser feeding PyYAML's Python composer and the rules."""

        def __init__(self, stream: str) -> None:
            _CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)

    class _CLoader(_PlainResolver, _CParser):
        """libyaml's parser and composer; the rules are checked on its nodes afterwards."""

    _COMPOSERS["hybrid"] = _HybridLoader
    from yaml._yaml import get_version as _libyaml_version

    if _libyaml_version() >= (0, 2, 5):  # limits nesting: its composer recurses in C
        _COMPOSERS["C"] = _CLoader

_ANCHOR = re.compile(r"(?:^|[\s\[\]{},:?\-])&[0-9A-Za-z_\-]", re.MULTILINE)
"""An ``&`` where a YAML anchor could start: after white space or a flow indicator, and
followed by a character an anchor's name may hold (libyaml and PyYAML accept letters, digits,
``_`` and ``-``; any other ``&`` that starts a node is an error of both). Text without one
cannot hold an anchor; text with one (``R&D`` and ``Ports & rail`` do not match, ``R &D``
does) is composed by a composer that refuses anchors."""


def _may_hold_anchor(text: str) -> bool:
    return "&" in text and _ANCHOR.search(text) is not None


def compose(text: str, *, using: str | None = None) -> Any:
    """The node tree of ``text`` (None for an empty document), by the fastest composer that
    applies, or by the one named in ``using`` (``C``, ``hybrid``, ``python``: for tests).

    Raises PyYAML's errors (:class:`yaml.MarkedYAMLError` with the rules' messages,
    :class:`yaml.reader.ReaderError`) and :class:`RecursionError` as the pure-Python loader does;
    with ``using`` set to a fast composer, its own errors (and no rule is checked).
    """
    if using is not None:
        return _compose_with(_PythonLoader if using == "python" else _COMPOSERS[using], text)
    if "C" in _COMPOSERS and not _may_hold_anchor(text):
        fast: type | None = _COMPOSERS["C"]
    else:
        fast = _COMPOSERS.get("hybrid")
    if fast is not None:
        try:
            return _compose_with(fast, text)
        except (yaml.YAMLError, RecursionError):
            pass  # read again below for the canonical message
    return _compose_with(_PythonLoader, text)


def compose_canonical(text: str) -> Any:
    """The node tree of ``text`` by the pure-Python loader (raises its errors)."""
    return _compose_with(_PythonLoader, text)


def _compose_with(loader_class: type, text: str) -> Any:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()
