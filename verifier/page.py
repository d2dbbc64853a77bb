"""The public verifier page: scan a credential's QR code, or paste or upload a credential, read the result.

``GET /`` shows the form; ``POST /verify`` (CSRF-protected) verifies and shows
the verdict first, then the checks, the issuer's registry standing, the
credential as a person reads it, and what it is worth in the reader's
framework.  A QR code arrives as the text the page's camera scanner read, as a
photo of it, or pasted (see :mod:`.page_qr`).  Nothing is stored: the result page carries the credential back in
its own "check again" form, so that changing the framework or the language
verifies it afresh.  Preferences (language, framework) are kept in cookies.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FileField, HiddenField, TextAreaField

from dataintegrity.errors import InputTooLarge, VCError
from dataintegrity.jsonio import parse_untrusted_json
from dataintegrity.results import Problem
from schemas.credential_view import CredentialView, credential_view, reader_language

from qr.errors import QrError

from . import i18n, page_qr
from .pipeline import VerificationResult
from .qr_input import QrCredential, looks_like_qr_text
from .recognition_result import Recognition
from .recognition_text import credits_phrase, number
from .service import RegistryUnavailable, VerificationService, is_presentation
from .trust_assessment import TrustAssessment
from .web import service

bp = Blueprint("page", __name__)


class VerifyForm(FlaskForm):
    scanned = HiddenField()  # the text of a QR code the page's camera scanner read
    photo = FileField(_l("Upload a photo of the QR code"))
    document = TextAreaField(_l("Paste the credential or presentation (JSON)"))
    file = FileField(_l("Or choose a file"))
    target = HiddenField()  # rendered as a select of frameworks and profiles, checked by target_of()


class InputProblem(Exception):
    """What is wrong with what was pasted or uploaded (shown above the form), and in which field."""

    def __init__(self, message: str, status: int = 400, field: str = "document"):
        super().__init__(message)
        self.message, self.status, self.field = message, status, field


@dataclass(frozen=True)
class CredentialReport:
    """One credential's part of the result page; what could not be worked out is None (the page says why)."""

    result: VerificationResult
    view: CredentialView | None
    standing: TrustAssessment | RegistryUnavailable | None
    recognition: Recognition | None


@bp.app_context_processor
def recognition_words() -> dict:
    return {"number": number, "credits_phrase": lambda conversion: credits_phrase(*conversion.credits, conversion.unit)}


@bp.get("/")
def index():
    """The form, with the remembered framework preselected."""
    form = VerifyForm(target=target_of(request.cookies.get(i18n.TARGET_COOKIE)))
    response = make_response(render_template("index.html", form=form, targets=target_groups()))
    return remember_choices(response, i18n.requested(request.args.get("lang")), None)


@bp.post("/verify")
def verify():
    """Verify what was pasted or uploaded and show the result (the form again, with the reason, if unusable)."""
    language = i18n.use_language(request.form.get("lang"))
    form = VerifyForm()
    target = target_of(form.target.data)
    try:
        text, document, read_from = read_input(form)
    except InputProblem as problem:
        if problem.status == 413:
            form.document.data = ""  # not sent back
        page = render_template("index.html", form=form, targets=target_groups(), problem=problem.message,
                               problem_field=problem.field)
        return page, problem.status
    result = service().verify(document)
    reports = credential_reports(service(), document, result, target, language)
    page = render_template("result.html", result=result, reports=reports, text=text, form=form, read_from=read_from,
                           target=target, targets=target_groups(), reason=first_problem(result))
    return remember_choices(make_response(page), i18n.requested(request.form.get("lang")), target)


@bp.get("/verify")
def verify_again():
    """A reload or a bookmark of a result: nothing was kept, so back to the form."""
    return redirect(url_for("page.index"))


def read_input(form: VerifyForm) -> tuple[str, object, QrCredential | None]:
    """The text to send back, the document, and how a QR code gave it (None for JSON).

    The first present of: the scanned QR text, the photo, the chosen file (a photo if it is an image),
    the pasted text (a QR code's text by its prefix, else JSON).

    :raises InputProblem: if there is nothing, or it is not a usable QR code or acceptable JSON (413 if too large).
    """
    upload = form.file.data if form.file.data and form.file.data.filename else None
    photo = form.photo.data if form.photo.data and form.photo.data.filename else None
    if photo is None and upload is not None and upload.mimetype.startswith("image/"):
        photo, upload = upload, None  # a photo chosen with the file button
    pasted = form.document.data or ""
    field = "scanned" if (form.scanned.data or "").strip() else "photo" if photo is not None else "document"
    try:
        read = (page_qr.from_text(form.scanned.data) if field == "scanned"
                else page_qr.from_photo(photo) if field == "photo"
                else page_qr.from_text(pasted) if upload is None and looks_like_qr_text(pasted) else None)
    except QrError as error:
        raise InputProblem(*page_qr.explain(error), field=field) from None
    if read is None:
        return *read_json(upload, pasted), None
    text, qr = read
    return text, qr.document, qr


