"""The W3C cryptosuite specifications' test vectors, step by step, byte for byte.

Sources and commits: tests/vectors/PROVENANCE.md.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

import pytest

from dataintegrity import ECDSA_RDFC_2019, EDDSA_JCS_2022, EDDSA_RDFC_2022, SUITES, KeySigner, add_proof, verify_proof
from dataintegrity import keys, multibase
from dataintegrity.canonicalize import canonicalize_rdfc
from dataintegrity.jcs import canonicalize_jcs

from .conftest import VECTORS, read_json

EDDSA = VECTORS / "eddsa-rdfc-2022"
JCS = VECTORS / "eddsa-jcs-2022"
ECDSA = VECTORS / "ecdsa-rdfc-2019"
ECDSA_384 = ECDSA / "ecdsa-rdfc-2019-p384"
CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=timezone.utc)
ISSUER = "https://vc.example/issuers/5678"


def text(path) -> str:
    return path.read_text("utf-8").strip()


def without_proof(document: dict) -> dict:
    return {key: value for key, value in document.items() if key != "proof"}


@pytest.fixture(scope="module")
def spec_key():
    return keys.decode_private_key(read_json(EDDSA / "keyPair.json")["privateKeyMultibase"])


def spec_resolver(public_key):
    """The vectors' issuer is not a DID: its one key is the vector key pair."""

    def resolve(verification_method: str, purpose: str) -> keys.VerificationMethod:
        if verification_method.startswith("did:key:"):
            return keys.resolve_did_key(verification_method)
        assert verification_method == f"{ISSUER}#{keys.encode_public_key(public_key)}"
        return keys.VerificationMethod(verification_method, ISSUER, public_key)

    return resolve


class TestEddsaRdfc2022:
    def test_canonical_proof_configuration(self, loader):
        config = read_json(EDDSA / "proofConfigDataInt.json")
        canonical = canonicalize_rdfc(config, loader=loader)
        assert canonical == (EDDSA / "proofCanonDataInt.txt").read_text("utf-8")
        assert hashlib.sha256(canonical.encode()).hexdigest() == text(EDDSA / "proofHashDataInt.txt")

    def test_combined_hash(self, loader):
        unsigned = without_proof(read_json(EDDSA / "signedDataInt.json"))
        config = read_json(EDDSA / "proofConfigDataInt.json")
        verify_data = EDDSA_RDFC_2022.create_verify_data(unsigned, config, loader=loader, algorithm="Ed25519")
        assert verify_data.hex() == text(EDDSA / "combinedHashDataInt.txt")

    def test_signature(self, spec_key):
        signature = spec_key.sign(bytes.fromhex(text(EDDSA / "combinedHashDataInt.txt")))
        assert signature.hex() == text(EDDSA / "sigHexDataInt.txt")
        assert multibase.encode(signature) == text(EDDSA / "sigBTC58DataInt.txt")

    def test_signed_document_is_reproduced_exactly(self, spec_key, loader):
        signed = read_json(EDDSA / "signedDataInt.json")
        signer = KeySigner(signed["proof"]["verificationMethod"], spec_key)
        ours = add_proof(without_proof(signed), suite=EDDSA_RDFC_2022, signer=signer, loader=loader, created=CREATED)
        assert json.dumps(ours, indent=2) == (EDDSA / "signedDataInt.json").read_text("utf-8")

    def test_signed_document_verifies(self, spec_key, loader):
        result = verify_proof(read_json(EDDSA / "signedDataInt.json"), suites=SUITES, loader=loader,
                              resolve_key=spec_resolver(spec_key.public_key()))
        assert result.ok, result.problems


class TestEddsaJcs2022:
    def test_canonical_document_and_hash(self):
        unsigned = without_proof(read_json(JCS / "signedJCS.json"))
        canonical = canonicalize_jcs(unsigned)
        assert canonical == (JCS / "canonDocJCS.txt").read_bytes().strip()
        assert hashlib.sha256(canonical).hexdigest() == text(JCS / "docHashJCS.txt")

    def test_canonical_proof_configuration(self):
        canonical = canonicalize_jcs(read_json(JCS / "proofConfigJCS.json"))
        assert canonical == (JCS / "proofCanonJCS.txt").read_bytes().strip()
        assert hashlib.sha256(canonical).hexdigest() == text(JCS / "proofHashJCS.txt")

    def test_combined_hash_and_signature(self, spec_key, loader):
        unsigned = without_proof(read_json(JCS / "signedJCS.json"))
        config = read_json(JCS / "proofConfigJCS.json")
        verify_data = EDDSA_JCS_2022.create_verify_data(unsigned, config, loader=loader, algorithm="Ed25519")
        assert verify_data.hex() == text(JCS / "combinedHashJCS.txt")
        assert spec_key.sign(verify_data).hex() == text(JCS / "sigHexJCS.txt")
        assert multibase.encode(spec_key.sign(verify_data)) == text(JCS / "sigBTC58JCS.txt")

    def test_signed_document_is_reproduced_exactly(self, spec_key, loader):
        signed = read_json(JCS / "signedJCS.json")
        signer = KeySigner(signed["proof"]["verificationMethod"], spec_key)
        ours = add_proof(without_proof(signed), suite=EDDSA_JCS_2022, signer=signer, loader=loader, created=CREATED)
        assert json.dumps(ours, indent=2) == (JCS / "signedJCS.json").read_text("utf-8")

    def test_signed_document_verifies(self, spec_key, loader):
        result = verify_proof(read_json(JCS / "signedJCS.json"), suites=SUITES, loader=loader,
                              resolve_key=spec_resolver(spec_key.public_key()))
        assert result.ok, result.problems


