"""A project whose briefing puts runs without a space, wider than their column, everywhere text is
laid out (tests/layout/test_long_runs.py), and the PDF read back word by word with ``pdftotext -bbox``.

Each place gets a token of its own letter (``TOKENS``: the place, what is written there), so a test
can count that letter in the PDF's text and find where its words were drawn."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from claims_project import one_audience_spec

URL = "https://example.org/"
REPO = Path(__file__).resolve().parent.parent


def tokens(length: int) -> dict[str, str]:
    """The long run written in each place (``length`` letters of the place's own letter)."""
    return {
        "url-last-segment": URL + "a" * length,
        "plain-word": "b" * length,
        "url-middle-segment": URL + "c" * length + "/tail",
        "bold-word": "d" * length,
        "hyphenated": "x-" + "e" * length,
        "bullet-url": URL + "f" * length,
        "judgment-url": URL + "g" * length,
        "table-cell": "h" * length,
        "endnote-title": "i" * length,
        "endnote-url": URL + "j" * length,
        "profile": "k" * length,
        "heading": "n" * length,
        "caption": "o" * length,
        "link-text": "p" * length,
        "cited-word": "q" * length,
        "in-long-paragraph": URL + "r" * length,
        "digits": "7" * length,
        "han": "漢" * length,
        "arabic": "ب" * length,
        "hebrew": "ש" * length,
    }


LATIN = {place: max(token, key=token.count) for place, token in tokens(12).items()
         if max(token, key=token.count).isascii() and max(token, key=token.count).isalpha()}
"""The letter of each place whose run is of a Latin letter (counted in the PDF's text)."""


def run_letters(text: str, letter: str) -> int:
    """How many of the ``letter`` characters of ``text`` stand in runs of three or more, or make up a
    word of two or more (the last piece of a broken run); ordinary words have none."""
    runs = re.findall(f"{re.escape(letter)}{{3,}}", text)
    pieces = re.findall(f"(?<!\\S){re.escape(letter)}{{2}}(?!\\S)", text)
    return sum(len(run) for run in runs) + 2 * len(pieces)


def long_runs_project(folder: Path, length: int, side_margin: float) -> Path:
    """Write the project into ``folder`` (A4, left and right margins ``side_margin`` points) with
    runs of ``length`` letters; returns the spec's path."""
    t = tokens(length)
    kb = folder / "kb"
    kb.mkdir(parents=True)
    (kb / "sources.yaml").write_text(f"""sources:
  - id: src-1
    title: "Report {t['endnote-title']}"
    publisher: Publisher
    url: "{t['endnote-url']}"
    kind: other
    reliability: B
""", encoding="utf-8")
    (kb / "entities.yaml").write_text(f"""entities:
  - id: ent-1
    name: Entity one
    kind: organization
    description: "The entity {t['profile']} is here."
""", encoding="utf-8")
    (kb / "claims.yaml").write_text(f"""claims:
  - id: c-judgment
    statement: "We judge the report at {t['judgment-url']} sound."
    about: [ent-1]
    sources: [src-1]
    likelihood: likely
    confidence: moderate
  - id: c-cell
    statement: "The cell holds {t['table-cell']} here."
    about: [ent-1]
    sources: [src-1]
    credibility: 2
""", encoding="utf-8")
    image = folder / "pixel.png"
    _write_png(image)
    theme = folder / "theme.yaml"
    default = (REPO / "assets" / "themes" / "default.yaml").read_text(encoding="utf-8")
    theme.write_text(default.replace("../fonts/", "builtin:fonts/").replace(
        "margins: {top: 68, bottom: 62, left: 70, right: 70}",
        f"margins: {{top: 68, bottom: 62, left: {side_margin}, right: {side_margin}}}"), encoding="utf-8")
    spec = one_audience_spec(folder, "long-runs", "Long runs", f"""\
  - id: text
    title: Text
    template: |
      The report is at {t['url-last-segment']}

      A plain word {t['plain-word']} ends here.

      The address {t['url-middle-segment']} has a long segment.

      A **{t['bold-word']}** word in bold.

      The loader {t['hyphenated']} was seen.

      A link [{t['link-text']}](https://example.org/x) here.

      A cited word {t['cited-word']}{{{{ cite('c-cell') }}}} here.

      The number {t['digits']} is long.

      Han text {t['han']} here.

      {"Lorem ipsum dolor sit amet. " * 800}{t['in-long-paragraph']} {"Lorem ipsum dolor sit amet. " * 200}

      - An item with {t['bullet-url']} in it.

  - id: arabic
    title: Arabic
    template: |
      قصفت القوات {t['arabic']} في فبراير.

      בית החולים {t['hebrew']} נפגע.

  - id: heading
    title: "Heading {t['heading']}"
    template: |
      Below a long heading.

  - id: judgments
    title: Key judgments
    kind: key_judgments
    select: {{claims: [c-judgment]}}

  - id: actors
    title: Actors
    kind: profiles
    entities: [ent-1]

  - id: figures
    title: Figures
    kind: chart
    images:
      - id: fig-pixel
        path: pixel.png
        title: A pixel
        caption: "The caption {t['caption']} ends."
        source: "Source: desk."
        alt: A single grey pixel.
        width: 1

  - id: claims
    title: Claims
    kind: claims_table
    select: {{claims: [c-cell, c-judgment]}}

  - id: endnotes
    title: Endnotes
    kind: endnotes
""")
    text = spec.read_text(encoding="utf-8").replace("knowledge_base: [kb]", "knowledge_base: [kb]\ntheme: theme.yaml")
    spec.write_text(text, encoding="utf-8")
    return spec


def _write_png(path: Path) -> None:
    """A 1 x 1 grey PNG."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
                     + chunk(b"IEND", b""))


@dataclass(frozen=True)
class Word:
    """A word ``pdftotext -bbox`` found: its page (from 1), box (points, origin top left), text."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    """A page's size (points) and its words."""

    width: float
    height: float
    words: list[Word]


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def read_pages(pdf: Path) -> list[Page]:
    """Every page of ``pdf`` with its words (``pdftotext -bbox``, poppler-utils)."""
    if shutil.which("pdftotext") is None:
        raise RuntimeError("pdftotext (poppler-utils) is needed to read the PDF back")
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = []
    for n, match in enumerate(_PAGE.finditer(out), start=1):
        words = [Word(n, float(a), float(b), float(c), float(d), _unescape(text))
                 for a, b, c, d, text in _WORD.findall(match.group(3))]
        pages.append(Page(float(match.group(1)), float(match.group(2)), words))
    return pages


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")


def text_only_project(folder: Path, sentences: list[int], token: int) -> Path:
    """A briefing of text sections only (no cover, contents or figures: no page ends early by design),
    section ``n`` a heading and a paragraph of ``sentences[n]`` sentences, then a run of ``token``
    letters and a few more; returns the spec's path."""
    kb = folder / "kb"
    kb.mkdir(parents=True)
    (kb / "kb.yaml").write_text("entities:\n  - id: ent-1\n    name: Entity one\n    kind: organization\n",
                                encoding="utf-8")
    sections = "".join(f"""\
  - id: s{n}
    title: Section {n}
    template: |
      {"The desk reviewed the port's records again. " * count}{URL}{"s" * token} ends it. {"More follows here. " * 5}
""" for n, count in enumerate(sentences))
    return one_audience_spec(folder, "text-only", "Text only", sections)
