"""The rules a credential sent to ``POST /credentials/issue`` must follow.

One function per rule of /work/shared/vc-api.md; each raises a
:class:`~dataintegrity.errors.VCError` subclass whose message names the
property and says what is wrong. :func:`check_credential` runs them in order.
Nothing here touches the network: contexts come from the offline loader, and
a related resource's digest is checked only against bytes we hold.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any, Mapping
from urllib.parse import urlsplit

import schemas
from dataintegrity.canonicalize import canonicalize_rdfc
from dataintegrity.datetimes import parse_date_time_stamp
from dataintegrity import multibase
from dataintegrity.errors import InvalidContextOrder, MalformedCredential, VCError
from dataintegrity.loader import DocumentLoader
from schemas.profile import PROFILE_SCHEMA_ID, schema_bytes

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
TYPED_PROPERTIES = ("credentialStatus", "termsOfUse", "evidence", "refreshService", "credentialSchema")
LANGUAGE_KEYS = frozenset({"@value", "@language", "@direction"})
#: The longest credential ``id`` we store (the column's size).
MAX_ID_LENGTH = 200
# An absolute URI (RFC 3986) or IRI (RFC 3987): a scheme, then no space, control or excluded character.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\s\x00-\x1f\x7f<>\"{}|\\^`]*")
_SRI_ALGORITHMS = {"sha256": 1, "sha384": 2, "sha512": 3}  # strength order
_MULTIHASH = {0x12: ("sha256", 32), 0x20: ("sha384", 48), 0x13: ("sha512", 64),
              0x16: ("sha3_256", 32), 0x15: ("sha3_384", 48), 0x14: ("sha3_512", 64)}


class DuplicateCredential(MalformedCredential):
    title = "Credential already issued"


def is_url(value: object) -> bool:
    """Whether ``value`` is an absolute URL (any scheme; http(s) needs a host)."""
    if not isinstance(value, str) or not _URL.fullmatch(value) or re.search(r"%(?![0-9A-Fa-f]{2})", value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return False
    return bool(parts.netloc) or parts.scheme.lower() not in ("http", "https")


def _quote(value: object) -> str:
    return f"{value!r:.80}"


def check_request(body: object) -> tuple[dict, dict]:
    """The request is ``{"credential": {...}, "options": {...}}``; ``options`` may be missing or null.

    :returns: the credential and the options (``{}`` when not given).
    """
    if not isinstance(body, dict):
        raise MalformedCredential('the request body must be a JSON object: {"credential": {...}, "options": {...}}')
    credential = body.get("credential")
    if credential is None:
        raise MalformedCredential('the request has no "credential"', property="credential")
    if not isinstance(credential, dict):
        kind = "a string" if isinstance(credential, str) else type(credential).__name__
        raise MalformedCredential(f'"credential" must be a JSON object, not {kind}', property="credential")
    options = body.get("options")
    if options is not None and not isinstance(options, dict):
        raise MalformedCredential('"options" must be a JSON object (or left out)', property="options")
    return credential, options or {}


def check_context(credential: dict, loader: DocumentLoader) -> None:
    """``@context``: a list whose first entry is the VC context, then bundled URLs or objects."""
    if "@context" not in credential:
        raise InvalidContextOrder('"@context" is missing', property="@context")
    context = credential["@context"]
    if not isinstance(context, list) or not context:
        raise InvalidContextOrder(f'"@context" must be a list that starts with "{VC_V2}"', property="@context")
    if context[0] not in (VC_V2, VC_V1):
        raise InvalidContextOrder(f'the first "@context" entry must be "{VC_V2}" (or "{VC_V1}"), '
                                  f"not {_quote(context[0])}", property="@context")
    for index, entry in enumerate(context):
        if isinstance(entry, dict):
            continue
        if not isinstance(entry, str):
            raise MalformedCredential(f'"@context"[{index}] is neither a URL nor an object', property="@context")
        if not is_url(entry):
            raise MalformedCredential(f'"@context"[{index}] {_quote(entry)} is not a URL', property="@context")
        loader(entry)  # raises DocumentLoadError for a context we do not bundle


def check_type(credential: dict) -> None:
    """``type``: a string or list of strings that includes ``VerifiableCredential``."""
    if "type" not in credential:
        raise MalformedCredential('"type" is missing', property="type")
    types = credential["type"]
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or not all(isinstance(item, str) for item in types):
        raise MalformedCredential('"type" must be a string or a list of strings', property="type")
    if "VerifiableCredential" not in types:
        raise MalformedCredential('"type" must include "VerifiableCredential"', property="type")


def check_id(credential: dict) -> None:
    """``id``, if given: one URL (not null, not a list)."""
    if "id" not in credential:
        return
    value = credential["id"]
    if value is None:
        raise MalformedCredential('"id" is null: give a URL, or leave "id" out', property="id")
    if isinstance(value, list):
        raise MalformedCredential('"id" must be one URL, not a list', property="id")
    if not is_url(value):
        raise MalformedCredential(f'"id" {_quote(value)} is not a URL (e.g. "urn:uuid:…")', property="id")
    if len(value) > MAX_ID_LENGTH:
        raise MalformedCredential(f'"id" is longer than {MAX_ID_LENGTH} characters', property="id")


def check_issuer(credential: dict) -> None:
    """``issuer``: a URL, or an object whose ``id`` is a URL."""
    if "issuer" not in credential or credential["issuer"] is None:
        raise MalformedCredential('"issuer" is missing or null', property="issuer")
    issuer = credential["issuer"]
    if isinstance(issuer, dict):
        if issuer.get("id") is None:
            raise MalformedCredential('"issuer" is an object without an "id" (or its "id" is null)', property="issuer")
        value, where = issuer["id"], "issuer.id"
    elif isinstance(issuer, str):
        value, where = issuer, "issuer"
    else:
        raise MalformedCredential('"issuer" must be a URL or an object with an "id"', property="issuer")
    if not is_url(value):
        raise MalformedCredential(f'"{where}" {_quote(value)} is not a URL', property="issuer")


def issuer_id(credential: dict) -> str:
    """The issuer's id (call after :func:`check_issuer`)."""
    issuer = credential["issuer"]
    return issuer["id"] if isinstance(issuer, dict) else issuer


