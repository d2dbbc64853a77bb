"""Catalogue entries as forms and as Open Badges Achievement definitions.

The form asks for what the profile needs (docs/credential-profile.md); the
functions here turn its answers into the definition — names, criteria,
occupational field codes, the Shenzhen Agreement tier, an optional national
level, credits, hours, learning outcomes and the result scale — and back, and
say which form field a profile problem belongs to. No views here.
"""

from __future__ import annotations

import math
import re
import uuid
from datetime import date

from flask import current_app
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField, ValidationError
from wtforms.validators import InputRequired, Length, Optional, Regexp

from schemas.credential_view import LANGUAGES, text_in, type_words

from .graduate import tier_table
from .models import Achievement
from .service import LearnerRecord
from .status import Allocation, status_entries
from .web import current_institution, issuer_service, public_url

CODE = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
FRAMEWORKS_URL = "https://skillspassport.org/frameworks"
#: Open Badges 3.0 achievement types that vocational credentials use.
ACHIEVEMENT_TYPES = ["Certificate", "Competency", "Course", "MicroCredential", "Diploma", "ApprenticeshipCertificate",
                     "Certification", "CertificateOfCompletion", "LearningProgram", "License", "Award", "Badge"]
RESULT_TYPES = ["LetterGrade", "PerformanceLevel", "Status", "Percent", "Result"]
LANGUAGE_CHOICES = [SelectChoice(tag, name) for tag, name in LANGUAGES.items() if tag != "en"]


class Number:
    """A text field holding a number (``6``, ``2.5``), ``minimum`` or more (or more than, if ``exclusive``)."""

    def __init__(self, minimum: float, *, exclusive: bool = False, message: str):
        self.minimum, self.exclusive, self.message = minimum, exclusive, message

    def __call__(self, form, field) -> None:
        try:
            value = float(field.data)
        except (TypeError, ValueError):
            raise ValidationError(self.message) from None
        if not math.isfinite(value) or value < self.minimum or (self.exclusive and value == self.minimum):
            raise ValidationError(self.message)


