"""Recognition: tier → AQRF → receiving framework, credits, profiles, problems and caveats.

Expected chains, statuses and numbers are written out from the data files
(schemas/frameworks/*.yaml) and cross-checked against the Shenzhen Agreement
file's generated ``derived_crosswalk``.
"""

from __future__ import annotations

import copy
import json
from importlib import resources

import pytest
import yaml

from schemas.framework_data import build_frameworks, load_frameworks
from schemas.recognition_profiles import bundled_profiles, load_profile
from verifier.recognition import FRAMEWORKS_INFORM, LEVEL_NOT_AWARD, RecognitionTarget, recognise
from verifier.recognition_result import NO_TIER, NO_TIER_MODEL, UNKNOWN_FRAMEWORK, UNKNOWN_TIER

EXAMPLES = {"anim": "animation-inbetweening-sa-t2.json", "nev": "nev-high-voltage-service-sa-t3.json"}
FRAMEWORK_IDS = ("aqrf", "china-vet", "cqf", "eqf", "ghana-ntvetqf", "hkqf", "lao-nqf", "mqf",
                 "shenzhen-agreement", "thai-nqf", "znqf")
PLACEHOLDER = "PLACEHOLDER - to be replaced by the Shenzhen Agreement Alliance's official tier table."
NEEDS_RULE_THAI = "needs an institutional rule: Thai NQF credits count contact time, not notional hours"
NEEDS_RULE_CHINA = ("needs an institutional rule: China vocational education and skills ladders "
                    "(composite, illustrative) credits count contact time, not notional hours")
NEEDS_RULE_AQRF = "needs an institutional rule: AQRF has no notional-hours credit rule in the framework data"


@pytest.fixture(scope="module")
def frameworks():
    return load_frameworks()


@pytest.fixture(scope="module")
def profiles(frameworks):
    return bundled_profiles(frameworks)


def example(name: str) -> dict:
    text = resources.files("schemas").joinpath("examples", EXAMPLES[name]).read_text("utf-8")
    return json.loads(text)


def alignments(credential: dict) -> list[dict]:
    return credential["credentialSubject"]["achievement"]["alignment"]


def with_tier(credential: dict, tier: str) -> dict:
    """A copy of ``credential`` naming ``tier`` instead of its own tier."""
    changed = copy.deepcopy(credential)
    for alignment in alignments(changed):
        if "/shenzhen-agreement/levels/" in alignment["targetUrl"]:
            alignment["targetCode"] = tier
            alignment["targetUrl"] = alignment["targetUrl"].rsplit("/", 1)[0] + "/" + tier
    return changed


def level_alignment(framework_id: str, code: str) -> dict:
    return {
        "type": ["Alignment"], "targetType": "ext:QualificationsFrameworkLevel", "targetCode": code,
        "targetName": f"{framework_id} {code}", "targetUrl": f"https://skillspassport.org/frameworks/{framework_id}/levels/{code}",
    }


def run(credential: dict, target, frameworks):
    target = target if isinstance(target, RecognitionTarget) else RecognitionTarget(target)
    return recognise(credential, target, frameworks)


# --- the chain for both examples, framework by framework ---------------------------

