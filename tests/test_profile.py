"""The learning-outcome credential profile: schema, framework checks, examples."""

from __future__ import annotations

import copy
import hashlib
import json
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import schemas
from dataintegrity import ECDSA_RDFC_2019, EDDSA_JCS_2022, EDDSA_RDFC_2022, add_proof
from dataintegrity.keys import did_key, private_key_from_seed
from schemas.profile import PROFILE_CONTEXT, PROFILE_SCHEMA_ID, ProfileChecker, profile_schema
from verifier import Verifier

from .conftest import CREATED, SEED, signer_for

#: The examples are valid from 2026-07-01 and 2026-09-15.
LATER = datetime(2027, 1, 1, tzinfo=timezone.utc)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "schemas" / "examples").glob("*.json"))
NEV = ROOT / "schemas" / "examples" / "nev-high-voltage-service-sa-t3.json"
CHECKER = ProfileChecker()
SUITES = [(EDDSA_RDFC_2022, "Ed25519"), (EDDSA_JCS_2022, "Ed25519"), (ECDSA_RDFC_2019, "P-256")]


def example(path: Path = NEV) -> dict:
    return json.loads(path.read_text("utf-8"))


def alignments(credential: dict) -> list[dict]:
    return credential["credentialSubject"]["achievement"]["alignment"]


def test_there_are_both_pilot_cases_at_two_tiers():
    tiers = {}
    for path in EXAMPLES:
        tier = next(a["targetCode"] for a in alignments(example(path)) if "/shenzhen-agreement/levels/" in a["targetUrl"])
        tiers[path.name] = tier
    assert len(set(tiers.values())) >= 2
    languages = {path.name: {v["@language"] for v in example(path)["name"]} for path in EXAMPLES}
    assert {"en", "zh-Hans"} in languages.values() and {"en", "th"} in languages.values()
    assert any("animation" in name for name in tiers) and any("nev" in name for name in tiers)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_examples_follow_the_profile(path):
    assert CHECKER.check(example(path)) == []


@pytest.mark.parametrize("suite, algorithm", SUITES, ids=lambda value: getattr(value, "name", value))
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_examples_sign_and_verify(path, suite, algorithm, loader):
    key = private_key_from_seed(SEED, algorithm)
    credential = example(path)
    credential["issuer"]["id"] = did_key(key.public_key())
    signed = add_proof(credential, suite=suite, signer=signer_for(key), loader=loader, created=CREATED)
    result = Verifier(loader=loader, profile=CHECKER).verify_credential(signed, now=LATER)
    assert result.verified, result.problems
    assert [check.name for check in result.checks] == ["structure", "proof", "schema", "key", "validity"]


def break_(credential: dict, change) -> dict:
    changed = copy.deepcopy(credential)
    change(changed)
    return changed


def _tier(credential):
    return next(a for a in alignments(credential) if "/shenzhen-agreement/levels/" in a["targetUrl"])


def _outcome(credential):
    return next(a for a in alignments(credential) if a.get("targetType") == "ext:LearningOutcome")


REJECTIONS = [
    ("missing tier alignment", lambda c: alignments(c).remove(_tier(c)),
     "credentialSubject.achievement.alignment", "Shenzhen Agreement tier"),
    ("unknown tier code", lambda c: _tier(c).update(targetCode="SA-T9", targetUrl=_tier(c)["targetUrl"].replace("SA-T3", "SA-T9")),
     "credentialSubject.achievement.alignment[0].targetUrl", '"SA-T9" is not a Shenzhen Agreement tier'),
    ("tier code not matching its URL", lambda c: _tier(c).update(targetCode="SA-T4"),
     "credentialSubject.achievement.alignment[0].targetCode", 'must be "SA-T3"'),
    ("negative credits", lambda c: c["credentialSubject"]["achievement"].update(creditsAvailable=-6),
     "credentialSubject.achievement.creditsAvailable", "zero or more"),
    ("non-numeric credits", lambda c: c["credentialSubject"].update(creditsEarned="six"),
     "credentialSubject.creditsEarned", "must be a number of credits"),
    ("more credits earned than available", lambda c: c["credentialSubject"].update(creditsEarned=7),
     "credentialSubject.creditsEarned", "more than the 6 credits"),
    ("learning outcome without a statement", lambda c: _outcome(c).pop("targetDescription"),
     "credentialSubject.achievement.alignment[5].targetDescription", "is required but missing"),
    ("missing English name", lambda c: c["credentialSubject"]["achievement"].update(name=[{"@value": "บริการ", "@language": "th"}]),
     "credentialSubject.achievement.name", "needs an English version"),
    ("validUntil before validFrom", lambda c: c.update(validUntil="2026-01-01T00:00:00Z"),
     "validUntil", "is before validFrom"),
    ("unknown framework id", lambda c: alignments(c)[1].update(targetUrl="https://skillspassport.org/frameworks/atlantis-nqf/levels/4"),
     "credentialSubject.achievement.alignment[1].targetUrl", 'names the framework "atlantis-nqf", which is not one we know'),
    ("unknown level of a known framework", lambda c: alignments(c)[1].update(targetUrl="https://skillspassport.org/frameworks/thai-nqf/levels/9", targetCode="9"),
     "credentialSubject.achievement.alignment[1].targetUrl", '"9" is not a level of Thailand National Qualifications Framework'),
    ("no credentialStatus", lambda c: c.pop("credentialStatus"), "credentialStatus", "is required but missing"),
    ("no credentialSchema", lambda c: c.pop("credentialSchema"), "credentialSchema", "is required but missing"),
    ("no notional hours", lambda c: c["credentialSubject"]["achievement"].pop("notionalLearningHours"),
     "credentialSubject.achievement.notionalLearningHours", "is required but missing"),
    ("zero notional hours", lambda c: c["credentialSubject"]["achievement"].update(notionalLearningHours=0),
     "credentialSubject.achievement.notionalLearningHours", "greater than zero"),
    ("no occupational field code", lambda c: [alignments(c).remove(a) for a in list(alignments(c)) if a["targetType"] in ("ext:ISCED-F", "ext:ISCO-08")],
     "credentialSubject.achievement.alignment", "ISCED-F or ISCO-08"),
    ("no credit rule", lambda c: [alignments(c).remove(a) for a in list(alignments(c)) if a["targetType"] == "ext:CreditRule"],
     "credentialSubject.achievement.alignment", "credit rule"),
    ("extra key in a language value", lambda c: c["name"][0].update({"@type": "x"}), "name[0]", 'holds only "@value" and "@language"'),
    ("@direction in a language value", lambda c: c["name"][0].update({"@direction": "ltr"}), "name[0]", "would not be signed"),
    ("status index not a decimal string", lambda c: c["credentialStatus"].update(statusListIndex=94567),
     "credentialStatus.statusListIndex", "must be a decimal number as a string"),
    ("date without a time zone", lambda c: c.update(validFrom="2026-09-15T00:00:00"), "validFrom", "with a time zone"),
    ("result naming no description", lambda c: c["credentialSubject"]["result"][0].update(resultDescription="urn:uuid:nope"),
     "credentialSubject.result[0].resultDescription", "names no resultDescription"),
    ("wrong context order", lambda c: c["@context"].reverse(), "@context[0]", "must be the VC 2.0 context"),
]


