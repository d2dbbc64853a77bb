"""The console's home: what the signed-in registrar's institution has issued."""

from __future__ import annotations

from flask import Blueprint, g, render_template
from sqlalchemy import func, select

from .auth import requires
from .db import get_session
from .models import Achievement, Credential

bp = Blueprint("console", __name__, url_prefix="/console")


@bp.get("/")
@requires("view")
def dashboard():
    db = get_session()
    institution_id = g.user.institution_id
    issued = db.scalar(select(func.count(Credential.id)).where(Credential.institution_id == institution_id))
    revoked = db.scalar(select(func.count(Credential.id)).where(
        Credential.institution_id == institution_id, Credential.revoked.is_(True)))
    achievements = db.scalar(select(func.count(Achievement.id)).where(Achievement.institution_id == institution_id))
    recent = db.scalars(select(Credential).where(Credential.institution_id == institution_id)
                        .order_by(Credential.issued_at.desc(), Credential.id.desc()).limit(10)).all()
    return render_template("dashboard.html", issued=issued, revoked=revoked, achievements=achievements, recent=recent)
