"""What the command line reads: credential JSON, a QR code's text, or a picture of a QR code.

The argument is a file, ``-`` for standard input, or a QR payload pasted on the
command line (it starts ``SP1C:`` or ``SP1L:``). An image is told by its first
bytes, never by its file name: a photo from a phone may be called anything.
Every failure is an :class:`UnusableInput` (exit 2) with a one-line message.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import click

from dataintegrity.errors import VCError
from dataintegrity.jsonio import MAX_INPUT_BYTES, parse_untrusted_json
from qr import reader
from qr.errors import QrError

from .http import Fetcher
from .qr_input import QrCredential, credential_from_image, credential_from_text, looks_like_qr_text, text_from_image

IMAGE_FORMATS = "PNG, JPEG, GIF, WebP or BMP"
_IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")
ARGUMENT_NAME = "the QR text given"
EXIT_UNUSABLE = 2


class UnusableInput(click.ClickException):
    exit_code = EXIT_UNUSABLE


@dataclass(frozen=True)
class RawInput:
    """A command's input as bytes: ``kind`` is "image", "qr" (a payload's text) or "json" (anything else)."""

    data: bytes
    name: str
    kind: str


def is_image(data: bytes) -> bool:
    """Whether ``data`` starts like one of the image formats a QR code is read from."""
    return data.startswith(_IMAGE_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def read_input(source: str) -> RawInput:
    """The bytes of a file, standard input (``-``) or a QR payload given as the argument itself.

    JSON and text are read up to :data:`MAX_INPUT_BYTES`, images up to
    :data:`qr.reader.MAX_IMAGE_BYTES` (one byte more, so that the limit is noticed).

    :raises UnusableInput: if the file cannot be read.
    """
    if source != "-" and _is_payload_argument(source):
        return RawInput(source.encode("utf-8"), ARGUMENT_NAME, "qr")
    data = _read_bytes(source)
    return RawInput(data, source, _kind(data))


def read_json_input(source: str) -> object:
    """Read and parse JSON from a file, or standard input for ``-``, within the size limit.

    :raises UnusableInput: (exit 2) if it cannot be read or is not acceptable JSON.
    """
    return parse_json(RawInput(_read_bytes(source), source, "json"))


def parse_json(raw: RawInput, *, hint: str = "") -> object:
    """The JSON value ``raw`` holds; ``hint`` is added when it does not even start like JSON.

    :raises UnusableInput: if it is too large or not acceptable JSON.
    """
    if len(raw.data) > MAX_INPUT_BYTES:
        raise UnusableInput(f"{raw.name} is larger than the {MAX_INPUT_BYTES // 1024 // 1024} MB limit")
    try:
        return parse_untrusted_json(raw.data)
    except VCError as error:
        starts_like_json = raw.data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[")
        raise UnusableInput(f"{raw.name}: {error.detail}{'' if starts_like_json else hint}") from None


@dataclass(frozen=True)
class InputDocument:
    """What ``skillpass verify`` checks, what to call it, and (if so) how it came out of a QR code."""

    document: object
    name: str
    qr: QrCredential | None = None


def read_document(source: str, *, fetcher: Fetcher | None, now: datetime) -> InputDocument:
    """JSON as it is, or the credential a QR code (its text, or a picture of it) carries.

    A link code is followed through ``fetcher`` (None: the network is off, which is an error).

    :raises UnusableInput: for input that cannot be read, or a QR code that cannot.
    """
    raw = read_input(source)
    if raw.kind == "json":
        return InputDocument(parse_json(raw, hint=" (verify reads credential JSON, a QR code's text, or a picture "
                                                  f"of a QR code: {IMAGE_FORMATS})"), raw.name)
    try:
        if raw.kind == "image":
            credential = credential_from_image(raw.data, fetcher=fetcher, now=now)
        else:
            credential = credential_from_text(qr_text(raw), fetcher=fetcher, now=now)
    except QrError as error:
        raise UnusableInput(f"{raw.name}: {error.detail}") from None
    return InputDocument(credential.document, raw.name, credential)


def qr_text(raw: RawInput) -> str:
    """The text of the QR code ``raw`` shows (an image) or is (text), for :func:`qr.payload.decode`.

    :raises UnusableInput: for an image with no readable code, or bytes that are neither image nor text.
    """
    if raw.kind == "image":
        try:
            return text_from_image(raw.data)
        except QrError as error:
            raise UnusableInput(f"{raw.name}: {error.detail}") from None
    if raw.data.lstrip()[:5] in (b"<?xml", b"<svg ", b"<svg>"):
        raise UnusableInput(f"{raw.name} is an SVG drawing; QR codes are read from pictures ({IMAGE_FORMATS}): "
                            "render it to PNG first")
    try:
        return raw.data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnusableInput(f"{raw.name} is neither a picture of a QR code ({IMAGE_FORMATS}) nor "
                            "a QR code's text") from None


def describe_qr(credential: QrCredential) -> str:
    """One line for the report: how the credential came out of a QR code."""
    if credential.mode == "link":
        return f"read from a QR code: a link to {credential.url} (the credential there matches the code's digest)"
    return "read from a QR code: the whole credential, inline"


def qr_json(credential: QrCredential) -> dict:
    """The ``qr`` member of ``skillpass verify --json``: {"mode": "inline"} or {"mode": "link", "url": …}."""
    return {"mode": credential.mode, **({"url": credential.url} if credential.url else {})}


def _is_payload_argument(source: str) -> bool:
    """An argument that is a payload, not a file name: our prefix, then the header's colon ("SP1C:…")."""
    return looks_like_qr_text(source) and ":" in source.lstrip()[:8]


def _read_bytes(source: str) -> bytes:
    try:
        if source == "-":
            return _read_limited(sys.stdin.buffer)
        with Path(source).open("rb") as file:
            return _read_limited(file)
    except OSError as error:
        raise UnusableInput(f"cannot read {source}: {error.strerror or error}") from None


def _read_limited(file) -> bytes:
    data = file.read(MAX_INPUT_BYTES + 1)
    if len(data) > MAX_INPUT_BYTES and is_image(data):
        data += file.read(reader.MAX_IMAGE_BYTES + 1 - len(data))
    return data


def _kind(data: bytes) -> str:
    if is_image(data):
        return "image"
    if looks_like_qr_text(data[:64].decode("utf-8-sig", errors="replace")):
        return "qr"
    return "json"