CHAINS = [
    # example, framework, summary, step statuses, derived levels, exact credits, credits
    ("nev", "mqf",
     "SA-T3 → AQRF 4 (illustrative) → MQF 4, Diploma (official referencing) → 1 MQF credit (1.5 rounded down to whole credits)",
     ("illustrative", "illustrative", "official"), ("4",), (1.5, 1.5), (1.0, 1.0)),
    ("nev", "hkqf",
     "SA-T3 → AQRF 4 (illustrative) → HKQF 3 (illustrative referencing) → 6 QF credits",
     ("illustrative", "illustrative", "illustrative"), ("3",), (6.0, 6.0), (6.0, 6.0)),
    ("nev", "thai-nqf",
     "SA-T3 → AQRF 4 (illustrative) → Thai NQF 4 (illustrative referencing, draft report exists) → "
     f"no credit conversion ({NEEDS_RULE_THAI}); issuer states Thai NQF 4 (agrees)",
     ("illustrative", "illustrative", "illustrative"), ("4",), None, None),
    ("nev", "eqf",
     "SA-T3 → AQRF 4 (illustrative) → EQF 4 (illustrative referencing) → 2 ECTS credits (2–2.4 rounded down to whole credits)",
     ("illustrative", "illustrative", "illustrative"), ("4",), (2.0, 2.4), (2.0, 2.0)),
    ("nev", "aqrf",
     f"SA-T3 → AQRF 4 (illustrative) → no credit conversion ({NEEDS_RULE_AQRF})",
     ("illustrative", "illustrative"), ("4",), None, None),
    ("nev", "china-vet",
     "SA-T3 → AQRF 4 (illustrative) → ambiguous: CN-3, Senior skilled worker or CN-4, Higher vocational associate "
     f"(illustrative referencing) → no credit conversion ({NEEDS_RULE_CHINA})",
     ("illustrative", "illustrative", "illustrative"), ("CN-3", "CN-4"), None, None),
    ("anim", "mqf",
     "SA-T2 → AQRF 3 (illustrative) → MQF 3, Certificate (official referencing) → 1 MQF credit",
     ("illustrative", "illustrative", "official"), ("3",), (1.0, 1.0), (1.0, 1.0)),
    ("anim", "hkqf",
     "SA-T2 → AQRF 3 (illustrative) → ambiguous: HKQF 2 or HKQF 3 (illustrative referencing) → 4 QF credits",
     ("illustrative", "illustrative", "illustrative"), ("2", "3"), (4.0, 4.0), (4.0, 4.0)),
    ("anim", "thai-nqf",
     "SA-T2 → AQRF 3 (illustrative) → Thai NQF 3 (illustrative referencing, draft report exists) → "
     f"no credit conversion ({NEEDS_RULE_THAI})",
     ("illustrative", "illustrative", "illustrative"), ("3",), None, None),
    ("anim", "eqf",
     "SA-T2 → AQRF 3 (illustrative) → EQF 3 (illustrative referencing) → 1 ECTS credit (1.33–1.6 rounded down to whole credits)",
     ("illustrative", "illustrative", "illustrative"), ("3",), (40 / 30, 1.6), (1.0, 1.0)),
    ("anim", "aqrf",
     f"SA-T2 → AQRF 3 (illustrative) → no credit conversion ({NEEDS_RULE_AQRF})",
     ("illustrative", "illustrative"), ("3",), None, None),
    ("anim", "china-vet",
     "SA-T2 → AQRF 3 (illustrative) → CN-2, Secondary vocational (illustrative referencing) → "
     f"no credit conversion ({NEEDS_RULE_CHINA})",
     ("illustrative", "illustrative", "illustrative"), ("CN-2",), None, None),
]


@pytest.mark.parametrize(("name", "framework_id", "summary", "statuses", "levels", "exact", "credits"), CHAINS,
                         ids=[f"{c[0]}-{c[1]}" for c in CHAINS])
def test_chain_levels_statuses_and_credits(frameworks, name, framework_id, summary, statuses, levels, exact, credits):
    result = run(example(name), framework_id, frameworks)
    assert result.ok and result.problems == ()
    assert result.summary() == summary
    assert tuple(step.status for step in result.steps) == statuses
    assert [step.kind for step in result.steps] == ["tier", "aqrf", "referencing"][: len(statuses)]
    assert tuple(level.code for level in result.derived_levels) == levels
    assert result.levels == result.derived_levels  # no profile, no override: nothing is picked
    assert result.ambiguous is (len(levels) > 1)
    hours = {"nev": 60.0, "anim": 40.0}[name]
    assert result.credits.hours == hours
    if exact is None:
        assert result.credits.converted is False and result.credits.needs_rule is True
        assert result.credits.credits is None
    else:
        assert result.credits.exact == pytest.approx(exact)
        assert result.credits.credits == credits
        assert result.credits.rounding == "whole credits"
        assert result.credits.rounding_basis == "the framework data names no smaller unit"
        assert result.credits.status == "derived"


