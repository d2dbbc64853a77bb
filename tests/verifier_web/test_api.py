"""The VC-API verify endpoints, as /work/shared/vc-api.md describes them: 200 or exactly 400, never 500."""

from __future__ import annotations

import json

import pytest

from .documents import (
    REVOKED_INDEX,
    HOLDER,
    HOLDER_KEY,
    ISSUER_KEY,
    deeply_nested,
    fixture,
    interop_index,
    nev_credential,
    presentation,
)

SP = "https://skillspassport.org/problems#"
SEC = "https://w3id.org/security#"
FIXTURES = interop_index()


def post(client, path: str, body, **kwargs):
    response = client.post(path, json=body, **kwargs)
    assert response.mimetype == "application/json"
    return response, response.get_json()


@pytest.mark.parametrize("entry", FIXTURES, ids=[entry["file"] for entry in FIXTURES])
def test_the_interop_fixtures(client, entry):
    document = fixture(entry["file"])
    if "VerifiablePresentation" in document["type"]:
        response, body = post(client, "/presentations/verify", {"verifiablePresentation": document})
    else:
        response, body = post(client, "/credentials/verify", {"verifiableCredential": document})
    if entry["expected"] == "accept":
        assert (response.status_code, body["verified"], body["errors"]) == (200, True, [])
    else:
        assert (response.status_code, body["verified"]) == (400, False)
        assert body["errors"] and all({"type", "title", "detail", "name", "message"} <= set(e) for e in body["errors"])


def test_a_verified_credential_gets_the_structured_result(client):
    response, body = post(client, "/credentials/verify", {"verifiableCredential": nev_credential(), "options": {}})
    assert response.status_code == 200
    assert body["outcome"] == "verified" and body["kind"] == "credential"
    assert [check["check"] for check in body["checks"]] == ["structure", "proof", "schema", "key", "validity",
                                                            "status", "trust"]
    assert all(check["ok"] for check in body["checks"])
    assert body["warnings"] == [] and body["errors"] == []
    assert body["trust"]["code"] == "RECOGNISED_IN_SCOPE"
    assert body["verificationMethod"].startswith("did:key:z6Mk")


def test_a_tampered_credential_gets_exactly_400_with_the_reason(client):
    credential = nev_credential()
    credential["credentialSubject"]["result"][0]["value"] = "A"
    response, body = post(client, "/credentials/verify", {"verifiableCredential": credential})
    assert response.status_code == 400
    assert body["verified"] is False and body["outcome"] == "not-verified"
    error = body["errors"][0]
    assert error["type"] == SEC + "PROOF_VERIFICATION_ERROR" and error["name"] == "PROOF_VERIFICATION_ERROR"
    assert error["message"] == f'{error["title"]}: {error["detail"]}'


def test_a_revoked_credential(client):
    response, body = post(client, "/credentials/verify", {"verifiableCredential": nev_credential(status_index=REVOKED_INDEX)})
    assert response.status_code == 400
    assert [error["name"] for error in body["errors"]] == ["REVOKED"]


def test_an_issuer_outside_the_registry_is_verified_with_a_warning(client):
    response, body = post(client, "/credentials/verify", {"verifiableCredential": fixture("valid-eddsa-rdfc-2022.json")})
    assert response.status_code == 200 and body["outcome"] == "verified-with-warnings"
    assert [warning["name"] for warning in body["warnings"]] == ["NOT_LISTED"]


def test_options_checks_proof_checks_only_what_the_proof_needs(client):
    expired = fixture("neg-eddsa-expired.json")
    full, _ = post(client, "/credentials/verify", {"verifiableCredential": expired})
    revoked = nev_credential(status_index=REVOKED_INDEX)
    proof_only, _ = post(client, "/credentials/verify", {"verifiableCredential": revoked, "options": {"checks": ["proof"]}})
    assert proof_only.status_code == 200  # the status is not what the proof needs
    response, body = post(client, "/credentials/verify", {"verifiableCredential": expired, "options": {"checks": ["proof"]}})
    assert full.status_code == 400
    assert response.status_code == 200
    assert [check["check"] for check in body["checks"]] == ["structure", "proof", "key"]


@pytest.mark.parametrize("name", ["neg-eddsa-subject-changed.json", "neg-eddsa-signed-by-other-key.json",
                                  "neg-eddsa-dropped-member-injected.json", "neg-jcs-subject-changed.json"])
def test_options_checks_proof_still_refuses_a_bad_proof(client, name):
    response, body = post(client, "/credentials/verify",
                          {"verifiableCredential": fixture(name), "options": {"checks": ["proof"]}})
    assert (response.status_code, body["verified"]) == (400, False)


def test_a_presentation_with_challenge_and_domain(client):
    vp = presentation(nev_credential(), holder_key=HOLDER_KEY, challenge="c-123", domain="verifier.example")
    response, body = post(client, "/presentations/verify",
                          {"verifiablePresentation": vp, "options": {"challenge": "c-123", "domain": "verifier.example"}})
    assert response.status_code == 200
    assert body["outcome"] == "verified" and body["warnings"] == []
    assert body["verificationMethod"].startswith(HOLDER + "#")
    assert [credential["verified"] for credential in body["credentials"]] == [True]


@pytest.mark.parametrize("options, problem", [
    ({"challenge": "another", "domain": "verifier.example"}, SEC + "INVALID_CHALLENGE_ERROR"),
    ({"challenge": "c-123", "domain": "elsewhere.example"}, SEC + "INVALID_DOMAIN_ERROR"),
])
def test_a_presentation_for_another_challenge_or_domain(client, options, problem):
    vp = presentation(nev_credential(), holder_key=HOLDER_KEY, challenge="c-123", domain="verifier.example")
    response, body = post(client, "/presentations/verify", {"verifiablePresentation": vp, "options": options})
    assert response.status_code == 400
    assert problem in [error["type"] for error in body["errors"]]


