"""Read a STIX 2.1 bundle file for import: JSON, a bundle, known markings, valid objects.

Every problem is a located :class:`~briefgen.errors.Problem` (file, line, column, the
object's id as the key): a file that is not JSON or not a STIX 2.1 bundle (§8 Bundle), a
marking it does not know (a TLP marking of an unknown level, or an ``object_marking_refs``
entry naming a marking-definition that is neither in the bundle nor one of the TLP ids in
circulation: an unknown marking could be restrictive, so it is never guessed), and an
object the ``stix2`` library refuses (after the TLP markings are normalised, see
:func:`briefgen.interop.stix_markings.normalise`), and ``extensions`` (briefgen's own included)
not of their shape (:mod:`briefgen.interop.stix_extension`). The file is read under
:mod:`briefgen.load.jsonfile` (size, UTF-8, JSON syntax, depth, number length).

Versions (STIX 2.1 §3.6, Versioning): objects sharing an ``id`` are versions of one object;
the one with the latest ``modified`` is kept (an exact copy counts once), and an object whose
newest version is ``revoked`` is left out (:func:`newest_versions`).
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from briefgen.errors import Problem, SpecError
from briefgen.interop.stix_extension import extension_problems
from briefgen.interop.stix_markings import UnknownMarking, normalise
from briefgen.load.jsonfile import JsonInputError, read_json
from briefgen.model.tlp import TLP, most_restrictive

MAX_BYTES = 256 * 1024 * 1024
"""Largest bundle read (256 MiB); larger files are refused, not parsed (the other rules of
reading it: :mod:`briefgen.load.jsonfile`)."""


@dataclass
class Bundle:
    """A read bundle: ``objects`` with TLP markings normalised (OASIS TLP 2.0 ids),
    ``by_id``, the TLP ``levels`` of every marking id (as written in the file),
    ``markings`` the original ``object_marking_refs`` of each object id, and ``other``
    marking-definitions that are not TLP (statements, PAP)."""

    path: Path
    objects: list[dict[str, Any]]
    by_id: dict[str, dict[str, Any]]
    levels: dict[str, TLP]
    markings: dict[str, list[str]]
    other: list[str]
    versions: list[str] = field(default_factory=list)
    """What :func:`newest_versions` left out, one line each (for the import's report)."""

    def level(self, ident: str) -> TLP | None:
        """The most restrictive TLP level marking object ``ident`` (None when unmarked)."""
        found = [self.levels[m] for m in self.markings.get(ident, []) if m in self.levels]
        return most_restrictive(found) if found else None


class _Locator:
    """Line and column of an object in the file, found by its ``"id": "..."``."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __call__(self, ident: Any) -> tuple[int, int]:
        m = re.search(r'"id"\s*:\s*"' + re.escape(str(ident)) + '"', self.text)
        if m is None:
            return (0, 0)
        line = self.text.count("\n", 0, m.start()) + 1
        return line, m.start() - (self.text.rfind("\n", 0, m.start()) + 1) + 1


def read_bundle(path: Path) -> Bundle:
    """Read and check the bundle at ``path``. Raises :class:`SpecError` with every problem
    found (see the module doc)."""
    from briefgen.load.yamlsrc import display_path

    shown = display_path(path)

    def fail(message: str, line: int = 0, column: int = 0, key: str = "(document)", **kw: Any) -> SpecError:
        return SpecError([Problem(shown, line, column, key, message, **kw)])

    try:
        data, text = read_json(path, what="a STIX bundle", shown=shown, max_bytes=MAX_BYTES)
    except JsonInputError as exc:
        code = "not-stix" if exc.problem.code == "not-json" else exc.problem.code
        raise SpecError([dataclasses.replace(exc.problem, expected="a STIX 2.1 bundle (JSON)", code=code)]) from None
    if not isinstance(data, dict) or data.get("type") != "bundle" or not isinstance(data.get("objects"), list):
        got = (f"a JSON {type(data).__name__}" if not isinstance(data, dict)
               else "an object without \"type\"" if "type" not in data
               else f"type {data.get('type')!r}" if data.get("type") != "bundle" else "no 'objects' list")
        raise fail("not a STIX bundle", 1, 1, expected='a JSON object with "type": "bundle" and an "objects" list',
                   got=got.replace("dict", "object").replace("list", "array"), code="not-stix")
    locate = _Locator(text)
    problems: list[Problem] = []
    objects = []
    for i, obj in enumerate(data["objects"]):
        if not isinstance(obj, dict) or not isinstance(obj.get("type"), str) or not isinstance(obj.get("id"), str):
            problems.append(Problem(shown, 0, 0, f"objects[{i}]", "not a STIX object",
                                    expected="an object with 'type' and 'id'", got=_short(obj), code="not-stix"))
            continue
        shape = extension_problems(obj, shown, *locate(obj["id"])) if "extensions" in obj else []
        if shape:  # the stix2 library would crash on it: reported here, not parsed
            problems += shape
            continue
        objects.append(obj)
    objects, versions = newest_versions(objects)
    try:
        normalised, levels, other = normalise(objects)
    except UnknownMarking as exc:
        ident = str(exc).split(" ")[1]
        line, column = locate(ident)
        raise SpecError(problems + [Problem(shown, line, column, ident, str(exc), code="unknown-marking")]) from None
    known = set(levels) | set(other)
    markings: dict[str, list[str]] = {}
    for obj in objects:
        refs = obj.get("object_marking_refs") or []
        markings[obj["id"]] = list(refs) if isinstance(refs, list) else []
        for ref in markings[obj["id"]]:
            if ref not in known:
                line, column = locate(obj["id"])
                problems.append(Problem(shown, line, column, obj["id"], f"unknown marking {ref}: it is not "
                                        "in the bundle and is not a TLP marking id briefgen knows",
                                        expected="a marking-definition in the bundle, or a TLP 1.0, TLP 2.0 or "
                                                 "OpenCTI TLP id", got=str(ref), code="unknown-marking"))
    problems += _stix_problems(normalised, shown, locate)
    if problems:
        raise SpecError(problems)
    return Bundle(path=path, objects=normalised, by_id={o["id"]: o for o in normalised}, levels=levels,
                  markings=markings, other=other, versions=versions)


_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


def _modified(obj: dict[str, Any]) -> datetime:
    """When this version of ``obj`` was made: its ``modified`` (else ``created``) timestamp;
    the earliest time for one without either or with one that is not a timestamp (the
    ``stix2`` check reports it if that version is kept)."""
    stamp = obj.get("modified", obj.get("created"))
    try:
        found = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return _EPOCH
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def newest_versions(objects: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[str]]:
    """One object per ``id``, in the order ids first appear: the version with the latest
    ``modified`` (STIX 2.1 §3.6: versions share the id; the newest is current); of versions
    with the same ``modified``, the first. An object whose kept version is ``revoked`` is
    left out. Returns the objects and a line per kind of object left out (older versions,
    exact copies, same-time conflicts, revoked objects)."""
    index: dict[str, int] = {}
    kept: list[dict[str, Any]] = []
    older = copies = conflicts = 0
    for obj in objects:
        at = index.get(obj["id"])
        if at is None:
            index[obj["id"]] = len(kept)
            kept.append(obj)
        elif obj == kept[at]:
            copies += 1
        elif _modified(obj) > _modified(kept[at]):
            kept[at] = obj
            older += 1
        elif _modified(obj) == _modified(kept[at]):
            conflicts += 1
        else:
            older += 1
    revoked = [o["id"] for o in kept if o.get("revoked") is True]
    lines = []
    if older:
        lines.append(f"{older} older version(s) of objects left out: the version with the latest 'modified' is kept")
    if copies:
        lines.append(f"{copies} exact copy(ies) of objects left out: each object is imported once")
    if conflicts:
        lines.append(f"{conflicts} object version(s) with the same id and 'modified' as an earlier one but other "
                     "content left out: the first is kept")
    if revoked:
        lines.append(f"{len(revoked)} revoked object(s) left out: {', '.join(revoked[:3])}"
                     + (" ..." if len(revoked) > 3 else ""))
    return [o for o in kept if o.get("revoked") is not True], lines


def _stix_problems(objects: list[dict[str, Any]], shown: str, locate) -> list[Problem]:
    """Objects the ``stix2`` library refuses as STIX 2.1 (custom properties allowed)."""
    import stix2
    from stix2.exceptions import STIXError

    problems = []
    for obj in objects:
        try:
            stix2.parse(obj, allow_custom=True, version="2.1")
        except (STIXError, ValueError, TypeError, KeyError, AttributeError) as exc:  # AttributeError: its own crash
            message = " ".join(str(exc).split())
            line, column = locate(obj["id"])
            problems.append(Problem(shown, line, column, obj["id"], f"not a valid STIX 2.1 {obj['type']}: {message}",
                                    code="invalid-stix"))
    return problems


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."
