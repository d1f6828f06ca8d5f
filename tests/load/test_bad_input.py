"""The bad-input corpus: every kind of wrong spec and knowledge base fails well.

Each folder ``tests/data/bad/<case>/`` is a small self-contained project (``briefgen.toml``
marks its root): ``spec.yaml``, ``kb/*.yaml`` and whatever else the case needs, and
``expected.yaml``::

    description: what the case shows
    options:                  # all optional
      strict: true            # validate with --strict
      audience: analsyt       # resolve (and render, with render: true) this audience only
      render: true            # validate's checks of every audience (check_templates): resolve it (chart
                              # sizes), render its templates, judge its citations (no-endnotes), at once
      max_bytes: 2000         # lower yamlsrc.MAX_BYTES for this case
      symlinks: {kb/evil.yaml: /etc/passwd}   # made in the copy before loading
    problems:                 # exactly these problems, no more, no fewer
      - {file: kb/kb.yaml, line: 7, key: claims[0].sources[0], severity: error,
         message: "unknown source id 'src-fdd-reprot'", suggestion: src-fdd-report}
      - {file: theme.yaml, line: 38, column: 9, key: logo.path, severity: error,
         message: "logo file not found: logo.png", got: "'logo.png'", code: missing-file}
    error:                    # or: the one template error raised while rendering
      {type: TemplateSecurityError, file: spec.yaml, line: 14, message: "..."}
    values:                   # good-input cases: loaded values, by dotted path into the KB
      - {path: entities.perurail.country, equals: "NO"}

The case is copied to a temporary folder which becomes the working directory, so problems
name files as ``spec.yaml`` and ``kb/kb.yaml``. A problem matches an expected one when
file, line, key and severity are equal, the expected ``message`` is contained in the
message, and (when given) ``suggestion``, ``column``, ``got``, ``expected`` and ``code``
are equal.

The ``theme-*`` cases name a broken theme file from ``spec.yaml`` (``theme:``, or an
audience's ``theme:``); validate loads and checks it, so its problems are located in the
theme file. Their expected problems give every field of what briefgen prints today.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import TESTS
from typer.testing import CliRunner

from briefgen.errors import BriefgenError, Problem, SpecError
from briefgen.load import yamlsrc
from briefgen.load.project import load_project
from briefgen.pipeline.build import prepare
from briefgen.pipeline.endnote_checks import citation_problems
from briefgen.pipeline.variant_checks import check_templates
from briefgen.resolve.select import resolve
from briefgen.text.templates import render_texts

BAD = TESTS / "data" / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "expected.yaml").is_file())


def expectation(name: str) -> dict[str, Any]:
    data = yaml.safe_load((BAD / name / "expected.yaml").read_text(encoding="utf-8")) or {}
    if isinstance(data, list):  # a bare list of problems
        data = {"problems": data}
    data.setdefault("options", {})
    data.setdefault("problems", [])
    return data


def install(name: str, dest: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Copy case ``name`` to ``dest``, make its symlinks, chdir into it; returns the copy."""
    project = dest / name
    shutil.copytree(BAD / name, project, symlinks=True)
    options = expectation(name)["options"]
    for link, target in (options.get("symlinks") or {}).items():
        path = project / link
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(target)
    if "max_bytes" in options:
        monkeypatch.setattr(yamlsrc, "MAX_BYTES", options["max_bytes"])
    monkeypatch.chdir(project)
    return project


def run(options: dict[str, Any]) -> tuple[list[Problem], BriefgenError | None, Any]:
    """Validate ``spec.yaml`` the way ``briefgen validate`` (and every build) does, then
    resolve / render audiences as the options ask. Returns the problems (errors raised or
    warnings returned), the non-problem error raised if any, and the prepared project."""
    try:
        prepared = prepare("spec.yaml", strict=bool(options.get("strict")))
    except SpecError as exc:
        return exc.problems, None, None
    problems = list(prepared.warnings)
    audience = options.get("audience")
    if audience is None and not options.get("render"):
        return problems, None, prepared
    dangling: list[Problem] = []  # reported once every template renders, as validate does
    try:
        if audience is None:  # validate's own checks of every audience: chart sizes, templates, citations at once
            check_templates(prepared)
            return problems, None, prepared
        briefing = resolve(prepared.loaded, prepared.kb, audience)
        if options.get("render"):
            render_texts(prepared.loaded, prepared.kb, briefing)
            dangling += citation_problems(prepared.loaded, prepared.kb, briefing)
    except SpecError as exc:
        return problems + exc.problems, None, prepared
    except BriefgenError as exc:
        return problems, exc, prepared
    return problems + dangling, None, prepared


