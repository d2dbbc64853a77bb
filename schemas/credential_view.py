"""A credential as a person reads it: the display model of the issuer's
preview, the console's credential page, the graduate's page and the verifier's result.

Pure functions over the credential JSON (no Flask, no database): multilingual
values (VC 2.0 language value objects) are shown in the reader's language
when the credential has it, and in English otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable

from .framework_model import TierTable

#: The languages a credential may carry besides English, with their own names.
LANGUAGES = {
    "en": "English",
    "zh-Hans": "简体中文",
    "zh-Hant": "繁體中文",
    "th": "ไทย",
    "lo": "ລາວ",
    "ms": "Bahasa Melayu",
    "km": "ខ្មែរ",
    "vi": "Tiếng Việt",
}
#: Chinese regions name a script implicitly (a reader asking for zh-TW reads zh-Hant).
_CHINESE_SCRIPT = {"cn": "hans", "sg": "hans", "my": "hans", "tw": "hant", "hk": "hant", "mo": "hant"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
TIER_URL = "https://skillspassport.org/frameworks/shenzhen-agreement/levels/"
LEVEL = "ext:QualificationsFrameworkLevel"


@dataclass(frozen=True)
class Text:
    """A value in one language; ``str()`` is the value, so templates print it directly."""

    value: str
    language: str = "en"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Day:
    """A date shown in words (``15 September 2026``) with its ISO form for ``<time>``."""

    iso: str
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True)
class Alignment:
    code: str
    name: str
    framework: str = ""
    statement: str = ""


@dataclass(frozen=True)
class Tier:
    code: str
    name: str
    placeholder: bool
    notice: str


@dataclass(frozen=True)
class Status:
    """The credential's standing in words: ``key`` is valid, suspended, revoked, expired or pending."""

    key: str
    label: str
    explanation: str


@dataclass(frozen=True)
class CredentialView:
    """Everything a reader sees of one credential, already in their language."""

    id: str
    language: str
    learner: Text | None
    learner_also: tuple[Text, ...]
    achievement: Text
    description: Text | None
    code: str
    achievement_type: str
    criteria: str
    field_of_study: str
    specialization: str
    tier: Tier | None
    levels: tuple[Alignment, ...]
    fields: tuple[Alignment, ...]
    outcomes: tuple[Alignment, ...]
    credits_earned: Any
    credits_available: Any
    credit_rule: str
    hours: Any
    result: str
    valid_from: Day | None
    valid_until: Day | None
    issuer: Text
    issuer_url: str
    issuer_id: str


def text_in(value: Any, language: str) -> Text | None:
    """``value`` (plain text or language value objects) in ``language``, else English, else the first.

    :param language: a BCP 47 tag, matched case-insensitively, then by primary language.
    """
    if isinstance(value, str):
        return Text(value, "en")
    if not isinstance(value, list):
        return None
    values = [v for v in value if isinstance(v, dict) and isinstance(v.get("@value"), str)]
    for wanted in (language, "en"):
        tag = match_language(wanted, [str(v.get("@language", "")) for v in values])
        if tag is not None:
            chosen = next(v for v in values if v.get("@language") == tag)
            return Text(chosen["@value"], tag)
    return Text(values[0]["@value"], str(values[0].get("@language", "en"))) if values else None


def match_language(wanted: str, available: Iterable[str]) -> str | None:
    """The tag of ``available`` that serves a reader of ``wanted`` (``zh-TW`` is served by ``zh-Hant``)."""
    tags = [tag for tag in available if tag]
    wanted = _script_form(wanted.lower())
    for tag in tags:
        if tag.lower() == wanted:
            return tag
    primary = wanted.split("-")[0]
    for tag in tags:
        if tag.lower() == primary or (tag.lower().split("-")[0] == primary and "-" not in wanted):
            return tag
    return None


def _script_form(tag: str) -> str:
    parts = tag.split("-")
    if parts[0] == "zh" and len(parts) > 1 and parts[1] in _CHINESE_SCRIPT:
        return f"zh-{_CHINESE_SCRIPT[parts[1]]}"
    return tag


def _other_versions(value: Any, shown: Text | None) -> tuple[Text, ...]:
    """The versions of a multilingual value besides the one shown (a certificate prints both)."""
    if not isinstance(value, list) or shown is None:
        return ()
    return tuple(Text(v["@value"], str(v.get("@language", ""))) for v in value
                 if isinstance(v, dict) and isinstance(v.get("@value"), str) and v.get("@language") != shown.language)


def languages_of(credential: dict) -> list[str]:
    """The languages the credential's names are given in, English first."""
    subject = _subject(credential)
    found = ["en"]
    for value in (credential.get("name"), subject.get("name"), _object(subject.get("achievement")).get("name")):
        for item in value if isinstance(value, list) else []:
            tag = item.get("@language") if isinstance(item, dict) else None
            if isinstance(tag, str) and tag.lower() not in (t.lower() for t in found):
                found.append(tag)
    return found


def reader_language(credential: dict, requested: str | None, accepted: Iterable[str]) -> str:
    """The credential language to show: an explicit ``?lang=``, else the browser's first match, else English."""
    available = languages_of(credential)
    for wanted in ([requested] if requested else []) + list(accepted):
        tag = match_language(wanted, available)
        if tag is not None:
            return tag
    return "en"