def test_the_tier_step_carries_the_tier_models_status_and_placeholder(frameworks):
    tier, aqrf, referencing = run(example("nev"), "mqf", frameworks).steps
    table = frameworks.shenzhen_tiers()
    assert (tier.framework_id, tier.levels[0].code, tier.levels[0].title) == ("shenzhen-agreement", "SA-T3", "Advanced practitioner / technician")
    assert (tier.status, tier.data_status, tier.notes) == (table.status, "placeholder", PLACEHOLDER)
    assert (aqrf.framework_id, aqrf.levels[0].code, aqrf.status, aqrf.data_status) == ("aqrf", "4", "illustrative", "placeholder")
    assert referencing.framework_id == "mqf"
    assert referencing.levels[0].label == "MQF 4, Diploma"
    assert referencing.source == "https://www2.mqa.gov.my/myaqrf/ref_to_aqrf.cfm"
    assert referencing.basis == "the levels of MQF whose AQRF referencing contains AQRF 4"


def test_thai_referencing_keeps_its_process_status_and_unverified_levels(frameworks):
    result = run(example("nev"), "thai-nqf", frameworks)
    step = result.steps[-1]
    assert (step.status, step.process_status) == ("illustrative", "draft_report_exists")
    assert result.derived_levels[0].confidence == "unverified"
    assert "Thai NQF 4: the level's title and placement are unverified in the framework data." in result.caveats
    assert "The Thai NQF AQRF referencing is illustrative: have a person review this placement." in result.caveats


def test_official_referencing_is_not_flagged_for_review(frameworks):
    caveats = run(example("nev"), "mqf", frameworks).caveats
    assert not any("have a person review" in caveat for caveat in caveats)
    assert caveats[-1] == LEVEL_NOT_AWARD


def _crosswalk_rows() -> dict:
    text = resources.files("schemas").joinpath("frameworks", "shenzhen-agreement.yaml").read_text("utf-8")
    return yaml.safe_load(text)["derived_crosswalk"]["rows"]


CROSSWALK = [(tier, framework_id, row) for tier, rows in _crosswalk_rows().items()
             for framework_id, row in rows.items() if framework_id != "aqrf"]


@pytest.mark.parametrize(("tier", "framework_id", "row"), CROSSWALK, ids=[f"{t}-{f}" for t, f, _ in CROSSWALK])
def test_every_tier_and_framework_agrees_with_the_generated_crosswalk(frameworks, tier, framework_id, row):
    result = run(with_tier(example("nev"), tier), framework_id, frameworks)
    assert result.steps[1].levels[0].code == str(_crosswalk_rows()[tier]["aqrf"])
    assert tuple(level.code for level in result.derived_levels) == tuple(str(level) for level in row["levels"])
    assert result.steps[-1].status == row["map_status"]
    assert result.ambiguous is (len(row["levels"]) > 1)


# --- ambiguous mappings -----------------------------------------------------------


def test_sa_t1_to_hkqf_is_ambiguous_and_names_both_levels(frameworks):
    result = run(with_tier(example("nev"), "SA-T1"), "hkqf", frameworks)
    assert result.ok and result.ambiguous
    assert [level.code for level in result.levels] == ["1", "2"]
    assert result.steps[-1].ambiguous
    assert "Ambiguous mapping: the referencing gives 2 levels (HKQF 1, HKQF 2); none is picked." in result.caveats
    assert result.summary() == (
        "SA-T1 → AQRF 2 (illustrative) → ambiguous: HKQF 1 or HKQF 2 (illustrative referencing) → 6 QF credits"
    )
    assert result.to_json()["ambiguous"] is True


