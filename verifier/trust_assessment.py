"""What a trust registry says about one credential's issuer, in codes and plain words.

Outcomes (``TrustAssessment.code``, stable; the message may be reworded):

=================================  =====================================================
``RECOGNISED_IN_SCOPE``            active member, registered for the credential's tier and field
``RECOGNISED_OUT_OF_SCOPE``        active member, but the tier or field is outside its scope
``RECOGNISED_SCOPE_UNKNOWN``       active member; the credential names no SA tier or ISCED-F field
``MEMBER_SUSPENDED``               listed, but its membership is suspended
``MEMBER_WITHDRAWN``               listed, but it has withdrawn from the alliance
``NOT_LISTED``                     the issuer is not a member in this registry
=================================  =====================================================

Only ``RECOGNISED_IN_SCOPE`` is ``recognised``.  None of these says anything
about the signature, which the verification pipeline checks separately.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from .checks import issuer_id
from .trust_model import Member

if TYPE_CHECKING:
    from .trust import RegistryInfo

RECOGNISED_IN_SCOPE = "RECOGNISED_IN_SCOPE"
RECOGNISED_OUT_OF_SCOPE = "RECOGNISED_OUT_OF_SCOPE"
RECOGNISED_SCOPE_UNKNOWN = "RECOGNISED_SCOPE_UNKNOWN"
MEMBER_SUSPENDED = "MEMBER_SUSPENDED"
MEMBER_WITHDRAWN = "MEMBER_WITHDRAWN"
NOT_LISTED = "NOT_LISTED"

SA_LEVEL_URL = "https://skillspassport.org/frameworks/shenzhen-agreement/levels/"
LEVEL_TYPE = "ext:QualificationsFrameworkLevel"
ISCED_TYPE = "ext:ISCED-F"


@dataclass(frozen=True)
class ScopeCheck:
    """The credential's tiers and ISCED-F fields against the member's scope.

    ``tier_allowed`` / ``field_allowed`` are ``None`` when the credential names none.
    """

    tiers: tuple[str, ...]
    fields: tuple[str, ...]
    tier_allowed: bool | None
    field_allowed: bool | None

    def to_json(self) -> dict:
        return {"tier": list(self.tiers), "tierAllowed": self.tier_allowed,
                "iscedField": list(self.fields), "fieldAllowed": self.field_allowed}


@dataclass(frozen=True)
class TrustAssessment:
    """What the registry says about a credential's issuer (see the module docstring)."""

    code: str
    message: str
    issuer: str
    registry: "RegistryInfo"
    member: Member | None = None
    scope: ScopeCheck | None = None

    @property
    def recognised(self) -> bool:
        """True only for an active member within its registered scope."""
        return self.code == RECOGNISED_IN_SCOPE

    @property
    def listed(self) -> bool:
        return self.member is not None

    def to_json(self) -> dict:
        result = {
            "code": self.code,
            "recognised": self.recognised,
            "listed": self.listed,
            "message": self.message,
            "issuer": self.issuer,
            "registry": self.registry.to_json(),
        }
        if self.member is not None:
            result["member"] = self.member.to_json()
        if self.scope is not None:
            result["scope"] = self.scope.to_json()
        return result


def assess_member(
    credential: object, registry: "RegistryInfo", member_for: Callable[[str], Member | None]
) -> TrustAssessment:
    """Assess ``credential``'s issuer against one verified registry."""
    issuer = issuer_id(credential if isinstance(credential, dict) else {})
    member = member_for(issuer)
    vouched = f"registry {registry.id} of {registry.issuer}, valid from {registry.valid_from:%Y-%m-%d}"
    if member is None:
        message = (f"not listed: {issuer} is not a member in {vouched}. The signature may still be valid; "
                   "the issuer is simply not a recognised member in this registry.")
        return TrustAssessment(NOT_LISTED, message, issuer, registry)
    scope = scope_check(credential, member)
    code, message = _outcome(member, scope)
    return TrustAssessment(code, f"{message} (per {vouched})", issuer, registry, member, scope)


def scope_check(credential: dict, member: Member) -> ScopeCheck:
    """The credential's SA tiers and ISCED-F codes, each checked against the member's scope."""
    tiers, fields = _alignment_codes(credential)
    return ScopeCheck(
        tiers=tiers,
        fields=fields,
        tier_allowed=all(map(member.scope.allows_tier, tiers)) if tiers else None,
        field_allowed=all(map(member.scope.allows_field, fields)) if fields else None,
    )


def _outcome(member: Member, scope: ScopeCheck) -> tuple[str, str]:
    who = f"{member.name} ({member.country})"
    since = f" since {member.status_since:%Y-%m-%d}" if member.status_since else ""
    if member.status == "suspended":
        return MEMBER_SUSPENDED, (f"member suspended: {who} is listed, but its membership is suspended{since}; "
                                  "the alliance does not vouch for what it issues while suspended")
    if member.status == "withdrawn":
        return MEMBER_WITHDRAWN, (f"member withdrawn: {who} has withdrawn from the alliance{since}; "
                                  "the alliance no longer vouches for it")
    outside = _outside(member, scope)
    if outside:
        return RECOGNISED_OUT_OF_SCOPE, f"recognised member, outside its registered scope ({'; '.join(outside)}): {who}"
    missing = [name for name, allowed in (("Shenzhen Agreement tier", scope.tier_allowed),
                                          ("ISCED-F field", scope.field_allowed)) if allowed is None]
    if missing:
        return RECOGNISED_SCOPE_UNKNOWN, (f"recognised member, scope not checked: {who} is an active member, but the "
                                         f"credential names no {' and no '.join(missing)} to check against its scope")
    return RECOGNISED_IN_SCOPE, (f"recognised member, within scope: {who}, an active member since "
                                 f"{member.since:%Y-%m-%d}, is registered to issue {', '.join(scope.tiers)} "
                                 f"in ISCED-F {', '.join(scope.fields)}")


def _outside(member: Member, scope: ScopeCheck) -> list[str]:
    reasons = []
    for tier in scope.tiers:
        if not member.scope.allows_tier(tier):
            reasons.append(f"tier {tier} not in {member.scope.tiers_text()}")
    for code in scope.fields:
        if not member.scope.allows_field(code):
            reasons.append(f"field {code} not in ISCED-F {member.scope.fields_text()}")
    return reasons


def _alignment_codes(credential: dict) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The SA tier codes and ISCED-F codes of every achievement's alignments, in order, once each."""
    tiers: dict[str, None] = {}
    fields: dict[str, None] = {}
    for alignment in _alignments(credential):
        code = alignment.get("targetCode")
        if not isinstance(code, str):
            continue
        url = alignment.get("targetUrl")
        if alignment.get("targetType") == LEVEL_TYPE and isinstance(url, str) and url.startswith(SA_LEVEL_URL):
            tiers[code] = None
        elif alignment.get("targetType") == ISCED_TYPE:
            fields[code] = None
    return tuple(tiers), tuple(fields)


def _alignments(credential: dict) -> list[dict]:
    subjects = credential.get("credentialSubject")
    subjects = subjects if isinstance(subjects, list) else [subjects]
    found = []
    for subject in subjects:
        achievement = subject.get("achievement") if isinstance(subject, dict) else None
        alignment = achievement.get("alignment") if isinstance(achievement, dict) else None
        items = alignment if isinstance(alignment, list) else [alignment]
        found += [item for item in items if isinstance(item, dict)]
    return found