class AchievementForm(FlaskForm):
    code = StringField(
        "Code", [InputRequired("Enter the achievement's code."),
                 Regexp(CODE, message="Use letters, digits, dots, dashes or underscores (up to 64), e.g. NEV-HV-301.")],
        description="Your course or unit code (humanCode). It is part of the achievement's web address "
                    "and cannot change later.")
    name = StringField("Name in English", [InputRequired("Enter the name in English."), Length(max=200)])
    description = TextAreaField("Description in English",
                                [InputRequired("Enter a description in English."), Length(max=2000)])
    language = SelectField("Second language", choices=[SelectChoice("", "No second language")] + LANGUAGE_CHOICES,
                           description="Optional: the name and description in one more language.")
    local_name = StringField("Name in the second language", [Optional(), Length(max=200)])
    local_description = TextAreaField("Description in the second language", [Optional(), Length(max=2000)])
    achievement_type = SelectField("Kind of achievement",
                                   choices=[SelectChoice(t, type_words(t)) for t in ACHIEVEMENT_TYPES])
    criteria = TextAreaField("How it is assessed (criteria)",
                             [InputRequired("Say how the achievement is assessed."), Length(max=2000)])
    field_of_study = StringField("Field of study", [InputRequired("Enter the field of study."), Length(max=200)],
                                 description="The occupational field in words, e.g. Automotive engineering technology.")
    specialization = StringField("Specialisation (optional)", [Optional(), Length(max=200)])
    isced_code = StringField("ISCED-F 2013 field code", [
        InputRequired("Enter the ISCED-F code of the field."),
        Regexp(r"^[0-9]{2,4}$", message="Enter the 2- to 4-digit ISCED-F code, e.g. 0716.")])
    isced_name = StringField("ISCED-F field name",
                             [InputRequired("Enter the name of the ISCED-F field."), Length(max=200)],
                             description="e.g. Motor vehicles, ships and aircraft.")
    isco_code = StringField("ISCO-08 occupation code (optional)", [
        Optional(), Regexp(r"^[0-9]{1,4}$", message="Enter an ISCO-08 code of up to four digits, e.g. 7231.")])
    isco_name = StringField("ISCO-08 occupation name", [Optional(), Length(max=200)])
    tier = SelectField("Shenzhen Agreement tier")
    level = SelectField("National or reference framework level (optional)",
                        description="Your national qualifications framework level, or a reference framework's.")
    credits = StringField("Credits available", [InputRequired("Enter the credits available."),
                                                Number(0, message="Enter a number of credits, zero or more.")])
    hours = StringField("Notional learning hours", [
        InputRequired("Enter the notional learning hours."),
        Number(0, exclusive=True, message="Enter a number of hours greater than zero.")])
    outcomes = TextAreaField(
        "Learning outcomes", [InputRequired("Give at least one learning outcome.")],
        description="One per line: CODE | short name | statement. For example: "
                    "NEV-HV-301-LO1 | Isolate the HV system | De-energises and verifies …")
    result_name = StringField("Name of the result scale", [Optional(), Length(max=200)], default="Assessment grade")
    result_type = SelectField("Kind of result", choices=[SelectChoice(t, type_words(t)) for t in RESULT_TYPES])
    allowed_values = StringField(
        "Allowed results, lowest first (optional)", [Optional(), Length(max=500)],
        description="Separated by commas, e.g. D, C, B, A. Leave empty if results are not recorded.")
    required_value = StringField("Result required (optional)", [Optional(), Length(max=50)],
                                 description="One of the allowed results, e.g. C.")
    active = BooleanField("Offered for issuing", default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        tiers = tier_table()
        self.tier.choices = [SelectChoice(t.code, f"{t.code} {t.title}") for t in tiers.tiers]
        self.frameworks = current_app.extensions["skillpass_profile"].frameworks
        self.level.choices = [SelectChoice("", "No other framework level")] + level_choices(self.frameworks)

    def validate(self, extra_validators=None) -> bool:
        """The field checks, then the rules that tie two fields together."""
        valid = super().validate(extra_validators)
        if self.local_name.data and not self.language.data:
            self.language.errors.append("Choose the second language, or leave its name empty.")
        if self.language.data and not self.local_name.data:
            self.local_name.errors.append("Give the name in the second language too, or choose no second language.")
        if self.isco_code.data and not self.isco_name.data:
            self.isco_name.errors.append("Give the occupation's name with its ISCO-08 code.")
        return valid and not self.errors

    def validate_outcomes(self, field) -> None:
        parse_outcomes(field.data or "")

    def validate_required_value(self, field) -> None:
        if field.data and field.data.strip() not in split_values(self.allowed_values.data):
            raise ValidationError("Must be one of the allowed results.")


def split_values(text: str | None) -> list[str]:
    return [v.strip() for v in (text or "").split(",") if v.strip()]


def parse_outcomes(text: str) -> list[tuple[str, str, str]]:
    """``CODE | name | statement`` lines as tuples.

    :raises ValidationError: naming the line that is wrong.
    """
    outcomes = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|", 2)]
        if len(parts) != 3 or not all(parts):
            raise ValidationError(f"Line {number} needs three parts separated by |: code | short name | statement.")
        if not re.match(CODE, parts[0]):
            raise ValidationError(f"Line {number}: a code holds only letters, digits, dots, dashes or underscores.")
        if parts[0] in (o[0] for o in outcomes):
            raise ValidationError(f"Line {number}: the code {parts[0]} is used twice.")
        outcomes.append((parts[0], parts[1], parts[2]))
    if not outcomes:
        raise ValidationError("Give at least one learning outcome.")
    return outcomes


def level_choice(frameworks, value: str):
    """``(framework, level)`` for a ``framework-id:level`` choice, or None."""
    framework_id, _, code = value.partition(":")
    if framework_id == "shenzhen-agreement" or framework_id not in frameworks:
        return None
    framework = frameworks.get(framework_id)
    return (framework, framework.level(code)) if code in framework.level_codes else None


def level_choices(frameworks) -> list[SelectChoice]:
    """The national and reference levels (``framework-id:level``), grouped by framework."""
    return [SelectChoice(f"{f.id}:{level.code}", level.title if level.title.endswith(f"Level {level.code}")
                         else f"Level {level.code}: {level.title}", optgroup=f.short_name or f.name)
            for f in frameworks if f.id != "shenzhen-agreement" for level in f.levels]


def _number(text: str):
    value = float(text)
    return int(value) if value.is_integer() else value


def _texts(english: str, local: str | None, language: str | None):
    """Plain English text, or language value objects when there is a second language."""
    if not (local and language):
        return english.strip()
    return [{"@value": english.strip(), "@language": "en"}, {"@value": local.strip(), "@language": language}]


def _alignment(kind: str, code: str, name: str, url: str, framework: str, statement: str | None = None) -> dict:
    alignment = {"type": ["Alignment"], "targetType": kind, "targetFramework": framework, "targetCode": code,
                 "targetName": name, "targetUrl": url}
    if statement:
        alignment["targetDescription"] = statement
    return alignment


def _alignments(form: AchievementForm, code: str, achievement_id: str) -> list[tuple[dict, str]]:
    """The alignments of docs/credential-profile.md, each with the form field it came from."""
    tiers = tier_table()
    tier = tiers.tier(form.tier.data)
    note = " (illustrative placeholder)" if tiers.is_placeholder else ""
    per_credit = _number(str(tiers.credit.notional_hours_per_credit))
    level_kind = "ext:QualificationsFrameworkLevel"
    found = [(_alignment(level_kind, tier.code, f"{tier.code} {tier.title}",
                         f"{FRAMEWORKS_URL}/shenzhen-agreement/levels/{tier.code}",
                         f"Shenzhen Agreement learning-outcome tiers{note}"), "tier")]
    if form.level.data:
        framework, level = level_choice(form.frameworks, form.level.data)
        found.append((_alignment(level_kind, level.code, f"{framework.short_name or framework.name} level {level.code}",
                                 f"{FRAMEWORKS_URL}/{framework.id}/levels/{level.code}", framework.name), "level"))
    found.append((_alignment("ext:CreditRule", f"SA-credit-{per_credit}h",
                             f"SA credit: 1 credit = {per_credit} notional learning hours",
                             f"{FRAMEWORKS_URL}/shenzhen-agreement/credit", f"Shenzhen Agreement credit rule{note}"),
                  "credits"))
    isced = form.isced_code.data
    found.append((_alignment("ext:ISCED-F", isced, form.isced_name.data.strip(),
                             f"http://data.europa.eu/snb/isced-f/{isced}", "ISCED-F 2013"), "isced_code"))
    if form.isco_code.data:
        isco = form.isco_code.data
        found.append((_alignment("ext:ISCO-08", isco, form.isco_name.data.strip(),
                                 f"http://data.europa.eu/esco/isco/C{isco}", "ISCO-08"), "isco_code"))
    for outcome, name, statement in parse_outcomes(form.outcomes.data):
        fragment = re.sub(f"^{re.escape(code)}-", "", outcome, flags=re.IGNORECASE)  # NEV-HV-301-LO1 -> #LO1
        found.append((_alignment("ext:LearningOutcome", outcome, name, f"{achievement_id}#{fragment}",
                                 f"{code} learning outcomes", statement), "outcomes"))
    return found


def build_definition(form: AchievementForm, code: str, slug: str, result_id: str | None) -> tuple[dict, list[str]]:
    """The Achievement object the form describes, and which form field each of its alignments came from.

    :param result_id: the result description's id to keep (an edit), or None for a new one.
    """
    achievement_id = f"{public_url()}/institutions/{slug}/achievements/{code.lower()}"
    alignments = _alignments(form, code, achievement_id)
    definition = {
        "id": achievement_id,
        "type": ["Achievement"],
        "achievementType": form.achievement_type.data,
        "name": _texts(form.name.data, form.local_name.data, form.language.data),
        "description": _texts(form.description.data, form.local_description.data, form.language.data),
        "criteria": {"narrative": form.criteria.data.strip()},
        "fieldOfStudy": form.field_of_study.data.strip(),
    }
    if form.specialization.data:
        definition["specialization"] = form.specialization.data.strip()
    definition.update({"humanCode": code, "creditsAvailable": _number(form.credits.data),
                       "notionalLearningHours": _number(form.hours.data),
                       "alignment": [alignment for alignment, _ in alignments]})
    allowed = split_values(form.allowed_values.data)
    if allowed:
        scale = {"id": result_id or f"urn:uuid:{uuid.uuid4()}", "type": ["ResultDescription"],
                 "name": (form.result_name.data or "Assessment result").strip(),
                 "resultType": form.result_type.data, "allowedValue": allowed}
        if form.required_value.data:
            scale["requiredValue"] = form.required_value.data.strip()
        definition["resultDescription"] = [scale]
    return definition, [source for _, source in alignments]


#: Which form field a problem under ``credentialSubject.achievement.<key>`` belongs to.
_FIELD_OF = {"name": "name", "description": "description", "criteria": "criteria", "fieldOfStudy": "field_of_study",
             "specialization": "specialization", "humanCode": "code", "id": "code", "creditsAvailable": "credits",
             "notionalLearningHours": "hours", "resultDescription": "allowed_values",
             "achievementType": "achievement_type"}


def profile_problems(definition: dict, sources: list[str], code: str) -> list[tuple[str | None, str]]:
    """Build a sample credential from ``definition`` and check it against the profile.

    :returns: ``(form field or None, message in words)`` for each problem.
    """
    scale = (definition.get("resultDescription") or [{}])[0]
    sample = LearnerRecord("sample", "Sample Learner", date.today(),
                           result=scale.get("requiredValue") or (scale.get("allowedValue") or [None])[0])
    placeholder = Allocation(0, 1, 0)
    status = status_entries(public_url(), current_institution().slug, placeholder, placeholder)
    unsigned = issuer_service().build(Achievement(code=code, definition=definition), sample,
                                      "did:example:sample-issuer", status)
    found = []
    for problem in current_app.extensions["skillpass_profile"].check(unsigned):
        match = re.match(r"^credentialSubject\.achievement\.(\w+)(?:\[(\d+)\])?", problem.path)
        if match and match[1] == "alignment" and match[2] is not None and int(match[2]) < len(sources):
            found.append((sources[int(match[2])], problem.message))
        elif match:
            found.append((_FIELD_OF.get(match[1]), f"{match[1]}: {problem.message}"))
        else:
            found.append((None, str(problem)))
    return found


def _versions(value) -> tuple[str, str, str]:
    """``(English, other language, its text)`` of a text or language value objects."""
    if not isinstance(value, list):
        return str(value or ""), "", ""
    other = next((v for v in value if v.get("@language") != "en"), {})
    return str(text_in(value, "en") or ""), other.get("@language", ""), other.get("@value", "")


def form_data(achievement: Achievement) -> dict:
    """The form's values for an existing definition (the inverse of :func:`build_definition`)."""
    d = achievement.definition
    alignments = d.get("alignment", [])
    first = {a.get("targetType"): a for a in reversed(alignments)}
    isced, isco = first.get("ext:ISCED-F", {}), first.get("ext:ISCO-08", {})
    levels = [a["targetUrl"].split("/") for a in alignments if a.get("targetType") == "ext:QualificationsFrameworkLevel"
              and "/shenzhen-agreement/" not in a.get("targetUrl", "")]
    name, language, local_name = _versions(d.get("name"))
    description, _, local_description = _versions(d.get("description"))
    scale = (d.get("resultDescription") or [{}])[0]
    return {
        "name": name, "language": language, "local_name": local_name,
        "description": description, "local_description": local_description,
        "achievement_type": d.get("achievementType"), "criteria": (d.get("criteria") or {}).get("narrative", ""),
        "field_of_study": d.get("fieldOfStudy", ""), "specialization": d.get("specialization", ""),
        "isced_code": isced.get("targetCode", ""), "isced_name": isced.get("targetName", ""),
        "isco_code": isco.get("targetCode", ""), "isco_name": isco.get("targetName", ""),
        "tier": achievement.tier,
        "level": f"{levels[0][-3]}:{levels[0][-1]}" if levels else "",  # …/frameworks/<id>/levels/<code>
        "credits": str(d.get("creditsAvailable", "")), "hours": str(d.get("notionalLearningHours", "")),
        "outcomes": "\n".join(f"{a['targetCode']} | {a['targetName']} | {a.get('targetDescription', '')}"
                              for a in alignments if a.get("targetType") == "ext:LearningOutcome"),
        "result_name": scale.get("name", ""), "result_type": scale.get("resultType", "LetterGrade"),
        "allowed_values": ", ".join(scale.get("allowedValue", [])), "required_value": scale.get("requiredValue", ""),
        "active": achievement.active,
    }
