"""Shared fixtures: the example project, and its briefings built once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

EXAMPLE_SPEC = REPO / "specs" / "peru-china.yaml"
AUDIENCES = ("analyst", "executive", "public")


@pytest.fixture(scope="session", autouse=True)
def font_cache(tmp_path_factory) -> Path:
    """Parsed fonts (briefgen.layout.fonts.face_cache_dir) go to a folder of the test run, not to
    the user's cache; subprocesses inherit it."""
    return Path(os.environ.setdefault("BRIEFGEN_FONT_CACHE_DIR", str(tmp_path_factory.mktemp("font-cache"))))


@pytest.fixture(scope="session")
def example_spec() -> Path:
    return EXAMPLE_SPEC


@pytest.fixture(scope="session")
def prepared():
    from briefgen.pipeline.build import prepare

    return prepare(EXAMPLE_SPEC)


@pytest.fixture(scope="session")
def built(tmp_path_factory, prepared):
    """Every example audience built once into a temporary output folder: name -> BuildResult."""
    from briefgen.pipeline.build import BuildOptions, build_prepared

    out = tmp_path_factory.mktemp("output")
    cache = tmp_path_factory.mktemp("cache")
    options = BuildOptions(out_dir=out, cache_dir=cache)
    return {name: build_prepared(prepared, name, options) for name in AUDIENCES}


def pdf_pages_text(pdf_bytes: bytes) -> list[str]:
    """Text of every page, extracted with pypdfium2 (reading order)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf_bytes)
    try:
        return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]
    finally:
        doc.close()


def squash(text: str) -> str:
    """Whitespace folded to single spaces, soft hyphens and line-break artefacts removed."""
    return " ".join(text.replace("\r", " ").replace("\x02", "").split())