def test_sa_t3_to_china_is_ambiguous_between_cn3_and_cn4(frameworks):
    result = run(example("nev"), "china-vet", frameworks)
    assert [(level.code, level.title) for level in result.levels] == [
        ("CN-3", "Senior skilled worker"), ("CN-4", "Higher vocational associate"),
    ]
    assert any(caveat.startswith("Ambiguous mapping: the referencing gives 2 levels (CN-3") for caveat in result.caveats)


# --- the issuer's own level claim -----------------------------------------------------


def test_issuer_claim_is_shown_beside_the_derived_level(frameworks):
    result = run(example("nev"), "thai-nqf", frameworks)
    (claim,) = result.issuer_claims
    assert (claim.level.label, claim.agreement, claim.alignment_index) == ("Thai NQF 4", "agrees", 1)
    assert run(example("nev"), "mqf", frameworks).issuer_claims == ()


def test_issuer_claim_that_differs_is_said_to_differ(frameworks):
    credential = example("nev")
    alignments(credential)[1] = level_alignment("thai-nqf", "5")
    result = run(credential, "thai-nqf", frameworks)
    assert result.issuer_claims[0].agreement == "differs"
    assert result.derived_levels[0].code == "4"
    assert result.summary().endswith("; issuer states Thai NQF 5 (differs from the referencing)")


def test_issuer_claim_within_an_ambiguous_mapping(frameworks):
    credential = example("anim")
    alignments(credential).append(level_alignment("hkqf", "3"))
    result = run(credential, "hkqf", frameworks)
    assert result.issuer_claims[0].agreement == "one-of-ambiguous"
    assert result.summary().endswith("; issuer states HKQF 3 (one of the levels the referencing gives)")


def test_issuer_aqrf_claim_is_compared_when_the_target_is_the_aqrf(frameworks):
    credential = example("nev")
    alignments(credential).append(level_alignment("aqrf", "4"))
    result = run(credential, "aqrf", frameworks)
    assert result.issuer_claims[0].agreement == "agrees"


# --- recognition profiles -------------------------------------------------------------


def test_malaysian_polytechnic_exempts_one_course_and_lists_a_partly_covered_one(frameworks, profiles):
    profile = profiles["poli-automotif-selangor"]
    result = recognise(example("nev"), RecognitionTarget.for_profile(profile), frameworks)
    assert result.summary() == "SA-T3 → AQRF 4 (illustrative) → MQF 4, Diploma (official referencing) → 1.5 MQF credits"
    exempted, partly = result.equivalences
    assert (exempted.course, exempted.title, exempted.credits, exempted.status) == ("AUT-2103", "EV High-Voltage Safety", 1.0, "exempted")
    assert exempted.used_outcomes == ("NEV-HV-301-LO1", "NEV-HV-301-LO2") and exempted.complete
    assert (partly.course, partly.status) == ("AUT-2205", "partly covered")
    assert (partly.used_outcomes, partly.missing_outcomes) == (("NEV-HV-301-LO3",), ("NEV-BMS-302-LO1",))
    assert result.credits.credits == (1.5, 1.5) and result.credits.rounding == "multiples of 0.5"
    assert result.credits.rounding_basis == "institutional rule"
    assert (result.profile_id, result.institution) == (profile.id, profile.name)


def test_a_missing_outcome_turns_an_exemption_into_partly_covered(frameworks, profiles):
    credential = example("nev")
    credential["credentialSubject"]["achievement"]["alignment"] = [
        a for a in alignments(credential) if a.get("targetCode") != "NEV-HV-301-LO2"
    ]
    result = recognise(credential, RecognitionTarget.for_profile(profiles["poli-automotif-selangor"]), frameworks)
    first = result.equivalences[0]
    assert (first.course, first.status, first.missing_outcomes) == ("AUT-2103", "partly covered", ("NEV-HV-301-LO2",))


