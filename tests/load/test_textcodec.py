"""What a file that is not UTF-8 looks like, for the advice of the load errors."""

from __future__ import annotations

import pytest

from briefgen.load.textcodec import looks_like_utf16, undecodable_at, utf8_advice

TEXT = "claims:\n  - id: c-1\n    statement: Café prices rose.\n"


@pytest.mark.parametrize("raw, found", [
    (TEXT.encode("utf-16"), "UTF-16"),          # with a byte-order mark
    (TEXT.encode("utf-16-le"), "UTF-16"),       # without one: every other byte NUL
    (TEXT.encode("utf-16-be"), "UTF-16"),
    (TEXT.encode("utf-32"), "UTF-32"),
    (TEXT.encode("cp1252"), "Windows-1252 or Latin-1"),
])
def test_the_advice_names_what_the_file_looks_like(raw, found):
    assert utf8_advice(raw) == f"UTF-8 text (the file looks like {found}: save it as UTF-8)"


def test_bytes_that_are_no_known_encoding_get_plain_advice():
    assert utf8_advice(b"\x81\x8d\x8f\x90\x9d") == "UTF-8 text (save the file as UTF-8)"


def test_utf8_text_with_one_nul_byte_is_not_taken_for_utf16():
    assert not looks_like_utf16(TEXT.encode() + b"\x00")
    assert looks_like_utf16(TEXT.encode("utf-16-le"))


def test_utf8_with_a_character_saved_as_latin1_is_said_to_mix_the_two():
    """Curly quotes in UTF-8 (whose bytes Windows-1252 cannot all read) beside an 'é' saved as one
    Latin-1 byte: a file edited in two editors, told as such rather than given no advice."""
    raw = "“Café” ".encode() + "déjà".encode("latin-1")
    assert utf8_advice(raw) == ("UTF-8 text (the file looks like UTF-8 with some characters ('é', 'à') saved as "
                                "Windows-1252 or Latin-1: save it as UTF-8)")


def test_the_first_byte_that_is_not_utf8_is_placed_by_line_and_character_column():
    raw = "a: 1\nb: “Café” ".encode() + b"\xe9"
    assert undecodable_at(raw, raw.index(b"\xe9")) == (2, 11)  # after 10 characters, 14 bytes
