"""The institution's audit log: newest first, filtered by action and date, paged,
and exported as CSV or JSON Lines.

Exported CSV cells that a spreadsheet would run as a formula (starting with
``= + - @``, tab or carriage return) are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterator, Mapping

from flask import Blueprint, Response, render_template, request, stream_with_context, url_for
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import Session

from .audit import record
from .auth import requires
from .db import get_session
from .models import AuditEvent
from .web import actor, current_institution

bp = Blueprint("audit", __name__, url_prefix="/console/audit")

PAGE_SIZE = 50
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ("time", "actor", "action", "target", "detail")
EXPORTS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/jsonl; charset=utf-8"}


@dataclass(frozen=True)
class AuditFilter:
    """What the reader asked to see: one action, and a range of days (UTC, both ends included)."""

    action: str | None = None
    since: date | None = None
    until: date | None = None

    def query(self, institution_id: int) -> Select:
        """The institution's events that match, newest first."""
        query = select(AuditEvent).where(AuditEvent.institution_id == institution_id)
        if self.action:
            query = query.where(AuditEvent.action == self.action)
        if self.since:
            query = query.where(AuditEvent.created_at >= datetime.combine(self.since, time(0), timezone.utc))
        if self.until:
            query = query.where(AuditEvent.created_at < datetime.combine(self.until + timedelta(days=1), time(0), timezone.utc))
        return query.order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())

    def args(self) -> dict[str, str]:
        """The filter as query-string arguments (for links that keep it)."""
        values = {"action": self.action, "since": self.since, "until": self.until}
        return {key: str(value) for key, value in values.items() if value}


def parse_filter(args: Mapping[str, str]) -> tuple[AuditFilter, list[str]]:
    """The filter in ``args``; a value that does not parse is left out and explained."""
    problems, days = [], {}
    for name, label in (("since", "From"), ("until", "To")):
        text = (args.get(name) or "").strip()
        try:
            days[name] = date.fromisoformat(text) if text else None
        except ValueError:
            days[name] = None
            problems.append(f"“{label}” must be a date such as 2026-09-15; it was ignored.")
    action = (args.get("action") or "").strip()[:64] or None
    return AuditFilter(action=action, since=days["since"], until=days["until"]), problems


@bp.get("/")
@requires("administer")
def index():
    db, institution = get_session(), current_institution()
    selected, problems = parse_filter(request.args)
    query = selected.query(institution.id)
    total = db.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    events = db.scalars(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.institution_id == institution.id)
                         .distinct().order_by(AuditEvent.action)).all()
    return render_template("audit/index.html", events=events, selected=selected, problems=problems, actions=actions,
                           page=page, pages=pages, total=total, page_url=lambda n: url_for("audit.index", page=n, **selected.args()))


@bp.get("/export")
@requires("administer")
def export():
    db, institution = get_session(), current_institution()
    selected, _ = parse_filter(request.args)
    kind = request.args.get("format") if request.args.get("format") in EXPORTS else "csv"
    record(db, institution.id, actor(), "audit.export", kind, selected.args())
    db.commit()
    events = event_batches(db, selected.query(institution.id))
    lines = csv_lines(events) if kind == "csv" else jsonl_lines(events)
    filename = f"audit-{institution.slug}-{datetime.now(timezone.utc):%Y%m%d}.{kind}"
    return Response(stream_with_context(lines), content_type=EXPORTS[kind],
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def event_batches(db: Session, query: Select, size: int = 500) -> Iterator[dict]:
    """The events of ``query`` (newest first) as plain values, read ``size`` at a time.

    Each batch is its own short read transaction, continuing after the last
    event seen (so events logged meanwhile are neither repeated nor skipped,
    and a long export never holds SQLite's lock).
    """
    last = None
    while True:
        page = query if last is None else query.where(or_(
            AuditEvent.created_at < last[0], and_(AuditEvent.created_at == last[0], AuditEvent.id < last[1])))
        events = db.scalars(page.limit(size)).all()
        batch = [event_fields(event) for event in events]
        last = (events[-1].created_at, events[-1].id) if events else None
        db.rollback()
        yield from batch
        if len(batch) < size:
            return


def event_fields(event: AuditEvent) -> dict:
    """An event as plain values: time as a UTC dateTimeStamp, detail as a dict."""
    moment = event.created_at if event.created_at.tzinfo else event.created_at.replace(tzinfo=timezone.utc)
    return {"time": moment.astimezone(timezone.utc).isoformat().replace("+00:00", "Z"), "actor": event.actor,
            "action": event.action, "target": event.target, "detail": event.detail or {}}


def safe_cell(value: str) -> str:
    """A CSV cell no spreadsheet runs as a formula (OWASP CSV injection)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_lines(events: Iterator[dict]) -> Iterator[str]:
    """The header, then one CSV line per event."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for fields in events:
        detail = json.dumps(fields["detail"], ensure_ascii=False, sort_keys=True)
        writer.writerow([safe_cell(str(value)) for value in (*(fields[c] for c in CSV_COLUMNS[:-1]), detail)])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue()


def jsonl_lines(events: Iterator[dict]) -> Iterator[str]:
    """One JSON object per line (https://jsonlines.org/)."""
    for fields in events:
        yield json.dumps(fields, ensure_ascii=False) + "\n"
