"""The PDF attached to a briefing email: its description, its digest and the size limit.

:func:`check_size` raises :class:`~briefgen.deliver.addresses.MailInputError` (exit code 2)
before anything is written or sent when the PDF is over the limit (default 10 MiB: many
mail servers refuse larger messages), unless forced.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from briefgen.deliver.addresses import MailInputError

DEFAULT_MAX_ATTACHMENT = 10 * 1024 * 1024
"""Default attachment limit in bytes (10 MiB); see :func:`check_size`."""


@dataclass(frozen=True)
class AttachmentInfo:
    """The attached PDF: file name (any characters), bytes, page count."""

    filename: str
    data: bytes = field(repr=False)
    pages: int = 0

    @property
    def sha256(self) -> str:
        """The SHA-256 of the bytes, as 64 lower-case hex digits."""
        return hashlib.sha256(self.data).hexdigest()

    def describe(self) -> str:
        """``name.pdf (PDF, 7 pages, 412 KiB)``."""
        pages = f"{self.pages} page{'s' if self.pages != 1 else ''}, " if self.pages else ""
        return f"{self.filename} (PDF, {pages}{size_text(len(self.data))})"


RAISE_LIMIT = "raise max_attachment_mb in the [smtp] section of briefgen.toml"
"""How to raise the limit when it is the default; see :func:`limit_advice` for one set elsewhere."""


def limit_advice(option: float | None = None, setting: str | None = None) -> str:
    """How to raise the attachment limit where it was set: ``option``, the ``--max-attachment-mb``
    given (it overrides every setting, so raising the setting would change nothing), else
    ``setting``, where ``max_attachment_mb`` is written (``briefgen.toml:7:1: [smtp]
    max_attachment_mb``), else the default's :data:`RAISE_LIMIT`."""
    if option:
        return f"give a larger --max-attachment-mb (this run's limit: {option:g} MiB)"
    if setting:
        return f"raise max_attachment_mb where it is set ({setting})"
    return RAISE_LIMIT


def check_size(size: int, limit: int | None = DEFAULT_MAX_ATTACHMENT, *, force: bool = False,
               filename: str = "the PDF", advice: str = RAISE_LIMIT) -> None:
    """Refuse an attachment of more than ``limit`` bytes unless ``force`` (None: no limit);
    ``advice`` says how to raise the limit (:func:`limit_advice`).
    Raises :class:`~briefgen.deliver.addresses.MailInputError`."""
    if limit is None or force or size <= limit:
        return
    raise MailInputError(f"{filename} is {size_text(size)}, over the attachment limit of {size_text(limit)}; "
                         f"many mail servers refuse such messages. Use --force to send it anyway, "
                         f"or {advice}")


def size_text(n: int) -> str:
    """A byte count for people: ``10.0 MiB (10,485,760 bytes)``, ``412 KiB``, ``900 bytes``."""
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB ({n:,} bytes)"
    return f"{max(1, round(n / 1024))} KiB" if n >= 1024 else f"{n} bytes"
