"""Issue one credential from a form: choose the achievement, fill in the learner,
read the preview, then sign.

Nothing is signed until the registrar has seen the credential as the graduate
will read it and pressed "Sign and issue"; the preview carries the values in
hidden fields and they are validated again before signing.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import DateField, SelectChoice, SelectField, StringField, ValidationError
from wtforms.validators import InputRequired, Length, Optional, Regexp

from .catalogue import LANGUAGE_CHOICES, Number
from .auth import requires
from .db import get_session
from schemas.credential_view import CredentialView, credential_view, text_in
from .graduate import stable_link, tier_table
from .identity import institution_did
from .keyring import active_key
from .keystore import KeystoreError
from .mail import MailError, send_credential_link
from .models import Achievement, Credential
from .service import IssuanceRefused, LearnerRecord
from .status import Allocation, status_entries
from .web import actor, current_institution, issuer_service, public_url

bp = Blueprint("issuing", __name__, url_prefix="/console/issue")

NO_KEY = "your institution has no active signing key yet; an administrator creates one under Keys & identity."
EMAIL = r"^[^@\s<>\"(),;:\[\]]+@[^@\s<>\"(),;:\[\]]+\.[^@\s<>\"(),;:\[\]]+$"


def _today() -> date:
    return datetime.now(timezone.utc).date()


class IssueForm(FlaskForm):
    student_id = StringField("Student number", [InputRequired("Enter the learner's student number."), Length(max=200)],
                             description="From your student records. A learner holds each achievement once.")
    name = StringField("Learner's name in English", [InputRequired("Enter the learner's name in English."),
                                                     Length(max=200)], description="As it should be printed.")
    local_name = StringField("Learner's name in another language (optional)", [Optional(), Length(max=200)])
    local_language = SelectField("Language of that name",
                                 choices=[SelectChoice("", "No other language")] + LANGUAGE_CHOICES)
    email = StringField("E-mail (optional)", [
        Optional(), Length(max=254), Regexp(EMAIL, message="Enter an e-mail address such as name@example.org.")],
        description="The graduate's link is sent here, if this server sends e-mail.")
    result = SelectField("Result", validate_choice=False)  # validate_result says which values are allowed
    credits = StringField("Credits earned", [InputRequired("Enter the credits earned."),
                                             Number(0, message="Enter a number of credits, zero or more.")])
    valid_from = DateField("Valid from", [InputRequired("Enter the date the credential starts to be valid.")],
                           default=_today)
    valid_until = DateField("Valid until (optional)", [Optional()],
                            description="Leave empty for a lifelong credential.")

    def __init__(self, achievement: Achievement, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scale = (achievement.definition.get("resultDescription") or [None])[0]
        self.available = achievement.definition.get("creditsAvailable", 0)
        if self.scale is None or not self.scale.get("allowedValue"):
            del self.result  # the achievement records no result
            return
        self.result.choices = [SelectChoice("", "Choose a result"), *map(SelectChoice, self.scale["allowedValue"])]
        required = self.scale.get("requiredValue")
        self.result.description = self.scale.get("name", "Result") + (f"; required: {required}" if required else "")

    def validate_result(self, field) -> None:
        if field.data not in self.scale["allowedValue"]:
            raise ValidationError(f"Choose one of the achievement's results: {', '.join(self.scale['allowedValue'])}.")

    def validate(self, extra_validators=None) -> bool:
        """The field checks, then the rule that ties the local name to its language."""
        valid = super().validate(extra_validators)
        if self.local_name.data and not self.local_language.data:
            self.local_language.errors.append("Choose the language of the name, or leave that name empty.")
        if self.local_language.data and not self.local_name.data:
            self.local_name.errors.append("Give the name in that language too, or choose no other language.")
        return valid and not self.errors

    def validate_credits(self, field) -> None:
        try:
            earned = float(field.data)
        except (TypeError, ValueError):
            return  # Number() has said it is not a number
        if earned > float(self.available):
            raise ValidationError(f"Cannot be more than the {self.available} credits the achievement makes available.")

    def validate_valid_until(self, field) -> None:
        if field.data is None:
            return
        if self.valid_from.data and field.data <= self.valid_from.data:
            raise ValidationError("Must be after the valid-from date.")
        if field.data <= _today():
            raise ValidationError("Must be in the future: an expired credential cannot be issued.")

    def learner(self) -> LearnerRecord:
        """What the registrar entered, as the issuance service takes it."""
        credits = float(self.credits.data)
        return LearnerRecord(
            student_id=self.student_id.data.strip(), name=self.name.data.strip(), valid_from=self.valid_from.data,
            email=(self.email.data or "").strip() or None, local_name=(self.local_name.data or "").strip() or None,
            local_language=self.local_language.data or None, result=self.result.data if "result" in self else None,
            credits_earned=int(credits) if credits.is_integer() else credits, valid_until=self.valid_until.data)


def offered(number: int) -> Achievement:
    """An active achievement of the signed-in institution; 404 otherwise."""
    achievement = get_session().get(Achievement, number)
    if achievement is None or achievement.institution_id != current_institution().id or not achievement.active:
        abort(404)
    return achievement


def on_offer() -> list[Achievement]:
    """The signed-in institution's active achievements, by code."""
    return list(get_session().scalars(select(Achievement).where(
        Achievement.institution_id == current_institution().id, Achievement.active.is_(True))
        .order_by(Achievement.code)))


