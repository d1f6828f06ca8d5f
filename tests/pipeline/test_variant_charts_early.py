"""A variant's charts are requested as soon as the resolved briefing names them (before its
texts are rendered and its document built), and the layout takes that request over; a
build's audit record lists the files it releases without encoding them twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.errors import TemplateError
from briefgen.pipeline import variant as variant_mod
from briefgen.pipeline.build import BuildOptions, build_prepared
from briefgen.resolve.select import resolve


@pytest.fixture
def options(tmp_path) -> BuildOptions:
    return BuildOptions(out_dir=tmp_path / "out", cache_dir=tmp_path / "cache", write=False)


def _recording(monkeypatch) -> list[tuple[str, list[str]]]:
    """Record each call of start_charts and each document-built moment, in order."""
    events: list[tuple[str, list[str]]] = []
    real_start, real_build = variant_mod.start_charts, variant_mod.build_document

    def start(charts, theme, options):
        events.append(("start", [c.id for c in charts]))
        return real_start(charts, theme, options)

    def build(*args, **kwargs):
        doc = real_build(*args, **kwargs)
        events.append(("document", [f.chart.id for f in doc.figures() if f.chart is not None]))
        return doc

    monkeypatch.setattr(variant_mod, "start_charts", start)
    monkeypatch.setattr(variant_mod, "build_document", build)
    return events


def test_charts_are_requested_before_the_document_is_built_and_requested_once(prepared, options,
                                                                               monkeypatch) -> None:
    events = _recording(monkeypatch)
    result = build_prepared(prepared, "analyst", options)
    assert [kind for kind, _ in events] == ["start", "document"]  # once, and first
    started, in_document = events[0][1], events[1][1]
    assert started == in_document == ["fig-timeline", "fig-network", "fig-money"]
    assert result.pages > 0


def test_a_request_for_other_charts_than_the_documents_is_replaced(prepared, options, monkeypatch) -> None:
    """layout_document given charts that are not its document's (here: none) cancels that
    request and starts the document's own; the PDF is the same as without a request."""
    briefing = resolve(prepared.loaded, prepared.kb, "analyst")
    theme = variant_mod.variant_theme(prepared.loaded, briefing)
    plain = variant_mod.render_variant(prepared.loaded, prepared.kb, briefing, options)
    wrong = variant_mod.start_charts([], theme, options)
    cancelled = []
    monkeypatch.setattr(wrong, "cancel", lambda: cancelled.append(True))
    laid = variant_mod.layout_document(plain.document, theme, options, pending=wrong)
    assert cancelled == [True]
    assert laid.pdf == plain.pdf


def test_a_template_error_cancels_the_charts_requested(prepared, options, monkeypatch) -> None:
    cancelled: list[bool] = []
    real_start = variant_mod.start_charts

    def start(charts, theme, options):
        pending = real_start(charts, theme, options)
        monkeypatch.setattr(pending, "cancel", lambda: cancelled.append(True))
        return pending

    def failing(*_args, **_kwargs):
        raise TemplateError("boom")

    monkeypatch.setattr(variant_mod, "start_charts", start)
    monkeypatch.setattr(variant_mod, "render_texts", failing)
    briefing = resolve(prepared.loaded, prepared.kb, "analyst")
    with pytest.raises(TemplateError, match="boom"):
        variant_mod.render_variant(prepared.loaded, prepared.kb, briefing, options)
    assert cancelled == [True]


def test_paths_lists_what_files_writes_and_the_audit_names_them(prepared, options) -> None:
    result = build_prepared(prepared, "analyst", BuildOptions(**{**options.__dict__, "file_edition": True,
                                                                 "formats": ("pdf", "html")}))
    assert result.paths() + result.stale_paths() == list(result.files())
    stem = result.pdf_path.with_suffix("")
    # no --emit-document, no message, no STIX bundle: an earlier build's go
    assert result.stale_paths() == [result.document_path, stem.with_suffix(".eml"), stem.with_suffix(".stix.json")]
    assert result.audit_path is not None and result.edition_path is not None
    assert [p.suffix for p in result.paths()] == [".pdf", ".html", ".json", ".json", ".json"]
    # the audit record lists every file released but itself
    assert sorted(Path(p).name for p in result.audit["released"]) == sorted(
        p.name for p in result.paths() if p != result.audit_path)
