"""A PDF over the attachment limit is refused with advice for where the limit was set: before this
fix it always said "raise max_attachment_mb in the [smtp] section of briefgen.toml", also when the
limit came from --max-attachment-mb, which overrides that setting (raising it changed nothing)."""

from __future__ import annotations

import pytest
from conftest import run_cli, squash

pytestmark = pytest.mark.usefixtures("no_smtp_env")

HEAD = "error: peru-china--public.pdf is 144 KiB, over the attachment limit of 102 KiB; many mail servers refuse " \
       "such messages. Use --force to send it anyway, or "


def test_the_limit_of_the_option_is_raised_with_the_option(example_project, monkeypatch) -> None:
    monkeypatch.chdir(example_project)
    result = run_cli("email", "specs/peru-china.yaml", "-a", "public", "--max-attachment-mb", "0.1")
    assert result.exit_code == 2
    assert squash(result.stderr).endswith(squash(HEAD + "give a larger --max-attachment-mb (this run's limit: 0.1 MiB) "
                                           "nothing was written."))
    assert not (example_project / "output").exists()


def test_the_limit_of_a_settings_file_is_raised_where_it_is_written(example_project, tmp_path, monkeypatch) -> None:
    config = tmp_path / "smtp.toml"
    config.write_text('[smtp]\nhost = "127.0.0.1"\nmax_attachment_mb = 0.1\n')
    monkeypatch.chdir(example_project)
    result = run_cli("email", "specs/peru-china.yaml", "-a", "public", "--smtp-config", config)
    assert result.exit_code == 2
    advice = f"raise max_attachment_mb where it is set ({config}:3:1: [smtp] max_attachment_mb)"
    assert squash(result.stderr).endswith(squash(HEAD + advice + " nothing was written."))
