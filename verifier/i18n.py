"""The page's languages (Flask-Babel) and plain words for the codes a result carries.

The page is in English and Simplified Chinese.  Its language is the one chosen
with the switch (remembered in a cookie), else the browser's
``Accept-Language``, else English.  Details that come from the verification
core (a problem's detail, a recognition basis) stay in English and are marked
``lang="en"``; the words around them are translated here.

Translations live in ``verifier/translations/<locale>/LC_MESSAGES/messages.po``,
with the compiled ``messages.mo`` committed beside it (so an installed package
and a fresh checkout need no build step).  After changing UI text::

    pybabel extract -F babel.cfg -k _l -o verifier/translations/messages.pot .
    pybabel update -i verifier/translations/messages.pot -d verifier/translations
    # translate the new entries, then
    pybabel compile -d verifier/translations

``tests/verifier_web/test_translations.py`` fails while a string is
untranslated or a ``.mo`` file is older than its ``.po``.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import Babel, refresh
from flask_babel import lazy_gettext as _l

from dataintegrity import errors
from schemas.credential_view import match_language

from . import trust_assessment

UI_LANGUAGES = {"en": "English", "zh-Hans": "简体中文"}
BABEL_LOCALES = {"en": "en", "zh-Hans": "zh_Hans"}
LANGUAGE_COOKIE = "skillpass_lang"
TARGET_COOKIE = "skillpass_target"
COOKIE_SECONDS = 365 * 24 * 3600


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=lambda: BABEL_LOCALES[ui_language()])
    app.context_processor(_template_words)


def _template_words() -> dict:
    return {"ui_language": ui_language(), "ui_languages": UI_LANGUAGES, "verdict_word": VERDICTS.get,
            "check_name": check_name, "problem_title": problem_title, "standing_words": STANDINGS.get,
            "step_kind": lambda kind: STEP_KINDS.get(kind, kind), "data_status": data_status,
            "about_standing": lambda problem: problem.type.rpartition("#")[2] in STANDINGS}


def ui_language() -> str:
    """The page's language tag for this request (``en`` or ``zh-Hans``)."""
    if "ui_language" not in g:
        g.ui_language = _choose(request.args.get("lang"))
    return g.ui_language


def use_language(requested: str | None) -> str:
    """Switch this request to ``requested`` if it is one of ours (a form's ``lang`` button)."""
    g.ui_language = _choose(requested)
    refresh()
    return g.ui_language


def requested(value: str | None) -> str | None:
    """``value`` if it names one of the page's languages."""
    return value if value in UI_LANGUAGES else None


def _choose(explicit: str | None) -> str:
    for candidate in (explicit, request.cookies.get(LANGUAGE_COOKIE)):
        if candidate in UI_LANGUAGES:
            return candidate
    for wanted in request.accept_languages.values():
        tag = match_language(wanted, UI_LANGUAGES)
        if tag is not None:
            return tag
    return "en"


def remember(response, name: str, value: str) -> None:
    """A preference cookie: a year, first-party (``SameSite=Lax``), not for scripts; no personal data."""
    response.set_cookie(name, value, max_age=COOKIE_SECONDS, samesite="Lax", httponly=True,
                        secure=current_app.config["SESSION_COOKIE_SECURE"])


