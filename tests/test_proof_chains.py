"""Proof sets and proof chains (Data Integrity §2.1, §4.3, §4.5).

- https://www.w3.org/TR/vc-data-integrity/#proof-sets
- https://www.w3.org/TR/vc-data-integrity/#proof-chains
- https://www.w3.org/TR/vc-data-integrity/#add-proof-set-chain
- https://www.w3.org/TR/vc-data-integrity/#verify-proof-sets-and-chains
"""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest

from dataintegrity import ECDSA_RDFC_2019, EDDSA_JCS_2022, EDDSA_RDFC_2022, SUITES, add_proof, errors, keys, verify_proof
from dataintegrity.errors import InvalidProof
from dataintegrity.keys import resolve_did_key_for

from .conftest import CREATED, NOW, TESTS, read_json, unsigned_for

A, B, C, D = (f"urn:uuid:proof-{name}" for name in "abcd")
#: W3C vc-di-eddsa TestVectors/proof-set-chain (tests/fixtures/chains/PROVENANCE.md).
W3C_CHAIN = TESTS / "fixtures" / "chains" / "w3c-vc-di-eddsa-signedProofChain2.json"


def verify(document, loader, **options):
    options.setdefault("now", NOW)
    options.setdefault("resolve_key", resolve_did_key_for)
    return verify_proof(document, suites=SUITES, loader=loader, **options)


def problem_types(result):
    return [problem.type for problem in result.problems]


def details(result):
    return [problem.detail for problem in result.problems]


@pytest.fixture
def signers(ed25519_signer, p256_signer):
    """(suite, signer) pairs: one of each suite, so sets and chains mix them."""
    return {"rdfc": (EDDSA_RDFC_2022, ed25519_signer), "ecdsa": (ECDSA_RDFC_2019, p256_signer),
            "jcs": (EDDSA_JCS_2022, ed25519_signer)}


@pytest.fixture
def sign(signers, loader):
    def sign(document, kind, seconds=0, **options):
        suite, signer = signers[kind]
        return add_proof(document, suite=suite, signer=signer, loader=loader,
                         created=CREATED + timedelta(seconds=seconds), **options)

    return sign


@pytest.fixture
def unsigned(ed25519_key):
    return unsigned_for(ed25519_key)


@pytest.fixture
def chain(unsigned, sign):
    """a -> b -> c over three different suites."""
    first = sign(unsigned, "rdfc", proof_id=A)
    second = sign(first, "ecdsa", 1, proof_id=B, previous_proof=A)
    return sign(second, "jcs", 2, proof_id=C, previous_proof=B)


class TestProofSets:
    @pytest.mark.parametrize("kinds", [("rdfc", "ecdsa"), ("rdfc", "ecdsa", "jcs"), ("jcs", "rdfc", "jcs")])
    def test_every_proof_of_a_set_verifies(self, unsigned, sign, loader, kinds):
        document = unsigned
        for seconds, kind in enumerate(kinds):
            document = sign(document, kind, seconds)
        assert [proof["cryptosuite"] for proof in document["proof"]] == [
            {"rdfc": "eddsa-rdfc-2022", "ecdsa": "ecdsa-rdfc-2019", "jcs": "eddsa-jcs-2022"}[kind] for kind in kinds
        ]
        assert all("previousProof" not in proof and "id" not in proof for proof in document["proof"])
        result = verify(document, loader)
        assert result.ok, result.problems
        assert len(result.verification_methods) == len(kinds)

    def test_a_set_member_is_signed_over_the_document_alone(self, unsigned, sign, loader):
        """Without previousProof, each proof is independent: it verifies on its own."""
        document = sign(sign(unsigned, "rdfc"), "ecdsa", 1)
        for proof in document["proof"]:
            assert verify({**document, "proof": proof}, loader).ok

    def test_one_bad_proof_fails_the_set(self, unsigned, sign, loader):
        document = sign(sign(sign(unsigned, "rdfc"), "ecdsa", 1), "jcs", 2)
        document["proof"][1]["created"] = "2030-01-01T00:00:00Z"
        result = verify(document, loader)
        assert not result.ok
        assert details(result) == ["proof 2: the signature does not match the credential and proof options"]

    def test_reordered_set_still_verifies(self, unsigned, sign, loader):
        document = sign(sign(sign(unsigned, "rdfc"), "ecdsa", 1), "jcs", 2)
        document["proof"].reverse()
        assert verify(document, loader).ok


