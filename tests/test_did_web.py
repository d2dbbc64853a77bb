"""did:web: identifiers to URLs, documents from a real local HTTPS server and from folders, key selection."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives import serialization

from dataintegrity import ECDSA_RDFC_2019, EDDSA_RDFC_2022, SUITES, KeySigner, add_proof, verify_proof
from dataintegrity.errors import INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID, InvalidVerificationMethod
from dataintegrity.keys import encode_public_key, private_key_from_seed
from verifier import reasons
from verifier.did_document import DidDocumentIdMismatch, InvalidDidDocument, method_for_purpose
from verifier.did_web import did_web_url, method_specific_id
from verifier.http import HttpFetcher
from verifier.offline import DidFolder
from verifier.resolution import DidNotResolved, Resolver

from .conftest import CREATED, FIXTURES, NOW, SEED, read_json, unsigned_for
from .local_https import https, no_network, server  # noqa: F401 (fixtures)
from .local_https import Route, resolve_to_loopback

KEY = private_key_from_seed(SEED, "Ed25519")
P256_KEY = private_key_from_seed(SEED, "P-256")


@pytest.fixture
def did(https):
    return f"did:web:issuer.test%3A{https.port}"


def fetcher_for(server, **options) -> HttpFetcher:
    options = {"ssl_context": server.client_context(), "allow_private": True, "resolve_host": resolve_to_loopback,
               "timeout": 2.0, **options}
    return HttpFetcher(**options)


def did_document(did: str, key=KEY, *, relationship="assertionMethod") -> dict:
    method = {"id": f"{did}#key-1", "type": "Multikey", "controller": did,
              "publicKeyMultibase": encode_public_key(key.public_key())}
    return {"@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
            "id": did, "verificationMethod": [method], relationship: [method["id"]]}


def serve(server, document, path="/.well-known/did.json", **headers):
    body = document if isinstance(document, bytes) else json.dumps(document).encode()
    server.routes[path] = Route(body, headers={"Content-Type": "application/did+json", **headers})


def signed_by(did: str, key=KEY, suite=EDDSA_RDFC_2022, loader=None) -> dict:
    credential = unsigned_for(key)
    credential["issuer"]["id"] = did
    return add_proof(credential, suite=suite, signer=KeySigner(f"{did}#key-1", key), loader=loader, created=CREATED)


def test_did_web_urls_follow_the_method_spec():
    assert did_web_url("did:web:example.edu") == "https://example.edu/.well-known/did.json"
    assert did_web_url("did:web:example.edu:institutions:spu") == "https://example.edu/institutions/spu/did.json"
    assert did_web_url("did:web:example.edu%3A8443") == "https://example.edu:8443/.well-known/did.json"
    assert did_web_url("did:web:Example.EDU%3a8443:a:b%20c") == "https://example.edu:8443/a/b%20c/did.json"


@pytest.mark.parametrize("bad", [
    "did:web:", "did:key:z6Mk", "did:web:exa_mple.edu", "did:web:-bad.edu", "did:web:example.edu:..:x",
    "did:web:example.edu:a%2Fb", "did:web:example.edu:%2e%2e", "did:web:example.edu#key-1", "did:web:example.edu?x=1",
    "did:web:example.edu%3A99999", "did:web:user@example.edu", "did:web:example.edu:", "did:web:example.edu/path",
    "did:web:" + "a" * 3000,
])
def test_malformed_did_web_is_refused_before_any_fetch(bad):
    with pytest.raises(InvalidVerificationMethod, match="not a usable did:web"):
        method_specific_id(bad)


def test_a_credential_signed_with_a_did_web_key_verifies_over_https(https, did, loader):
    serve(https, did_document(did), **{"Cache-Control": "max-age=300"})
    fetcher = fetcher_for(https)
    resolver = Resolver(now=NOW, fetcher=fetcher)
    proof = verify_proof(signed_by(did, loader=loader), suites=SUITES, loader=loader, resolve_key=resolver, now=NOW)
    assert proof.ok, proof.problems
    assert proof.verification_methods[0].controller == did
    assert [(r.source, r.subject, r.location) for r in resolver.records] == [
        ("network", did, https.url("/.well-known/did.json", host="issuer.test"))]
    assert https.requests[0]["headers"]["accept"].startswith("application/did+json")

    later = resolver.at(NOW + timedelta(seconds=60))
    assert verify_proof(signed_by(did, loader=loader), suites=SUITES, loader=loader, resolve_key=later, now=NOW).ok
    assert [(r.source, r.age_seconds) for r in later.records] == [("cache", 60)]
    assert len(https.requests) == 1


def test_the_path_form_is_served_from_its_path(https, loader):
    did = f"did:web:issuer.test%3A{https.port}:institutions:spu"
    serve(https, did_document(did), path="/institutions/spu/did.json")
    resolver = Resolver(now=NOW, fetcher=fetcher_for(https))
    assert verify_proof(signed_by(did, loader=loader), suites=SUITES, loader=loader, resolve_key=resolver, now=NOW).ok


def test_a_document_about_another_did_is_refused(https, did, loader):
    serve(https, {**did_document(did), "id": "did:web:attacker.example"})
    resolver = Resolver(now=NOW, fetcher=fetcher_for(https))
    with pytest.raises(DidDocumentIdMismatch, match='has "id" \'did:web:attacker.example\''):
        resolver(f"{did}#key-1", "assertionMethod")
    proof = verify_proof(signed_by(did, loader=loader), suites=SUITES, loader=loader, resolve_key=resolver, now=NOW)
    assert [p.type for p in proof.problems] == [INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID]


def test_a_method_only_for_authentication_cannot_sign_credentials(https, did, loader):
    serve(https, did_document(did, relationship="authentication"))
    resolver = Resolver(now=NOW, fetcher=fetcher_for(https))
    proof = verify_proof(signed_by(did, loader=loader), suites=SUITES, loader=loader, resolve_key=resolver, now=NOW)
    assert not proof.ok
    assert "does not list" in proof.problems[0].detail and "under assertionMethod" in proof.problems[0].detail
    assert resolver(f"{did}#key-1", "authentication").controller == did


def test_a_redirect_to_another_host_is_refused(https, did):
    serve(https, did_document(did), path="/moved.json")
    elsewhere = https.url("/moved.json", host="other.test")
    https.routes["/.well-known/did.json"] = Route(status=302, headers={"Location": elsewhere})
    resolver = Resolver(now=NOW, fetcher=fetcher_for(https))
    with pytest.raises(DidNotResolved, match="redirects to another host") as caught:
        resolver(f"{did}#key-1", "assertionMethod")
    assert caught.value.problem_type == reasons.DID_NOT_RESOLVED
    assert [request["path"] for request in https.requests] == ["/.well-known/did.json"]


def test_a_same_host_redirect_is_followed(https, did):
    serve(https, did_document(did), path="/v2/did.json")
    https.routes["/.well-known/did.json"] = Route(status=308, headers={"Location": "/v2/did.json"})
    assert Resolver(now=NOW, fetcher=fetcher_for(https))(f"{did}#key-1", "assertionMethod").controller == did


def test_a_did_web_on_a_loopback_address_is_refused_without_the_test_setting(https, did):
    serve(https, did_document(did))
    fetcher = HttpFetcher(ssl_context=https.client_context(), resolve_host=resolve_to_loopback)
    with pytest.raises(DidNotResolved, match="private, loopback"):
        Resolver(now=NOW, fetcher=fetcher)(f"{did}#key-1", "assertionMethod")
    literal = f"did:web:127.0.0.1%3A{https.port}"
    with pytest.raises(DidNotResolved, match="127.0.0.1, a private, loopback"):
        Resolver(now=NOW, fetcher=HttpFetcher(ssl_context=https.client_context()))(f"{literal}#key-1", "assertionMethod")
    assert https.requests == []


def test_a_huge_document_is_refused(https, did):
    document = did_document(did)
    document["service"] = [{"id": f"{did}#s{i}", "type": "X", "serviceEndpoint": "https://x.example/" + "a" * 100}
                           for i in range(3000)]
    serve(https, document)
    with pytest.raises(DidNotResolved, match="larger than the 262,144-byte limit"):
        Resolver(now=NOW, fetcher=fetcher_for(https))(f"{did}#key-1", "assertionMethod")


@pytest.mark.parametrize("body, message", [
    (b"<html>not json</html>", "not valid JSON"),
    (b'{"id": "x", "id": "y"}', "appears twice"),
    (b"[]", "not a JSON object"),
])
def test_an_unparsable_document_is_refused(https, did, body, message):
    serve(https, body)
    with pytest.raises(InvalidDidDocument, match=message):
        Resolver(now=NOW, fetcher=fetcher_for(https))(f"{did}#key-1", "assertionMethod")


def test_a_stale_document_is_used_with_a_warning(https, did):
    serve(https, did_document(did), **{"Cache-Control": "max-age=60"})
    fetcher = fetcher_for(https)
    Resolver(now=NOW, fetcher=fetcher)(f"{did}#key-1", "assertionMethod")
    https.routes["/.well-known/did.json"] = Route(b"down", status=503)
    resolver = Resolver(now=NOW + timedelta(hours=3), fetcher=fetcher)
    assert resolver(f"{did}#key-1", "assertionMethod").controller == did
    assert resolver.records[0].stale and resolver.records[0].source == "cache"
    assert [w.type for w in resolver.warnings] == [reasons.DID_DOCUMENT_STALE]
    assert "HTTP 503" in resolver.warnings[0].detail and "3 hours old" in resolver.warnings[0].detail


def test_the_interop_fixture_verifies_from_its_folder(loader):
    credential = read_json(FIXTURES / "valid-eddsa-didweb-status.json")
    resolver = Resolver(now=NOW, sources=[DidFolder(FIXTURES / "dids")])
    proof = verify_proof(credential, suites=SUITES, loader=loader, resolve_key=resolver, now=NOW)
    assert proof.ok, proof.problems
    assert [(r.source, r.subject) for r in resolver.records] == [("folder", "did:web:issuer.example.edu")]


def test_without_a_folder_or_fetcher_did_web_is_a_clear_error(loader):
    credential = read_json(FIXTURES / "valid-eddsa-didweb-status.json")
    proof = verify_proof(credential, suites=SUITES, loader=loader, resolve_key=Resolver(now=NOW), now=NOW)
    assert proof.problems[0].detail.startswith(
        "did:web:issuer.example.edu cannot be resolved offline without the issuer's DID document")


def test_a_folder_without_the_did_falls_through_to_the_error(tmp_path):
    resolver = Resolver(now=NOW, sources=[DidFolder(tmp_path)])
    with pytest.raises(DidNotResolved, match="cannot be resolved offline"):
        resolver("did:web:issuer.example.edu#key-1", "assertionMethod")


def test_a_folder_document_about_another_did_is_refused(tmp_path):
    (tmp_path / "issuer.example.edu.json").write_text(json.dumps(did_document("did:web:evil.example")))
    with pytest.raises(DidDocumentIdMismatch):
        Resolver(now=NOW, sources=[DidFolder(tmp_path)])("did:web:issuer.example.edu#key-1", "assertionMethod")


def test_other_did_methods_are_refused():
    with pytest.raises(InvalidVerificationMethod, match="'example' is not one this verifier resolves"):
        Resolver(now=NOW)("did:example:123#key-1", "assertionMethod")


# Choosing the verification method within a document (no network).

DID = "did:web:example.edu"


def jwk_of(key) -> dict:
    if hasattr(key, "curve"):
        numbers = key.public_numbers()
        b64 = lambda n: base64.urlsafe_b64encode(n.to_bytes(32, "big")).rstrip(b"=").decode()  # noqa: E731
        return {"kty": "EC", "crv": "P-256", "x": b64(numbers.x), "y": b64(numbers.y)}
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": base64.urlsafe_b64encode(raw).rstrip(b"=").decode()}


def test_embedded_and_relative_methods_are_found():
    method = {"id": "#key-1", "type": "Multikey", "controller": DID,
              "publicKeyMultibase": encode_public_key(KEY.public_key())}
    embedded = {"id": DID, "assertionMethod": [{**method, "id": f"{DID}#key-1"}]}
    relative = {"id": DID, "verificationMethod": [method], "assertionMethod": ["#key-1"]}
    for document in (embedded, relative):
        assert method_for_purpose(document, f"{DID}#key-1", "assertionMethod").public_key.public_bytes_raw() == \
            KEY.public_key().public_bytes_raw()


@pytest.mark.parametrize("key, kind", [
    (KEY, "JsonWebKey2020"), (P256_KEY, "JsonWebKey"), (KEY, "Ed25519VerificationKey2020"),
])
def test_other_key_types_are_accepted(key, kind):
    method = {"id": f"{DID}#k", "type": kind, "controller": DID}
    if kind == "Ed25519VerificationKey2020":
        method["publicKeyMultibase"] = encode_public_key(key.public_key())
    else:
        method["publicKeyJwk"] = jwk_of(key.public_key())
    document = {"id": DID, "verificationMethod": [method], "assertionMethod": [method["id"]]}
    assert method_for_purpose(document, f"{DID}#k", "assertionMethod").public_key == key.public_key()


def test_a_p256_jwk_verifies_an_ecdsa_proof(https, did, loader):
    method = {"id": f"{did}#key-1", "type": "JsonWebKey2020", "controller": did,
              "publicKeyJwk": jwk_of(P256_KEY.public_key())}
    serve(https, {"id": did, "verificationMethod": [method], "assertionMethod": [method["id"]]})
    credential = signed_by(did, P256_KEY, ECDSA_RDFC_2019, loader)
    resolver = Resolver(now=NOW, fetcher=fetcher_for(https))
    assert verify_proof(credential, suites=SUITES, loader=loader, resolve_key=resolver, now=NOW).ok


@pytest.mark.parametrize("change, message", [
    (lambda m: m.update(controller="did:web:evil.example"), "controlled by 'did:web:evil.example'"),
    (lambda m: m.update(type="EcdsaSecp256k1VerificationKey2019"), "the types accepted are"),
    (lambda m: m.update(publicKeyMultibase="zNotAKey"), "publicKeyMultibase"),
    (lambda m: m.update(type="JsonWebKey2020", publicKeyJwk={**jwk_of(KEY.public_key()), "d": "secret"}), "private key"),
    (lambda m: m.update(type="JsonWebKey2020", publicKeyJwk={"kty": "RSA", "n": "x", "e": "AQAB"}), "not an Ed25519, P-256"),
    (lambda m: m.update(type="Ed25519VerificationKey2020", publicKeyMultibase=encode_public_key(P256_KEY.public_key())),
     "not Ed25519"),
])
def test_unusable_methods_are_refused(change, message):
    method = {"id": f"{DID}#key-1", "type": "Multikey", "controller": DID,
              "publicKeyMultibase": encode_public_key(KEY.public_key())}
    change(method)
    document = {"id": DID, "verificationMethod": [method], "assertionMethod": [method["id"]]}
    with pytest.raises(InvalidVerificationMethod, match=message):
        method_for_purpose(document, f"{DID}#key-1", "assertionMethod")


def test_a_method_listed_but_undefined_or_defined_twice_is_refused():
    document = did_document(DID)
    listed_only = {**document, "verificationMethod": []}
    twice = {**document, "verificationMethod": document["verificationMethod"] * 2}
    with pytest.raises(InvalidVerificationMethod, match="does not define"):
        method_for_purpose(listed_only, f"{DID}#key-1", "assertionMethod")
    with pytest.raises(InvalidVerificationMethod, match="more than once"):
        method_for_purpose(twice, f"{DID}#key-1", "assertionMethod")


def test_a_method_of_another_did_is_refused():
    with pytest.raises(InvalidVerificationMethod, match="not a verification method of"):
        method_for_purpose(did_document(DID), "did:web:other.example#key-1", "assertionMethod")

