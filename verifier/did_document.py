"""Reading a DID document: its id, and the verification method a proof may use.

https://www.w3.org/TR/did-1.0/#verification-methods and
https://www.w3.org/TR/cid-1.0/#retrieve-verification-method

A method is usable for a proof purpose only if the document lists it (by id
or embedded) under that verification relationship, its controller is the
document's DID, and its key is one our suites take: ``Multikey`` or
``Ed25519VerificationKey2020`` (``publicKeyMultibase``), or ``JsonWebKey2020``
/ ``JsonWebKey`` (``publicKeyJwk``).
"""

from __future__ import annotations

from dataintegrity.errors import INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID, InvalidVerificationMethod, VCError
from dataintegrity.jsonio import parse_untrusted_json
from dataintegrity.keys import PublicKey, VerificationMethod, algorithm_of, decode_public_key

from . import reasons
from .jwk import public_key_from_jwk

RELATIONSHIPS = frozenset(
    {"assertionMethod", "authentication", "capabilityInvocation", "capabilityDelegation", "keyAgreement"}
)
MULTIBASE_TYPES = frozenset({"Multikey", "Ed25519VerificationKey2020"})
JWK_TYPES = frozenset({"JsonWebKey2020", "JsonWebKey"})


class InvalidDidDocument(InvalidVerificationMethod):
    """A DID document that is not JSON, not an object, or not about the DID asked for."""

    problem_type = reasons.DID_DOCUMENT_INVALID
    title = "Invalid DID document"


class DidDocumentIdMismatch(InvalidDidDocument):
    problem_type = INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID
    title = "DID document is about another DID"


def check_did_document(document: object, did: str) -> dict:
    """Check a parsed DID document is an object whose ``id`` is ``did``.

    :raises InvalidDidDocument: if it is not a JSON object.
    :raises DidDocumentIdMismatch: if its ``id`` is not ``did``.
    """
    if not isinstance(document, dict):
        raise InvalidDidDocument(f"the DID document of {did} is not a JSON object", url=did)
    if document.get("id") != did:
        raise DidDocumentIdMismatch(
            f'the DID document found for {did} has "id" {document.get("id")!r:.120}; it must be the DID itself',
            property="id",
            url=did,
        )
    return document


def parse_did_document(data: bytes, did: str, *, max_bytes: int) -> dict:
    """Parse untrusted bytes as the DID document of ``did``; see :func:`check_did_document`."""
    try:
        document = parse_untrusted_json(data, max_bytes=max_bytes)
    except VCError as error:
        raise InvalidDidDocument(f"the DID document of {did} is not usable: {error.detail}", url=did) from None
    return check_did_document(document, did)


def method_for_purpose(document: dict, method_id: str, purpose: str) -> VerificationMethod:
    """The verification method ``method_id`` of ``document``, if usable for ``purpose``.

    :raises InvalidVerificationMethod: if it is not listed under ``purpose``,
        not defined, controlled by another DID, or of a key type we cannot use.
    """
    did = document["id"]
    if purpose not in RELATIONSHIPS:
        raise InvalidVerificationMethod(f"{purpose!r:.60} is not a verification relationship", property="proofPurpose")
    if method_id.partition("#")[0] != did or "#" not in method_id:
        raise _invalid(f"{method_id} is not a verification method of {did}")
    listed = [entry for entry in _as_list(document.get(purpose)) if _entry_id(entry, did) == method_id]
    if not listed:
        raise _invalid(f"the DID document of {did} does not list {method_id} under {purpose}")
    method = listed[0] if isinstance(listed[0], dict) else _defined_method(document, method_id)
    if method.get("controller") != did:
        raise _invalid(f"{method_id} is controlled by {method.get('controller')!r:.120}, not by {did}")
    return VerificationMethod(id=method_id, controller=did, public_key=public_key_of(method))


def public_key_of(method: dict) -> PublicKey:
    """The public key of a verification method object.

    :raises InvalidVerificationMethod: for a type we do not take or a malformed key.
    """
    kind = method.get("type")
    if kind in MULTIBASE_TYPES:
        key = decode_public_key(method.get("publicKeyMultibase"))
        if kind == "Ed25519VerificationKey2020" and algorithm_of(key) != "Ed25519":
            raise _invalid(f"{method.get('id')} is an Ed25519VerificationKey2020 whose key is not Ed25519")
        return key
    if kind in JWK_TYPES:
        return public_key_from_jwk(method.get("publicKeyJwk"))
    accepted = ", ".join(sorted(MULTIBASE_TYPES | JWK_TYPES))
    raise _invalid(f"{method.get('id')} has type {kind!r:.60}; the types accepted are {accepted}")


def _defined_method(document: dict, method_id: str) -> dict:
    did = document["id"]
    found = [entry for entry in _as_list(document.get("verificationMethod"))
             if isinstance(entry, dict) and _entry_id(entry, did) == method_id]
    if len(found) != 1:
        problem = "does not define" if not found else "defines more than once"
        raise _invalid(f"the DID document of {did} {problem} the verification method {method_id}")
    return found[0]


def _entry_id(entry: object, did: str) -> str | None:
    """The absolute id of a relationship entry (a reference or an embedded method)."""
    value = entry.get("id") if isinstance(entry, dict) else entry
    if not isinstance(value, str):
        return None
    return did + value if value.startswith("#") else value


def _as_list(value: object) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _invalid(detail: str) -> InvalidVerificationMethod:
    return InvalidVerificationMethod(detail, property="verificationMethod")