VERDICTS = {
    "verified": _l("VERIFIED"),
    "verified-with-warnings": _l("VERIFIED WITH WARNINGS"),
    "not-verified": _l("NOT VERIFIED"),
}
CHECK_NAMES = {
    "structure": _l("Format and vocabulary"),
    "proof": _l("Digital signature"),
    "key": _l("Signing key belongs to the issuer"),
    "schema": _l("Skills Passport credential profile"),
    "validity": _l("Validity period"),
    "status": _l("Revocation and suspension"),
    "credentials": _l("Credentials in the presentation"),
    "challenge": _l("Protection against replay"),
    "trust": _l("Issuer's standing in the alliance registry"),
    "recognition": _l("Recognition"),
}
#: Titles the core uses under a general problem type, translated by their words.
TITLES = {
    "Not checked": _l("Not checked"),
    "Credential not verified": _l("A credential in it did not verify"),
    "No challenge bound": _l("No challenge was bound"),
    "Presentation not signed": _l("The presentation is not signed"),
}
#: A presentation's own checks, where their words differ.
PRESENTATION_CHECK_NAMES = {
    "proof": _l("Digital signature of the presentation"),
    "key": _l("Signing key belongs to the holder"),
}
PROBLEM_TITLES = {
    errors.PROOF_VERIFICATION_ERROR: _l("The signature does not match: the content was changed after signing, "
                                        "or it was signed with another key"),
    errors.MALFORMED_PROOF_ERROR: _l("The signature is missing or malformed"),
    errors.PROOF_TRANSFORMATION_ERROR: _l("The signed content could not be prepared for checking"),
    errors.INVALID_VERIFICATION_METHOD: _l("The signing key does not belong to the issuer"),
    errors.INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID: _l("The signing key does not belong to the issuer"),
    errors.MISMATCHED_PROOF_PURPOSE_ERROR: _l("The signature was made for another purpose"),
    errors.INVALID_CHALLENGE_ERROR: _l("The presentation was not made for this challenge"),
    errors.INVALID_DOMAIN_ERROR: _l("The presentation was not made for this domain"),
    errors.PROOF_EXPIRED_ERROR: _l("The signature has expired"),
    errors.MALFORMED_CREDENTIAL: _l("This is not a well-formed credential"),
    errors.UNKNOWN_CONTEXT: _l("It uses a vocabulary (@context) this verifier does not know"),
    errors.UNDEFINED_TERM: _l("It contains properties that its vocabulary does not define"),
    errors.INVALID_CONTEXT_ORDER: _l("Its @context is missing or in the wrong order"),
    errors.NOT_YET_VALID: _l("It is not valid yet"),
    errors.EXPIRED: _l("It has expired"),
    errors.UNSUPPORTED_CRYPTOSUITE: _l("It is signed with a method this verifier does not accept"),
    errors.INPUT_TOO_LARGE: _l("It is too large"),
    errors.SCHEMA_VIOLATION: _l("It does not follow the Skills Passport credential profile"),
    # The issuer's standing (verifier/trust_assessment.py), a warning unless recognised within scope.
    errors.SP + "NOT_LISTED": _l("The issuer is not listed in the alliance registry (the signature may still be valid)"),
    errors.SP + "RECOGNISED_OUT_OF_SCOPE": _l("The issuer is a recognised member, but this is outside its registered scope"),
    errors.SP + "RECOGNISED_SCOPE_UNKNOWN": _l("The issuer is a recognised member; its scope could not be checked"),
    errors.SP + "MEMBER_SUSPENDED": _l("The issuer's alliance membership is suspended"),
    errors.SP + "MEMBER_WITHDRAWN": _l("The issuer has withdrawn from the alliance"),
    # Status and DID resolution codes (verifier/reasons.py), by their stable URLs.
    errors.SP + "REVOKED": _l("The issuer has revoked it"),
    errors.SP + "SUSPENDED": _l("The issuer has suspended it"),
    errors.SP + "STATUS_UNKNOWN": _l("Its revocation status could not be checked"),
    errors.SP + "STATUS_NOT_CHECKED": _l("Its status entry is of a kind this verifier does not check"),
    errors.SP + "DID_NOT_RESOLVED": _l("The issuer's identifier (DID) could not be resolved"),
    errors.SP + "DID_DOCUMENT_INVALID": _l("The issuer's DID document is not valid"),
    errors.SP + "DID_DOCUMENT_STALE": _l("An older copy of the issuer's DID document was used"),
}
#: Trust registry outcomes: the headline and its tone (good, warn, bad).
STANDINGS = {
    trust_assessment.RECOGNISED_IN_SCOPE: (_l("Recognised alliance member, within its registered scope"), "good"),
    trust_assessment.RECOGNISED_OUT_OF_SCOPE: (_l("Recognised alliance member, but outside its registered scope"), "warn"),
    trust_assessment.RECOGNISED_SCOPE_UNKNOWN: (_l("Recognised alliance member; scope not checked"), "warn"),
    trust_assessment.MEMBER_SUSPENDED: (_l("Listed, but its membership is suspended"), "bad"),
    trust_assessment.MEMBER_WITHDRAWN: (_l("Listed, but it has withdrawn from the alliance"), "bad"),
    trust_assessment.NOT_LISTED: (_l("Not listed in the alliance registry (the signature may still be valid)"), "warn"),
}
STEP_KINDS = {
    "tier": _l("Shenzhen Agreement tier"),
    "aqrf": _l("ASEAN Qualifications Reference Framework level"),
    "referencing": _l("Level in the receiving framework"),
}
DATA_STATUSES = {
    "illustrative": _l("illustrative"),
    "official": _l("official"),
    "endorsed": _l("endorsed"),
    "verified": _l("verified"),
    "not_confirmed": _l("not confirmed"),
    "placeholder": _l("placeholder"),
    "derived": _l("derived from the framework data"),
    "institutional": _l("institutional rule"),
    "exempted": _l("exempted"),
    "credit-transferred": _l("credit transferred"),
    "partly covered": _l("partly covered"),
    "agrees": _l("agrees"),
    "one-of-ambiguous": _l("one of the levels the referencing gives"),
    "differs": _l("differs from the referencing"),
    "not-compared": _l("not compared"),
}


def check_name(name: str, kind: str = "credential"):
    """A check's name in plain words (an unknown check keeps its own name)."""
    if kind == "presentation" and name in PRESENTATION_CHECK_NAMES:
        return PRESENTATION_CHECK_NAMES[name]
    return CHECK_NAMES.get(name, name)


def problem_title(problem) -> object:
    """The problem's title in plain words in the page's language (its detail stays as written)."""
    return TITLES.get(problem.title) or PROBLEM_TITLES.get(problem.type, problem.title)


def data_status(value: str | None) -> object:
    return DATA_STATUSES.get(value or "", (value or "").replace("_", " "))
