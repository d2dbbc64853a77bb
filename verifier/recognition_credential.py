"""What recognition reads from a credential: tier, stated levels, outcomes, credits and hours.

Reading never raises: anything missing or malformed is simply absent, and the
engine reports what that means.  The shapes are those of the Skills Passport
profile (docs/credential-profile.md): Open Badges alignments on the achievement.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from schemas.framework_model import SHENZHEN_AGREEMENT

FRAMEWORK_LEVEL = "ext:QualificationsFrameworkLevel"
LEARNING_OUTCOME = "ext:LearningOutcome"
CREDIT_RULE = "ext:CreditRule"
SA_CREDIT_RULE_URL = "https://skillspassport.org/frameworks/shenzhen-agreement/credit"
_LEVEL_URL = re.compile(r"^https://skillspassport\.org/frameworks/(?P<framework>[a-z0-9-]+)/levels/(?P<level>[A-Za-z0-9-]+)$")


@dataclass(frozen=True)
class LevelClaim:
    """A framework level the credential states: alignment number ``index`` points at ``framework_id`` ``code``."""

    index: int
    framework_id: str
    code: str


@dataclass(frozen=True)
class CredentialFacts:
    """The parts of a credential that recognition uses."""

    level_claims: tuple[LevelClaim, ...] = ()
    outcomes: tuple[str, ...] = ()
    credit_rule_urls: tuple[str, ...] = ()
    credits_earned: float | None = None
    credits_available: float | None = None
    notional_hours: float | None = None

    @property
    def tier_codes(self) -> tuple[str, ...]:
        """The Shenzhen Agreement tiers the credential names (the profile allows exactly one)."""
        return tuple(c.code for c in self.level_claims if c.framework_id == SHENZHEN_AGREEMENT)

    def claims_in(self, framework_id: str) -> tuple[LevelClaim, ...]:
        return tuple(c for c in self.level_claims if c.framework_id == framework_id)

    @property
    def in_sa_credits(self) -> bool:
        """Whether the credential says its credits are Shenzhen Agreement credits."""
        return SA_CREDIT_RULE_URL in self.credit_rule_urls


def read_credential(credential: Any) -> CredentialFacts:
    """The facts of ``credential``; empty facts for anything that is not a credential."""
    subject = _object(credential, "credentialSubject")
    achievement = _object(subject, "achievement")
    alignments = achievement.get("alignment")
    alignments = alignments if isinstance(alignments, list) else []
    return CredentialFacts(
        level_claims=tuple(_level_claims(alignments)),
        outcomes=tuple(_codes(alignments, LEARNING_OUTCOME, "targetCode")),
        credit_rule_urls=tuple(_codes(alignments, CREDIT_RULE, "targetUrl")),
        credits_earned=_amount(subject.get("creditsEarned")),
        credits_available=_amount(achievement.get("creditsAvailable")),
        notional_hours=_amount(achievement.get("notionalLearningHours")),
    )


def _object(parent: Any, key: str) -> dict:
    value = parent.get(key) if isinstance(parent, dict) else None
    return value if isinstance(value, dict) else {}


def _level_claims(alignments: list) -> list[LevelClaim]:
    claims = []
    for index, alignment in enumerate(alignments):
        if isinstance(alignment, dict) and alignment.get("targetType") == FRAMEWORK_LEVEL:
            match = _LEVEL_URL.match(str(alignment.get("targetUrl", "")))
            if match:
                claims.append(LevelClaim(index, match["framework"], match["level"]))
    return claims


def _codes(alignments: list, target_type: str, key: str) -> list[str]:
    codes = []
    for alignment in alignments:
        if isinstance(alignment, dict) and alignment.get("targetType") == target_type:
            value = alignment.get(key)
            if isinstance(value, str) and value and value not in codes:
                codes.append(value)
    return codes


def _amount(value: Any) -> float | None:
    """A number of credits or hours, or ``None`` for anything else (booleans, negatives, text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        return None
    return float(value)
