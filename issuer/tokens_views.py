"""API tokens: create, list and revoke the bearer tokens of the VC-API issue endpoint.

A new token is shown once, on the page that answers its creation; only its
SHA-256 and a short prefix (to tell tokens apart) are stored.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from .api import hash_token, new_token
from .audit import record
from .auth import requires
from .db import get_session
from .models import ApiToken, utcnow
from .web import actor, current_institution

bp = Blueprint("tokens", __name__, url_prefix="/console/tokens")

#: How much of a token is kept to tell tokens apart: "sp_" and 8 characters.
PREFIX_LENGTH = 11


class TokenForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=100)],
                       description="Who or what uses it, e.g. “student records system”.")


class RevokeForm(FlaskForm):
    """Only the CSRF token."""


@bp.get("/")
@requires("administer")
def index():
    return _page(TokenForm())


@bp.post("/")
@requires("administer")
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    secret = new_token()
    db, institution = get_session(), current_institution()
    token = ApiToken(institution_id=institution.id, name=form.name.data.strip(), token_hash=hash_token(secret),
                     prefix=secret[:PREFIX_LENGTH])
    db.add(token)
    record(db, institution.id, actor(), "token.create", token.name, {"prefix": token.prefix})
    db.commit()
    response = _page(TokenForm(formdata=None), new_token=secret, new_name=token.name)
    response.headers["Cache-Control"] = "no-store"  # the only time the token is shown
    return response


@bp.post("/<int:token_id>/revoke")
@requires("administer")
def revoke(token_id: int):
    RevokeForm().validate_on_submit()  # CSRF is checked app-wide before this view
    db, token = get_session(), _token_or_404(token_id)
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        record(db, token.institution_id, actor(), "token.revoke", token.name, {"prefix": token.prefix})
        db.commit()
        flash(f"Token “{token.name}” ({token.prefix}…) is revoked: clients using it are refused from now on.", "success")
    return redirect(url_for("tokens.index"))


def _page(form: TokenForm, *, status: int = 200, **extra):
    tokens = get_session().scalars(select(ApiToken).where(ApiToken.institution_id == current_institution().id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())).all()
    return make_response(render_template("tokens/index.html", tokens=tokens, form=form, revoke_form=RevokeForm(), **extra), status)


def _token_or_404(token_id: int) -> ApiToken:
    """A token of the signed-in institution (another institution's is 404, as if absent)."""
    token = get_session().scalars(select(ApiToken).where(
        ApiToken.id == token_id, ApiToken.institution_id == current_institution().id)).first()
    if token is None:
        abort(404)
    return token