def test_courses_no_outcome_touches_are_not_listed(frameworks, profiles):
    result = recognise(example("anim"), RecognitionTarget.for_profile(profiles["poli-automotif-selangor"]), frameworks)
    assert result.equivalences == ()


def test_hong_kong_profile_matches_animation_outcomes(frameworks, profiles):
    result = recognise(example("anim"), RecognitionTarget.for_profile(profiles["kowloon-creative-tech"]), frameworks)
    assert [(m.course, m.status) for m in result.equivalences] == [("ANM2101", "exempted"), ("ANM2204", "partly covered")]
    assert result.equivalences[1].missing_outcomes == ("ANIM-210-LO1", "ANIM-210-LO2")


def test_level_override_wins_and_the_derived_mapping_stays_beside_it(frameworks, profiles):
    target = RecognitionTarget.for_profile(profiles["chonburi-automotive-college"])
    result = recognise(with_tier(example("nev"), "SA-T4"), target, frameworks)
    assert [level.code for level in result.derived_levels] == ["5"]
    assert [level.code for level in result.levels] == ["4"]
    override = result.override
    assert (override.agreement, override.decided_by, override.date) == ("differs", "College Academic Council, meeting 1/2569", "2026-01-20")
    assert result.summary().startswith(
        "SA-T4 → AQRF 5 (illustrative) → Thai NQF 4 (institutional override; "
        "the referencing gives Thai NQF 5: illustrative, draft report exists) → "
    )
    data = result.to_json()
    assert data["derivedLevels"][0]["code"] == "5" and data["levels"][0]["code"] == "4"
    assert data["override"]["agreementWithReferencing"] == "differs"


def test_thai_college_override_that_agrees_and_its_own_credit_rule(frameworks, profiles):
    target = RecognitionTarget.for_profile(profiles["chonburi-automotive-college"])
    result = recognise(example("nev"), target, frameworks)
    assert result.override.agreement == "agrees"
    assert result.summary() == (
        "SA-T3 → AQRF 4 (illustrative) → Thai NQF 4 (institutional override; the referencing gives Thai NQF 4: "
        "illustrative, draft report exists) → 1 Thai credit (1.33 rounded down to whole credits; 45 h per credit "
        "by institutional rule); issuer states Thai NQF 4 (agrees)"
    )
    credits = result.credits
    assert (credits.status, credits.hours_per_credit, credits.credits) == ("institutional", (45.0, 45.0), (1.0, 1.0))
    assert credits.exact == pytest.approx((60 / 45, 60 / 45))
    assert [(m.course, m.status) for m in result.equivalences] == [("30101-2105", "credit-transferred")]


def test_hong_kong_override_resolves_an_ambiguous_mapping_without_hiding_it(frameworks, profiles):
    result = recognise(example("anim"), RecognitionTarget.for_profile(profiles["kowloon-creative-tech"]), frameworks)
    assert result.ambiguous and [level.code for level in result.derived_levels] == ["2", "3"]
    assert [level.code for level in result.levels] == ["2"]
    assert result.override.agreement == "one-of-ambiguous"
    assert result.summary() == (
        "SA-T2 → AQRF 3 (illustrative) → HKQF 2 (institutional override; the referencing gives HKQF 2 or HKQF 3: "
        "illustrative, ambiguous) → 4 QF credits"
    )


def test_no_override_for_a_tier_the_profile_does_not_name(frameworks, profiles):
    result = recognise(example("nev"), RecognitionTarget.for_profile(profiles["kowloon-creative-tech"]), frameworks)
    assert result.override is None and [level.code for level in result.levels] == ["3"]


def test_a_cap_limits_the_transferred_credits(frameworks):
    profile = load_profile(
        "id: capped\nname: Capped College\nframework: mqf\ndecided_by: Registry\n"
        "credit_rule: {smallest_unit: 0.5, max_credits_per_credential: 1, note: n, decided_by: Registry}\n",
        frameworks,
    )
    result = recognise(example("nev"), RecognitionTarget.for_profile(profile), frameworks)
    assert (result.credits.rounded, result.credits.credits, result.credits.capped_at) == ((1.5, 1.5), (1.0, 1.0), 1.0)
    assert result.summary().endswith("→ 1 MQF credit (1.5 capped at 1 by institutional rule)")


