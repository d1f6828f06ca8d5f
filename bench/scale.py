"""Scale projects for the benchmarks (issue 18): a knowledge base of N claims and a briefing
whose claims table lists them all, written into a folder (nothing generated is committed).

    python bench/scale.py DIR --claims 3000      # writes DIR/kb/*.yaml and DIR/spec.yaml
    python bench/scale.py DIR --text             # the 200-page text project (351 section templates)

Also the plain ReportLab reference on the same rows (:func:`reference_pdf`): the table's cell
texts laid out as tables of 50 rows (the header repeated on each), in the same page size, and the
measurement ``bench/run.py --scale`` prints (:func:`bench_scale`).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from scale_common import measure, write_entities, write_sources, write_spec

__all__ = ["SIZES", "TEXT_SECTIONS", "bench_scale", "bench_text", "reference_pdf", "reference_text_pdf",
           "write_project", "write_text_project"]

SIZES = (300, 3000, 10000)

TEXT_SECTIONS = 351
"""Sections (one template each) of the text project: about 200 A4 pages."""

WORDS = ("port rail freight copper venture ministry contract loan mayor election investment tariff "
         "consortium concession corridor shipment minister delegation agreement survey report").split()


def statement(rng: random.Random) -> str:
    """A claim statement of 12-40 words (one to three lines in the table)."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 40))]
    return " ".join(words).capitalize() + "."


def write_project(folder: Path, claims: int, seed: int = 18) -> Path:
    """Write a knowledge base of ``claims`` claims (4 sources, 4 entities) and a spec with a
    claims table of all of them into ``folder``; returns the spec's path."""
    rng = random.Random(seed)
    kb = folder / "kb"
    kb.mkdir(parents=True, exist_ok=True)
    sources = write_sources(kb, "ABCD")
    entities = [f"ent-{n}" for n in range(1, 5)]
    write_entities(kb, [(e, f"Entity {n}", "organization") for n, e in enumerate(entities, 1)])
    for first in range(1, claims + 1, 2000):  # files of 2,000 claims: a file may hold at most 2 MiB
        lines = ["claims:"]
        for n in range(first, min(first + 2000, claims + 1)):
            lines += [f"  - id: c-{n:05d}", f"    statement: {statement(rng)}",
                      f"    about: [{rng.choice(entities)}]", f"    sources: [{rng.choice(sources)}]",
                      f"    date: 2024-{rng.randint(6, 12):02d}",
                      f"    credibility: {rng.randint(1, 6)}"]
        (kb / f"claims-{first // 2000 + 1:02d}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return write_spec(folder, f"scale-{claims}", f"Scale test of {claims} claims", """\
  - id: claims
    title: Claims and sources
    kind: claims_table
    select: {}
  - id: endnotes
    title: Endnotes
    kind: endnotes
""")


def _noto_fonts() -> None:
    """Register briefgen's default fonts (Noto Sans, TrueType, from assets/fonts) with ReportLab."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    fonts = Path(__file__).resolve().parent.parent / "assets" / "fonts"
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        pdfmetrics.registerFont(TTFont(f"NotoSans-{face}", str(fonts / f"NotoSans-{face}.ttf")))
    pdfmetrics.registerFontFamily("NotoSans-Regular", normal="NotoSans-Regular", bold="NotoSans-Bold",
                                  italic="NotoSans-Italic", boldItalic="NotoSans-BoldItalic")


def _theme_document(out: Path) -> Any:
    """A document template on A4 with the default theme's margins and one frame without padding
    (as briefgen lays out its pages)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    doc = BaseDocTemplate(str(out), pagesize=A4)
    doc.addPageTemplates([PageTemplate("body", [Frame(70, 62, A4[0] - 140, A4[1] - 130, leftPadding=0,
                                                      rightPadding=0, topPadding=0, bottomPadding=0)])])
    return doc


def reference_pdf(claims: int, out: Path, seed: int = 18, *, standard_fonts: bool = False) -> None:
    """The plain ReportLab reference: the same rows (number, statement, date, rating, source) as
    Paragraphs in tables of 50 rows with a repeated header, in briefgen's default look: Noto Sans
    (TrueType) 8 pt cells, a bold header on navy, grid, stripes, padding, column widths and page
    margins of the default theme, on A4. ``standard_fonts``: the earlier reference instead
    (ReportLab's sample BodyText, Helvetica 10 pt, 72 pt margins), for comparison."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    rng = random.Random(seed)
    if standard_fonts:
        cell = head_style = getSampleStyleSheet()["BodyText"]
        shares, width, doc = (.06, .6, .12, .1, .12), A4[0] - 144, SimpleDocTemplate(str(out), pagesize=A4)
        look = [("GRID", (0, 0), (-1, -1), .5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, colors.whitesmoke])]
    else:
        _noto_fonts()
        cell = ParagraphStyle("cell", fontName="NotoSans-Regular", fontSize=8, leading=10.5)
        head_style = ParagraphStyle("head", parent=cell, fontName="NotoSans-Bold", leading=10, textColor=colors.white)
        shares, width, doc = (.05, .57, .14, .14, .10), A4[0] - 140, _theme_document(out)
        look = [("GRID", (0, 0), (-1, -1), .5, colors.HexColor("#c5ccd6")), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#14284b")),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [None, colors.HexColor("#f0f3f7")])]
    head = [Paragraph(t, head_style) for t in ("#", "Claim", "Date", "Rating", "Sources")]
    rows = [[Paragraph(str(n), cell), Paragraph(statement(rng), cell),
             Paragraph(f"2024-{rng.randint(6, 12):02d}", cell),
             Paragraph(f"B{rng.randint(1, 6)}", cell), Paragraph(str(n), cell)] for n in range(1, claims + 1)]
    story = []
    for first in range(0, len(rows), 50):
        table = Table([head] + rows[first:first + 50], colWidths=[w * width for w in shares],
                      repeatRows=1, splitByRow=1)
        table.setStyle(TableStyle(look))
        story.append(table)
    doc.build(story)


def _text_sections(seed: int, sections: int, claims: int) -> list[tuple[str, list[tuple[list[str], int, int]]]]:
    """The text project's sections, the same for briefgen and the reference: (title, paragraphs),
    a paragraph being (words, entity number, cited claim number)."""
    rng = random.Random(seed)
    out = []
    for n in range(1, sections + 1):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 5))).capitalize()
        paras = [([rng.choice(WORDS) for _ in range(rng.randint(60, 120))], rng.randint(1, 4), rng.randint(1, claims))
                 for _ in range(3)]
        out.append((f"{n}. {title}", paras))
    return out


