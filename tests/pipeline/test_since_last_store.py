"""``--since last`` and the editions store: a briefing older than every stored edition compares
with none (a note lists the later ones), and an entry named like an edition that is not a file is
named in a note, not skipped silently."""

from __future__ import annotations

import os

from briefgen.pipeline.editions import find_last, first_edition_note, store_notes, store_path


def test_a_briefing_older_than_every_edition_compares_with_none_and_says_so(tmp_path, monkeypatch):
    monkeypatch.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    folder = store_path(tmp_path, "b", "public", "x").parent
    folder.mkdir(parents=True)
    for name in ("2025-05-12.json", "2025-05-19.json"):
        (folder / name).write_text("{}")
    assert find_last(tmp_path, "b", "public", "2025-05-01") is None
    assert first_edition_note(tmp_path, "b", "public", "2025-05-01") == (
        "public: no edition of 'b' for this audience dated on or before 2025-05-01 in editions/b/public, "
        "nothing to compare with")
    assert store_notes(tmp_path, "b", "public", "2025-05-01") == [
        "public: the editions store holds only editions dated after this briefing (2025-05-01): 2025-05-12, "
        "2025-05-19; a later edition is not compared with (every change would read backwards): give one with "
        "--since FILE to compare with it anyway"]
    assert find_last(tmp_path, "b", "public", "2025-05-15") == folder / "2025-05-12.json"
    assert store_notes(tmp_path, "b", "public", "2025-05-15") == []


def test_a_folder_named_like_an_edition_is_named_in_a_note(tmp_path, monkeypatch):
    monkeypatch.delenv("BRIEFGEN_EDITIONS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    folder = store_path(tmp_path, "b", "public", "x").parent
    (folder / "2025-05-05.json").mkdir(parents=True)
    (folder / "notes.json").mkdir()  # not named like an edition: not the store's business
    assert find_last(tmp_path, "b", "public", "2025-05-12") is None
    assert first_edition_note(tmp_path, "b", "public", "2025-05-12") == (
        "public: first edition of 'b' for this audience, nothing to compare with (no other edition in "
        "editions/b/public)")
    assert store_notes(tmp_path, "b", "public", "2025-05-12") == [
        f"public: {os.path.join('editions', 'b', 'public', '2025-05-05.json')} is not a file (a folder?), not an "
        f"edition: ignored; move it out of the editions store"]