def test_a_profile_for_another_framework_is_refused(profiles):
    with pytest.raises(ValueError, match="is for mqf, not hkqf"):
        RecognitionTarget("hkqf", profiles["poli-automotif-selangor"])


# --- credits ------------------------------------------------------------------------


@pytest.mark.parametrize("framework_id", ["thai-nqf", "china-vet", "cqf"])
def test_contact_based_credit_rules_give_no_conversion_with_the_reason(frameworks, framework_id):
    credits = run(example("nev"), framework_id, frameworks).credits
    assert credits.converted is False and credits.status == "not-converted" and credits.needs_rule
    assert credits.reason.startswith("needs an institutional rule: ") and "count contact time" in credits.reason
    assert credits.credits is None
    assert credits.to_json()["needsInstitutionalRule"] is True


def test_contact_rule_detail_comes_from_the_data(frameworks):
    thai = run(example("nev"), "thai-nqf", frameworks).credits.detail
    assert "contact_rule_higher_education: per semester: 15 h lecture = 1 credit" in thai
    assert "an illustrative 45 notional hours per credit is in the data, but it is not a rule and is not used" in thai
    assert "16–18 contact periods per credit" in run(example("nev"), "china-vet", frameworks).credits.detail


@pytest.mark.parametrize("framework_id", ["aqrf", "lao-nqf", "ghana-ntvetqf"])
def test_unknown_credit_rules_give_no_conversion(frameworks, framework_id):
    credits = run(example("nev"), framework_id, frameworks).credits
    assert credits.converted is False and credits.needs_rule
    assert "has no notional-hours credit rule in the framework data" in credits.reason


@pytest.mark.parametrize("framework_id", ["mqf", "hkqf", "znqf", "eqf", "shenzhen-agreement"])
def test_converted_credits_use_the_frameworks_own_hours(frameworks, framework_id):
    text = resources.files("schemas").joinpath("frameworks", f"{framework_id}.yaml").read_text("utf-8")
    hours = yaml.safe_load(text)["credit"]["notional_hours_per_credit"]
    low, high = hours if isinstance(hours, list) else (hours, hours)
    credits = run(example("nev"), framework_id, frameworks).credits
    assert credits.hours_per_credit == (low, high)
    assert credits.exact == pytest.approx((60 / high, 60 / low))


def test_sa_credits_and_the_illustrative_rule_are_used_without_notional_hours(frameworks):
    credential = example("nev")
    del credential["credentialSubject"]["achievement"]["notionalLearningHours"]
    credits = run(credential, "hkqf", frameworks).credits
    assert credits.hours == 60.0 and credits.status == "illustrative"
    assert credits.hours_basis == "6 SA credits × 10 h per SA credit (illustrative credit rule)"


def test_without_hours_or_sa_credits_nothing_is_converted(frameworks):
    credential = example("nev")
    del credential["credentialSubject"]["achievement"]["notionalLearningHours"]
    credential["credentialSubject"]["achievement"]["alignment"] = [
        a for a in alignments(credential) if a.get("targetType") != "ext:CreditRule"
    ]
    credits = run(credential, "hkqf", frameworks).credits
    assert (credits.converted, credits.needs_rule, credits.hours) == (False, False, None)
    assert credits.reason == "the credential states neither notional learning hours nor SA credits"


def test_partly_earned_credits_count_their_share_of_the_hours(frameworks):
    credential = example("nev")
    credential["credentialSubject"]["creditsEarned"] = 3
    credits = run(credential, "hkqf", frameworks).credits
    assert credits.hours == 30.0 and credits.credits == (3.0, 3.0)
    assert credits.hours_basis == "the credential's 60 notional learning hours × 3/6 credits earned"


