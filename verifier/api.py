"""The VC-API verify endpoints (/work/shared/vc-api.md): ``POST /credentials/verify`` and
``POST /presentations/verify``.

Exactly 200 when it verified and exactly 400 when it did not, both with the
result.  A request that cannot be used gets 400 (413 for a body over the
limit, 415 for a body that is not JSON) with
``{"verified": false, "errors": [{"name": ..., "message": ...}]}``; bad input
never gets a 500.  JSON in and out, no cookies (so no CSRF token).

The result is :meth:`~verifier.pipeline.VerificationResult.to_json`:
``verified``, ``outcome``, ``kind``, ``checks`` (every check that ran, with its
problems), ``warnings``, ``errors``, ``verificationMethod`` and, for a
presentation, ``credentials``.  Each error and warning is a VC-API
ProblemDetails (``type``, ``title``, ``detail``) that also carries ``name``
(its reason code) and ``message``.  ``options.checks == ["proof"]`` checks only
what the proof needs (structure, proof, key binding); a presentation checked
without ``options.challenge`` warns that no challenge was bound.
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from dataintegrity.errors import InputTooLarge, MalformedCredential, VCError
from dataintegrity.jsonio import parse_untrusted_json

from .pipeline import VerificationResult
from .web import service

bp = Blueprint("api", __name__)

API_PATHS = frozenset({"/credentials/verify", "/presentations/verify"})
MEDIA_TYPES = frozenset({"application/json", "application/ld+json"})


@bp.post("/credentials/verify")
def verify_credential() -> Response:
    """Verify ``{"verifiableCredential": {...}, "options": {"checks": [...]}}``."""
    credential, options = read_request("verifiableCredential")
    result = service().verify_credential(credential, proof_only=proof_only(options))
    return result_response(result)


@bp.post("/presentations/verify")
def verify_presentation() -> Response:
    """Verify ``{"verifiablePresentation": {...}, "options": {"challenge": ..., "domain": ...}}``."""
    presentation, options = read_request("verifiablePresentation")
    result = service().verify_presentation(
        presentation, challenge=string_option(options, "challenge"), domain=string_option(options, "domain")
    )
    return result_response(result)


def read_request(member: str) -> tuple[dict, dict]:
    """The document under ``member`` and the options (``{}`` when missing or null).

    :raises MalformedCredential: if the body is not a JSON object, or ``member`` is not one.
    """
    body = json_body()
    if not isinstance(body, dict):
        raise MalformedCredential(f'the request body must be a JSON object: {{"{member}": {{...}}, "options": {{...}}}}')
    document = body.get(member)
    if not isinstance(document, dict):
        kind = "missing" if document is None else f"a JSON {_json_kind(document)}, not an object"
        raise MalformedCredential(f'"{member}" is {kind}', property=member)
    options = body.get("options")
    if options is not None and not isinstance(options, dict):
        raise MalformedCredential('"options" must be a JSON object (or left out)', property="options")
    return document, options or {}


def json_body() -> object:
    """The request's JSON, within ``VERIFIER_MAX_INPUT_BYTES`` (1 MB)."""
    mimetype = request.mimetype
    if mimetype not in MEDIA_TYPES and not mimetype.endswith("+json"):
        raise UnsupportedMediaType(f"send JSON as application/json or application/ld+json, "
                                   f"not {mimetype or 'a body without Content-Type'}")
    limit = current_app.config["VERIFIER_MAX_INPUT_BYTES"]
    if request.content_length is not None and request.content_length > limit:
        raise RequestEntityTooLarge()
    return parse_untrusted_json(request.get_data(cache=False), max_bytes=limit)


def proof_only(options: dict) -> bool:
    """Whether ``options.checks`` asks for the proof alone (anything else, or nothing, checks everything)."""
    checks = options.get("checks")
    if checks is None:
        return False
    if not isinstance(checks, list) or not all(isinstance(check, str) for check in checks):
        raise MalformedCredential('"options.checks" must be a list of check names, e.g. ["proof"]',
                                  property="options.checks")
    return set(checks) == {"proof"}


def string_option(options: dict, name: str) -> str | None:
    value = options.get(name)
    if value is not None and not isinstance(value, str):
        raise MalformedCredential(f'"options.{name}" must be a string', property=f"options.{name}")
    return value


def result_response(result: VerificationResult) -> Response:
    """200 with the result if it verified, else exactly 400 with it."""
    body = result.to_json()
    body["errors"] = [_named(problem) for problem in body["errors"]]
    body["warnings"] = [_named(problem) for problem in body["warnings"]]
    return _json(body, 200 if result.verified else 400)


def error_response(name: str, message: str, status: int, **problem: str) -> Response:
    """A request that could not be used: ``{"verified": false, "errors": [{"name", "message", ...}]}``."""
    return _json({"verified": False, "errors": [{"name": name, "message": message, **problem}]}, status)


@bp.errorhandler(VCError)
def _unusable(error: VCError) -> Response:
    return error_response(type(error).__name__, error.detail, 413 if isinstance(error, InputTooLarge) else 400,
                          type=error.problem_type, title=error.title, detail=error.detail)


def _named(problem: dict) -> dict:
    """A ProblemDetails with the VC-API ``name`` (the code after ``#``) and ``message``."""
    return {**problem, "name": problem["type"].rpartition("#")[2] or problem["type"],
            "message": f'{problem["title"]}: {problem["detail"]}'}


def _json_kind(value: object) -> str:
    return {str: "string", list: "array", bool: "boolean", int: "number", float: "number"}.get(type(value), "value")


def _json(payload: dict, status: int) -> Response:
    return Response(json.dumps(payload, ensure_ascii=False), status=status, mimetype="application/json")
