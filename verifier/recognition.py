"""Recognition: what a credential is worth in the receiving institution's own framework.

The chain, every link with the status its data gives:

1. the Shenzhen Agreement tier the credential names (its tier alignment);
2. the tier's AQRF anchor in the Alliance's tier model (a placeholder for now);
3. every level of the receiving framework whose own published AQRF map
   contains that AQRF level (skipped when the receiving framework is the AQRF).
   Several levels are reported as ambiguous; none is picked;
4. credits through notional learning hours (:mod:`.recognition_credits`).

A recognition profile (:mod:`schemas.recognition_profiles`) adds the
institution's own decisions: a level override wins but the derived levels stay
beside it; its credit rule replaces the framework's; its course equivalences are
matched on the credential's learning-outcome codes.  A level the credential
itself states in the receiving framework is shown as the issuer's claim, with
whether it agrees.

Errors: :func:`recognise` does not raise for anything the credential or the
target names.  A credential without a tier (or with an unknown or several
tiers), an unknown framework id, or a framework with no referenced level gives
a :class:`Recognition` whose ``problems`` say why (``ok`` is false), with as
much of the chain as could be built.  It raises :class:`TypeError` only when
called with the wrong kinds of arguments.  It does not check the proof: call it
on a credential that verified.
"""

from __future__ import annotations

from dataclasses import dataclass

from dataintegrity.results import Problem
from schemas.framework_model import AQRF, Framework, Frameworks, Tier, TierTable
from schemas.recognition_profiles import RecognitionProfile

from .recognition_credential import read_credential
from .recognition_credits import convert_credits
from .recognition_equivalences import match_equivalences
from .recognition_levels import (
    anchor_mismatch,
    applied_override,
    aqrf_step,
    issuer_claims,
    referencing_step,
    tier_step,
)
from .recognition_result import (
    NO_TIER,
    NO_TIER_MODEL,
    UNKNOWN_FRAMEWORK,
    UNKNOWN_TIER,
    LevelRef,
    Recognition,
    Step,
)
from .recognition_text import framework_label

FRAMEWORKS_INFORM = (
    "Qualifications frameworks inform recognition but do not decide it: the receiving institution "
    "makes the decision, and every level and credit figure here is indicative."
)
LEVEL_NOT_AWARD = (
    "A level placement gives the level of the learning outcomes, not an award of the qualification "
    "that level is named after."
)
REVIEWED_STATUSES = ("official",)
UNCONFIRMED = ("unverified", "partly_confirmed")


@dataclass(frozen=True)
class RecognitionTarget:
    """Where to recognise a credential: a framework id, and optionally the institution's profile.

    :raises ValueError: if the profile is for another framework.
    """

    framework_id: str
    profile: RecognitionProfile | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.framework_id, str):
            raise TypeError(f"framework_id must be a string, got {self.framework_id!r}")
        if self.profile is not None and self.profile.framework_id != self.framework_id:
            raise ValueError(f"profile {self.profile.id!r} is for {self.profile.framework_id}, not {self.framework_id}")

    @classmethod
    def for_profile(cls, profile: RecognitionProfile) -> RecognitionTarget:
        """The target of an institution's profile (its own framework)."""
        return cls(profile.framework_id, profile)


def recognise(credential: object, target: RecognitionTarget, frameworks: Frameworks) -> Recognition:
    """What ``credential`` is worth in ``target``'s framework, with the chain of reasoning.

    :raises TypeError: if ``target`` or ``frameworks`` is not of the documented type.
    """
    if not isinstance(target, RecognitionTarget) or not isinstance(frameworks, Frameworks):
        raise TypeError("recognise(credential, RecognitionTarget, Frameworks)")
    facts = read_credential(credential)
    table = _tier_table(frameworks)
    tier, problems = _find_tier(facts.tier_codes, table)
    framework = frameworks.by_id.get(target.framework_id)
    if framework is None:
        problems.append(_unknown_framework(target.framework_id, frameworks))
    steps, derived, problem = _level_chain(frameworks, table, tier, framework) if tier else ((), (), None)
    problems += [problem] if problem else []
    profile = target.profile
    common = dict(
        framework_id=target.framework_id,
        steps=steps,
        derived_levels=derived,
        problems=tuple(problems),
        profile_id=profile.id if profile else None,
        institution=profile.name if profile else None,
    )
    if framework is None:
        return Recognition(framework_name=None, caveats=_caveats(frameworks, table, tier, steps, ()), **common)
    override = applied_override(profile, tier, framework, derived) if tier else None
    return Recognition(
        framework_name=framework.name,
        override=override,
        issuer_claims=issuer_claims(facts, framework, derived),
        credits=convert_credits(facts, table, framework, profile.credit_policy if profile else None),
        equivalences=match_equivalences(facts.outcomes, profile),
        caveats=_caveats(frameworks, table, tier, steps, (override.level,) if override else derived),
        **common,
    )