def test_a_range_that_stays_a_range_after_rounding(frameworks):
    credential = example("nev")
    credential["credentialSubject"]["achievement"]["notionalLearningHours"] = 75
    credits = run(credential, "eqf", frameworks).credits
    assert (credits.exact, credits.credits, credits.is_range) == ((2.5, 3.0), (2.0, 3.0), True)
    assert run(credential, "eqf", frameworks).summary().endswith("→ 2–3 ECTS credits (2.5–3 rounded down to whole credits)")


def test_exact_arithmetic_never_rounds_an_exact_multiple_down(frameworks):
    # In floats 3 / 10 / 0.1 is 2.9999999999999996, which would floor to 0.2.
    profile = load_profile(
        "id: tenths\nname: Tenths College\nframework: hkqf\ndecided_by: Registry\n"
        "credit_rule: {smallest_unit: 0.1, note: n, decided_by: Registry}\n",
        frameworks,
    )
    credential = example("nev")
    credential["credentialSubject"]["achievement"]["notionalLearningHours"] = 3
    credits = recognise(credential, RecognitionTarget.for_profile(profile), frameworks).credits
    assert credits.credits == (0.3, 0.3) and credits.rounding == "multiples of 0.1"


# --- problems, never exceptions ---------------------------------------------------------


def test_unknown_framework_is_a_problem_not_an_exception(frameworks):
    result = run(example("nev"), "pqf", frameworks)
    assert not result.ok
    (problem,) = result.problems
    assert (problem.type, problem.title) == (UNKNOWN_FRAMEWORK, "Unknown framework")
    assert problem.detail.startswith("unknown framework 'pqf' (known: aqrf, china-vet")
    assert [step.kind for step in result.steps] == ["tier", "aqrf"]
    assert result.summary().startswith("SA-T3 → AQRF 4 (illustrative) → not recognised: unknown framework 'pqf'")
    assert result.credits is None and result.framework_name is None


@pytest.mark.parametrize(
    ("mutate", "problem_type", "title"),
    [
        (lambda c: alignments(c).pop(0), NO_TIER, "No tier"),
        (lambda c: alignments(c).append(level_alignment("shenzhen-agreement", "SA-T2")), NO_TIER, "Several tiers"),
        (lambda c: alignments(c).__setitem__(0, level_alignment("shenzhen-agreement", "SA-T9")), UNKNOWN_TIER, "Unknown tier"),
        (lambda c: c["credentialSubject"].pop("achievement"), NO_TIER, "No tier"),
        (lambda c: c.__setitem__("credentialSubject", "nobody"), NO_TIER, "No tier"),
    ],
    ids=["no-tier", "two-tiers", "unknown-tier", "no-achievement", "subject-not-object"],
)
def test_a_credential_without_a_usable_tier_gives_a_problem(frameworks, mutate, problem_type, title):
    credential = example("nev")
    mutate(credential)
    result = run(credential, "mqf", frameworks)
    assert not result.ok
    assert [(p.type, p.title) for p in result.problems] == [(problem_type, title)]
    assert result.steps == () and result.levels == ()
    assert result.summary().startswith("not recognised: ")
    assert result.caveats[:2] == (FRAMEWORKS_INFORM, PLACEHOLDER + " The tiers, their AQRF anchors and the SA credit rule are illustrative.")


@pytest.mark.parametrize("credential", [None, "text", [], 42])
def test_anything_that_is_not_a_credential_gives_a_problem(frameworks, credential):
    result = run(credential, "mqf", frameworks)
    assert [p.type for p in result.problems] == [NO_TIER]


def test_both_problems_are_reported_together(frameworks):
    result = run({"credentialSubject": {}}, "pqf", frameworks)
    assert [p.type for p in result.problems] == [NO_TIER, UNKNOWN_FRAMEWORK]


