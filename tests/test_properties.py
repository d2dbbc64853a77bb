"""Property-based: changing any value, any proof option or the context of a
signed credential makes verification fail, for every cryptosuite."""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataintegrity import ECDSA_RDFC_2019, EDDSA_JCS_2022, EDDSA_RDFC_2022, add_proof, bundled_loader
from dataintegrity.canonicalize import canonicalize_rdfc
from dataintegrity.keys import private_key_from_seed
from verifier import Verifier

from .conftest import CREATED, NOW, SEED, signer_for, unsigned_for

LOADER = bundled_loader()
VERIFIER = Verifier(loader=LOADER)
SUITE_KEYS = [(EDDSA_RDFC_2022, "Ed25519"), (EDDSA_JCS_2022, "Ed25519"), (ECDSA_RDFC_2019, "P-256")]


def signed_with(suite, algorithm) -> dict:
    key = private_key_from_seed(SEED, algorithm)
    return add_proof(unsigned_for(key), suite=suite, signer=signer_for(key), loader=LOADER, created=CREATED)


SIGNED = {suite.name: signed_with(suite, algorithm) for suite, algorithm in SUITE_KEYS}
SUITE_NAMES = list(SIGNED)


def leaf_paths(value, path=()):
    """Every path to a scalar in a JSON value."""
    if isinstance(value, dict):
        for key, child in value.items():
            yield from leaf_paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from leaf_paths(child, path + (index,))
    else:
        yield path


def replace(document, path, new_value):
    changed = copy.deepcopy(document)
    target = changed
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = new_value
    return changed


def other_value(old):
    """A strategy for a JSON scalar different from ``old``."""
    scalars = st.one_of(
        st.text(max_size=40),
        st.integers(min_value=-(2**40), max_value=2**40),
        st.floats(allow_nan=False, allow_infinity=False),
        st.booleans(),
        st.none(),
    )
    if isinstance(old, str):
        scalars = st.one_of(st.text(max_size=40), st.just(old + " "), st.just(old.upper()), scalars)
    return scalars.filter(lambda new: new != old or type(new) is not type(old))


def assert_not_verified(document):
    result = VERIFIER.verify_credential(document, now=NOW)
    assert not result.verified, "a changed credential verified"


def test_unchanged_credentials_verify():
    for document in SIGNED.values():
        assert VERIFIER.verify_credential(document, now=NOW).verified


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), suite=st.sampled_from(SUITE_NAMES))
def test_changing_any_value_fails(data, suite):
    document = SIGNED[suite]
    path = data.draw(st.sampled_from([p for p in leaf_paths(document) if p[0] not in ("@context", "proof")]))
    old = document
    for step in path:
        old = old[step]
    assert_not_verified(replace(document, path, data.draw(other_value(old))))


@settings(max_examples=100, deadline=None)
@given(data=st.data(), suite=st.sampled_from(SUITE_NAMES))
def test_changing_any_proof_option_fails(data, suite):
    document = SIGNED[suite]
    path = data.draw(st.sampled_from([p for p in leaf_paths(document) if p[0] == "proof"]))
    old = document
    for step in path:
        old = old[step]
    assert_not_verified(replace(document, path, data.draw(other_value(old))))


@settings(max_examples=60, deadline=None)
@given(data=st.data(), suite=st.sampled_from(SUITE_NAMES))
def test_removing_any_proof_option_fails(data, suite):
    document = copy.deepcopy(SIGNED[suite])
    # A JCS proof's "@context" is a copy of the document's: the proof
    # configuration takes the document's context whether or not the proof
    # repeats it (eddsa-jcs-2022, Verify Proof step 4 and Proof Configuration).
    options = sorted(name for name in document["proof"] if name != "@context")
    del document["proof"][data.draw(st.sampled_from(options))]
    assert_not_verified(document)


CONTEXTS = sorted(LOADER._documents) + ["https://evil.example/context.json"]
INLINE_CONTEXTS = [
    {"achievement": "https://evil.example/achievement"},
    {"AchievementSubject": "https://evil.example/AchievementSubject"},
    {"@vocab": "https://evil.example/vocab#"},
    {"@base": "https://evil.example/"},
]


def context_mutation():
    index = st.integers(min_value=0, max_value=1)
    entry = st.one_of(st.sampled_from(CONTEXTS), st.sampled_from(INLINE_CONTEXTS))
    return st.one_of(
        st.tuples(st.just("replace"), index, entry),
        st.tuples(st.just("insert"), st.integers(min_value=0, max_value=2), entry),
        st.tuples(st.just("drop"), index, st.none()),
        st.tuples(st.just("reverse"), st.none(), st.none()),
    )


def mutate_context(document, mutation):
    changed = copy.deepcopy(document)
    operation, index, entry = mutation
    context = changed["@context"]
    if operation == "replace":
        context[index] = entry
    elif operation == "insert":
        context.insert(index, entry)
    elif operation == "drop":
        del context[index]
    else:
        context.reverse()
    return changed


def signed_rdf(document) -> str:
    unsigned = {key: value for key, value in document.items() if key != "proof"}
    return canonicalize_rdfc(unsigned, loader=LOADER)


@settings(max_examples=120, deadline=None)
@given(suite=st.sampled_from(SUITE_NAMES), mutation=context_mutation())
def test_changing_the_context_fails_or_changes_nothing_signed(suite, mutation):
    """JCS signs the JSON, so any change to ``@context`` fails.  RDFC signs the
    RDF: a change must fail unless it leaves the signed RDF byte-identical
    (e.g. appending a context that defines no term the credential uses), which
    every RDFC verifier, the reference stack included, accepts by design."""
    document = SIGNED[suite]
    changed = mutate_context(document, mutation)
    if changed["@context"] == document["@context"]:
        return
    result = VERIFIER.verify_credential(changed, now=NOW)
    if not result.verified:
        return
    assert suite != "eddsa-jcs-2022", "a JCS credential with another @context verified"
    assert changed["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert signed_rdf(changed) == signed_rdf(document)


@pytest.mark.parametrize("suite", SUITE_NAMES)
def test_context_swaps_that_change_meaning_fail(suite):
    for mutation in [("drop", 1, None), ("reverse", None, None), ("insert", 2, INLINE_CONTEXTS[1]),
                     ("replace", 1, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"),
                     ("insert", 1, "https://evil.example/context.json")]:
        assert_not_verified(mutate_context(SIGNED[suite], mutation))


@pytest.mark.parametrize("suite", SUITE_NAMES)
def test_adding_an_undefined_member_fails(suite):
    """The injection the dropped-term check exists for, on every suite."""
    document = copy.deepcopy(SIGNED[suite])
    document["credentialSubject"]["@grade"] = "A+"
    assert_not_verified(document)
