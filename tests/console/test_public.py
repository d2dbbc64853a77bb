"""Public documents: did:web DID documents, /.well-known/did.json, our context and schema."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import select

import schemas
from issuer.models import Institution, SigningKey
from schemas.profile import PROFILE_CONTEXT, schema_bytes

DEMO_DOCUMENT = "/institutions/demo-polytechnic/did.json"
DEMO_WEB_DID = "did:web:localhost:institutions:demo-polytechnic"


def set_method(app, slug: str, method: str) -> None:
    session = app.extensions["skillpass_db"].session()
    session.scalars(select(Institution).where(Institution.slug == slug)).one().did_method = method
    session.commit()
    session.close()


def public_keys(app, slug: str) -> list[str]:
    session = app.extensions["skillpass_db"].session()
    keys = session.scalars(select(SigningKey.public_key_multibase).join(Institution)
                           .where(Institution.slug == slug).order_by(SigningKey.id)).all()
    session.close()
    return keys


@pytest.fixture
def client(app, world):
    return app.test_client()


@pytest.fixture
def web_demo(app, world):
    set_method(app, "demo-polytechnic", "web")


def test_did_web_document(app, client, web_demo):
    response = client.get(DEMO_DOCUMENT)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["ETag"] and response.headers["Access-Control-Allow-Origin"] == "*"
    document = response.get_json()
    [key] = public_keys(app, "demo-polytechnic")
    method_id = f"{DEMO_WEB_DID}#{key}"
    assert document == {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": DEMO_WEB_DID,
        "verificationMethod": [{"id": method_id, "type": "Multikey", "controller": DEMO_WEB_DID, "publicKeyMultibase": key}],
        "assertionMethod": [method_id],
        "authentication": [method_id],
    }


def test_document_lists_retired_keys(app, client, web_demo, world):
    session = app.extensions["skillpass_db"].session()
    app.extensions["skillpass_keyring"].rotate(session, session.get(Institution, world.demo.id), "p-256")
    session.commit()
    session.close()
    document = client.get(DEMO_DOCUMENT).get_json()
    assert [m["publicKeyMultibase"] for m in document["verificationMethod"]] == public_keys(app, "demo-polytechnic")
    assert len(document["assertionMethod"]) == 2


def test_document_is_not_served_for_did_key_or_unknown_institutions(client, world):
    assert client.get(DEMO_DOCUMENT).status_code == 404  # the demo issues as did:key
    assert client.get("/institutions/no-such-college/did.json").status_code == 404
    assert client.get("/institutions/other-college/did.json").status_code == 404


def test_conditional_get(client, web_demo):
    etag = client.get(DEMO_DOCUMENT).headers["ETag"]
    again = client.get(DEMO_DOCUMENT, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""


def test_head(client, web_demo):
    response = client.head(DEMO_DOCUMENT)
    assert response.status_code == 200 and response.get_data() == b""


def test_host_and_port_are_encoded_in_the_did(app, client, web_demo):
    app.config["PUBLIC_URL"] = "https://credentials.example.edu:8443"
    document = client.get(DEMO_DOCUMENT).get_json()
    assert document["id"] == "did:web:credentials.example.edu%3A8443:institutions:demo-polytechnic"


def test_well_known_needs_configuration(app, client, web_demo):
    assert client.get("/.well-known/did.json").status_code == 404
    app.config["WELL_KNOWN_INSTITUTION"] = "no-such-college"
    assert client.get("/.well-known/did.json").status_code == 404
    app.config["WELL_KNOWN_INSTITUTION"] = "other-college"  # issues as did:key
    assert client.get("/.well-known/did.json").status_code == 404


def test_well_known_document_is_the_hosts_did(app, client, web_demo):
    app.config["WELL_KNOWN_INSTITUTION"] = "demo-polytechnic"
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "public, max-age=300"
    assert response.headers["Content-Type"] == "application/json"
    document = response.get_json()
    [key] = public_keys(app, "demo-polytechnic")
    assert document["id"] == "did:web:localhost" and document["alsoKnownAs"] == [DEMO_WEB_DID]
    assert document["verificationMethod"] == [{"id": f"did:web:localhost#{key}", "type": "Multikey",
                                               "controller": "did:web:localhost", "publicKeyMultibase": key}]
    assert document["assertionMethod"] == [f"did:web:localhost#{key}"]


def test_context_is_served_byte_for_byte(client):
    response = client.get("/contexts/shenzhen-agreement/v1")
    body = schemas.context_bytes(PROFILE_CONTEXT)
    assert response.status_code == 200 and response.get_data() == body
    assert response.headers["Content-Type"] == "application/ld+json"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["ETag"] == f'"{hashlib.sha256(body).hexdigest()}"'
    assert client.get("/contexts/shenzhen-agreement/v1", headers={"If-None-Match": response.headers["ETag"]}).status_code == 304


def test_schema_is_served_byte_for_byte(client):
    response = client.get("/schemas/learning-outcome-credential/v1.json")
    assert response.status_code == 200 and response.get_data() == schema_bytes()
    assert response.headers["Content-Type"] == "application/schema+json"
    assert response.headers["Cache-Control"].startswith("public, max-age=31536000")
    assert response.get_json()["$id"] == "https://skillspassport.org/schemas/learning-outcome-credential/v1.json"


def test_public_documents_need_no_sign_in_and_set_no_cookie(client, web_demo):
    for path in (DEMO_DOCUMENT, "/contexts/shenzhen-agreement/v1", "/schemas/learning-outcome-credential/v1.json"):
        response = client.get(path)
        assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_only_get_and_head(client, web_demo):
    assert client.post(DEMO_DOCUMENT).status_code in (400, 405)  # CSRF refuses a cookie-less POST first
    assert client.put("/contexts/shenzhen-agreement/v1").status_code in (400, 405)
