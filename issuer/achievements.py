"""The institution's catalogue: the Open Badges Achievement definitions it awards.

The form builds the definition the profile asks for (docs/credential-profile.md):
names, criteria, occupational field codes, the Shenzhen Agreement tier (from
the framework data, which says the tier table is a placeholder), an optional
national level, credits, hours, learning outcomes and the result scale. Before
it is saved, a sample credential built from it is run through the profile
checker, so a definition that could not be issued is never stored.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from schemas.credential_view import credential_view, text_in

from .audit import record
from .auth import requires
from .catalogue import AchievementForm, build_definition, form_data, profile_problems
from .db import get_session
from .graduate import tier_table
from .models import Achievement, Credential
from .web import actor, current_institution

bp = Blueprint("achievements", __name__, url_prefix="/console/achievements")

def catalogue_entry(number: int) -> Achievement:
    """The signed-in institution's achievement ``number``; 404 for another institution's."""
    achievement = get_session().get(Achievement, number)
    if achievement is None or achievement.institution_id != current_institution().id:
        abort(404)
    return achievement


def code_taken(code: str) -> bool:
    """Whether the institution already has this code (in any letter case: the web address lowercases it)."""
    return get_session().scalar(select(func.count(Achievement.id)).where(
        Achievement.institution_id == current_institution().id, func.lower(Achievement.code) == code.lower())) > 0


def save(form: AchievementForm, achievement: Achievement | None) -> tuple[Achievement | None, list[str]]:
    """Build, check and store the definition; on problems, attach them to the form and store nothing."""
    code = achievement.code if achievement else form.code.data.strip()
    if achievement is None and code_taken(code):
        form.code.errors.append("The catalogue already has an achievement with this code.")
        return None, []
    old_scale = (achievement.definition.get("resultDescription") or [{}])[0] if achievement else {}
    definition, sources = build_definition(form, code, current_institution().slug, old_scale.get("id"))
    general = []
    for field_name, message in profile_problems(definition, sources, code):
        if field_name and field_name in form:
            form[field_name].errors.append(message)
        else:
            general.append(message)
    if form.errors or general:
        return None, general
    session = get_session()
    action = "achievement.update" if achievement else "achievement.create"
    if achievement is None:
        achievement = Achievement(institution_id=current_institution().id, code=code)
        session.add(achievement)
    achievement.tier, achievement.definition, achievement.active = form.tier.data, definition, form.active.data
    record(session, current_institution().id, actor(), action, definition["id"], {"code": code})
    try:
        session.commit()
    except IntegrityError:  # the same code added at the same moment by someone else
        session.rollback()
        form.code.errors.append("The catalogue already has an achievement with this code.")
        return None, []
    return achievement, []


def _form_page(form: AchievementForm, achievement: Achievement | None, problems: list[str]):
    status = 400 if request.method == "POST" else 200
    return render_template("achievements/form.html", form=form, achievement=achievement, problems=problems,
                           tiers=tier_table()), status


@bp.get("/")
@requires("view")
def index():
    """The catalogue: every achievement of the institution, by code."""
    achievements = get_session().scalars(select(Achievement).where(
        Achievement.institution_id == current_institution().id).order_by(Achievement.code)).all()
    tiers = tier_table()
    return render_template("achievements/index.html", achievements=achievements, tiers=tiers, text_in=text_in,
                           tier_titles={t.code: t.title for t in tiers.tiers})


@bp.route("/new", methods=["GET", "POST"])
@requires("issue")
def new():
    form = AchievementForm()
    problems: list[str] = []
    if form.validate_on_submit():
        achievement, problems = save(form, None)
        if achievement is not None:
            flash(f"{achievement.code} was added to the catalogue.", "success")
            return redirect(url_for(".show", number=achievement.id))
    return _form_page(form, None, problems)


@bp.route("/<int:number>/edit", methods=["GET", "POST"])
@requires("issue")
def edit(number: int):
    achievement = catalogue_entry(number)
    form = AchievementForm(data=form_data(achievement)) if request.method == "GET" else AchievementForm()
    del form.code  # the code is part of the achievement's id: it never changes
    problems: list[str] = []
    if form.validate_on_submit():
        saved, problems = save(form, achievement)
        if saved is not None:
            flash(f"{achievement.code} was updated. Credentials already issued keep the definition they were "
                  "issued with.", "success")
            return redirect(url_for(".show", number=achievement.id))
    return _form_page(form, achievement, problems)


@bp.get("/<int:number>")
@requires("view")
def show(number: int):
    """One achievement as a person reads it, with how many credentials award it."""
    achievement = catalogue_entry(number)
    view = credential_view({"credentialSubject": {"achievement": achievement.definition}}, "en", tier_table())
    issued = get_session().scalar(select(func.count(Credential.id)).where(Credential.achievement_id == achievement.id))
    return render_template("achievements/show.html", achievement=achievement, view=view, issued=issued,
                           scale=(achievement.definition.get("resultDescription") or [None])[0])