class TestProofChains:
    def test_chain_a_b_c(self, chain, loader):
        proofs = chain["proof"]
        assert [proof["id"] for proof in proofs] == [A, B, C]
        assert [proof.get("previousProof") for proof in proofs] == [None, A, B]
        result = verify(chain, loader)
        assert result.ok, result.problems
        assert len(result.verification_methods) == 3

    def test_chained_proof_signs_the_previous_proof(self, chain, unsigned, sign, loader):
        """b covers a: a cannot be swapped for another valid proof with the same id."""
        chain["proof"][0] = sign(unsigned, "rdfc", 86400, proof_id=A)["proof"]
        result = verify(chain, loader)
        assert details(result) == ["proof 2: the signature does not match the credential and proof options"]

    def test_chain_naming_two_previous_proofs(self, unsigned, sign, loader):
        document = sign(sign(unsigned, "rdfc", proof_id=A), "ecdsa", 1, proof_id=B)
        document = sign(document, "rdfc", 2, proof_id=C, previous_proof=[A, B])
        assert document["proof"][2]["previousProof"] == [A, B]
        assert verify(document, loader).ok
        jcs = sign(sign(sign(unsigned, "jcs", proof_id=A), "ecdsa", 1, proof_id=B), "jcs", 2, previous_proof=[B, A])
        assert verify(jcs, loader).ok

    def test_w3c_chain_vector(self, loader):
        """Four proofs: a set of two, one naming both, one naming that one."""
        result = verify(read_json(W3C_CHAIN), loader, resolve_key=_key_in_fragment)
        assert result.ok, result.problems
        assert len(result.verification_methods) == 4

    def test_w3c_chain_vector_tampered_previous_proof(self, loader):
        """Changing proof 1 breaks it and proof 3 (which names it), not proof 4 (which names 3)."""
        document = read_json(W3C_CHAIN)
        document["proof"][0]["created"] = "2023-02-24T23:36:39Z"
        result = verify(document, loader, resolve_key=_key_in_fragment)
        assert [detail[:8] for detail in details(result)] == ["proof 1:", "proof 3:"]

    def test_reordered_chain_still_verifies(self, chain, loader):
        chain["proof"] = [chain["proof"][2], chain["proof"][0], chain["proof"][1]]
        assert verify(chain, loader).ok

    def test_removed_previous_proof_is_dangling(self, chain, loader):
        del chain["proof"][0]
        result = verify(chain, loader)
        assert problem_types(result) == [errors.PROOF_VERIFICATION_ERROR]
        assert details(result) == [
            f"proof 1: \"previousProof\" names '{A}', which is not in the proof set (no other proof has that \"id\")"
        ]

    def test_proof_added_to_a_chain_without_re_signing(self, chain, sign, loader, unsigned):
        """d is appended and c edited to name it too: c's signature no longer matches."""
        extended = sign(chain, "rdfc", 3, proof_id=D)
        assert verify(extended, loader).ok
        extended["proof"][2]["previousProof"] = [B, D]
        result = verify(extended, loader)
        assert details(result) == ["proof 3: the signature does not match the credential and proof options"]

    def test_proof_copied_from_another_chain_fails(self, chain, sign, loader, unsigned):
        """A proof chained to b in a different document does not verify here."""
        elsewhere = copy.deepcopy(unsigned)
        elsewhere["name"] = "Another credential"
        foreign = sign(sign(sign(elsewhere, "rdfc", proof_id=A), "ecdsa", 1, proof_id=B), "rdfc", 5,
                       proof_id=D, previous_proof=B)["proof"][2]
        chain["proof"].append(foreign)
        result = verify(chain, loader)
        assert details(result) == ["proof 4: the signature does not match the credential and proof options"]

    def test_single_previous_proof_is_a_list_of_one(self, unsigned, sign, loader):
        """§4.5 step 3.3: inputDocument.proof is matchingProofs, a list even for one proof.

        JCS signs JSON, so it shows the difference: the list form verifies, the object form does not.
        """
        document = sign(sign(unsigned, "rdfc", proof_id=A), "jcs", 1, proof_id=B, previous_proof=A)
        first, second = document["proof"]
        unsecured = {key: value for key, value in document.items() if key != "proof"}
        config = {key: value for key, value in second.items() if key != "proofValue"}
        key = resolve_did_key_for(second["verificationMethod"], "assertionMethod").public_key
        as_list = EDDSA_JCS_2022.create_verify_data({**unsecured, "proof": [first]}, config, loader=loader,
                                                    algorithm="Ed25519")
        EDDSA_JCS_2022.verify(as_list, second["proofValue"], key)
        as_object = EDDSA_JCS_2022.create_verify_data({**unsecured, "proof": first}, config, loader=loader,
                                                      algorithm="Ed25519")
        with pytest.raises(InvalidProof):
            EDDSA_JCS_2022.verify(as_object, second["proofValue"], key)

    @pytest.mark.parametrize("value", [42, [42], [], None, {"id": A}, [A, 7]])
    def test_non_string_previous_proof_is_malformed(self, chain, loader, value):
        chain["proof"][1]["previousProof"] = value
        result = verify(chain, loader)
        assert problem_types(result) == [errors.MALFORMED_PROOF_ERROR, errors.PROOF_VERIFICATION_ERROR]
        assert details(result) == [
            'proof 2: "previousProof" must be a proof id or a non-empty list of proof ids',
            "proof 3: the signature does not match the credential and proof options",  # c signed the old b
        ]

    def test_a_proof_cannot_name_itself(self, chain, loader):
        chain["proof"][1]["previousProof"] = B
        assert "which is not in the proof set" in details(verify(chain, loader))[0]

    def test_an_id_shared_by_two_proofs_is_ambiguous(self, chain, loader):
        chain["proof"][2]["id"] = A
        result = verify(chain, loader)
        assert problem_types(result)[0] == errors.MALFORMED_PROOF_ERROR
        assert f"'{A}', but 2 proofs have that \"id\"" in details(result)[0]