def _show(p: Problem | dict) -> str:
    if isinstance(p, Problem):
        return (f"{{file: {p.file}, line: {p.line}, key: {p.key!r}, severity: {p.severity}, "
                f"message: {p.message!r}, suggestion: {p.suggestion!r}}}")
    return str(p)


def compare(actual: list[Problem], expected: list[dict]) -> list[str]:
    """Differences between actual problems and expected ones (empty when they agree)."""
    left = list(actual)
    missing = []
    for exp in expected:
        for p in left:
            if (p.file == exp["file"] and p.line == exp["line"] and p.key == exp["key"]
                    and p.severity == exp.get("severity", "error") and exp["message"] in p.message
                    and ("suggestion" not in exp or p.suggestion == (exp["suggestion"] or ""))
                    and all(getattr(p, field) == exp[field] for field in ("column", "got", "expected", "code")
                            if field in exp)):
                left.remove(p)
                break
        else:
            missing.append(exp)
    return ([f"missing:    {_show(e)}" for e in missing]
            + [f"unexpected: {_show(p)}" for p in left])


def lookup(kb, path: str) -> Any:
    """``entities.perurail.attributes.province`` -> that value in the knowledge base."""
    value: Any = kb
    for part in path.split("."):
        value = value[part] if isinstance(value, dict) else getattr(value, part)
    return value


