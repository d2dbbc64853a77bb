"""The legacy Ed25519Signature2020 suite against externally signed credentials.

Sources: tests/fixtures/legacy/PROVENANCE.md.
"""

from __future__ import annotations

import copy

import pytest

from dataintegrity import EDDSA_RDFC_2022, SUITES, add_proof, errors, keys, multibase, verify_proof
from dataintegrity.cryptosuites import ED25519_SIGNATURE_2020, LEGACY_SUITES
from dataintegrity.keys import resolve_did_key_for

from .conftest import CREATED, NOW, TESTS, read_json, signer_for, unsigned_for

LEGACY = TESTS / "fixtures" / "legacy"
#: Signed by Digital Bazaar's stack from the interop seed (tests/conftest.py SEED).
DB_SIGNED = [
    "ed25519-signature-2020-vc2-ob303.json",
    "ed25519-signature-2020-vc11-ob302.json",
    "ed25519-signature-2020-vc11-ob302-proof-context.json",
]
#: digitalbazaar/ed25519-signature-2020 test/test-vectors.js.
PUBLISHED = "digitalbazaar-test-vector-signed.json"
ACCEPTING = {**SUITES, **LEGACY_SUITES}


def verify(document, loader, suites=ACCEPTING, **options):
    options.setdefault("now", NOW)
    return verify_proof(document, suites=suites, loader=loader, resolve_key=resolve_did_key_for, **options)


def problem_types(result):
    return [problem.type for problem in result.problems]


def verify_data_of(document, loader) -> bytes:
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    return ED25519_SIGNATURE_2020.create_verify_data(unsecured, document["proof"], loader=loader, algorithm="Ed25519")


@pytest.fixture(params=[*DB_SIGNED, PUBLISHED])
def signed(request):
    return read_json(LEGACY / request.param)


def test_external_fixtures_verify(signed, loader):
    result = verify(signed, loader)
    assert result.ok, result.problems
    assert [method.id for method in result.verification_methods] == [signed["proof"]["verificationMethod"]]


@pytest.mark.parametrize("name", DB_SIGNED)
def test_proof_value_is_reproduced_from_the_seed(name, loader, ed25519_key):
    """Ed25519 is deterministic: our verify data signed with the seed gives their bytes."""
    document = read_json(LEGACY / name)
    signature = ed25519_key.sign(verify_data_of(document, loader))
    assert multibase.encode(signature) == document["proof"]["proofValue"]


def test_published_proof_value_is_reproduced(loader):
    document = read_json(LEGACY / PUBLISHED)
    key = keys.decode_private_key(read_json(LEGACY / "digitalbazaar-test-vector-key.json")["secretKeyMultibase"])
    assert multibase.encode(key.sign(verify_data_of(document, loader))) == document["proof"]["proofValue"]


def test_the_proofs_own_context_is_for_the_proof_options_only(loader):
    """The reference signs {"@context": document's, **proof}: a proof @context wins, for the proof only."""
    plain = read_json(LEGACY / "ed25519-signature-2020-vc11-ob302.json")
    with_context = read_json(LEGACY / "ed25519-signature-2020-vc11-ob302-proof-context.json")
    assert with_context["proof"]["@context"] == "https://w3id.org/security/suites/ed25519-2020/v1"
    assert verify_data_of(plain, loader) == verify_data_of(with_context, loader)


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (lambda d: d["credentialSubject"]["result"][0].update(value="B"), errors.PROOF_VERIFICATION_ERROR),
        (lambda d: d.update(name=d["name"] + "!"), errors.PROOF_VERIFICATION_ERROR),
        (lambda d: d["proof"].update(created="2025-01-15T09:00:01Z"), errors.PROOF_VERIFICATION_ERROR),
        (lambda d: d["proof"].update(proofValue="u" + d["proof"]["proofValue"][1:]), errors.MALFORMED_PROOF_ERROR),
        (lambda d: d["proof"].pop("proofValue"), errors.MALFORMED_PROOF_ERROR),
        (lambda d: d["proof"].update(proofPurpose="authentication"), errors.MISMATCHED_PROOF_PURPOSE_ERROR),
        (lambda d: d["@context"].remove("https://w3id.org/security/suites/ed25519-2020/v1"),
         errors.PROOF_VERIFICATION_ERROR),
    ],
)
@pytest.mark.parametrize("name", DB_SIGNED[:2])
def test_tampering_fails(name, loader, mutate, expected):
    document = read_json(LEGACY / name)
    mutate(document)
    result = verify(document, loader)
    assert not result.ok
    assert problem_types(result) == [expected]


