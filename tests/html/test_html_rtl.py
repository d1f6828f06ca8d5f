"""Right-to-left text in the HTML edition: direction on blocks, isolation inside other text."""

from __future__ import annotations

from briefgen.document import model as dm
from briefgen.document.portions import portion_mark
from briefgen.html.runs import runs_html, text_html


def test_right_to_left_paragraph_is_a_right_to_left_block() -> None:
    runs = (portion_mark("TLP:CLEAR"), dm.Text("قال وزير الخارجية في عام 2020 إن "), dm.Text("NATO", bold=True),
            dm.Text(" قوي."), dm.Citation(("c",), (1,)))
    html = str(runs_html(runs))
    assert html.startswith('<bdi dir="rtl" class="rtl" style="display: block"><bdi dir="ltr">(TLP:CLEAR)</bdi> '
                           '<span lang="ar">قال وزير الخارجية في عام 2020 إن</span> <strong>NATO</strong> '
                           '<span lang="ar">قوي</span>.'
                           '<bdi><sup class="cite"')
    assert html.endswith("</sup></bdi></bdi>")  # the citation isolated: it never joins a number


def test_right_to_left_stretch_in_english_is_isolated() -> None:
    runs = (portion_mark("TLP:CLEAR"), dm.Text("The minister محمد جواد ظريف said in 2020, and שלום (2) too."))
    assert str(runs_html(runs)) == ('(TLP:CLEAR) The minister <bdi><span lang="ar">محمد جواد ظريف</span></bdi> '
                                    'said in 2020, and <bdi><span lang="he">שלום</span></bdi> (2) too.')
    assert str(text_html("مصادر بالعربية")) == '<bdi dir="rtl"><span lang="ar">مصادر بالعربية</span></bdi>'  # a title
    assert str(text_html("می\u200cخواهم & co")) == '<bdi dir="rtl"><span lang="fa">می\u200cخواهم</span> &amp; co</bdi>'


def test_text_without_right_to_left_letters_is_unchanged() -> None:
    runs = (portion_mark("TLP:CLEAR"), dm.Text("Xi (习近平) said <b> in 2020."))
    assert str(runs_html(runs)) == '(TLP:CLEAR) Xi (<span lang="zh">习近平</span>) said &lt;b&gt; in 2020.'
    assert "<bdi" not in str(text_html("López Aliaga"))


def test_isolated_value_in_english_text_is_a_bdi_and_the_note_stays_left_to_right() -> None:
    from briefgen.document.direction import isolated

    note = (dm.Text(isolated("تقرير وزارة النقل السنوي ٢٠٢٤"), italic=True),
            dm.Text(". December 2024. Reliability B (usually reliable)."))
    assert str(runs_html(note)) == ('<em><bdi><span lang="ar">تقرير وزارة النقل السنوي ٢٠٢٤</span></bdi></em>. '
                                    "December 2024. Reliability B (usually reliable).")
    assert str(text_html("a \u2067שלום\u2069 \u2066ABC\u2069 b")) == (
        'a <bdi dir="rtl"><span lang="he">שלום</span></bdi> <bdi dir="ltr">ABC</bdi> b')


def test_citations_and_cross_references_in_right_to_left_text_are_isolated() -> None:
    html = str(runs_html((dm.Text("הנמל יורחב עד שנת 2027."), dm.Citation(("c",), (2,)), dm.Text(" ראה "),
                          dm.CrossRef(label="Figure 2", target="figure-a"))))
    assert ('2027.<bdi><sup class="cite" data-claims="c"><a href="#endnote-2" role="doc-noteref">2</a></sup>'
            "</bdi>") in html
    assert html.endswith('<bdi><a href="#figure-a" class="xref">Figure 2</a></bdi></bdi>')


def test_right_to_left_headings_profiles_and_items_get_their_direction() -> None:
    from briefgen.html.render import rtl_attrs

    assert str(rtl_attrs("مصادر بالعربية")) == ' dir="rtl"'  # a heading: right-aligned
    item = (portion_mark("TLP:CLEAR"), dm.Text("רשות הנמלים מרחיבה את הנמל."))
    assert str(rtl_attrs(item, item=True)) == ' dir="rtl" style="margin-right: 1.5rem"'  # bullet on the right
    assert str(rtl_attrs("Background")) == "" and str(rtl_attrs((portion_mark("TLP:CLEAR"), dm.Text("x")))) == ""


def test_overrides_are_never_written() -> None:
    assert str(text_html("ABC\u202eDEF 123\u202c GHI")) == "ABCDEF 123 GHI"  # as the PDF draws it
    assert str(text_html("שלום \u202dABC\u202c")) == '<bdi dir="rtl"><span lang="he">שלום</span> ABC</bdi>'
