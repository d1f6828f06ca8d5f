"""``briefgen init DIR`` and ``briefgen new SPEC``: start a project, add a briefing to one.

``init`` copies the starter project (package data in ``briefgen/cli/starter/``: a fictional
port authority, its knowledge base, a spec using every section kind but conflicts and four
chart kinds, an analyst audience at TLP:AMBER and a public one at TLP:CLEAR) into a new or
empty folder; it builds at once. ``new`` writes a spec into an existing project (one whose root holds
``briefgen.toml``), pointing at the project's knowledge base and shared audiences.

Exit codes: 0 written; 2 the folder is not empty, the spec exists, there is no project, or the
file system refuses the folder (a file in the way, no permission); 1 a write that failed (a full
disk). Nothing is half-written.
"""

from __future__ import annotations

import datetime as _dt
import re
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape as esc

from briefgen.cli import common

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.cli.new_charts import Figures

STARTER_SPEC = "calder-bay"
"""The starter project's briefing (``specs/calder-bay.yaml``)."""

_STARTER_FILES = ("briefgen.toml", "kb/entities.yaml", "kb/sources.yaml", "kb/claims.yaml", "kb/relations.yaml",
                  f"specs/{STARTER_SPEC}.yaml", "specs/audiences.yaml", "data/monthly-teu.csv")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def _starter(name: str) -> bytes:
    """A file of the starter project (package data)."""
    from importlib import resources

    return resources.files("briefgen.cli").joinpath("starter", *name.split("/")).read_bytes()


def _refuse(message: str) -> None:
    common.err.print(f"[red]error:[/] {message}", soft_wrap=True)
    raise typer.Exit(2)


def _write(files: dict[Path, bytes], *, fix: str) -> None:
    """Write ``files`` all or nothing; a folder the file system refuses (a file in the way, no
    permission, a read-only or full disk) is the command's error, with ``fix``: exit 2 for a
    folder that cannot be used, 1 for a failed write (:class:`briefgen.errors.OutputError`),
    never a traceback."""
    from briefgen.errors import OutputError

    try:
        common.write_outputs(files, fix=fix)
    except OutputError as exc:
        common.fail(exc)


def init_command(folder: Path = typer.Argument(..., metavar="DIR", show_default=False,
                                               help="Folder for the new project (created; must be empty).")) -> None:
    """Start a project: a knowledge base, a briefing spec using every section kind but
    conflicts, and two audiences (analyst at TLP:AMBER, public at TLP:CLEAR), ready to build."""
    if folder.exists() and not folder.is_dir():
        _refuse(f"{esc(str(folder))} is a file, not a folder")
    if folder.is_dir():
        entries = sorted(p.name for p in folder.iterdir())
        if entries:
            shown = ", ".join(repr(n) for n in entries[:3]) + (" ..." if len(entries) > 3 else "")
            _refuse(f"{esc(str(folder))} is not empty (it holds {esc(shown)}); choose a new or empty folder "
                    f"(nothing was written)")
    files = {folder / name: _starter(name) for name in _STARTER_FILES}
    files[folder / ".gitignore"] = _starter("gitignore")
    _write(files, fix="Choose another DIR.")
    spec = f"specs/{STARTER_SPEC}.yaml"
    common.out.print(f"created a briefgen project in {esc(str(folder))}: briefgen.toml, kb/ (entities, sources, "
                     f"claims, relations), {spec}, specs/audiences.yaml, data/monthly-teu.csv", soft_wrap=True)
    common.out.print("next:")
    common.out.print(f"  cd {esc(shell_word(str(folder)))}")
    common.out.print(f"  briefgen build {spec} --all-audiences   [dim]# PDFs into output/[/]")
    common.out.print(f"  briefgen watch {spec}                   [dim]# rebuild on every save[/]")


