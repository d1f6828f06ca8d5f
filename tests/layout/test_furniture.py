"""Page furniture keeps to its place: the running title, the desk and date and "Page X of Y" never
run under a TLP banner (TLP 2.0: it must stay legible), into each other or off the page, however
long the title or desk, in Latin, Han or Arabic script; what is shortened ends with an ellipsis.

The furniture is read back from the PDF with pypdfium2: the bounds of every page-level object in
the header and footer bands (the banner's black box is a path, each run of text a text object,
"Page X of Y" a form)."""

from __future__ import annotations

import ctypes
import io
import re
from dataclasses import dataclass

import pikepdf
import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from conftest import REPO, pdf_pages_text, squash
from reportlab.lib.pagesizes import A4, A5
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from tagged_reader import page_objects
from test_faithful_text import mini_project

from briefgen.layout import contents
from briefgen.layout.fitting import ELLIPSIS
from briefgen.layout.fonts import load_fontset
from briefgen.layout.furniture import TEXT_SIZE, PageFurniture
from briefgen.load.theme import load_theme
from briefgen.model.tlp import TLP
from briefgen.pipeline.build import BuildOptions, build

LONG_TITLE = ("Calder Bay: A New Quay, a Busy Port and an Open Concession, with the Ministry of Transport, the "
              "Harbour Workers Union and Meridian Terminals all pressing for a Decision Before the 2026 Budget")
LONG_DESK = ("Ports and Maritime Infrastructure Desk, Western Estmark Regional Office, Directorate for Transport "
             "and Logistics Intelligence and Assessment")
HAN_TITLE = ("秘鲁与中国：钱凯港的开放、南美洲太平洋贸易路线的改变，"
             "以及美国、欧盟和地区各国政府对这一新格局的回应与立场分析报告")
HAN_DESK = "拉丁美洲与太平洋港口研究室，西部地区办公室，交通与物流情报评估司"
ARABIC_TITLE = ("قال وزير الخارجية محمد جواد ظريف في عام 2020 إن حلف شمال الأطلسي لا يزال قويا وإن التعاون "
                "بين الموانئ في المحيط الهادئ مستمر رغم الخلافات بين الحكومات")
ARABIC_DESK = "مكتب الموانئ والبنية التحتية البحرية، المكتب الإقليمي الغربي، مديرية النقل واللوجستيات"
DATE = "6 May 2025"


@dataclass(frozen=True)
class Piece:
    """A page-level object in a band: ``kind`` (pdfium's type: 1 text, 2 path, 5 form), ``text``
    (text objects) and ``box`` (left, bottom, right, top in points)."""

    kind: int
    text: str
    box: tuple[float, float, float, float]


def band_pieces(pdf_bytes: bytes, top_band: float, bottom_band: float) -> list[tuple[list[Piece], list[Piece]]]:
    """Each page's (header, footer) objects: those wholly above ``top_band`` points from the top
    of the page, and those wholly below ``bottom_band`` points from its foot."""
    doc = pdfium.PdfDocument(pdf_bytes)
    out = []
    try:
        for page in doc:
            height = page.get_height()
            textpage = page.get_textpage()
            head, foot = [], []
            for obj in page.get_objects(max_depth=1):
                text = _text(obj.raw, textpage.raw) if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT else ""
                piece = Piece(obj.type, text, tuple(obj.get_bounds()))
                if piece.box[1] >= height - top_band:
                    head.append(piece)
                elif piece.box[3] <= bottom_band:
                    foot.append(piece)
            out.append((head, foot))
    finally:
        doc.close()
    return out