def test_wrong_argument_types_are_type_errors(frameworks):
    with pytest.raises(TypeError):
        recognise(example("nev"), "mqf", frameworks)
    with pytest.raises(TypeError):
        recognise(example("nev"), RecognitionTarget("mqf"), {})
    with pytest.raises(TypeError):
        RecognitionTarget(4)


# --- caveats ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("framework_id", FRAMEWORK_IDS + ("pqf",))
def test_the_decision_and_placeholder_caveats_are_always_present(frameworks, name, framework_id):
    caveats = run(example(name), framework_id, frameworks).caveats
    assert caveats[0] == FRAMEWORKS_INFORM
    assert caveats[1].startswith(frameworks.shenzhen_tiers().placeholder_notice)


def _documents() -> dict:
    folder = resources.files("schemas").joinpath("frameworks")
    return {f"{i}.yaml": yaml.safe_load(folder.joinpath(f"{i}.yaml").read_text("utf-8")) for i in FRAMEWORK_IDS}


def test_the_placeholder_caveat_goes_once_the_alliance_publishes(frameworks):
    documents = _documents()
    documents["shenzhen-agreement.yaml"]["data_status"] = "official"
    result = run(example("nev"), "mqf", build_frameworks(documents))
    assert result.caveats[0] == FRAMEWORKS_INFORM
    assert not any("PLACEHOLDER" in caveat for caveat in result.caveats)


def test_a_tier_anchor_that_disagrees_with_the_tier_map_is_a_caveat():
    documents = _documents()
    documents["shenzhen-agreement.yaml"]["referenced_to"]["aqrf"]["level_map"]["SA-T3"] = 5
    result = run(example("nev"), "mqf", build_frameworks(documents))
    assert result.derived_levels[0].code == "4"
    assert ("The framework data disagrees with itself: the tier model anchors SA-T3 at AQRF 4, "
            "its AQRF map gives 5; the tier model's anchor is used.") in result.caveats


def test_data_without_a_tier_model_is_a_problem():
    documents = {name: doc for name, doc in _documents().items() if name != "shenzhen-agreement.yaml"}
    result = run(example("nev"), "mqf", build_frameworks(documents))
    assert [p.type for p in result.problems] == [NO_TIER_MODEL]
    assert result.caveats == (FRAMEWORKS_INFORM,)


# --- JSON for the API and the page ----------------------------------------------------


def test_to_json_is_camel_case_json_with_the_summary(frameworks, profiles):
    result = recognise(example("nev"), RecognitionTarget.for_profile(profiles["poli-automotif-selangor"]), frameworks)
    data = json.loads(json.dumps(result.to_json(), ensure_ascii=False))
    assert list(data) == ["ok", "framework", "profile", "chain", "derivedLevels", "ambiguous", "levels", "override",
                          "issuerClaims", "credits", "courseEquivalences", "caveats", "problems", "summary"]
    assert data["summary"] == result.summary()
    assert data["framework"] == {"id": "mqf", "name": "Malaysian Qualifications Framework, 2nd edition"}
    assert data["profile"] == {"id": "poli-automotif-selangor", "institution": result.institution}
    assert data["chain"][2]["status"] == "official" and data["chain"][0]["dataStatus"] == "placeholder"
    assert data["credits"]["credits"] == {"low": 1.5, "high": 1.5}
    assert data["credits"]["hoursPerCreditBasis"] == "40 notional hours per MQF credit (MQF data)"
    assert data["courseEquivalences"][1]["missingOutcomes"] == ["NEV-BMS-302-LO1"]

    def keys(node):
        if isinstance(node, dict):
            yield from node
            for value in node.values():
                yield from keys(value)
        elif isinstance(node, list):
            for value in node:
                yield from keys(value)

    assert all("_" not in key for key in keys(data))


def test_to_json_of_a_problem(frameworks):
    data = run(example("nev"), "pqf", frameworks).to_json()
    assert data["ok"] is False and data["credits"] is None and data["profile"] is None
    assert data["problems"][0]["type"] == UNKNOWN_FRAMEWORK
