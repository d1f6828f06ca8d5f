"""A small project whose briefing is a claims table and its endnotes, for tests that need a
real build without charts (tests/layout/test_long_table_costs.py, tests/charts/test_recent_record.py),
and the one-audience spec writer it shares (tests/layout/test_kept_lines.py)."""

from __future__ import annotations

from pathlib import Path


def claims_table_project(folder: Path, claims: int) -> Path:
    """A project whose briefing is a claims table of ``claims`` claims (two dates, two ratings,
    one source: the short cells repeat, the number and statement cells do not) and the endnotes."""
    kb = folder / "kb"
    kb.mkdir(parents=True)
    (kb / "sources.yaml").write_text("sources:\n  - id: src-1\n    title: Source one\n    publisher: Publisher\n"
                                     "    kind: other\n    reliability: B\n", encoding="utf-8")
    (kb / "entities.yaml").write_text("entities:\n  - id: ent-1\n    name: Entity one\n    kind: organization\n"
                                      "    description: An entity.\n", encoding="utf-8")
    (kb / "claims.yaml").write_text("claims:\n" + "".join(
        f"  - id: c-{n:04d}\n    statement: Claim number {n} about the port and the rail corridor.\n"
        f"    about: [ent-1]\n    sources: [src-1]\n    date: 2024-{6 + n % 2:02d}\n    credibility: {2 + n % 2}\n"
        for n in range(1, claims + 1)), encoding="utf-8")
    return one_audience_spec(folder, "long-table", "Long table", """\
  - id: claims
    title: Claims
    kind: claims_table
    select: {}
  - id: endnotes
    title: Endnotes
    kind: endnotes
""")


def one_audience_spec(folder: Path, briefing_id: str, title: str, sections: str) -> Path:
    """Write ``folder/spec.yaml``: a briefing ``briefing_id`` titled ``title`` on the knowledge base
    in ``folder/kb``, for one TLP:CLEAR audience on A4 without cover or contents, with ``sections``
    (the YAML of its ``sections:`` list). Returns its path."""
    spec = folder / "spec.yaml"
    spec.write_text(f"""briefing:
  id: {briefing_id}
  title: {title}
  date: 2025-05-12
  desk: Desk
  author: Author
  tlp: TLP:CLEAR
  language: en
knowledge_base: [kb]
default_audience: all
audiences:
  all:
    tlp: TLP:CLEAR
    paper: A4
    cover: false
    contents: false
sections:
{sections}""", encoding="utf-8")
    return spec
