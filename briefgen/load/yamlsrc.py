"""Read YAML as the author wrote it, remembering where every value came from.

Rules (they are the answer to YAML 1.1's surprises):

* every scalar stays the text the author typed (``NO``, ``ON``, ``14:30``, ``1.10``,
  ``020123``, ``0x1F`` are strings); only the schema converts, with an error if the text
  does not fit. Plain ``null``, ``~`` and empty values are None;
* duplicate keys are an error naming both lines;
* anchors, aliases and merge keys (``&a``, ``*a``, ``<<``) are refused, as are tags
  (``!!python/object`` ...): plain YAML only, nothing that builds Python objects;
* one document per file, at most :data:`MAX_BYTES` bytes, UTF-8, nested at most
  :data:`MAX_DEPTH` levels deep.

:func:`load` returns a :class:`Document`; any problem raises
:class:`~briefgen.errors.SpecError` with the file, line and column.

Speed: text is composed by libyaml where it can be (:mod:`briefgen.load.yamlcompose`; every
message still comes from PyYAML's pure-Python loader), a file that loaded without a problem is
kept in a cache keyed by its bytes (:mod:`briefgen.load.yamlcache`), and positions are found
only when a problem needs them (:attr:`Document.positions`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from briefgen.errors import KeyPath, Problem, SpecError
from briefgen.load import yamlcache, yamlcompose
from briefgen.load.gcpause import paused_gc
from briefgen.load.textcodec import looks_like_utf16, undecodable_at, utf8_advice
from briefgen.load.yaml_messages import past_separator_tabs, syntax_problem
from briefgen.load.yamlcompose import IMPLICIT, MAX_DEPTH, STR_TAG, NeedsCanonical
from briefgen.regular_files import read_regular

MAX_BYTES = 2 * 1024 * 1024
"""Largest YAML file accepted (2 MiB): larger input is refused, not parsed. Read at each
call, so tests may lower it."""


_NULLS = {"", "~", "null", "Null", "NULL"}

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Characters no text may hold: control characters other than tab and line breaks, lone
surrogates and non-characters (a quoted YAML string can write them as escapes)."""


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working directory when inside it."""
    try:
        rel = os.path.relpath(path)
    except ValueError:  # other drive on Windows
        return str(path)
    return str(path) if rel.startswith("..") else rel


@dataclass
class Document:
    """A loaded YAML file: ``data`` holds dicts, lists, strings and None only.

    ``positions`` maps a key path (``("sections", 2, "title")``) to the 1-based
    ``(line, column)`` of its value; ``key_positions`` to that of the key itself. Both are
    found when first asked for (most files never need them), from ``text``, the YAML the
    data was read from (a Document without it has no positions: (1, 1) at worst).
    """

    path: Path
    data: Any
    text: str | None = field(default=None, repr=False, compare=False)
    _positions: dict[KeyPath, tuple[int, int]] | None = field(default=None, repr=False, compare=False)
    _key_positions: dict[KeyPath, tuple[int, int]] | None = field(default=None, repr=False, compare=False)
    _lines: list[str] | None = field(default=None, repr=False, compare=False)

    def line_text(self, line: int) -> str | None:
        """The text of 1-based ``line`` as read (lines as :meth:`str.splitlines` cuts them),
        or None when there is no such line or no text."""
        if self.text is None:
            return None
        if self._lines is None:
            self._lines = self.text.splitlines()
        return self._lines[line - 1] if 1 <= line <= len(self._lines) else None

    @property
    def positions(self) -> dict[KeyPath, tuple[int, int]]:
        """Line and column of each value, by key path."""
        if self._positions is None:
            self._find_positions()
        assert self._positions is not None
        return self._positions

    @property
    def key_positions(self) -> dict[KeyPath, tuple[int, int]]:
        """Line and column of each mapping key, by key path."""
        if self._key_positions is None:
            self._find_positions()
        assert self._key_positions is not None
        return self._key_positions

    def _find_positions(self) -> None:
        self._positions, self._key_positions = {}, {}
        if self.text is None:
            return
        with paused_gc():
            self._walk_for_positions(self.text)

    def _walk_for_positions(self, text: str) -> None:
        try:  # the text loaded before: it composes again, the same way
            node = yamlcompose.compose(text)
            if node is not None:
                try:
                    _Converter(self, [], False, record=True).convert(node, ())
                except NeedsCanonical:
                    node = yamlcompose.compose_canonical(text)
                    _Converter(self, [], False, record=True).convert(node, ())
        except (yaml.YAMLError, RecursionError):
            return

    @property
    def name(self) -> str:
        """The file's name for messages (relative to the working directory)."""
        return display_path(self.path)

    def locate(self, key: KeyPath, *, prefer_key: bool = False) -> tuple[int, int]:
        """Line and column of ``key``, or of its nearest ancestor that exists (1, 1 at worst)."""
        key = tuple(key)
        while True:
            if prefer_key and key in self.key_positions:
                return self.key_positions[key]
            if key in self.positions:
                return self.positions[key]
            if not key:
                return (1, 1)
            key = key[:-1]

    def problem(self, key: KeyPath, message: str, **kw: Any) -> Problem:
        """A :class:`Problem` located at ``key`` in this file."""
        from briefgen.errors import format_key_path

        line, col = self.locate(key, prefer_key=kw.pop("at_key", False))
        return Problem(file=self.name, line=line, column=col, key=format_key_path(key),
                       message=message, **kw)


