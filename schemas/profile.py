"""The Skills Passport learning-outcome credential profile: its JSON Schema and checks.

:func:`check_credential` validates a credential (signed or not) against the
bundled JSON Schema (draft 2020-12, never fetched) and then against the
framework data: the Shenzhen Agreement tier and every framework level named
must exist, dates must be in order, earned credits must not exceed those
available.  Every problem names its JSON path.  See docs/credential-profile.md.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from importlib import resources
from typing import Any

import jsonschema
import jsonschema_rs

from .framework_data import load_frameworks
from .framework_model import SHENZHEN_AGREEMENT, Frameworks
from .schema_messages import SchemaProblem, explain

PROFILE_SCHEMA_ID = "https://skillspassport.org/schemas/learning-outcome-credential/v1.json"
PROFILE_CONTEXT = "https://skillspassport.org/contexts/shenzhen-agreement/v1"
SCHEMA_FILE = "learning-outcome-credential.schema.json"
FRAMEWORK_LEVEL = "ext:QualificationsFrameworkLevel"
_LEVEL_URL = re.compile(r"^https://skillspassport\.org/frameworks/(?P<framework>[a-z0-9-]+)/levels/(?P<level>[A-Za-z0-9-]+)$")


def profile_schema() -> dict[str, Any]:
    """The profile's JSON Schema, parsed from the bundled file."""
    return json.loads(resources.files(__package__).joinpath(SCHEMA_FILE).read_text("utf-8"))


def schema_bytes() -> bytes:
    """The exact bytes served at :data:`PROFILE_SCHEMA_ID`."""
    return resources.files(__package__).joinpath(SCHEMA_FILE).read_bytes()


class ProfileChecker:
    """Checks credentials against the profile; build once, use many times.

    :param frameworks: the framework data (defaults to the bundled files).
    """

    def __init__(self, frameworks: Frameworks | None = None):
        self.frameworks = frameworks if frameworks is not None else load_frameworks()
        schema = profile_schema()
        jsonschema.Draft202012Validator.check_schema(schema)
        # jsonschema-rs decides whether a credential conforms (about 10 µs); the
        # pure-Python validator then explains, in plain words, only those that do not.
        self._fast = jsonschema_rs.Draft202012Validator(schema)
        self._explaining = jsonschema.Draft202012Validator(schema)

    def check(self, credential: Any) -> list[SchemaProblem]:
        """Every problem with ``credential``, sorted by path; empty when it conforms."""
        problems = set()
        if not self._fast.is_valid(credential):
            problems = {explain(error) for error in self._explaining.iter_errors(credential)}
        if isinstance(credential, dict):
            problems.update(self._check_data(credential))
        return sorted(problems)

    def _check_data(self, credential: dict) -> list[SchemaProblem]:
        problems = _check_dates(credential)
        subject = credential.get("credentialSubject")
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        if isinstance(achievement, dict):
            problems += self._check_alignments(achievement.get("alignment"))
            problems += _check_credits(subject, achievement)
            problems += _check_results(subject, achievement)
        return problems

    def _check_alignments(self, alignments: Any) -> list[SchemaProblem]:
        problems = []
        for index, alignment in enumerate(alignments if isinstance(alignments, list) else []):
            if not isinstance(alignment, dict) or alignment.get("targetType") != FRAMEWORK_LEVEL:
                continue
            path = f"credentialSubject.achievement.alignment[{index}]"
            problem = self._check_level(alignment, path)
            if problem:
                problems.append(problem)
        return problems

    def _check_level(self, alignment: dict, path: str) -> SchemaProblem | None:
        match = _LEVEL_URL.match(str(alignment.get("targetUrl", "")))
        if not match:
            return None  # the schema already reports the malformed URL
        framework_id, level = match["framework"], match["level"]
        if framework_id not in self.frameworks:
            known = ", ".join(self.frameworks.ids)
            return SchemaProblem(f"{path}.targetUrl", f'names the framework "{framework_id}", which is not one we know ({known})')
        framework = self.frameworks.get(framework_id)
        if level not in framework.level_codes:
            what = "Shenzhen Agreement tier" if framework_id == SHENZHEN_AGREEMENT else f"level of {framework.name}"
            return SchemaProblem(f"{path}.targetUrl", f'"{level}" is not a {what} (known: {", ".join(framework.level_codes)})')
        if alignment.get("targetCode") != level:
            return SchemaProblem(f"{path}.targetCode", f'must be "{level}", the level its targetUrl names')
        return None


def _check_dates(credential: dict) -> list[SchemaProblem]:
    start, end = _instant(credential.get("validFrom")), _instant(credential.get("validUntil"))
    if start and end and end < start:
        return [SchemaProblem("validUntil", "is before validFrom: the credential would never be valid")]
    return []


def _instant(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None  # the schema reports the malformed date
    return moment if moment is not None and moment.tzinfo is not None else None


def _check_credits(subject: dict, achievement: dict) -> list[SchemaProblem]:
    earned, available = subject.get("creditsEarned"), achievement.get("creditsAvailable")
    numbers = all(isinstance(n, (int, float)) and not isinstance(n, bool) and n >= 0 for n in (earned, available))
    if numbers and earned > available:
        return [SchemaProblem("credentialSubject.creditsEarned", f"is more than the {available} credits the achievement makes available")]
    return []


def _check_results(subject: dict, achievement: dict) -> list[SchemaProblem]:
    descriptions = achievement.get("resultDescription")
    described = {d.get("id") for d in descriptions if isinstance(d, dict) and isinstance(d.get("id"), str)} \
        if isinstance(descriptions, list) else set()
    problems = []
    results = subject.get("result")
    for index, result in enumerate(results if isinstance(results, list) else []):
        named = result.get("resultDescription") if isinstance(result, dict) else None
        if isinstance(result, dict) and (not isinstance(named, str) or named not in described):
            problems.append(SchemaProblem(
                f"credentialSubject.result[{index}].resultDescription",
                "names no resultDescription of the achievement",
            ))
    return problems
