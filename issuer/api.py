"""The VC-API issue endpoint, ``POST /credentials/issue`` (/work/shared/vc-api.md).

A client authenticates with a bearer token of its institution (only the
token's SHA-256 is stored). The credential it sends is checked
(:mod:`issuer.api_checks`), given a revocation status entry, signed, verified
by the verifier's own pipeline and stored, in one transaction. Whatever the
client sent comes back unchanged, plus ``credentialStatus`` and ``proof``.
Every refusal is JSON: ``{"errors": [{"name": ..., "message": ...}]}``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import uuid
from datetime import datetime

from flask import Blueprint, Response, current_app, request
from pyld.jsonld import JsonLdError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge, UnsupportedMediaType

from dataintegrity import add_proof
from dataintegrity.datetimes import parse_date_time_stamp
from dataintegrity.errors import InputTooLarge, MalformedCredential, VCError
from dataintegrity.jsonio import MAX_INPUT_BYTES, parse_untrusted_json
from dataintegrity.results import Problem
from verifier import Verifier

from . import api_checks
from .audit import record
from .db import get_session
from .identity import institution_did, local_resolver
from .keyring import active_key, all_keys
from .models import ApiToken, Credential, Institution
from .service import SUITE_FOR, Issuer
from .status import Allocation, allocate, status_entry
from .web import issuer_service

bp = Blueprint("api", __name__)

MEDIA_TYPES = frozenset({"application/json", "application/ld+json"})
TOKEN_PREFIX = "sp_"
STATUS_V1 = "https://www.w3.org/ns/credentials/status/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"


class TokenRefused(Exception):
    """No usable bearer token (answered 401 with ``WWW-Authenticate: Bearer``).

    :param presented: whether a token was sent at all (RFC 6750 ``invalid_token``).
    """

    def __init__(self, message: str, *, presented: bool):
        super().__init__(message)
        self.presented = presented


class NoSigningKey(Exception):
    """The institution has no active key yet (answered 503: the client cannot fix it)."""


class NotVerified(MalformedCredential):
    """The signed credential did not pass the verifier; ``problems`` say why."""

    title = "Credential did not verify"

    def __init__(self, problems: tuple[Problem, ...]):
        super().__init__("; ".join(f"{p.title}: {p.detail}" for p in problems))
        self.problems = problems


def new_token() -> str:
    """A new bearer token: ``sp_`` and 32 random bytes, URL-safe base64."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    """The SHA-256 (hex) under which a token is stored and looked up."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def authenticate(session: Session, header: str | None) -> ApiToken:
    """The unrevoked token named by an ``Authorization: Bearer`` header.

    :raises TokenRefused: if the header is missing or malformed, or the token is unknown or revoked.
    """
    scheme, _, value = (header or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        raise TokenRefused("send your institution's API token as 'Authorization: Bearer <token>'", presented=False)
    digest = hash_token(value)
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()
    if token is None or not hmac.compare_digest(token.token_hash, digest) or token.revoked_at is not None:
        raise TokenRefused("the API token is not valid (unknown or revoked)", presented=True)
    return token


@bp.post("/credentials/issue")
def issue():
    """Issue the posted credential: 201 ``{"verifiableCredential": ...}``, else 4xx with the reasons."""
    session = get_session()
    token = authenticate(session, request.headers.get("Authorization"))
    credential, _options = api_checks.check_request(_json_body())  # unknown options are ignored
    institution = session.get(Institution, token.institution_id)
    signed = issue_from_client(issuer_service(institution), credential, actor=f"api:{token.name}")
    return _json({"verifiableCredential": signed}, 201)


def _json_body() -> object:
    """The request's JSON, within the size limit (``API_MAX_BODY_BYTES``, default 1 MB)."""
    if request.mimetype not in MEDIA_TYPES:
        raise UnsupportedMediaType(f"send JSON as application/json or application/ld+json, "
                                   f"not {request.mimetype or 'a body without Content-Type'}")
    limit = current_app.config.get("API_MAX_BODY_BYTES", MAX_INPUT_BYTES)
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge(f"the body is {request.content_length:,} bytes; the limit is {limit:,}")
    # A chunked body (no Content-Length) is bounded by MAX_CONTENT_LENGTH, then refused here as too large.
    return parse_untrusted_json(request.get_data(cache=False), max_bytes=limit)


def _json(payload: dict, status: int) -> Response:
    """JSON that keeps the credential's key order (``jsonify`` would sort it)."""
    return Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")


def _errors(entries: list[tuple[str, str]], status: int) -> Response:
    return _json({"errors": [{"name": name, "message": message} for name, message in entries]}, status)


@bp.errorhandler(TokenRefused)
def _token_refused(error: TokenRefused) -> Response:
    response = _errors([("Unauthorized", str(error))], 401)
    response.headers["WWW-Authenticate"] = 'Bearer realm="skillpass"' + (', error="invalid_token"' if error.presented else "")
    return response


@bp.errorhandler(VCError)
def _refused(error: VCError) -> Response:
    if isinstance(error, NotVerified):
        return _errors([(_problem_name(p), f"{p.title}: {p.detail}") for p in error.problems], 400)
    return _errors([(type(error).__name__, error.detail)], 413 if isinstance(error, InputTooLarge) else 400)


@bp.errorhandler(JsonLdError)
def _invalid_json_ld(error: JsonLdError) -> Response:
    return _errors([("MalformedCredential", str(error).splitlines()[0])], 400)


@bp.errorhandler(NoSigningKey)
def _no_key(error: NoSigningKey) -> Response:
    return _errors([("NoSigningKey", str(error))], 503)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> Response:
    return _errors([(type(error).__name__, error.description or error.name)], error.code or 500)


def _problem_name(problem: Problem) -> str:
    """The error class that has the problem's type, e.g. ``SchemaViolation``."""
    stack = list(VCError.__subclasses__())
    while stack:
        cls = stack.pop(0)
        if cls.problem_type == problem.type:
            return cls.__name__
        stack.extend(cls.__subclasses__())
    return "NotVerified"


# Issuance of a client's credential (no Flask below this line).

def issue_from_client(issuer: Issuer, credential: dict, *, actor: str) -> dict:
    """Check, add a revocation entry, sign, self-verify, store and audit; commits.

    :returns: the signed credential.
    :raises VCError: if the credential breaks a rule or does not verify (nothing is stored).
    :raises NoSigningKey: if the institution has no active key.
    """
    session, institution = issuer.session, issuer.institution
    api_checks.check_credential(credential, issuer.loader)
    try:
        key = active_key(session, institution)
    except LookupError as error:
        raise NoSigningKey(f"{error}; an administrator creates one under Keys & identity") from None
    api_checks.check_issuer_is(credential, institution_did(institution, issuer.public_url, key))
    _check_new_id(session, credential)
    try:
        (revocation,) = allocate(session, institution, "revocation", 1)
        unsigned = with_status(credential, status_entry(issuer.public_url, institution.slug, "revocation", revocation))
        signer = issuer.keyring.signer(institution, key, issuer.public_url)
        signed = add_proof(unsigned, suite=SUITE_FOR[key.algorithm], signer=signer, loader=issuer.loader, created=issuer.now)
        _self_check(issuer, signed)
        row = _row(issuer, signed, revocation, actor)
        session.add(row)
        record(session, institution.id, actor, "credential.issue", row.credential_id, {"via": "vc-api"})
        session.commit()
    except IntegrityError:  # another request stored the same id first
        session.rollback()
        raise api_checks.DuplicateCredential("a credential with this id has already been issued", property="id") from None
    except BaseException:
        session.rollback()
        raise
    return signed


def _check_new_id(session: Session, credential: dict) -> None:
    if "id" in credential and session.scalar(select(Credential.id).where(Credential.credential_id == credential["id"])):
        raise api_checks.DuplicateCredential(f'a credential with the id {credential["id"]!r:.80} has already been issued',
                                             property="id")


def with_status(credential: dict, entry: dict) -> dict:
    """A new credential with ``entry`` added to its ``credentialStatus`` (the client's entries kept).

    A VC 1.1 credential also gets the status and Data Integrity contexts appended,
    which define the entry and the proof; a 2.0 context is never added to.
    """
    document = dict(credential)
    context = credential["@context"]
    if context[0] == api_checks.VC_V1:
        document["@context"] = [*context, *(url for url in (STATUS_V1, DATA_INTEGRITY_V2) if url not in context)]
    existing = credential.get("credentialStatus")
    if existing is None:
        document["credentialStatus"] = entry
    else:
        document["credentialStatus"] = [*(existing if isinstance(existing, list) else [existing]), entry]
    return document


def _self_check(issuer: Issuer, signed: dict) -> None:
    """Verify with the verifier's pipeline at a moment inside the validity period."""
    verifier = Verifier(loader=issuer.loader, profile=issuer.profile,
                        resolve_key=local_resolver(issuer.institution, issuer.public_url,
                                                   all_keys(issuer.session, issuer.institution)))
    result = verifier.verify_credential(signed, now=_moment_within(signed, issuer.now))
    if not result.verified:
        raise NotVerified(result.problems)


def _moment_within(credential: dict, now: datetime) -> datetime:
    """``now``, moved into [validFrom, validUntil]: a future or past period is not an error here."""
    start = credential.get("validFrom", credential.get("issuanceDate"))
    end = credential.get("validUntil", credential.get("expirationDate"))
    if start is not None:
        now = max(now, parse_date_time_stamp(start, property="validFrom"))
    if end is not None:
        now = min(now, parse_date_time_stamp(end, property="validUntil"))
    return now


def _row(issuer: Issuer, signed: dict, revocation: Allocation, actor: str) -> Credential:
    """The stored credential; one without an ``id`` is filed under a fresh ``urn:uuid``."""
    return Credential(
        institution_id=issuer.institution.id,
        achievement_id=None,
        credential_id=signed.get("id") or f"urn:uuid:{uuid.uuid4()}",
        link_token=secrets.token_urlsafe(32),
        row_key=None,
        learner_name=learner_name(signed),
        document=json.dumps(signed, ensure_ascii=False, separators=(",", ":")),
        revocation_list_id=revocation.list_id,
        revocation_index=revocation.index,
        issued_at=issuer.now,
        issued_by=actor,
    )


def learner_name(credential: dict) -> str:
    """The (first) subject's ``name`` as text, English preferred; ``""`` if none."""
    subject = credential["credentialSubject"]
    subject = subject[0] if isinstance(subject, list) else subject
    names = subject.get("name")
    names = names if isinstance(names, list) else [names]
    texts = [(item.get("@language"), item.get("@value")) if isinstance(item, dict) else (None, item) for item in names]
    texts = [(language, text) for language, text in texts if isinstance(text, str)]
    english = [text for language, text in texts if language in (None, "en")]
    return (english or [text for _, text in texts] or [""])[0][:200]
