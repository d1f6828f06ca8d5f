"""Dataclass methods compiled once and kept between runs (briefgen.compat.dataclass_code)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from briefgen.compat import dataclass_code

pytestmark = pytest.mark.skipif(
    not dataclass_code.SUPPORTED[0] <= sys.version_info[:2] < dataclass_code.SUPPORTED[1],
    reason="outside the supported Pythons nothing is installed")

CLASSES = '''
import dataclasses, inspect, json, sys
from dataclasses import InitVar, KW_ONLY, dataclass, field
from typing import ClassVar

@dataclass(frozen=True)
class Claim:
    id: str
    figures: tuple = ()
    confidence: str | None = None
    seen: ClassVar[int] = 0

@dataclass(order=True, unsafe_hash=True)
class Page:
    number: int
    lines: list = field(default_factory=list, compare=False, hash=False)

@dataclass(slots=True, kw_only=True)
class Mark:
    tlp: str
    portion: str = "U"

@dataclass
class Scaled:
    value: float
    factor: InitVar[float] = 1.0
    _: KW_ONLY
    unit: str = "USD"
    def __post_init__(self, factor):
        self.value *= factor

@dataclass(eq=False, repr=False)
class Plain:
    x: int

def facts():
    out = {}
    c = Claim("c-1", (1, 2))
    same = Claim("c-1", (1, 2))
    out["claim"] = [repr(c), c == same, hash(c) == hash(same), str(inspect.signature(Claim))]
    try:
        c.id = "x"
        out["frozen"] = "not frozen"
    except dataclasses.FrozenInstanceError as exc:
        out["frozen"] = str(exc)
    out["page"] = [Page(1) < Page(2), Page(1, [1]) == Page(1, [2]), hash(Page(3)) == hash(Page(3)),
                   repr(Page(2, ["a"]))]
    out["mark"] = [repr(Mark(tlp="AMBER")), hasattr(Mark(tlp="A"), "__dict__"), str(inspect.signature(Mark))]
    out["scaled"] = [repr(Scaled(2.0, 3.0, unit="PEN")), Scaled.__match_args__]
    out["plain"] = [Plain(1) == Plain(1), "Plain object at" in repr(Plain(1))]
    out["annotations"] = {k: str(v) for k, v in Claim.__init__.__annotations__.items()}
    out["qualname"] = Claim.__init__.__qualname__
    return out
'''


def run(tmp_path: Path, *, install: bool, path: Path | None = None, env: dict | None = None) -> dict:
    """Define CLASSES in a fresh process (with the table at ``path`` when ``install``) and return
    what they do, how many texts were compiled there and whether the table was written."""
    code = (
        "import json, sys\n"
        "from briefgen.compat import dataclass_code as d\n"
        f"installed = d.install({str(path)!r}) if {install} else False\n"
        f"exec(compile({CLASSES!r}, 'classes', 'exec'))\n"
        "result = {'facts': facts(), 'installed': installed, 'compiled': d.compiled_here(), 'saved': d.save()}\n"
        "print(json.dumps(result))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path,
                         env={**os.environ, **(env or {})})
    return json.loads(out.stdout)


def test_classes_made_from_the_table_behave_as_plain_ones(tmp_path):
    table = tmp_path / "pycache" / "dataclass-code.bin"
    plain = run(tmp_path, install=False)
    first = run(tmp_path, install=True, path=table, env={"PYTHONDONTWRITEBYTECODE": ""})
    assert first["installed"] and first["compiled"] > 10 and first["saved"] and table.is_file()
    written = table.stat().st_mtime_ns
    second = run(tmp_path, install=True, path=table, env={"PYTHONDONTWRITEBYTECODE": ""})
    assert second["compiled"] == 0 and not second["saved"]  # every text found: nothing compiled, nothing written
    assert table.stat().st_mtime_ns == written
    assert plain["facts"] == first["facts"] == second["facts"]
    assert plain["facts"]["frozen"] == "cannot assign to field 'id'"
    assert plain["facts"]["annotations"]["figures"] == "<class 'tuple'>"  # not strings: no __future__ flag leaked


def test_an_unreadable_or_foreign_table_is_ignored(tmp_path):
    plain = run(tmp_path, install=False)
    table = tmp_path / "dataclass-code.bin"
    for content in (b"garbage", b"briefgen dataclass code 1 2.7.18 (another Python)\n\x00\x01",
                    dataclass_code._HEADER + b"\n" + b"\xff\xfe not marshal"):
        table.write_bytes(content)
        result = run(tmp_path, install=True, path=table, env={"PYTHONDONTWRITEBYTECODE": "1"})
        assert result["facts"] == plain["facts"]
        assert result["compiled"] > 10 and not result["saved"]  # no bytecode written, no table either
        assert table.read_bytes() == content


def test_the_command_line_keeps_the_table_and_a_library_import_does_not(tmp_path, example_project):
    prefix = tmp_path / "prefix"
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(prefix)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    args = [sys.executable, "-m", "briefgen", "validate", str(example_project / "specs" / "peru-china.yaml")]
    subprocess.run(args, capture_output=True, env=env, check=True)
    tables = list(prefix.rglob("dataclass-code.*.bin"))
    assert len(tables) == 1 and tables[0].stat().st_size > 10_000
    written = tables[0].stat().st_mtime_ns
    subprocess.run(args, capture_output=True, env=env, check=True)
    assert tables[0].stat().st_mtime_ns == written  # the second run found every text
    library = subprocess.run([sys.executable, "-c", "import dataclasses, briefgen.pipeline.build; "
                                                    "print('exec' in vars(dataclasses))"],
                             capture_output=True, text=True, env=env, check=True)
    assert library.stdout.strip() == "False"


def write_table(path, table) -> None:
    import marshal

    payload = marshal.dumps(table)
    path.write_bytes(dataclass_code._HEADER + b"\n" + dataclass_code._digest(payload) + payload)


def test_an_overgrown_table_is_written_back_with_only_what_was_used(tmp_path):
    """A table past the cap (old library versions' texts) is trimmed to what this run used, even
    when the run compiled nothing new."""
    table = tmp_path / "dataclass-code.bin"
    first = run(tmp_path, install=True, path=table, env={"PYTHONDONTWRITEBYTECODE": ""})
    used = dataclass_code._read(str(table))
    assert first["saved"] and len(used) == first["compiled"]
    stale = {f"def __create_fn__():\n def f{i}(self):\n  return {i}\n return f{i}": compile("pass", "<string>", "exec")
             for i in range(dataclass_code._MAX_ENTRIES + 1)}
    write_table(table, {**used, **stale})
    second = run(tmp_path, install=True, path=table, env={"PYTHONDONTWRITEBYTECODE": ""})
    assert second["compiled"] == 0 and second["saved"]
    assert dataclass_code._read(str(table)).keys() == used.keys()


def test_a_table_with_any_byte_changed_is_ignored(tmp_path):
    """Every byte of the payload counts (its digest): a changed byte could make marshal build a broken
    code object, or raise SystemError, and every command would fail."""
    table = tmp_path / "dataclass-code.bin"
    plain = run(tmp_path, install=False)
    run(tmp_path, install=True, path=table, env={"PYTHONDONTWRITEBYTECODE": ""})
    good = table.read_bytes()
    start = len(dataclass_code._HEADER) + 1 + dataclass_code._DIGEST_SIZE
    for offset in (start, start + 1000, len(good) // 2, len(good) - 1):
        bad = bytearray(good)
        bad[offset] ^= 0x5A
        table.write_bytes(bytes(bad))
        assert dataclass_code._read(str(table)) == {}
        result = run(tmp_path, install=True, path=table, env={"PYTHONDONTWRITEBYTECODE": "1"})
        assert result["facts"] == plain["facts"] and result["compiled"] > 10
