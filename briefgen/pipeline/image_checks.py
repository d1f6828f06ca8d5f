"""Image figures the editions can show: the file is a PNG or JPEG that decodes to its last byte.

Both editions take these two formats only: the PDF draws the pixels (ReportLab decodes them
with Pillow), the HTML edition embeds the file as a ``data:`` URL of type ``image/png`` or
``image/jpeg`` (:mod:`briefgen.html.render`). A file of another format (an SVG, a GIF), one
that is no image, or one cut short would stop the build while it draws; ``validate`` decodes
each file a spec names once, with Pillow (imported only for a file not accepted before:
:mod:`briefgen.pipeline.imagecache`), and reports it at the image's ``path:``.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from briefgen.errors import KeyPath, Problem
from briefgen.regular_files import read_regular

FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG"}
"""Pillow's format names of the files the editions take, and what they are called
(a JPEG with a second image, as phones write them, opens as MPO)."""

_EXPECTED = "a PNG or JPEG image"


def image_problem(path: Path, written: str, src, key: KeyPath) -> Problem | None:
    """The problem with image file ``path`` (written ``written`` at ``key`` of ``src``), or
    None when it is a PNG or JPEG that Pillow decodes completely (or did before: the file's
    bytes are looked up in :mod:`briefgen.pipeline.imagecache` first)."""
    from briefgen.pipeline import imagecache

    try:
        data = read_regular(path)
    except OSError as exc:
        return src.problem(key, f"cannot read image file {written!r}: {exc.strerror or exc}", code="unreadable-file")
    digest = imagecache.digest_of(data)
    if imagecache.known(digest):
        return None
    problem, kind = _decode(data, written, src, key)
    if problem is None:
        imagecache.remember(digest, kind)
    return problem


def _decode(data: bytes, written: str, src, key: KeyPath) -> tuple[Problem | None, str]:
    """``(problem or None, Pillow's format name)`` of an image file's bytes, decoded in full."""
    from PIL import Image

    kind = "unknown"
    try:
        with warnings.catch_warnings():
            # a picture of more than Pillow's MAX_IMAGE_PIXELS: an error here, not a warning on stderr
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                kind = image.format or kind
                if kind not in FORMATS:
                    return src.problem(key, f"image {written!r} is a {kind} file, which neither edition can show; "
                                       f"convert it to PNG (drawings, screenshots) or JPEG (photographs)",
                                       expected=_EXPECTED, got=f"a {kind} image", code="image-format"), kind
                if kind != "PNG":  # a JPEG's every block is still read, scaled down by 8 as it is decoded: faster
                    image.draft(image.mode, (max(image.width // 8, 1), max(image.height // 8, 1)))
                image.load()  # decodes to the last byte: a file cut short fails here, not in the layout
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        return src.problem(key, f"image {written!r} has too many pixels to print; scale it down (a full page "
                           f"at 300 dpi is about 2,500 x 3,500 pixels)", expected=_EXPECTED + " of at most "
                           f"{Image.MAX_IMAGE_PIXELS} pixels", got=_said(exc), code="image-size"), kind
    except Image.UnidentifiedImageError:
        return src.problem(key, f"image {written!r} is not an image file briefgen can read; export it as PNG "
                           f"or JPEG", expected=_EXPECTED, got=_sniff(data), code="image-format"), kind
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow's decoders raise these for damaged data
        return src.problem(key, f"image {written!r} cannot be decoded ({_said(exc)}); export it again as PNG "
                           f"or JPEG", expected=_EXPECTED + " that decodes in full", got="a damaged or truncated file",
                           code="image-damaged"), kind
    return None, kind


def _said(exc: BaseException) -> str:
    """Pillow's message, first line only."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


_SIGNATURES = ((b"%PDF", "a PDF document"), (b"GIF8", "a GIF image"), (b"PK\x03\x04", "a ZIP archive (or an "
                "office document)"), (b"<!doctype html", "an HTML page (a web page saved in place of the image?)"),
               (b"<html", "an HTML page (a web page saved in place of the image?)"))
"""First bytes (lower case) of files often named .png or .jpg by mistake, and what they are."""


def _sniff(data: bytes) -> str:
    """What a file seems to be, from its first bytes, in words: an SVG drawing, a known kind of
    file, text (quoted, up to 24 characters), else binary data shown as hex bytes."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        return "an empty file"
    if b"<svg" in head.lower():
        return "an SVG drawing (vector graphics are not taken as images)"
    for start, what in _SIGNATURES:
        if head.lower().startswith(start.lower()):
            return what
    try:
        text = head[:64].decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and " ".join(text.split()).isprintable():
        line = " ".join(text.split())
        return f"a text file starting {line[:24] + ('...' if len(line) > 24 else '')!r}"
    return "binary data of another kind (first bytes " + " ".join(f"{b:02x}" for b in head[:8]) + ")"
