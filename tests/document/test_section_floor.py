"""A portion is never marked below a section holding it (marking.raised)."""

from __future__ import annotations

from briefgen.document.marking import raised
from briefgen.document.model import BulletList, ListItem, Paragraph, Section, Uses
from briefgen.model.tlp import TLP


def test_every_block_inside_is_raised_to_the_floor_and_none_lowered():
    items = (ListItem("i1", "LI", Uses(), "TLP:CLEAR"), ListItem("i2", "LI", Uses(), "TLP:RED"))
    section = Section("s", "Sect", Uses(), "TLP:CLEAR", blocks=(
        Paragraph("p", "P", Uses(), "TLP:CLEAR"), BulletList("l", "L", Uses(), "TLP:RED", items=items)),
        subsections=(Section("t", "Sect", Uses(), "TLP:GREEN", blocks=(Paragraph("q", "P", Uses(), "TLP:CLEAR"),)),))
    lifted = raised(section, TLP.AMBER)
    assert isinstance(lifted, Section)
    assert lifted.marking == "TLP:AMBER"
    assert [b.marking for b in lifted.blocks] == ["TLP:AMBER", "TLP:RED"]
    assert [i.marking for i in lifted.blocks[1].items] == ["TLP:AMBER", "TLP:RED"]
    assert lifted.subsections[0].marking == lifted.subsections[0].blocks[0].marking == "TLP:AMBER"
    assert raised(section, TLP.CLEAR) is section