def read_json(upload, pasted: str) -> tuple[str, object]:
    """The chosen file, else the pasted text, parsed as JSON within the size limit.

    :raises InputProblem: if there is nothing, or it is not acceptable JSON (413 if too large).
    """
    limit = current_app.config["VERIFIER_MAX_INPUT_BYTES"]
    data = upload.read(limit + 1) if upload is not None else pasted
    if not data.strip():
        raise InputProblem(gettext("Paste a credential or presentation, or choose a file."))
    try:
        document = parse_untrusted_json(data, max_bytes=limit)
    except InputTooLarge:
        message = gettext("This is larger than %(limit)s KB; a credential is a few kilobytes.", limit=limit // 1024)
        raise InputProblem(message, 413) from None
    except VCError as error:
        raise InputProblem(gettext("This is not JSON that can be checked: %(detail)s", detail=error.detail)) from None
    return (data.decode("utf-8-sig") if isinstance(data, bytes) else data), document


def credential_reports(service: VerificationService, document: object, result: VerificationResult,
                       target: str | None, language: str) -> list[CredentialReport]:
    """A report for the credential, or for each credential of a presentation."""
    if not is_presentation(document):
        return [credential_report(service, document, result, target, language)]
    embedded = document.get("verifiableCredential", [])
    embedded = embedded if isinstance(embedded, list) else [embedded]
    return [credential_report(service, credential, credential_result, target, language)
            for credential, credential_result in zip(embedded, result.credentials)]


def credential_report(service: VerificationService, credential: object, result: VerificationResult,
                      target: str | None, language: str) -> CredentialReport:
    """Registry standing only once the signature is the issuer's; recognition only for a verified credential."""
    if not isinstance(credential, dict) or not result.checks[0].ok:
        return CredentialReport(result, None, None, None)
    signed_by_issuer = {"proof", "key"} <= {check.name for check in result.checks if check.ok}
    return CredentialReport(
        result=result,
        view=readable(credential, reader_language(credential, language, request.accept_languages.values()),
                      service),
        standing=service.standing(result) if signed_by_issuer else None,
        recognition=service.recognition(credential, target) if result.verified else None,
    )


def readable(credential: dict, language: str, service: VerificationService) -> CredentialView | None:
    """The credential as a person reads it; None for a shape the display model cannot show."""
    try:
        return credential_view(credential, language, service.frameworks.shenzhen_tiers())
    except (TypeError, AttributeError, ValueError):  # e.g. "alignment": 5 in a credential without the profile
        return None


def first_problem(result: VerificationResult) -> tuple[Problem | None, int | None]:
    """The reason for the verdict: the first error (else warning), and which credential (1-based) it is in.

    A presentation's ``credentials`` check only says that a credential failed: the reason is that credential's.
    """
    for attribute in ("problems", "warnings"):
        for check in result.checks:
            listed = getattr(check, attribute)
            if listed and check.name == "credentials":
                return next(((getattr(c, attribute)[0], index) for index, c in enumerate(result.credentials, 1)
                             if getattr(c, attribute)), (listed[0], None))
            if listed:
                return listed[0], None
        for index, credential in enumerate(result.credentials, 1):  # a credential's warning, if nothing else
            if getattr(credential, attribute):
                return getattr(credential, attribute)[0], index
    return None, None


def target_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """The select's option groups: receiving frameworks, then institutions' recognition profiles."""
    frameworks = [(f"framework:{f.id}", f"{f.short_name} — {f.name}" if f.short_name else f.name)
                  for f in service().receiving_frameworks()]
    profiles = [(f"profile:{p.id}", p.name) for p in service().profiles.values()]
    return [(gettext("Qualifications frameworks"), frameworks), (gettext("Institutions' recognition profiles"), profiles)]


def target_of(value: str | None) -> str | None:
    """``value`` if it names one of the select's options."""
    return value if any(value == key for _, options in target_groups() for key, _ in options) else None


def remember_choices(response, language: str | None, target: str | None):
    if language:
        i18n.remember(response, i18n.LANGUAGE_COOKIE, language)
    if target:
        i18n.remember(response, i18n.TARGET_COOKIE, target)
    return response
