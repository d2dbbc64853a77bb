"""Qualifications-framework data: files, schema, loader, and the Shenzhen crosswalk."""

from __future__ import annotations

import copy
import os
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml

from schemas.framework_data import (
    FrameworkDataError,
    build_frameworks,
    load_frameworks,
    load_schema,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SKILLPASS_SHARED_DIR", REPO.parent / "shared")) / "frameworks"
IDS = (
    "aqrf", "china-vet", "cqf", "eqf", "ghana-ntvetqf", "hkqf",
    "lao-nqf", "mqf", "shenzhen-agreement", "thai-nqf", "znqf",
)
#: The AQRF map status each file states (README: only Malaysia's is official).
AQRF_MAP_STATUS = {i: "illustrative" for i in IDS if i != "aqrf"} | {"mqf": "official"}
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"{SHARED} not present")


def packaged(name: str) -> str:
    return resources.files("schemas").joinpath("frameworks", name).read_text("utf-8")


def raw(framework_id: str) -> dict:
    """The packaged file as plain YAML data, independent of the loader."""
    return yaml.safe_load(packaged(f"{framework_id}.yaml"))


def as_codes(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@pytest.fixture(scope="module")
def frameworks():
    return load_frameworks()


@pytest.fixture
def documents():
    """Every packaged file parsed, as ``build_frameworks`` takes them (fresh each test)."""
    return {f"{i}.yaml": raw(i) for i in IDS}


# --- files and schema -------------------------------------------------------------


def test_every_framework_file_loads(frameworks):
    assert frameworks.ids == IDS
    assert len(frameworks) == len(IDS)
    assert [f.id for f in frameworks] == list(IDS)


def test_schema_is_valid_2020_12_with_only_local_refs():
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "https://skillspassport.org/schemas/framework.schema.json"

    def refs(node):
        if isinstance(node, dict):
            yield from ([node["$ref"]] if "$ref" in node else [])
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    found = list(refs(schema))
    assert found and all(ref.startswith("#/$defs/") for ref in found)


@pytest.mark.parametrize("framework_id", IDS)
def test_every_file_validates_against_the_schema(framework_id):
    # YAML reads `1: 1` with an integer key; JSON keys are strings.
    data = yaml.safe_load(packaged(f"{framework_id}.yaml"))
    data = _stringify_keys(data)
    errors = list(jsonschema.Draft202012Validator(load_schema()).iter_errors(data))
    assert [e.message for e in errors] == []


def _stringify_keys(value):
    if isinstance(value, dict):
        return {str(k): _stringify_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_stringify_keys(v) for v in value]
    return value


@needs_shared
@pytest.mark.parametrize("framework_id", IDS)
def test_packaged_files_are_the_shared_files_unchanged(framework_id):
    name = f"{framework_id}.yaml"
    assert packaged(name) == (SHARED / name).read_text("utf-8")


@needs_shared
def test_every_shared_framework_file_is_packaged():
    assert sorted(p.stem for p in SHARED.glob("*.yaml")) == sorted(IDS)


def test_load_returns_fresh_objects():
    first, second = load_frameworks(), load_frameworks()
    assert first == second
    assert first is not second and first.get("mqf") is not second.get("mqf")


# --- levels and maps --------------------------------------------------------------


@pytest.mark.parametrize("framework_id", IDS)
def test_levels_are_unique(frameworks, framework_id):
    codes = [str(level["level"]) for level in raw(framework_id)["levels"]]
    assert len(codes) == len(set(codes))
    assert frameworks.get(framework_id).level_codes == tuple(codes)


def test_level_codes_are_strings(frameworks):
    assert frameworks.get("mqf").level("4").title == "Diploma"
    assert frameworks.get("shenzhen-agreement").level("SA-T3").title == "Advanced practitioner / technician"
    senior_worker = frameworks.get("china-vet").level("CN-3")
    assert senior_worker.typical_qualifications == ("skill level 3 (senior worker)",)
    with pytest.raises(TypeError):
        frameworks.get("mqf").level(4)


def test_unknown_level_and_framework_name_the_known_ones(frameworks):
    with pytest.raises(KeyError, match=r"hkqf has no level '8'; levels: 1, 2, 3, 4, 5, 6, 7"):
        frameworks.get("hkqf").level("8")
    with pytest.raises(KeyError, match=r"unknown framework 'pqf'; known: aqrf, china-vet, .*znqf"):
        frameworks.get("pqf")


@pytest.mark.parametrize("framework_id", [i for i in IDS if i != "aqrf"])
def test_aqrf_map_points_at_real_levels_of_both_frameworks(frameworks, framework_id):
    aqrf_levels = {str(level["level"]) for level in raw("aqrf")["levels"]}
    own_levels = {str(level["level"]) for level in raw(framework_id)["levels"]}
    level_map = raw(framework_id)["referenced_to"]["aqrf"]["level_map"]
    assert {str(k) for k in level_map} <= own_levels
    for value in level_map.values():
        assert set(as_codes(value)) <= aqrf_levels
    loaded = frameworks.get(framework_id).aqrf_referencing
    assert loaded.target == "aqrf"
    assert dict(loaded.level_map) == {str(k): tuple(as_codes(v)) for k, v in level_map.items()}


def test_maps_onto_other_loaded_frameworks_point_at_real_levels(frameworks):
    checked = 0
    for framework in frameworks:
        for target, referencing in framework.other_referencing.items():
            if target not in frameworks:
                continue  # e.g. SADCQF, not in our data
            for code, targets in referencing.level_map.items():
                framework.level(code)
                for t in targets:
                    frameworks.get(target).level(t)
                checked += 1
    assert checked > 50


def test_a_list_in_a_level_map_is_an_ambiguous_fit(frameworks):
    hk = frameworks.get("hkqf").aqrf_referencing
    assert hk.level_map["1"] == ("1", "2")
    assert hk.level_map["4"] == ("5",)
    assert hk.sources_for("2") == ("1", "2")
    assert "nzqcf" not in frameworks.get("hkqf").other_referencing  # NZ -> HK only; kept in the data


def test_aqrf_map_statuses_are_those_of_the_files(frameworks):
    actual = {f.id: f.aqrf_referencing.status for f in frameworks if f.aqrf_referencing}
    assert actual == AQRF_MAP_STATUS
    assert frameworks.get("aqrf").aqrf_referencing is None


@needs_shared
@pytest.mark.parametrize("framework_id", IDS)
def test_every_map_status_equals_the_shared_file(frameworks, framework_id):
    shared = yaml.safe_load((SHARED / f"{framework_id}.yaml").read_text("utf-8"))
    framework = frameworks.get(framework_id)
    loaded = dict(framework.other_referencing)
    if framework.aqrf_referencing:
        loaded["aqrf"] = framework.aqrf_referencing
    expected = {t: r["status"] for t, r in shared.get("referenced_to", {}).items() if "level_map" in r}
    assert {t: r.status for t, r in loaded.items()} == expected
    if "data_status" in shared:
        assert framework.data_status == shared["data_status"]
        assert framework.tier_table.status == shared["illustrative_tier_model"]["status"]


# --- credit -----------------------------------------------------------------------


def test_credit_rules(frameworks):
    assert frameworks.get("shenzhen-agreement").credit.notional_hours_per_credit == 10
    assert frameworks.get("mqf").credit.notional_hours_per_credit == 40
    assert frameworks.get("hkqf").credit.notional_hours_per_credit == 10
    ects = frameworks.get("eqf").credit
    assert (ects.unit, ects.notional_hours_per_credit) == ("ECTS credit", None)
    assert ects.notional_hours_range == (25, 30)
    assert ects.hours_bounds == (25, 30)
    thai = frameworks.get("thai-nqf").credit
    assert thai.contact_based and thai.notional_hours_per_credit is None
    assert thai.illustrative_notional_hours_per_credit == 45
    assert set(thai.contact_rules) == {"contact_rule_higher_education", "contact_rule_vocational"}
    china = frameworks.get("china-vet").credit
    assert china.contact_based and china.contact_periods_per_credit == (16, 18)
    assert frameworks.get("cqf").credit.contact_based
    for unknown in ("aqrf", "lao-nqf", "ghana-ntvetqf"):
        credit = frameworks.get(unknown).credit
        assert (credit.unit, credit.hours_bounds, credit.contact_based) == (None, None, False)


# --- Shenzhen Agreement tiers and crosswalk ---------------------------------------


def test_shenzhen_tiers_carry_their_status(frameworks):
    table = frameworks.shenzhen_tiers()
    assert (table.status, table.data_status, table.is_placeholder) == ("illustrative", "placeholder", True)
    assert table.placeholder_notice.startswith("PLACEHOLDER")
    assert [t.code for t in table.tiers] == ["SA-T1", "SA-T2", "SA-T3", "SA-T4", "SA-T5"]
    assert table.tier("SA-T3").aqrf_anchor == "4"
    assert table.credit.notional_hours_per_credit == 10 and table.credit.status == "illustrative"
    with pytest.raises(KeyError, match="SA-T6"):
        table.tier("SA-T6")


def test_shenzhen_sections_agree_with_each_other(frameworks):
    sa = frameworks.get("shenzhen-agreement")
    table = frameworks.shenzhen_tiers()
    assert [(t.code, t.title) for t in table.tiers] == [(l.code, l.title) for l in sa.levels]
    assert {t.code: (t.aqrf_anchor,) for t in table.tiers} == dict(sa.aqrf_referencing.level_map)
    assert all(t.eqf_indicative == t.aqrf_anchor for t in table.tiers)  # EQF n = AQRF n (illustrative)
    assert table.credit.notional_hours_per_credit == sa.credit.notional_hours_per_credit


def test_sa_credit_conversion_factors_follow_from_the_hours(frameworks):
    conversions = raw("shenzhen-agreement")["illustrative_credit_rule"]["conversion_to_target_credits"]
    hours = frameworks.shenzhen_tiers().credit.notional_hours_per_credit
    for key, framework_id in {"mqf": "mqf", "hkqf": "hkqf", "znqf": "znqf"}.items():
        target = frameworks.get(framework_id).credit.notional_hours_per_credit
        assert conversions[key]["factor"] == pytest.approx(hours / target)
    low, high = frameworks.get("eqf").credit.notional_hours_range
    assert conversions["ects"]["factor"] == pytest.approx([hours / high, hours / low], abs=1e-3)
    thai = frameworks.get("thai-nqf").credit.illustrative_notional_hours_per_credit
    assert conversions["thai_he"]["factor"] == pytest.approx(hours / thai, abs=1e-3)
    for key, framework_id in {"china_vet": "china-vet", "cqf": "cqf", "lao_nqf": "lao-nqf",
                              "ghana_ntvetqf": "ghana-ntvetqf"}.items():
        assert conversions[key]["factor"] is None
        assert frameworks.get(framework_id).credit.notional_hours_per_credit is None


def derive_crosswalk() -> dict:
    """tier -> AQRF anchor -> levels whose AQRF map contains it, from the raw files."""
    sa = raw("shenzhen-agreement")
    others = [i for i in IDS if i not in ("aqrf", "shenzhen-agreement")]
    rows = {}
    for tier in sa["illustrative_tier_model"]["tiers"]:
        anchor = str(sa["referenced_to"]["aqrf"]["level_map"][tier["tier"]])
        row = {"aqrf": anchor}
        for framework_id in others:
            aqrf = raw(framework_id)["referenced_to"]["aqrf"]
            levels = [str(k) for k, v in aqrf["level_map"].items() if anchor in as_codes(v)]
            row[framework_id] = {"levels": levels, "map_status": aqrf["status"]}
        rows[tier["tier"]] = row
    return rows


def test_derived_crosswalk_agrees_with_the_framework_files(frameworks):
    def codes(cell):
        if not isinstance(cell, dict):  # the tier's AQRF anchor
            return str(cell)
        return {"levels": as_codes(cell["levels"]), "map_status": cell["map_status"]}

    rows = raw("shenzhen-agreement")["derived_crosswalk"]["rows"]
    stored = {tier: {fw: codes(cell) for fw, cell in row.items()} for tier, row in rows.items()}
    derived = derive_crosswalk()
    assert stored == derived
    # The loader's reverse lookup gives the same answer.
    for tier, row in derived.items():
        for framework_id, cell in row.items():
            if framework_id != "aqrf":
                referencing = frameworks.get(framework_id).aqrf_referencing
                assert list(referencing.sources_for(row["aqrf"])) == cell["levels"]


# --- rejection of broken files ----------------------------------------------------


def _set(path, value):
    def mutate(docs):
        *parents, last = path
        node = docs
        for key in parents:
            node = node[key]
        if value is DELETE:
            del node[last]
        else:
            node[last] = value
    return mutate


DELETE = object()
SA = "shenzhen-agreement.yaml"

SCHEMA_CASES = [
    ("missing id", _set(["mqf.yaml", "id"], DELETE), "mqf.yaml", "$", "'id' is a required property"),
    ("map status not in enum", _set(["mqf.yaml", "referenced_to", "aqrf", "status"], "endorsed"),
     "mqf.yaml", "$.referenced_to.aqrf.status", "'endorsed' is not one of"),
    ("negative notional hours", _set(["mqf.yaml", "credit", "notional_hours_per_credit"], -40),
     "mqf.yaml", "$.credit.notional_hours_per_credit", "less than or equal to the minimum of 0"),
    ("zero hours in a range", _set(["eqf.yaml", "credit", "notional_hours_per_credit"], [0, 30]),
     "eqf.yaml", "$.credit.notional_hours_per_credit[0]", "less than or equal to the minimum of 0"),
    ("three-number range", _set(["eqf.yaml", "credit", "notional_hours_per_credit"], [25, 30, 35]),
     "eqf.yaml", "$.credit.notional_hours_per_credit", "is too long"),
    ("level without title", _set(["hkqf.yaml", "levels", 0, "title"], DELETE),
     "hkqf.yaml", "$.levels[0]", "'title' is a required property"),
    ("misspelt level key", _set(["hkqf.yaml", "levels", 0, "titel"], "x"),
     "hkqf.yaml", "$.levels[0]", "'titel' was unexpected"),
    ("level_map target not a level code",
     _set(["cqf.yaml", "referenced_to", "aqrf", "level_map", 3], "level 3"),
     "cqf.yaml", "$.referenced_to.aqrf.level_map['3']", "does not match"),
    ("empty ambiguous list", _set(["hkqf.yaml", "referenced_to", "aqrf", "level_map", 1], []),
     "hkqf.yaml", "$.referenced_to.aqrf.level_map['1']", "should be non-empty"),
    ("no AQRF map", _set(["lao-nqf.yaml", "referenced_to", "aqrf"], DELETE),
     "lao-nqf.yaml", "$.referenced_to", "'aqrf' is a required property"),
    ("official map without source", _set(["mqf.yaml", "referenced_to", "aqrf", "source"], None),
     "mqf.yaml", "$.referenced_to.aqrf.source", "None is not of type 'string'"),
    ("source URL not http", _set(["mqf.yaml", "sources", 0, "url"], "www2.mqa.gov.my"),
     "mqf.yaml", "$.sources[0].url", "does not match"),
    ("SA data status unknown", _set([SA, "data_status"], "final"),
     SA, "$.data_status", "'final' is not one of"),
    ("SA tier model without status", _set([SA, "illustrative_tier_model", "status"], DELETE),
     SA, "$.illustrative_tier_model", "'status' is a required property"),
    ("SA tier without anchor", _set([SA, "illustrative_tier_model", "tiers", 0, "aqrf_anchor"], DELETE),
     SA, "$.illustrative_tier_model.tiers[0]", "'aqrf_anchor' is a required property"),
    ("SA crosswalk status unknown",
     _set([SA, "derived_crosswalk", "rows", "SA-T1", "mqf", "map_status"], "endorsed"),
     SA, "$.derived_crosswalk.rows['SA-T1'].mqf.map_status", "'endorsed' is not one of"),
    ("SA credit rule missing", _set([SA, "illustrative_credit_rule"], DELETE),
     SA, "$", "'illustrative_credit_rule' is a required property"),
    ("SA credit hours negative", _set([SA, "illustrative_credit_rule", "notional_hours_per_credit"], -10),
     SA, "$.illustrative_credit_rule.notional_hours_per_credit", "less than or equal to the minimum of 0"),
]


@pytest.mark.parametrize(
    "mutate, file, json_path, message",
    [case[1:] for case in SCHEMA_CASES],
    ids=[case[0] for case in SCHEMA_CASES],
)
def test_schema_rejects_broken_files(documents, mutate, file, json_path, message):
    mutate(documents)
    with pytest.raises(FrameworkDataError) as caught:
        build_frameworks(documents)
    error = caught.value
    assert (error.file, error.json_path) == (file, json_path)
    assert message in error.message
    assert str(error).startswith(f"{file}: {json_path}: ")


LOADER_CASES = [
    ("duplicate level", _set(["mqf.yaml", "levels", 1, "level"], 1),
     "mqf.yaml", "$.levels[1].level", "level '1' appears twice"),
    ("id is not the file name", _set(["mqf.yaml", "id"], "mqf2"),
     "mqf.yaml", "$.id", "does not match the file name"),
    ("map from a missing level", _set(["hkqf.yaml", "referenced_to", "aqrf", "level_map", 8], 8),
     "hkqf.yaml", "$.referenced_to.aqrf.level_map['8']", "'8' is not a level of hkqf"),
    ("map to a missing AQRF level", _set(["znqf.yaml", "referenced_to", "aqrf", "level_map", 10], 9),
     "znqf.yaml", "$.referenced_to.aqrf.level_map['10']", "['9'] not levels of aqrf"),
    ("reversed range", _set(["eqf.yaml", "credit", "notional_hours_per_credit"], [30, 25]),
     "eqf.yaml", "$.credit.notional_hours_per_credit", "is not [low, high]"),
    ("key both 4 and '4'", _set(["mqf.yaml", "referenced_to", "aqrf", "level_map", "4"], 4),
     "mqf.yaml", "$.referenced_to.aqrf.level_map", "appears twice"),
    ("boolean key (YAML yes:)",
     _set(["mqf.yaml", "referenced_to", "aqrf", "level_map"], yaml.safe_load("{yes: 1, 2: 2}")),
     "mqf.yaml", "$.referenced_to.aqrf.level_map", "mapping key True is not a string or integer"),
]


@pytest.mark.parametrize(
    "mutate, file, json_path, message",
    [case[1:] for case in LOADER_CASES],
    ids=[case[0] for case in LOADER_CASES],
)
def test_loader_rejects_inconsistent_files(documents, mutate, file, json_path, message):
    mutate(documents)
    with pytest.raises(FrameworkDataError) as caught:
        build_frameworks(documents)
    assert (caught.value.file, caught.value.json_path) == (file, json_path)
    assert message in caught.value.message


def test_unquoted_yaml_date_is_rejected_by_name(documents):
    documents["znqf.yaml"]["launched"] = yaml.safe_load("2018-07-11")
    with pytest.raises(FrameworkDataError, match=r"znqf.yaml: \$.launched: date value .* is not JSON data"):
        build_frameworks(documents)


def test_building_does_not_change_the_callers_documents(documents):
    before = copy.deepcopy(documents)
    build_frameworks(documents)
    assert documents == before
