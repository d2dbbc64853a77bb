"""Credits in the receiving framework, converted through notional learning hours.

hours = the credential's ``notionalLearningHours`` (pro rata when fewer credits
were earned than available), or SA credits × the SA hours per credit;
credits = hours ÷ the receiving hours per credit (a range gives a range),
rounded down to the smallest unit and capped, both by the institution's rule
when its profile has one (else whole credits, no cap).  Contact-based or
unknown credit rules give no conversion, with the reason.  Exact arithmetic
(:class:`fractions.Fraction`) keeps 60 ÷ 30 from rounding down to 1.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from schemas.framework_model import Framework, TierTable
from schemas.recognition_profiles import CreditPolicy

from .recognition_credential import CredentialFacts
from .recognition_result import CreditConversion
from .recognition_text import framework_label, number, unit_name

DERIVED, INSTITUTIONAL, NOT_CONVERTED, ISSUER = "derived", "institutional", "not-converted", "issuer"
NEEDS_RULE = "needs an institutional rule"


@dataclass(frozen=True)
class _Hours:
    value: Fraction | None
    basis: str
    status: str


@dataclass(frozen=True)
class _Rule:
    bounds: tuple[Fraction, Fraction] | None
    basis: str
    status: str
    detail: str | None = None


def convert_credits(
    facts: CredentialFacts, table: TierTable | None, framework: Framework, policy: CreditPolicy | None
) -> CreditConversion:
    """The credential's credits in ``framework``'s unit, or why they cannot be converted."""
    hours = credential_hours(facts, table)
    unit = framework.credit.unit
    if hours.value is None:
        return CreditConversion(False, NOT_CONVERTED, None, hours.basis, unit=unit, reason=hours.basis, needs_rule=False)
    rule = receiving_rule(framework, policy)
    if rule.bounds is None:
        return CreditConversion(False, NOT_CONVERTED, float(hours.value), hours.basis, unit=unit,
                                reason=rule.basis, detail=rule.detail)
    exact = (hours.value / rule.bounds[1], hours.value / rule.bounds[0])
    step = _exact(policy.smallest_unit) if policy and policy.smallest_unit else Fraction(1)
    rounded = tuple(math.floor(value / step) * step for value in exact)
    cap = policy.max_credits_per_credential if policy else None
    capped = cap is not None and rounded[1] > _exact(cap)
    credits = tuple(min(value, _exact(cap)) for value in rounded) if capped else rounded
    status = INSTITUTIONAL if rule.status == INSTITUTIONAL else (hours.status if hours.status != ISSUER else DERIVED)
    return CreditConversion(
        True,
        status,
        float(hours.value),
        hours.basis,
        unit=unit,
        hours_per_credit=(float(rule.bounds[0]), float(rule.bounds[1])),
        hours_per_credit_basis=rule.basis,
        exact=(float(exact[0]), float(exact[1])),
        rounded=(float(rounded[0]), float(rounded[1])),
        credits=(float(credits[0]), float(credits[1])),
        rounding=_rounding(policy, step),
        rounding_basis="institutional rule" if policy and policy.smallest_unit else "the framework data names no smaller unit",
        capped_at=cap if capped else None,
    )


def credential_hours(facts: CredentialFacts, table: TierTable | None) -> _Hours:
    """The notional learning hours behind the credits the learner earned, and where they come from."""
    earned, available, stated = facts.credits_earned, facts.credits_available, facts.notional_hours
    if stated:
        if earned is not None and available and earned < available:
            basis = f"the credential's {number(stated)} notional learning hours × {number(earned)}/{number(available)} credits earned"
            return _Hours(_exact(stated) * _exact(earned) / _exact(available), basis, ISSUER)
        return _Hours(_exact(stated), f"the credential's {number(stated)} notional learning hours", ISSUER)
    credits = earned if earned is not None else available
    per_credit = table.credit.notional_hours_per_credit if table else None
    if credits is not None and facts.in_sa_credits and per_credit:
        basis = (f"{number(credits)} SA credits × {number(per_credit)} h per SA credit "
                 f"({table.credit.status} credit rule)")
        return _Hours(_exact(credits) * _exact(per_credit), basis, table.credit.status or DERIVED)
    return _Hours(None, "the credential states neither notional learning hours nor SA credits", NOT_CONVERTED)


def receiving_rule(framework: Framework, policy: CreditPolicy | None) -> _Rule:
    """Notional hours per receiving credit: the institution's rule, else the framework's, else why not."""
    label, credit = framework_label(framework), framework.credit
    if policy is not None and policy.notional_hours_per_credit:
        hours = _exact(policy.notional_hours_per_credit)
        basis = f"{number(hours)} notional hours per credit (institutional rule of {policy.decided_by})"
        return _Rule((hours, hours), basis, INSTITUTIONAL)
    if credit.hours_bounds is not None:
        low, high = (_exact(value) for value in credit.hours_bounds)
        hours = number(low) if low == high else f"{number(low)}–{number(high)}"
        return _Rule((low, high), f"{hours} notional hours per {unit_name(credit.unit)} ({label} data)", DERIVED)
    if credit.contact_based:
        return _Rule(None, f"{NEEDS_RULE}: {label} credits count contact time, not notional hours", NOT_CONVERTED,
                     _contact_detail(framework))
    return _Rule(None, f"{NEEDS_RULE}: {label} has no notional-hours credit rule in the framework data",
                 NOT_CONVERTED, credit.notes)


def _contact_detail(framework: Framework) -> str:
    credit = framework.credit
    parts = [f"{key}: {rule}" for key, rule in credit.contact_rules.items()]
    if credit.contact_periods_per_credit:
        low, high = credit.contact_periods_per_credit
        parts.append(f"{number(low)}–{number(high)} contact periods per credit")
    if credit.illustrative_notional_hours_per_credit:
        parts.append(f"an illustrative {number(credit.illustrative_notional_hours_per_credit)} notional hours "
                     "per credit is in the data, but it is not a rule and is not used")
    if credit.notes:
        parts.append(credit.notes)
    return "; ".join(parts)


def _rounding(policy: CreditPolicy | None, step: Fraction) -> str:
    return f"multiples of {number(step)}" if policy is not None and policy.smallest_unit else "whole credits"


def _exact(value: float) -> Fraction:
    """The decimal ``value`` as written (``0.1`` is one tenth, not its binary neighbour)."""
    return Fraction(repr(float(value)))