def load(path: Path | str, *, max_bytes: int | None = None) -> Document:
    """Load one YAML file under the rules above (``max_bytes`` default: :data:`MAX_BYTES`).

    Raises :class:`~briefgen.errors.SpecError` for a missing, unreadable, oversize or
    non-UTF-8 file, a syntax error, a duplicate key, an anchor, alias or tag.
    """
    path = Path(path)
    name = display_path(path)
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise SpecError([Problem(name, 0, 0, "(file)", "file is too large",
                                     expected=f"at most {max_bytes} bytes", got=f"{size} bytes")])
        raw = read_regular(path)  # a FIFO, socket or device is refused, never waited on
    except FileNotFoundError:
        raise SpecError([Problem(name, 0, 0, "(file)", "file not found")]) from None
    except IsADirectoryError:
        raise SpecError([Problem(name, 0, 0, "(file)", "is a directory, expected a YAML file")]) from None
    except OSError as exc:
        raise SpecError([Problem(name, 0, 0, "(file)", f"cannot read file: {exc.strerror or exc}")]) from None
    except ValueError as exc:  # e.g. a NUL byte in the path
        raise SpecError([Problem(name, 0, 0, "(file)", f"not a usable file name: {exc}")]) from None
    return loads(raw, path, max_bytes=max_bytes)


def loads(raw: bytes | str, path: Path | str = "<string>", *, max_bytes: int | None = None) -> Document:
    """Like :func:`load`, from bytes or text already read; ``path`` names it in messages."""
    with paused_gc():
        return _loads(raw, Path(path), max_bytes)


