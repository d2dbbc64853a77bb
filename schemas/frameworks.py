"""Qualifications-framework data: typed, validated views of ``frameworks/*.yaml``.

Every file is read from package data through :mod:`importlib.resources`, parsed
with :func:`yaml.safe_load` and validated against ``framework.schema.json``.
Nothing is cached: each :func:`load_frameworks` call reads the files again and
returns a new :class:`Frameworks` that the caller may keep.

Most maps here are illustrative and the Shenzhen Agreement tiers are a
placeholder; the ``status`` of each map and of the tier table is carried through
so that every view can show it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from importlib import resources
from types import MappingProxyType
from typing import Any

import jsonschema
import yaml

SCHEMA_FILE = "framework.schema.json"
FRAMEWORKS_DIR = "frameworks"
AQRF = "aqrf"
SHENZHEN_AGREEMENT = "shenzhen-agreement"
_PLAIN_MEMBER = re.compile(r"^[a-zA-Z][a-zA-Z0-9_]*$")  # as jsonschema writes ``json_path``


class FrameworkDataError(ValueError):
    """A framework file is unreadable, breaks the schema, or is inconsistent.

    :param file: the file name, e.g. ``"mqf.yaml"``.
    :param json_path: where in the file, e.g. ``"$.credit.notional_hours_per_credit"``.
    :param message: what is wrong.
    """

    def __init__(self, file: str, json_path: str, message: str) -> None:
        super().__init__(f"{file}: {json_path}: {message}")
        self.file = file
        self.json_path = json_path
        self.message = message


@dataclass(frozen=True)
class Level:
    """One level of a framework; ``code`` is always a string ("4", "SA-T3", "CN-3")."""

    code: str
    title: str
    typical_qualifications: tuple[str, ...]
    summary: str | None = None
    confidence: str | None = None


@dataclass(frozen=True)
class CreditRule:
    """How a framework counts credit.

    ``notional_hours_per_credit`` is ``None`` when unknown, undefined, contact-based,
    or given only as a range (then see ``notional_hours_range``, e.g. ECTS 25-30).
    ``contact_rules`` is non-empty when credits count scheduled contact time.
    """

    unit: str | None
    notional_hours_per_credit: float | None
    notional_hours_range: tuple[float, float] | None = None
    contact_rules: Mapping[str, str] = field(default_factory=dict, hash=False)
    contact_periods_per_credit: tuple[float, float] | None = None
    illustrative_notional_hours_per_credit: float | None = None
    notes: str | None = None
    status: str | None = None

    @property
    def contact_based(self) -> bool:
        """Whether credits count contact time, so no formula converts them."""
        return bool(self.contact_rules) or self.contact_periods_per_credit is not None

    @property
    def hours_bounds(self) -> tuple[float, float] | None:
        """``(low, high)`` notional hours per credit, equal for a single value."""
        if self.notional_hours_per_credit is not None:
            return (self.notional_hours_per_credit, self.notional_hours_per_credit)
        return self.notional_hours_range


@dataclass(frozen=True)
class Referencing:
    """A level map from one framework onto ``target``; a tuple of length > 1 is ambiguous."""

    target: str
    level_map: Mapping[str, tuple[str, ...]] = field(hash=False)
    status: str
    source: str | None
    notes: str | None = None
    process_status: str | None = None

    def sources_for(self, target_level: str) -> tuple[str, ...]:
        """The levels whose map contains ``target_level``, in file order."""
        return tuple(code for code, targets in self.level_map.items() if target_level in targets)


@dataclass(frozen=True)
class Source:
    url: str
    what: str


@dataclass(frozen=True)
class Tier:
    """One Shenzhen Agreement tier of the (illustrative) tier model."""

    code: str
    title: str
    aqrf_anchor: str
    eqf_indicative: str | None
    profile: str
    china_reference: tuple[str, ...]
    typical_credential: str | None
    case_examples: Mapping[str, str] = field(hash=False)


@dataclass(frozen=True)
class TierTable:
    """The Shenzhen Agreement tiers with their status, to be shown wherever they are.

    ``status`` is the tier model's own ("illustrative"); ``data_status`` is the
    file's ("placeholder" until the Alliance publishes its table).
    """

    status: str
    data_status: str
    placeholder_notice: str
    tiers: tuple[Tier, ...]
    credit: CreditRule

    @property
    def is_placeholder(self) -> bool:
        return self.data_status == "placeholder"

    def tier(self, code: str) -> Tier:
        """The tier ``code``.

        :raises KeyError: naming the known tier codes.
        """
        for tier in self.tiers:
            if tier.code == code:
                return tier
        raise KeyError(f"no tier {code!r}; tiers: {', '.join(t.code for t in self.tiers)}")


@dataclass(frozen=True)
class Framework:
    """One qualifications framework (or ladder, or the Shenzhen Agreement tiers)."""

    id: str
    name: str
    short_name: str | None
    jurisdiction: str
    levels: tuple[Level, ...]
    credit: CreditRule
    aqrf_referencing: Referencing | None
    other_referencing: Mapping[str, Referencing] = field(hash=False)
    sources: tuple[Source, ...]
    data_status: str | None = None
    verification_needed: tuple[str, ...] = ()
    notes: str | None = None
    tier_table: TierTable | None = None

    @property
    def level_codes(self) -> tuple[str, ...]:
        return tuple(level.code for level in self.levels)

    def level(self, code: str) -> Level:
        """The level ``code`` (a string: ``"4"``, not ``4``).

        :raises TypeError: if ``code`` is not a string.
        :raises KeyError: naming the framework's level codes.
        """
        if not isinstance(code, str):
            raise TypeError(f"level codes are strings, got {code!r}")
        for level in self.levels:
            if level.code == code:
                return level
        raise KeyError(f"{self.id} has no level {code!r}; levels: {', '.join(self.level_codes)}")


@dataclass(frozen=True)
class Frameworks:
    """Every loaded framework, by id."""

    by_id: Mapping[str, Framework] = field(hash=False)

    def __iter__(self) -> Iterator[Framework]:
        return iter(self.by_id.values())

    def __len__(self) -> int:
        return len(self.by_id)

    def __contains__(self, framework_id: object) -> bool:
        return framework_id in self.by_id

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(self.by_id)

    def get(self, framework_id: str) -> Framework:
        """The framework ``framework_id``.

        :raises KeyError: naming the known ids.
        """
        try:
            return self.by_id[framework_id]
        except KeyError:
            known = ", ".join(sorted(self.by_id))
            raise KeyError(f"unknown framework {framework_id!r}; known: {known}") from None

    def shenzhen_tiers(self) -> TierTable:
        """The Shenzhen Agreement tier table, with its status.

        :raises KeyError: if the Shenzhen Agreement file or its tier model is missing.
        """
        table = self.get(SHENZHEN_AGREEMENT).tier_table
        if table is None:
            raise KeyError(f"{SHENZHEN_AGREEMENT} has no tier model")
        return table


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
