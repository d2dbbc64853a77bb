"""The text a credential QR code carries (docs/qr-format.md).

Two modes, told apart by the prefix:

``SP1C:`` + base45(compact form)
    the whole signed credential, inline: it verifies with no network at all;
``SP1L:`` + base45(SHA-256 digest ‖ URL)
    a link to the credential for one too large to fit: the verifier fetches
    the URL and accepts the document only if its digest matches.

The ``1`` is the format version: a decoder keeps every version it ever knew,
so a code printed today still reads in twenty years.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from dataintegrity.jcs import canonicalize_jcs

from . import base45, compact
from .errors import DamagedCode, NotOurCode, PayloadTooLarge, UnknownVersion

VERSION = "1"
INLINE, LINK = "C", "L"
PREFIX = "SP"
#: The most characters a QR code holds in alphanumeric mode (version 40, level L).
MAX_TEXT_CHARS = 4296
DIGEST_BYTES = 32
MAX_URL_BYTES = 1024


@dataclass(frozen=True)
class InlineCredential:
    """A code that carries the signed credential itself."""

    credential: dict
    mode = "inline"


@dataclass(frozen=True)
class CredentialLink:
    """A code that carries where the credential is and the SHA-256 of its JCS form."""

    url: str
    digest: bytes
    mode = "link"

    def matches(self, credential: object) -> bool:
        """Whether ``credential`` is the one this code was made for."""
        return credential_digest(credential) == self.digest


def encode_inline(credential: dict) -> str:
    """The QR text that carries ``credential`` whole (its proof verifies after :func:`decode`)."""
    return _header(INLINE) + base45.encode(compact.pack(credential))


def encode_link(url: str, credential: dict) -> str:
    """The QR text that points at ``url``, where ``credential`` is served as JSON."""
    if not url.startswith("https://"):
        raise ValueError(f"a credential link must be an https:// URL, not {url[:40]!r}")
    encoded = url.encode("utf-8")
    if len(encoded) > MAX_URL_BYTES:
        raise ValueError(f"a credential link is at most {MAX_URL_BYTES} bytes")
    return _header(LINK) + base45.encode(credential_digest(credential) + encoded)


def credential_digest(credential: object) -> bytes:
    """SHA-256 of the credential's JCS (RFC 8785) form: independent of spacing and member order."""
    return hashlib.sha256(canonicalize_jcs(credential)).digest()


def decode(text: str) -> InlineCredential | CredentialLink:
    """What a QR code's text carries.

    Whitespace around the text (scanners add a newline) is ignored.

    :raises NotOurCode: for text without our prefix (say, a web address).
    :raises UnknownVersion: for a format version or mode this build does not know.
    :raises DamagedCode: for a truncated or corrupted payload.
    :raises PayloadTooLarge: for text longer than a QR code holds, or a payload
        that would expand beyond :data:`compact.MAX_EXPANDED_BYTES`.
    """
    text = text.strip()
    if len(text) > MAX_TEXT_CHARS + 5:
        raise PayloadTooLarge(f"{len(text):,} characters is more than any QR code holds ({MAX_TEXT_CHARS:,})")
    if not text.startswith(PREFIX):
        raise NotOurCode("this QR code does not hold a Skills Passport credential "
                         f"(it starts {text[:12]!r}, not {PREFIX!r})")
    header, colon, body = text.partition(":")
    if not colon or len(header) != 4:
        raise DamagedCode(f"the QR code's header {header[:12]!r} is not {PREFIX}<version><mode>:")
    version, mode = header[2], header[3]
    if version != VERSION:
        raise UnknownVersion(f"this QR code uses format version {version!r}; this verifier reads version {VERSION}. "
                             "A newer verifier may read it.")
    if mode not in (INLINE, LINK):
        raise UnknownVersion(f"this QR code has mode {mode!r}; format version {VERSION} knows "
                             f"{INLINE!r} (inline credential) and {LINK!r} (link)")
    try:
        data = base45.decode(body)
    except ValueError as error:
        raise DamagedCode(f"the QR code's payload is damaged or cut short: {error}") from None
    if mode == INLINE:
        return InlineCredential(compact.unpack(data))
    return _link(data)


def _link(data: bytes) -> CredentialLink:
    if len(data) <= DIGEST_BYTES:
        raise DamagedCode("the link QR code is cut short: it has no URL after the digest")
    try:
        url = data[DIGEST_BYTES:].decode("utf-8")
    except UnicodeDecodeError:
        raise DamagedCode("the link QR code's URL is not UTF-8 text: the code is damaged") from None
    if not url.startswith("https://") or len(data) - DIGEST_BYTES > MAX_URL_BYTES or not url.isprintable():
        raise DamagedCode(f"the link QR code's URL {url[:60]!r} is not an https:// address")
    return CredentialLink(url=url, digest=data[:DIGEST_BYTES])


def _header(mode: str) -> str:
    return f"{PREFIX}{VERSION}{mode}:"
