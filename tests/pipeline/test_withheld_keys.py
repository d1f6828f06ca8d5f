"""The editions store's key: what a record withholds is listed as HMAC-SHA256 hashes under a
random secret kept beside the records, so the readable ids cannot be confirmed by guessing;
records filed before (unkeyed hashes) still compare, and a keyed record away from its key
says why it cannot be compared."""

from __future__ import annotations

import json
import stat

import pytest
from editions_scenario import RAISED, edit_knowledge_base
from typer.testing import CliRunner

from briefgen.document.diff import diff_editions
from briefgen.document.edition import EditionError, edition_record, withheld_items, withheld_test
from briefgen.document.withheld import KEY_FILE, WithheldKey, legacy_hash
from briefgen.pipeline.build import document_of, prepare
from briefgen.pipeline.editions import build_key, edition_bytes, key_beside, read_key, store_key, store_path


def cli(*args):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def two_editions(tmp_path_factory, copy_example):
    """The example's public edition before and after :func:`edit_knowledge_base` (which raises
    ``c-lopez-china-ally`` to TLP:RED), filed in a store of their own with its key:
    -> (store root, old record, new record, withheld (kind, id) of the new one)."""
    root = copy_example(tmp_path_factory.mktemp("keys") / "project")
    store = root / "store"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFGEN_EDITIONS_DIR", str(store))
        key = store_key(root, create=True)
        spec = root / "specs" / "peru-china.yaml"
        prepared = prepare(spec)
        old = edition_record(document_of(prepared, "public"), prepared.kb, key)
        edit_knowledge_base(root)
        prepared = prepare(spec)
        doc = document_of(prepared, "public")
        new = edition_record(doc, prepared.kb, key)
        shown = {kind: set(new[kind]) for kind in ("claims", "sources", "entities")}
        items = withheld_items(doc, prepared.kb, shown)
    for name, rec in (("2025-05-05", old), ("2025-05-12", new)):
        path = store / "peru-china" / "public" / f"{name}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(edition_bytes(rec))
    return store, old, new, items


def test_the_key_is_made_once_owner_only_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("BRIEFGEN_EDITIONS_DIR", str(tmp_path / "store"))
    assert store_key(tmp_path) is None and not (tmp_path / "store").exists()  # nothing made unless filing
    made = store_key(tmp_path, create=True)
    path = tmp_path / "store" / KEY_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="ascii")
    assert len(text) == 65 and text.endswith("\n") and bytes.fromhex(text.strip())
    again = store_key(tmp_path, create=True)
    assert again is not None and made is not None and again.id == made.id
    assert again.hash("claims", "c-x") == made.hash("claims", "c-x") != WithheldKey.fresh().hash("claims", "c-x")
    assert build_key(tmp_path, filing=False).id == made.id  # a store with a key keys every record
    assert made.secret_hex not in repr(made)


def test_a_damaged_key_file_is_named(tmp_path):
    (tmp_path / KEY_FILE).write_text("not a key\n", encoding="ascii")
    with pytest.raises(EditionError, match=rf"{KEY_FILE}: not an editions store key \(expected 64 hex digits"):
        read_key(tmp_path)


def test_withheld_ids_cannot_be_confirmed_by_guessing(two_editions):
    store, _, new, items = two_editions
    listed = new["withheld"]
    key = read_key(store)
    assert key is not None and listed["scheme"] == "hmac-sha256" and listed["key"] == key.id
    assert ("claims", RAISED) in items and len(listed["items"]) == len({key.hash(k, i) for k, i in items})
    # the old unkeyed form of each withheld id, and the bare SHA-256 of it, are not in the record
    guesses = {legacy_hash(kind, ident) for kind, ident in items}
    assert not guesses & set(listed["items"])
    text = (store / "peru-china" / "public" / "2025-05-12.json").read_text(encoding="utf-8")
    assert key.secret_hex not in text and RAISED not in text
    # another store's key gives other hashes for the same ids
    assert WithheldKey.fresh().hash("claims", RAISED) not in listed["items"]


def test_the_diff_still_tells_withheld_from_removed(two_editions):
    store, old, new, _ = two_editions
    diff = diff_editions(old, new, read_key(store))
    assert RAISED in old["claims"] and diff.find("claims", RAISED) is None
    assert diff.find("claims", "c-us-partnership-framing").status == "removed"  # removed from the knowledge base
    folder = store / "peru-china" / "public"
    result = cli("diff", folder / "2025-05-05.json", folder / "2025-05-12.json", "--json")
    assert result.exit_code == 0, result.output
    reported = json.loads(result.stdout)["diff"]
    assert RAISED not in json.dumps(reported)
    assert {(c["id"], c["status"]) for c in reported["changes"] if c["kind"] == "claim"} >= {
        ("c-us-partnership-framing", "removed")}


def test_a_record_away_from_its_key_says_why_it_cannot_be_compared(two_editions, tmp_path):
    store, old, new, _ = two_editions
    with pytest.raises(EditionError, match="hashed with the editions store's key .* no key was found"):
        diff_editions(old, new)
    with pytest.raises(EditionError, match="the key found is"):
        diff_editions(old, new, WithheldKey.fresh())
    copy = tmp_path / "elsewhere.json"
    copy.write_bytes(edition_bytes(new))
    assert key_beside(copy) is None
    result = cli("diff", store / "peru-china" / "public" / "2025-05-05.json", copy)
    assert result.exit_code == 2
    assert "elsewhere.json" in result.output and "cannot be told from a removed one" in " ".join(result.output.split())
    assert RAISED not in result.output


def test_a_record_filed_before_keyed_hashes_still_compares(two_editions):
    """An older record lists ``sha256("briefgen-withheld/<kind>/<id>")[:32]``: read as written."""
    store, old, new, items = two_editions
    legacy = {**new, "withheld": sorted({legacy_hash(kind, ident) for kind, ident in items})}
    assert withheld_test(legacy, None)("claims", RAISED) and not withheld_test(legacy, None)("claims", "c-other")
    diff = diff_editions(old, legacy)  # no key needed
    assert diff.find("claims", RAISED) is None
    assert diff.find("claims", "c-us-partnership-framing").status == "removed"
    with pytest.raises(EditionError, match="not of a shape this briefgen reads"):
        diff_editions(old, {**new, "withheld": {"scheme": "rot13", "items": []}})


@pytest.mark.slow  # the example built once, public only
def test_build_files_keyed_records_and_the_manifest_carries_none(example_project, tmp_path, monkeypatch):
    monkeypatch.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
    monkeypatch.chdir(example_project)
    out = tmp_path / "out"
    result = cli("build", "specs/peru-china.yaml", "-a", "public", "--format", "html", "-o", out)
    assert result.exit_code == 0, result.output
    key = read_key(example_project / "editions")
    assert key is not None and stat.S_IMODE((example_project / "editions" / KEY_FILE).stat().st_mode) == 0o600
    stored = json.loads(store_path(example_project, "peru-china", "public", "2025-05-12").read_text())
    assert stored["withheld"]["key"] == key.id and stored["withheld"]["items"]
    manifest = json.loads((out / "peru-china--public.json").read_text(encoding="utf-8"))
    assert "withheld" not in manifest["edition"]
    for path in out.rglob("*"):
        if path.is_file():
            assert key.secret_hex.encode() not in path.read_bytes(), path
