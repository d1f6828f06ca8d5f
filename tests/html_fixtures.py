"""Fixtures of the HTML edition's tests (a pytest plugin named in conftest's ``pytest_plugins``,
so that ``test_html``, ``test_html_build`` and ``test_html_browser`` share them, each made
once per session):

* ``editions``: the HTML edition of each example audience, made from the very document its
  PDF (conftest's ``built``) was laid out from;
* ``levels_html``: the HTML edition of every audience of the synthetic TLP-levels project
  (``tests/data/tlp_levels``, built HTML only), with ``levels_html_prepared``;
* ``literal_html``: (build result, project root) of the literal project
  (``tests/data/literal``: ampersands, angle brackets, author links, a PNG figure), HTML only;
* ``svg_cache``: the chart SVG cache they share.
"""

from __future__ import annotations

from pathlib import Path

import pytest

LEVELS_SPEC = Path(__file__).resolve().parent / "data" / "tlp_levels" / "spec.yaml"


@pytest.fixture(scope="session")
def svg_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("svg-cache")


@pytest.fixture(scope="session")
def editions(built, prepared, svg_cache) -> dict[str, bytes]:
    from briefgen.pipeline.build import BuildOptions
    from briefgen.pipeline.edition import html_edition

    options = BuildOptions(cache_dir=svg_cache)
    return {a: html_edition(prepared.loaded, r.briefing, r.document, options) for a, r in built.items()}


@pytest.fixture(scope="session")
def levels_html_prepared():
    from briefgen.pipeline.build import prepare

    return prepare(LEVELS_SPEC)


@pytest.fixture(scope="session")
def levels_html(tmp_path_factory, svg_cache, levels_html_prepared) -> dict[str, bytes]:
    from briefgen.pipeline.build import BuildOptions, build_prepared
    from briefgen.resolve.audiences import audience_names

    options = BuildOptions(out_dir=tmp_path_factory.mktemp("levels-html"), cache_dir=svg_cache, formats=("html",),
                           write=False)
    return {a: build_prepared(levels_html_prepared, a, options).html
            for a in audience_names(levels_html_prepared.loaded.spec)}


@pytest.fixture(scope="session")
def literal_html(tmp_path_factory, svg_cache):
    from test_literal_and_limits import make_project

    from briefgen.pipeline.build import BuildOptions, build_prepared, prepare

    root = make_project(tmp_path_factory.mktemp("literal-html") / "project")
    result = build_prepared(prepare(root / "spec.yaml"), "reader",
                            BuildOptions(cache_dir=svg_cache, formats=("html",), write=False))
    return result, root


def html_of(request, which: str, audience: str) -> bytes:
    """The HTML edition of ``audience`` of the ``example``, ``levels`` or ``literal`` project."""
    if which == "literal":
        return request.getfixturevalue("literal_html")[0].html
    return request.getfixturevalue("editions" if which == "example" else "levels_html")[audience]