def _sentences(words: list[str]) -> list[str]:
    """``words`` cut into sentences of 8-16 words (capitalised, full stop), deterministic."""
    out, at, size = [], 0, 8
    while at < len(words):
        out.append(" ".join(words[at:at + size]).capitalize() + ".")
        at, size = at + size, 8 + (size + 5) % 9
    return out


def write_text_project(folder: Path, sections: int = TEXT_SECTIONS, seed: int = 18) -> Path:
    """Write the 200-page text project into ``folder``: ``sections`` text sections, each a
    template of three paragraphs of 60-120 words naming an entity and citing a claim (the
    issue's 351 templates), a knowledge base of 600 claims, and the endnotes; returns the
    spec's path."""
    write_project(folder, 600, seed)
    lines: list[str] = []
    for title, paras in _text_sections(seed, sections, 600):
        body = "\n\n".join(f"{{{{ entity('ent-{ent}').name }}}} " + " ".join(_sentences(words))
                            + f"{{{{ cite('c-{claim:05d}') }}}}" for words, ent, claim in paras)
        lines += [f"  - id: s{len(lines) // 5 + 1:03d}", f"    title: {title}", "    kind: text", "    template: |",
                  "      " + body.replace("\n\n", "\n\n      ")]
    return write_spec(folder, "text-200", f"Text test of {sections} sections",
                      "\n".join(lines) + "\n  - id: endnotes\n    title: Endnotes\n    kind: endnotes\n")


