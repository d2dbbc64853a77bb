"""Recognition profiles: how one receiving institution recognises Shenzhen Agreement credentials.

A profile names the institution's own framework and may add its own decisions:
level overrides per tier, a credit-transfer rule, and course equivalences keyed
by learning-outcome codes.  Profiles are YAML files checked against
``recognition-profile.schema.json`` and then against the framework data (the
framework, tiers and levels they name must exist).  The bundled examples live
in ``recognition/*.yaml``.  Nothing is cached and nothing touches the network.
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jsonschema
import yaml

from .framework_data import load_frameworks
from .framework_model import Frameworks

SCHEMA_FILE = "recognition-profile.schema.json"
PROFILES_DIR = "recognition"
TEXT_NAME = "<text>"


class ProfileError(ValueError):
    """A recognition profile is unreadable, breaks the schema, or names unknown data.

    :param file: the file name, or ``"<text>"`` for a profile given as text.
    :param problems: ``(json_path, message)`` pairs, e.g. ``("$.level_overrides[0].level", "...")``.
    """

    def __init__(self, file: str, problems: tuple[tuple[str, str], ...]) -> None:
        super().__init__("\n".join(f"{file}: {path}: {message}" for path, message in problems))
        self.file = file
        self.problems = problems
        self.json_path, self.message = problems[0]


@dataclass(frozen=True)
class LevelOverride:
    """The institution places ``tier`` at ``level`` of its framework, whatever the referencing says."""

    tier: str
    level: str
    note: str
    decided_by: str
    date: str | None = None


@dataclass(frozen=True)
class CreditPolicy:
    """The institution's credit-transfer rule; ``None`` fields fall back to the framework data."""

    note: str
    decided_by: str
    notional_hours_per_credit: float | None = None
    smallest_unit: float | None = None
    max_credits_per_credential: float | None = None
    date: str | None = None


@dataclass(frozen=True)
class CourseEquivalence:
    """Outcomes ``requires`` together cover ``course``; all present means ``decision``."""

    course: str
    title: str
    credits: float
    requires: tuple[str, ...]
    decision: str
    note: str | None = None


@dataclass(frozen=True)
class RecognitionProfile:
    """One receiving institution's recognition profile."""

    id: str
    name: str
    framework_id: str
    decided_by: str
    level_overrides: tuple[LevelOverride, ...] = ()
    credit_policy: CreditPolicy | None = None
    course_equivalences: tuple[CourseEquivalence, ...] = ()
    country: str | None = None
    url: str | None = None
    updated: str | None = None
    notes: str | None = None

    def override_for(self, tier: str) -> LevelOverride | None:
        """The institution's override for ``tier``, if it has one."""
        return next((o for o in self.level_overrides if o.tier == tier), None)


def load_schema() -> dict[str, Any]:
    """The recognition-profile JSON Schema (a fresh copy)."""
    return json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text("utf-8"))


def load_profile(source: str | os.PathLike, frameworks: Frameworks | None = None) -> RecognitionProfile:
    """Read and check one profile.

    :param source: a path (:class:`os.PathLike`, or a one-line ``str`` ending in
        ``.yaml``/``.yml``) or the YAML text itself (any other ``str``).
    :param frameworks: the framework data to check against (default: the bundled files).
    :raises ProfileError: naming the file (``"<text>"`` for text) and the JSON path of every problem.
    :raises OSError: if the file cannot be read.
    """
    if isinstance(source, os.PathLike) or _looks_like_path(source):
        path = Path(source)
        return parse_profile(path.read_text("utf-8"), path.name, frameworks)
    if not isinstance(source, str):
        raise TypeError(f"expected a path or YAML text, got {type(source).__name__}")
    return parse_profile(source, TEXT_NAME, frameworks)


def bundled_profiles(frameworks: Frameworks | None = None) -> Mapping[str, RecognitionProfile]:
    """Every bundled ``recognition/*.yaml`` profile, by id (file ``x.yaml`` has id ``x``).

    :raises ProfileError: naming the file and JSON path of the problems.
    """
    frameworks = frameworks if frameworks is not None else load_frameworks()
    folder = resources.files(__package__).joinpath(PROFILES_DIR)
    profiles = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            profile = parse_profile(entry.read_text("utf-8"), entry.name, frameworks)
            if entry.name != f"{profile.id}.yaml":
                raise ProfileError(entry.name, (("$.id", f"id {profile.id!r} does not match the file name"),))
            profiles[profile.id] = profile
    return MappingProxyType(profiles)