@pytest.mark.parametrize("name, change, path, message", REJECTIONS, ids=[r[0] for r in REJECTIONS])
def test_profile_rejects_with_the_field_named(name, change, path, message):
    problems = CHECKER.check(break_(example(), change))
    assert any(problem.path == path and message in problem.message for problem in problems), problems


def test_a_problem_is_reported_once_and_sorted():
    problems = CHECKER.check(break_(example(), lambda c: (c.pop("credentialStatus"), c.pop("credentialSchema"))))
    assert problems == sorted(set(problems))
    assert [p.path for p in problems] == ["credentialSchema", "credentialStatus"]


@pytest.mark.parametrize("value", [None, [], "text", 42])
def test_non_objects_get_problems_not_exceptions(value):
    assert CHECKER.check(value)[0].path == "(the document)"


def test_verifier_reports_schema_problems_after_the_proof(loader, ed25519_key, ed25519_signer):
    credential = example()
    credential["issuer"]["id"] = did_key(ed25519_key.public_key())
    _tier(credential).update(targetCode="SA-T9", targetUrl=_tier(credential)["targetUrl"].replace("SA-T3", "SA-T9"))
    signed = add_proof(credential, suite=EDDSA_RDFC_2022, signer=ed25519_signer, loader=loader, created=CREATED)
    result = Verifier(loader=loader, profile=CHECKER).verify_credential(signed, now=LATER)
    failed = [check for check in result.checks if not check.ok]
    assert [check.name for check in failed] == ["schema"]
    assert "SA-T9" in failed[0].problems[0].detail


def test_our_context_bytes_never_change():
    digest = hashlib.sha256(schemas.context_bytes(PROFILE_CONTEXT)).hexdigest()
    assert digest == "1da49d4c4c9986bc8d9cf5ab74ae91abb352972f82fd429d1f08c18d52e262b2"


def test_schema_is_valid_2020_12_and_names_its_id():
    schema = profile_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == PROFILE_SCHEMA_ID
    assert all(reference.startswith("#/$defs/") for _, reference in _refs(schema)), "no remote $ref"


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield key, value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_profile_document_example_verifies(loader):
    """The signed example in docs/credential-profile.md verifies and follows the profile."""
    text = (ROOT / "docs" / "credential-profile.md").read_text("utf-8")
    block = re.search(r"## A full example.*?```json\n(.*?)\n```", text, re.S).group(1)
    signed = json.loads(block)
    assert CHECKER.check(signed) == []
    assert Verifier(loader=loader, profile=CHECKER).verify_credential(signed, now=LATER).verified


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fast_and_explaining_validators_agree(data):
    """jsonschema-rs decides conformance; the pure-Python validator must agree on every mutation."""
    credential = example()
    paths = list(_leaf_paths(credential))
    for _ in range(data.draw(st.integers(1, 3))):
        path = data.draw(st.sampled_from(paths))
        target = credential
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = data.draw(st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False),
                                               st.text(max_size=8), st.just([]), st.just({}), st.just("SA-T9")))
    fast = CHECKER._fast.is_valid(credential)
    assert fast == (not any(True for _ in CHECKER._explaining.iter_errors(credential)))


def _leaf_paths(value, path=()):
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _leaf_paths(child, path + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _leaf_paths(child, path + (index,))
    else:
        yield path


def test_result_description_ids_of_any_json_type_are_problems_not_crashes():
    """Found by the pipeline fuzz test: an id that is a list or an object is unhashable."""
    from schemas.profile import _check_results

    achievement = {"resultDescription": [{"id": ["urn:uuid:x"]}, {"id": {"a": 1}}]}
    subject = {"result": [{"resultDescription": ["urn:uuid:x"]}, {"resultDescription": {"a": 1}}]}
    assert [p.path for p in _check_results(subject, achievement)] == \
        ["credentialSubject.result[0].resultDescription", "credentialSubject.result[1].resultDescription"]
