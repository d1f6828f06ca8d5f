"""Two variants never write one file (:mod:`briefgen.pipeline.collisions`): a batch, a Dask
batch and ``build`` with several audiences list every variant's files before building and
stop (exit 2, nothing built) when two share one, case-insensitively; and briefing ids and
audience names cannot contain ``--``, the separator of ``<briefing>--<audience>`` (the
tester's case: ``cb`` / ``pub--lic`` and ``cb--pub`` / ``lic`` both wrote ``cb--pub--lic.pdf``)."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import pytest
from conftest import run_cli as cli

from briefgen.errors import SpecError
from briefgen.pipeline import batch
from briefgen.pipeline.build import BuildOptions, prepare
from briefgen.pipeline.collisions import CODE, Planned, same_file_key, shared_files

SPEC = "specs/calder-bay.yaml"




@pytest.fixture
def project(starter: Path) -> Path:
    """The starter project (``briefgen init``), current folder."""
    return starter


def line_of(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if line.startswith(text))


# --------------------------------------------------------------------------- names
def test_dashes_in_a_briefing_id_or_audience_name_are_located_errors_with_a_suggestion(project) -> None:
    spec = project / "specs" / "calder-bay.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("  id: calder-bay\n", "  id: calder--bay\n"),
                    encoding="utf-8")
    audiences = project / "specs" / "audiences.yaml"
    audiences.write_text(audiences.read_text(encoding="utf-8").replace("  public:\n", "  pub--lic:\n"),
                         encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        prepare(SPEC)
    found = {(p.file, p.line, p.key, p.suggestion) for p in caught.value.problems if "'--'" in p.message}
    assert found == {("specs/calder-bay.yaml", line_of(spec, "  id: calder--bay"), "briefing.id", "calder-bay"),
                     ("specs/audiences.yaml", line_of(audiences, "  pub--lic:"), "audiences.pub--lic",
                      "pub-lic")}
    result = cli("validate", SPEC)
    assert result.exit_code == 2 and "did you mean 'calder-bay'" in result.output


def test_the_starter_and_a_new_spec_without_dashes_still_validate(project) -> None:
    assert prepare(SPEC).loaded.spec.briefing.id == "calder-bay"
    refused = cli("new", "specs/port--brief.yaml")
    assert refused.exit_code != 0 and "port-brief.yaml" in refused.output
    assert not (project / "specs" / "port--brief.yaml").exists()


# --------------------------------------------------------------------------- batches
def two_specs_of_one_briefing(project: Path) -> Path:
    """specs/copy.yaml: the starter spec again, same briefing id (as the tester's two specs)."""
    copy = project / "specs" / "copy.yaml"
    copy.write_text((project / SPEC).read_text(encoding="utf-8"), encoding="utf-8")
    return copy


def test_a_batch_of_two_specs_writing_one_file_builds_nothing_and_names_both(project) -> None:
    copy = two_specs_of_one_briefing(project)
    result = cli("batch", "specs", "--all-audiences", "--json")
    assert result.exit_code == 2, result.output
    assert not (project / "output").exists()  # nothing built, nothing written
    doc = json.loads(result.stdout.strip().splitlines()[-1])
    errors = [e for e in doc["errors"] if e["code"] == CODE]
    assert len(errors) == 2  # one per audience, each pair reported once
    where = ("specs/copy.yaml", line_of(copy, "  id: calder-bay"), "briefing.id")
    assert [(e["file"], e["line"], e["key"]) for e in errors] == [where, where]
    for error, audience in zip(errors, ("analyst", "public")):
        assert error["message"].startswith(f"specs/copy.yaml, audience {audience!r} of briefing 'calder-bay', "
                                           f"would write output/calder-bay--{audience}.pdf, as specs/calder-bay.yaml, "
                                           f"audience {audience!r} of briefing 'calder-bay' (specs/calder-bay.yaml:")


def test_plan_run_and_the_dask_batch_refuse_before_building_anything(project, tmp_path) -> None:
    copy = two_specs_of_one_briefing(project).relative_to(project)
    options = BuildOptions(out_dir=tmp_path / "out")
    with pytest.raises(SpecError) as caught:
        batch.plan([Path(SPEC), copy], options=options)  # each spec's default audience: analyst
    (problem,) = caught.value.problems
    assert problem.code == CODE and problem.key == "briefing.id" and problem.file == "specs/copy.yaml"
    assert problem.message.startswith(f"specs/copy.yaml, audience 'analyst' of briefing 'calder-bay', would write "
                                      f"{tmp_path / 'out' / 'calder-bay--analyst.pdf'}, as specs/calder-bay.yaml")
    # jobs planned separately, then run together: run() and the Dask batch refuse too
    jobs = batch.plan([Path(SPEC)])[0] + [dataclasses.replace(j, index=9) for j in batch.plan([copy])[0]]
    with pytest.raises(SpecError):
        batch.run(jobs, options)
    from briefgen.pipeline.cluster import run_on_cluster

    with pytest.raises(SpecError):  # before dask is imported or the scheduler asked
        run_on_cluster(jobs, options, "tcp://127.0.0.1:9", timeout=0.1)
    assert not (tmp_path / "out").exists()
    # the same variant twice is one variant, not a collision
    assert shared_files([Planned(SPEC, prepare(SPEC).loaded, "public")] * 2, tmp_path, file_edition=True) == []


def test_an_audience_name_meeting_anothers_document_file_is_refused(project) -> None:
    """``public.document``'s manifest would be ``public``'s document model file: the name is
    refused at validate, located, for any build (one audience or all, with or without
    --emit-document), so no single-audience build can overwrite the other's file either."""
    audiences = project / "specs" / "audiences.yaml"
    with audiences.open("a", encoding="utf-8") as fh:
        fh.write("\n  public.document:\n    tlp: TLP:CLEAR\n")
    for args in (["--all-audiences", "--emit-document"], ["-a", "public", "--emit-document"], ["-a", "public"]):
        result = cli("build", SPEC, *args, "--format", "html")
        assert result.exit_code == 2, result.output
        assert f"specs/audiences.yaml:{line_of(audiences, '  public.document:')}" in result.output
        assert "a name ending in '.document'" in result.output and "public-document" in result.output
    assert not (project / "output").exists()


def test_names_that_differ_only_in_case_or_by_a_symlinked_folder_collide(project, tmp_path) -> None:
    loaded = prepare(SPEC).loaded
    shouted = dataclasses.replace(loaded, path=project / "specs" / "other.yaml", spec=loaded.spec.model_copy(
        update={"briefing": loaded.spec.briefing.model_copy(update={"id": "Calder-Bay"})}))
    problems = shared_files([Planned(SPEC, loaded, "public"), Planned("specs/other.yaml", shouted, "public")],
                            tmp_path / "out", file_edition=False)
    assert len(problems) == 1 and "Calder-Bay--public.pdf" in problems[0].message
    (tmp_path / "real").mkdir()
    os.symlink(tmp_path / "real", tmp_path / "link")
    assert same_file_key(tmp_path / "link" / "A.pdf") == same_file_key(tmp_path / "real" / "a.pdf")
    assert same_file_key(tmp_path / "real" / "a.pdf") != same_file_key(tmp_path / "real" / "b.pdf")
