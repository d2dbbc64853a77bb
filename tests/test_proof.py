"""add_proof / verify_proof for each cryptosuite, and the ways a proof must fail."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from dataintegrity import ECDSA_RDFC_2019, EDDSA_JCS_2022, EDDSA_RDFC_2022, SUITES, add_proof, verify_proof
from dataintegrity import errors
from dataintegrity.keys import did_key, resolve_did_key_for

from .conftest import CREATED, NOW, unsigned_for


def verify(document, loader, **options):
    options.setdefault("now", NOW)
    return verify_proof(document, suites=SUITES, loader=loader, resolve_key=resolve_did_key_for, **options)


def problem_types(result):
    return [problem.type for problem in result.problems]


class SuiteTests:
    """Run for each suite (subclasses set ``suite`` and ``key_fixture``)."""

    suite = EDDSA_RDFC_2022
    key_fixture = "ed25519_key"

    @pytest.fixture
    def key(self, request):
        return request.getfixturevalue(self.key_fixture)

    @pytest.fixture
    def signer(self, key):
        from .conftest import signer_for

        return signer_for(key)

    @pytest.fixture
    def signed(self, key, signer, loader):
        return add_proof(unsigned_for(key), suite=self.suite, signer=signer, loader=loader, created=CREATED)

    def test_round_trip(self, signed, signer, loader):
        result = verify(signed, loader)
        assert result.ok, result.problems
        assert [method.id for method in result.verification_methods] == [signer.id]
        assert signed["proof"]["cryptosuite"] == self.suite.name
        assert signed["proof"]["created"] == "2025-01-15T09:00:00Z"
        assert signed["proof"]["proofValue"].startswith("z")

    def test_add_proof_leaves_input_alone(self, key, signer, loader):
        credential = unsigned_for(key)
        before = copy.deepcopy(credential)
        add_proof(credential, suite=self.suite, signer=signer, loader=loader, created=CREATED)
        assert credential == before

    def test_wrong_key_type_for_suite_is_refused_at_signing(self, key, loader, p256_signer, ed25519_signer):
        other = p256_signer if "eddsa" in self.suite.name else ed25519_signer
        with pytest.raises(ValueError, match="needs a"):
            add_proof(unsigned_for(key), suite=self.suite, signer=other, loader=loader, created=CREATED)

    @pytest.mark.parametrize(
        "mutate, expected",
        [
            (lambda d: d["credentialSubject"]["result"][0].update(value="B"), errors.PROOF_VERIFICATION_ERROR),
            (lambda d: d.update(name=d["name"] + "!"), errors.PROOF_VERIFICATION_ERROR),
            (lambda d: d["proof"].update(created="2025-01-15T09:00:01Z"), errors.PROOF_VERIFICATION_ERROR),
            (lambda d: d["proof"].pop("proofValue"), errors.MALFORMED_PROOF_ERROR),
            (lambda d: d["proof"].update(proofValue=42), errors.MALFORMED_PROOF_ERROR),
            (lambda d: d["proof"].update(proofValue="u" + d["proof"]["proofValue"][1:]), errors.MALFORMED_PROOF_ERROR),
            (lambda d: d["proof"].update(proofValue="x" + d["proof"]["proofValue"][1:]), errors.MALFORMED_PROOF_ERROR),
            (lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:40]), errors.MALFORMED_PROOF_ERROR),
            (lambda d: d["proof"].update(cryptosuite="eddsa-2099"), errors.UNSUPPORTED_CRYPTOSUITE),
            (lambda d: d["proof"].update(type="Ed25519Signature2018"), errors.UNSUPPORTED_CRYPTOSUITE),
            (lambda d: d["proof"].update(proofPurpose="authentication"), errors.MISMATCHED_PROOF_PURPOSE_ERROR),
            (lambda d: d["proof"].update(verificationMethod="https://evil.example/key#1"), errors.INVALID_VERIFICATION_METHOD),
            (lambda d: d["proof"].update(created="yesterday"), errors.MALFORMED_CREDENTIAL),
            (lambda d: d.pop("proof"), errors.MALFORMED_PROOF_ERROR),
            (lambda d: d.update(proof="signed"), errors.MALFORMED_PROOF_ERROR),
        ],
    )
    def test_tampering_fails(self, signed, loader, mutate, expected):
        mutate(signed)
        result = verify(signed, loader)
        assert not result.ok
        assert expected in problem_types(result)

    def test_unknown_context_fails(self, signed, loader):
        signed["@context"] = [*signed["@context"], "https://evil.example/context.json"]
        if "@context" in signed["proof"]:
            signed["proof"]["@context"] = signed["@context"]
        result = verify(signed, loader)
        assert not result.ok
        if self.suite is not EDDSA_JCS_2022:  # JCS signs JSON, not RDF: its signature breaks
            assert problem_types(result) == [errors.UNKNOWN_CONTEXT]
            assert "https://evil.example/context.json" in result.problems[0].detail

    def test_expired_proof(self, key, signer, loader):
        signed = add_proof(
            unsigned_for(key), suite=self.suite, signer=signer, loader=loader, created=CREATED,
            expires=CREATED + timedelta(days=1),
        )
        assert verify(signed, loader, now=CREATED).ok
        result = verify(signed, loader, now=CREATED + timedelta(days=2))
        assert problem_types(result) == [errors.PROOF_EXPIRED_ERROR]

    def test_challenge_and_domain(self, key, signer, loader):
        signed = add_proof(
            unsigned_for(key), suite=self.suite, signer=signer, loader=loader, created=CREATED,
            purpose="authentication", challenge="c-123", domain="verifier.example",
        )
        assert verify(signed, loader, purpose="authentication", challenge="c-123", domain="verifier.example").ok
        wrong_challenge = verify(signed, loader, purpose="authentication", challenge="c-999")
        assert problem_types(wrong_challenge) == [errors.INVALID_CHALLENGE_ERROR]
        wrong_domain = verify(signed, loader, purpose="authentication", domain="other.example")
        assert problem_types(wrong_domain) == [errors.INVALID_DOMAIN_ERROR]
        signed["proof"]["challenge"] = "c-999"
        assert problem_types(verify(signed, loader, purpose="authentication")) == [errors.PROOF_VERIFICATION_ERROR]

    def test_proof_set(self, signed, loader, p256_signer, ed25519_signer):
        second = add_proof(signed, suite=self.suite, signer=ed25519_signer if "eddsa" in self.suite.name else p256_signer,
                           loader=loader, created=CREATED + timedelta(seconds=1))
        assert isinstance(second["proof"], list) and len(second["proof"]) == 2
        assert verify(second, loader).ok
        second["proof"][1]["created"] = "2030-01-01T00:00:00Z"
        result = verify(second, loader)
        assert not result.ok
        assert result.problems[0].detail.startswith("proof 2: ")


class TestEddsaRdfc2022(SuiteTests):
    suite = EDDSA_RDFC_2022
    key_fixture = "ed25519_key"


class TestEddsaJcs2022(SuiteTests):
    suite = EDDSA_JCS_2022
    key_fixture = "ed25519_key"

    def test_proof_carries_context(self, signed):
        assert signed["proof"]["@context"] == signed["@context"]

    def test_proof_context_must_prefix_document_context(self, signed, loader):
        signed["proof"]["@context"] = ["https://www.w3.org/ns/credentials/v2", "https://w3id.org/security/data-integrity/v2"]
        assert errors.PROOF_VERIFICATION_ERROR in problem_types(verify(signed, loader))


class TestEcdsaRdfc2019(SuiteTests):
    suite = ECDSA_RDFC_2019
    key_fixture = "p256_key"

    def test_signature_is_randomized_but_verifies(self, key, signer, loader):
        first = add_proof(unsigned_for(key), suite=self.suite, signer=signer, loader=loader, created=CREATED)
        second = add_proof(unsigned_for(key), suite=self.suite, signer=signer, loader=loader, created=CREATED)
        assert first["proof"]["proofValue"] != second["proof"]["proofValue"]
        assert verify(first, loader).ok and verify(second, loader).ok

    def test_p384(self, loader):
        from cryptography.hazmat.primitives.asymmetric import ec

        from .conftest import signer_for

        key = ec.generate_private_key(ec.SECP384R1())
        signed = add_proof(unsigned_for(key), suite=self.suite, signer=signer_for(key), loader=loader, created=CREATED)
        assert verify(signed, loader).ok
        assert did_key(key.public_key()).startswith("did:key:z82")


def test_wrong_key_type_in_proof(loader, ed25519_signer, p256_key):
    """An eddsa proof whose verification method is a P-256 key."""
    signed = add_proof(unsigned_for(p256_key), suite=EDDSA_RDFC_2022, signer=ed25519_signer, loader=loader, created=CREATED)
    signed["proof"]["verificationMethod"] = "did:key:{0}#{0}".format(did_key(p256_key.public_key())[8:])
    result = verify(signed, loader)
    assert problem_types(result) == [errors.INVALID_VERIFICATION_METHOD]
    assert "key of type P-256; eddsa-rdfc-2022 needs Ed25519" in result.problems[0].detail


def test_not_an_object(loader):
    assert problem_types(verify(["not", "a", "credential"], loader)) == [errors.MALFORMED_CREDENTIAL]


def test_proof_chain(loader, ed25519_key, ed25519_signer):
    """A proof naming an earlier proof signs over it (previousProof)."""
    first = add_proof(unsigned_for(ed25519_key), suite=EDDSA_RDFC_2022, signer=ed25519_signer, loader=loader, created=CREATED)
    first["proof"]["id"] = "urn:uuid:proof-1"
    assert verify(first, loader).ok is False  # the id was added after signing
    first = add_proof(unsigned_for(ed25519_key), suite=EDDSA_RDFC_2022, signer=ed25519_signer, loader=loader, created=CREATED)
    second = copy.deepcopy(first)
    second["proof"]["previousProof"] = "urn:uuid:nowhere"
    second["proof"] = [second["proof"]]
    result = verify(second, loader)
    assert not result.ok
    assert "not in the proof set" in result.problems[0].detail
