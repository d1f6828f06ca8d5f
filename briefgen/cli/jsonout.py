"""``--json``: one JSON document on stdout per command, for scripts and CI.

With ``--json`` a command prints exactly one JSON document (UTF-8, one line, newline at the
end) on stdout and nothing else there; the human lines it would have printed on stdout go
to stderr instead, with the warnings, problems and progress that always go there. Every
document has the same envelope (documented in the README, "Machine-readable output")::

    {"briefgen": "0.1.0", "command": "build", "ok": true, "exit_code": 0,
     "warnings": [PROBLEM, ...], "errors": [PROBLEM, ...], ...the command's own keys}

A PROBLEM is ``{"file", "line", "column", "key", "severity", "code", "message", "expected",
"got", "suggestion", "audience", "audiences"}`` (line and column 1-based, ``null`` when unknown; an
error that is not about an input file has ``file`` ``""`` and ``code`` the error's kind, e.g.
``RenderError``; ``audiences`` the audiences whose versions met it, ``audience`` the one when
there is exactly one, see :func:`audience_fields`).
``exit_code`` is the process's exit status (0 ok, 1 a build or delivery failed, 2 invalid
input or usage), so a failed command still prints a document.

In JSON mode ``sys.stdout`` is pointed at stderr (so every human line lands there, whatever
prints it) and the document is written to the real stdout; this module imports nothing of
briefgen's command line, which imports it.

Commands call :func:`start` first, then :func:`emit` with their own keys;
:func:`briefgen.cli.common.fail` calls :func:`error`, and :func:`finish` (run by the entry
point) prints a bare error document for a command that ended without one: for an error of
the command-line parser (an unknown option, a missing argument, an unknown command) its
message, code and did-you-mean (:mod:`briefgen.cli.parse_errors`).
"""

from __future__ import annotations

import sys
from typing import Any

import typer

JsonOpt = typer.Option(False, "--json", help="Print one JSON document on stdout (shape: README, 'Machine-readable "
                                              "output'); human output goes to stderr.")

_STATE: dict[str, Any] = {"command": None, "emitted": False, "stdout": None, "redirect": None,
                          "parser_error": None, "parser_problem": None, "parser_command": ""}


def reset() -> None:
    """Leave JSON mode (run before every command: commands may run one after another in one
    process, as tests do): no command, nothing emitted, stdout back in place (unless whoever
    replaced the streams, a test runner, has put its own back already)."""
    if _STATE["stdout"] is not None and sys.stdout is _STATE["redirect"]:
        sys.stdout = _STATE["stdout"]
    _STATE.update(command=None, emitted=False, stdout=None, redirect=None, parser_error=None, parser_problem=None,
                  parser_command="")


def note_parser_error(exc: BaseException, make_problem: Any, command: str = "") -> None:
    """Keep the PROBLEM of an error of the command-line parser (``make_problem()``, made
    once per error: :mod:`briefgen.cli.parse_errors`) for :func:`finish`, with ``command``,
    the command it was raised in (``export stix``; "" for the top-level group)."""
    if _STATE["parser_error"] is not exc:
        _STATE.update(parser_error=exc, parser_problem=make_problem(), parser_command=command)


def start(command: str, enabled: bool) -> None:
    """Enter JSON mode for ``command`` when ``enabled``: from now on whatever would be printed
    on stdout (the commands' human lines, through ``common.out``) goes to stderr; the JSON
    document alone goes to the real stdout."""
    reset()
    if enabled:
        _STATE.update(command=command, stdout=sys.stdout, redirect=sys.stderr)
        sys.stdout = sys.stderr


def active() -> bool:
    """True when the running command prints JSON."""
    return _STATE["command"] is not None


def problem(p: Any, audience: str | None = None) -> dict:
    """A :class:`~briefgen.errors.Problem` as JSON; ``audience``: the audience whose version met it,
    when the problem names none itself (:attr:`~briefgen.errors.Problem.audiences`)."""
    met = list(p.audiences) or ([audience] if audience else [])
    return {"file": p.file, "line": p.line or None, "column": p.column or None, "key": p.key, "severity": p.severity,
            "code": p.code, "message": p.message, "expected": p.expected, "got": p.got, "suggestion": p.suggestion,
            **audience_fields(met)}


