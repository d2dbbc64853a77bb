"""An institution's DID and DID document, from its keys (did:key or did:web).

did:web uses the path form, so one deployment can host several institutions:
``did:web:<host>:institutions:<slug>`` is served at
``https://<host>/institutions/<slug>/did.json``. Retired keys stay in the
document, so credentials they signed keep verifying after a rotation.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from dataintegrity.errors import InvalidVerificationMethod
from dataintegrity.keys import (
    DID_CONTEXT,
    MULTIKEY_CONTEXT,
    VerificationMethod,
    decode_public_key,
    resolve_did_key,
)
from dataintegrity.proof import KeyResolver

from .models import Institution, SigningKey


def did_web(public_url: str, slug: str) -> str:
    """``did:web:<host, port percent-encoded>:institutions:<slug>``."""
    host = urlsplit(public_url).netloc
    return f"did:web:{quote(host, safe='')}:institutions:{slug}"


def did_document_url(public_url: str, slug: str) -> str:
    return f"{public_url.rstrip('/')}/institutions/{slug}/did.json"


def institution_did(institution: Institution, public_url: str, key: SigningKey) -> str:
    """The DID the institution issues as: its did:web, or the did:key of ``key``."""
    if institution.did_method == "web":
        return did_web(public_url, institution.slug)
    return f"did:key:{key.public_key_multibase}"


def verification_method_id(institution: Institution, public_url: str, key: SigningKey) -> str:
    return f"{institution_did(institution, public_url, key)}#{key.public_key_multibase}"


def did_document(institution: Institution, public_url: str, keys: list[SigningKey]) -> dict:
    """The did:web document: every key, active and retired, under assertionMethod."""
    did = did_web(public_url, institution.slug)
    methods = [
        {"id": f"{did}#{key.public_key_multibase}", "type": "Multikey", "controller": did,
         "publicKeyMultibase": key.public_key_multibase}
        for key in keys
    ]
    ids = [method["id"] for method in methods]
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": did,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def local_resolver(institution: Institution, public_url: str, keys: list[SigningKey]) -> KeyResolver:
    """A key resolver that knows this institution's keys without any network.

    The issuer verifies every credential it signs with it; did:key URLs are
    resolved by computation as usual.
    """
    known = {
        verification_method_id(institution, public_url, key): key for key in keys
    }

    def resolve(verification_method: str, purpose: str) -> VerificationMethod:
        if verification_method.startswith("did:key:"):
            return resolve_did_key(verification_method)
        key = known.get(verification_method)
        if key is None:
            raise InvalidVerificationMethod(f"{verification_method!r} is not a key of {institution.name}",
                                            property="verificationMethod")
        controller = verification_method.split("#", 1)[0]
        return VerificationMethod(verification_method, controller, decode_public_key(key.public_key_multibase))

    return resolve
