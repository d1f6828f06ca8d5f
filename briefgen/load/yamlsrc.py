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
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from briefgen.errors import KeyPath, Problem, SpecError

MAX_BYTES = 2 * 1024 * 1024
"""Largest YAML file accepted (2 MiB): larger input is refused, not parsed. Read at each
call, so tests may lower it."""

MAX_DEPTH = 64
"""Deepest nesting of lists and mappings accepted; deeper input is refused (not a crash)."""

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
    ``(line, column)`` of its value; ``key_positions`` to that of the key itself.
    """

    path: Path
    data: Any
    positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)

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


class _Refused(yaml.MarkedYAMLError):
    """A rule broken at ``mark``: a mark of PyYAML's or of libyaml's (another class with
    the same ``line`` and ``column``, which PyYAML's stub does not admit)."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(None, None, problem, mark)


class _Rules(yaml.composer.Composer):
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
        if tag not in (None, "!") and tag != "tag:yaml.org,2002:str":
            shown = "!!" + tag[len("tag:yaml.org,2002:"):] if tag.startswith("tag:yaml.org,2002:") else tag
            raise _Refused(f"YAML tags such as {shown!r} are not allowed: plain YAML only", event.start_mark)
        self._depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Loader(_Rules, yaml.SafeLoader):
    """Pure-Python safe loader with the rules (exact error messages)."""


_FastLoader: type | None = None
"""The loader tried first: :class:`_LibyamlLoader` when PyYAML has libyaml, else None."""

try:
    # PyYAML's stub does not re-export CParser from yaml.cyaml (it is not in its __all__)
    from yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]
except ImportError:  # PyYAML built without libyaml
    pass
else:
    class _LibyamlLoader(_Rules, yaml.composer.Composer, _CParser,
                         yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml's C parser feeding the same Python composer and rules (about 4x faster);
        any error is reported by re-reading with :class:`_Loader`, so messages do not depend
        on whether libyaml is installed."""

        def __init__(self, stream):
            _CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            yaml.composer.Composer.__init__(self)

    _FastLoader = _LibyamlLoader


def _compose(text: str):
    if _FastLoader is not None:
        try:
            loader = _FastLoader(text)
            try:
                return loader.get_single_node()
            finally:
                loader.dispose()
        except (yaml.YAMLError, RecursionError):
            pass  # read again below for the canonical message
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


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
        raw = path.read_bytes()
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
    path = Path(path)
    name = display_path(path)
    max_bytes = MAX_BYTES if max_bytes is None else max_bytes
    if isinstance(raw, bytes):
        if len(raw) > max_bytes:
            raise SpecError([Problem(name, 0, 0, "(file)", "file is too large",
                                     expected=f"at most {max_bytes} bytes", got=f"{len(raw)} bytes")])
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            raise SpecError([Problem(name, line, 0, "(file)", "file is not valid UTF-8",
                                     got=f"byte 0x{raw[exc.start]:02x}")]) from None
    else:
        text = raw
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise SpecError([Problem(name, 0, 0, "(file)", "file is too large",
                                     expected=f"at most {max_bytes} bytes", got=f"{size} bytes")])
    if "\x00" in text:
        raise SpecError([Problem(name, 0, 0, "(file)", "file contains a NUL byte; expected YAML text")])
    try:
        node = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        message = str(exc.problem or exc.context or "invalid YAML")
        if exc.problem and exc.context:  # "expected ',' or ']' ... (while parsing a flow sequence ...)"
            started = exc.context_mark
            message += f" ({exc.context}" + (
                f" that starts on line {started.line + 1})" if started and started.line + 1 != line else ")")
        if "mapping values are not allowed here" in message:
            message += " (a value containing ': ' must be quoted, or this line is indented wrongly)"
        if "expected a single document" in message or "expected a single document" in str(exc.context):
            message = "only one YAML document per file (found a second '---')"
        raise SpecError([Problem(name, line, col, "(syntax)", message)]) from None
    except yaml.reader.ReaderError as exc:  # a control character or other unacceptable one
        line = text[: exc.position].count("\n") + 1
        col = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        raise SpecError([Problem(name, line, col, "(syntax)",
                                 f"control character U+{code:04X} is not allowed in YAML text",
                                 expected="printable text (use \\uXXXX escapes in quoted strings)")]) from None
    except yaml.YAMLError as exc:
        raise SpecError([Problem(name, 0, 0, "(syntax)", f"invalid YAML: {exc}")]) from None
    except RecursionError:
        raise SpecError([Problem(name, 0, 0, "(syntax)", "lists and mappings are nested too deeply",
                                 expected=f"at most {MAX_DEPTH} levels")]) from None
    doc = Document(path=path, data=None)
    problems: list[Problem] = []
    doc.data = _convert(node, (), doc, problems) if node is not None else None
    if problems:
        raise SpecError(problems)
    return doc


def _convert(node: yaml.Node, key: KeyPath, doc: Document, problems: list[Problem]) -> Any:
    """Plain Python data of ``node`` (str / None / list / dict), recording positions and
    appending duplicate-key, merge-key and complex-key problems."""
    doc.positions[key] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        if not node.style and node.value in _NULLS:
            return None
        bad = _CONTROL.search(node.value)
        if bad is not None:  # written as an escape ("\0", "\x07", "\ud800"): the reader refuses them raw
            problems.append(Problem(doc.name, node.start_mark.line + 1, node.start_mark.column + 1, _fmt(key),
                                    f"control character U+{ord(bad.group()):04X} in the text",
                                    expected="printable text (tab and line breaks are allowed)",
                                    got=repr(node.value[max(bad.start() - 20, 0):bad.end() + 20])))
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, key + (i,), doc, problems) for i, item in enumerate(node.value)]
    result: dict[str, Any] = {}
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        line = key_node.start_mark.line + 1
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(Problem(doc.name, line, key_node.start_mark.column + 1,
                                    _fmt(key), "mapping keys must be plain text", got="a "
                                    + ("list" if isinstance(key_node, yaml.SequenceNode) else "mapping")))
            continue
        k = key_node.value
        if k == "<<" and not key_node.style:
            problems.append(Problem(doc.name, line, key_node.start_mark.column + 1, _fmt(key + (k,)),
                                    "merge keys (<<) are not allowed; write the keys out"))
            continue
        if k in first_line:
            problems.append(Problem(doc.name, line, key_node.start_mark.column + 1, _fmt(key + (k,)),
                                    f"duplicate key {k!r} (first defined on line {first_line[k]})"))
            continue
        first_line[k] = line
        doc.key_positions[key + (k,)] = (line, key_node.start_mark.column + 1)
        result[k] = _convert(value_node, key + (k,), doc, problems)
    return result


def _fmt(key: KeyPath) -> str:
    from briefgen.errors import format_key_path

    return format_key_path(key)
