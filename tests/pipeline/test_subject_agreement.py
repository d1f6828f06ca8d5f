"""validate and build agree on an audience's email subject (the README: both give the same errors).

``validate`` renders every audience's ``distribution.subject`` (:mod:`briefgen.pipeline.variant_checks`);
a build of that audience renders it too (:func:`briefgen.pipeline.subject.refuse_bad_subject`), so a
subject that fails is refused by both, located alike, before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.errors import TemplateError


def _misspell_subject(project: Path) -> Path:
    audiences = project / "specs" / "audiences.yaml"
    text = audiences.read_text(encoding="utf-8")
    assert text.count("subject: Peru-China briefing (public release)") == 1
    audiences.write_text(text.replace("subject: Peru-China briefing (public release)",
                                      'subject: "{{ briefing.titel }}"'), encoding="utf-8")
    return audiences


def test_a_subject_validate_refuses_is_refused_by_the_build_of_its_audience(example_project, tmp_path) -> None:
    from briefgen.pipeline.build import BuildOptions, build, check_templates, prepare

    audiences = _misspell_subject(example_project)
    spec = example_project / "specs" / "peru-china.yaml"
    with pytest.raises(TemplateError) as validated:
        check_templates(prepare(spec))
    out = tmp_path / "out"
    with pytest.raises(TemplateError) as built:
        build(spec, "public", BuildOptions(out_dir=out, formats=("html",)))
    assert [(Path(p.file), p.line, p.key, p.message) for p in built.value.problems] == [
        (Path(p.file), p.line, p.key, p.message) for p in validated.value.problems]
    [problem] = built.value.problems
    assert (Path(problem.file), problem.key) == (audiences, "audiences.public.distribution.subject")
    assert "briefing has no field 'titel'" in problem.message and problem.suggestion == "title"
    assert not out.exists()


def test_an_audience_without_a_subject_of_its_own_builds(example_project, tmp_path) -> None:
    """Only the audience's own subject is rendered: the others build as before."""
    from briefgen.pipeline.build import BuildOptions, build

    _misspell_subject(example_project)
    result = build(example_project / "specs" / "peru-china.yaml", "analyst",
                   BuildOptions(out_dir=tmp_path / "out", formats=("html",)))
    assert result.html_path is not None and result.html_path.is_file()