def new_command(spec: Path = typer.Argument(..., metavar="SPEC", show_default=False,
                                            help="Spec file to create, e.g. specs/harbour-update.yaml."),
                title: str | None = typer.Option(None, "--title", metavar="TEXT",
                                                 help="Briefing title (default: from the file name)."),
                date: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD",
                                                help="Briefing date (default: today; the starter's own "
                                                     "date over the starter's knowledge base)."),
                desk: str = typer.Option("Desk", "--desk", metavar="TEXT", help="Issuing desk."),
                ) -> None:
    """Add a briefing spec to an existing project: it reads the project's knowledge base
    (kb/) and shared audiences (specs/audiences.yaml), and uses every section kind but
    conflicts."""
    from briefgen.load.paths import find_project_root, root_search_note
    from briefgen.load.settings import CONFIG_NAME

    if spec.suffix not in (".yaml", ".yml"):
        _refuse(f"a spec is a .yaml file; got {esc(str(spec))}")
    if spec.exists():
        _refuse(f"{esc(str(spec))} already exists (nothing was written)")
    briefing_id = spec.stem
    if not _ID_RE.match(briefing_id) or "--" in briefing_id:  # '--' separates id and audience in file names
        hint = re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9._-]+", "-", briefing_id.lower())).strip("-._") or "briefing"
        _refuse(f"the file name is the briefing id: lower-case letters, digits, '-', '_' and '.', no '--'; got "
                f"{esc(repr(briefing_id))}; did you mean {esc(repr(hint + spec.suffix))}?")
    from briefgen.model.fields import check_output_name  # pydantic: not for every command's start

    try:  # the rule validate applies to a briefing id, so new never writes a spec validate refuses
        check_output_name(briefing_id)
    except ValueError as exc:
        suggestion = getattr(exc, "suggestion", "")
        _refuse(f"the file name is the briefing id: {esc(str(exc))}"
                + (f"; did you mean {esc(repr(suggestion + spec.suffix))}?" if suggestion else ""))
    root = find_project_root(spec.absolute())
    if not (root / CONFIG_NAME).is_file():
        _refuse(f"{esc(str(spec))} is not inside a briefgen project: {esc(root_search_note(root))}; run "
                f"'briefgen init DIR' to start a project")
    kb = root / "kb"
    if not kb.is_dir():
        _refuse(f"the project has no knowledge-base folder {esc(str(kb))}")
    starter_date = None if date else _starter_kb_date(kb)
    when = date or starter_date or _dt.date.today().isoformat()
    try:
        when = _dt.date.fromisoformat(when).isoformat()  # 20250520 is read as 2025-05-20 and written so
    except ValueError:
        _refuse(f"--date takes YYYY-MM-DD; got {esc(repr(when))}")
    from briefgen.cli.new_charts import Figures, fitted_figures

    folder = spec.absolute().parent
    figures = Figures()
    for _ in range(3):  # written, then checked: its charts fitted to the knowledge base (new_charts)
        text = _new_spec(briefing_id=briefing_id, title=title or briefing_id.replace("-", " ").capitalize(),
                         date=when, desk=desk, folder=folder, root=root, kb=kb, spec_shown=str(spec),
                         figures=figures)
        _write({spec: text.encode("utf-8")}, fix="Choose another SPEC path.")
        better = fitted_figures(spec, figures)
        if better is None or better == figures:
            break
        figures = better
    common.out.print(f"wrote {esc(str(spec))} (knowledge base {esc(_rel(kb, folder))})")
    if figures.limit is not None:
        common.out.print(f"its timeline shows the first {figures.limit} dated claims ('limit: {figures.limit}'): "
                         f"all {figures.limited_from} would not fit it", soft_wrap=True)
    for chart_id in figures.left_out:
        common.out.print(f"left out chart {chart_id!r}: it does not fit the knowledge base (see the comment in the "
                         f"spec)", soft_wrap=True)
    if starter_date:
        common.out.print(f"dated {starter_date}, the date of the starter's knowledge base, whose claims would "
                         f"be stale at today's date; --date sets another", soft_wrap=True)
    common.out.print(f"next: briefgen build {esc(shell_word(str(spec)))} --all-audiences")