def _unknown_framework(framework_id: str, frameworks: Frameworks) -> Problem:
    detail = f"unknown framework {framework_id!r} (known: {', '.join(sorted(frameworks.ids))})"
    return Problem(UNKNOWN_FRAMEWORK, "Unknown framework", detail)


def _tier_table(frameworks: Frameworks) -> TierTable | None:
    try:
        return frameworks.shenzhen_tiers()
    except KeyError:
        return None


def _find_tier(codes: tuple[str, ...], table: TierTable | None) -> tuple[Tier | None, list[Problem]]:
    """The one tier the credential names, or the problem with it."""
    if table is None:
        return None, [Problem(NO_TIER_MODEL, "No tier model", "the framework data has no Shenzhen Agreement tier model")]
    if not codes:
        detail = ("the credential names no Shenzhen Agreement tier (an ext:QualificationsFrameworkLevel alignment "
                  "to https://skillspassport.org/frameworks/shenzhen-agreement/levels/<tier>)")
        return None, [Problem(NO_TIER, "No tier", detail)]
    if len(set(codes)) > 1:
        return None, [Problem(NO_TIER, "Several tiers", f"the credential names several tiers ({', '.join(codes)}); it may name one")]
    try:
        return table.tier(codes[0]), []
    except KeyError:
        known = ", ".join(tier.code for tier in table.tiers)
        return None, [Problem(UNKNOWN_TIER, "Unknown tier", f"{codes[0]!r} is not a Shenzhen Agreement tier (known: {known})")]


def _level_chain(
    frameworks: Frameworks, table: TierTable, tier: Tier, framework: Framework | None
) -> tuple[tuple[Step, ...], tuple[LevelRef, ...], Problem | None]:
    """The steps tier → AQRF → receiving framework, the derived levels, and what stopped the chain."""
    first = tier_step(frameworks, table, tier)
    aqrf = frameworks.by_id.get(AQRF)
    if aqrf is None or tier.aqrf_anchor not in aqrf.level_codes:
        detail = f"AQRF level {tier.aqrf_anchor} (the anchor of {tier.code}) is not in the framework data"
        return (first,), (), Problem(UNKNOWN_FRAMEWORK, "No AQRF level", detail)
    steps = (first, aqrf_step(aqrf, table, tier))
    if framework is None:
        return steps, (), None
    if framework.id == AQRF:
        return steps, steps[-1].levels, None
    step = referencing_step(framework, tier.aqrf_anchor)
    if isinstance(step, Problem):
        return steps, (), step
    return steps + (step,), step.levels, None


def _caveats(
    frameworks: Frameworks, table: TierTable | None, tier: Tier | None, steps: tuple[Step, ...], levels: tuple[LevelRef, ...]
) -> tuple[str, ...]:
    """What a reader must know: always the first caveat, the placeholder notice while it applies, then the rest."""
    caveats = [FRAMEWORKS_INFORM]
    if table is not None and table.is_placeholder:
        caveats.append(f"{table.placeholder_notice} The tiers, their AQRF anchors and the SA credit rule are {table.status}.")
    mismatch = anchor_mismatch(frameworks, tier) if tier else None
    caveats += [mismatch] if mismatch else []
    for step in steps:
        if step.kind == "referencing" and step.status not in REVIEWED_STATUSES:
            label = framework_label(frameworks.get(step.framework_id))
            caveats.append(f"The {label} AQRF referencing is {step.status}: have a person review this placement.")
        if step.ambiguous:
            labels = ", ".join(level.label for level in step.levels)
            caveats.append(f"Ambiguous mapping: the referencing gives {len(step.levels)} levels ({labels}); none is picked.")
    for level in levels:
        if level.confidence in UNCONFIRMED:
            caveats.append(f"{level.label}: the level's title and placement are {level.confidence.replace('_', ' ')} in the framework data.")
    if levels:
        caveats.append(LEVEL_NOT_AWARD)
    return tuple(caveats)
