"""``briefgen email``: build each audience's PDF, write a ready .eml (or a draft), and with
``--send`` deliver it through SMTP (issues 6 and 15).

One message failing to send does not stop the others: each is tried, each failure reported,
and the command exits 1 at the end. A rerun skips the recipients that accepted the same
message before (``sent-log.jsonl``) unless ``--resend``, and those whose delivery is unknown
(the message was transmitted but the server's reply never came) unless ``--resend-unknown``
or ``--resend``; a damaged line of the send log is a warning. Bcc recipients are never
written into the .eml: ``--send`` takes them from the spec's distribution and puts them in
the SMTP envelope only. With ``--json`` the document's ``deliveries`` give each message's
outcome per recipient (:func:`_delivery_json`).
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.markup import escape as esc

from briefgen.cli import common, jsonout
from briefgen.cli.build import show_built
from briefgen.cli.common import SpecArg, check_writable, fail, show_problems, write_outputs
from briefgen.cli.options import (
    NoCacheOpt,
    all_audiences_option,
    apply_no_cache,
    audience_option,
    format_option,
    non_empty,
    out_option,
    since_option,
    strict_option,
)
from briefgen.errors import BriefgenError, DeliveryError

if TYPE_CHECKING:  # pragma: no cover
    from briefgen.deliver.mail import Outgoing
    from briefgen.deliver.smtp import SmtpSettings
    from briefgen.deliver.smtp_client import SendReport


def email_command(
        spec: Path = SpecArg,
        audience: list[str] | None = audience_option("mail"),
        all_audiences: bool = all_audiences_option("Mail every audience of the spec."),
        send: bool = typer.Option(False, "--send",
                                  help="Deliver through SMTP. Without it nothing leaves the machine: only the .eml "
                                       "files are written."),
        draft: bool = typer.Option(False, "--draft",
                                   help="Write each .eml as a draft (X-Unsent: 1) that Outlook opens as a new "
                                        "message to review and send. Not with --send."),
        resend: bool = typer.Option(False, "--resend",
                                    help="With --send, send to every recipient again, also to those that accepted "
                                         "the same message before (see sent-log.jsonl)."),
        resend_unknown: bool = typer.Option(False, "--resend-unknown",
                                            help="With --send, send again to the recipients whose delivery is "
                                                 "unknown (the server's reply to the message never came; see "
                                                 "sent-log.jsonl), not to those that accepted it."),
        smtp_config: Path | None = typer.Option(None, "--smtp-config", metavar="FILE",
                                                parser=non_empty("a TOML file", Path),
                                                help="TOML file whose smtp table holds the settings (default: "
                                                     "briefgen.toml in the project root)."),
        max_attachment_mb: float | None = typer.Option(None, "--max-attachment-mb", min=0.001, metavar="MIB",
                                                       help="Refuse PDFs larger than this (MiB; default: "
                                                            "max_attachment_mb of the smtp settings, else 10)."),
        force: bool = typer.Option(False, "--force", help="Mail a PDF over the attachment limit anyway."),
        all_or_nothing: bool = typer.Option(False, "--all-or-nothing",
                                            help="If the server refuses any recipient, send to none."),
        out_dir: Path | None = out_option("PDFs, .eml files, sent-log.jsonl; "),
        strict: bool = strict_option(),
        no_cache: bool = NoCacheOpt,
        since: str | None = since_option("Open each body (and the PDF) with what changed since an earlier "
                                         "edition: an edition file, or 'last' (see briefgen build --since); "
                                         "'none': no comparison. Default: the comparison the published PDF "
                                         "in the output folder shows, if any.", metavar="FILE|last|none"),
        output_format: str | None = format_option("What to write as well as the message's PDF: pdf, html or "
                                                  "pdf,html (default: each audience's formats and those of its "
                                                  "files already in the output folder)."),
        json_out: bool = jsonout.JsonOpt,
) -> None:
    """Build each audience's PDF and write a ready email (output/<briefing>--<audience>.eml);
    with --send, deliver it through SMTP and record it in output/sent-log.jsonl."""
    from briefgen.cli import defaults
    from briefgen.deliver.attachment import limit_advice
    from briefgen.deliver.mail import saved_bytes
    from briefgen.deliver.sendlog import LOG_NAME, as_delivered, sending_from
    from briefgen.deliver.smtp import load_settings
    from briefgen.pipeline.build import BuildOptions, prepare
    from briefgen.pipeline.email import outgoing
    from briefgen.resolve.audiences import audience_names, get_audience

    jsonout.start("email", json_out)
    apply_no_cache(no_cache)
    if draft and send:
        common.usage_error("--draft writes a draft to review and send from a mail client; --send delivers now: "
                           "choose one")
    for flag, given in (("--resend", resend), ("--resend-unknown", resend_unknown),
                        ("--all-or-nothing", all_or_nothing)):
        if given and not send:
            common.usage_error(f"{flag} changes how --send delivers; without --send nothing is sent (add --send, or "
                               f"leave {flag} out)")
    no_comparison = since == "none"
    if not no_comparison:
        common.check_since(since)  # 'lats': did you mean 'last'?
    audience, all_audiences = defaults.audiences(spec, audience, all_audiences)  # briefgen.toml [project]
    out_dir = defaults.output_folder(spec, out_dir)
    formats = defaults.parse_formats(output_format) if output_format is not None else None  # --format wins
    # each variant rebuilt as published (its formats, its comparison: nothing published is lost) unless
    # --format or --since say otherwise, and the PDF the message carries
    options = BuildOptions(out_dir=out_dir, strict=strict, cache=not no_cache, write=False,
                           since=None if no_comparison else since, formats=formats,
                           project_formats=defaults.project_formats(spec), with_formats=("pdf",),
                           keep_published=formats is None, keep_comparison=since is None)
    check_writable(out_dir)
    held = ExitStack()  # the output folder's send lock, once taken (held until the command ends)
    try:
        written = False
        try:
            prepared = prepare(spec, strict=strict)
            names: list[str | None] = (list(audience_names(prepared.loaded.spec)) if all_audiences
                                       else list(audience) if audience else [None])
            for name in names:
                if name is not None:
                    get_audience(prepared.loaded, name)
            settings = load_settings(smtp_config, root=prepared.loaded.root)
            if send:  # fails before anything is built or sent (a token command runs now)
                settings = settings.with_credentials(notify=lambda text: common.err.print(esc(text),
                                                                                          soft_wrap=True))
            limit = int(max_attachment_mb * 1024 * 1024) if max_attachment_mb else settings.max_attachment
            if prepared.warnings:
                show_problems(prepared.warnings, "Warnings")
            # every message is built, composed and checked before any is written or sent
            advice = limit_advice(max_attachment_mb, settings.where.get("max_attachment_mb"))
            items = [outgoing(prepared, name, options, default_sender=settings.sender, max_attachment=limit,
                              force=force, limit_advice=advice) for name in names]
            own = [w for item in items for w in item.result.edition_warnings]  # a keyword an edition leaves out
            if own:
                show_problems(own, "Warnings")
            for note in (note for item in items for note in item.result.notes):  # --since: a first edition
                common.err.print(f"[yellow]note:[/] {esc(note)}", soft_wrap=True)
            # one run at a time decides what was sent, writes the messages and sends them: a second run
            # (an overlapping cron job) waits, then finds the first one's deliveries in the send log
            held.enter_context(sending_from(out_dir, notify=lambda text: common.err.print(
                f"[yellow]note:[/] {esc(text)}", soft_wrap=True)))
            files: dict[Path, bytes | None] = {}
            sent_before: set[Path] = set()
            sent_as: dict[str, str] = {}  # audience -> the Message-ID every recipient accepted this message as
            for item in items:  # each variant's files as build writes them, and its message: together, or not at all
                files.update(item.result.files())  # PDF, HTML, manifest, audit record; None: an earlier build's
                # the .eml of a message every recipient accepted before is the one sent: kept (a preview without
                # --send, too: it would put a Message-ID nobody got in its place); a draft asked for is written
                delivery = _last_delivery(item, out_dir)
                if delivery is not None:
                    sent_as[item.audience] = str(delivery.get("message_id") or "")
                # the message every recipient has, or may have (an outcome unknown): not a new one
                transmitted = delivery or _last_transmission(item, out_dir)
                if transmitted is not None and not resend and (send or not draft):
                    as_delivered(item, transmitted)  # the Message-ID and Date its recipients got (or may have)
                    if _message_id_of(item.eml_path) == item.message_id:
                        files.pop(item.eml_path, None)
                        if delivery is not None:
                            sent_before.add(item.eml_path)
                        continue
                    # the .eml in place is another message (a preview of another build replaced the one
                    # sent): this one is written as it was delivered (its Message-ID and Date)
                files[item.eml_path] = saved_bytes(item.message, draft=draft)
            common.note_removed(write_outputs(files))
            written = True
            for item in items:
                r = item.result
                show_built(r)  # the PDF and HTML rewritten, as build lists them
                common.out.print(f"{esc(str(item.eml_path))}  {'draft  ' if draft else ''}{esc(item.subject)}  "
                                 f"{len(item.addressing.recipients)} recipient(s)  {r.size / 1024:.0f} KB PDF",
                                 soft_wrap=True)
                if item.eml_path in sent_before and not send:
                    common.out.print(f"[dim]  already sent to every recipient as {esc(item.message_id)}: the .eml "
                                     f"sent is kept[/]", soft_wrap=True)
                elif item.audience not in sent_as and not send and not draft and _last_transmission(item, out_dir):
                    common.out.print(f"[yellow]  not confirmed:[/] {esc(item.message_id)} was transmitted but its "
                                     f"outcome is unknown for some recipients (see {esc(str(out_dir / LOG_NAME))}); "
                                     f"check that they got it, then --send --resend-unknown sends this message to "
                                     f"them again", soft_wrap=True)
                if item.addressing.bcc:
                    common.out.print(f"[dim]  {len(item.addressing.bcc)} Bcc recipient(s) not written into the "
                                     ".eml; " + ("add them in the mail client, or use --send[/]" if draft else
                                        "--send puts them in the SMTP envelope only[/]"), soft_wrap=True)
            messages = [jsonout.email_message(item, draft=draft, sent_as=sent_as.get(item.audience))
                        for item in items]
            if not send:
                common.out.print("[dim]not sent: add --send to deliver through SMTP[/]")
                jsonout.emit(0, warnings=prepared.warnings + own, messages=messages, sent=False)
                return
        except BriefgenError as exc:
            if written:
                fail(exc, f"the PDFs and .eml files are in {out_dir}; nothing was sent.")
            fail(exc)
        log_warnings = _send_log_warnings(out_dir)
        deliveries = _send_all(items, settings, out_dir=out_dir, all_or_nothing=all_or_nothing, resend=resend,
                               resend_unknown=resend_unknown)
        failed = sum(1 for d in deliveries if d["status"] not in ("sent", "nothing-to-send"))
        errors = [jsonout.message_problem(f"{d['audience']}: {d['note']}", f"delivery-{d['status']}",
                                          audience=d["audience"])
                  for d in deliveries if d["status"] not in ("sent", "nothing-to-send")]
        jsonout.emit(1 if failed else 0,
                     warnings=[*prepared.warnings, *own, *log_warnings, *_skipped_unknown(deliveries)],
                     messages=messages, sent=True, not_delivered=failed, deliveries=deliveries, errors=errors)
        if failed:
            common.err.print(f"[red]{failed} message(s) not delivered (or not confirmed) to every recipient[/]")
            raise typer.Exit(1)
    finally:
        held.close()


def _skipped_unknown(deliveries: list[dict]) -> list[dict]:
    """A ``--json`` warning for each message that left out recipients who may have it already."""
    warnings = []
    for d in deliveries:
        who = [r["address"] for r in d["recipients"] if r["result"] == "skipped-unknown"]
        if who:
            warnings.append(jsonout.message_problem(
                f"{d['audience']}: skipped {', '.join(who)}: an earlier send's outcome is unknown (they may have it); "
                f"--resend-unknown sends to them", "skipped-unknown", severity="warning", audience=d["audience"]))
    return warnings


def _last_delivery(item: "Outgoing", out_dir: Path) -> dict | None:
    """The send log's latest record of this message when every recipient of ``item`` accepted
    it before (then nothing is sent: the message takes that delivery's Message-ID and Date,
    :func:`briefgen.deliver.sendlog.as_delivered`), else None."""
    from briefgen.deliver.sendlog import last_delivery

    return last_delivery(out_dir, item.rerun_key, item.addressing.recipients, message_id=item.message_id)


def _last_transmission(item: "Outgoing", out_dir: Path) -> dict | None:
    """The send log's record of the message some recipients of ``item`` may have (its outcome
    unknown) when nobody else is left to send to: the rerun names that message (its Message-ID
    is the one to look for), keeps its .eml and, with ``--resend-unknown``, sends it again as the
    same message (:func:`briefgen.deliver.sendlog.last_transmission`); else None."""
    from briefgen.deliver.sendlog import last_transmission

    return last_transmission(out_dir, item.rerun_key, item.addressing.recipients, message_id=item.message_id)


def _message_id_of(path: Path) -> str:
    """The Message-ID header of the .eml at ``path`` ("" when there is none or it cannot be read)."""
    import email.parser
    import email.policy

    try:
        with open(path, "rb") as fh:
            headers = email.parser.BytesHeaderParser(policy=email.policy.default).parse(fh)
    except OSError:
        return ""
    return str(headers.get("Message-ID", "") or "").strip()


def _send_log_warnings(out_dir: Path) -> list:
    """Warn (stderr) about each damaged line of the send log, located at the line; returns the
    warnings for ``--json``."""
    from briefgen.deliver.sendlog import log_warnings

    warnings = log_warnings(out_dir)
    if warnings:
        show_problems(warnings, "Warnings")
    return warnings


def _send_all(items: "list[Outgoing]", settings: "SmtpSettings", *, out_dir: Path, all_or_nothing: bool,
              resend: bool, resend_unknown: bool) -> list[dict]:
    """Deliver each message in turn, whatever happens to the others; report each. Returns
    each message's outcome as :func:`_delivery_json` gives it."""
    from briefgen.deliver.smtp import LOG_NAME, deliver

    deliveries = []
    recorded = False
    for item in items:
        try:
            report = deliver(item, settings, out_dir=out_dir, all_or_nothing=all_or_nothing, resend=resend,
                             resend_unknown=resend_unknown)
        except DeliveryError as exc:
            common.err.print(f"[red]error:[/] {esc(item.audience)}: {esc(str(exc))}", soft_wrap=True)
            deliveries.append(_delivery_json(item, None, exc))
            continue
        deliveries.append(_delivery_json(item, report))
        recorded = recorded or report.delivered or bool(report.unknown)
        if report.skipped:
            common.out.print(f"[dim]{esc(item.audience)}: skipped {len(report.skipped)} recipient(s) that accepted "
                             f"this message before: {esc(', '.join(report.skipped))} (--resend sends to them "
                             f"again)[/]", soft_wrap=True)
        if report.skipped_unknown:
            common.err.print(f"[yellow]warning:[/] {esc(item.audience)}: skipped {len(report.skipped_unknown)} "
                             f"recipient(s) that may have this message already (an earlier send's outcome is "
                             f"unknown, see {esc(str(out_dir / LOG_NAME))}): "
                             f"{esc(', '.join(report.skipped_unknown))}; check that they got it, and "
                             f"--resend-unknown sends it to them again", soft_wrap=True)
        if not report.results and report.skipped_unknown:
            common.out.print(f"[yellow]not confirmed[/] {esc(item.audience)} {esc(report.message_id)}: not sent, "
                             f"every recipient accepted this message before or may have it (outcome unknown)",
                             soft_wrap=True)
        elif report.ok and report.skipped_unknown:
            common.out.print(f"[yellow]not confirmed[/] {esc(item.audience)} {esc(report.message_id)}: sent to "
                             f"{len(report.accepted)} recipient(s) via {esc(report.server)} ({settings.tls}); "
                             f"{len(report.skipped_unknown)} may have it (outcome unknown)", soft_wrap=True)
        elif report.ok and not report.results:
            common.out.print(f"[green]already sent[/] {esc(item.audience)} {esc(report.message_id)}: nothing left "
                             f"to send", soft_wrap=True)
        elif report.ok:
            common.out.print(f"[green]sent[/] {esc(item.audience)} {esc(report.message_id)} to "
                             f"{len(report.accepted)} recipient(s) via {esc(report.server)} ({settings.tls})",
                             soft_wrap=True)
        else:
            _show_refusals(item, report)
    if recorded:
        from briefgen.deliver.sendlog import SENT_DIR

        common.out.print(f"recorded in {esc(str(out_dir / LOG_NAME))}; each message as sent kept in "
                         f"{esc(str(out_dir / SENT_DIR))}/")
    return deliveries


