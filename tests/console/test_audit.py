"""The audit log: newest first, filters, pages, CSV (formula-safe) and JSON Lines export; roles and tenants."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete

from issuer.audit_views import AuditFilter, event_batches, safe_cell
from issuer.models import AuditEvent

from .test_users import other_admin  # noqa: F401  (fixture)

START = datetime(2021, 3, 1, 12, 0, tzinfo=timezone.utc)


def seed(app, institution_id: int, count: int, *, action: str = "credential.issue", start: datetime = START,
         step: timedelta = timedelta(hours=1), clear: bool = True, target: str = "urn:uuid:{n}") -> None:
    """``count`` events, one per ``step`` from ``start`` (the demo's own events removed first)."""
    session = app.extensions["skillpass_db"].session()
    if clear:
        session.execute(delete(AuditEvent).where(AuditEvent.institution_id == institution_id))
    session.add_all(AuditEvent(institution_id=institution_id, actor="registrar@demo.example", action=action,
                               target=target.format(n=n), detail={"n": n}, created_at=start + n * step)
                    for n in range(count))
    session.commit()
    session.close()


def rows(html: str) -> list[str]:
    """The target column of each row of the log table, in page order."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return re.findall(r'<td class="mono">([^<]*)</td>', body)


def test_newest_first(app, signed_in, world):
    seed(app, world.demo.id, 5)
    page = signed_in("admin").client.get("/console/audit/").get_data(as_text=True)
    assert rows(page) == ["admin@demo.example"] + [f"urn:uuid:{n}" for n in (4, 3, 2, 1, 0)]  # the sign-in is newest


def test_filter_by_action(app, signed_in, world):
    seed(app, world.demo.id, 3)
    seed(app, world.demo.id, 2, action="credential.revoke", clear=False, target="revoked:{n}")
    page = signed_in("admin").client.get("/console/audit/?action=credential.revoke").get_data(as_text=True)
    assert rows(page) == ["revoked:1", "revoked:0"]
    assert '<option value="credential.revoke" selected>' in page


def test_filter_by_dates_includes_both_days(app, signed_in, world):
    seed(app, world.demo.id, 10, step=timedelta(days=1))  # 2021-03-01 … 2021-03-10, 12:00 UTC
    page = signed_in("admin").client.get("/console/audit/?since=2021-03-03&until=2021-03-05").get_data(as_text=True)
    assert rows(page) == ["urn:uuid:4", "urn:uuid:3", "urn:uuid:2"]


def test_bad_date_is_explained_and_ignored(app, signed_in, world):
    seed(app, world.demo.id, 3)
    response = signed_in("admin").client.get("/console/audit/?since=03/01/2026&until=nope")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "must be a date" in page
    assert {"urn:uuid:0", "urn:uuid:1", "urn:uuid:2"} <= set(rows(page))


def test_pages(app, signed_in, world):
    seed(app, world.demo.id, 120, step=timedelta(minutes=-1), start=START + timedelta(days=1))
    browser = signed_in("admin")  # the sign-in is the newest event: 121 in all
    first = browser.client.get("/console/audit/").get_data(as_text=True)
    assert len(rows(first)) == 50 and "Page 1 of 3" in first and 'rel="next"' in first and 'rel="prev"' not in first
    last = browser.client.get("/console/audit/?page=3").get_data(as_text=True)
    assert rows(last) == [f"urn:uuid:{n}" for n in range(99, 120)] and 'rel="next"' not in last
    assert rows(browser.client.get("/console/audit/?page=999").get_data(as_text=True)) == rows(last)
    assert rows(browser.client.get("/console/audit/?page=abc").get_data(as_text=True)) == rows(first)


def test_page_links_keep_the_filter(app, signed_in, world):
    seed(app, world.demo.id, 60)
    page = signed_in("admin").client.get("/console/audit/?action=credential.issue&since=2021-03-01").get_data(as_text=True)
    assert "/console/audit/?page=2&amp;action=credential.issue&amp;since=2021-03-01" in page


def test_export_csv_is_formula_safe(app, signed_in, world):
    seed(app, world.demo.id, 1)
    session = app.extensions["skillpass_db"].session()
    for n, target in enumerate(["=HYPERLINK(\"https://evil.example\")", "+1+1", "-2", "@SUM(A1)", "\t=1", "plain = text"]):
        session.add(AuditEvent(institution_id=world.demo.id, actor="=cmd|' /C calc'!A0", action="user.add", target=target,
                               detail={"note": "=1+1"}, created_at=START - timedelta(minutes=n + 1)))
    session.commit()
    session.close()
    response = signed_in("admin").client.get("/console/audit/export?format=csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-demo-polytechnic-')
    table = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert table[0] == ["time", "actor", "action", "target", "detail"]
    targets = [row[3] for row in table[1:] if row[2] == "user.add"]
    assert targets == ["'=HYPERLINK(\"https://evil.example\")", "'+1+1", "'-2", "'@SUM(A1)", "'\t=1", "plain = text"]
    for row in table[1:]:
        assert not row[1].startswith(("=", "+", "-", "@")) and not row[3].startswith(("=", "+", "-", "@"))
    issued = next(row for row in table[1:] if row[2] == "credential.issue")
    assert issued == ["2021-03-01T12:00:00Z", "registrar@demo.example", "credential.issue", "urn:uuid:0", '{"n": 0}']


@pytest.mark.parametrize("value, safe", [("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\r=1", "'\r=1"),
                                         ("a=1", "a=1"), ("", ""), ("1-2", "1-2")])
def test_safe_cell(value, safe):
    assert safe_cell(value) == safe


def test_export_json_lines_with_filter(app, signed_in, world):
    seed(app, world.demo.id, 4, step=timedelta(days=1))
    response = signed_in("admin").client.get("/console/audit/export?format=jsonl&until=2021-03-02")
    assert response.status_code == 200 and response.mimetype == "application/jsonl"
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    assert lines == [
        {"time": "2021-03-02T12:00:00Z", "actor": "registrar@demo.example", "action": "credential.issue",
         "target": "urn:uuid:1", "detail": {"n": 1}},
        {"time": "2021-03-01T12:00:00Z", "actor": "registrar@demo.example", "action": "credential.issue",
         "target": "urn:uuid:0", "detail": {"n": 0}},
    ]


def test_export_is_audited(app, signed_in, world):
    signed_in("admin").client.get("/console/audit/export?format=jsonl&action=user.add")
    page = signed_in("admin").client.get("/console/audit/?action=audit.export").get_data(as_text=True)
    assert rows(page) == ["jsonl"] and "action: user.add" in page


def test_export_batches_continue_after_ties(app, world):
    """Events with the same time are neither repeated nor skipped between batches."""
    seed(app, world.demo.id, 23, step=timedelta(0))
    with app.app_context():
        session = app.extensions["skillpass_db"].session()
        exported = list(event_batches(session, AuditFilter().query(world.demo.id), size=5))
        session.close()
    assert sorted(event["target"] for event in exported) == sorted(f"urn:uuid:{n}" for n in range(23))
    assert len(exported) == 23


@pytest.mark.parametrize("role", ["registrar", "viewer"])
def test_only_admins(signed_in, role):
    browser = signed_in(role)
    assert browser.client.get("/console/audit/").status_code == 403
    assert browser.client.get("/console/audit/export?format=csv").status_code == 403


def test_tenant_isolation(app, world, other_admin):  # noqa: F811
    seed(app, world.demo.id, 5, target="demo-secret-{n}")
    page = other_admin.client.get("/console/audit/").get_data(as_text=True)
    assert "demo-secret" not in page and "admin@other.example" in page  # its own sign-in
    for kind in ("csv", "jsonl"):
        exported = other_admin.client.get(f"/console/audit/export?format={kind}").get_data(as_text=True)
        assert "demo-secret" not in exported and "registrar@demo.example" not in exported
