"""Shared fixtures: the example project (a writable copy per test, or its briefings built once
per test session), and helpers to read PDFs back.

Markers (registered in pyproject.toml): ``slow`` marks tests that take more than about a
second (command-line builds in subprocesses, worker processes, batch and Dask cluster runs,
hypothesis, Ctrl-C); ``python -m pytest -m "not slow"`` is the fast suite, the README's
``python -m pytest -q`` runs everything.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# the real SMTP server fixtures (smtp_server, starttls_server, tls_server, refusing_server, down_port);
# the HTML editions of the example and the TLP-levels project (editions, levels_html, svg_cache);
# a local Dask cluster (dask_cluster, worker_cache_dir)
pytest_plugins = ["smtp_server", "html_fixtures", "dask_fixtures"]

REPO = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
"""The tests folder: shared helpers (smtp_server, tagged_reader ...) and data/ live here."""

# Tests live in folders mirroring the package's stages (tests/charts, tests/layout ...); some
# reuse another stage's helpers by module name (``from test_audiences import forbidden``).
for _stage in sorted(p for p in TESTS.iterdir() if p.is_dir() and any(p.glob("test_*.py"))):
    if str(_stage) not in sys.path:
        sys.path.append(str(_stage))

EXAMPLE_SPEC = REPO / "specs" / "peru-china.yaml"
AUDIENCES = ("analyst", "executive", "public")


# A build server the developer runs (``briefgen serve``) would take the commands the tests run in
# subprocesses: every test measures a command in its own process; tests/cli/test_serve.py
# starts its own server and turns this off for its commands.
os.environ["BRIEFGEN_SERVER"] = "off"


@pytest.fixture(scope="session", autouse=True)
def font_cache(tmp_path_factory) -> Path:
    """Parsed fonts (briefgen.layout.fonts.face_cache_dir) go to a folder of the test run, not to
    the user's cache; subprocesses inherit it."""
    return Path(os.environ.setdefault("BRIEFGEN_FONT_CACHE_DIR", str(tmp_path_factory.mktemp("font-cache"))))


@pytest.fixture(scope="session", autouse=True)
def user_cache_home(tmp_path_factory) -> Path:
    """The per-user cache key (briefgen.compat.cachesign, ``$XDG_CACHE_HOME/briefgen/cache.key``)
    is made in a folder of the test run, not in the user's own cache; subprocesses inherit it."""
    return Path(os.environ.setdefault("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache"))))


@pytest.fixture(scope="session", autouse=True)
def editions_store(tmp_path_factory) -> Path:
    """Builds file their edition records in a folder of the test run, not in the projects of the
    repository (briefgen.pipeline.editions, BRIEFGEN_EDITIONS_DIR); subprocesses inherit it.
    Tests of the store itself unset it for their project copies."""
    return Path(os.environ.setdefault("BRIEFGEN_EDITIONS_DIR", str(tmp_path_factory.mktemp("editions"))))


@pytest.fixture(scope="session")
def example_spec() -> Path:
    return EXAMPLE_SPEC


# --------------------------------------------------------------------------- example copies
EXAMPLE_PARTS = ("specs", "assets")
"""What a copy of the example project holds, besides an empty ``briefgen.toml`` marking its root."""


def _link_or_copy(src: str, dst: str) -> str:
    """Font files are only ever read by tests: hard-link them (8 MB less to copy per test)
    when the file system allows; every other file is copied, so a test may edit it."""
    if src.endswith(".ttf"):
        try:
            os.link(src, dst)
            return dst
        except OSError:
            pass
    return shutil.copy2(src, dst)


@pytest.fixture(scope="session")
def example_snapshot(tmp_path_factory) -> Path:
    """The example project (the repository's ``specs/`` and ``assets/`` and an empty
    ``briefgen.toml``) copied once per session. The source of :func:`copy_example`;
    never written by a test."""
    root = tmp_path_factory.mktemp("example-snapshot")
    for part in EXAMPLE_PARTS:
        shutil.copytree(REPO / part, root / part, ignore=shutil.ignore_patterns("__pycache__", ".briefgen-cache"))
    (root / "briefgen.toml").write_text("")
    return root


@pytest.fixture(scope="session")
def copy_example(example_snapshot) -> Callable[[Path], Path]:
    """``copy_example(root) -> root``: a writable copy of the example project in ``root``
    (made if missing, may already exist): ``root/briefgen.toml`` (empty),
    ``root/specs/{peru-china,audiences}.yaml``, ``root/assets/{kb,data,themes,fonts}``.
    For module-scoped fixtures; tests take :func:`example_project`."""

    def copy(root: Path) -> Path:
        shutil.copytree(example_snapshot, root, copy_function=_link_or_copy, dirs_exist_ok=True)
        return root

    return copy


@pytest.fixture
def example_project(copy_example, tmp_path) -> Path:
    """A writable copy of the example project, its own root, in ``tmp_path / "project"``
    (see :func:`copy_example`); the spec is ``example_project / "specs" / "peru-china.yaml"``."""
    return copy_example(tmp_path / "project")


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


@pytest.fixture
def project_cache(tmp_path, monkeypatch) -> Path:
    """The project cache root of this test, switched on (``BRIEFGEN_CACHE_DIR``, no
    ``BRIEFGEN_NO_CACHE``); each cache kind is a folder in it (``yaml``, ``addresses``...)."""
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BRIEFGEN_NO_CACHE", raising=False)
    return tmp_path / "cache"


def run_cli(*args):
    """``briefgen ARGS`` in this process (typer's CliRunner): the result, with ``exit_code``,
    ``output`` and ``stdout``."""
    from typer.testing import CliRunner

    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture
def starter(tmp_path, monkeypatch) -> Path:
    """The starter project (``briefgen init``) as the current folder, with a cache of its own."""
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    assert run_cli("init", "proj").exit_code == 0
    monkeypatch.chdir(tmp_path / "proj")
    return tmp_path / "proj"