def check_issuer_is(credential: dict, did: str) -> None:
    """The issuer must be the DID this endpoint signs with: it is never overwritten."""
    value = issuer_id(credential)
    if value != did:
        raise MalformedCredential(f'"issuer" is {_quote(value)}, but this endpoint signs as {did}; '
                                  "set the issuer to that DID", property="issuer")


def check_subject(credential: dict) -> None:
    """``credentialSubject``: an object, or a list of objects, none of them empty."""
    if credential.get("credentialSubject") is None:
        raise MalformedCredential('"credentialSubject" is missing', property="credentialSubject")
    subject = credential["credentialSubject"]
    subjects = subject if isinstance(subject, list) else [subject]
    if not subjects:
        raise MalformedCredential('"credentialSubject" is an empty list', property="credentialSubject")
    for item in subjects:
        if not isinstance(item, dict):
            raise MalformedCredential('"credentialSubject" must be an object or a list of objects',
                                      property="credentialSubject")
        if not item:
            raise MalformedCredential('"credentialSubject" holds an empty object {}: it says nothing',
                                      property="credentialSubject")


def check_dates(credential: dict) -> None:
    """``validFrom``/``validUntil`` (and 1.1's ``issuanceDate``/``expirationDate``) are
    dateTimeStamps in order; a VC 1.1 credential has an ``issuanceDate``."""
    moments = {name: parse_date_time_stamp(credential[name], property=name)
               for name in ("validFrom", "validUntil", "issuanceDate", "expirationDate") if name in credential}
    for start, end in (("validFrom", "validUntil"), ("issuanceDate", "expirationDate")):
        if start in moments and end in moments and moments[start] > moments[end]:
            raise MalformedCredential(f'"{start}" is later than "{end}": the credential would never be valid',
                                      property=end)
    if credential["@context"][0] == VC_V1 and "issuanceDate" not in credential:
        raise MalformedCredential('a VC 1.1 credential needs an "issuanceDate"', property="issuanceDate")


