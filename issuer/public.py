"""Public documents, no sign-in: DID documents, our JSON-LD context and the profile's JSON Schema.

- ``/institutions/<slug>/did.json``: the did:web document of an institution
  that issues as did:web (``did:web:<host>:institutions:<slug>``), with every
  key, active and retired.
- ``/.well-known/did.json``: the did:web document of the bare host
  (``did:web:<host>``) for the one institution ``WELL_KNOWN_INSTITUTION``
  names, with the same keys, ``alsoKnownAs`` its path-form DID.
- ``/contexts/shenzhen-agreement/v1`` and ``/schemas/learning-outcome-credential/v1.json``:
  the exact bytes bundled in :mod:`schemas`, for anyone who dereferences them here.

DID documents are served as ``application/json``. DID Core 1.0's
``application/did+ld+json`` was never registered (IANA accepts no media type
with two suffixes); the type IANA registered for DID documents in 2025,
``application/did``, is newer than most did:web resolvers, which all accept
JSON.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote, urlsplit

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import select

import schemas
from schemas.profile import PROFILE_CONTEXT, schema_bytes

from .db import get_session
from .identity import did_document
from .keyring import all_keys
from .models import Institution
from .web import public_url

bp = Blueprint("public", __name__)

DID_MEDIA_TYPE = "application/json"
DID_CACHE = "public, max-age=300"
#: Published bytes never change (a new version gets a new URL), so caches may keep them.
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"


@bp.get("/institutions/<slug>/did.json")
def institution_did_document(slug: str):
    institution = _web_institution(slug)
    document = did_document(institution, public_url(), all_keys(get_session(), institution))
    return _published(json.dumps(document, indent=2).encode("utf-8"), DID_MEDIA_TYPE, DID_CACHE)


@bp.get("/.well-known/did.json")
def well_known_did_document():
    slug = current_app.config.get("WELL_KNOWN_INSTITUTION")
    if not slug:
        abort(404)
    institution = _web_institution(slug)
    document = host_did_document(institution, public_url(), all_keys(get_session(), institution))
    return _published(json.dumps(document, indent=2).encode("utf-8"), DID_MEDIA_TYPE, DID_CACHE)


@bp.get("/contexts/shenzhen-agreement/v1")
def profile_context():
    return _published(schemas.context_bytes(PROFILE_CONTEXT), "application/ld+json", IMMUTABLE_CACHE)


@bp.get("/schemas/learning-outcome-credential/v1.json")
def profile_schema():
    return _published(schema_bytes(), "application/schema+json", IMMUTABLE_CACHE)


def host_did_document(institution: Institution, public_url: str, keys) -> dict:
    """The institution's did:web document re-keyed to the bare host DID ``did:web:<host>``."""
    document = did_document(institution, public_url, keys)
    path_did, host_did = document["id"], f"did:web:{quote(urlsplit(public_url).netloc, safe='')}"
    methods = [{**method, "id": host_did + method["id"][len(path_did):], "controller": host_did}
               for method in document["verificationMethod"]]
    ids = [method["id"] for method in methods]
    return {**document, "id": host_did, "alsoKnownAs": [path_did], "verificationMethod": methods,
            "assertionMethod": ids, "authentication": ids}


def _web_institution(slug: str) -> Institution:
    """The institution with this slug if it issues as did:web; 404 otherwise."""
    institution = get_session().scalars(select(Institution).where(Institution.slug == slug)).first()
    if institution is None or institution.did_method != "web":
        abort(404)
    return institution


def _published(body: bytes, media_type: str, cache_control: str) -> Response:
    """A public document with an ETag (answering 304 to a matching If-None-Match)."""
    response = Response(body, content_type=media_type)  # JSON is UTF-8; these types define no charset
    response.headers["Cache-Control"] = cache_control
    response.headers["Access-Control-Allow-Origin"] = "*"  # browser-based verifiers fetch these
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(hashlib.sha256(body).hexdigest())
    return response.make_conditional(request)
