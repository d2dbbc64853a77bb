"""Issuing to a cohort from a CSV or XLSX file: upload, dry run, then issue with a progress bar.

Nothing is signed before the registrar has seen the dry run, and nothing can
be issued while any row has a problem. Issuing goes chunk by chunk (one
transaction each) from the page's script, or all at once without JavaScript.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from sqlalchemy.orm import defer
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import BooleanField, SelectField

from . import batch_mail
from .auth import requires
from .batch import COLUMNS, MAX_BYTES, CohortRules, FileRefused, template_csv
from .batch_issue import (CHUNK_SIZE, BatchStopped, count_rows_issued, issue_next_chunk, issue_remaining,
                          last_stop_reason, progress_of, review_file)
from .db import get_session
from .models import Achievement, BatchUpload
from .web import actor, current_institution, issuer_service

bp = Blueprint("batch", __name__, url_prefix="/console/batch")
MAX_PROBLEMS_SHOWN = 2000


class UploadForm(FlaskForm):
    achievement = SelectField("Achievement", coerce=int)
    file = FileField("Cohort file (CSV UTF-8 or XLSX, up to 20 MB)", validators=[FileRequired("Choose a file to upload.")])


class IssueForm(FlaskForm):
    notify = BooleanField("E-mail each graduate the link to their credential")


@bp.get("/")
@requires("issue")
def index():
    return _index_page(_upload_form())


@bp.get("/template/<code>.csv")
@requires("issue")
def template(code: str):
    achievement = _achievement(code=code)
    return current_app.response_class(template_csv(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="cohort-{achievement.code}.csv"'})


@bp.post("/review")
@requires("issue")
def review():
    form = _upload_form()
    if not form.validate_on_submit():
        return _index_page(form), 400
    achievement = _achievement(id=form.achievement.data)
    try:
        result = review_file(get_session(), current_institution(), achievement, _filename(form.file.data),
                             form.file.data.stream.read(MAX_BYTES + 1), actor=actor(), today=_today())
    except FileRefused as refused:
        flash(refused.message, "error")
        return _index_page(form), 422
    if result.upload is not None:
        return redirect(url_for("batch.show", upload_id=result.upload.id))
    return render_template("batch/review.html", review=result, achievement=achievement, form=form,
                           filename=_filename(form.file.data), max_shown=MAX_PROBLEMS_SHOWN), 422


@bp.get("/<int:upload_id>")
@requires("issue")
def show(upload_id: int):
    upload = _own_upload(upload_id)
    achievement = get_session().get(Achievement, upload.achievement_id)
    already = count_rows_issued(get_session(), current_institution(), achievement, upload)
    stop_reason = last_stop_reason(get_session(), upload) if upload.status == "stopped" else None
    return render_template("batch/show.html", upload=upload, achievement=achievement, progress=progress_of(upload),
                           already=already, stop_reason=stop_reason, form=IssueForm(),
                           mail_available=bool(current_app.config.get("SMTP_URL")))


@bp.post("/<int:upload_id>/chunk")
@requires("issue")
def issue_chunk(upload_id: int):
    upload = _own_upload(upload_id)
    try:
        progress = issue_next_chunk(issuer_service(), upload.id, actor=actor(), size=_chunk_size())
    except BatchStopped as stopped:
        return jsonify(error=stopped.message, **stopped.progress.to_json()), 409
    if (request.get_json(silent=True) or {}).get("notify"):
        _send_links(progress.new_ids)
    return jsonify(progress.to_json())


@bp.post("/<int:upload_id>/issue")
@requires("issue")
def issue_all(upload_id: int):
    upload, form, new_ids = _own_upload(upload_id), IssueForm(), []
    if not form.validate_on_submit():
        abort(400)
    try:
        progress = issue_remaining(issuer_service(), upload.id, actor=actor(), size=_chunk_size(),
                                   on_progress=lambda step: new_ids.extend(step.new_ids))
        flash(f"Done: {progress.text()}.", "success")
    except BatchStopped as stopped:
        flash(stopped.message, "error")
    if form.notify.data:
        _send_links(new_ids)
    return redirect(url_for("batch.show", upload_id=upload.id))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    # Raised while the CSRF check reads the form, before sign-in is loaded: the page needs no user.
    return render_template("batch/too_large.html"), 413


def _send_links(credential_ids) -> None:
    batch_mail.send_links_later(current_app._get_current_object(), credential_ids,
                                institution_name=current_institution().name)


def _index_page(form: UploadForm) -> str:
    db, institution = get_session(), current_institution()
    achievements = _achievements()
    # Row counts come from the database: a cohort's stored rows can be megabytes of JSON.
    uploads = db.execute(select(BatchUpload, func.json_array_length(BatchUpload.rows).label("learners"))
                         .options(defer(BatchUpload.rows)).where(BatchUpload.institution_id == institution.id)
                         .order_by(BatchUpload.id.desc()).limit(10)).all()
    codes = {achievement.id: achievement.code for achievement in achievements}
    return render_template("batch/index.html", form=form, columns=COLUMNS, uploads=uploads, codes=codes,
                           guides=[(achievement, CohortRules.of(achievement)) for achievement in achievements])


def _upload_form(**kwargs) -> UploadForm:
    form = UploadForm(**kwargs)
    form.achievement.choices = [(a.id, f"{a.code} — {_english(a.definition.get('name'))}") for a in _achievements()]
    return form


def _achievements() -> list[Achievement]:
    return list(get_session().scalars(select(Achievement).where(
        Achievement.institution_id == current_institution().id, Achievement.active.is_(True)).order_by(Achievement.code)))


def _achievement(**by) -> Achievement:
    """One of the signed-in institution's active achievements, else 404."""
    found = get_session().scalars(select(Achievement).filter_by(institution_id=current_institution().id, active=True, **by)).first()
    if found is None:
        abort(404)
    return found


def _own_upload(upload_id: int) -> BatchUpload:
    """An upload of the signed-in institution; another institution's is not found (404), not forbidden."""
    upload = get_session().get(BatchUpload, upload_id, options=[defer(BatchUpload.rows)])
    if upload is None or upload.institution_id != current_institution().id:
        abort(404)
    return upload


def _english(name) -> str:
    if isinstance(name, list):
        return next((value["@value"] for value in name if str(value.get("@language", "")).lower().startswith("en")), "")
    return str(name or "")


def _filename(file) -> str:
    """The uploaded file's own name, without any folder a browser may send (shown, never used as a path)."""
    return re.split(r"[\\/]", file.filename or "")[-1].strip()[:200] or "cohort file"


def _chunk_size() -> int:
    return int(current_app.config.get("BATCH_CHUNK_SIZE", CHUNK_SIZE))


def _today():
    return datetime.now(timezone.utc).date()
