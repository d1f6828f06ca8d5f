"""One audience's briefing email: build (when needed), check, compose.

:func:`outgoing` takes a built variant (or builds it with
:func:`briefgen.pipeline.build.build_prepared`) and makes its message from what that build
made, and nothing else: the bodies from its document (``result.document``), the
distribution list and the subject template from its resolved briefing
(``result.briefing``), the attachment from its PDF bytes. Nothing is resolved, rendered or
laid out a second time. The guards run before the message is composed, so a refused
message writes and sends nothing:

* every address valid, a From address and a recipient
  (:func:`briefgen.deliver.addresses.addressing`);
* when the audience gives ``allowed_domains``, every recipient (To, Cc, Bcc) in one of them,
  at every TLP level; a briefing marked TLP:AMBER+STRICT or TLP:RED needs them
  (:func:`briefgen.deliver.distribution_checks.check_domains`: located problems, one per address);
* the PDF within the attachment limit unless forced
  (:func:`briefgen.deliver.attachment.check_size`).

Those raise :class:`~briefgen.deliver.addresses.MailInputError` (exit code 2). Validation
(:func:`briefgen.pipeline.build.prepare`) has already refused a recipient outside its
audience's ``allowed_domains``, for every audience, before anything is built; the guard here
repeats it for the distribution the build resolved, and adds the rule of restricted banners.
"""

from __future__ import annotations

import os
from datetime import datetime

from briefgen.deliver.addresses import addressing
from briefgen.deliver.attachment import DEFAULT_MAX_ATTACHMENT, RAISE_LIMIT, AttachmentInfo, check_size
from briefgen.deliver.distribution_checks import check_domains
from briefgen.deliver.mail import Outgoing, compose
from briefgen.deliver.mailcontent import mail_content
from briefgen.deliver.output import output_paths
from briefgen.deliver.sendlog import rerun_key
from briefgen.errors import DeliveryError
from briefgen.model.tlp import TLP, most_restrictive
from briefgen.pipeline.build import BuildOptions, BuildResult, Prepared, build_prepared
from briefgen.pipeline.subject import marked_subject


def outgoing(prepared: Prepared, audience: str | None, options: BuildOptions, *,
             default_sender: str | None = None, max_attachment: int | None = DEFAULT_MAX_ATTACHMENT,
             force: bool = False, now: datetime | None = None,
             result: BuildResult | None = None, limit_advice: str = RAISE_LIMIT) -> Outgoing[BuildResult]:
    """The checked message of ``audience`` (see the module doc).

    Builds the audience's PDF (written to ``options.out_dir`` when ``options.write``) unless
    ``result`` is given; writes nothing else. The message's file is added to the ``released``
    files of the build's audit record (written with the build's files and the message).
    ``default_sender`` is the ``[smtp] from`` setting, ``max_attachment`` the limit in bytes
    (None: no limit) and ``limit_advice`` how to raise it
    (:func:`briefgen.deliver.attachment.limit_advice`), ``now`` the message's date (see
    :func:`briefgen.deliver.mail.compose`).
    The message's rerun key (what the send log matches on a rerun,
    :func:`briefgen.deliver.sendlog.rerun_key`) is made from briefing, audience and the PDF's SHA-256. Raises
    :class:`~briefgen.deliver.addresses.MailInputError` from a guard, or
    :class:`~briefgen.errors.DeliveryError` for a build that carries no PDF or document."""
    if result is None:
        result = build_prepared(prepared, audience, options)
    if result.briefing is None or result.document is None:
        raise DeliveryError(f"the build of audience {result.audience!r} carries no document to mail")
    dist = result.briefing.audience.distribution
    located = prepared.loaded.source.problem(("audiences", result.audience, "distribution"), "")
    where = f"{located.location()}: audiences.{result.audience}.distribution"
    addrs = addressing(dist, default_sender=default_sender, where=where)
    subject, subject_level = marked_subject(prepared.loaded, prepared.kb, result.briefing)
    banner = most_restrictive([TLP.parse(result.banner), subject_level])  # the message carries both
    check_domains(result.audience, dist, prepared.loaded.source, banner=banner)
    paths = output_paths(options.out_dir, result.briefing_id, result.audience)
    check_size(len(result.pdf), max_attachment, force=force, filename=paths["pdf"].name, advice=limit_advice)
    if not result.pdf:
        raise DeliveryError(f"the build of audience {result.audience!r} returned no PDF bytes")
    attachment = AttachmentInfo(paths["pdf"].name, result.pdf, result.pages)
    msg = compose(mail_content(result.document), addrs, banner=banner, subject=subject,
                  attachment=attachment, now=now)
    key = rerun_key(briefing=result.briefing_id, audience=result.audience, pdf_sha256=attachment.sha256)
    if result.audit_path is not None:  # the message is released with the build's files
        result.audit.setdefault("released", []).append(os.path.relpath(paths["eml"]))
    return Outgoing(result.audience, result, msg, addrs, banner, paths["eml"], key)
