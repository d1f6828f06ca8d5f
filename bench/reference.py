"""The reference point: the same briefing rendered by a plain Jinja2 + WeasyPrint pipeline.

Reads what bench/export_content.py exported (the text blocks in reading order and the
chart objects), renders an HTML page with Jinja2 (bench/reference.html.j2: cover, TLP
banners in header and footer of every page, contents with page numbers, sections,
tables, figures, "Page X of Y") and prints it to PDF with WeasyPrint, fonts embedded and
subset by WeasyPrint. Charts are vector SVG from matplotlib (the same drawing code as
briefgen's, so the same charts):

    python bench/reference.py CONTENT_DIR OUT.pdf              # charts drawn beforehand
    python bench/reference.py CONTENT_DIR OUT.pdf --draw-charts # charts drawn in this run

Needs ``pip install -r bench/requirements.txt`` (WeasyPrint is not a briefgen dependency).
"""

from __future__ import annotations

import io
import json
import pickle
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def draw_svgs(content_dir: Path) -> None:
    """Draw every chart of the export as an SVG file (svg/<id>.svg), text kept as text."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    from briefgen.charts.render import _drawn

    with open(content_dir / "charts.pickle", "rb") as fh:
        data = pickle.load(fh)
    (content_dir / "svg").mkdir(exist_ok=True)
    for chart in data["charts"]:
        with _drawn(chart, data["style"]) as fig, matplotlib.rc_context({"svg.fonttype": "none",
                                                                         "svg.hashsalt": "bench"}):
            buf = io.StringIO()
            FigureCanvasSVG(fig).print_svg(buf, metadata={"Date": None})
        (content_dir / "svg" / f"{chart.id}.svg").write_text(buf.getvalue())


def render(content_dir: Path, out_pdf: Path, *, draw: bool) -> None:
    import jinja2
    import weasyprint

    if draw:
        draw_svgs(content_dir)
    content = json.loads((content_dir / "content.json").read_text())
    fonts = (HERE.parent / "assets" / "fonts").resolve()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE), autoescape=False)
    html = env.get_template("reference.html.j2").render(c=content, fonts=fonts.as_uri(),
                                                         svg=(content_dir / "svg").resolve())
    weasyprint.HTML(string=html, base_url=str(content_dir)).write_pdf(str(out_pdf))


if __name__ == "__main__":
    render(Path(sys.argv[1]), Path(sys.argv[2]), draw="--draw-charts" in sys.argv[3:])