def _delivery_json(item: "Outgoing", report: "SendReport | None", error: DeliveryError | None = None) -> dict:
    """One message's outcome for ``--json``: ``status`` (``sent``, ``partial``: delivered to
    some, ``unknown``: transmitted, not confirmed, ``not-sent``, ``failed``: an error stopped
    it before anything was delivered, ``not-recorded``: delivered (or maybe) but the send log
    could not be written, ``nothing-to-send``: every recipient was skipped, ``unconfirmed``: the
    rest sent or skipped, but recipients left out whose earlier send's outcome is unknown), a
    note, and per recipient its ``result`` (``accepted``, ``refused``, ``deferred``,
    ``unknown``, ``withheld``: not sent because of --all-or-nothing, ``skipped``: accepted
    before, ``skipped-unknown``: may have it from an earlier send, ``not-sent``) with the
    server's reply."""
    roles = item.addressing.roles()
    base = {"audience": item.audience, "message_id": item.message_id, "eml": str(item.eml_path)}
    if report is None:
        tx = getattr(error, "transaction", None)
        reached = {a: "unknown" if tx.unknown else "accepted" for a in tx.accepted} if tx else {}
        return {**base, "status": "not-recorded" if tx else "failed", "note": str(error), "recipients": [
            {"address": a, "role": roles.get(a, ""), "result": reached.get(a, "not-sent"), "code": None, "reply": ""}
            for a in item.addressing.recipients]}
    status = ("nothing-to-send" if not report.results else "sent" if report.ok else
              "partial" if report.delivered else "unknown" if report.unknown else "not-sent")
    note = report.note
    if status in ("sent", "nothing-to-send") and report.skipped_unknown:
        status = "unconfirmed"  # recipients left out whose delivery was never confirmed: not done yet
        note = (f"delivery to {len(report.skipped_unknown)} recipient(s) is not confirmed: an earlier send's "
                f"outcome is unknown (they may have it): {', '.join(report.skipped_unknown)}; check that they got "
                f"it, then --resend-unknown sends it to them")
    recipients = [{"address": r.address, "role": r.role, "result": r.kind, "code": r.code or None,
                   "reply": r.reply} for r in report.results]
    recipients += [{"address": a, "role": roles.get(a, ""), "result": kind, "code": None, "reply": ""}
                   for kind, skipped in (("skipped", report.skipped), ("skipped-unknown", report.skipped_unknown))
                   for a in skipped]
    return {**base, "status": status, "note": note, "recipients": recipients}


def _show_refusals(item: "Outgoing", report: "SendReport") -> None:
    """A table on stderr of each recipient of a message not delivered to everyone: role,
    result (accepted, refused, temporarily refused, unknown, not sent), the server's reply."""
    from rich.table import Table

    table = Table(title=esc(f"{item.audience}: {report.note}"), title_justify="left")
    for col in ("recipient", "role", "result", "server reply"):
        table.add_column(col)
    colour = {"accepted": "", "refused": "red", "unknown": "red"}
    for r in report.results:
        style = colour.get(r.kind, "yellow")
        table.add_row(esc(r.address), r.role, f"[{style}]{r.state}[/]" if style else r.state, esc(r.answer))
    common.err.print(table)
    if report.unknown:
        common.err.print(f"[yellow]{esc(item.audience)}: recorded as unknown in the send log; a rerun does not send "
                         f"to {len(report.unknown)} recipient(s) of unknown outcome unless --resend-unknown (check "
                         f"first that they did not get it)[/]", soft_wrap=True)
