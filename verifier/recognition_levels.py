"""The level chain: Shenzhen Agreement tier → AQRF level → the receiving framework's levels.

Each link keeps the status its data gives.  The receiving framework's levels
are *all* those whose own published AQRF map contains the AQRF level; several
levels mean the mapping is ambiguous, and none is picked.
"""

from __future__ import annotations

from dataintegrity.results import Problem
from schemas.framework_model import SHENZHEN_AGREEMENT, Framework, Frameworks, Tier, TierTable
from schemas.recognition_profiles import RecognitionProfile

from .recognition_credential import CredentialFacts
from .recognition_result import (
    AGREES,
    DIFFERS,
    NO_REFERENCING,
    NOT_COMPARED,
    WITHIN_AMBIGUOUS,
    AppliedOverride,
    IssuerClaim,
    LevelRef,
    Step,
)
from .recognition_text import framework_label, level_label


def level_ref(framework: Framework, code: str) -> LevelRef:
    """The level ``code`` of ``framework`` with its label.

    :raises KeyError: if ``framework`` has no such level.
    """
    level = framework.level(code)
    return LevelRef(framework.id, code, level_label(framework, code, level.title), level.title, level.confidence)


def tier_step(frameworks: Frameworks, table: TierTable, tier: Tier) -> Step:
    """The tier the credential names, with the tier model's status and placeholder notice."""
    sa = frameworks.get(SHENZHEN_AGREEMENT)
    ref = LevelRef(sa.id, tier.code, level_label(sa, tier.code, tier.title), tier.title)
    notice = table.placeholder_notice if table.is_placeholder else None
    basis = "the credential's Shenzhen Agreement tier alignment"
    return Step("tier", sa.id, (ref,), table.status, basis, data_status=table.data_status, notes=notice)


def aqrf_step(aqrf: Framework, table: TierTable, tier: Tier) -> Step:
    """The tier's AQRF anchor in the (illustrative) tier model."""
    basis = f"the AQRF anchor of {tier.code} in the Shenzhen Agreement tier model"
    return Step("aqrf", aqrf.id, (level_ref(aqrf, tier.aqrf_anchor),), table.status, basis, data_status=table.data_status)


def anchor_mismatch(frameworks: Frameworks, tier: Tier) -> str | None:
    """A caveat when the tier model's anchor and the Shenzhen Agreement AQRF map disagree."""
    referencing = frameworks.get(SHENZHEN_AGREEMENT).aqrf_referencing
    mapped = referencing.level_map.get(tier.code) if referencing else None
    if mapped is None or mapped == (tier.aqrf_anchor,):
        return None
    return (f"The framework data disagrees with itself: the tier model anchors {tier.code} at AQRF "
            f"{tier.aqrf_anchor}, its AQRF map gives {', '.join(mapped)}; the tier model's anchor is used.")


def referencing_step(framework: Framework, aqrf_code: str) -> Step | Problem:
    """Every level of ``framework`` whose own AQRF map contains ``aqrf_code``, or why there is none."""
    label = framework_label(framework)
    referencing = framework.aqrf_referencing
    if referencing is None:
        return Problem(NO_REFERENCING, "No AQRF referencing", f"{label} has no AQRF referencing in the framework data")
    codes = referencing.sources_for(aqrf_code)
    if not codes:
        return Problem(NO_REFERENCING, "No level found", f"no level of {label} is referenced to AQRF {aqrf_code}")
    return Step(
        "referencing",
        framework.id,
        tuple(level_ref(framework, code) for code in codes),
        referencing.status,
        f"the levels of {label} whose AQRF referencing contains AQRF {aqrf_code}",
        source=referencing.source,
        process_status=referencing.process_status,
        notes=referencing.notes,
    )


def agreement(code: str, derived: tuple[LevelRef, ...]) -> str:
    """How a stated level compares with the derived ones."""
    codes = [level.code for level in derived]
    if not codes:
        return NOT_COMPARED
    if code not in codes:
        return DIFFERS
    return AGREES if len(codes) == 1 else WITHIN_AMBIGUOUS


def issuer_claims(facts: CredentialFacts, framework: Framework, derived: tuple[LevelRef, ...]) -> tuple[IssuerClaim, ...]:
    """The levels of ``framework`` that the credential itself states, beside the derived ones.

    A stated level the framework does not have is left out (the profile check reports it).
    """
    return tuple(
        IssuerClaim(level_ref(framework, claim.code), agreement(claim.code, derived), claim.index)
        for claim in facts.claims_in(framework.id)
        if claim.code in framework.level_codes
    )


def applied_override(
    profile: RecognitionProfile | None, tier: Tier, framework: Framework, derived: tuple[LevelRef, ...]
) -> AppliedOverride | None:
    """The institution's own placement of ``tier``, if its profile has one for this framework."""
    override = profile.override_for(tier.code) if profile is not None else None
    if override is None or override.level not in framework.level_codes:
        return None
    return AppliedOverride(
        level_ref(framework, override.level),
        override.note,
        override.decided_by,
        agreement(override.level, derived),
        override.date,
    )
