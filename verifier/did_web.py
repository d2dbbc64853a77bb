"""did:web: from a DID to the URL of its document, and fetching it.

https://w3c-ccg.github.io/did-method-web/#read-resolve

- ``did:web:example.edu`` -> ``https://example.edu/.well-known/did.json``
- ``did:web:example.edu:institutions:spu`` -> ``https://example.edu/institutions/spu/did.json``
- ``did:web:example.edu%3A8443`` -> ``https://example.edu:8443/.well-known/did.json``

The identifier is checked strictly before anything is fetched: a host name
of letters, digits, dots and hyphens (or an IPv4 address, which the fetcher
then judges like any other address), an optional port, and path segments of
DID characters, never ``.`` or ``..``. The document must be a JSON object
whose ``id`` is the DID (:func:`verifier.did_document.parse_did_document`).
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import unquote

from dataintegrity.errors import InvalidVerificationMethod

from .did_document import parse_did_document
from .http import MAX_DID_DOCUMENT_BYTES, Fetched, Fetcher

PREFIX = "did:web:"
MAX_DID_LENGTH = 2048
ACCEPT = "application/did+json, application/json;q=0.9, application/did+ld+json;q=0.8"
_LABEL = r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*(?:%3[Aa](?P<port>[0-9]{{1,5}}))?")
_SEGMENT = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+")


def is_did_web(value: object) -> bool:
    return isinstance(value, str) and value.startswith(PREFIX)


def did_of(did_url: str) -> str:
    """The DID of a DID URL (without its fragment)."""
    return did_url.partition("#")[0]


def method_specific_id(did: str) -> str:
    """``issuer.example.edu`` for ``did:web:issuer.example.edu``, after checking the DID.

    :raises InvalidVerificationMethod: if it is not a well-formed did:web.
    """
    if not is_did_web(did) or len(did) > MAX_DID_LENGTH:
        raise _malformed(did, "it is not a did:web DID")
    if "?" in did or "/" in did or "#" in did:
        raise _malformed(did, "a did:web DID has no path, query or fragment")
    host, *path = did[len(PREFIX):].split(":")
    match = _HOST.fullmatch(host)
    if match is None:
        raise _malformed(did, f"{host!r:.80} is not a host name")
    if match["port"] is not None and not 0 < int(match["port"]) < 65536:
        raise _malformed(did, f"port {match['port']} is out of range")
    for segment in path:
        decoded = unquote(segment)
        if not _SEGMENT.fullmatch(segment) or decoded in (".", "..") or "/" in decoded or "\\" in decoded:
            raise _malformed(did, f"{segment!r:.80} is not a path segment")
    return did[len(PREFIX):]


def did_web_url(did: str) -> str:
    """The https URL of a did:web DID's document.

    :raises InvalidVerificationMethod: if ``did`` is not a well-formed did:web.
    """
    host, *path = method_specific_id(did).split(":")
    authority = re.sub("%3[Aa]", ":", host).lower()
    return f"https://{authority}/{'/'.join(path) if path else '.well-known'}/did.json"


def fetch_did_document(did: str, fetcher: Fetcher, *, now: datetime) -> tuple[dict, Fetched]:
    """Fetch and check the document of ``did``.

    :raises InvalidVerificationMethod: for a malformed DID.
    :raises FetchError: if it cannot be fetched (and no cached copy stands in).
    :raises InvalidDidDocument: if it is not JSON, too large, or about another DID.
    """
    fetched = fetcher.fetch(did_web_url(did), max_bytes=MAX_DID_DOCUMENT_BYTES, now=now, accept=ACCEPT)
    return parse_did_document(fetched.body, did, max_bytes=MAX_DID_DOCUMENT_BYTES), fetched


def _malformed(did: object, reason: str) -> InvalidVerificationMethod:
    return InvalidVerificationMethod(f"{did!r:.120} is not a usable did:web: {reason}", property="verificationMethod")
