"""Recognition profiles: the JSON Schema, the bundled examples, and the loader's errors."""

from __future__ import annotations

import shutil
import textwrap
from importlib import resources
from pathlib import Path
from types import SimpleNamespace

import jsonschema
import pytest
import yaml

from schemas import recognition_profiles
from schemas.framework_data import load_frameworks
from schemas.recognition_profiles import (
    CourseEquivalence,
    CreditPolicy,
    LevelOverride,
    ProfileError,
    bundled_profiles,
    load_profile,
    load_schema,
)

BUNDLED = ("chonburi-automotive-college", "kowloon-creative-tech", "poli-automotif-selangor")
MINIMAL = """\
id: test-college
name: Test College
framework: mqf
decided_by: Registry
"""


@pytest.fixture(scope="module")
def frameworks():
    return load_frameworks()


def packaged(name: str) -> str:
    return resources.files("schemas").joinpath("recognition", name).read_text("utf-8")


def problems_of(text: str, frameworks) -> tuple[tuple[str, str], ...]:
    with pytest.raises(ProfileError) as caught:
        load_profile(text, frameworks)
    assert caught.value.file == "<text>"
    return caught.value.problems


# --- the schema ---------------------------------------------------------------------


def test_schema_is_valid_2020_12_with_only_local_refs():
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://skillspassport.org/schemas/recognition-profile.schema.json"
    refs = []

    def collect(node):
        if isinstance(node, dict):
            refs.extend([node["$ref"]] if "$ref" in node else [])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(schema)
    assert refs and all(ref.startswith("#/$defs/") for ref in refs)


@pytest.mark.parametrize("profile_id", BUNDLED)
def test_every_bundled_file_validates_against_the_schema(profile_id):
    data = yaml.safe_load(packaged(f"{profile_id}.yaml"))
    errors = list(jsonschema.Draft202012Validator(load_schema()).iter_errors(data))
    assert [error.message for error in errors] == []
    assert data["id"] == profile_id


# --- the bundled profiles -----------------------------------------------------------


def test_bundled_profiles_are_the_three_examples(frameworks):
    profiles = bundled_profiles(frameworks)
    assert tuple(profiles) == BUNDLED
    assert {p.id: p.framework_id for p in profiles.values()} == {
        "chonburi-automotive-college": "thai-nqf",
        "kowloon-creative-tech": "hkqf",
        "poli-automotif-selangor": "mqf",
    }
    assert bundled_profiles(frameworks) == profiles and bundled_profiles(frameworks) is not profiles


def test_malaysian_polytechnic_has_course_equivalences_for_the_nev_outcomes(frameworks):
    profile = bundled_profiles(frameworks)["poli-automotif-selangor"]
    assert profile.level_overrides == ()
    assert profile.course_equivalences[0] == CourseEquivalence(
        course="AUT-2103",
        title="EV High-Voltage Safety",
        credits=1.0,
        requires=("NEV-HV-301-LO1", "NEV-HV-301-LO2"),
        decision="exempted",
        note=profile.course_equivalences[0].note,
    )
    assert profile.course_equivalences[1].requires == ("NEV-HV-301-LO3", "NEV-BMS-302-LO1")
    policy = profile.credit_policy
    assert (policy.notional_hours_per_credit, policy.smallest_unit, policy.max_credits_per_credential) == (None, 0.5, 6.0)
    assert policy.date == "2026-03-12"


def test_thai_college_overrides_levels_and_sets_an_hours_rule(frameworks):
    profile = bundled_profiles(frameworks)["chonburi-automotive-college"]
    assert [(o.tier, o.level) for o in profile.level_overrides] == [("SA-T3", "4"), ("SA-T4", "4")]
    override = profile.override_for("SA-T4")
    assert isinstance(override, LevelOverride)
    assert override.decided_by == "College Academic Council, meeting 1/2569"
    assert override.date == "2026-01-20" and "sparse band" in override.note
    assert profile.override_for("SA-T2") is None
    assert profile.credit_policy.notional_hours_per_credit == 45.0
    assert profile.course_equivalences[0].decision == "credit-transferred"


