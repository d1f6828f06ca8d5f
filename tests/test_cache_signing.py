"""Signed cache entries (briefgen.compat.cachesign): a planted, copied or foreign entry in any
cache is a miss, never run or shown; the cache switches (BRIEFGEN_NO_CACHE, --no-cache) write
no cache file; an unwritable chart cache is noted once."""

from __future__ import annotations

import marshal
import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from jinja2.bccache import bc_magic

from briefgen.charts.cache import ChartCache, chart_key
from briefgen.compat import cachesign, reportlab_faces
from briefgen.load import yamlcache, yamlsrc

REPO = Path(__file__).resolve().parent.parent
FONT = REPO / "assets" / "fonts" / "NotoSans-Regular.ttf"
OLD = "Rafael López Aliaga holds the office of mayor of Lima, Peru's capital."
NEW = "Rafael López Aliaga is the mayor of Lima, the capital of Peru."


@pytest.fixture
def user_cache(tmp_path, monkeypatch) -> Path:
    """A user cache folder (the per-user key's) and a project cache root of this test."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("BRIEFGEN_NO_CACHE", raising=False)
    return tmp_path / "xdg"


def _run(project: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "briefgen", *args], cwd=project, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=300)


def _files(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# --------------------------------------------------------------------------- the key
def test_the_key_is_made_once_private_and_reused(user_cache) -> None:
    key = cachesign.user_key()
    path = user_cache / "briefgen" / "cache.key"
    assert key is not None and len(key) == 32 and path.read_bytes() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    cachesign._USER_KEYS.clear()  # a new process reads the same key
    assert cachesign.user_key() == key


def test_a_key_others_can_read_is_not_used(user_cache) -> None:
    path = user_cache / "briefgen" / "cache.key"
    path.parent.mkdir(parents=True, mode=0o700)
    path.write_bytes(os.urandom(32))
    path.chmod(0o644)
    assert cachesign.user_key() is None and "not private" in cachesign.UNUSABLE[str(path)]
    assert cachesign.data_key() == cachesign._PROCESS_KEY  # data caches: this process only


def test_a_key_path_that_is_a_folder_or_under_a_file_says_what_to_do(user_cache, tmp_path, monkeypatch) -> None:
    path = user_cache / "briefgen" / "cache.key"
    path.mkdir(parents=True)
    cachesign._USER_KEYS.clear()
    assert cachesign.user_key() is None
    assert cachesign.UNUSABLE[str(path)] == f"{path} is not a file (remove it and a new key is made)"
    (tmp_path / "afile").write_text("x")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "afile"))
    assert cachesign.user_key() is None
    assert cachesign.UNUSABLE[str(tmp_path / "afile" / "briefgen" / "cache.key")] == (
        f"Not a directory: {tmp_path / 'afile' / 'briefgen'}")


def test_a_tag_binds_kind_entry_and_payload() -> None:
    key = os.urandom(32)
    blob = cachesign.seal(key, "yaml/x", "a", b"data")
    assert cachesign.unseal(key, "yaml/x", "a", blob) == b"data"
    assert cachesign.unseal(key, "yaml/x", "b", blob) is None  # another entry's
    assert cachesign.unseal(key, "charts.pdf", "a", blob) is None  # another cache's
    assert cachesign.unseal(os.urandom(32), "yaml/x", "a", blob) is None  # another user's
    assert cachesign.unseal(key, "yaml/x", "a", blob[:-1] + b"D") is None
    assert cachesign.unseal(key, "yaml/x", "a", blob[:31]) is None


# --------------------------------------------------------------------------- code caches
@pytest.mark.slow
def test_a_planted_template_entry_is_never_run(example_project, tmp_path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "BRIEFGEN_CACHE_DIR": "", "BRIEFGEN_NO_CACHE": ""}
    assert _run(example_project, env, "validate", "specs/peru-china.yaml").returncode == 0
    entries = sorted((example_project / ".briefgen-cache" / "jinja").glob("*/*.cache"))
    assert len(entries) > 3
    marker = tmp_path / "pwned"
    evil = marshal.dumps(compile(f"open({str(marker)!r}, 'w').close()", "<planted>", "exec"))
    for i, entry in enumerate(entries):
        blob = entry.read_bytes()
        jinja_part = blob[blob.index(bc_magic):]  # behind the signature
        checksum_end = len(bc_magic) + len(pickle.dumps(pickle.loads(jinja_part[len(bc_magic):]), 2))
        header = jinja_part[:checksum_end]  # Jinja2's magic and the template's checksum: accepted by Jinja2
        # half unsigned (as Jinja2 writes them), half behind the real entry's signature
        entry.write_bytes(header + evil if i % 2 else blob[:blob.index(bc_magic)] + header + evil)
    validate = _run(example_project, env, "validate", "specs/peru-china.yaml")
    build = _run(example_project, env, "build", "specs/peru-china.yaml", "-a", "public", "--format", "html",
                 "-o", str(tmp_path / "out"))
    assert validate.returncode == 0 and build.returncode == 0, build.stderr
    assert not marker.exists()
    fresh = _run(example_project, {**env, "BRIEFGEN_NO_CACHE": "1"}, "build", "specs/peru-china.yaml", "-a", "public",
                 "--format", "html", "-o", str(tmp_path / "fresh"))
    assert fresh.returncode == 0 and not marker.exists()
    html = (tmp_path / "out" / "peru-china--public.html").read_bytes()
    assert html == (tmp_path / "fresh" / "peru-china--public.html").read_bytes() and b"mayor of Lima" in html
    assert all(evil not in entry.read_bytes() for entry in entries)  # compiled again and replaced


def test_a_font_entry_from_another_key_is_not_unpickled(user_cache, tmp_path, monkeypatch) -> None:
    from reportlab.pdfbase import ttfonts

    fonts = tmp_path / "fonts"
    reportlab_faces.ttfont("BriefgenSignedFirst", FONT, fonts)
    (entry,) = fonts.glob("NotoSans-Regular-*.pickle")
    written = entry.read_bytes()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "other-user"))  # another key
    parsed = []
    real_init = ttfonts.TTFontFace.__init__

    def counting_init(self, *args, **kwargs):
        parsed.append(args[0])
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(ttfonts.TTFontFace, "__init__", counting_init)
    monkeypatch.setattr(pickle, "loads", lambda *_a, **_k: pytest.fail("a foreign entry was unpickled"))
    font = reportlab_faces.ttfont("BriefgenSignedOther", FONT, fonts)
    assert parsed == [str(FONT)] and font.face.charToGlyph[ord("A")]
    assert entry.read_bytes() != written  # rewritten under this user's key


# --------------------------------------------------------------------------- data caches
def test_a_yaml_entry_copied_over_another_key_is_ignored(user_cache) -> None:
    old, new = f"claims:\n- statement: {OLD}\n".encode(), f"claims:\n- statement: {NEW}\n".encode()
    assert yamlsrc.loads(old).data["claims"][0]["statement"] == OLD
    assert yamlsrc.loads(new).data["claims"][0]["statement"] == NEW
    old_entry, new_entry = yamlcache._entry(old), yamlcache._entry(new)
    shutil.copyfile(old_entry, new_entry)  # the stale statement under the edited file's key
    assert yamlcache.get(new) == (False, None)
    assert yamlsrc.loads(new).data["claims"][0]["statement"] == NEW


@pytest.mark.slow
def test_a_build_after_a_swapped_yaml_entry_shows_the_new_statement(example_project, tmp_path) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "BRIEFGEN_CACHE_DIR": "", "BRIEFGEN_NO_CACHE": ""}
    claims = example_project / "assets" / "kb" / "claims.yaml"
    assert _run(example_project, env, "validate", "specs/peru-china.yaml").returncode == 0
    old_bytes = claims.read_bytes()
    claims.write_bytes(old_bytes.replace(OLD.encode(), NEW.encode()))
    folder = example_project / ".briefgen-cache" / "yaml"
    (old_entry,) = folder.glob(f"*/{yamlcache.hashlib.sha256(old_bytes).hexdigest()}")
    shutil.copyfile(old_entry, old_entry.with_name(yamlcache.hashlib.sha256(claims.read_bytes()).hexdigest()))
    build = _run(example_project, env, "build", "specs/peru-china.yaml", "-a", "public", "--format", "html",
                 "-o", str(tmp_path / "out"))
    assert build.returncode == 0, build.stderr
    html = (tmp_path / "out" / "peru-china--public.html").read_text(encoding="utf-8")
    assert NEW in html and OLD not in html


def _drawn(chart, style) -> bytes:
    from test_chartcache import small_pdf

    return small_pdf(chart, style)


def test_a_swapped_chart_entry_is_ignored(tmp_path, user_cache) -> None:
    from test_chartcache import STYLE, bar

    first, second = bar("Revenue: $65 million"), bar("Debt: $1,300 million", id="fig-debt")
    store = ChartCache(tmp_path / "charts", render=_drawn)
    drawn = store.get_many([first, second], STYLE)
    a, b = (store.path_for(chart_key(c, STYLE)) for c in (first, second))
    shutil.copyfile(a, b)  # the first chart's drawing under the second's key
    fresh = ChartCache(tmp_path / "charts", render=_drawn)  # a new process: no memo
    assert fresh.get_or_render(second, STYLE) == drawn["fig-debt"] != drawn["fig-rev"]
    assert fresh.misses == 1 and b.read_bytes() != a.read_bytes()  # drawn again and replaced


def test_a_swapped_svg_entry_is_ignored(tmp_path, user_cache) -> None:
    from test_chartcache import STYLE, bar

    from briefgen.html.svgcache import SvgStore

    first, second = bar("Revenue: $65 million"), bar("Debt: $1,300 million", id="fig-debt")
    svg = lambda chart, style: f"<svg xmlns='http://www.w3.org/2000/svg'><title>{chart.title}</title></svg>".encode()  # noqa: E731
    store = SvgStore(tmp_path / "charts", render=svg)
    store.get_many([first, second], STYLE)
    a, b = (store.path_for(chart_key(c, STYLE)) for c in (first, second))
    shutil.copyfile(a, b)
    fresh = SvgStore(tmp_path / "charts", render=svg)
    assert b"Debt" in fresh.get_or_render(second, STYLE) and fresh.misses == 1


# --------------------------------------------------------------------------- switches
@pytest.mark.slow
@pytest.mark.parametrize("switch", ["env", "option"])
def test_no_cache_writes_no_cache_file(example_project, tmp_path, switch) -> None:
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "BRIEFGEN_CACHE_DIR": str(tmp_path / "cache"),
           "BRIEFGEN_NO_CACHE": "1" if switch == "env" else ""}
    extra = ["--no-cache"] if switch == "option" else []
    build = _run(example_project, env, "build", "specs/peru-china.yaml", "--all-audiences", "--format", "pdf,html",
                 "-o", str(tmp_path / "out"), *extra)
    assert build.returncode == 0, build.stderr
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 3
    assert _files(tmp_path / "cache") == [] and _files(example_project / ".briefgen-cache") == []


@pytest.mark.slow
def test_an_unwritable_chart_cache_is_noted_once(example_project, tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "BRIEFGEN_CACHE_DIR": str(blocker / "cache"),
           "BRIEFGEN_NO_CACHE": ""}
    build = _run(example_project, env, "build", "specs/peru-china.yaml", "--all-audiences", "--format", "pdf",
                 "-o", str(tmp_path / "out"))
    assert build.returncode == 0, build.stderr
    assert build.stderr.count("the chart cache") == 1, build.stderr