def credential_view(credential: dict, language: str = "en", tiers: TierTable | None = None) -> CredentialView:
    """The display model of a credential (signed or not) for a reader of ``language``."""
    subject = _subject(credential)
    achievement = _object(subject.get("achievement"))
    alignments = [a for a in achievement.get("alignment") or [] if isinstance(a, dict)]
    issuer = credential.get("issuer")
    issuer = issuer if isinstance(issuer, dict) else {"id": str(issuer or ""), "name": str(issuer or "")}
    return CredentialView(
        id=str(credential.get("id", "")),
        language=language,
        learner=text_in(subject.get("name"), language),
        learner_also=_other_versions(subject.get("name"), text_in(subject.get("name"), language)),
        achievement=text_in(achievement.get("name"), language) or Text("(unnamed achievement)"),
        description=text_in(achievement.get("description"), language),
        code=str(achievement.get("humanCode", "")),
        achievement_type=type_words(str(achievement.get("achievementType", ""))),
        criteria=str(_object(achievement.get("criteria")).get("narrative", "")),
        field_of_study=str(achievement.get("fieldOfStudy", "")),
        specialization=str(achievement.get("specialization", "")),
        tier=_tier(alignments, tiers),
        levels=_aligned(a for a in alignments if a.get("targetType") == LEVEL and not _is_tier(a)),
        fields=_aligned(a for a in alignments if a.get("targetType") in ("ext:ISCED-F", "ext:ISCO-08")),
        outcomes=_aligned(a for a in alignments if a.get("targetType") == "ext:LearningOutcome"),
        credits_earned=_number(subject.get("creditsEarned")),
        credits_available=_number(achievement.get("creditsAvailable")),
        credit_rule=next((str(a.get("targetName", "")) for a in alignments
                          if a.get("targetType") == "ext:CreditRule"), ""),
        hours=_number(achievement.get("notionalLearningHours")),
        result=_result(subject, achievement),
        valid_from=day(credential.get("validFrom")),
        valid_until=day(credential.get("validUntil")),
        issuer=text_in(issuer.get("name"), language) or Text(str(issuer.get("id", ""))),
        issuer_url=str(issuer.get("url", "")),
        issuer_id=str(issuer.get("id", "")),
    )


def status_of(*, revoked: bool, suspended: bool, valid_from: Day | None, valid_until: Day | None,
              today: date) -> Status:
    """The credential's standing in words, the worst first: revoked, suspended, expired, not yet valid."""
    if revoked:
        return Status("revoked", "Revoked", "The issuer has revoked this credential. It is no longer valid.")
    if suspended:
        return Status("suspended", "Suspended",
                      "The issuer has suspended this credential for now. It is not valid while suspended.")
    if valid_until is not None and date.fromisoformat(valid_until.iso) < today:
        return Status("expired", "Expired", f"This credential was valid until {valid_until}.")
    if valid_from is not None and date.fromisoformat(valid_from.iso) > today:
        return Status("pending", "Not yet valid", f"This credential becomes valid on {valid_from}.")
    return Status("valid", "Valid", "The issuer has not revoked or suspended this credential.")


def day(value: Any) -> Day | None:
    """A credential date-time (``2026-09-15T00:00:00+07:00``) as the calendar day it names."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return None if moment is None else long_date(moment.date())


def long_date(value: date) -> Day:
    """``15 September 2026``: unambiguous in every country, whatever the server's locale."""
    return Day(value.isoformat(), f"{value.day} {_MONTHS[value.month - 1]} {value.year}")


def _subject(credential: dict) -> dict:
    """The (first) credential subject."""
    subject = credential.get("credentialSubject")
    return _object(subject[0] if isinstance(subject, list) and subject else subject)


def _object(value: Any) -> dict:
    """``value`` if it is a JSON object, else an empty one (a shape the page can still show)."""
    return value if isinstance(value, dict) else {}


def _is_tier(alignment: dict) -> bool:
    return str(alignment.get("targetUrl", "")).startswith(TIER_URL)


def _tier(alignments: list[dict], tiers: TierTable | None) -> Tier | None:
    alignment = next((a for a in alignments if a.get("targetType") == LEVEL and _is_tier(a)), None)
    if alignment is None:
        return None
    placeholder = tiers.is_placeholder if tiers is not None else True
    notice = ("Illustrative placeholder tier: the Shenzhen Agreement Alliance has not yet published "
              "its official tier table." if placeholder else "")
    return Tier(str(alignment.get("targetCode", "")), str(alignment.get("targetName", "")), placeholder, notice)


def _aligned(alignments: Iterable[dict]) -> tuple[Alignment, ...]:
    return tuple(Alignment(str(a.get("targetCode", "")), str(a.get("targetName", "")),
                           str(a.get("targetFramework", "")), str(a.get("targetDescription", ""))) for a in alignments)


def _result(subject: dict, achievement: dict) -> str:
    results = [r for r in subject.get("result") or [] if isinstance(r, dict)]
    if not results:
        return ""
    first = results[0]
    scales = {d.get("id"): d for d in achievement.get("resultDescription") or [] if isinstance(d, dict)}
    scale = scales.get(first.get("resultDescription"), {})
    value = first.get("value") or first.get("status") or first.get("achievedLevel") or ""
    return f"{scale.get('name', 'Result')}: {value}"


def _number(value: Any) -> Any:
    """6.0 shows as 6; anything not a number shows as nothing."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(value) if float(value).is_integer() else value


def type_words(camel: str) -> str:
    """``MicroCredential`` -> ``Micro credential`` (Open Badges achievement types)."""
    out = "".join(f" {c.lower()}" if c.isupper() and i else c for i, c in enumerate(camel))
    return out[:1].upper() + out[1:]