def reference_text_pdf(out: Path, sections: int = TEXT_SECTIONS, seed: int = 18) -> None:
    """The plain ReportLab reference of the text project: the same headings and paragraphs
    (entity names, citation numbers as superscripts) and the endnotes, in
    briefgen's default theme's fonts (Noto Sans TrueType), sizes, leading and spacing, on A4 with
    the theme's margins, in one frame without padding (as briefgen's), as one story."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    _noto_fonts()
    body = ParagraphStyle("body", fontName="NotoSans-Regular", fontSize=9.5, leading=13.5, spaceAfter=6)
    h1 = ParagraphStyle("h1", parent=body, fontName="NotoSans-Bold", fontSize=14, leading=18, spaceBefore=14,
                        keepWithNext=1)
    story = []
    for title, paras in _text_sections(seed, sections, 600):
        story.append(Paragraph(title, h1))
        for words, ent, claim in paras:  # briefgen's endnotes are the 4 sources: numbers 1-4
            story.append(Paragraph(f"Entity {ent} " + " ".join(_sentences(words)) + f"<super>{claim % 4 + 1}</super>",
                                   body))
    story.append(Paragraph("Endnotes", h1))
    story += [Paragraph(f"{n}. Source number {n}, Publisher {n}.", body) for n in range(1, 5)]
    _theme_document(out).build(story)


def bench_scale(work: Path, repeat: int, run: Callable[[list[str]], tuple[float, int, int]],
                sizes: tuple[int, ...] = SIZES) -> None:
    """Print, for each size, the median wall time of whole processes (``run(cmd)`` -> (seconds,
    peak RSS bytes, status)), interleaved over ``repeat`` rounds: the import floor, ``briefgen
    build`` of the claims table and ``briefgen validate``, beside the plain ReportLab reference
    on the same rows; time per claim (whole build / claims, and marginal: over the smallest size)
    and peak memory."""
    py, here = sys.executable, Path(__file__).resolve()
    jobs: dict[str, list[str]] = {"import floor": [py, "-c", "import matplotlib.pyplot, reportlab.platypus"]}
    for n in sizes:
        spec = write_project(work / f"scale-{n}", n)
        jobs[f"build {n}"] = [py, "-m", "briefgen", "build", str(spec), "-o", str(work / f"out-{n}")]
        jobs[f"validate {n}"] = [py, "-m", "briefgen", "validate", str(spec)]
        jobs[f"reference {n}"] = [py, str(here), "x", "--claims", str(n), "--reference", str(work / f"ref-{n}.pdf")]
    med, peaks, _status = measure({name: partial(run, cmd) for name, cmd in jobs.items()}, repeat)
    floor = med["import floor"]
    base = sizes[0]
    print(f"\nScale (median of {repeat}; import floor {floor:.2f} s; marginal: (build - build of {base}) / "
          f"(claims - {base}))")
    print(f"{'claims':>7} {'build s':>8} {'ms/claim':>9} {'marginal':>9} {'ReportLab 50-row s':>19} {'ratio':>6} "
          f"{'peak MiB':>9} {'validate s':>11} {'/floor':>7}")
    for n in sizes:
        build, ref, val = med[f"build {n}"], med[f"reference {n}"], med[f"validate {n}"]
        marginal = f"{(build - med[f'build {base}']) / (n - base) * 1000:>9.2f}" if n != base else f"{'':>9}"
        print(f"{n:>7} {build:>8.2f} {build / n * 1000:>9.2f} {marginal} {ref:>19.2f} {build / ref:>6.2f} "
              f"{peaks[f'build {n}'] / 2**20:>9.0f} {val:>11.2f} {val / floor:>7.2f}")


def bench_text(work: Path, repeat: int, run: Callable[[list[str]], tuple[float, int, int]]) -> None:
    """Print the 200-page text project's measurement (whole processes, medians of ``repeat``
    interleaved rounds): ``briefgen build`` (time per page, peak memory), ``briefgen validate``
    (ratio to the build) and the plain ReportLab story of the same paragraphs
    (:func:`reference_text_pdf`)."""
    import pikepdf

    py, here = sys.executable, Path(__file__).resolve()
    spec, out = write_text_project(work / "text"), work / "out-text"
    jobs = {"build": [py, "-m", "briefgen", "build", str(spec), "-o", str(out)],
            "validate": [py, "-m", "briefgen", "validate", str(spec)],
            "reference": [py, str(here), "x", "--text", "--reference", str(work / "ref-text.pdf")]}
    med, peaks, _status = measure({name: partial(run, cmd) for name, cmd in jobs.items()}, repeat)
    with pikepdf.open(next(out.glob("*.pdf"))) as pdf, pikepdf.open(work / "ref-text.pdf") as ref_pdf:
        pages, ref_pages = len(pdf.pages), len(ref_pdf.pages)
    build, ref, val = med["build"], med["reference"], med["validate"]
    print(f"\nText: {TEXT_SECTIONS} section templates (median of {repeat})")
    print(f"{'pages':>6} {'build s':>8} {'ms/page':>8} {'ReportLab s':>12} {'ref pages':>10} {'ratio':>6} "
          f"{'peak MiB':>9} {'validate s':>11} {'/build':>7}")
    print(f"{pages:>6} {build:>8.2f} {build / pages * 1000:>8.1f} {ref:>12.2f} {ref_pages:>10} {build / ref:>6.2f} "
          f"{peaks['build'] / 2**20:>9.0f} {val:>11.2f} {val / build:>7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--claims", type=int, default=3000)
    parser.add_argument("--text", action="store_true", help="the 200-page text project (or its reference) instead")
    parser.add_argument("--reference", type=Path, help="write the plain ReportLab reference PDF here instead")
    parser.add_argument("--standard-fonts", action="store_true",
                        help="the table reference as it was before: ReportLab's sample style (Helvetica)")
    args = parser.parse_args()
    if args.reference:
        reference_text_pdf(args.reference) if args.text else reference_pdf(
            args.claims, args.reference, standard_fonts=args.standard_fonts)
    else:
        print(write_text_project(args.folder) if args.text else write_project(args.folder, args.claims))


if __name__ == "__main__":
    main()