def test_hong_kong_institute_resolves_the_ambiguous_sa_t2_placement(frameworks):
    profile = bundled_profiles(frameworks)["kowloon-creative-tech"]
    assert profile.override_for("SA-T2").level == "2"
    assert profile.credit_policy == CreditPolicy(
        note=profile.credit_policy.note,
        decided_by="Academic Board, Faculty of Design and Digital Media",
        max_credits_per_credential=15.0,
    )
    assert [e.course for e in profile.course_equivalences] == ["ANM2101", "ANM2204"]


# --- load_profile: paths and text ---------------------------------------------------


def test_a_profile_loads_from_a_path_a_path_string_and_text(frameworks, tmp_path):
    text = packaged("poli-automotif-selangor.yaml")
    path = tmp_path / "poli.yaml"
    path.write_text(text, "utf-8")
    from_path, from_string = load_profile(path, frameworks), load_profile(str(path), frameworks)
    from_text = load_profile(text, frameworks)
    assert from_path == from_string == from_text == bundled_profiles(frameworks)["poli-automotif-selangor"]


def test_the_default_framework_data_is_the_bundled_one():
    assert load_profile(MINIMAL).framework_id == "mqf"


def test_a_minimal_profile_has_no_decisions(frameworks):
    profile = load_profile(MINIMAL, frameworks)
    assert (profile.level_overrides, profile.credit_policy, profile.course_equivalences) == ((), None, ())


def test_an_unquoted_yaml_date_is_read_as_iso_text(frameworks):
    profile = load_profile(MINIMAL + "updated: 2026-04-01\n", frameworks)
    assert profile.updated == "2026-04-01"


def test_errors_in_a_file_name_the_file(frameworks, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(MINIMAL.replace("framework: mqf", "framework: pqf"), "utf-8")
    with pytest.raises(ProfileError) as caught:
        load_profile(path, frameworks)
    assert caught.value.file == "broken.yaml"
    assert caught.value.json_path == "$.framework"
    assert str(caught.value).startswith("broken.yaml: $.framework: 'pqf' is not a framework we know (aqrf, ")


def test_a_missing_file_raises_os_error(frameworks, tmp_path):
    with pytest.raises(FileNotFoundError):
        load_profile(tmp_path / "absent.yaml", frameworks)


def test_anything_but_a_path_or_text_is_a_type_error(frameworks):
    with pytest.raises(TypeError, match="expected a path or YAML text"):
        load_profile(42, frameworks)


# --- load_profile: every problem with its JSON path ---------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: [unclosed", ("$", "not valid YAML")),
        ("- a list\n", ("$", "is not of type 'object'")),
        (MINIMAL.replace("framework: mqf\n", ""), ("$", "'framework' is a required property")),
        (MINIMAL + "colour: blue\n", ("$", "Additional properties are not allowed ('colour' was unexpected)")),
        (MINIMAL.replace("id: test-college", "id: Test College"), ("$.id", "does not match")),
        (MINIMAL + "url: www.example.org\n", ("$.url", "does not match")),
        (MINIMAL + "updated: 12 March 2026\n", ("$.updated", "does not match")),
        (MINIMAL + "level_overrides:\n  - {tier: SA-T3, level: 4, note: n}\n",
         ("$.level_overrides[0]", "'decided_by' is a required property")),
        (MINIMAL + "level_overrides:\n  - {tier: T3, level: 4, note: n, decided_by: d}\n",
         ("$.level_overrides[0].tier", "does not match")),
        (MINIMAL + "credit_rule: {note: n, decided_by: d}\n", ("$.credit_rule", "does not have enough properties")),
        (MINIMAL + "credit_rule: {note: n, decided_by: d, smallest_unit: 0}\n",
         ("$.credit_rule.smallest_unit", "less than or equal to the minimum of 0")),
        (MINIMAL + "course_equivalences:\n  - {course: A1, title: t, credits: 3, requires: [], decision: exempted}\n",
         ("$.course_equivalences[0].requires", "should be non-empty")),
        (MINIMAL + "course_equivalences:\n  - {course: A1, title: t, credits: 3, requires: [X, X], decision: exempted}\n",
         ("$.course_equivalences[0].requires", "has non-unique elements")),
        (MINIMAL + "course_equivalences:\n  - {course: A1, title: t, credits: 3, requires: [X], decision: waived}\n",
         ("$.course_equivalences[0].decision", "'waived' is not one of ['exempted', 'credit-transferred']")),
    ],
    ids=lambda value: value[0] if isinstance(value, tuple) else None,
)
def test_schema_problems_name_the_json_path(frameworks, text, expected):
    path, message = problems_of(text, frameworks)[0]
    assert path == expected[0]
    assert expected[1] in message


