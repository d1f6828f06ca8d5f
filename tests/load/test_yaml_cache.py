"""The cache of parsed YAML files: an unchanged file is not parsed again, a changed one is, and
a corrupt, unreadable or unwritable cache only costs time."""

from __future__ import annotations

import pytest

from briefgen.errors import SpecError
from briefgen.load import yamlcache, yamlcompose, yamlsrc

TEXT = "claims:\n  - id: c-1\n    statement: Ports & rail\n    sources: [s-1]\n"


@pytest.fixture
def cache(project_cache):
    return project_cache / "yaml"


def _count_composes(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = yamlcompose.compose
    monkeypatch.setattr(yamlcompose, "compose", lambda text, **kw: calls.append(text) or real(text, **kw))
    return calls


def test_an_unchanged_file_is_read_from_the_cache(cache, tmp_path, monkeypatch) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(TEXT, encoding="utf-8")
    first = yamlsrc.load(path)
    entries = list(cache.glob("*/*"))
    assert len(entries) == 1
    assert entries[0].stat().st_mode & 0o077 == 0, "only the owner may read what a knowledge base holds"
    calls = _count_composes(monkeypatch)
    second = yamlsrc.load(path)
    assert calls == [], "the second load is answered from the cache"
    assert second.data == first.data == {"claims": [{"id": "c-1", "statement": "Ports & rail", "sources": ["s-1"]}]}
    assert second.locate(("claims", 0, "sources", 0)) == (4, 15)  # positions found from the text when asked for
    assert calls == [TEXT]
    path.write_text(TEXT.replace("c-1", "c-2"), encoding="utf-8")
    assert yamlsrc.load(path).data["claims"][0]["id"] == "c-2"
    assert len(list(cache.glob("*/*"))) == 2


@pytest.mark.parametrize("damage", [b"", b"garbage", b"briefgen-yaml-1\n" + b"\0" * 16 + b"\x01\x02"])
def test_a_corrupt_entry_is_a_miss(cache, tmp_path, damage) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(TEXT, encoding="utf-8")
    yamlsrc.load(path)
    (entry,) = cache.glob("*/*")
    entry.write_bytes(damage)
    assert yamlcache.get(path.read_bytes()) == (False, None)
    assert yamlsrc.load(path).data["claims"][0]["statement"] == "Ports & rail"
    assert yamlcache.get(path.read_bytes())[0], "the entry was written again"


def test_a_flipped_byte_in_an_entry_is_a_miss(cache, tmp_path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text(TEXT, encoding="utf-8")
    yamlsrc.load(path)
    (entry,) = cache.glob("*/*")
    blob = bytearray(entry.read_bytes())
    blob[-3] ^= 0x20  # a letter of the data changes case: the digest no longer matches
    entry.write_bytes(bytes(blob))
    assert yamlcache.get(path.read_bytes()) == (False, None)


def test_an_unwritable_cache_is_ignored(tmp_path, monkeypatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("BRIEFGEN_CACHE_DIR", str(blocker))
    monkeypatch.delenv("BRIEFGEN_NO_CACHE", raising=False)
    path = tmp_path / "kb.yaml"
    path.write_text(TEXT, encoding="utf-8")
    assert yamlsrc.load(path).data["claims"][0]["id"] == "c-1"
    assert yamlsrc.load(path).data["claims"][0]["id"] == "c-1"


def test_a_file_with_problems_is_never_kept(cache, tmp_path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_text("a: 1\na: 2\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(SpecError) as info:
            yamlsrc.load(path)
        assert info.value.problems[0].message == "duplicate key 'a' (first defined on line 1)"
    assert not list(cache.glob("*/*"))


def test_nothing_is_kept_when_caching_is_off(cache, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_NO_CACHE", "1")
    path = tmp_path / "kb.yaml"
    path.write_text(TEXT, encoding="utf-8")
    yamlsrc.load(path)
    assert not cache.exists()


def test_caching_turned_off_for_a_block_is_as_before_after_it(cache, tmp_path) -> None:
    from briefgen.load.cacheroot import cache_disabled, turn_off, turned_off

    path = tmp_path / "kb.yaml"
    path.write_text(TEXT, encoding="utf-8")
    with turned_off():  # a Dask task of a --no-cache batch (briefgen.pipeline.cluster)
        assert cache_disabled()
        yamlsrc.load(path)
    assert not cache.exists() and not cache_disabled()
    turn_off()
    try:
        with turned_off(False):  # a task without --no-cache leaves this process's --no-cache on
            assert cache_disabled()
        assert cache_disabled()
    finally:
        turn_off(False)
    assert not cache_disabled()


def test_old_entries_are_pruned(cache, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(yamlcache, "MAX_ENTRIES", 8)
    for n in range(12):
        yamlcache.put(f"a: {n}\n".encode(), {"a": str(n)})
    assert 6 <= len(list(cache.glob("*/*"))) <= 8
    assert yamlcache.get(b"a: 11\n") == (True, {"a": "11"})
