"""The reference stack's fixtures (shared/interop): our verifier's verdict on each."""

from __future__ import annotations

import pytest

from dataintegrity import errors
from verifier import Verifier

from .conftest import FIXTURES, NOW, read_json

INDEX = read_json(FIXTURES / "index.json")["fixtures"]
# The fixtures that need no DID documents or status lists from elsewhere.
OFFLINE = [entry for entry in INDEX if not entry["args"]]

# Why each rejected fixture must be rejected: the check that fails and its problem type.
EXPECTED_FAILURE = {
    "neg-eddsa-subject-changed.json": ("proof", errors.PROOF_VERIFICATION_ERROR),
    "neg-ecdsa-subject-changed.json": ("proof", errors.PROOF_VERIFICATION_ERROR),
    "neg-jcs-subject-changed.json": ("proof", errors.PROOF_VERIFICATION_ERROR),
    "neg-eddsa-proofvalue-bitflip.json": ("proof", errors.PROOF_VERIFICATION_ERROR),
    "neg-eddsa-vm-swapped.json": ("proof", errors.PROOF_VERIFICATION_ERROR),
    "neg-eddsa-signed-by-other-key.json": ("key", errors.INVALID_VERIFICATION_METHOD),
    "neg-eddsa-created-changed.json": ("proof", errors.PROOF_VERIFICATION_ERROR),
    "neg-eddsa-context-reordered.json": ("structure", errors.INVALID_CONTEXT_ORDER),
    "neg-eddsa-dropped-member-injected.json": ("proof", errors.UNDEFINED_TERM),
    "neg-eddsa-expired.json": ("validity", errors.EXPIRED),
}


def verify(document, loader):
    verifier = Verifier(loader=loader)
    if "VerifiablePresentation" in document["type"]:
        return verifier.verify_presentation(document, now=NOW)
    return verifier.verify_credential(document, now=NOW)


def test_every_offline_fixture_is_covered():
    assert len(OFFLINE) == 14
    rejected = {entry["file"] for entry in OFFLINE if entry["expected"] == "reject"}
    assert rejected == set(EXPECTED_FAILURE)


@pytest.mark.parametrize("entry", OFFLINE, ids=lambda entry: entry["file"])
def test_fixture_verdict(entry, loader):
    result = verify(read_json(FIXTURES / entry["file"]), loader)
    if entry["expected"] == "accept":
        assert result.verified, result.problems
        return
    assert not result.verified
    check_name, problem_type = EXPECTED_FAILURE[entry["file"]]
    failed = {check.name: [problem.type for problem in check.problems] for check in result.checks if not check.ok}
    assert problem_type in failed[check_name], failed


def test_did_web_and_status_fixtures(loader):
    """did:web resolved from the fixtures' dids/ folder, status from status/ (the --dids/--status layout)."""
    from verifier.offline import DidFolder, StatusFolder
    from verifier.resolution import Resolver
    from verifier.status_check import StatusChecker

    verifier = Verifier(loader=loader, resolver=Resolver(now=NOW, sources=[DidFolder(FIXTURES / "dids")]),
                        status=StatusChecker(loader=loader, sources=[StatusFolder(FIXTURES / "status")]))
    good = verifier.verify_credential(read_json(FIXTURES / "valid-eddsa-didweb-status.json"), now=NOW)
    assert good.outcome == "verified", good.problems
    revoked = verifier.verify_credential(read_json(FIXTURES / "neg-eddsa-didweb-revoked.json"), now=NOW)
    failed = [check for check in revoked.checks if not check.ok]
    assert [check.name for check in failed] == ["status"]
    assert "revoked" in failed[0].problems[0].detail.lower()


def test_unsigned_presentation_reports_its_credential(loader):
    result = verify(read_json(FIXTURES / "vp-unsigned-with-eddsa-vc.json"), loader)
    assert result.kind == "presentation"
    assert [credential.verified for credential in result.credentials] == [True]
    assert [check.name for check in result.checks] == ["structure", "credentials"]


def test_jcs_credential_signed_with_an_undefined_term_is_refused(loader, ed25519_key, ed25519_signer):
    """JCS would sign the undefined member as written; the verifier still refuses it."""
    from dataintegrity import EDDSA_JCS_2022, add_proof

    from .conftest import CREATED, unsigned_for

    credential = unsigned_for(ed25519_key)
    credential["credentialSubject"]["favouriteColour"] = "green"
    signed = add_proof(credential, suite=EDDSA_JCS_2022, signer=ed25519_signer, loader=loader, created=CREATED)
    result = Verifier(loader=loader).verify_credential(signed, now=NOW)
    assert not result.verified
    assert result.checks[0].name == "structure"
    assert result.problems[0].type == errors.UNDEFINED_TERM and "favouriteColour" in result.problems[0].detail
