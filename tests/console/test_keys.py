"""Keys and identity: the DID, first key, rotation, DID method, roles, tenants, and no private key anywhere."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import LargeBinary, select

from dataintegrity.errors import InvalidVerificationMethod
from dataintegrity.keys import VerificationMethod, decode_public_key, encode_private_key
from issuer import keystore
from issuer.models import Achievement, AuditEvent, Base, Institution, SigningKey
from issuer.service import Issuer, LearnerRecord
from verifier import Verifier

from .conftest import Browser
from .test_users import add_user, other_admin  # noqa: F401  (fixture)

DEMO_WEB_DID = "did:web:localhost:institutions:demo-polytechnic"
NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def keys_of(app, institution_id: int) -> list[SigningKey]:
    session = app.extensions["skillpass_db"].session()
    found = session.scalars(select(SigningKey).where(SigningKey.institution_id == institution_id)
                            .order_by(SigningKey.id)).all()
    session.close()
    return found


def institution(app, institution_id: int) -> Institution:
    session = app.extensions["skillpass_db"].session()
    found = session.get(Institution, institution_id)
    session.close()
    return found


def audit(app, action: str) -> list[AuditEvent]:
    session = app.extensions["skillpass_db"].session()
    found = session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()
    session.close()
    return found


def issue_one(app, institution_id: int, student: str = "T-0001") -> dict:
    """A catalogue credential issued by the service, as a registrar would."""
    extensions = app.extensions
    session = extensions["skillpass_db"].session()
    issuer = Issuer(session=session, institution=session.get(Institution, institution_id),
                    keyring=extensions["skillpass_keyring"], loader=extensions["skillpass_loader"],
                    profile=extensions["skillpass_profile"], public_url=app.config["PUBLIC_URL"])
    achievement = session.scalars(select(Achievement).where(Achievement.institution_id == institution_id)).first()
    [row] = issuer.issue(achievement, [LearnerRecord(student, "Test Learner", date(2026, 1, 15))], actor="test")
    document = json.loads(row.document)
    session.close()
    return document


def resolver_from_document(document: dict):
    """A key resolver that knows only what a did:web DID document says (as a remote verifier would)."""

    def resolve(verification_method: str, purpose: str) -> VerificationMethod:
        if verification_method not in document.get(purpose, []):
            raise InvalidVerificationMethod(f"{verification_method} is not listed under {purpose}")
        method = next(m for m in document["verificationMethod"] if m["id"] == verification_method)
        return VerificationMethod(method["id"], method["controller"], decode_public_key(method["publicKeyMultibase"]))

    return resolve


def verify_with_served_document(app, credential: dict) -> bool:
    did = credential["issuer"]["id"]
    slug = did.rsplit(":", 1)[1]
    document = app.test_client().get(f"/institutions/{slug}/did.json").get_json()
    assert document["id"] == did
    verifier = Verifier(loader=app.extensions["skillpass_loader"], resolve_key=resolver_from_document(document))
    return verifier.verify_credential(credential, now=NOW).verified


def switch_method(browser: Browser, method: str):
    return browser.post_form("/console/keys/", "/console/keys/did-method", method=method, confirm="y")


def rotate(browser: Browser, key_type: str = "ed25519"):
    return browser.post_form("/console/keys/", "/console/keys/rotate", key_type=key_type, confirm="y")


@pytest.fixture
def keyless(app) -> Browser:
    """Signed in as the admin of an institution that has no key yet."""
    session = app.extensions["skillpass_db"].session()
    new = Institution(slug="new-college", name="New College", names={}, country="KH", url="https://new.example/")
    session.add(new)
    session.commit()
    new_id = new.id
    session.close()
    add_user(app, new_id, "admin@new.example")
    browser = Browser(app.test_client())
    browser.sign_in("admin@new.example")
    browser.institution_id = new_id
    return browser


def test_page_shows_the_did_and_every_public_key(app, signed_in, world):
    page = signed_in("admin").client.get("/console/keys/").get_data(as_text=True)
    [key] = keys_of(app, world.demo.id)
    assert f"did:key:{key.public_key_multibase}" in page and "Ed25519" in page and "Active" in page
    assert key.created_at.strftime("%Y-%m-%d") in page
    assert "did.json" not in page  # no DID document for did:key
    assert "did:web" in page and "did:key" in page and "HTTPS" in page  # both methods explained


def test_generate_first_key(app, keyless):
    page = keyless.client.get("/console/keys/").get_data(as_text=True)
    assert "no signing key yet" in page and "Generate the signing key" in page
    response = keyless.post_form("/console/keys/", "/console/keys/generate", key_type="p-256")
    assert response.status_code == 302
    [key] = keys_of(app, keyless.institution_id)
    assert key.algorithm == "P-256" and key.status == "active" and key.public_key_multibase.startswith("zDn")
    page = keyless.client.get("/console/keys/").get_data(as_text=True)
    assert f"did:key:{key.public_key_multibase}" in page and "Rotate the key" in page
    [event] = audit(app, "key.generate")
    assert (event.actor, event.target, event.detail) == ("admin@new.example", key.public_key_multibase, {"algorithm": "P-256"})
    again = keyless.post_form("/console/keys/", "/console/keys/generate", key_type="ed25519")
    assert again.status_code == 302 and len(keys_of(app, keyless.institution_id)) == 1
    assert "already has keys" in keyless.client.get("/console/keys/").get_data(as_text=True)


def test_unknown_key_type_is_refused(app, keyless):
    keyless.post_form("/console/keys/", "/console/keys/generate", key_type="rsa")
    assert keys_of(app, keyless.institution_id) == []
    assert "Not a valid choice" in keyless.client.get("/console/keys/").get_data(as_text=True)


def test_rotation_needs_confirmation(app, signed_in, world):
    browser = signed_in("admin")
    browser.post_form("/console/keys/", "/console/keys/rotate", key_type="ed25519")
    assert len(keys_of(app, world.demo.id)) == 1
    assert "Tick the box" in browser.client.get("/console/keys/").get_data(as_text=True)


def test_rotation_with_did_key_changes_the_did(app, signed_in, world):
    browser = signed_in("admin")
    [old] = keys_of(app, world.demo.id)
    before = issue_one(app, world.demo.id)
    assert rotate(browser, "p-256").status_code == 302
    retired, new = keys_of(app, world.demo.id)
    assert (retired.status, new.status, new.algorithm) == ("retired", "active", "P-256")
    assert retired.retired_at is not None and retired.public_key_multibase == old.public_key_multibase
    page = browser.client.get("/console/keys/").get_data(as_text=True)
    assert f"did:key:{new.public_key_multibase}" in page and "Retired" in page
    after = issue_one(app, world.demo.id, "T-0002")
    assert after["issuer"]["id"] == f"did:key:{new.public_key_multibase}" != before["issuer"]["id"]
    assert after["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
    verifier = Verifier(loader=app.extensions["skillpass_loader"])  # did:key: resolved by computation
    assert verifier.verify_credential(before, now=NOW).verified and verifier.verify_credential(after, now=NOW).verified
    [event] = audit(app, "key.rotate")
    assert event.detail == {"algorithm": "P-256", "retired": [old.public_key_multibase]}


def test_did_web_rotation_keeps_earlier_credentials_verifying(app, signed_in, world):
    browser = signed_in("admin")
    assert switch_method(browser, "web").status_code == 302
    before = issue_one(app, world.demo.id)
    assert before["issuer"]["id"] == DEMO_WEB_DID
    assert verify_with_served_document(app, before)
    rotate(browser)
    after = issue_one(app, world.demo.id, "T-0002")
    assert after["issuer"]["id"] == DEMO_WEB_DID and after["proof"]["verificationMethod"] != before["proof"]["verificationMethod"]
    document = app.test_client().get("/institutions/demo-polytechnic/did.json").get_json()
    assert len(document["verificationMethod"]) == 2 and len(document["assertionMethod"]) == 2
    assert verify_with_served_document(app, before) and verify_with_served_document(app, after)


def test_switch_did_method(app, signed_in, world):
    browser = signed_in("admin")
    refused = browser.post_form("/console/keys/", "/console/keys/did-method", method="web")  # not confirmed
    assert refused.status_code == 302 and institution(app, world.demo.id).did_method == "key"
    switch_method(browser, "web")
    assert institution(app, world.demo.id).did_method == "web"
    page = browser.client.get("/console/keys/").get_data(as_text=True)
    assert DEMO_WEB_DID in page and "http://localhost/institutions/demo-polytechnic/did.json" in page
    assert "not served over HTTPS" in page  # PUBLIC_URL is http:// in the tests
    switch_method(browser, "key")
    [key] = keys_of(app, world.demo.id)
    assert institution(app, world.demo.id).did_method == "key"
    assert [(e.target, e.detail) for e in audit(app, "identity.did_method")] == [
        (DEMO_WEB_DID, {"from": "key", "to": "web"}), (f"did:key:{key.public_key_multibase}", {"from": "web", "to": "key"})]
    switch_method(browser, "key")  # no change, nothing audited
    assert len(audit(app, "identity.did_method")) == 2


def test_unknown_did_method_is_refused(app, signed_in, world):
    signed_in("admin").post_form("/console/keys/", "/console/keys/did-method", method="ion", confirm="y")
    assert institution(app, world.demo.id).did_method == "key"


@pytest.mark.parametrize("role", ["registrar", "viewer"])
def test_only_admins(app, signed_in, world, role):
    browser = signed_in(role)
    assert browser.client.get("/console/keys/").status_code == 403
    for action, data in [("/console/keys/generate", {"key_type": "ed25519"}),
                         ("/console/keys/rotate", {"key_type": "ed25519", "confirm": "y"}),
                         ("/console/keys/did-method", {"method": "web", "confirm": "y"})]:
        assert browser.post_form("/console/", action, **data).status_code == 403
    assert len(keys_of(app, world.demo.id)) == 1 and institution(app, world.demo.id).did_method == "key"


def test_tenant_isolation(app, world, other_admin):  # noqa: F811
    [demo_key], [other_key] = keys_of(app, world.demo.id), keys_of(app, world.other.id)
    page = other_admin.client.get("/console/keys/").get_data(as_text=True)
    assert other_key.public_key_multibase in page and demo_key.public_key_multibase not in page
    rotate(other_admin)
    switch_method(other_admin, "web")
    assert keys_of(app, world.demo.id)[0].status == "active" and len(keys_of(app, world.demo.id)) == 1
    assert institution(app, world.demo.id).did_method == "key" and institution(app, world.other.id).did_method == "web"
    assert all(event.institution_id == world.other.id for event in audit(app, "key.rotate") + audit(app, "identity.did_method"))


# No private key material, anywhere ---------------------------------------------------------------

def private_forms(app, key: SigningKey) -> list[str]:
    """Every text form of the key's private half that could leak: Multikey, PEM body, raw, the key file."""
    path = Path(app.config["KEYSTORE_DIR"]) / key.key_file
    private = keystore.load_private_key(path, app.config["KEY_PASSPHRASE"].encode())
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    der = private.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    secret_multibase = encode_private_key(private)
    raw = bytes.fromhex(_raw_hex(private))
    encrypted_lines = [line for line in path.read_text().splitlines() if not line.startswith("-----")]
    pem_lines = [line for line in pem.splitlines() if not line.startswith("-----")]
    return [secret_multibase, secret_multibase[1:], "".join(pem_lines), *pem_lines, base64.b64encode(der).decode(),
            raw.hex(), base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode().rstrip("="),
            *encrypted_lines, "PRIVATE KEY"]


