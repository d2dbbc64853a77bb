"""A credential from a QR code: its text as scanned, or a photo of it.

An inline code yields the credential with no network. A link code names the
URL where the credential is served and the digest it must have: the document
is fetched through the verifier's guarded client (only when the caller passes
one) and accepted only if its digest matches, so the server behind the link
cannot substitute another credential.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dataintegrity.errors import VCError
from dataintegrity.jsonio import parse_untrusted_json
from qr import payload, reader
from qr.errors import DamagedCode, QrError

from .http import Fetcher

MAX_LINKED_BYTES = 1024 * 1024


class LinkUnavailable(QrError):
    """A link code whose credential could not be fetched, or is not the one the code names."""

    title = "Linked credential unavailable"


@dataclass(frozen=True)
class QrCredential:
    """A credential read from a QR code, and how: ``mode`` is "inline" or "link" (then ``url`` says where).

    ``text`` is the code's text, to read it again later (a page's "check again" form).
    """

    document: object
    mode: str
    url: str | None = None
    text: str = ""


def looks_like_qr_text(text: str) -> bool:
    """Whether pasted text is a QR payload (ours, by its prefix) rather than JSON."""
    return text.lstrip().startswith(payload.PREFIX)


def credential_from_text(text: str, *, fetcher: Fetcher | None, now: datetime) -> QrCredential:
    """The credential a QR code's text carries or points at.

    :raises QrError: for text that is not a readable code, or a link that cannot be followed
        (no network allowed, fetch failed, not JSON, digest mismatch).
    """
    decoded = payload.decode(text)
    if isinstance(decoded, payload.InlineCredential):
        return QrCredential(decoded.credential, "inline", text=text.strip())
    return QrCredential(_follow(decoded, fetcher, now), "link", decoded.url, text.strip())


def credential_from_image(data: bytes, *, fetcher: Fetcher | None, now: datetime,
                          max_bytes: int = reader.MAX_IMAGE_BYTES) -> QrCredential:
    """The credential in the first of our QR codes found in an image (another code in view is skipped)."""
    return credential_from_text(text_from_image(data, max_bytes=max_bytes), fetcher=fetcher, now=now)


def text_from_image(data: bytes, *, max_bytes: int = reader.MAX_IMAGE_BYTES) -> str:
    """The text of our QR code in an image; another kind of code in view too is skipped.

    :raises QrError: see :func:`qr.reader.read_codes`.
    """
    texts = reader.read_codes(data, max_bytes=max_bytes)
    return next((text for text in texts if looks_like_qr_text(text)), texts[0])


def _follow(link: payload.CredentialLink, fetcher: Fetcher | None, now: datetime) -> object:
    if fetcher is None:
        raise LinkUnavailable(f"this QR code links to {link.url}; fetching it needs the network, which is off "
                              "here", url=link.url)
    try:
        fetched = fetcher.fetch(link.url, max_bytes=MAX_LINKED_BYTES, now=now, accept="application/json")
        document = parse_untrusted_json(fetched.body, max_bytes=MAX_LINKED_BYTES)
    except VCError as error:
        raise LinkUnavailable(f"the credential this QR code links to could not be fetched from {link.url}: "
                              f"{error.detail}", url=link.url) from None
    try:
        matches = link.matches(document)
    except VCError:
        matches = False
    if not matches:
        raise DamagedCode(f"the document at {link.url} is not the credential this QR code was made for "
                          "(its digest differs): it was changed or replaced", url=link.url)
    return document
