"""VC-API ``POST /credentials/issue``: every refusal of vc-api.md, success, tokens, limits."""

from __future__ import annotations

import base64
import copy
import hashlib
import io
import json
import os
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

import schemas
from dataintegrity import EDDSA_RDFC_2022, add_proof, multibase
from dataintegrity.datetimes import parse_date_time_stamp
from issuer.api import hash_token, new_token
from issuer.demo import DEMO_SLUG, seed_demo
from issuer.identity import local_resolver
from issuer.keyring import active_key, all_keys
from issuer.models import ApiToken, AuditEvent, Credential, Institution, StatusList, utcnow
from issuer.status import unsigned_list_credential
from schemas.profile import PROFILE_CONTEXT, PROFILE_SCHEMA_ID
from verifier import Verifier

from ..conftest import FIXTURES, read_json
from .conftest import migrated_app

V2 = "https://www.w3.org/ns/credentials/v2"
V1 = "https://www.w3.org/2018/credentials/v1"
OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
EXAMPLE = Path(schemas.__file__).parent / "examples" / "nev-high-voltage-service-sa-t3.json"
INTEROP_JS = Path(os.environ.get("SKILLPASS_INTEROP_DIR", "/nonexistent")) / "js"


# Helpers shared by the console tests -------------------------------------------------------------

def make_token(app, institution_id: int, name: str = "records system", *, revoked: bool = False) -> str:
    """Store a token for the institution (as the console does) and return the secret."""
    secret = new_token()
    session = app.extensions["skillpass_db"].session()
    session.add(ApiToken(institution_id=institution_id, name=name, token_hash=hash_token(secret), prefix=secret[:11],
                         revoked_at=utcnow() if revoked else None))
    session.commit()
    session.close()
    return secret


def issuer_did(app, institution_id: int) -> str:
    """The DID the institution signs as (did:key of its active key, or its did:web)."""
    from issuer.identity import institution_did

    with app.app_context():
        session = app.extensions["skillpass_db"].session()
        institution = session.get(Institution, institution_id)
        did = institution_did(institution, app.config["PUBLIC_URL"], active_key(session, institution))
        session.close()
    return did


def local_verifier(app, institution_id: int) -> Verifier:
    """The issuer's own verifier: the verifier pipeline over the institution's known keys."""
    session = app.extensions["skillpass_db"].session()
    institution = session.get(Institution, institution_id)
    resolver = local_resolver(institution, app.config["PUBLIC_URL"], all_keys(session, institution))
    session.close()
    return Verifier(loader=app.extensions["skillpass_loader"], profile=app.extensions["skillpass_profile"],
                    resolve_key=resolver)