def _text(obj, textpage) -> str:
    size = pdfium_c.FPDFTextObj_GetText(obj, textpage, None, 0)
    buf = (ctypes.c_ushort * (size // 2 + 1))()
    pdfium_c.FPDFTextObj_GetText(obj, textpage, buf, size)
    return bytes(buf)[:size].decode("utf-16-le").rstrip("\x00")


def _overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _union(boxes):
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def check_band(pieces: list[Piece], page_width: float) -> tuple[str, tuple | None, tuple | None]:
    """Assert that in one band the text and the page-number form stay on the page, clear of the
    banner's black box and of each other; return the band's own text (runs joined, banner label
    aside) and the boxes of that text and of the form (None when absent)."""
    banners = [p.box for p in pieces if p.kind == pdfium_c.FPDF_PAGEOBJ_PATH]
    assert len(banners) == 1, pieces
    (banner,) = banners
    labels = [p for p in pieces if p.kind == pdfium_c.FPDF_PAGEOBJ_TEXT and p.text.startswith("TLP:")]
    assert len(labels) == 1 and banner[0] <= labels[0].box[0] and labels[0].box[2] <= banner[2], labels
    texts = [p for p in pieces if p.kind == pdfium_c.FPDF_PAGEOBJ_TEXT and p not in labels]
    forms = [p.box for p in pieces if p.kind == pdfium_c.FPDF_PAGEOBJ_FORM]
    for box in [p.box for p in texts] + forms:
        assert 0 <= box[0] and box[2] <= page_width, f"off the page: {box}"
        assert not _overlap(box, banner), f"{box} runs under the banner {banner}"
    text_box = _union([p.box for p in texts]) if texts else None
    form_box = forms[0] if forms else None
    if text_box and form_box:
        assert text_box[2] + 1 <= form_box[0], f"the text {text_box} runs into 'Page X of Y' {form_box}"
    return "".join(p.text for p in texts).strip(), text_box, form_box


@pytest.fixture(scope="module")
def theme():
    return load_theme(None, REPO)


@pytest.fixture(scope="module")
def fonts(theme):
    return load_fontset(theme)


def page_theme(theme, banner_size: float):
    """The theme with a banner of ``banner_size`` points (12 to 24) in bands that fit it."""
    band = max(24, banner_size + 6)
    page = theme.page.model_copy(update={"banner_font_size": banner_size, "header_height": band,
                                         "footer_height": band})
    return theme.model_copy(update={"page": page})


GEOMETRIES = {"A4, TLP:CLEAR 12 pt": (A4, "TLP:CLEAR", 12), "A5, TLP:AMBER+STRICT 12 pt": (A5, "TLP:AMBER+STRICT", 12),
              "A5, TLP:CLEAR 24 pt": (A5, "TLP:CLEAR", 24)}


def furniture_pdf(furniture: PageFurniture, pages: int = 3) -> bytes:
    buf = io.BytesIO()
    canv = Canvas(buf, pagesize=furniture.page_size)
    for page in range(1, pages + 1):
        furniture.draw(canv, page)
        canv.showPage()
    furniture.define_page_numbers(canv, pages)
    canv.save()
    return buf.getvalue()


TEXTS = {"latin": (LONG_TITLE, LONG_DESK), "han": (HAN_TITLE, HAN_DESK), "arabic": (ARABIC_TITLE, ARABIC_DESK),
         "short": ("Calder Bay", "Ports Desk")}


@pytest.mark.parametrize("script", list(TEXTS))
@pytest.mark.parametrize("geometry", list(GEOMETRIES))
def test_header_and_footer_stay_clear_of_the_banner_and_each_other(theme, fonts, script, geometry) -> None:
    title, desk = TEXTS[script]
    size, marking, banner_size = GEOMETRIES[geometry]
    themed = page_theme(theme, banner_size)
    furniture = PageFurniture(page_size=size, theme=themed, fonts=fonts, banner=TLP.parse(marking),
                              title=title, footer=f"{desk} · {DATE}", has_cover=False, footer_date=DATE)
    m = themed.page.margins
    for number, (head, foot) in enumerate(band_pieces(furniture_pdf(furniture), m.top, m.bottom), start=1):
        head_text, head_box, _ = check_band(head, size[0])
        foot_text, foot_box, number_box = check_band(foot, size[0])
        assert number_box is not None and head_box is not None and foot_box is not None, f"page {number}"
        assert head_box[0] >= m.left - 1 and foot_box[0] >= m.left - 1
        if script == "short" and size == A4:
            assert (head_text, foot_text) == (title, f"{desk} · {DATE}")
            continue
        if script == "arabic":  # pdfium orders a line with Arabic by its own rules, and may read U+2026 as "..."
            head_text, foot_text = (t.replace("...", ELLIPSIS) for t in (head_text, foot_text))
            assert ELLIPSIS in head_text and ELLIPSIS in foot_text and "2025" in foot_text
            assert furniture.title_line.endswith(ELLIPSIS) and title.startswith(furniture.title_line[:-1])
            assert furniture.footer_line.endswith(f"{ELLIPSIS} · \u2068{DATE}\u2069")  # the date isolated
            assert desk.startswith(furniture.footer_line.split(ELLIPSIS)[0])
            # drawn left to right: the date as written (not "May 2025 6"), then the ellipsis and the desk
            drawn = fonts.split_runs(furniture.footer_line)
            assert drawn[:2] == [(fonts.regular, DATE), (fonts.regular, f" · {ELLIPSIS}")]
            continue
        assert ELLIPSIS in foot_text and foot_text.endswith(f"{ELLIPSIS} · {DATE}"), "the date is kept whole"
        if script == "short":
            continue  # (the title fits A5 too)
        assert head_text.endswith(ELLIPSIS) and title.startswith(head_text[:-1])
        assert desk.startswith(foot_text.split(ELLIPSIS)[0])


def test_a_date_after_a_right_to_left_desk_reads_as_written(theme, fonts) -> None:
    furniture = PageFurniture(page_size=A4, theme=theme, fonts=fonts, banner=TLP.CLEAR, title="T",
                              footer=f"مكتب الموانئ · {DATE}", has_cover=False, footer_date=DATE)
    assert furniture.footer_line == f"مكتب الموانئ · \u2068{DATE}\u2069"  # fits: not shortened, the date isolated
    assert [text for _font, text in fonts.split_runs(furniture.footer_line)][:2] == [DATE, " · "]


def test_with_no_room_left_the_desk_goes_and_nothing_overlaps(theme, fonts) -> None:
    """A5 with 70 pt margins and a 24 pt TLP:AMBER+STRICT banner: 37 pt from the margin to the
    banner. The title is cut to a word, "Page X of Y" drawn smaller, the desk and date left out."""
    themed = page_theme(theme, 24)
    furniture = PageFurniture(page_size=A5, theme=themed, fonts=fonts, banner=TLP.AMBER_STRICT, title=LONG_TITLE,
                              footer=f"{LONG_DESK} · {DATE}", has_cover=False, footer_date=DATE)
    m = themed.page.margins
    for head, foot in band_pieces(furniture_pdf(furniture), m.top, m.bottom):
        assert check_band(head, A5[0])[0] == f"Calder{ELLIPSIS}"
        foot_text, foot_box, number_box = check_band(foot, A5[0])
        assert (foot_text, foot_box) == ("", None) and number_box is not None


def test_the_furniture_measures_what_it_draws(theme, fonts) -> None:
    """The drawn title fills its room: it is at most the room wide, and one more word would not fit."""
    furniture = PageFurniture(page_size=A4, theme=theme, fonts=fonts, banner=TLP.CLEAR, title=LONG_TITLE,
                              footer=f"{LONG_DESK} · {DATE}", has_cover=False, footer_date=DATE)
    slots, line = furniture.slots, furniture.title_line
    drawn = fonts.string_width(line, TEXT_SIZE)
    assert line == "Calder Bay: A New Quay, a Busy Port and an Open Concession, with the Ministry of Transport, the…"
    assert drawn <= slots.title_width < fonts.string_width(line[:-1] + " Harbour…", TEXT_SIZE)
    assert slots.number_centre == A4[0] / 2  # the example's place: the middle of the page
    assert furniture.footer_line == f"Ports and Maritime Infrastructure… · {DATE}"


class _Recorder:
    """A canvas that records what the page-number forms draw: (form, font size, x, text)."""

    def __init__(self) -> None:
        self.drawn: list[tuple[str, float, float, str]] = []
        self._form, self._size = "", 0.0

    def beginForm(self, name: str, *args) -> None:  # noqa: N802
        self._form = name

    def setFont(self, name: str, size: float) -> None:  # noqa: N802
        self._size = size

    def setFillColor(self, colour) -> None:  # noqa: N802
        pass

    def drawCentredString(self, x: float, y: float, text: str) -> None:  # noqa: N802
        self.drawn.append((self._form, self._size, x, text))

    def endForm(self) -> None:  # noqa: N802
        pass


def test_a_page_number_wider_than_its_room_is_drawn_smaller(theme, fonts) -> None:
    furniture = PageFurniture(page_size=A5, theme=page_theme(theme, 24), fonts=fonts, banner=TLP.CLEAR, title="T",
                              footer="D", has_cover=False)
    slots = furniture.slots
    assert slots.number_centre < A5[0] / 2  # moved left of the banner
    assert slots.number_centre + slots.number_width / 2 == pytest.approx(slots.banner_left - 8)
    assert slots.number_width == pytest.approx(stringWidth("Page 8888 of 8888", fonts.regular, TEXT_SIZE))
    canv = _Recorder()
    furniture.define_page_numbers(canv, 12000)
    sizes = {text: size for _form, size, _x, text in canv.drawn}
    assert sizes["Page 9 of 12000"] == TEXT_SIZE
    assert sizes["Page 11999 of 12000"] < TEXT_SIZE
    for text, size in sizes.items():
        assert stringWidth(text, fonts.regular, size) <= slots.number_width + 1e-6, text


@pytest.fixture(scope="module")
def long_build(tmp_path_factory):
    """The mini project with the long title and desk, and contents entries whose titles' last lines
    end anywhere up to the right edge: its analyst PDF (cover, contents), and every contents entry's
    leaders as drawn (font size, text, the style's size)."""
    root = tmp_path_factory.mktemp("furniture")
    spec = mini_project(root / "project", "PeruRail carries freight.")
    sections = "".join(f"  - id: s{n}\n    title: Background {'x' * n}\n    template: Text {n}.\n"
                       for n in range(60, 90))
    text = spec.read_text(encoding="utf-8").replace("title: Mini briefing", f'title: "{LONG_TITLE}"')
    text = text.replace("desk: Test Desk", f'desk: "{LONG_DESK}"').replace("sections:\n", "sections:\n" + sections)
    spec.write_text(text, encoding="utf-8")
    leaders = []
    real = contents._leaders

    def spy(style, page, x, width, dots):
        drawn = real(style, page, x, width, dots)
        leaders.append((drawn[0], drawn[1], style.fontSize))
        return drawn

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(contents, "_leaders", spy)
        result = build(spec, "analyst", BuildOptions(out_dir=root / "out", cache_dir=root / "cache", write=False))
    return result, leaders


@pytest.mark.slow
def test_a_long_title_and_desk_are_shortened_in_the_furniture_only(theme, long_build) -> None:
    result, _leaders = long_build
    m = theme.page.margins
    pages = band_pieces(result.pdf, m.top, m.bottom)
    assert len(pages) > 2
    for number, (head, foot) in enumerate(pages, start=1):
        head_text, head_box, _ = check_band(head, A4[0])
        foot_text, _, number_box = check_band(foot, A4[0])
        assert number_box is not None
        assert head_text == ("" if number == 1 else LONG_TITLE[:len(head_text) - 1] + ELLIPSIS)  # no title on the cover
        assert foot_text == "Ports and Maritime… · 12 May 2025"
    # the full texts: the cover and the document's metadata
    cover = squash(pdf_pages_text(result.pdf)[0])
    assert LONG_TITLE in cover and LONG_DESK in cover
    with pikepdf.open(io.BytesIO(result.pdf)) as pdf:
        assert str(pdf.docinfo["/Title"]) == LONG_TITLE
        assert pdf.open_metadata()["dc:title"] == LONG_TITLE
    # still Pagination artifacts, outside the structure tree
    for number, objects in enumerate(page_objects(result.pdf), start=1):
        shortened = [o for o in objects if o.kind == "text" and ELLIPSIS in o.text]
        assert shortened and all(o.artifact for o in shortened), f"page {number}"


@pytest.mark.slow
def test_contents_entries_keep_room_for_their_leaders_and_page_number(long_build) -> None:
    """Titles whose last line would reach the right edge wrap before the page number's room:
    the number keeps its size and at least one leader separates it from the title."""
    _result, leaders = long_build
    assert len(leaders) >= 30
    for size, text, style_size in leaders:
        assert size == style_size and re.fullmatch(r"(?: \. )+\d+", text), (size, text)
