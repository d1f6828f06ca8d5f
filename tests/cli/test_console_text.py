"""User text reaches the terminal as written: rich's ``:name:`` emoji codes and its
``[style]`` markup in a key or value are printed literally, not converted or swallowed."""

from __future__ import annotations

import pytest
from conftest import run_cli as cli


@pytest.mark.parametrize("key", [":smile:", ":thumbs_up:", "[bold]loud[/bold]", "[/]"])
def test_an_unknown_key_is_shown_as_written(starter, key):
    entities = starter / "kb" / "entities.yaml"
    lines = entities.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("name:"))
    lines.insert(at + 1, f"    {key!r}: 1\n".replace("'", '"'))
    entities.write_text("".join(lines), encoding="utf-8")
    result = cli("validate", "specs/calder-bay.yaml")
    assert result.exit_code == 2
    assert f"entities[0].{key}" in result.output
    assert f"unknown key '{key}'" in result.output
    assert "\U0001F604" not in result.output and "\U0001F44D" not in result.output
