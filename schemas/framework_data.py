"""Qualifications-framework data: read, validate and type ``frameworks/*.yaml``.

Every file is read from package data through :mod:`importlib.resources`, parsed
with :func:`yaml.safe_load` and validated against ``framework.schema.json``.
Nothing is cached: each :func:`load_frameworks` call reads the files again and
returns a new :class:`~schemas.framework_model.Frameworks` that the caller may keep.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from importlib import resources
from types import MappingProxyType
from typing import Any

import jsonschema
import yaml

from .framework_model import (
    AQRF,
    CreditRule,
    Framework,
    FrameworkDataError,
    Frameworks,
    Level,
    Referencing,
    Source,
    Tier,
    TierTable,
)

SCHEMA_FILE = "framework.schema.json"
FRAMEWORKS_DIR = "frameworks"
_PLAIN_MEMBER = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*$")  # as jsonschema writes ``json_path``


def load_schema() -> dict[str, Any]:
    """The framework JSON Schema (a fresh copy)."""
    text = resources.files(__package__).joinpath(SCHEMA_FILE).read_text("utf-8")
    return json.loads(text)


def load_frameworks() -> Frameworks:
    """Read, validate and type every ``frameworks/*.yaml`` of the package.

    :raises FrameworkDataError: naming the file and JSON path of the first problem.
    """
    folder = resources.files(__package__).joinpath(FRAMEWORKS_DIR)
    documents = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            documents[entry.name] = _parse_yaml(entry.name, entry.read_text("utf-8"))
    return build_frameworks(documents)


def build_frameworks(documents: Mapping[str, Any]) -> Frameworks:
    """Validate parsed framework files and type them; the caller's data is not changed.

    :param documents: ``{file name: parsed YAML}``; a file ``x.yaml`` must have id ``x``.
    :raises FrameworkDataError: naming the file and JSON path of the first problem.
    """
    validator = jsonschema.Draft202012Validator(load_schema())
    loaded = []
    for file, document in documents.items():
        data = _json_data(file, document, "$")
        _check_schema(validator, file, data)
        loaded.append((file, _framework(file, data)))
    frameworks = {framework.id: framework for _, framework in loaded}
    for file, framework in loaded:
        _check_targets(file, framework, frameworks)
    return Frameworks(MappingProxyType(frameworks))


def _parse_yaml(file: str, text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise FrameworkDataError(file, "$", f"not valid YAML: {error}") from None


def _member(path: str, key: str) -> str:
    """``path`` extended by ``key``, written the way jsonschema's ``json_path`` is."""
    if _PLAIN_MEMBER.match(key):
        return f"{path}.{key}"
    escaped = key.replace("\\", "\\\\").replace("'", "\\'")
    return f"{path}['{escaped}']"


def _json_data(file: str, value: Any, path: str) -> Any:
    """A JSON copy of YAML data: integer mapping keys (``1: 1``) become strings."""
    if isinstance(value, Mapping):
        result = {}
        for key, item in value.items():
            if isinstance(key, bool) or not isinstance(key, (str, int)):
                raise FrameworkDataError(file, path, f"mapping key {key!r} is not a string or integer")
            if str(key) in result:
                raise FrameworkDataError(file, path, f"mapping key {key!r} appears twice")
            result[str(key)] = _json_data(file, item, _member(path, str(key)))
        return result
    if isinstance(value, list):
        return [_json_data(file, item, f"{path}[{i}]") for i, item in enumerate(value)]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    kind = type(value).__name__
    raise FrameworkDataError(file, path, f"{kind} value {value!r} is not JSON data (quote it)")


def _check_schema(validator: jsonschema.Draft202012Validator, file: str, data: Any) -> None:
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is not None:
        raise FrameworkDataError(file, error.json_path, error.message)


def _framework(file: str, data: dict[str, Any]) -> Framework:
    if file != f"{data['id']}.yaml":
        raise FrameworkDataError(file, "$.id", f"id {data['id']!r} does not match the file name")
    levels = tuple(_level(item) for item in data["levels"])
    codes = [level.code for level in levels]
    for i, code in enumerate(codes):
        if code in codes[:i]:
            raise FrameworkDataError(file, f"$.levels[{i}].level", f"level {code!r} appears twice")
    referencing = {
        target: _referencing(target, raw)
        for target, raw in data.get("referenced_to", {}).items()
        if "level_map" in raw  # reverse-only comparisons (hkqf -> nzqcf) stay in the data
    }
    return Framework(
        id=data["id"],
        name=data["name"],
        short_name=data.get("short_name"),
        jurisdiction=data["jurisdiction"],
        levels=levels,
        credit=_credit(file, "$.credit", data["credit"]),
        aqrf_referencing=referencing.pop(AQRF, None),
        other_referencing=MappingProxyType(referencing),
        sources=tuple(Source(s["url"], s["what"]) for s in data["sources"]),
        data_status=data.get("data_status"),
        verification_needed=tuple(data.get("verification_needed", ())),
        notes=data.get("notes"),
        tier_table=_tier_table(file, data) if "illustrative_tier_model" in data else None,
    )


def _level(raw: dict[str, Any]) -> Level:
    return Level(
        code=str(raw["level"]),
        title=raw["title"],
        typical_qualifications=tuple(raw["typical_qualifications"]),
        summary=raw.get("summary"),
        confidence=raw.get("confidence"),
    )


def _amount(file: str, path: str, value: Any) -> tuple[float | None, tuple[float, float] | None]:
    """``(single value, range)`` from a number, a ``[low, high]`` list or null."""
    if isinstance(value, list):
        low, high = float(value[0]), float(value[1])
        if low > high:
            raise FrameworkDataError(file, path, f"range {value!r} is not [low, high]")
        return None, (low, high)
    return (None if value is None else float(value)), None


def _credit(file: str, path: str, raw: dict[str, Any], status: str | None = None) -> CreditRule:
    hours_path = f"{path}.notional_hours_per_credit"
    hours, hours_range = _amount(file, hours_path, raw["notional_hours_per_credit"])
    illustrative_path = f"{path}.illustrative_notional_hours_per_credit"
    illustrative, _ = _amount(file, illustrative_path, raw.get("illustrative_notional_hours_per_credit"))
    _, periods = _amount(file, f"{path}.contact_periods_per_credit", raw.get("contact_periods_per_credit"))
    return CreditRule(
        unit=raw["unit"],
        notional_hours_per_credit=hours,
        notional_hours_range=hours_range,
        contact_rules=MappingProxyType({k: v for k, v in raw.items() if k.startswith("contact_rule")}),
        contact_periods_per_credit=periods,
        illustrative_notional_hours_per_credit=illustrative,
        notes=raw.get("notes"),
        status=status,
    )


def _referencing(target: str, raw: dict[str, Any]) -> Referencing:
    level_map = {
        code: tuple(str(t) for t in value) if isinstance(value, list) else (str(value),)
        for code, value in raw["level_map"].items()
    }
    return Referencing(
        target=target,
        level_map=MappingProxyType(level_map),
        status=raw["status"],
        source=raw["source"],
        notes=raw.get("notes"),
        process_status=raw.get("process_status"),
    )


def _tier_table(file: str, data: dict[str, Any]) -> TierTable:
    model, rule = data["illustrative_tier_model"], data.get("illustrative_credit_rule")
    if rule is None:
        raise FrameworkDataError(file, "$", "'illustrative_credit_rule' is required with a tier model")
    if "data_status" not in data:
        raise FrameworkDataError(file, "$", "'data_status' is required with a tier model")
    tiers = tuple(
        Tier(
            code=raw["tier"],
            title=raw["title"],
            aqrf_anchor=str(raw["aqrf_anchor"]),
            eqf_indicative=None if raw.get("eqf_indicative") is None else str(raw["eqf_indicative"]),
            profile=raw["profile"],
            china_reference=tuple(raw.get("china_reference", ())),
            typical_credential=raw.get("typical_sa_credential"),
            case_examples=MappingProxyType(dict(raw.get("case_examples", {}))),
        )
        for raw in model["tiers"]
    )
    return TierTable(
        status=model["status"],
        data_status=data["data_status"],
        placeholder_notice=model["placeholder_notice"],
        tiers=tiers,
        credit=_credit(file, "$.illustrative_credit_rule", rule, status=rule["status"]),
    )


def _check_targets(file: str, framework: Framework, frameworks: Mapping[str, Framework]) -> None:
    """Every map starts at one of our levels and, for loaded targets, ends at one of theirs."""
    maps = dict(framework.other_referencing)
    if framework.aqrf_referencing is not None:
        maps[AQRF] = framework.aqrf_referencing
    for target, referencing in maps.items():
        path = _member(_member("$.referenced_to", target), "level_map")
        target_codes = frameworks[target].level_codes if target in frameworks else None
        for code, targets in referencing.level_map.items():
            where = _member(path, code)
            if code not in framework.level_codes:
                raise FrameworkDataError(file, where, f"{code!r} is not a level of {framework.id}")
            unknown = [t for t in targets if target_codes is not None and t not in target_codes]
            if unknown:
                raise FrameworkDataError(file, where, f"{unknown} not levels of {target}")
