"""The files of an imported knowledge base: plain YAML that briefgen's own loader accepts.

Two rules of :mod:`briefgen.load.yamlsrc` shape the writer:

* no anchors or aliases (``&id001`` / ``*id001``): PyYAML writes them for any object
  that occurs twice (e.g. one list of claims shared by two relations), so the dumper
  here never does (:class:`PlainDumper`): every value is written out where it occurs;
* at most :data:`briefgen.load.yamlsrc.MAX_BYTES` per file: a list that would be larger
  is split into numbered files (``claims-01.yaml``, ``claims-02.yaml`` ...; a knowledge
  base reads every YAML file of its folder), each below :data:`PART_BYTES`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from briefgen.load.yamlsrc import MAX_BYTES

PART_BYTES = MAX_BYTES - 64 * 1024
"""Largest file written (64 KiB below the loader's limit)."""

FILE_NAME = re.compile(r"^(entities|sources|claims|relations)(-\d{2,})?\.yaml$")
"""The names of the files an import writes (for finding an earlier import's files)."""


_BASE: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter when PyYAML has it: 10x faster


class PlainDumper(_BASE):
    """A safe dumper that writes every value out, never an anchor and alias."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def dump(data: object) -> str:
    """``data`` as block YAML: insertion order kept, Unicode as is, lines up to 110 characters, no anchors."""
    return yaml.dump(data, Dumper=PlainDumper, sort_keys=False, allow_unicode=True, width=110)


def list_files(key: str, items: list[dict], head: str, extra: dict[str, list] | None = None,
               part_bytes: int | None = None) -> dict[str, bytes]:
    """The file(s) holding list ``key`` (``{key: items}``, then ``extra``'s lists in the
    first file): ``<key>.yaml`` when it fits in ``part_bytes`` (default :data:`PART_BYTES`),
    else ``<key>-01.yaml``, ``<key>-02.yaml`` ... each headed by ``head`` and within the limit.
    An item larger than the limit on its own gets a file of its own (the loader reports it; an
    import leaves such items out beforehand: :func:`oversize`)."""
    limit = PART_BYTES if part_bytes is None else part_bytes
    top = head.encode("utf-8")
    tail = "".join(dump({name: values}) for name, values in (extra or {}).items() if values).encode("utf-8")
    if not items:
        return {f"{key}.yaml": top + dump({key: []}).encode("utf-8") + tail}
    # an item of a block sequence is written the same alone as in the list (at column 0: indentless)
    blobs = [dump([item]).encode("utf-8") for item in items]
    label = f"{key}:\n".encode()
    if len(top) + len(label) + sum(map(len, blobs)) + len(tail) <= limit:
        return {f"{key}.yaml": top + label + b"".join(blobs) + tail}
    parts = [top + label + b"".join(chunk) for chunk in _chunks(blobs, limit - len(top) - len(label) - len(tail))]
    parts[0] += tail
    width = max(2, len(str(len(parts))))
    return {f"{key}-{n:0{width}d}.yaml": data for n, data in enumerate(parts, 1)}


_YAML_PER_REPR_CHAR = 5
"""Bytes of YAML an item takes at most per character of its ``repr``: a character is at most 4
bytes of UTF-8 and escapes are no longer than ``repr``'s own; the rest covers folded lines' indents."""


def oversize(item: dict, head: str = "", part_bytes: int | None = None) -> int | None:
    """The size in bytes of ``item`` written out when it cannot fit in a file of its own
    (``head``, its list's label and the item over ``part_bytes``, default :data:`PART_BYTES`:
    the loader would refuse the file); None when it fits."""
    limit = PART_BYTES if part_bytes is None else part_bytes
    if _YAML_PER_REPR_CHAR * len(repr(item)) + len(head.encode("utf-8")) + 16 <= limit:
        return None  # surely fits: not written out here (list_files writes it once)
    size = len(dump([item]).encode("utf-8"))
    return size if len(head.encode("utf-8")) + 16 + size > limit else None


def _chunks(blobs: Iterable[bytes], limit: int) -> Iterable[list[bytes]]:
    """Consecutive runs of ``blobs`` whose total length stays within ``limit``."""
    chunk: list[bytes] = []
    size = 0
    for blob in blobs:
        if chunk and size + len(blob) > limit:
            yield chunk
            chunk, size = [], 0
        chunk.append(blob)
        size += len(blob)
    if chunk:
        yield chunk


def earlier_import_files(folder: Path) -> list[Path]:
    """The files of an earlier import in ``folder`` (names an import writes), so that a new
    import (``--force``) replaces them all: a ``claims-02.yaml`` left beside a new
    ``claims.yaml`` would repeat its claims."""
    try:
        return sorted(p for p in folder.iterdir() if FILE_NAME.match(p.name) and p.is_file())
    except OSError:
        return []
