"""Users of the institution: add, change role, deactivate or reactivate, reset password.

An institution always keeps at least one active administrator: the last one
can be neither demoted nor deactivated.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, make_response, redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Regexp

from .audit import record
from .auth import hash_password, requires
from .db import get_session
from .models import ROLES, User
from .web import actor, current_institution

bp = Blueprint("users", __name__, url_prefix="/console/users")

MIN_PASSWORD = 12
ROLE_LABELS = {"admin": "Administrator", "registrar": "Registrar", "viewer": "Viewer"}
ROLE_CHOICES = [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]
_PASSWORD = [DataRequired(), Length(min=MIN_PASSWORD, max=200, message=f"Use at least {MIN_PASSWORD} characters.")]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class AddUserForm(FlaskForm):
    email = EmailField("E-mail", filters=[_strip], validators=[
        DataRequired(), Length(max=254), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Enter an e-mail address.")])
    name = StringField("Name", filters=[_strip], validators=[DataRequired(), Length(max=200)])
    role = SelectField("Role", choices=ROLE_CHOICES, default="registrar")
    password = PasswordField("Initial password", validators=_PASSWORD,
                             description=f"At least {MIN_PASSWORD} characters; give it to the person by a safe channel.")


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)


class PasswordForm(FlaskForm):
    password = PasswordField("New password", validators=_PASSWORD)


class ActionForm(FlaskForm):
    """Only the CSRF token."""


@bp.get("/")
@requires("administer")
def index():
    return _page(AddUserForm(formdata=None))


@bp.post("/")
@requires("administer")
def add():
    form = AddUserForm()
    user = _create_user(form) if form.validate_on_submit() else None
    if user is None:
        return _page(form, status=400)
    flash(f"{user.name} ({user.email}) can now sign in as {user.role}.", "success")
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/role")
@requires("administer")
def change_role(user_id: int):
    form, user = RoleForm(), _user_or_404(user_id)
    if form.validate_on_submit() and form.role.data != user.role:
        if _last_admin(user, role=form.role.data, active=user.active):
            return _refuse_last_admin()
        record(get_session(), user.institution_id, actor(), "user.role", user.email, {"from": user.role, "to": form.role.data})
        user.role = form.role.data
        get_session().commit()
        flash(f"{user.name} is now {user.role}.", "success")
    return redirect(url_for("users.index"))


@bp.post("/<int:user_id>/deactivate")
@requires("administer")
def deactivate(user_id: int):
    ActionForm().validate_on_submit()  # CSRF is checked app-wide before this view
    user = _user_or_404(user_id)
    if _last_admin(user, role=user.role, active=False):
        return _refuse_last_admin()
    return _set_active(user, False)


@bp.post("/<int:user_id>/reactivate")
@requires("administer")
def reactivate(user_id: int):
    ActionForm().validate_on_submit()
    return _set_active(_user_or_404(user_id), True)


@bp.post("/<int:user_id>/password")
@requires("administer")
def reset_password(user_id: int):
    form, user = PasswordForm(), _user_or_404(user_id)
    if not form.validate_on_submit():
        flash(f"Password for {user.email} not changed: use at least {MIN_PASSWORD} characters.", "error")
        return redirect(url_for("users.index"))
    user.password_hash = hash_password(form.password.data)
    user.failed_logins, user.locked_until = 0, None
    record(get_session(), user.institution_id, actor(), "user.password_reset", user.email)
    get_session().commit()
    if user.id == g.user.id:  # keep the admin's own session valid
        session["pw"] = user.password_hash[-16:]
    flash(f"Password of {user.email} changed; their other sessions are signed out.", "success")
    return redirect(url_for("users.index"))


def _page(form: AddUserForm, *, status: int = 200):
    users = get_session().scalars(select(User).where(User.institution_id == current_institution().id)
                                  .order_by(User.email)).all()
    return make_response(render_template("users/index.html", users=users, form=form, role_labels=ROLE_LABELS,
                                         action_form=ActionForm(), min_password=MIN_PASSWORD), status)


def _user_or_404(user_id: int) -> User:
    """A user of the signed-in institution (another institution's is 404, as if absent)."""
    user = get_session().scalars(select(User).where(
        User.id == user_id, User.institution_id == current_institution().id)).first()
    if user is None:
        abort(404)
    return user


def _last_admin(user: User, *, role: str, active: bool) -> bool:
    """Whether the change would leave the institution without an active administrator."""
    if user.role != "admin" or not user.active or (role == "admin" and active):
        return False
    others = get_session().scalar(select(func.count(User.id)).where(
        User.institution_id == user.institution_id, User.role == "admin", User.active.is_(True), User.id != user.id))
    return not others


def _refuse_last_admin():
    flash("An institution needs at least one active administrator: make someone else an administrator first.", "error")
    return redirect(url_for("users.index"))


def _set_active(user: User, active: bool):
    if user.active != active:
        user.active = active
        user.failed_logins, user.locked_until = 0, None
        record(get_session(), user.institution_id, actor(), "user.reactivate" if active else "user.deactivate", user.email)
        get_session().commit()
        flash(f"{user.name} ({user.email}) can {'now' if active else 'no longer'} sign in.", "success")
    return redirect(url_for("users.index"))


def _create_user(form: AddUserForm) -> User | None:
    """Add the user the form describes, audited; None (with a form error) if the e-mail is taken."""
    db, institution = get_session(), current_institution()
    email = form.email.data.lower()
    user = User(institution_id=institution.id, email=email, name=form.name.data, role=form.role.data,
                password_hash=hash_password(form.password.data))
    if db.scalar(select(User.id).where(User.email == email)) is None:
        db.add(user)
        record(db, institution.id, actor(), "user.add", email, {"role": user.role})
        try:
            db.commit()
            return user
        except IntegrityError:  # a concurrent request took the e-mail
            db.rollback()
    form.email.errors.append("An account with this e-mail address already exists.")
    return None
