"""The result of recognition: the chain of steps, each with its status, and what follows from it.

Every status here is the one the data gives (a framework file's map status,
the tier model's status) or names where a number came from (``derived``,
``institutional``); nothing is upgraded on the way.  :meth:`Recognition.to_json`
is what the API and the verifier page show.
"""

from __future__ import annotations

from dataclasses import dataclass

from dataintegrity.errors import SP
from dataintegrity.results import Problem

NO_TIER = SP + "RECOGNITION_NO_TIER"
UNKNOWN_TIER = SP + "RECOGNITION_UNKNOWN_TIER"
NO_TIER_MODEL = SP + "RECOGNITION_NO_TIER_MODEL"
UNKNOWN_FRAMEWORK = SP + "RECOGNITION_UNKNOWN_FRAMEWORK"
NO_REFERENCING = SP + "RECOGNITION_NO_REFERENCING"

#: How an issuer's own level claim compares with the derived levels.
AGREES, WITHIN_AMBIGUOUS, DIFFERS, NOT_COMPARED = "agrees", "one-of-ambiguous", "differs", "not-compared"


@dataclass(frozen=True)
class LevelRef:
    """One level of one framework, with the label shown to people ("MQF 4, Diploma")."""

    framework_id: str
    code: str
    label: str
    title: str
    confidence: str | None = None

    def to_json(self) -> dict:
        result = {"framework": self.framework_id, "code": self.code, "label": self.label, "title": self.title}
        if self.confidence:
            result["confidence"] = self.confidence
        return result


@dataclass(frozen=True)
class Step:
    """One link of the chain: ``kind`` is ``tier``, ``aqrf`` or ``referencing``.

    :param status: the status the data gives this link (``illustrative``, ``official`` ...).
    :param basis: in plain words, where the link comes from.
    """

    kind: str
    framework_id: str
    levels: tuple[LevelRef, ...]
    status: str
    basis: str
    source: str | None = None
    process_status: str | None = None
    data_status: str | None = None
    notes: str | None = None

    @property
    def ambiguous(self) -> bool:
        return len(self.levels) > 1

    def to_json(self) -> dict:
        result = {
            "step": self.kind,
            "framework": self.framework_id,
            "levels": [level.to_json() for level in self.levels],
            "ambiguous": self.ambiguous,
            "status": self.status,
            "basis": self.basis,
        }
        optional = {"source": self.source, "processStatus": self.process_status,
                    "dataStatus": self.data_status, "notes": self.notes}
        return result | {key: value for key, value in optional.items() if value is not None}


@dataclass(frozen=True)
class IssuerClaim:
    """A level the credential itself states in the receiving framework, and how it compares."""

    level: LevelRef
    agreement: str
    alignment_index: int

    def to_json(self) -> dict:
        return {"level": self.level.to_json(), "agreement": self.agreement, "alignmentIndex": self.alignment_index}


@dataclass(frozen=True)
class AppliedOverride:
    """The receiving institution's own placement of the tier, which wins over the referencing."""

    level: LevelRef
    note: str
    decided_by: str
    agreement: str
    date: str | None = None

    def to_json(self) -> dict:
        result = {"level": self.level.to_json(), "note": self.note, "decidedBy": self.decided_by,
                  "agreementWithReferencing": self.agreement}
        return result | ({"date": self.date} if self.date else {})