def holder(achievement: Achievement, student_id: str) -> Credential | None:
    """The credential this learner already holds for ``achievement``, if any."""
    return get_session().scalars(select(Credential).where(
        Credential.institution_id == achievement.institution_id, Credential.achievement_id == achievement.id,
        Credential.row_key == student_id)).first()


def preview(achievement: Achievement, learner: LearnerRecord) -> tuple[CredentialView | None, list[str]]:
    """The credential as it will read, built and checked like the real one but not signed.

    :returns: the display model, and the problems that would stop issuance.
    """
    institution = current_institution()
    try:
        key = active_key(get_session(), institution)
    except LookupError:
        return None, [f"Cannot issue: {NO_KEY}"]
    placeholder = Allocation(0, 1, 0)  # real indexes are allocated only when signing
    unsigned = issuer_service().build(achievement, learner, institution_did(institution, public_url(), key),
                                      status_entries(public_url(), institution.slug, placeholder, placeholder))
    problems = [str(p) for p in current_app.extensions["skillpass_profile"].check(unsigned)]
    return credential_view(unsigned, "en", tier_table()), problems


def sign(achievement: Achievement, learner: LearnerRecord) -> tuple[Credential | None, list[str]]:
    """Sign, self-verify and record; problems in words instead of exceptions."""
    try:
        [row] = issuer_service().issue(achievement, [learner], actor=actor())
    except IssuanceRefused as refused:
        return None, [f"Not issued: {problem}" for problem in refused.problems]
    except LookupError:
        return None, [f"Not issued: {NO_KEY}"]
    except KeystoreError:
        return None, ["Not issued: the signing key could not be unlocked. Ask an administrator to check the keystore."]
    except IntegrityError:  # a unique constraint: most likely the same learner issued a moment ago
        get_session().rollback()
        if holder(achievement, learner.student_id) is not None:
            return None, [f"Not issued: student {learner.student_id} already holds this achievement."]
        return None, ["Not issued: the record could not be stored. Nothing was issued; please try again."]
    return row, []


def mail_link(row: Credential) -> None:
    """E-mail the graduate their link; a failure is a warning, never an undone issuance."""
    try:
        sent = send_credential_link(current_app.config, row, institution_name=current_institution().name,
                                    link=stable_link(row.link_token))
    except MailError as error:
        flash(f"The credential was issued, but the e-mail to the graduate was not sent ({error}). "
              "Give them their link from the credential's page.", "warning")
    else:
        if sent:
            flash("The graduate's link was sent to them by e-mail.", "info")


def _form_page(form: IssueForm, achievement: Achievement, problems=(), duplicate: Credential | None = None):
    for problem in problems:
        flash(problem, "error")
    status = 400 if problems or duplicate or form.errors else 200
    return render_template("issuing/form.html", form=form, achievement=achievement, duplicate=duplicate), status


@bp.route("/", defaults={"number": None})
@bp.route("/<int:number>", methods=["GET", "POST"])
@requires("issue")
def form(number: int | None):
    """Step 1 choose the achievement; step 2 the learner; step 3 the preview; then sign."""
    if number is None:
        return render_template("issuing/choose.html", achievements=on_offer(), text_in=text_in)
    achievement = offered(number)
    if request.method == "GET":
        defaults = {"credits": str(achievement.definition.get("creditsAvailable", ""))}
        return _form_page(IssueForm(achievement, data=defaults), achievement)
    entered = IssueForm(achievement)
    if request.form.get("step") == "change" or not entered.validate_on_submit():
        return _form_page(entered, achievement)
    learner = entered.learner()
    duplicate = holder(achievement, learner.student_id)
    if duplicate is not None:
        return _form_page(entered, achievement, duplicate=duplicate)
    view, problems = preview(achievement, learner)
    if problems or request.form.get("step") != "issue":
        return (_form_page(entered, achievement, problems) if problems else
                render_template("issuing/preview.html", form=entered, achievement=achievement, view=view))
    row, problems = sign(achievement, learner)
    if row is None:
        return _form_page(entered, achievement, problems)
    flash(f"Issued to {row.learner_name}.", "success")
    mail_link(row)
    return redirect(url_for("records.show", number=row.id))