class TestAddProofChain:
    def test_previous_proof_must_exist(self, unsigned, sign):
        document = sign(unsigned, "rdfc", proof_id=A)
        with pytest.raises(ValueError, match="not in the proof set"):
            sign(document, "ecdsa", previous_proof=B)
        with pytest.raises(ValueError, match="not in the proof set"):
            sign(unsigned, "ecdsa", previous_proof=A)

    def test_proof_id_must_be_new_and_a_string(self, unsigned, sign):
        document = sign(unsigned, "rdfc", proof_id=A)
        with pytest.raises(ValueError, match="already has a proof with id"):
            sign(document, "ecdsa", proof_id=A)
        with pytest.raises(TypeError, match="proof_id"):
            sign(document, "ecdsa", proof_id=7)

    def test_previous_proof_must_be_ids(self, unsigned, sign):
        document = sign(unsigned, "rdfc", proof_id=A)
        with pytest.raises(ValueError, match="proof id or a non-empty list"):
            sign(document, "ecdsa", previous_proof=[])

    def test_chaining_leaves_the_input_alone(self, unsigned, sign):
        document = sign(unsigned, "rdfc", proof_id=A)
        before = copy.deepcopy(document)
        chained = sign(document, "ecdsa", proof_id=B, previous_proof=(A,))
        assert document == before
        assert chained["proof"][0] == before["proof"]
        assert chained["proof"][1]["previousProof"] == [A]


@pytest.mark.skip(reason=(
    "the reference JS stack cannot check chains: @digitalbazaar/data-integrity 2.5.0 ignores previousProof "
    "(it verifies every proof over the document without proofs), and jsonld-signatures 11.6.0 ProofSet.verify "
    "reports verified:true when ANY one proof verifies. `node verify.mjs` on our a->b->c chain gives "
    '{"verified":true,"errors":["Error: Invalid signature."]}: a passes, b and c fail. The chain '
    "canonicalization is instead checked against the W3C vector made with jsonld.js (test_w3c_chain_vector)."))
def test_chain_verifies_with_reference_js_stack():
    """Placeholder for an interop check the reference stack cannot make."""


def _key_in_fragment(verification_method: str, purpose: str) -> keys.VerificationMethod:
    """The W3C vector's methods are https://vc.example/issuers/5678N#<publicKeyMultibase>."""
    controller, _, fragment = verification_method.partition("#")
    return keys.VerificationMethod(verification_method, controller, keys.decode_public_key(fragment))
