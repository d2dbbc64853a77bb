"""Sign-in, sign-out, the current user, and the role check every console route makes."""

from __future__ import annotations

import functools
from datetime import datetime, timedelta, timezone

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from .audit import record
from .db import get_session
from .models import User, utcnow

bp = Blueprint("auth", __name__, url_prefix="/console")

#: What each role may do; every console view names the permission it needs.
PERMISSIONS = {
    "view": {"admin", "registrar", "viewer"},
    "issue": {"admin", "registrar"},
    "administer": {"admin"},
}


@functools.cache
def _dummy_hash() -> str:
    """A hash to check against when the e-mail is unknown, so timing does not tell."""
    return generate_password_hash("no such user")


class LoginForm(FlaskForm):
    email = EmailField("E-mail", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])


def hash_password(password: str) -> str:
    return generate_password_hash(password)


@bp.app_context_processor
def inject_permissions() -> dict:
    return {"permissions": PERMISSIONS, "view_functions": current_app.view_functions}


@bp.before_app_request
def load_user() -> None:
    g.user = None
    user_id = session.get("uid")
    if user_id is not None:
        db = get_session()
        user = db.get(User, user_id, options=[joinedload(User.institution)])
        db.commit()  # end the read now: on SQLite every transaction holds the write lock
        if user is not None and user.active and session.get("pw") == user.password_hash[-16:]:
            g.user = user


def requires(permission: str):
    """Decorator: the view needs a signed-in user whose role grants ``permission``."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(**kwargs):
            if g.user is None:
                return redirect(url_for("auth.login", next=request.full_path))
            if g.user.role not in PERMISSIONS[permission]:
                abort(403)
            return view(**kwargs)

        return wrapped

    return decorator


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = _authenticate(form.email.data.strip().lower(), form.password.data)
        if user is not None:
            session.clear()
            session.permanent = True
            session["uid"], session["pw"] = user.id, user.password_hash[-16:]
            return redirect(_safe_next(request.args.get("next")))
    return render_template("login.html", form=form), 200 if request.method == "GET" else 401


def _authenticate(email: str, password: str) -> User | None:
    """The user, if the password is right and the account is not locked; throttles failures."""
    db = get_session()
    user = db.scalars(select(User).where(User.email == email)).first()
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password)
        flash("Wrong e-mail or password.", "error")
        return None
    now = utcnow()
    if user.locked_until is not None and _aware(user.locked_until) > now:
        flash("Too many failed sign-ins: this account is locked for a few minutes.", "error")
        return None
    if not check_password_hash(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + timedelta(seconds=current_app.config["LOGIN_LOCK_SECONDS"])
            user.failed_logins = 0
            record(db, user.institution_id, user.email, "user.locked", user.email)
        db.commit()
        flash("Wrong e-mail or password.", "error")
        return None
    user.failed_logins, user.locked_until = 0, None
    record(db, user.institution_id, user.email, "user.sign_in", user.email)
    db.commit()
    return user


def _aware(moment: datetime) -> datetime:
    """SQLite returns naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _safe_next(target: str | None) -> str:
    """Only same-site console paths are followed after sign-in (no open redirect)."""
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return url_for("console.dashboard")


@bp.post("/logout")
def logout():
    session.clear()
    flash("Signed out.", "info")
    return redirect(url_for("auth.login"))
