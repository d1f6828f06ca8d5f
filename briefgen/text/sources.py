"""Where a template is written: inline in a spec (with the line its text starts on) or in a
template file resolved inside the project."""

from __future__ import annotations

from dataclasses import dataclass

from briefgen.errors import Problem, SpecError
from briefgen.load.project import LoadedSpec
from briefgen.load.textcodec import undecodable_at, utf8_advice
from briefgen.regular_files import read_regular


@dataclass(frozen=True)
class TemplateSource:
    """A template's text and where it was written: ``file`` and the 1-based ``line`` of its
    first line there; ``label`` names it in messages (``section 'bluf'``)."""

    text: str
    file: str
    line: int
    label: str
    key: str


def template_source(loaded: LoadedSpec, key: tuple, text: str | None, file: str | None,
                    label: str) -> TemplateSource | None:
    """Where a template written at spec key ``key`` (inline ``text`` or a ``file``) lives.

    Template files are resolved inside the project (see :mod:`briefgen.load.paths`).
    """
    from briefgen.load.paths import resolve_inside
    from briefgen.load.project import origin_dir
    from briefgen.load.yamlsrc import display_path

    if file is not None:
        file_key = key[:-1] + ("template_file",)
        # relative to the spec file that wrote it (a parent spec's own folder under 'extends')
        path = resolve_inside(file, base=origin_dir(loaded.source, file_key), root=loaded.root,
                              doc=loaded.source, key=file_key, what="template file")
        try:
            body = read_regular(path).decode("utf-8-sig")
        except OSError as exc:
            raise SpecError([loaded.source.problem(file_key, f"cannot read template file {file!r}: "
                                                   f"{exc.strerror or exc}", code="unreadable-file")]) from None
        except UnicodeDecodeError as exc:  # named at the byte, in the template file, as YAML files are
            line, column = undecodable_at(exc.object, exc.start)
            raise SpecError([Problem(display_path(path), line, column, loaded.source.problem(file_key, "").key,
                                     f"template file {file!r} is not valid UTF-8",
                                     got=f"byte 0x{exc.object[exc.start]:02x}",
                                     expected=utf8_advice(exc.object), code="encoding")]) from None
        return TemplateSource(body, display_path(path), 1, label, "template")
    if text is None:
        return None
    memo = (key, text, label)
    found = loaded.located.get(memo)
    if found is None:
        found = loaded.located[memo] = _inline_source(loaded, key, text, label)
    return found


def _inline_source(loaded: LoadedSpec, key: tuple, text: str, label: str) -> TemplateSource:
    """An inline template's source: the spec file and the line its text starts on (the line
    after ``key:`` for a ``|`` or ``>`` block)."""
    problem = loaded.source.problem(key, "")
    line = problem.line
    try:
        raw_line = _line_text(loaded, key, problem.file, line)
        after = raw_line[problem.column - 1:].lstrip()
        if after[:1] in ("|", ">"):
            line += 1
    except (OSError, IndexError, ValueError):
        pass
    return TemplateSource(text, problem.file, line, label, problem.key)


def _line_text(loaded: LoadedSpec, key: tuple, file: str, line: int) -> str:
    """Line ``line`` of the spec file that wrote ``key``: from the text it was loaded from
    (split once per file, not once per template), else read from ``file``. Raises
    OSError, IndexError or ValueError when there is no such line."""
    doc = loaded.source.written(key)[0]
    found = doc.line_text(line) if doc.name == file else None
    return found if found is not None else read_regular(file).decode("utf-8-sig").splitlines()[line - 1]
