"""The page's QR input: a code's text (read by the camera on the page, or pasted) or a photo of the code.

The reading itself is :mod:`verifier.qr_input`'s; this module adds what the page
needs around it: the photo's size limit, the service's network client for link
codes (None when the network is off, so a link code is then refused in plain
words), and the message and HTTP status for each way a code can be unusable.
"""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext
from werkzeug.datastructures import FileStorage

from qr.errors import DamagedCode, NoCodeFound, NotOurCode, PayloadTooLarge, QrError, UnknownVersion

from .qr_input import LinkUnavailable, QrCredential, credential_from_image, credential_from_text
from .web import service


class PhotoTooLarge(QrError):
    """An uploaded photo over ``VERIFIER_MAX_PHOTO_BYTES`` (refused before it is decoded)."""

    title = "Photo too large"


def from_text(text: str) -> tuple[str, QrCredential]:
    """The credential a QR code's text carries or links to, and the text (the result page's
    "check again" form sends it back, so the page says again how it was read).

    :raises QrError: see :func:`verifier.qr_input.credential_from_text`.
    """
    return text.strip(), credential_from_text(text, fetcher=service().fetcher, now=service().clock())


def from_photo(photo: FileStorage) -> tuple[str, QrCredential]:
    """The credential in a photo of its QR code, and the code's text (for the "check again" form).

    :raises PhotoTooLarge: over the photo limit.
    :raises QrError: no code in it, not an image, or a code that is not usable.
    """
    limit = current_app.config["VERIFIER_MAX_PHOTO_BYTES"]
    data = photo.read(limit + 1)
    if len(data) > limit:
        raise PhotoTooLarge(f"the photo is larger than {limit // (1024 * 1024)} MB")
    read = credential_from_image(data, fetcher=service().fetcher, now=service().clock(), max_bytes=limit)
    return read.text, read


def explain(error: QrError) -> tuple[str, int]:
    """The form's message for an unusable code or photo (with the error's detail, in English), and the status.

    400 for text that is not a usable code, 413 for a photo over the limit, 422 for a photo without a
    code and for a link whose credential cannot be had.
    """
    detail = error.detail
    if isinstance(error, PhotoTooLarge):
        limit = current_app.config["VERIFIER_MAX_PHOTO_BYTES"] // (1024 * 1024)
        return gettext("This photo is larger than %(limit)s MB. Take a new photo, or crop it to the QR code.",
                       limit=limit), 413
    if isinstance(error, NoCodeFound):
        return gettext("No QR code could be read in this photo. Try a sharper, straighter photo with the whole "
                       "code in view."), 422
    if isinstance(error, LinkUnavailable):
        return gettext("The credential this QR code links to could not be fetched: %(detail)s", detail=detail), 422
    if isinstance(error, DamagedCode) and error.url:
        return gettext("The credential this QR code links to was refused: %(detail)s", detail=detail), 422
    if isinstance(error, NotOurCode):
        return gettext("This QR code does not hold a Skills Passport credential: %(detail)s", detail=detail), 400
    if isinstance(error, UnknownVersion):
        return gettext("This QR code is in a format this verifier cannot read: %(detail)s", detail=detail), 400
    if isinstance(error, (DamagedCode, PayloadTooLarge)):
        return gettext("This QR code is damaged or incomplete: %(detail)s", detail=detail), 400
    return gettext("This could not be read as a QR code: %(detail)s", detail=detail), 400
