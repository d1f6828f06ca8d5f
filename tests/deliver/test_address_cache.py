"""Accepted addresses are kept across processes (signed), so a later command need not import
email-validator; refused ones are never kept, and a planted entry is a miss."""

from __future__ import annotations

import subprocess
import sys

import pytest

from briefgen.deliver import addresscache, addresses
from briefgen.deliver.addresses import AddressError, parse_address


@pytest.fixture
def cache(project_cache):
    return project_cache / "addresses"


def _count_validations(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = addresses._validated
    monkeypatch.setattr(addresses, "_validated", lambda addr: calls.append(addr) or real(addr))
    return calls


def test_an_accepted_address_is_validated_once(cache, monkeypatch) -> None:
    calls = _count_validations(monkeypatch)
    first = parse_address("Desk@Bücher.example", "Desk")
    second = parse_address("Desk@Bücher.example", "Desk")
    assert calls == ["Desk@Bücher.example"]
    assert str(first) == str(second) == "Desk <Desk@xn--bcher-kva.example>"
    (entry,) = cache.glob("*/*")
    assert entry.stat().st_mode & 0o077 == 0
    assert addresscache.known("Desk@Bücher.example") == ("Desk", "xn--bcher-kva.example")


def test_a_refused_address_is_never_kept(cache, monkeypatch) -> None:
    calls = _count_validations(monkeypatch)
    for _ in range(2):
        with pytest.raises(AddressError, match="invalid email address 'a..b@example.org'"):
            parse_address("a..b@example.org")
    assert calls == ["a..b@example.org"] * 2
    assert not list(cache.glob("*/*"))


def test_a_planted_entry_does_not_make_a_bad_address_valid(cache, monkeypatch) -> None:
    parse_address("ok@example.org")
    (entry,) = cache.glob("*/*")
    # an entry copied over the name of a refused address: signed for another address, so a miss
    entry.with_name(addresscache._name("a..b@example.org")).write_bytes(entry.read_bytes())
    assert addresscache.known("a..b@example.org") is None
    with pytest.raises(AddressError):
        parse_address("a..b@example.org")


def test_allowed_domains_use_the_cache_too(cache, monkeypatch) -> None:
    calls = _count_validations(monkeypatch)
    assert addresses.normalise_domains(["@Faß.de", "faß.de"]) == ["xn--fa-hia.de", "xn--fa-hia.de"]
    assert calls == ["postmaster@Faß.de", "postmaster@faß.de"]


def test_no_cache_keeps_nothing(cache, monkeypatch) -> None:
    monkeypatch.setenv("BRIEFGEN_NO_CACHE", "1")
    calls = _count_validations(monkeypatch)
    parse_address("ok@example.org")
    parse_address("ok@example.org")
    assert calls == ["ok@example.org"] * 2
    assert not cache.exists()


def test_a_second_process_does_not_import_email_validator(cache, tmp_path) -> None:
    code = ("import sys; from briefgen.deliver.addresses import parse_address; "
            "print(parse_address('desk@example.org')); print('email_validator' in sys.modules)")
    env = {"BRIEFGEN_CACHE_DIR": str(tmp_path / "cache"), "XDG_CACHE_HOME": str(tmp_path / "xdg"),
           "PATH": "/usr/bin:/bin"}
    outs = [subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
            for _ in range(2)]
    assert outs == ["desk@example.org\nTrue\n", "desk@example.org\nFalse\n"]
