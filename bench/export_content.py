"""Export one briefing's content for the WeasyPrint + Jinja2 reference (bench/reference.py).

Runs briefgen's layout once and records the story it lays out, in reading order, as plain
data: headings, paragraphs (ReportLab paragraph markup turned into HTML), bullet items,
tables (the claims table), the contents, figures (the chart objects, pickled, plus an SVG
of each drawn with the same matplotlib code) and page/section breaks. The reference thus
renders exactly the same text and charts.

    python bench/export_content.py SPEC AUDIENCE OUT_DIR
"""

from __future__ import annotations

import json
import pickle
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

_FONT_RE = re.compile(r'<font\s+([^>]*)>')
_ATTR_RE = re.compile(r'(\w+)="([^"]*)"')


def markup_to_html(markup: str) -> str:
    """ReportLab paragraph markup -> HTML (the subset briefgen writes)."""
    html = markup.replace("<super>", "<sup>").replace("</super>", "</sup>")
    html = re.sub(r'<a name="([^"]+)"\s*/>', r'<a id="\1"></a>', html)

    def font(m: re.Match) -> str:
        attrs = dict(_ATTR_RE.findall(m.group(1)))
        css = []
        if "color" in attrs:
            css.append(f"color:{attrs['color']}")
        if "name" in attrs:
            css.append(f"font-family:'{attrs['name']}'")
        return f'<span style="{";".join(css)}">'

    html = _FONT_RE.sub(font, html).replace("</font>", "</span>")
    html = re.sub(r'<a href="([^"]+)" color="[^"]*">', r'<a href="\1">', html)
    return html


def export(spec: str, audience: str, out_dir: Path) -> dict:
    from reportlab.platypus import CondPageBreak, PageBreak, Paragraph, Spacer, Table
    from reportlab.platypus.flowables import HRFlowable
    from reportlab.platypus.tableofcontents import TableOfContents

    import briefgen.layout.pdf as pdf_mod
    from briefgen.layout.flowables import Heading
    from briefgen.layout.vector import ChartSlot
    from briefgen.load import theme as theme_mod
    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare
    from briefgen.pipeline.variant import chart_style_for
    from briefgen.resolve.select import resolve

    captured: dict = {}
    real = pdf_mod._Doc.build

    def capture(self, story, *a, **kw):
        captured.setdefault("story", list(story))
        captured.setdefault("page", self.pagesize)
        return real(self, story, *a, **kw)

    pdf_mod._Doc.build = capture
    try:
        prepared = prepare(spec)
        result = build_prepared(prepared, audience, BuildOptions(write=False, parallel_charts=False))
    finally:
        pdf_mod._Doc.build = real
    briefing = resolve(prepared.loaded, prepared.kb, result.audience, extra_drops=result.dropped)
    charts = {c.id: c for c in briefing.charts()}
    theme = theme_mod.load_theme(None, prepared.loaded.root)
    style = chart_style_for(theme)

    blocks: list[dict] = []
    headings = []
    for f in captured["story"]:
        if isinstance(f, Heading):
            blocks.append({"kind": "heading", "level": f.level, "id": f.key, "html": markup_to_html(f.text)})
            if f.in_outline:
                headings.append({"level": f.level, "id": f.key, "title": f.title_text})
        elif isinstance(f, TableOfContents):
            blocks.append({"kind": "contents"})
        elif isinstance(f, Paragraph):
            kind = "item" if getattr(f, "bulletText", None) else "para"
            blocks.append({"kind": kind, "style": f.style.name, "html": markup_to_html(f.text)})
        elif isinstance(f, Table):
            def cell(value) -> str:
                if isinstance(value, Paragraph):
                    return markup_to_html(value.text)
                if isinstance(value, (list, tuple)):
                    return "<br>".join(cell(v) for v in value)
                return str(value)

            rows = [[cell(c) for c in row] for row in f._cellvalues]
            blocks.append({"kind": "table", "rows": rows})
        elif isinstance(f, ChartSlot):
            blocks.append({"kind": "figure", "id": f.key, "width_pt": f.width_pt, "height_pt": f.height_pt})
        elif isinstance(f, PageBreak):
            blocks.append({"kind": "pagebreak"})
        elif isinstance(f, HRFlowable):
            blocks.append({"kind": "rule"})
        elif isinstance(f, (Spacer, CondPageBreak)):
            continue
    out_dir.mkdir(parents=True, exist_ok=True)
    content = {"title": briefing.title, "banner": result.banner, "page_size_pt": list(captured["page"]),
               "headings": headings, "blocks": blocks,
               "meta": {"desk": briefing.meta.desk, "date": briefing.meta.date.render()}}
    (out_dir / "content.json").write_text(json.dumps(content, ensure_ascii=False, indent=1))
    with open(out_dir / "charts.pickle", "wb") as fh:
        pickle.dump({"charts": [charts[b["id"]] for b in blocks if b["kind"] == "figure"], "style": style}, fh)
    # the "warm" reference uses charts drawn beforehand, as SVG
    from reference import draw_svgs

    draw_svgs(out_dir)
    return content


if __name__ == "__main__":
    export(sys.argv[1], sys.argv[2], Path(sys.argv[3]))
