"""The conflicts section of an audience that sees no dispute says so of its own briefing, with no
word ("in this version") that tells the reader other editions hold disputes withheld from it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import TESTS

from briefgen.document.conflicts import NO_DISPUTES
from briefgen.document.jsonout import document_bytes
from briefgen.pipeline.build import document_of, prepare

WITHHELD = ("c-cost-gazette", "c-cost-institute", "c-capacity-institute")


def test_an_audience_that_sees_no_dispute_is_not_told_of_other_versions(tmp_path: Path) -> None:
    root = tmp_path / "alba"
    shutil.copytree(TESTS / "data" / "disputes", root)
    claims = root / "kb" / "claims.yaml"
    text = claims.read_text(encoding="utf-8")
    for claim in WITHHELD:  # the public then sees one report of each quantity: no dispute
        text = re.sub(rf"(  - id: {claim}\n)", r"\1    tlp: TLP:AMBER\n", text)
    claims.write_text(text, encoding="utf-8")
    prepared = prepare(root / "spec.yaml")
    public = document_bytes(document_of(prepared, "public")).decode("utf-8")
    analyst = document_bytes(document_of(prepared, "analyst")).decode("utf-8")
    assert NO_DISPUTES == "This briefing reports no disagreement between sources on a quantity."
    assert NO_DISPUTES in public and NO_DISPUTES not in analyst
    assert "version" not in public.lower()


def test_empty_endnotes_say_so_of_this_briefing() -> None:
    import dataclasses

    from briefgen.document.model import Endnotes

    [empty] = [f.default for f in dataclasses.fields(Endnotes) if f.name == "empty_text"]
    assert empty == "This briefing cites no sources."