@dataclass(frozen=True)
class CreditConversion:
    """Credits in the receiving framework, or why there are none.

    ``exact`` and ``credits`` are ``(low, high)``: equal unless the receiving
    rule is a range (ECTS 25-30 h).  ``rounded`` is ``exact`` rounded down
    (``rounding`` says to what: "whole credits", "multiples of 0.5"); ``credits``
    is ``rounded`` after the institution's cap (``capped_at``, set only when
    the cap applied).  ``needs_rule`` says that a
    conversion failed for want of an institutional credit rule.
    """

    converted: bool
    status: str
    hours: float | None
    hours_basis: str
    unit: str | None = None
    hours_per_credit: tuple[float, float] | None = None
    hours_per_credit_basis: str | None = None
    exact: tuple[float, float] | None = None
    rounded: tuple[float, float] | None = None
    credits: tuple[float, float] | None = None
    rounding: str | None = None
    rounding_basis: str | None = None
    capped_at: float | None = None
    reason: str | None = None
    detail: str | None = None
    needs_rule: bool = True

    @property
    def is_range(self) -> bool:
        return self.credits is not None and self.credits[0] != self.credits[1]

    def to_json(self) -> dict:
        result = {"converted": self.converted, "status": self.status, "hours": self.hours, "hoursBasis": self.hours_basis}
        if not self.converted:
            result["needsInstitutionalRule"] = self.needs_rule
        optional = {
            "unit": self.unit,
            "hoursPerCredit": _pair(self.hours_per_credit),
            "hoursPerCreditBasis": self.hours_per_credit_basis,
            "exact": _pair(self.exact),
            "rounded": _pair(self.rounded),
            "credits": _pair(self.credits),
            "rounding": self.rounding,
            "roundingBasis": self.rounding_basis,
            "cappedAt": self.capped_at,
            "reason": self.reason,
            "detail": self.detail,
        }
        return result | {key: value for key, value in optional.items() if value is not None}


def _pair(bounds: tuple[float, float] | None) -> dict | None:
    return None if bounds is None else {"low": bounds[0], "high": bounds[1]}


@dataclass(frozen=True)
class EquivalenceMatch:
    """A course of the receiving institution that the credential's outcomes cover, fully or partly.

    ``status`` is the profile's decision (``exempted``, ``credit-transferred``)
    when every required outcome is present, else ``partly covered``.
    """

    course: str
    title: str
    credits: float
    status: str
    used_outcomes: tuple[str, ...]
    missing_outcomes: tuple[str, ...]
    note: str | None = None

    @property
    def complete(self) -> bool:
        return not self.missing_outcomes

    def to_json(self) -> dict:
        result = {"course": self.course, "title": self.title, "credits": self.credits, "status": self.status,
                  "complete": self.complete, "usedOutcomes": list(self.used_outcomes),
                  "missingOutcomes": list(self.missing_outcomes)}
        return result | ({"note": self.note} if self.note else {})


@dataclass(frozen=True)
class Recognition:
    """What a credential is worth in one receiving framework, with the chain of reasoning.

    :param steps: tier, AQRF level and (unless the target is the AQRF) the
        receiving framework's referencing, in order; shorter when a problem stopped it.
    :param derived_levels: the levels the referencing gives; several means ambiguous.
    :param override: the receiving institution's own placement, if its profile has one.
    :param problems: why recognition could not be completed; empty when it was.
    :param caveats: always at least the "frameworks inform, they do not decide" caveat.
    """

    framework_id: str
    framework_name: str | None
    steps: tuple[Step, ...] = ()
    derived_levels: tuple[LevelRef, ...] = ()
    override: AppliedOverride | None = None
    issuer_claims: tuple[IssuerClaim, ...] = ()
    credits: CreditConversion | None = None
    equivalences: tuple[EquivalenceMatch, ...] = ()
    caveats: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    profile_id: str | None = None
    institution: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def ambiguous(self) -> bool:
        return len(self.derived_levels) > 1

    @property
    def levels(self) -> tuple[LevelRef, ...]:
        """The levels to act on: the institution's override if any, else the derived ones."""
        return (self.override.level,) if self.override else self.derived_levels

    def summary(self) -> str:
        """The chain on one line, e.g. ``SA-T3 → AQRF 4 (illustrative) → MQF 4, Diploma (official referencing) → …``."""
        from .recognition_text import summary_line

        return summary_line(self)

    def to_json(self) -> dict:
        return {
            "ok": self.ok,
            "framework": {"id": self.framework_id, "name": self.framework_name},
            "profile": {"id": self.profile_id, "institution": self.institution} if self.profile_id else None,
            "chain": [step.to_json() for step in self.steps],
            "derivedLevels": [level.to_json() for level in self.derived_levels],
            "ambiguous": self.ambiguous,
            "levels": [level.to_json() for level in self.levels],
            "override": self.override.to_json() if self.override else None,
            "issuerClaims": [claim.to_json() for claim in self.issuer_claims],
            "credits": self.credits.to_json() if self.credits else None,
            "courseEquivalences": [match.to_json() for match in self.equivalences],
            "caveats": list(self.caveats),
            "problems": [problem.to_json() for problem in self.problems],
            "summary": self.summary(),
        }
