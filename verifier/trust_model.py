"""The members of a trust registry, read from its (already verified) credential.

A registry credential's ``credentialSubject`` is the alliance; its ``member``
list gives each member's DIDs, names, country, status and issuing scope (see
docs/trust-registry.md).  :func:`check_registry_schema` checks the document
against ``schemas/trust-registry.schema.json``; :func:`read_members` turns
the members into frozen dataclasses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

import jsonschema

from schemas.schema_messages import explain

from .trust_errors import MalformedRegistry

SCHEMA_FILE = "trust-registry.schema.json"
STATUSES = ("active", "suspended", "withdrawn")
_TIER_NUMBER = re.compile(r"^SA-T([0-9]+)$")


@dataclass(frozen=True)
class Scope:
    """What a member may issue: Shenzhen Agreement tiers and ISCED-F fields.

    A field code covers itself and every code it is a prefix of: ``"07"``
    (broad field) covers ``"071"`` and ``"0716"``.
    """

    tiers: tuple[str, ...]
    fields: tuple[str, ...]

    def allows_tier(self, tier: str) -> bool:
        return tier in self.tiers

    def allows_field(self, code: str) -> bool:
        return any(code.startswith(prefix) for prefix in self.fields)

    def tiers_text(self) -> str:
        """``SA-T1..SA-T3`` for a run of consecutive tiers, else ``SA-T1, SA-T4``."""
        numbers = sorted(int(m[1]) for m in map(_TIER_NUMBER.match, self.tiers) if m)
        if len(numbers) == len(self.tiers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
            return f"SA-T{numbers[0]}..SA-T{numbers[-1]}"
        return ", ".join(sorted(self.tiers, key=_tier_order))

    def fields_text(self) -> str:
        return ", ".join(sorted(self.fields))

    def to_json(self) -> dict:
        return {"tier": list(self.tiers), "iscedField": list(self.fields)}


@dataclass(frozen=True)
class Member:
    """One alliance member as the registry lists it.

    :param dids: every DID it issues with (the current did:web, older did:keys…).
    :param names: ``(language, text)`` pairs; English is always among them.
    """

    dids: tuple[str, ...]
    names: tuple[tuple[str, str], ...]
    country: str
    status: str
    since: date
    status_since: date | None
    scope: Scope

    @property
    def name(self) -> str:
        """The English name."""
        return next(text for language, text in self.names if language.lower().split("-")[0] == "en")

    def name_in(self, language: str) -> str:
        """The name in ``language`` (a BCP 47 tag, matched without case), else English."""
        wanted = language.lower()
        return next((text for tag, text in self.names if tag.lower() == wanted), self.name)

    def to_json(self) -> dict:
        result = {
            "did": list(self.dids),
            "name": self.name,
            "names": [{"@value": text, "@language": language} for language, text in self.names],
            "addressCountry": self.country,
            "membershipStatus": self.status,
            "memberSince": self.since.isoformat(),
            "scope": self.scope.to_json(),
        }
        if self.status_since is not None:
            result["statusSince"] = self.status_since.isoformat()
        return result


@cache
def _validator() -> jsonschema.Draft202012Validator:
    text = resources.files("schemas").joinpath(SCHEMA_FILE).read_text("utf-8")
    return jsonschema.Draft202012Validator(json.loads(text))


def check_registry_schema(document: dict) -> None:
    """Check ``document`` against the registry JSON Schema (draft 2020-12).

    :raises MalformedRegistry: naming every problem with its JSON path.
    """
    problems = sorted({explain(error) for error in _validator().iter_errors(document)})
    if problems:
        shown = "; ".join(map(str, problems[:5])) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise MalformedRegistry(f"the registry does not follow the registry format: {shown}", property=problems[0].path)


def read_members(subject: dict) -> tuple[Member, ...]:
    """The members of a schema-valid alliance subject.

    :raises MalformedRegistry: for an impossible date or a DID listed for two members.
    """
    members = tuple(_member(entry, index) for index, entry in enumerate(subject["member"]))
    seen: dict[str, int] = {}
    for index, member in enumerate(members):
        for did in member.dids:
            if did in seen:
                raise MalformedRegistry(
                    f"{did} is listed for two members (member[{seen[did]}] and member[{index}])",
                    property=f"credentialSubject.member[{index}].did",
                )
            seen[did] = index
    return members


def _member(entry: dict, index: int) -> Member:
    path = f"credentialSubject.member[{index}]"
    scope = entry["scope"]
    return Member(
        dids=tuple(entry["did"]),
        names=names_of(entry["name"]),
        country=entry["addressCountry"],
        status=entry["membershipStatus"],
        since=_date(entry["memberSince"], f"{path}.memberSince"),
        status_since=_date(entry["statusSince"], f"{path}.statusSince") if "statusSince" in entry else None,
        scope=Scope(tiers=tuple(scope["tier"]), fields=tuple(scope["iscedField"])),
    )


def names_of(value: str | list) -> tuple[tuple[str, str], ...]:
    """``(language, text)`` pairs of a schema-valid text value (a plain string is English)."""
    if isinstance(value, str):
        return (("en", value),)
    return tuple((item["@language"], item["@value"]) for item in value)


def _date(value: str, path: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise MalformedRegistry(f'{path}: {value!r} is not a real date', property=path) from None


def _tier_order(tier: str) -> tuple[int, str]:
    match = _TIER_NUMBER.match(tier)
    return (int(match[1]) if match else 1_000_000, tier)
