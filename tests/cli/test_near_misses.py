"""Did-you-mean for a spec file name and a ``--since`` value that miss by a letter or two."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli as cli


@pytest.mark.parametrize("command", ["build", "validate", "audiences"])
def test_a_misspelt_spec_file_suggests_the_nearest_in_its_folder(starter, command):
    result = cli(command, "specs/calder-bey.yaml", "--json")
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["file"], error["message"], error["suggestion"]) == (
        "specs/calder-bey.yaml", "file not found", "specs/calder-bay.yaml")
    human = cli(command, "specs/calder-bey.yaml")
    assert "did you mean 'specs/calder-bay.yaml'?" in human.output


def test_a_missing_file_far_from_every_name_gets_no_suggestion(starter):
    result = cli("build", "specs/harbour.yaml", "--json")
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["message"], error["suggestion"]) == ("file not found", "")  # not audiences.yaml for its suffix


@pytest.mark.parametrize("command", ["build", "email"])
@pytest.mark.parametrize("written", ["lats", "Last", "latst"])
def test_since_near_last_suggests_last(starter, command, written):
    result = cli(command, "specs/calder-bay.yaml", "--since", written, "--json")
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert error["suggestion"] == "last" and f"no edition file {written!r}" in error["message"]
    assert not (starter / "output").exists()  # refused before building


@pytest.mark.parametrize("command", ["build", "validate"])
@pytest.mark.parametrize(("written", "meant"), [
    ("spec/calder-bay.yaml", "specs/calder-bay.yaml"),   # the folder misspelt
    ("specs/calder-bay.yml", "specs/calder-bay.yaml"),   # the suffix spelt the other way
    ("Specs/calder-bey.yml", "specs/calder-bay.yaml"),   # all three at once
])
def test_a_spec_path_missing_by_its_folder_or_suffix_suggests_the_file(starter, command, written, meant):
    result = cli(command, written, "--json")
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["file"], error["message"], error["suggestion"]) == (written, "file not found", meant)


def test_batch_of_a_misspelt_folder_suggests_the_folder(starter):
    result = cli("batch", "spec", "--json")
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["file"], error["message"], error["suggestion"]) == ("spec", "file not found", "specs")


@pytest.mark.parametrize("command", ["build", "validate", "batch"])
def test_a_spec_typed_yml_for_yaml_suggests_the_yaml_file_in_every_command(starter, command):
    result = cli(command, "specs/calder-bay.yml", "--json")
    assert result.exit_code == 2
    (error,) = json.loads(result.stdout)["errors"]
    assert (error["message"], error["suggestion"]) == ("file not found", "specs/calder-bay.yaml")
