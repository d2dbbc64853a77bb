"""Why a QR payload could not be read: each error says so in plain words.

They are :class:`~dataintegrity.errors.VCError` s, so the verifier reports
them like any other unusable input, with a problem type of their own.
"""

from __future__ import annotations

from dataintegrity.errors import SP, VCError

QR_UNREADABLE = SP + "QR_UNREADABLE"


class QrError(VCError):
    """Base class: the text or image is not a credential QR code we can read."""

    problem_type = QR_UNREADABLE
    title = "Unreadable QR code"


class NotOurCode(QrError):
    """The text does not start with a Skills Passport prefix (another kind of QR code)."""

    title = "Not a Skills Passport QR code"


class UnknownVersion(QrError):
    """A Skills Passport prefix with a format version or mode this build does not know."""

    title = "Unknown QR format version"


class DamagedCode(QrError):
    """Truncated, corrupted or not decodable: the payload is not what an encoder wrote."""

    title = "Damaged QR code"


class PayloadTooLarge(QrError):
    """The payload would expand beyond the fixed limit (a decompression bomb, or not ours)."""

    title = "QR payload too large"


class NoCodeFound(QrError):
    """An image in which no QR code could be found."""

    title = "No QR code found"