@pytest.mark.parametrize(
    ("addition", "expected"),
    [
        ("level_overrides:\n  - {tier: SA-T9, level: 4, note: n, decided_by: d}\n",
         ("$.level_overrides[0].tier", "'SA-T9' is not a Shenzhen Agreement tier (SA-T1, SA-T2, SA-T3, SA-T4, SA-T5)")),
        ("level_overrides:\n  - {tier: SA-T3, level: 9, note: n, decided_by: d}\n",
         ("$.level_overrides[0].level", "'9' is not a level of mqf (1, 2, 3, 4, 5, 6, 7, 8)")),
        ("level_overrides:\n  - {tier: SA-T3, level: 4, note: n, decided_by: d}\n"
         "  - {tier: SA-T3, level: 5, note: n, decided_by: d}\n",
         ("$.level_overrides[1].tier", "'SA-T3' is overridden twice")),
        ("course_equivalences:\n  - {course: A1, title: t, credits: 3, requires: [X], decision: exempted}\n"
         "  - {course: A1, title: u, credits: 1, requires: [Y], decision: exempted}\n",
         ("$.course_equivalences[1].course", "course 'A1' appears twice")),
    ],
)
def test_data_problems_name_the_json_path(frameworks, addition, expected):
    assert problems_of(MINIMAL + addition, frameworks) == (expected,)


def test_every_problem_is_reported_at_once(frameworks):
    text = MINIMAL + "colour: blue\nurl: nowhere\n"
    problems = problems_of(text, frameworks)
    assert [path for path, _ in problems] == ["$", "$.url"]


def test_non_json_yaml_values_are_refused(frameworks):
    assert problems_of(MINIMAL + "notes: !!set {a, b}\n", frameworks) == (
        ("$.notes", "set value is not JSON data (quote it)"),
    )
    assert problems_of(MINIMAL + "updated: 2026-04-01 10:00:00\n", frameworks) == (
        ("$.updated", "datetime value is not JSON data (quote it)"),
    )
    assert problems_of(MINIMAL + "1: one\n", frameworks) == (("$", "mapping key 1 is not text (quote it)"),)


def test_profile_error_is_a_value_error_with_every_problem_in_its_text(frameworks):
    with pytest.raises(ValueError) as caught:
        load_profile(MINIMAL + "colour: blue\nurl: nowhere\n", frameworks)
    lines = str(caught.value).splitlines()
    assert len(lines) == 2 and all(line.startswith("<text>: $") for line in lines)


def test_a_bundled_file_must_carry_its_own_id(frameworks, tmp_path, monkeypatch):
    package = Path(resources.files("schemas"))
    shutil.copy(package / recognition_profiles.SCHEMA_FILE, tmp_path)
    (tmp_path / "recognition").mkdir()
    (tmp_path / "recognition" / "other-name.yaml").write_text(MINIMAL, "utf-8")
    monkeypatch.setattr(recognition_profiles, "resources", SimpleNamespace(files=lambda package: tmp_path))
    with pytest.raises(ProfileError) as caught:
        bundled_profiles(frameworks)
    assert (caught.value.file, caught.value.json_path) == ("other-name.yaml", "$.id")
    assert caught.value.message == "id 'test-college' does not match the file name"


def test_the_loader_reads_no_network_and_keeps_no_state(frameworks):
    # Loading twice gives equal, distinct objects: nothing is cached between calls.
    first = load_profile(textwrap.dedent(MINIMAL), frameworks)
    second = load_profile(textwrap.dedent(MINIMAL), frameworks)
    assert first == second and first is not second