def post_issue(client, token: str | None, body, *, content_type: str = "application/json"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post("/credentials/issue", data=data, content_type=content_type, headers=headers)


def count_credentials(app) -> int:
    session = app.extensions["skillpass_db"].session()
    count = session.scalar(select(func.count(Credential.id)))
    session.close()
    return count


def sri(content: bytes, algorithm: str = "sha384") -> str:
    return f"{algorithm}-" + base64.b64encode(hashlib.new(algorithm, content).digest()).decode()


def multihash_sha256(content: bytes) -> str:
    return multibase.encode(b"\x12\x20" + hashlib.sha256(content).digest(), "base64url")


# Fixtures ----------------------------------------------------------------------------------------

@pytest.fixture
def client(app, world):
    return app.test_client()


@pytest.fixture(scope="module")
def shared(tmp_path_factory):
    """One app for the refusal table (a refusal stores nothing), set up as conftest's ``app`` and ``world``."""
    app = migrated_app(tmp_path_factory.mktemp("api"))
    extensions = app.extensions
    session = extensions["skillpass_db"].session()
    seed_demo(session, extensions["skillpass_keyring"], extensions["skillpass_loader"], extensions["skillpass_profile"],
              app.config["PUBLIC_URL"])
    demo_id = session.scalars(select(Institution.id).where(Institution.slug == DEMO_SLUG)).one()
    session.close()
    did = issuer_did(app, demo_id)
    credential = read_json(FIXTURES / "unsigned-learning-outcome.json")
    credential["issuer"]["id"] = did
    yield SimpleNamespace(app=app, client=app.test_client(), token=make_token(app, demo_id), credential=credential)
    extensions["skillpass_db"].dispose()


@pytest.fixture
def token(app, world) -> str:
    return make_token(app, world.demo.id)


@pytest.fixture
def did(app, world) -> str:
    return issuer_did(app, world.demo.id)


@pytest.fixture
def credential(did) -> dict:
    """The reference learning-outcome credential, issued as the demo institution."""
    document = read_json(FIXTURES / "unsigned-learning-outcome.json")
    document["issuer"]["id"] = did
    return document


def v11_credential(did: str) -> dict:
    return {"@context": [V1], "id": "urn:uuid:6a1f3d2e-1111-4c4c-9d9d-0123456789ab", "type": ["VerifiableCredential"],
            "issuer": did, "issuanceDate": "2025-01-15T09:00:00Z", "credentialSubject": {"id": "did:example:learner-1"}}


# Every refusal of vc-api.md: (case, mutate, expected error name or None) ---------------------------

def drop(*keys):
    def mutate(credential):
        for key in keys:
            credential.pop(key, None)
    return mutate


def put(key, value):
    def mutate(credential):
        credential[key] = copy.deepcopy(value)
    return mutate


def put_in(path: tuple, value):
    def mutate(credential):
        target = credential
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = copy.deepcopy(value)
    return mutate


def add_context(entry):
    return lambda credential: credential["@context"].append(entry)


def as_v11(**changes):
    def mutate(credential):
        document = v11_credential(credential["issuer"]["id"])
        document.update(changes)
        return {key: value for key, value in document.items() if value is not ...}
    return mutate


STATUS = {"id": "https://example.org/status/1#3", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
          "statusListIndex": "3", "statusListCredential": "https://example.org/status/1"}
V2_BYTES = schemas.context_bytes(V2)

REFUSALS = [
    ("context-missing", drop("@context"), "InvalidContextOrder"),
    ("context-not-a-list", put("@context", V2), "InvalidContextOrder"),
    ("context-empty", put("@context", []), "InvalidContextOrder"),
    ("context-first-not-vc", lambda c: c["@context"].reverse(), "InvalidContextOrder"),
    ("context-entry-number", add_context(42), "MalformedCredential"),
    ("context-entry-null", add_context(None), "MalformedCredential"),
    ("context-entry-list", add_context([V2]), "MalformedCredential"),
    ("context-url-unparsable", add_context("https://exa mple.org/context"), "MalformedCredential"),
    ("context-not-a-url", add_context("not a url"), "MalformedCredential"),
    ("context-url-not-bundled", add_context("https://example.org/contexts/v1"), "DocumentLoadError"),
    ("context-redefines-protected-term", add_context({"VerifiableCredential": "https://example.org/vc"}), None),
    ("context-redefines-protected-type", add_context({"id": "https://example.org/id"}), None),
    ("type-missing", drop("type"), "MalformedCredential"),
    ("type-without-verifiable-credential", put("type", ["OpenBadgeCredential"]), "MalformedCredential"),
    ("type-not-strings", put("type", ["VerifiableCredential", 7]), "MalformedCredential"),
    ("type-undefined", put("type", ["VerifiableCredential", "OpenBadgeCredential", "UndefinedType"]), "UndefinedTerm"),
    ("type-relative-iri", put("type", ["VerifiableCredential", "OpenBadgeCredential", "./Local"]), "UndefinedTerm"),
    ("property-undefined", put("favouriteColour", "blue"), "UndefinedTerm"),
    ("subject-property-undefined", put_in(("credentialSubject", "shoeSize"), 42), "UndefinedTerm"),
    ("id-null", put("id", None), "MalformedCredential"),
    ("id-array", put("id", ["urn:uuid:1", "urn:uuid:2"]), "MalformedCredential"),
    ("id-not-a-url", put("id", "not a url"), "MalformedCredential"),
    ("id-relative", put("id", "credentials/1"), "MalformedCredential"),
    ("id-number", put("id", 42), "MalformedCredential"),
    ("issuer-missing", drop("issuer"), "MalformedCredential"),
    ("issuer-null", put("issuer", None), "MalformedCredential"),
    ("issuer-not-a-url", put("issuer", "not a url"), "MalformedCredential"),
    ("issuer-number", put("issuer", 42), "MalformedCredential"),
    ("issuer-object-without-id", put("issuer", {"type": ["Profile"], "name": "X"}), "MalformedCredential"),
    ("issuer-id-null", put_in(("issuer", "id"), None), "MalformedCredential"),
    ("issuer-id-not-a-url", put_in(("issuer", "id"), "Example University"), "MalformedCredential"),
    ("subject-missing", drop("credentialSubject"), "MalformedCredential"),
    ("subject-empty-object", put("credentialSubject", {}), "MalformedCredential"),
    ("subject-array-with-empty-object", put("credentialSubject", [{}]), "MalformedCredential"),
    ("subject-array-with-one-empty", lambda c: c.update(credentialSubject=[c["credentialSubject"], {}]), "MalformedCredential"),
    ("subject-empty-array", put("credentialSubject", []), "MalformedCredential"),
    ("subject-string", put("credentialSubject", "did:example:learner"), "MalformedCredential"),
    ("validFrom-date-only", put("validFrom", "2025-01-15"), "MalformedCredential"),
    ("validFrom-without-time-zone", put("validFrom", "2025-01-15T09:00:00"), "MalformedCredential"),
    ("validFrom-not-a-date", put("validFrom", "yesterday"), "MalformedCredential"),
    ("validFrom-number", put("validFrom", 20250115), "MalformedCredential"),
    ("validFrom-null", put("validFrom", None), "MalformedCredential"),
    ("validUntil-month-13", put("validUntil", "2030-13-01T00:00:00Z"), "MalformedCredential"),
    ("validUntil-lowercase-t", put("validUntil", "2030-01-01t00:00:00Z"), "MalformedCredential"),
    ("validFrom-after-validUntil", lambda c: c.update(validFrom="2026-01-01T00:00:00Z", validUntil="2025-12-31T23:59:59Z"),
     "MalformedCredential"),
    ("issuanceDate-in-v2", put("issuanceDate", "2025-01-15T09:00:00Z"), "UndefinedTerm"),
    ("v11-issuanceDate-not-a-dateTimeStamp", as_v11(issuanceDate="2025-01-15"), "MalformedCredential"),
    ("v11-issuanceDate-missing", as_v11(issuanceDate=...), "MalformedCredential"),
    ("v11-expirationDate-before-issuanceDate", as_v11(expirationDate="2024-01-01T00:00:00Z"), "MalformedCredential"),
    ("name-language-value-extra-key", put("name", [{"@value": "Cryptography", "@language": "en", "foo": "bar"}]),
     "MalformedCredential"),
    ("name-language-value-with-type", put("name", {"@value": "Cryptography", "@language": "en", "@type": "xsd:string"}),
     "MalformedCredential"),
    ("description-language-value-extra-key",
     put("description", [{"@value": "A credential", "@language": "en", "@direction": "ltr", "@id": "urn:x"}]),
     "MalformedCredential"),
    ("achievement-name-language-value-extra-key",
     put_in(("credentialSubject", "achievement", "name"), {"@value": "X", "@language": "en", "lang": "en"}),
     "MalformedCredential"),
    ("credentialStatus-without-type", put("credentialStatus", {k: v for k, v in STATUS.items() if k != "type"}),
     "MalformedCredential"),
    ("credentialStatus-entry-not-object", put("credentialStatus", ["https://example.org/status/1#3"]), "MalformedCredential"),
    ("termsOfUse-without-type", put("termsOfUse", {"id": "https://example.org/terms"}), "MalformedCredential"),
    ("evidence-without-type", put("evidence", [{"id": "https://example.org/evidence/1"}]), "MalformedCredential"),
    ("refreshService-without-type", put("refreshService", {"id": "https://example.org/refresh"}), "MalformedCredential"),
    ("credentialSchema-without-type", put("credentialSchema", {"id": PROFILE_SCHEMA_ID}), "MalformedCredential"),
    ("credentialSchema-without-id", put("credentialSchema", {"type": "JsonSchema"}), "MalformedCredential"),
    ("credentialSchema-id-not-a-url", put("credentialSchema", {"id": "schema v1", "type": "JsonSchema"}), "MalformedCredential"),
    ("credentialStatus-several-ids",
     put("credentialStatus", {**STATUS, "id": ["https://example.org/status/1#3", "https://example.org/status/1#4"]}),
     "MalformedCredential"),
    ("credentialStatus-id-not-a-url", put("credentialStatus", {**STATUS, "id": "status three"}), "MalformedCredential"),
    ("relatedResource-not-an-array", put("relatedResource", {"id": V2, "digestSRI": sri(V2_BYTES)}), "MalformedCredential"),
    ("relatedResource-array-of-strings", put("relatedResource", [V2]), "MalformedCredential"),
    ("relatedResource-empty-array", put("relatedResource", []), "MalformedCredential"),
    ("relatedResource-without-id", put("relatedResource", [{"digestSRI": sri(V2_BYTES)}]), "MalformedCredential"),
    ("relatedResource-repeated-id",
     put("relatedResource", [{"id": V2, "digestSRI": sri(V2_BYTES)}, {"id": V2, "digestSRI": sri(V2_BYTES, "sha256")}]),
     "MalformedCredential"),
    ("relatedResource-without-digest", put("relatedResource", [{"id": V2}]), "MalformedCredential"),
    ("relatedResource-wrong-digestSRI", put("relatedResource", [{"id": V2, "digestSRI": sri(b"other bytes")}]),
     "MalformedCredential"),
    ("relatedResource-malformed-digestSRI", put("relatedResource", [{"id": V2, "digestSRI": "md5-abc"}]), "MalformedCredential"),
    ("relatedResource-wrong-digestMultibase",
     put("relatedResource", [{"id": V2, "digestMultibase": multihash_sha256(b"other bytes")}]), "MalformedCredential"),
    ("relatedResource-digestMultibase-not-multihash",
     put("relatedResource", [{"id": V2, "digestMultibase": multibase.encode(hashlib.sha256(V2_BYTES).digest())}]),
     "MalformedCredential"),
    ("relatedResource-cannot-be-checked",
     put("relatedResource", [{"id": "https://example.org/logo.png", "digestSRI": sri(b"png")}]), "MalformedCredential"),
    ("already-has-a-proof", put("proof", {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022"}),
     "MalformedCredential"),
]


@pytest.mark.parametrize("case, mutate, name", REFUSALS, ids=[case for case, _, _ in REFUSALS])
def test_every_refusal_is_400_with_errors(shared, case, mutate, name):
    document = copy.deepcopy(shared.credential)
    document = mutate(document) or document
    before = count_credentials(shared.app)
    response = post_issue(shared.client, shared.token, {"credential": document, "options": {}})
    assert response.status_code == 400, response.get_data(as_text=True)
    errors = response.get_json()["errors"]
    assert errors and all(isinstance(e["name"], str) and isinstance(e["message"], str) and e["message"] for e in errors)
    if name is not None:
        assert errors[0]["name"] == name, errors
    assert count_credentials(shared.app) == before


def test_refusal_messages_name_the_property(client, token, credential):
    credential["validFrom"] = "2025-01-15"
    message = post_issue(client, token, {"credential": credential}).get_json()["errors"][0]["message"]
    assert "validFrom" in message and "dateTimeStamp" in message


# Success ----------------------------------------------------------------------------------------

def test_issues_201_keeping_everything_the_client_sent(app, world, client, token, credential, did):
    response = post_issue(client, token, {"credential": credential, "options": {}})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    signed = response.get_json()["verifiableCredential"]
    assert {key: value for key, value in signed.items() if key not in ("credentialStatus", "proof")} == credential
    assert list(signed)[: len(credential)] == list(credential)  # key order kept too
    proof = signed["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-rdfc-2022"
    assert proof["proofPurpose"] == "assertionMethod"
    assert proof["verificationMethod"] == f"{did}#{did.removeprefix('did:key:')}"
    assert proof["proofValue"].startswith("z")
    parse_date_time_stamp(proof["created"], property="created")
    status = signed["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListIndex"].isdigit()
    assert status["statusListCredential"].startswith(f"{app.config['PUBLIC_URL']}/status/demo-polytechnic/revocation/")
    assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"
    assert local_verifier(app, world.demo.id).verify_credential(signed, now=NOW).verified


def test_issued_credential_is_stored_and_audited(app, world, client, token, credential):
    credential["credentialSubject"]["name"] = [{"@value": "Lina Phommachanh", "@language": "en"},
                                               {"@value": "ລີນາ", "@language": "lo"}]
    signed = post_issue(client, token, {"credential": credential}).get_json()["verifiableCredential"]
    session = app.extensions["skillpass_db"].session()
    row = session.scalars(select(Credential).where(Credential.credential_id == credential["id"])).one()
    assert row.institution_id == world.demo.id and row.achievement_id is None and row.row_key is None
    assert row.learner_name == "Lina Phommachanh" and row.issued_by == "api:records system"
    assert json.loads(row.document) == signed
    assert row.revocation_index == int(signed["credentialStatus"]["statusListIndex"])
    assert session.get(StatusList, row.revocation_list_id).purpose == "revocation"
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "credential.issue",
                                                     AuditEvent.target == credential["id"])).one()
    assert event.actor == "api:records system" and event.institution_id == world.demo.id
    session.close()


def test_credential_without_id_or_name_is_stored(app, client, token, credential):
    del credential["id"]
    signed = post_issue(client, token, {"credential": credential}).get_json()["verifiableCredential"]
    assert "id" not in signed
    session = app.extensions["skillpass_db"].session()
    row = session.scalars(select(Credential).where(Credential.issued_by == "api:records system")).one()
    assert row.credential_id.startswith("urn:uuid:") and row.learner_name == ""
    session.close()


@pytest.mark.parametrize("options", [{}, None, "missing", {"unknownOption": True, "credentialId": "x"}])
def test_options_may_be_missing_null_empty_or_unknown(client, token, credential, options):
    body = {"credential": credential} if options == "missing" else {"credential": credential, "options": options}
    assert post_issue(client, token, body).status_code == 201


def test_accepts_application_ld_json(client, token, credential):
    assert post_issue(client, token, {"credential": credential}, content_type="application/ld+json").status_code == 201


@pytest.mark.parametrize("field, value", [
    ("validFrom", "2025-01-15T09:00:00.123Z"),
    ("validFrom", "2025-01-15T09:00:00-05:00"),
    ("validFrom", "2025-01-15T09:00:00.5+05:45"),
    ("validUntil", "2999-12-31T23:59:59Z"),
    ("validUntil", "9999-12-31T23:59:59.999Z"),
    ("validUntil", "12025-01-01T00:00:00Z"),
    ("validFrom", "2099-01-01T00:00:00Z"),  # not yet valid is still issuable
])
def test_valid_date_forms_are_accepted(app, world, client, token, credential, field, value):
    credential[field] = value
    response = post_issue(client, token, {"credential": credential})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert response.get_json()["verifiableCredential"][field] == value


def test_vc_11_gets_the_data_integrity_context_appended(app, world, client, token, did):
    credential = v11_credential(did)
    response = post_issue(client, token, {"credential": credential})
    assert response.status_code == 201, response.get_data(as_text=True)
    signed = response.get_json()["verifiableCredential"]
    assert signed["@context"][0] == V1 and signed["@context"][-1] == "https://w3id.org/security/data-integrity/v2"
    assert signed["issuanceDate"] == credential["issuanceDate"]
    assert local_verifier(app, world.demo.id).verify_credential(signed, now=NOW).verified


def test_vc_20_context_is_never_added_to(client, token, credential):
    signed = post_issue(client, token, {"credential": credential}).get_json()["verifiableCredential"]
    assert signed["@context"] == credential["@context"]


def test_inline_context_object_is_accepted(client, token, credential):
    credential["@context"].append({"favouriteColour": "https://example.org/vocab#favouriteColour"})
    credential["favouriteColour"] = "blue"
    assert post_issue(client, token, {"credential": credential}).status_code == 201


def test_clients_credential_status_is_kept_and_ours_added(client, token, credential):
    credential["credentialStatus"] = STATUS
    signed = post_issue(client, token, {"credential": credential}).get_json()["verifiableCredential"]
    assert signed["credentialStatus"][0] == STATUS
    assert signed["credentialStatus"][1]["statusListCredential"].startswith("http://localhost/status/")


def test_related_resources_with_matching_digests(client, token, credential):
    credential["relatedResource"] = [
        {"id": V2, "digestSRI": sri(V2_BYTES)},
        {"id": OB, "digestSRI": f"sha256-AAAA {sri(schemas.context_bytes(OB), 'sha512')}"},  # strongest wins
        {"id": PROFILE_SCHEMA_ID, "digestMultibase": multihash_sha256(schemas.profile.schema_bytes())},
    ]
    response = post_issue(client, token, {"credential": credential})
    assert response.status_code == 201, response.get_data(as_text=True)


def profile_example(did: str) -> dict:
    example = read_json(EXAMPLE)
    for key in ("proof", "credentialStatus"):
        example.pop(key, None)
    example["issuer"]["id"] = did
    return example


def test_profile_credential_passes_the_profile_check(app, world, client, token, did):
    response = post_issue(client, token, {"credential": profile_example(did)})
    assert response.status_code == 201, response.get_data(as_text=True)
    signed = response.get_json()["verifiableCredential"]
    result = local_verifier(app, world.demo.id).verify_credential(signed, now=datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert result.verified and "schema" in [check.name for check in result.checks]


def test_profile_violation_is_refused_when_the_credential_names_our_schema(app, client, token, did):
    credential = profile_example(did)
    credential["credentialSubject"]["creditsEarned"] = 99
    response = post_issue(client, token, {"credential": credential})
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert errors[0]["name"] == "SchemaViolation" and "creditsEarned" in errors[0]["message"]
    assert count_credentials(app) == 3  # the demo's own


def test_profile_is_not_applied_to_other_credentials(client, token, credential):
    credential["credentialSubject"]["creditsEarned"] = 99  # more than available: only our profile forbids it
    assert post_issue(client, token, {"credential": credential}).status_code == 201


def test_same_id_is_not_issued_twice(client, token, credential):
    assert post_issue(client, token, {"credential": credential}).status_code == 201
    again = post_issue(client, token, {"credential": credential})
    assert again.status_code == 400 and again.get_json()["errors"][0]["name"] == "DuplicateCredential"


def test_p256_key_signs_with_ecdsa_rdfc_2019(app, world, client):
    session = app.extensions["skillpass_db"].session()
    other = session.get(Institution, world.other.id)
    app.extensions["skillpass_keyring"].rotate(session, other, "p-256")
    session.commit()
    session.close()
    did = issuer_did(app, world.other.id)
    document = read_json(FIXTURES / "unsigned-learning-outcome.json")
    document["issuer"]["id"] = did
    response = post_issue(client, make_token(app, world.other.id), {"credential": document})
    assert response.status_code == 201, response.get_data(as_text=True)
    signed = response.get_json()["verifiableCredential"]
    assert signed["proof"]["cryptosuite"] == "ecdsa-rdfc-2019" and did.startswith("did:key:zDn")
    assert local_verifier(app, world.other.id).verify_credential(signed, now=NOW).verified


def test_did_web_institution_issues_as_its_did_web(app, world, client, token, credential, did):
    session = app.extensions["skillpass_db"].session()
    session.get(Institution, world.demo.id).did_method = "web"
    session.commit()
    session.close()
    refused = post_issue(client, token, {"credential": credential})  # still names the did:key
    assert refused.status_code == 400 and "did:web:localhost:institutions:demo-polytechnic" in refused.get_data(as_text=True)
    credential["issuer"]["id"] = "did:web:localhost:institutions:demo-polytechnic"
    response = post_issue(client, token, {"credential": credential})
    assert response.status_code == 201, response.get_data(as_text=True)
    signed = response.get_json()["verifiableCredential"]
    assert signed["proof"]["verificationMethod"].startswith("did:web:localhost:institutions:demo-polytechnic#z6Mk")
    assert local_verifier(app, world.demo.id).verify_credential(signed, now=NOW).verified


# Tokens -----------------------------------------------------------------------------------------

def assert_401(response, *, invalid_token: bool):
    assert response.status_code == 401
    challenge = response.headers["WWW-Authenticate"]
    assert challenge.startswith("Bearer ") and ('error="invalid_token"' in challenge) == invalid_token
    assert response.get_json()["errors"][0]["name"] == "Unauthorized"


def test_missing_token_is_401(client, credential):
    assert_401(post_issue(client, None, {"credential": credential}), invalid_token=False)


@pytest.mark.parametrize("header", ["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "sp_abc", "Token sp_abc"])
def test_malformed_authorization_is_401(client, credential, header):
    response = client.post("/credentials/issue", json={"credential": credential}, headers={"Authorization": header})
    assert_401(response, invalid_token=False)


def test_wrong_token_is_401(client, token, credential):
    assert_401(post_issue(client, token + "x", {"credential": credential}), invalid_token=True)
    assert_401(post_issue(client, new_token(), {"credential": credential}), invalid_token=True)


def test_token_hash_itself_is_not_a_token(app, client, token, credential):
    assert_401(post_issue(client, hash_token(token), {"credential": credential}), invalid_token=True)


def test_revoked_token_is_401(app, world, client, credential):
    revoked = make_token(app, world.demo.id, revoked=True)
    assert_401(post_issue(client, revoked, {"credential": credential}), invalid_token=True)


def test_token_checked_before_the_body(client):
    assert_401(post_issue(client, None, b"not json"), invalid_token=False)


def test_token_of_another_institution_cannot_issue_as_this_one(app, world, client, credential):
    other_token = make_token(app, world.other.id, "other college system")
    response = post_issue(client, other_token, {"credential": credential})  # issuer: the demo's DID
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["message"].startswith('"issuer" is')
    assert count_credentials(app) == 3


def test_institution_without_a_key_gets_503(app, client, credential):
    session = app.extensions["skillpass_db"].session()
    keyless = Institution(slug="keyless", name="Keyless Institute", names={}, country="GH", url="https://keyless.example/")
    session.add(keyless)
    session.commit()
    keyless_id = session.get(Institution, keyless.id).id
    session.close()
    response = post_issue(client, make_token(app, keyless_id), {"credential": credential})
    assert response.status_code == 503 and response.get_json()["errors"][0]["name"] == "NoSigningKey"


# Bodies -----------------------------------------------------------------------------------------

def test_ten_megabyte_body_is_413_json(app, client, token):
    body = b'{"credential": {"name": "' + b"x" * (10 * 1024 * 1024) + b'"}}'
    response = post_issue(client, token, body)
    assert response.status_code == 413
    assert response.get_json()["errors"][0]["name"] == "RequestEntityTooLarge"


def test_body_of_unknown_length_is_bounded_too(client, token):
    body = b'{"credential": {"name": "' + b"x" * (2 * 1024 * 1024) + b'"}}'
    response = client.post("/credentials/issue", input_stream=io.BytesIO(body), content_type="application/json",
                           headers={"Authorization": f"Bearer {token}", "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413 and response.get_json()["errors"][0]["name"] == "InputTooLarge"


def test_malformed_json_is_400_json(client, token):
    response = post_issue(client, token, b'{"credential": {"type": [}')
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert "not valid JSON" in response.get_json()["errors"][0]["message"]


def test_ten_thousand_deep_json_is_400(client, token):
    body = '{"credential": ' + "[" * 10_000 + "]" * 10_000 + "}"
    response = post_issue(client, token, body)
    assert response.status_code == 400 and "nests deeper" in response.get_json()["errors"][0]["message"]


def test_duplicate_keys_are_400(client, token, credential):
    body = json.dumps({"credential": credential})[:-1] + ', "credential": {}}'
    assert post_issue(client, token, body).status_code == 400


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""])
def test_other_media_types_are_415(client, token, credential, content_type):
    response = post_issue(client, token, {"credential": credential}, content_type=content_type)
    assert response.status_code == 415 and response.get_json()["errors"][0]["name"] == "UnsupportedMediaType"


@pytest.mark.parametrize("body", [[], "credential", 42, None, {}, {"credential": None}, {"credential": "{}"},
                                  {"credential": []}, {"verifiableCredential": {}}],
                         ids=lambda body: json.dumps(body))
def test_body_that_is_not_an_issue_request_is_400(client, token, body):
    response = post_issue(client, token, body)
    assert response.status_code == 400 and response.get_json()["errors"]


def test_options_that_is_not_an_object_is_400(client, token, credential):
    assert post_issue(client, token, {"credential": credential, "options": "fast"}).status_code == 400


ODD_VALUES = [None, 0, -1.5, True, "", "x", [], {}, [None], [{}], {"@value": None}, {"@id": "urn:x"}]


def test_never_500_on_odd_values_anywhere(shared):
    credential = shared.credential
    paths = [(key,) for key in credential] + [("issuer", key) for key in credential["issuer"]] + \
            [("credentialSubject", key) for key in credential["credentialSubject"]]
    for path in paths:
        for value in ODD_VALUES:
            document = copy.deepcopy(credential)
            document["id"] = f"urn:uuid:{hashlib.sha256(repr((path, value)).encode()).hexdigest()[:32]}"
            put_in(path, value)(document)
            response = post_issue(shared.client, shared.token, {"credential": document})
            assert response.status_code in (201, 400), (path, value, response.get_data(as_text=True))
            assert response.is_json


# The reference JavaScript stack (if installed) ---------------------------------------------------

def signed_status_dir(app, institution_id: int, url: str, folder: Path) -> Path:
    """The institution's revocation list at ``url``, signed with its key, for verify.mjs --status."""
    session = app.extensions["skillpass_db"].session()
    institution = session.get(Institution, institution_id)
    status_list = session.scalars(select(StatusList).where(StatusList.institution_id == institution_id,
                                                           StatusList.purpose == "revocation")).first()
    key = active_key(session, institution)
    signer = app.extensions["skillpass_keyring"].signer(institution, key, app.config["PUBLIC_URL"])
    unsigned = unsigned_list_credential(session, status_list, public_url=app.config["PUBLIC_URL"], slug=institution.slug,
                                        issuer=signer.id.split("#")[0], valid_from="2025-01-01T00:00:00Z")
    signed = add_proof(unsigned, suite=EDDSA_RDFC_2022, signer=signer, loader=app.extensions["skillpass_loader"],
                       created=NOW)
    session.close()
    assert signed["id"] == url
    folder.mkdir()
    (folder / "list.json").write_text(json.dumps(signed))
    (folder / "status.json").write_text(json.dumps({url: "list.json"}))
    return folder


@pytest.mark.skipif(not (INTEROP_JS / "node_modules").is_dir() or shutil.which("node") is None,
                    reason="the reference JavaScript stack is not installed (SKILLPASS_INTEROP_DIR)")
@pytest.mark.parametrize("profile", [False, True], ids=["fixture", "profile-example"])
def test_reference_stack_verifies_what_the_api_issues(app, world, client, token, credential, did, tmp_path, profile):
    document = profile_example(did) if profile else credential
    signed = post_issue(client, token, {"credential": document}).get_json()["verifiableCredential"]
    (tmp_path / "signed.json").write_text(json.dumps(signed, ensure_ascii=False))
    contexts = tmp_path / "contexts"
    contexts.mkdir()
    (contexts / "sp-v1.json").write_bytes(schemas.context_bytes(PROFILE_CONTEXT))
    (contexts / "contexts.json").write_text(json.dumps({PROFILE_CONTEXT: "sp-v1.json"}))
    status = signed_status_dir(app, world.demo.id, signed["credentialStatus"]["statusListCredential"], tmp_path / "status")
    result = subprocess.run(["node", "verify.mjs", tmp_path / "signed.json", "--contexts", contexts, "--status", status,
                             "--now", "2027-01-01T00:00:00Z"], cwd=INTEROP_JS, capture_output=True, text=True, timeout=120)
    assert json.loads(result.stdout) == {"verified": True, "errors": []}, result.stdout + result.stderr