def test_a_signed_presentation_checked_without_a_challenge_warns(client):
    vp = presentation(nev_credential(), holder_key=HOLDER_KEY, challenge="c-123")
    response, body = post(client, "/presentations/verify", {"verifiablePresentation": vp})
    assert response.status_code == 200
    assert body["outcome"] == "verified-with-warnings"
    assert [warning["type"] for warning in body["warnings"]] == [SP + "NO_CHALLENGE"]
    assert "not bound" in body["warnings"][0]["detail"]


def test_an_unsigned_presentation(client):
    vp = presentation(fixture("valid-eddsa-rdfc-2022.json"))
    response, body = post(client, "/presentations/verify", {"verifiablePresentation": vp})
    assert response.status_code == 200
    assert [warning["name"] for warning in body["warnings"]] == ["NO_CHALLENGE", "PRESENTATION_NOT_SIGNED"]
    refused, body = post(client, "/presentations/verify", {"verifiablePresentation": vp, "options": {"challenge": "c-1"}})
    assert refused.status_code == 400
    refused, body = post(client, "/presentations/verify", {"verifiablePresentation": vp, "options": {"domain": "v.example"}})
    assert refused.status_code == 400 and SEC + "INVALID_DOMAIN_ERROR" in [e["type"] for e in body["errors"]]


def test_a_presentation_with_a_replaced_proof_value(client):
    vp = presentation(nev_credential(), holder_key=HOLDER_KEY, challenge="c-123")
    other = presentation(nev_credential(), holder_key=ISSUER_KEY, challenge="c-123")
    vp["proof"]["proofValue"] = other["proof"]["proofValue"]
    response, body = post(client, "/presentations/verify", {"verifiablePresentation": vp, "options": {"challenge": "c-123"}})
    assert (response.status_code, body["verified"]) == (400, False)


def test_application_ld_json_is_accepted(client):
    body = json.dumps({"verifiableCredential": fixture("valid-eddsa-rdfc-2022.json")})
    response = client.post("/credentials/verify", data=body, content_type="application/ld+json")
    assert response.status_code == 200


@pytest.mark.parametrize("path, body, message", [
    ("/credentials/verify", [], "the request body must be a JSON object"),
    ("/credentials/verify", "a string", "the request body must be a JSON object"),
    ("/credentials/verify", 42, "the request body must be a JSON object"),
    ("/credentials/verify", {}, '"verifiableCredential" is missing'),
    ("/credentials/verify", {"verifiableCredential": None}, '"verifiableCredential" is missing'),
    ("/credentials/verify", {"verifiableCredential": json.dumps({"type": ["VerifiableCredential"]})},
     '"verifiableCredential" is a JSON string, not an object'),
    ("/credentials/verify", {"verifiableCredential": [{}]}, '"verifiableCredential" is a JSON array, not an object'),
    ("/credentials/verify", {"verifiableCredential": {}, "options": []}, '"options" must be a JSON object'),
    ("/credentials/verify", {"verifiableCredential": {}, "options": {"checks": "proof"}}, '"options.checks" must be a list'),
    ("/presentations/verify", {"verifiablePresentation": "{}"}, '"verifiablePresentation" is a JSON string'),
    ("/presentations/verify", {"verifiablePresentation": {}, "options": {"challenge": 7}}, '"options.challenge" must be a string'),
    ("/presentations/verify", {"verifiableCredential": {}}, '"verifiablePresentation" is missing'),
])
def test_unusable_requests_get_400_with_errors(client, path, body, message):
    response, answer = post(client, path, body)
    assert response.status_code == 400
    (error,) = answer["errors"]
    assert error["name"] == "MalformedCredential" and error["message"].startswith(message)


@pytest.mark.parametrize("path", ["/credentials/verify", "/presentations/verify"])
@pytest.mark.parametrize("data, status, name", [
    (b'{"verifiableCredential": {', 400, "MalformedCredential"),
    (b"\xff\xfe not utf-8", 400, "MalformedCredential"),
    (b'{"a": NaN}', 400, "MalformedCredential"),
    (b'{"a": 1, "a": 2}', 400, "MalformedCredential"),
    (deeply_nested().encode(), 400, "MalformedCredential"),
    (b"", 400, "MalformedCredential"),
    (b" " * (10 * 1024 * 1024), 413, "RequestEntityTooLarge"),
])
def test_bad_bodies_never_get_a_500(client, path, data, status, name):
    response = client.post(path, data=data, content_type="application/json")
    assert response.status_code == status and response.mimetype == "application/json"
    assert response.get_json()["errors"][0]["name"] == name


def test_a_chunked_body_over_the_limit(client):
    import io

    response = client.post("/credentials/verify", input_stream=io.BytesIO(b" " * (2 * 1024 * 1024)),
                           content_type="application/json", headers={"Transfer-Encoding": "chunked"},
                           environ_base={"wsgi.input_terminated": True})
    assert response.status_code == 413 and response.get_json()["errors"][0]["name"] in ("InputTooLarge", "RequestEntityTooLarge")


def test_a_body_that_is_not_json_gets_415(client):
    response = client.post("/credentials/verify", data={"verifiableCredential": "x"})
    assert response.status_code == 415 and response.get_json()["errors"][0]["name"] == "UnsupportedMediaType"


def test_other_methods_get_json_405(client):
    response = client.get("/credentials/verify")
    assert response.status_code == 405 and response.get_json()["verified"] is False


def test_the_api_needs_no_csrf_token_and_sets_no_cookie(client):
    response, _ = post(client, "/credentials/verify", {"verifiableCredential": fixture("valid-eddsa-rdfc-2022.json")})
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
