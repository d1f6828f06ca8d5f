"""Load a briefing spec (with ``extends`` and shared audience files) and its knowledge base
into typed models, collecting every problem with its file and line.

Merge rules for ``extends`` (child over parent), applied recursively:

* mappings merge key by key; a key set to ``null`` in the child removes it;
* lists whose items are all mappings with an ``id`` merge item by item on ``id``
  (a child item with a known id merges into it in place, new ids are appended);
* any other list, and any scalar, is replaced by the child's value;
* ``extends`` itself is not inherited. Cycles and missing parents are errors.

Audiences from ``audience_files`` come first; the spec's own ``audiences`` merge over them.

A problem is located in the file that wrote the value, with the key path as written there
(:meth:`Layered.problem`); :meth:`Layered.merged_key` finds the merged spec's key of a problem.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from briefgen.errors import KeyPath, Problem, SpecError, format_key_path, near_id
from briefgen.load import yamlsrc
from briefgen.load.extends_advice import added_near_misses, not_a_spec, siblings
from briefgen.load.gcpause import paused_gc
from briefgen.load.paths import find_project_root, resolve_inside, yaml_file_name
from briefgen.load.schema import parse_model
from briefgen.load.yamlsrc import Document
from briefgen.model.models import Claim, Entity, KnowledgeBaseFile, Relation, Source, Spec


@dataclass
class Layered:
    """Merged data of several YAML documents; ``origin`` maps each merged key path to the
    document and key path it came from, so problems point at the right file, line and key."""

    data: Any
    origin: dict[KeyPath, tuple[Document, KeyPath]] = field(default_factory=dict)
    main: Document | None = None
    added: list[tuple[KeyPath, str]] = field(default_factory=list)
    """Items a child appended to a parent's list of ids with an id that is a near miss of one there
    (``bluff`` beside ``bluf``): (merged key of the item, the parent's id)."""
    _merged_of: dict[tuple[str, str], KeyPath] | None = field(default=None, repr=False, compare=False)
    """(file, key as written) -> merged key, made at the first :meth:`merged_key` (``data`` is final then)."""

    @property
    def name(self) -> str:
        return self.main.name if self.main else "<spec>"

    def written(self, key: KeyPath) -> tuple[Document, KeyPath]:
        """The document that wrote the value at merged key ``key`` and ``key`` as written there
        (``sections[4].kind`` of a parent plus child is the child's ``sections[1].kind`` when the
        child wrote it). A key no document wrote (a missing key) is placed under its nearest
        written ancestor; one with none, in the main document."""
        key = tuple(key)
        probe = key
        while probe not in self.origin and probe:
            probe = probe[:-1]
        if probe in self.origin:
            doc, doc_key = self.origin[probe]
            return doc, doc_key + key[len(probe):]
        assert self.main is not None, "a merged spec always has its main document"
        return self.main, key

    def written_key(self, key: KeyPath) -> str:
        """Merged key ``key`` as written in the file that wrote it (see :meth:`written`), formatted."""
        return format_key_path(self.written(key)[1])

    def problem(self, key: KeyPath, message: str, **kw: Any) -> Problem:
        """A Problem located in whichever file the value at merged key ``key`` came from, at
        its line there and with its key path as written there (see :meth:`written`)."""
        doc, doc_key = self.written(key)
        return doc.problem(doc_key, message, **kw)

    def merged_key(self, file: str, key: str) -> KeyPath | None:
        """The merged key path of a problem located at ``file`` (as :attr:`Problem.file` names
        it) and ``key`` (as :attr:`Problem.key` writes it): the inverse of :meth:`problem`'s
        placing. None when no value of this spec was written there. Keys left out of the data
        (a missing key) are found under their nearest written ancestor."""
        if self._merged_of is None:
            self._merged_of = {}
            self._index_merged((), self.data)
        found = self._merged_of.get((file, key))
        if found is not None:
            return found
        last = _LAST_PART.search(key)
        if last is None:
            return None
        if last.start():
            head = self.merged_key(file, key[:last.start()])
        else:  # a top-level key: of this spec only when ``file`` holds its top
            head = () if self.written(())[0].name == file else None
        if head is None:
            return None
        return head + ((int(last.group(2)),) if last.group(2) is not None else (last.group(3),))

    def _index_merged(self, key: KeyPath, value: Any) -> None:
        doc, doc_key = self.written(key)
        assert self._merged_of is not None
        self._merged_of.setdefault((doc.name, format_key_path(doc_key)), key)
        if isinstance(value, dict):
            for k, v in value.items():
                self._index_merged(key + (k,), v)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                self._index_merged(key + (i,), v)

    @property
    def path(self) -> Path:
        assert self.main is not None
        return self.main.path


_LAST_PART = re.compile(r"(\[(\d+)\]|\.?([^.\[\]]+))$")
"""The last part of a formatted key path (:func:`~briefgen.errors.format_key_path`): ``[2]`` or ``.name``."""


def _index_origin(value: Any, key: KeyPath, doc: Document, doc_key: KeyPath,
                  origin: dict[KeyPath, tuple[Document, KeyPath]]) -> None:
    origin[key] = (doc, doc_key)
    if isinstance(value, dict):
        for k, v in value.items():
            _index_origin(v, key + (k,), doc, doc_key + (k,), origin)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _index_origin(v, key + (i,), doc, doc_key + (i,), origin)


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(
        isinstance(v, dict) and isinstance(v.get("id"), str) for v in value)


def layer(doc: Document, data: Any = None, at: KeyPath = ()) -> Layered:
    """A :class:`Layered` of one document (``data`` found at key path ``at`` in ``doc``)."""
    data = doc.data if data is None else data
    origin: dict[KeyPath, tuple[Document, KeyPath]] = {}
    _index_origin(data, (), doc, at, origin)
    return Layered(data=data, origin=origin, main=doc)


def merge(parent: Layered, child: Layered) -> Layered:
    """Merge ``child`` over ``parent`` per the module's rules; returns a new :class:`Layered`
    whose ``main`` document is the child's."""
    origin = dict(parent.origin)
    added = parent.added + child.added
    data = _merge_value(parent.data, child.data, (), (), child.origin, origin, added)
    return Layered(data=data, origin=origin, main=child.main or parent.main, added=added)


def _take(origin: dict, key: KeyPath, child_origin: dict, child_key: KeyPath) -> None:
    """Copy the child's origins under ``child_key`` to ``key`` in the merged origin."""
    _drop_origin(origin, key)
    n = len(child_key)
    for k, v in child_origin.items():
        if k[:n] == child_key:
            origin[key + k[n:]] = v


def _merge_value(base: Any, over: Any, key: KeyPath, child_key: KeyPath, child_origin: dict,
                 origin: dict, added: list) -> Any:
    if isinstance(base, dict) and isinstance(over, dict):
        result = dict(base)
        for k, v in over.items():
            if v is None:  # removed: a problem about the key (now missing) points at this null
                result.pop(k, None)
                _take(origin, key + (k,), child_origin, child_key + (k,))
            elif k in base:
                result[k] = _merge_value(base[k], v, key + (k,), child_key + (k,), child_origin, origin, added)
            else:
                result[k] = v
                _take(origin, key + (k,), child_origin, child_key + (k,))
        return result
    if _is_id_list(base) and _is_id_list(over):
        items = list(base)
        positions = {item["id"]: i for i, item in enumerate(base)}
        for j, item in enumerate(over):
            if item["id"] in positions:
                i = positions[item["id"]]
                items[i] = _merge_value(base[i], item, key + (i,), child_key + (j,), child_origin, origin, added)
            else:
                items.append(item)
                _take(origin, key + (len(items) - 1,), child_origin, child_key + (j,))
                near = near_id(item["id"], positions)
                if near and not siblings(item["id"], near):  # meant to change the parent's item, most likely
                    added.append((key + (len(items) - 1,), near))
        return items
    _take(origin, key, child_origin, child_key)
    return over


def _drop_origin(origin: dict, key: KeyPath) -> None:
    n = len(key)
    for k in [k for k in origin if k[:n] == key]:
        del origin[k]


# --------------------------------------------------------------------------- spec
@dataclass
class LoadedSpec:
    """A validated spec, where it lives, and the layered source for locating problems."""

    spec: Spec
    path: Path
    root: Path
    source: Layered
    files: list[Path]
    located: dict = field(default_factory=dict, repr=False, compare=False)
    """Where inline texts of this spec start, once found (:func:`briefgen.text.sources.template_source`
    is asked for each template twice: by the checks and by rendering)."""


def load_spec(path: Path | str, *, root: Path | None = None) -> LoadedSpec:
    """Load and validate a spec file, following ``extends`` and ``audience_files``.

    Raises :class:`SpecError` carrying every problem found (all files, all keys).
    """
    _, _, loaded, problems = _load_spec_parts(path, root)
    if problems or loaded is None:
        raise SpecError(problems)
    return loaded


def _load_spec_parts(path: Path | str, root: Path | None
                     ) -> tuple[Layered, Path, LoadedSpec | None, list[Problem]]:
    """The spec's merged source, the project root, the loaded spec (None when invalid) and
    the problems found. Raises :class:`SpecError` only when the spec file itself (or a
    parent) cannot be read or is not a YAML mapping."""
    path = Path(path)
    root = (root or find_project_root(path)).resolve()
    layered, files = _load_layered(path, root, chain=[])
    main = layered.main
    assert main is not None
    problems: list[Problem] = []
    # shared audiences: files first, then the spec's own audiences over them
    audience_files = layered.data.get("audience_files")
    if isinstance(audience_files, list) and audience_files:
        shared = Layered(data={"audiences": {}}, main=main)
        for i, written in enumerate(audience_files):
            if not isinstance(written, str):
                continue  # reported by the schema (audience_files: list of paths)
            try:
                target = resolve_inside(written, base=origin_dir(layered, ("audience_files", i)),
                                        root=root, doc=layered, key=("audience_files", i),
                                        what="audience file")
                doc = yamlsrc.load(target)
            except SpecError as exc:
                problems.extend(exc.problems)
                continue
            files.append(target)
            if not isinstance(doc.data, dict):  # empty, or a list or text at the top
                problems.append(doc.problem((), "an audience file holds one mapping, 'audiences:'",
                                            got=_what_is(doc.data)))
                continue
            extra = sorted(set(doc.data) - {"audiences"})
            if extra or not isinstance(doc.data.get("audiences"), dict):
                near = "audiences" if extra and near_id(extra[0], ["audiences"]) else ""
                problems.append(doc.problem((extra[0],) if extra else (), "an audience file holds one mapping, "
                                            "'audiences:'", got=", ".join(extra) or "no audiences",
                                            at_key=bool(extra), suggestion=near))
                continue
            shared = merge(shared, layer(doc))
        shared.main = main
        layered = merge(shared, layered)
    try:
        spec = parse_model(layered, Spec)
    except SpecError as exc:  # an appended near miss explains the keys missing from it
        return layered, root, None, problems + exc.problems + added_near_misses(layered)
    return layered, root, LoadedSpec(spec=spec, path=path.resolve(), root=root, source=layered,
                                     files=files), problems


def load_project(path: Path | str, *, root: Path | None = None) -> tuple[LoadedSpec, KnowledgeBase]:
    """Load a spec and its knowledge base, reporting the problems of both in one
    :class:`SpecError`: when the spec is invalid, the knowledge-base files its
    ``knowledge_base`` key names are still read and checked, so that one run lists them all.
    """
    source, root, loaded, problems = _load_spec_parts(path, root)
    written = loaded.spec.knowledge_base if loaded else source.data.get("knowledge_base")
    kb = KnowledgeBase()
    if isinstance(written, list):
        kb, kb_problems = _load_kb_files(written, source, root)
        problems += kb_problems
    if problems or loaded is None:
        raise SpecError(problems)
    return loaded, kb


def origin_dir(layered: Layered, key: KeyPath) -> Path:
    """The folder of the file that wrote ``key``: paths are relative to it (under
    ``extends``, a parent's paths stay relative to the parent)."""
    doc = layered.origin[key][0] if key in layered.origin else layered.main
    assert doc is not None, "a merged spec always has its main document"
    return doc.path.resolve().parent


def _load_layered(path: Path, root: Path, chain: list[Path]) -> tuple[Layered, list[Path]]:
    doc = yamlsrc.load(path)
    if not isinstance(doc.data, dict):
        got = ("a list" if isinstance(doc.data, list) else "an empty file" if doc.data is None
               else "a single value")
        raise SpecError([doc.problem((), "a spec is a mapping of keys (briefing:, sections:, ...)",
                                     got=got)])
    resolved = path.resolve()
    parent_written = doc.data.get("extends")
    if not isinstance(parent_written, str):  # None, or a wrong type the schema reports
        return layer(doc), [resolved]
    parent_path = resolve_inside(str(parent_written), base=resolved.parent, root=root, doc=doc,
                                 key=("extends",), what="parent spec",
                                 could_be=lambda p: p.resolve() not in chain + [resolved] and _could_be_spec(p))
    if parent_path in chain + [resolved]:
        cycle = " -> ".join(os.path.relpath(p, root) for p in chain + [resolved, parent_path])
        raise SpecError([doc.problem(("extends",), f"'extends' makes a cycle: {cycle}",
                                     code="extends-cycle")])
    parent, files = _load_layered(parent_path, root, chain + [resolved])
    if not_a_spec(parent.data):  # its keys would be reported as a spec's, in the wrong file
        raise SpecError([doc.problem(("extends",), f"parent spec {parent_written!r} is {not_a_spec(parent.data)}",
                                     expected="a briefing spec", code="not-a-spec")])
    parent.data = {k: v for k, v in parent.data.items() if k != "extends"}
    child = layer(doc)
    child.data = {k: v for k, v in doc.data.items() if k != "extends"}
    return merge(parent, child), files + [resolved]


def _could_be_spec(path: Path) -> bool:
    """True when ``path`` is a YAML file holding a mapping of spec keys beyond ``audiences``: a
    spec, or part of one, that ``extends`` could name (not an audience or knowledge-base file)."""
    if path.suffix not in (".yaml", ".yml") or not path.is_file():
        return False
    try:
        data = yamlsrc.load(path).data
    except SpecError:
        return False
    keys = set(Spec.model_fields) | {"extends"}
    return isinstance(data, dict) and bool(data) and set(data) <= keys and bool(set(data) - {"audiences"})


# --------------------------------------------------------------------------- knowledge base
@dataclass
class KnowledgeBase:
    """Every entity, source, claim and relation, by id, with where each was written."""

    entities: dict[str, Entity] = field(default_factory=dict)
    sources: dict[str, Source] = field(default_factory=dict)
    claims: dict[str, Claim] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)
    predicates: dict[str, str] = field(default_factory=dict)
    """Predicates the knowledge base declares (name -> description), beyond the built-in ones."""
    origin: dict[tuple[str, str], tuple[Document, KeyPath]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    def where(self, kind: str, ident: str | int) -> tuple[Document, KeyPath]:
        """The document and key path of an item (``kind`` is entities/sources/claims/relations)."""
        return self.origin[(kind, str(ident))]


def load_kb(loaded: LoadedSpec) -> KnowledgeBase:
    """Load every knowledge-base file the spec names (folders: their ``*.yaml`` and ``*.yml``, sorted).

    Raises :class:`SpecError` with all problems of all files, including duplicate ids.
    """
    kb, problems = _load_kb_files(loaded.spec.knowledge_base, loaded.source, loaded.root)
    if problems:
        raise SpecError(problems)
    return kb


def _load_kb_files(written_paths: list, source: Layered, root: Path) -> tuple[KnowledgeBase, list[Problem]]:
    """The knowledge base of the paths written at ``knowledge_base`` in ``source``, and the
    problems found (entries that are not text are left to the schema)."""
    kb = KnowledgeBase()
    problems: list[Problem] = []
    for i, written in enumerate(written_paths):
        if not isinstance(written, str):
            continue
        key = ("knowledge_base", i)
        try:
            target = resolve_inside(written, base=origin_dir(source, key), root=root,
                                    doc=source, key=key, what="knowledge-base file or folder",
                                    allow_dir=True)
            paths = (sorted(p for p in target.iterdir() if yaml_file_name(p.name)) if target.is_dir() else [target])
        except SpecError as exc:
            problems.extend(exc.problems)
            continue
        except OSError as exc:
            problems.append(source.problem(key, f"cannot list folder {written!r}: {exc.strerror or exc}",
                                           code="unreadable-file"))
            continue
        if not paths:
            problems.append(source.problem(key, "folder holds no .yaml files", got=str(target)))
        for p in paths:
            try:
                # a file of a folder may be a symlink leaving the project: name it as written
                shown = f"{written.rstrip('/')}/{p.name}" if p.parent == target else written
                resolve_inside(shown, base=origin_dir(source, key), root=root,
                               doc=source, key=key, what="knowledge-base file")
                with paused_gc():  # thousands of items, no reference cycles (see briefgen.load.gcpause)
                    doc = yamlsrc.load(p)
                    part = parse_model(doc, KnowledgeBaseFile)
            except SpecError as exc:
                problems.extend(exc.problems)
                continue
            kb.files.append(p)
            _add(kb, doc, part, problems)
    return kb, problems


def _add(kb: KnowledgeBase, doc: Document, part: KnowledgeBaseFile, problems: list[Problem]) -> None:
    for kind in ("entities", "sources", "claims"):
        table = getattr(kb, kind)
        for i, item in enumerate(getattr(part, kind)):
            if item.id in table:
                first_doc, first_key = kb.where(kind, item.id)
                line = first_doc.locate(first_key)[0]
                singular = kind[:-1] if kind != "entities" else "entity"
                problems.append(doc.problem((kind, i, "id"), f"duplicate {singular} id {item.id!r} "
                                            f"(first defined at {first_doc.name}:{line})", code="duplicate-id"))
                continue
            table[item.id] = item
            kb.origin[(kind, item.id)] = (doc, (kind, i))
    for i, rel in enumerate(part.relations):
        kb.origin[("relations", str(len(kb.relations)))] = (doc, ("relations", i))
        kb.relations.append(rel)
    for i, pred in enumerate(part.predicates):
        if pred.name in kb.predicates:  # the second's description would be lost without a word
            first_doc, first_key = kb.where("predicates", pred.name)
            problems.append(doc.problem(("predicates", i, "name"), f"predicate {pred.name!r} is declared twice "
                                        f"(first at {first_doc.name}:{first_doc.locate(first_key)[0]})",
                                        expected="one declaration per predicate", code="duplicate-predicate"))
            continue
        kb.predicates[pred.name] = pred.description
        kb.origin[("predicates", pred.name)] = (doc, ("predicates", i))


def _what_is(data: object) -> str:
    """What a YAML file holds at its top, for a message: ``an empty file``, ``a list``, ``text``."""
    if data is None:
        return "an empty file"
    if isinstance(data, list):
        return "a list"
    return f"text {str(data)[:40]!r}" if isinstance(data, str) else "a value"