def check_language_values(credential: dict) -> None:
    """A language value object under ``name`` or ``description`` holds only
    ``@value``, ``@language`` and ``@direction``."""
    stack: list[tuple[Any, str]] = [(credential, "")]
    while stack:
        node, path = stack.pop()
        if isinstance(node, list):
            stack.extend((child, f"{path}[{index}]") for index, child in enumerate(node))
            continue
        if not isinstance(node, dict):
            continue
        for key, child in node.items():
            where = f"{path}.{key}" if path else key
            if key in ("name", "description"):
                _check_language_value(child, where)
            stack.append((child, where))


def _check_language_value(value: Any, where: str) -> None:
    for item in value if isinstance(value, list) else [value]:
        if not isinstance(item, dict) or not LANGUAGE_KEYS & set(item):
            continue
        extra = sorted(set(item) - LANGUAGE_KEYS)
        if extra:
            raise MalformedCredential(f'"{where}": a language value may hold only @value, @language and '
                                      f'@direction, not "{extra[0]}"', property=where.rsplit(".", 1)[-1])
        if "@value" not in item:
            raise MalformedCredential(f'"{where}": a language value needs "@value"', property=where.rsplit(".", 1)[-1])


def _entries(credential: dict, name: str) -> list[tuple[str, Any]]:
    """``(where, entry)`` for each entry of a property that holds an object or a list."""
    value = credential[name]
    if isinstance(value, list):
        return [(f"{name}[{index}]", entry) for index, entry in enumerate(value)]
    return [(name, value)]


def check_typed_entries(credential: dict) -> None:
    """Each entry of credentialStatus, termsOfUse, evidence, refreshService and
    credentialSchema is an object with a ``type``."""
    for name in TYPED_PROPERTIES:
        if name not in credential:
            continue
        for where, entry in _entries(credential, name):
            if not isinstance(entry, dict):
                raise MalformedCredential(f'"{where}" must be an object with a "type"', property=name)
            if entry.get("type") in (None, "", []):
                raise MalformedCredential(f'"{where}" has no "type"', property=name)


def check_credential_schema(credential: dict) -> None:
    """Each ``credentialSchema`` entry has a URL ``id``."""
    if "credentialSchema" not in credential:
        return
    for where, entry in _entries(credential, "credentialSchema"):
        if not is_url(entry.get("id")):
            raise MalformedCredential(f'"{where}" needs an "id" that is the schema\'s URL', property="credentialSchema")


def check_credential_status(credential: dict) -> None:
    """A ``credentialStatus`` entry's ``id``, if given, is one URL."""
    if "credentialStatus" not in credential:
        return
    for where, entry in _entries(credential, "credentialStatus"):
        if "id" not in entry:
            continue
        if isinstance(entry["id"], list):
            raise MalformedCredential(f'"{where}" has several ids; it may have one', property="credentialStatus")
        if not is_url(entry["id"]):
            raise MalformedCredential(f'"{where}.id" {_quote(entry["id"])} is not a URL', property="credentialStatus")


def check_related_resources(credential: dict) -> None:
    """``relatedResource``: a list of objects, each with its own ``id`` and a digest
    that matches the resource's exact published bytes."""
    if "relatedResource" not in credential:
        return
    resources = credential["relatedResource"]
    if not isinstance(resources, list) or not resources or not all(isinstance(item, dict) for item in resources):
        raise MalformedCredential('"relatedResource" must be a list of objects', property="relatedResource")
    seen: set[str] = set()
    for index, resource in enumerate(resources):
        where = f"relatedResource[{index}]"
        url = resource.get("id")
        if not is_url(url):
            raise MalformedCredential(f'"{where}" needs an "id" that is a URL', property="relatedResource")
        if url in seen:
            raise MalformedCredential(f'"{where}" repeats the id {_quote(url)}', property="relatedResource")
        seen.add(url)
        if "digestSRI" not in resource and "digestMultibase" not in resource:
            raise MalformedCredential(f'"{where}" needs "digestSRI" or "digestMultibase"', property="relatedResource")
        content = published_bytes(url)
        if content is None:
            raise MalformedCredential(
                f'"{where}": the digest of {_quote(url)} cannot be checked; this issuer never fetches '
                "resources and can only check the digests of the contexts and schema it ships",
                property="relatedResource")
        if "digestSRI" in resource:
            _check_sri(resource["digestSRI"], content, where)
        if "digestMultibase" in resource:
            _check_digest_multibase(resource["digestMultibase"], content, where)


