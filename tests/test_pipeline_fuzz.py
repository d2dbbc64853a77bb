"""Fuzz: the whole verification pipeline on mutated credentials and presentations.

Whatever the input, it answers with a result (verified or not, with reasons)
that serializes to JSON, never an exception. (That tampering is never reported
as verified is tested in test_properties.py.)
"""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataintegrity import EDDSA_JCS_2022, EDDSA_RDFC_2022, add_proof, bundled_loader
from dataintegrity.keys import did_key, private_key_from_seed
from verifier import Verifier
from verifier.offline import DidFolder, StatusFolder
from verifier.recognition import RecognitionTarget
from verifier.resolution import Resolver
from verifier.status_check import StatusChecker
from verifier.trust import bundled_registry

from .conftest import CREATED, FIXTURES, NOW, SEED, read_json, signer_for
from .test_profile import EXAMPLES

LOADER = bundled_loader()
KEY = private_key_from_seed(SEED)
LATER = NOW.replace(year=2027)


def _signed(path, suite):
    credential = json.loads(path.read_text("utf-8"))
    credential["issuer"]["id"] = did_key(KEY.public_key())
    return add_proof(credential, suite=suite, signer=signer_for(KEY), loader=LOADER, created=CREATED)


SEEDS = [_signed(path, suite) for path in EXAMPLES for suite in (EDDSA_RDFC_2022, EDDSA_JCS_2022)] + [
    read_json(FIXTURES / name) for name in ("valid-eddsa-rdfc-2022.json", "valid-eddsa-didweb-status.json",
                                            "vp-unsigned-with-eddsa-vc.json", "valid-ecdsa-rdfc-2019.json")]
VERIFIER = Verifier(
    loader=LOADER,
    resolver=Resolver(now=LATER, sources=[DidFolder(FIXTURES / "dids")]),
    status=StatusChecker(loader=LOADER, sources=[StatusFolder(FIXTURES / "status")]),
    registry=bundled_registry(loader=LOADER, now=LATER),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.floats(allow_nan=False) | st.text(max_size=20)
    | st.sampled_from(["did:key:z6Mk", "https://www.w3.org/ns/credentials/v2", "@context", "VerifiableCredential",
                       "DataIntegrityProof", "eddsa-rdfc-2022", "SA-T3", "2025-01-01T00:00:00Z", "urn:uuid:1"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, path + (index,))


@st.composite
def mutated(draw):
    document = copy.deepcopy(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(document))))
        if not path:
            continue
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(JSON)
        else:
            parent[path[-1]] = draw(JSON)
    return document


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(document=mutated(), target=st.sampled_from([None, "mqf", "hkqf", "thai-nqf", "eqf"]))
def test_mutated_documents_always_get_a_result(document, target):
    types = document.get("type") if isinstance(document, dict) else None
    if isinstance(types, list) and "VerifiablePresentation" in types:
        result = VERIFIER.verify_presentation(document, now=LATER, challenge=None)
    else:
        result = VERIFIER.verify_credential(document, now=LATER,
                                            recognise_as=RecognitionTarget(target) if target else None)
    assert result.outcome in ("verified", "verified-with-warnings", "not-verified")
    json.dumps(result.to_json())  # the answer itself is always valid JSON


@settings(max_examples=100, deadline=None)
@given(value=JSON)
def test_anything_at_all_gets_a_result(value):
    result = VERIFIER.verify_credential(value, now=LATER)
    assert not result.verified