def test_missing_suite_context_names_it(loader):
    document = read_json(LEGACY / DB_SIGNED[0])
    document["@context"] = document["@context"][:-1]
    result = verify(document, loader)
    assert "https://w3id.org/security/suites/ed25519-2020/v1" in result.problems[0].detail


@pytest.mark.parametrize(
    "mutate",
    [
        lambda d: d.update(achievementLevel="expert"),  # VC 1.1 has no @vocab: the member would be dropped
        lambda d: d["proof"].update(nonceValue="42"),  # not a term of the Ed25519Signature2020 proof context
    ],
    ids=["credential", "proof"],
)
def test_undefined_term_is_refused(loader, mutate):
    document = read_json(LEGACY / "ed25519-signature-2020-vc11-ob302.json")
    mutate(document)
    result = verify(document, loader)
    assert problem_types(result) == [errors.UNDEFINED_TERM]


def test_legacy_proof_needs_the_callers_opt_in(signed, loader):
    result = verify(signed, loader, suites=SUITES)
    assert problem_types(result) == [errors.UNSUPPORTED_CRYPTOSUITE]
    assert "'Ed25519Signature2020' is not DataIntegrityProof" in result.problems[0].detail


def test_legacy_suite_is_not_a_data_integrity_cryptosuite(loader, signed):
    """Opting in accepts the legacy proof type, not "cryptosuite": "Ed25519Signature2020"."""
    signed["proof"].update(type="DataIntegrityProof", cryptosuite="Ed25519Signature2020")
    result = verify(signed, loader, suites={**SUITES, "Ed25519Signature2020": ED25519_SIGNATURE_2020})
    assert problem_types(result) == [errors.UNSUPPORTED_CRYPTOSUITE]


def test_a_data_integrity_suite_does_not_verify_a_legacy_type(loader, signed):
    result = verify(signed, loader, suites={**SUITES, "Ed25519Signature2020": EDDSA_RDFC_2022})
    assert problem_types(result) == [errors.UNSUPPORTED_CRYPTOSUITE]


def test_legacy_proof_in_a_proof_set_with_a_new_one(loader, ed25519_key, ed25519_signer):
    """A wallet credential re-signed with eddsa-rdfc-2022 keeps verifying as a set."""
    document = read_json(LEGACY / DB_SIGNED[0])
    both = add_proof(document, suite=EDDSA_RDFC_2022, signer=ed25519_signer, loader=loader, created=CREATED)
    assert [proof["type"] for proof in both["proof"]] == ["Ed25519Signature2020", "DataIntegrityProof"]
    assert verify(both, loader).ok
    assert problem_types(verify(both, loader, suites=SUITES)) == [errors.UNSUPPORTED_CRYPTOSUITE]


def test_issuing_is_not_offered(loader, ed25519_key):
    with pytest.raises(ValueError, match="verified only"):
        add_proof(unsigned_for(ed25519_key), suite=ED25519_SIGNATURE_2020, signer=signer_for(ed25519_key),
                  loader=loader, created=CREATED)
    with pytest.raises(TypeError, match="verification only"):
        ED25519_SIGNATURE_2020.sign(b"data", signer_for(ed25519_key))


def test_verification_method_as_ed25519_verification_key_2020(loader):
    """An Ed25519VerificationKey2020 publicKeyMultibase is the same multicodec key as a Multikey."""
    document = read_json(LEGACY / PUBLISHED)
    key_2020 = {"type": "Ed25519VerificationKey2020",
                "publicKeyMultibase": read_json(LEGACY / "digitalbazaar-test-vector-key.json")["publicKeyMultibase"]}

    def resolve(verification_method, purpose):
        controller = verification_method.partition("#")[0]
        return keys.VerificationMethod(verification_method, controller, keys.decode_public_key(key_2020["publicKeyMultibase"]))

    result = verify_proof(copy.deepcopy(document), suites=ACCEPTING, loader=loader, resolve_key=resolve, now=NOW)
    assert result.ok, result.problems