# --------------------------------------------------------------------------- the corpus
@pytest.mark.parametrize("name", CASES)
def test_case(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exp = expectation(name)
    install(name, tmp_path, monkeypatch)
    problems, error, prepared = run(exp["options"])
    diff = compare(problems, exp["problems"])
    assert not diff, f"case {name}:\n  " + "\n  ".join(diff) + "\nall problems:\n  " + "\n  ".join(
        str(p) for p in problems)
    if "error" in exp:
        want = exp["error"]
        assert error is not None, f"case {name}: expected {want['type']}, nothing was raised"
        assert type(error).__name__ == want["type"], f"{type(error).__name__}: {error}"
        text = str(error)
        assert f"{want['file']}:{want['line']}:" in text, text
        assert want["message"] in text, text
    else:
        assert error is None, f"case {name}: unexpected {type(error).__name__}: {error}"
    for check in exp.get("values", []):
        assert prepared is not None
        value = lookup(prepared.kb, check["path"])
        if "equals" in check:
            assert value == check["equals"] and type(value) is type(check["equals"]), (check, value)
        if "same_as" in check:
            assert value == lookup(prepared.kb, check["same_as"]), (check, value)
        if "str" in check:
            assert str(value) == check["str"], (check, value)


def test_corpus_covers_every_kind() -> None:
    """The issue's list of kinds, each with at least one case."""
    kinds = ["load-scalars", "load-dates", "load-duplicate-key", "load-anchor", "load-alias",
             "load-merge-key", "load-python-tag", "load-oversize", "load-not-utf8",
             "load-two-documents", "load-syntax-error", "schema-unknown-key-entity",
             "schema-unknown-key-claim", "schema-unknown-key-section", "schema-unknown-key-chart",
             "schema-unknown-key-audience", "schema-chart-kind-typo", "schema-tlp-typo", "schema-source-url",
             "check-unknown-ids", "check-unknown-audience-option", "check-claim-without-source",
             "check-figure-without-unit", "check-relation-support", "check-warnings",
             "check-warnings-strict", "check-likelihood-vs-probability", "template-sandbox-escape",
             "template-undefined-name", "template-missing-field", "template-withheld-claim",
             "path-knowledge-base", "path-extends", "path-audience-files", "path-template-csv-theme",
             "path-symlink-escape", "path-missing-file", "path-extends-cycle", "path-missing-parent",
             "theme-misspelt-key", "theme-bad-colour-value", "theme-unquoted-colour", "theme-unknown-colour-name",
             "theme-unknown-parent", "theme-parent-cycle", "theme-missing-required-style",
             "theme-missing-font-file", "theme-font-path-escape", "theme-symlink-escape", "theme-cff-font",
             "theme-missing-logo", "theme-bands-do-not-fit", "theme-banner-below-tlp-minimum"]
    for kind in kinds:
        assert any(c.startswith(kind) for c in CASES), kind


# --------------------------------------------------------------------------- all at once
def test_spec_and_knowledge_base_problems_are_reported_together(tmp_path, monkeypatch) -> None:
    """load_project reads the knowledge base even when the spec is invalid, so that one run
    lists the problems of both."""
    install("schema-unknown-key-section", tmp_path, monkeypatch)
    kb = Path("kb/kb.yaml")
    kb.write_text(kb.read_text().replace("    name: PeruRail\n", "    nmae: PeruRail\n"))
    with pytest.raises(SpecError) as info:
        load_project("spec.yaml")
    found = {(p.file, p.key) for p in info.value.problems}
    assert ("spec.yaml", "sections[0].priorty") in found
    assert ("kb/kb.yaml", "entities[1].nmae") in found


# --------------------------------------------------------------------------- CLI
def cli(*args: str):
    from briefgen.cli.app import app

    return CliRunner().invoke(app, list(args))


@pytest.mark.parametrize("name", CASES)
def test_cli_validate_never_shows_a_traceback(name: str, tmp_path, monkeypatch) -> None:
    """``briefgen validate`` on every case: exit 2 with file:line for invalid input, 0 when
    only warnings (or audience / render problems) remain; never a traceback."""
    exp = expectation(name)
    install(name, tmp_path, monkeypatch)
    args = ["validate", "spec.yaml"] + (["--strict"] if exp["options"].get("strict") else [])
    result = cli(*args)
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    errors = [p for p in exp["problems"] if p.get("severity", "error") == "error"
              or exp["options"].get("strict")]
    at_validate = not exp["options"].get("audience")
    template_error = exp.get("error") if exp["options"].get("render") else None
    if template_error:  # validate renders every audience's templates too
        assert result.exit_code == 2, result.output
        assert f"{template_error['file']}:{template_error['line']}" in result.output, result.output
    elif errors and at_validate:
        assert result.exit_code == 2, result.output
        first = errors[0]
        where = f"{first['file']}:{first['line']}" if first["line"] else first["file"]
        assert where in result.output, result.output
    else:
        assert result.exit_code == 0, result.output


def test_cli_strict_turns_warnings_into_errors(tmp_path, monkeypatch) -> None:
    install("check-warnings", tmp_path, monkeypatch)
    relaxed = cli("validate", "spec.yaml")
    assert relaxed.exit_code == 0 and "warning" in relaxed.output
    strict = cli("validate", "spec.yaml", "--strict")
    assert strict.exit_code == 2 and "Traceback" not in strict.output
    assert "is never cited" in strict.output and "error" in strict.output


def test_cli_unknown_audience_suggests_the_near_miss(tmp_path, monkeypatch) -> None:
    install("check-unknown-audience-option", tmp_path, monkeypatch)
    result = cli("build", "spec.yaml", "--audience", "analsyt", "--out", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "unknown audience 'analsyt'" in result.output and "'analyst'" in result.output
    assert "spec.yaml:" in result.output


def test_cli_missing_spec_is_named(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = cli("validate", "nowhere.yaml")
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "nowhere.yaml" in result.output and "not found" in result.output


def test_cli_schema_writes_json_schemas(tmp_path) -> None:
    result = cli("schema", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    spec = json.loads((tmp_path / "spec.schema.json").read_text())
    kb = json.loads((tmp_path / "kb.schema.json").read_text())
    assert {"briefing", "sections", "knowledge_base"} <= set(spec["properties"])
    assert spec.get("additionalProperties") is False
    assert {"entities", "sources", "claims", "relations", "predicates"} == set(kb["properties"])
    assert (tmp_path / "audiences.schema.json").is_file()


def test_cli_build_stops_at_a_template_error(tmp_path, monkeypatch) -> None:
    """A sandbox escape fails the build (exit 2) before anything is drawn or written."""
    install("template-sandbox-escape", tmp_path, monkeypatch)
    out = tmp_path / "out"
    result = cli("build", "spec.yaml", "--audience", "analyst", "--out", str(out))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "spec.yaml:15" in result.output and "sandbox" in result.output
    assert not out.exists() or not any(out.iterdir())