def _raw_hex(private) -> str:
    if hasattr(private, "private_numbers"):
        return f"{private.private_numbers().private_value:064x}"
    return private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption()).hex()


def database_texts(app) -> list[str]:
    """Every value of every column of every table, as text."""
    session = app.extensions["skillpass_db"].session()
    texts = []
    for table in Base.metadata.sorted_tables:
        for row in session.execute(select(table)):
            for column, value in zip(table.columns, row):
                if isinstance(column.type, LargeBinary) and value is not None:
                    texts += [value.hex(), base64.b64encode(value).decode()]
                elif value is not None:
                    texts.append(value if isinstance(value, str) else json.dumps(value, default=str))
    session.close()
    return texts


def test_private_keys_are_never_in_a_response_or_the_database(app, world, keyless, signed_in):
    responses = []

    def visit(client, path):
        response = client.get(path)
        responses.append(response.get_data(as_text=True) + str(response.headers))

    keyless.post_form("/console/keys/", "/console/keys/generate", key_type="p-256")
    switch_method(keyless, "web")
    admin = signed_in("admin")
    rotate(admin)
    switch_method(admin, "web")
    issue_one(app, world.demo.id)
    for client in (keyless.client, admin.client):
        for path in ("/console/keys/", "/console/audit/", "/console/audit/export?format=csv",
                     "/console/audit/export?format=jsonl", "/console/", "/console/tokens/", "/console/users/"):
            visit(client, path)
    for path in ("/institutions/demo-polytechnic/did.json", "/institutions/new-college/did.json"):
        visit(app.test_client(), path)
    keys = keys_of(app, world.demo.id) + keys_of(app, keyless.institution_id) + keys_of(app, world.other.id)
    assert {key.algorithm for key in keys} == {"Ed25519", "P-256"} and len(keys) == 4
    haystacks = responses + database_texts(app)
    assert any(key.public_key_multibase in text for key in keys for text in responses)  # the scan sees real content
    for key in keys:
        for secret in private_forms(app, key):
            assert not any(secret in text for text in haystacks), f"private material of {key.public_key_multibase} leaked"
