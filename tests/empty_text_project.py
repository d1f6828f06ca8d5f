"""A small project with two audiences (``public``: TLP:CLEAR, ``analyst``: TLP:AMBER) whose spec has
sections whose whole text is inside ``{% if visible('c-amber') %} ... {% endif %}``: for the public
they render to nothing (tests/document/test_empty_text_sections.py, tests/pipeline/test_empty_text_notes.py)."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

GUARDED = "{% if visible('c-amber') %}{{ claim('c-amber').statement }} {{ cite('c-amber') }}{% endif %}"
"""A text wholly inside a visible() test of the TLP:AMBER claim: nothing for the public."""


def empty_text_project(folder: Path, sections: str | None = None) -> Path:
    """Write the project in ``folder`` (its knowledge base in ``folder/kb``, an empty
    ``briefgen.toml``, a 1 x 1 PNG ``pixel.png`` for image figures) and return the spec's path.
    ``sections``: the YAML of the spec's ``sections:`` list, by default :data:`SECTIONS`."""
    kb = folder / "kb"
    kb.mkdir(parents=True)
    (folder / "briefgen.toml").write_text("", encoding="utf-8")
    _write_png(folder / "pixel.png")
    (kb / "sources.yaml").write_text(
        "sources:\n"
        "  - {id: src-open, title: Open report, publisher: Publisher, kind: other, reliability: B}\n"
        "  - {id: src-amber, title: Liaison report, publisher: Service, kind: other, reliability: B, "
        "tlp: TLP:AMBER}\n", encoding="utf-8")
    (kb / "entities.yaml").write_text(
        "entities:\n  - {id: ent-1, name: Portco, kind: organization, description: A port operator.}\n",
        encoding="utf-8")
    (kb / "claims.yaml").write_text(
        "claims:\n"
        "  - {id: c-open, statement: Portco runs the harbour., about: [ent-1], sources: [src-open], "
        "date: 2025-04}\n"
        "  - {id: c-amber, statement: Naval vessels berthed at the harbour in April., about: [ent-1], "
        "sources: [src-amber], date: 2025-04, tlp: TLP:AMBER}\n", encoding="utf-8")
    spec = folder / "spec.yaml"
    spec.write_text(f"""briefing:
  id: harbour
  title: Harbour watch
  date: 2025-05-12
  desk: Desk
  author: Author
  tlp: TLP:CLEAR
  language: en
knowledge_base: [kb]
default_audience: analyst
audiences:
  analyst:
    tlp: TLP:AMBER
    paper: A4
    cover: false
    contents: true
  public:
    tlp: TLP:CLEAR
    paper: A4
    cover: false
    contents: true
sections:
{SECTIONS if sections is None else sections}""", encoding="utf-8")
    return spec


SECTIONS = f"""\
  - id: summary
    title: Summary of the harbour
    template: "{{{{ claim('c-open').statement }}}} {{{{ cite('c-open') }}}}"
  - id: military
    title: Military berthings
    template: "{GUARDED}"
  - id: annex
    title: Annex on vessels
    subsections:
      - id: annex-detail
        title: Vessel details
        template: |
          {{% if visible('c-amber') %}}
          {{{{ claim('c-amber').statement }}}}
          {{% endif %}}
  - id: endnotes
    title: Endnotes
    kind: endnotes
"""
"""Sections: one text for everyone, one wholly guarded (``military``), a parent without text of
its own whose one subsection is wholly guarded (``annex``, ``annex-detail``), the endnotes."""


def _write_png(path: Path) -> None:
    """A 1 x 1 grey PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
                     + chunk(b"IEND", b""))
