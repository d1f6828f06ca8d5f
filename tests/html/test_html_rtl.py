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
                           "قال وزير الخارجية في عام 2020 إن <strong>NATO</strong> قوي.<sup class=\"cite\"")
    assert html.endswith("</sup></bdi>")


def test_right_to_left_stretch_in_english_is_isolated() -> None:
    runs = (portion_mark("TLP:CLEAR"), dm.Text("The minister محمد جواد ظريف said in 2020, and שלום (2) too."))
    assert str(runs_html(runs)) == ("(TLP:CLEAR) The minister <bdi>محمد جواد ظريف</bdi> said in 2020, "
                                    "and <bdi>שלום</bdi> (2) too.")
    assert str(text_html("مصادر بالعربية")) == '<bdi dir="rtl">مصادر بالعربية</bdi>'  # a title or a name
    assert str(text_html("می\u200cخواهم & co")) == '<bdi dir="rtl">می\u200cخواهم &amp; co</bdi>'


def test_text_without_right_to_left_letters_is_unchanged() -> None:
    runs = (portion_mark("TLP:CLEAR"), dm.Text("Xi (习近平) said <b> in 2020."))
    assert str(runs_html(runs)) == '(TLP:CLEAR) Xi (<span lang="zh">习近平</span>) said &lt;b&gt; in 2020.'
    assert "<bdi" not in str(text_html("López Aliaga"))