def _loads(raw: bytes | str, path: Path, max_bytes: int | None) -> Document:
    name = display_path(path)
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    if isinstance(raw, bytes):
        if len(raw) > max_bytes:
            raise SpecError([Problem(name, 0, 0, "(file)", "file is too large",
                                     expected=f"at most {max_bytes} bytes", got=f"{len(raw)} bytes")])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            if looks_like_utf16(raw):  # its lines are not UTF-8 lines: the first is as good as any
                raise SpecError([Problem(name, 1, 0, "(file)", "file is not valid UTF-8", got="UTF-16 text",
                                         expected=utf8_advice(raw))]) from None
            line, column = undecodable_at(raw, exc.start)
            raise SpecError([Problem(name, line, column, "(file)", "file is not valid UTF-8",
                                     got=f"byte 0x{raw[exc.start]:02x}", expected=utf8_advice(raw))]) from None
    else:
        text = raw
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise SpecError([Problem(name, 0, 0, "(file)", "file is too large",
                                     expected=f"at most {max_bytes} bytes", got=f"{size} bytes")])
    if "\x00" in text:
        if isinstance(raw, bytes) and looks_like_utf16(raw):
            raise SpecError([Problem(name, 1, 0, "(file)", "file is not valid UTF-8", got="UTF-16 text",
                                     expected=utf8_advice(raw))])
        at = text.index("\x00")
        line, col = _line_col(text, at)
        raise SpecError([Problem(name, line, col, "(file)", "file contains a NUL byte; expected YAML text",
                                 got="byte 0x00", expected="printable text (remove the NUL byte)")])
    if isinstance(raw, bytes):
        hit, data = yamlcache.get(raw)
        if hit:
            return Document(path=path, data=data, text=text)
    try:
        node = yamlcompose.compose(text)
        try:
            doc = _document(node, path, text)
            if isinstance(raw, bytes):
                yamlcache.put(raw, doc.data)
            return doc
        except NeedsCanonical:  # the fast composer let through what the rules refuse: read again
            node = yamlcompose.compose_canonical(text)
    except yaml.MarkedYAMLError as caught:
        stopped, text = past_separator_tabs(caught, text)  # the error libyaml stopped at, not a tab it reads
        line, col, message, expected = syntax_problem(stopped, text)  # in words, where to look
        if "expected a single document" in message or "expected a single document" in str(stopped.context):
            message = "only one YAML document per file (found a second '---')"
        raise SpecError([Problem(name, line, col, "(syntax)", message, expected=expected)]) from None
    except yaml.reader.ReaderError as exc:  # a control character or other unacceptable one
        line, col = _line_col(text, exc.position)
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise SpecError([Problem(name, line, col, "(syntax)",
                                 f"control character U+{code:04X} is not allowed in YAML text",
                                 expected="printable text (use \\uXXXX escapes in quoted strings)")]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(name, 0, 0, "(syntax)", f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise SpecError([Problem(name, 0, 0, "(syntax)", "lists and mappings are nested too deeply",
                                 expected=f"at most {MAX_DEPTH} levels")]) from None
    return _document(node, path, text, canonical=True)


def _line_col(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of character ``index`` of ``text``."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _document(node: yaml.Node | None, path: Path, text: str, *, canonical: bool = False) -> Document:
    """The :class:`Document` of a composed ``node`` (raises :class:`SpecError` with the
    problems found on the way, :class:`NeedsCanonical` when the node breaks a rule or, unless
    ``canonical`` (composed by the pure-Python loader), has any problem)."""
    doc = Document(path=path, data=None, text=text)
    problems: list[Problem] = []
    if node is not None:
        # a control character can only come from a quoted escape, or be a raw NEL (U+0085)
        check_control = "\\" in text or _CONTROL.search(text) is not None
        doc.data = _Converter(doc, problems, check_control).convert(node, ())
    if problems and not canonical:
        # what a problem skipped (a duplicate key's value, a complex key) was not checked
        # against the rules: the pure-Python loader reads it again, its messages are the ones shown
        raise NeedsCanonical("problems")
    if problems:
        raise SpecError(problems)
    return doc


class _Converter:
    """Turns nodes into plain Python data (str / None / list / dict), recording positions and
    appending duplicate-key, merge-key, complex-key and control-character problems.

    Raises :class:`NeedsCanonical` for an explicit tag other than ``!!str`` or nesting deeper
    than :data:`MAX_DEPTH`, which only libyaml's own composer lets through."""

    def __init__(self, doc: Document, problems: list[Problem], check_control: bool, *, record: bool = False) -> None:
        self.doc = doc
        self.record = record
        if record:  # into the document's own dicts (not through its properties, which would find them)
            doc._positions, doc._key_positions = {}, {}
        self.positions: dict[KeyPath, tuple[int, int]] = doc._positions if record else {}  # type: ignore[assignment]
        self.key_positions: dict[KeyPath, tuple[int, int]] = doc._key_positions if record else {}  # type: ignore[assignment]
        self.problems = problems
        self.check_control = check_control

    def convert(self, node: Any, key: KeyPath) -> Any:
        """Plain data of ``node``, found at ``key``."""
        mark = node.start_mark
        if self.record:
            self.positions[key] = (mark.line + 1, mark.column + 1)
        tag = node.tag
        if tag is not IMPLICIT and tag != STR_TAG:
            raise NeedsCanonical(tag)
        kind = type(node)
        if kind is _SCALAR:
            value = node.value
            if not node.style and value in _NULLS:
                return None
            if self.check_control:
                self._check_control(value, key, mark)
            return value
        if len(key) >= yamlcompose.MAX_DEPTH:
            raise NeedsCanonical("nested too deeply")
        if kind is _SEQUENCE:
            return [self._item(item, key, i) for i, item in enumerate(node.value)]
        return self._mapping(node, key)

    def _item(self, node: Any, key: KeyPath, name: str | int) -> Any:
        """Plain data of ``node``, found at ``key + (name,)``: a scalar without a call to
        :meth:`convert` (most nodes are scalars) unless its position or a problem may be needed."""
        if type(node) is _SCALAR and not self.record and not self.check_control:
            tag = node.tag
            if tag is not IMPLICIT and tag != STR_TAG:
                raise NeedsCanonical(tag)
            value = node.value
            return None if not node.style and value in _NULLS else value
        return self.convert(node, key + (name,))

    def _mapping(self, node: Any, key: KeyPath) -> dict[str, Any]:
        doc, problems, key_positions, item = self.doc, self.problems, self.key_positions, self._item
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            line = mark.line + 1
            if type(key_node) is not _SCALAR:
                problems.append(Problem(doc.name, line, mark.column + 1,
                                        _fmt(key), "mapping keys must be plain text", got="a "
                                        + ("list" if type(key_node) is _SEQUENCE else "mapping")))
                continue
            if key_node.tag is not IMPLICIT and key_node.tag != STR_TAG:
                raise NeedsCanonical(key_node.tag)
            k = key_node.value
            if k == "<<" and not key_node.style:
                problems.append(Problem(doc.name, line, mark.column + 1, _fmt(key + (k,)),
                                        "merge keys (<<) are not allowed; write the keys out"))
                continue
            if k in first_line:
                problems.append(Problem(doc.name, line, mark.column + 1, _fmt(key + (k,)),
                                        f"duplicate key {k!r} (first defined on line {first_line[k]})"))
                continue
            first_line[k] = line
            if self.record:
                key_positions[key + (k,)] = (line, mark.column + 1)
            result[k] = item(value_node, key, k)
        return result

    def _check_control(self, value: str, key: KeyPath, mark: Any) -> None:
        bad = _CONTROL.search(value)
        if bad is not None:  # written as an escape ("\0", "\x07", "\ud800"): the reader refuses them raw
            self.problems.append(Problem(self.doc.name, mark.line + 1, mark.column + 1, _fmt(key),
                                         f"control character U+{ord(bad.group()):04X} in the text",
                                         expected="printable text (tab and line breaks are allowed)",
                                         got=repr(value[max(bad.start() - 20, 0):bad.end() + 20])))


_SCALAR, _SEQUENCE = yaml.ScalarNode, yaml.SequenceNode


def _fmt(key: KeyPath) -> str:
    from briefgen.errors import format_key_path

    return format_key_path(key)