def message_problem(message: str, code: str = "", severity: str = "error", audience: str | None = None) -> dict:
    """A PROBLEM for an error that is not located in an input file (met in ``audience``'s version, if given)."""
    return {"file": "", "line": None, "column": None, "key": "", "severity": severity, "code": code, "message": message,
            "expected": "", "got": "", "suggestion": "", **audience_fields([audience] if audience else [])}


def audience_fields(met: list[str]) -> dict:
    """A PROBLEM's ``audience`` (the one audience whose version met it, null when it is not about one
    audience's version or several met it) and ``audiences`` (every audience that met it; [] when none)."""
    return {"audience": met[0] if len(met) == 1 else None, "audiences": met}


def emit(exit_code: int = 0, *, warnings: list | None = None, errors: list | None = None, **fields: Any) -> None:
    """Print the command's document (once; later calls are ignored). ``warnings`` and
    ``errors`` take :class:`Problem` objects or PROBLEM dicts."""
    if not active() or _STATE["emitted"]:
        return
    import json

    from briefgen import __version__

    doc = {"briefgen": __version__, "command": _STATE["command"], "ok": exit_code == 0, "exit_code": exit_code,
           "warnings": [w if isinstance(w, dict) else problem(w) for w in warnings or []],
           "errors": [e if isinstance(e, dict) else problem(e) for e in errors or []]}
    doc.update(fields)
    stdout = _STATE["stdout"] or sys.stdout
    stdout.write(json.dumps(doc, ensure_ascii=False, default=str) + "\n")
    stdout.flush()
    _STATE["emitted"] = True


def interrupted(exit_code: int, note: str = "") -> None:
    """From the Ctrl-C / SIGTERM handler: under ``--json``, the document the command did not get
    to print (``ok`` false, ``exit_code`` 130 or 143, one ``interrupted`` error saying what is in
    place, ``note`` added: how many of a batch's variants are). Nothing when no document is due
    or one was printed."""
    if active() and not _STATE["emitted"]:
        text = "interrupted; files already in place are complete, nothing is half-written"
        emit(exit_code, errors=[message_problem(text + (f"; {note}" if note else ""), "interrupted")])


def error(exc: Exception, **fields: Any) -> None:
    """Print the document of a command that failed with ``exc`` (a
    :class:`~briefgen.errors.BriefgenError`): its problems, or its message."""
    from briefgen.errors import located_problems

    code = getattr(exc, "exit_code", 1)
    problems = located_problems(exc)
    audience = getattr(exc, "audience", None)  # the version that met it (briefgen.errors.for_audience)
    if problems:
        errors = [problem(p, audience) for p in problems if p.severity == "error"]
        warnings = [problem(p, audience) for p in problems if p.severity != "error"]
        emit(code, errors=errors, warnings=warnings, **fields)
    else:
        emit(code, errors=[message_problem(str(exc), type(exc).__name__, audience=audience)], **fields)


def finish(exit_code: int, argv: list[str]) -> None:
    """At exit: when ``--json`` was asked for and no document was printed (a usage error
    before the command ran, an exit without one), print a bare one with ``exit_code``."""
    if not _STATE["emitted"] and "--json" in argv and (exit_code != 0 or active()):
        if not active():  # the command the parser was in (a sub-group's with its group: export stix)
            _STATE["command"] = (_STATE.get("parser_command") or
                                 next((a for a in argv if not a.startswith("-")), ""))
        parsed = _STATE["parser_problem"] if exit_code == 2 else None  # the parser's own message and near miss
        emit(exit_code, errors=[] if exit_code == 0 else [parsed] if parsed is not None else
             [message_problem("the command failed before producing a result; see stderr", "usage" if exit_code == 2
                              else "failed")])
    reset()