def parse_profile(text: str, file: str, frameworks: Frameworks | None = None) -> RecognitionProfile:
    """Parse, validate and type the YAML ``text`` of a profile read from ``file``."""
    try:
        data = _json_data(yaml.safe_load(text), "$")
    except yaml.YAMLError as error:
        raise ProfileError(file, (("$", f"not valid YAML: {error}"),)) from None
    except _NotJson as error:
        raise ProfileError(file, ((error.path, error.message),)) from None
    validator = jsonschema.Draft202012Validator(load_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (e.json_path, e.message))
    if errors:
        raise ProfileError(file, tuple((e.json_path, e.message) for e in errors))
    frameworks = frameworks if frameworks is not None else load_frameworks()
    problems = _check_data(data, frameworks)
    if problems:
        raise ProfileError(file, tuple(problems))
    return _profile(data)


def _looks_like_path(source: object) -> bool:
    return isinstance(source, str) and "\n" not in source and source.endswith((".yaml", ".yml"))


class _NotJson(Exception):
    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path, self.message = path, message


def _json_data(value: Any, path: str) -> Any:
    """JSON data from YAML: dates become ISO strings; other non-JSON values are refused."""
    if isinstance(value, dict):
        for key in value:
            if not isinstance(key, str):
                raise _NotJson(path, f"mapping key {key!r} is not text (quote it)")
        return {key: _json_data(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list):
        return [_json_data(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise _NotJson(path, f"{type(value).__name__} value is not JSON data (quote it)")


def _check_data(data: dict[str, Any], frameworks: Frameworks) -> list[tuple[str, str]]:
    """Problems the schema cannot see: unknown framework, tier or level; repeated entries."""
    framework_id = data["framework"]
    if framework_id not in frameworks:
        return [("$.framework", f"{framework_id!r} is not a framework we know ({', '.join(frameworks.ids)})")]
    levels = frameworks.get(framework_id).level_codes
    tiers = tuple(tier.code for tier in frameworks.shenzhen_tiers().tiers)
    problems, seen = [], set()
    for index, override in enumerate(data.get("level_overrides", [])):
        path, tier, level = f"$.level_overrides[{index}]", override["tier"], str(override["level"])
        if tier not in tiers:
            problems.append((f"{path}.tier", f"{tier!r} is not a Shenzhen Agreement tier ({', '.join(tiers)})"))
        elif tier in seen:
            problems.append((f"{path}.tier", f"{tier!r} is overridden twice"))
        seen.add(tier)
        if level not in levels:
            problems.append((f"{path}.level", f"{level!r} is not a level of {framework_id} ({', '.join(levels)})"))
    courses = [item["course"] for item in data.get("course_equivalences", [])]
    for index, course in enumerate(courses):
        if course in courses[:index]:
            problems.append((f"$.course_equivalences[{index}].course", f"course {course!r} appears twice"))
    return problems


def _profile(data: dict[str, Any]) -> RecognitionProfile:
    rule = data.get("credit_rule")
    return RecognitionProfile(
        id=data["id"],
        name=data["name"],
        framework_id=data["framework"],
        decided_by=data["decided_by"],
        level_overrides=tuple(
            LevelOverride(o["tier"], str(o["level"]), o["note"], o["decided_by"], o.get("date"))
            for o in data.get("level_overrides", [])
        ),
        credit_policy=None if rule is None else CreditPolicy(
            note=rule["note"],
            decided_by=rule["decided_by"],
            notional_hours_per_credit=_number(rule.get("notional_hours_per_credit")),
            smallest_unit=_number(rule.get("smallest_unit")),
            max_credits_per_credential=_number(rule.get("max_credits_per_credential")),
            date=rule.get("date"),
        ),
        course_equivalences=tuple(
            CourseEquivalence(c["course"], c["title"], float(c["credits"]), tuple(c["requires"]), c["decision"], c.get("note"))
            for c in data.get("course_equivalences", [])
        ),
        country=data.get("country"),
        url=data.get("url"),
        updated=data.get("updated"),
        notes=data.get("notes"),
    )


def _number(value: Any) -> float | None:
    return None if value is None else float(value)
