"""Credential records: find a credential, read it, download it, revoke or suspend it.

Every query is scoped to the signed-in user's institution: another
institution's credential is a 404, never a 403, so its existence is not told.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from sqlalchemy import Select, func, or_, select
from wtforms import BooleanField, DateField, SearchField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from .auth import PERMISSIONS, requires
from .db import get_session
from schemas.credential_view import credential_view
from .graduate import credential_file, current_status, stable_link, tier_table
from .models import Achievement, AuditEvent, Credential
from .revocation import StatusChangeRefused, change_status
from .web import actor, current_institution

bp = Blueprint("records", __name__, url_prefix="/console/credentials")

PAGE_SIZE = 50
DONE = {"revoke": "The credential is revoked.", "suspend": "The credential is suspended.",
        "unsuspend": "The credential is no longer suspended."}
HISTORY = {"credential.issue": "Issued", "credential.revoke": "Revoked", "credential.suspend": "Suspended",
           "credential.unsuspend": "Suspension lifted"}


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = SearchField("Search", [Optional(), Length(max=200)],
                    description="A learner's name, student number or credential id.")
    achievement = SelectField("Achievement", default="")
    status = SelectField("Status", default="", choices=[
        SelectChoice("", "Any status"), SelectChoice("valid", "Valid"), SelectChoice("suspended", "Suspended"),
        SelectChoice("revoked", "Revoked")])
    issued_from = DateField("Issued on or after", [Optional()])
    issued_to = DateField("Issued on or before", [Optional()])


class ReasonForm(FlaskForm):
    """Suspend or unsuspend. CSRF is checked app-wide by CSRFProtect, and by the form's own token field too."""

    reason = TextAreaField("Reason", [DataRequired("Give a reason: it is kept in the audit log."), Length(max=500)],
                           filters=[lambda text: text.strip() if text else text],
                           description="Kept in the audit log; never shown to the graduate.")


class RevokeForm(ReasonForm):
    confirm = BooleanField("I understand revocation cannot be undone",
                           [DataRequired(message="Tick the box to confirm: revocation cannot be undone.")])


@dataclass(frozen=True)
class Page:
    rows: list[Credential]
    number: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def like(text: str) -> str:
    """``%text%`` for LIKE, with the user's own ``%`` and ``_`` taken literally."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(institution_id: int, form: SearchForm) -> Select:
    """The institution's credentials that match the form's valid filters (invalid ones are left out)."""
    query = select(Credential).where(Credential.institution_id == institution_id)
    value = {field.name: (None if field.errors else field.data) for field in form}
    if value["q"] and value["q"].strip():
        pattern = like(value["q"].strip())
        query = query.where(or_(*(column.ilike(pattern, escape="\\") for column in
                                  (Credential.learner_name, Credential.row_key, Credential.credential_id))))
    if value["achievement"]:
        query = query.where(Credential.achievement_id == int(value["achievement"]))
    if value["status"] == "valid":
        query = query.where(Credential.revoked.is_(False), Credential.suspended.is_(False))
    elif value["status"] == "suspended":
        query = query.where(Credential.revoked.is_(False), Credential.suspended.is_(True))
    elif value["status"] == "revoked":
        query = query.where(Credential.revoked.is_(True))
    if value["issued_from"]:
        query = query.where(Credential.issued_at >= _midnight(value["issued_from"]))
    if value["issued_to"]:
        query = query.where(Credential.issued_at < _midnight(value["issued_to"] + timedelta(days=1)))
    return query


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc)


def page_of(query: Select, number: int) -> Page:
    """One page of ``query``, newest first (a page past the end is the last page)."""
    session = get_session()
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = max(1, min(number, -(-total // PAGE_SIZE)))
    rows = session.scalars(query.order_by(Credential.issued_at.desc(), Credential.id.desc())
                           .offset((number - 1) * PAGE_SIZE).limit(PAGE_SIZE)).all()
    return Page(list(rows), number, total)


def owned_credential(number: int) -> Credential:
    """The signed-in institution's credential ``number``; 404 for any other."""
    row = get_session().get(Credential, number)
    if row is None or row.institution_id != current_institution().id:
        abort(404)
    return row


def history(row: Credential) -> list[AuditEvent]:
    """The credential's events from the audit log, oldest first."""
    return list(get_session().scalars(select(AuditEvent).where(
        AuditEvent.institution_id == row.institution_id, AuditEvent.target == row.credential_id)
        .order_by(AuditEvent.created_at, AuditEvent.id)))


def status_forms(row: Credential) -> dict[str, ReasonForm]:
    """The empty status-change forms that apply to ``row`` now, for a user allowed to change it."""
    if row.revoked or g.user.role not in PERMISSIONS["issue"]:
        return {}
    first = "unsuspend" if row.suspended else "suspend"
    return {first: ReasonForm(formdata=None, prefix=first), "revoke": RevokeForm(formdata=None, prefix="revoke")}


def _show_page(row: Credential, forms: dict[str, ReasonForm], status: int = 200):
    view = credential_view(json.loads(row.document), "en", tier_table())
    return render_template("records/show.html", row=row, view=view, standing=current_status(row, view),
                           history=history(row), link=stable_link(row.link_token), forms=forms, labels=HISTORY), status


@bp.get("/")
@requires("view")
def index():
    """The institution's credentials: search, filters, 50 a page, newest first."""
    form = SearchForm(formdata=request.args)
    achievements = get_session().scalars(select(Achievement).where(
        Achievement.institution_id == current_institution().id).order_by(Achievement.code)).all()
    form.achievement.choices = [SelectChoice("", "Any achievement"),
                                *(SelectChoice(str(a.id), a.code) for a in achievements)]
    form.validate()
    page = page_of(search(current_institution().id, form), request.args.get("page", 1, type=int))
    # Only the form's own fields go back into url_for (never "_external", "_scheme"…).
    arguments = {field.name: request.args[field.name] for field in form if request.args.get(field.name)}
    return render_template("records/index.html", form=form, page=page, arguments=arguments)


@bp.get("/<int:number>")
@requires("view")
def show(number: int):
    """A credential as a person reads it, its status and history, and what can be done with it."""
    row = owned_credential(number)
    return _show_page(row, status_forms(row))


@bp.get("/<int:number>/credential.json")
@requires("view")
def download(number: int):
    return credential_file(owned_credential(number))


@bp.post("/<int:number>/<any(revoke, suspend, unsuspend):action>")
@requires("issue")
def change(number: int, action: str):
    """Revoke, suspend or unsuspend with a reason (revocation also needs its confirmation)."""
    row = owned_credential(number)
    form = (RevokeForm if action == "revoke" else ReasonForm)(prefix=action)
    if not form.validate_on_submit():
        return _show_page(row, {**status_forms(row), action: form}, 400)
    try:
        change_status(get_session(), row, action, form.reason.data, actor())
    except (StatusChangeRefused, ValueError) as refused:
        get_session().rollback()
        flash(f"Not changed: {refused}.", "error")
        return _show_page(row, status_forms(row), 409)
    flash(DONE[action], "success")
    return redirect(url_for(".show", number=number))