def published_bytes(url: str) -> bytes | None:
    """The exact bytes we publish at ``url`` (a bundled context or our schema), or None."""
    if url == PROFILE_SCHEMA_ID:
        return schema_bytes()
    try:
        return schemas.context_bytes(url)
    except KeyError:
        return None


def _check_sri(value: object, content: bytes, where: str) -> None:
    """Subresource Integrity: the strongest listed algorithm must match
    (https://www.w3.org/TR/SRI/#does-response-match-metadatalist)."""
    tokens = value.split() if isinstance(value, str) else []
    parsed = [token.split("?", 1)[0].split("-", 1) for token in tokens]
    if not parsed or any(len(item) != 2 or item[0] not in _SRI_ALGORITHMS for item in parsed):
        raise MalformedCredential(f'"{where}.digestSRI" must be "sha256-…", "sha384-…" or "sha512-…" (base64)',
                                  property="relatedResource")
    strongest = max(_SRI_ALGORITHMS[algorithm] for algorithm, _ in parsed)
    expected = {algorithm: base64.b64encode(hashlib.new(algorithm, content).digest()).decode("ascii")
                for algorithm, _ in parsed}
    if not any(expected[algorithm] == digest for algorithm, digest in parsed
               if _SRI_ALGORITHMS[algorithm] == strongest):
        raise MalformedCredential(f'"{where}.digestSRI" does not match the published bytes of the resource',
                                  property="relatedResource")


def _check_digest_multibase(value: object, content: bytes, where: str) -> None:
    """A multibase-encoded multihash (https://www.w3.org/TR/vc-data-integrity/#resource-integrity)."""
    try:
        data = multibase.decode(value, property=f"{where}.digestMultibase")
    except VCError as error:
        raise MalformedCredential(error.detail, property="relatedResource") from None
    algorithm, size = _MULTIHASH.get(data[0] if data else -1, (None, 0))
    if algorithm is None or len(data) != 2 + size or data[1] != size:
        raise MalformedCredential(f'"{where}.digestMultibase" is not a SHA-2 or SHA-3 multihash',
                                  property="relatedResource")
    if hashlib.new(algorithm, content).digest() != data[2:]:
        raise MalformedCredential(f'"{where}.digestMultibase" does not match the published bytes of the resource',
                                  property="relatedResource")


def check_unsigned(credential: dict) -> None:
    """The credential to issue carries no proof yet."""
    if "proof" in credential:
        raise MalformedCredential('the credential to issue already has a "proof"; send it unsigned',
                                  property="proof")


def check_terms(credential: Mapping, loader: DocumentLoader) -> None:
    """Strict JSON-LD: every term and type expands to an absolute IRI, and no
    context redefines a protected term (safe-mode canonicalization raises)."""
    canonicalize_rdfc(credential, loader=loader)


def check_credential(credential: dict, loader: DocumentLoader) -> None:
    """Run every rule, cheapest first.

    :raises VCError: the first rule broken (a :class:`DocumentLoadError` for an
        unbundled context, an ``UndefinedTerm`` for an undefined term or type).
    """
    check_context(credential, loader)
    for rule in (check_type, check_id, check_issuer, check_subject, check_dates, check_language_values,
                 check_typed_entries, check_credential_schema, check_credential_status,
                 check_related_resources, check_unsigned):
        rule(credential)
    check_terms(credential, loader)