def _new_spec(*, briefing_id: str, title: str, date: str, desk: str, folder: Path, root: Path, kb: Path,
              spec_shown: str, figures: Figures | None = None) -> str:
    """The text of a new spec (``starter/new-spec.yaml.tmpl`` filled in): every value put
    into the YAML is quoted by :func:`yaml_string` (``date`` is written by ``new`` itself,
    ``YYYY-MM-DD``), the spec path in the comment is a shell word on one line. ``figures``: its
    chart section (:class:`briefgen.cli.new_charts.Figures`; both charts, unlimited, when None)."""
    from string import Template

    from briefgen.cli.new_charts import Figures

    shared = next((p for p in (folder / "audiences.yaml", root / "specs" / "audiences.yaml") if p.is_file()), None)
    if shared is not None:
        audiences = f"audience_files: [{yaml_string(_rel(shared, folder))}]\n"
    else:
        audiences = ("audiences:\n  analyst: {tlp: TLP:AMBER, description: Desk analysts}\n"
                     "  public: {tlp: TLP:CLEAR, description: Public release}\n")
    entities = _entity_ids(kb)[:4]
    profiles = ("\n  - id: actors\n    title: Main actors\n    kind: profiles\n    priority: 40\n"
                f"    entities: [{', '.join(yaml_string(e) for e in entities)}]\n") if entities else ""
    return Template(_starter("new-spec.yaml.tmpl").decode("utf-8")).substitute(
        briefing_id=yaml_string(briefing_id), title=yaml_string(title), date=date, desk=yaml_string(desk),
        kb=yaml_string(_rel(kb, folder)), audiences=audiences, profiles=profiles,
        figures=(figures or Figures()).text(),
        spec_shown=_one_line(shell_word(spec_shown)))


def yaml_string(value: str) -> str:
    """``value`` as a YAML double-quoted scalar that reads back as the same string, whatever
    it holds (``: ``, `` #``, quotes, a leading ``-``, ``*``, ``&``, ``!``, ``%``, ``@`` or
    backquote, line breaks, 'yes', 'null', digits): PyYAML's own quoting, on one line."""
    import yaml

    return yaml.safe_dump(value, default_style='"', allow_unicode=True, width=1 << 30).rstrip("\n")


def shell_word(path: str) -> str:
    """``path`` as one word a POSIX shell reads back as written (:func:`shlex.quote`); a
    path starting with ``-`` gets ``./`` so that no command takes it for an option."""
    import shlex

    return shlex.quote("./" + path if path.startswith("-") else path)


def _one_line(text: str) -> str:
    """``text`` with characters that are not printable (line breaks among them) as
    ``\\uXXXX``: it stays on its comment line."""
    return "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text)


def _entity_ids(kb: Path) -> list[str]:
    """Entity ids found in the knowledge-base folder's YAML files, in file order (files that
    cannot be read are skipped: the spec's validation reports them)."""
    import yaml

    ids: list[str] = []
    for path in sorted(kb.glob("*.y*ml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        for item in (data or {}).get("entities", []) if isinstance(data, dict) else []:
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                ids.append(item["id"])
    return ids


_STARTER_KB = tuple(name for name in _STARTER_FILES if name.startswith("kb/"))


def _starter_kb_date(kb: Path) -> str | None:
    """The starter spec's briefing date (``YYYY-MM-DD``) when ``kb`` holds the starter's
    knowledge base unchanged (its files and no other YAML file), else None: a spec dated today
    over that fictional knowledge base would start with stale-claim warnings."""
    try:
        names = sorted(p.name for p in kb.glob("*.y*ml"))
        if names != sorted(Path(n).name for n in _STARTER_KB):
            return None
        if any((kb / Path(n).name).read_bytes() != _starter(n) for n in _STARTER_KB):
            return None
    except OSError:
        return None
    found = re.search(rb"^  date: (\d{4}-\d{2}-\d{2})$", _starter(f"specs/{STARTER_SPEC}.yaml"), re.M)
    return found.group(1).decode() if found else None


def _rel(path: Path, folder: Path) -> str:
    import os

    return Path(os.path.relpath(path, folder)).as_posix()