def build_result(r: Any) -> dict:
    """A built variant (:class:`~briefgen.pipeline.build.BuildResult`) as JSON: paths of
    what was written (``pdf``/``html`` null when that format was not built), pages, PDF
    bytes and SHA-256, banner, seconds, sections dropped to fit ``max_pages``, the edition
    filed (``edition``, null when not), ``changes`` (:func:`changes_json`; null without
    ``--since`` or for a first edition) and ``notes`` (a first edition: nothing to compare).
    Edition paths relative to the current folder, as the output paths are."""
    formats = getattr(r, "formats", ("pdf",))
    html = getattr(r, "html_path", None)
    return {"briefing": r.briefing_id, "audience": r.audience,
            "pdf": str(r.pdf_path) if "pdf" in formats else None,
            "html": str(html) if html is not None else None,
            "manifest": str(r.manifest_path), "pages": r.pages, "bytes": r.size,
            "sha256": r.sha256 if "pdf" in formats else None, "banner": r.banner,
            "seconds": round(r.seconds, 3), "dropped": list(r.dropped),
            "edition": shown_path(r.edition_path) if getattr(r, "edition_path", None) is not None else None,
            "changes": changes_json(r), "notes": list(getattr(r, "notes", []))}


def changes_json(r: Any) -> dict | None:
    """What changed since the edition build result ``r`` compared with: see
    :func:`briefgen.pipeline.edition.changes_json`."""
    from briefgen.pipeline.edition import changes_json as of_result

    return of_result(r)


def shown_path(path: Any) -> str:
    """See :func:`briefgen.pipeline.edition.shown_path`."""
    from briefgen.pipeline.edition import shown_path as shown

    return shown(path)


def batch_item(i: Any) -> dict:
    """A batch outcome (:class:`~briefgen.pipeline.jobs.BatchItem`) as JSON: ``status`` is
    ``ok``, ``failed`` or ``invalid``; ``problems`` the located problems of an invalid spec;
    ``edition`` the edition record filed (null when none), ``changes`` and ``notes`` as for
    ``build`` (:func:`build_result`). What does not exist is null: ``audience`` of a spec whose
    audiences are unknown, ``pages`` and ``bytes`` of a variant not built (``pages`` of one built
    without a PDF is 0, as ``build`` gives it)."""
    built = i.status == "ok"
    return {"spec": i.spec, "briefing": i.briefing, "audience": i.audience or None, "status": i.status,
            "pdf": i.pdf_path or None, "pages": i.pages if built else None, "bytes": i.size if built else None,
            "sha256": i.sha256 or None,
            "seconds": round(i.seconds, 3), "message": i.message, "problems": [problem(p) for p in i.problems],
            "edition": shown_path(i.edition_path) if getattr(i, "edition_path", "") else None,
            "changes": getattr(i, "changes", None), "notes": list(getattr(i, "notes", []))}


def email_message(item: Any, *, draft: bool = False, sent_as: str | None = None) -> dict:
    """A composed message (:class:`~briefgen.deliver.mail.Outgoing`) as JSON: the .eml and
    PDF written, subject (TLP label first), ``recipients`` (every address it goes to, Bcc
    included), ``bcc`` how many of them are Bcc, ``message_id`` (the .eml's), and
    ``already_sent`` / ``sent_message_id``: whether every recipient accepted this message (same
    briefing, audience and PDF) before, by the send log, and the Message-ID they got it as
    (``sent_as``; null when not)."""
    recipients = [getattr(r, "address", str(r)) for r in item.addressing.recipients]
    return {"audience": item.audience, "eml": str(item.eml_path), "draft": draft, "subject": item.subject,
            "message_id": item.message_id, "recipients": recipients,
            "bcc": len(getattr(item.addressing, "bcc", []) or []),
            "pdf": str(item.result.pdf_path), "bytes": item.result.size, "sha256": item.result.sha256,
            "already_sent": sent_as is not None, "sent_message_id": sent_as or None}