def ecdsa_vector_document(folder, key_file, signature_file) -> dict:
    """The did:key ECDSA vector's signed document: the AlumniCredential of the
    EdDSA vectors with the ECDSA proof whose value the spec publishes."""
    public = read_json(folder / key_file)["publicKeyMultibase"]
    document = without_proof(read_json(EDDSA / "signedDataInt.json"))
    document["proof"] = {
        "type": "DataIntegrityProof",
        "cryptosuite": "ecdsa-rdfc-2019",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": f"did:key:{public}#{public}",
        "proofPurpose": "assertionMethod",
        "proofValue": text(folder / signature_file),
    }
    return document


@pytest.mark.parametrize(
    "folder, key_file, hash_file, signature_file, hex_file, algorithm",
    [
        (ECDSA, "p256KeyPair.json", "combinedHashECDSAP256.txt", "sigBTC58ECDSAP256.txt", "sigHexECDSAP256.txt", "P-256"),
        (ECDSA_384, "p384KeyPair.json", "combinedHashECDSAP384.txt", "sigBTC58ECDSAP384.txt", "sigHexECDSAP384.txt", "P-384"),
    ],
)
class TestEcdsaRdfc2019:
    def test_key_pair(self, folder, key_file, hash_file, signature_file, hex_file, algorithm):
        pair = read_json(folder / key_file)
        secret = pair.get("secretKeyMultibase") or pair["privateKeyMultibase"]
        private = keys.decode_private_key(secret)
        assert keys.encode_public_key(private.public_key()) == pair["publicKeyMultibase"]
        assert keys.algorithm_of(private) == algorithm

    def test_combined_hash(self, loader, folder, key_file, hash_file, signature_file, hex_file, algorithm):
        document = ecdsa_vector_document(folder, key_file, signature_file)
        proof = document.pop("proof")
        config = {**{k: v for k, v in proof.items() if k != "proofValue"}, "@context": document["@context"]}
        verify_data = ECDSA_RDFC_2019.create_verify_data(document, config, loader=loader, algorithm=algorithm)
        assert verify_data.hex() == text(folder / hash_file)

    def test_signature_encoding(self, folder, key_file, hash_file, signature_file, hex_file, algorithm):
        assert multibase.decode(text(folder / signature_file)).hex() == text(folder / hex_file)

    def test_signed_document_verifies(self, loader, folder, key_file, hash_file, signature_file, hex_file, algorithm):
        document = ecdsa_vector_document(folder, key_file, signature_file)
        result = verify_proof(document, suites=SUITES, loader=loader, resolve_key=keys.resolve_did_key_for)
        assert result.ok, result.problems
        document["proof"]["created"] = "2023-02-24T23:36:39Z"
        assert not verify_proof(document, suites=SUITES, loader=loader, resolve_key=keys.resolve_did_key_for).ok


def test_p384_canonical_proof_configuration(loader):
    document = ecdsa_vector_document(ECDSA_384, "p384KeyPair.json", "sigBTC58ECDSAP384.txt")
    proof = document.pop("proof")
    config = {**{k: v for k, v in proof.items() if k != "proofValue"}, "@context": document["@context"]}
    assert canonicalize_rdfc(config, loader=loader) == (ECDSA_384 / "proofCanonECDSAP384.txt").read_text("utf-8")


def test_legacy_ecdsa_vector_fails_with_current_contexts(loader):
    """Vector B was made with an older credentials/v2 context (no
    cryptosuiteString datatype), so it must not verify today."""
    document = read_json(ECDSA / "variant-vc-example-vm" / "signedECDSAP256.json")
    public = keys.decode_public_key(read_json(ECDSA / "p256KeyPair.json")["publicKeyMultibase"])
    result = verify_proof(document, suites=SUITES, loader=loader, resolve_key=spec_resolver(public))
    assert not result.ok
