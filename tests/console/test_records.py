"""Credential records: search, filters, pages, the credential page, download and status changes."""

from __future__ import annotations

import json
import re
import secrets
import uuid
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from issuer.models import Credential

from .test_achievements import database
from .test_issue_form import stored, verify


def row_for(app, student_id: str) -> Credential:
    return stored(app, student_id)


def show_path(app, student_id: str = "S2026-0001") -> str:
    return f"/console/credentials/{row_for(app, student_id).id}"


def change(browser, app, action: str, student_id: str = "S2026-0001", **fields):
    """Post a status form of the credential page, its fields prefixed as the page names them."""
    path = show_path(app, student_id)
    return browser.post_form(path, f"{path}/{action}", **{f"{action}-{name}": value for name, value in fields.items()})


def add_many(app, count: int) -> None:
    """``count`` more credentials (copies of a demo row), one a day apart, to fill pages."""
    with database(app) as session:
        model = session.scalars(select(Credential).where(Credential.row_key == "S2026-0003")).one()
        start = datetime(2026, 1, 1, tzinfo=timezone.utc)
        for number in range(count):
            session.add(Credential(
                institution_id=model.institution_id, achievement_id=model.achievement_id,
                credential_id=f"urn:uuid:{uuid.uuid4()}", link_token=secrets.token_urlsafe(32),
                row_key=f"BULK-{number:03d}", learner_name=f"Bulk Learner {number:03d}", document=model.document,
                revocation_list_id=model.revocation_list_id, revocation_index=200000 + number,
                suspension_list_id=model.suspension_list_id, suspension_index=200000 + number,
                issued_at=start + timedelta(days=number), issued_by="test"))
        session.commit()


def test_the_list_shows_the_institution_credentials(signed_in):
    page = signed_in("viewer").client.get("/console/credentials/").get_data(as_text=True)
    assert "3 credentials" in page
    for name in ("Somchai Wongsuwan", "Li Mei", "Nurul Aisyah"):
        assert name in page
    assert '<label for="q">Search</label>' in page and 'aria-describedby="q-hint"' in page
    assert "field-error" not in page  # an empty search is not an error


def test_search_by_name_student_number_and_credential_id(app, signed_in):
    client = signed_in("registrar").client
    page = client.get("/console/credentials/?q=li+mei").get_data(as_text=True)
    assert "1 credential found" in page and "Li Mei" in page and "Somchai" not in page
    page = client.get("/console/credentials/?q=S2026-0003").get_data(as_text=True)
    assert "Nurul Aisyah" in page and "Li Mei" not in page
    uuid_part = row_for(app, "S2026-0001").credential_id.removeprefix("urn:uuid:")
    page = client.get(f"/console/credentials/?q={uuid_part}").get_data(as_text=True)
    assert "Somchai Wongsuwan" in page and "Nurul" not in page
    page = client.get("/console/credentials/?q=%25").get_data(as_text=True)  # a literal %, not a wildcard
    assert "0 credentials found" in page


def test_filters(app, signed_in):
    browser = signed_in("registrar")
    anim = row_for(app, "S2026-0002").achievement_id
    page = browser.client.get(f"/console/credentials/?achievement={anim}").get_data(as_text=True)
    assert "Li Mei" in page and "Somchai" not in page
    assert change(browser, app, "revoke", reason="Issued in error", confirm="y").status_code == 302
    page = browser.client.get("/console/credentials/?status=revoked").get_data(as_text=True)
    assert "1 credential found" in page and "Somchai" in page
    page = browser.client.get("/console/credentials/?status=valid").get_data(as_text=True)
    assert "2 credentials found" in page and "Somchai" not in page
    today = datetime.now(timezone.utc).date()
    page = browser.client.get(f"/console/credentials/?issued_from={today}&issued_to={today}").get_data(as_text=True)
    assert "3 credentials found" in page
    page = browser.client.get(f"/console/credentials/?issued_to={today - timedelta(days=1)}").get_data(as_text=True)
    assert "0 credentials found" in page
    page = browser.client.get("/console/credentials/?issued_from=not-a-date").get_data(as_text=True)
    assert "3 credentials found" in page and "Not a valid date value" in page


def test_fifty_a_page_newest_first(app, signed_in):
    add_many(app, 55)
    client = signed_in("registrar").client
    first = client.get("/console/credentials/?q=bulk").get_data(as_text=True)
    names = re.findall(r"Bulk Learner (\d{3})", first)
    assert len(names) == 50 and names[0] == "054" and names[-1] == "005"
    assert "Page 1 of 2" in first and 'href="/console/credentials/?page=2&amp;q=bulk"' in first
    second = client.get("/console/credentials/?q=bulk&page=2").get_data(as_text=True)
    assert re.findall(r"Bulk Learner (\d{3})", second) == ["004", "003", "002", "001", "000"]
    assert "Previous page" in second and "Next page" not in second
    assert "Page 2 of 2" in client.get(f"/console/credentials/?q=bulk&page={10 ** 30}").get_data(as_text=True)
    assert "Page 1 of 2" in client.get("/console/credentials/?q=bulk&page=-3").get_data(as_text=True)
    hostile = client.get("/console/credentials/?q=bulk&_scheme=javascript&_external=1&_anchor=x").get_data(as_text=True)
    assert 'href="/console/credentials/?page=2&amp;q=bulk"' in hostile and "javascript" not in hostile


def test_the_credential_page(app, signed_in):
    row = row_for(app, "S2026-0001")
    page = signed_in("viewer").client.get(show_path(app)).get_data(as_text=True)
    assert "Somchai Wongsuwan" in page and "สมชาย วงศ์สุวรรณ" in page
    assert "SA-T3 Advanced practitioner / technician" in page and "Isolate and verify the HV system" in page
    assert '<strong class="status-label">Valid</strong>' in page and "Issued" in page
    assert f"http://localhost/c/{row.link_token}" in page
    assert f'href="/console/credentials/{row.id}/credential.json"' in page
    assert '"@context"' not in page and "proofValue" not in page


def test_download_is_the_signed_file(app, signed_in):
    row = row_for(app, "S2026-0001")
    response = signed_in("viewer").client.get(f"{show_path(app)}/credential.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    uuid_part = row.credential_id.removeprefix("urn:uuid:")
    assert response.headers["Content-Disposition"] == f"attachment; filename=credential-{uuid_part}.json"
    assert response.get_data(as_text=True) == row.document
    document = json.loads(response.get_data(as_text=True))
    assert verify(app, document, now=datetime(2026, 10, 1, tzinfo=timezone.utc)).verified


def test_viewers_see_but_cannot_change(app, signed_in):
    browser = signed_in("viewer")
    page = browser.client.get(show_path(app)).get_data(as_text=True)
    assert "/revoke" not in page and "/suspend" not in page and "can see this credential but not change" in page
    for action in ("revoke", "suspend", "unsuspend"):
        assert change(browser, app, action, reason="no", confirm="y").status_code == 403
    assert not row_for(app, "S2026-0001").revoked


def test_revocation_needs_its_confirmation(app, signed_in):
    browser = signed_in("registrar")
    response = change(browser, app, "revoke", reason="Assessment found to be void")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Tick the box to confirm: revocation cannot be undone." in page
    assert 'id="revoke-confirm"' in page and 'aria-describedby="revoke-confirm-error"' in page
    assert "Assessment found to be void" in page  # the reason typed is kept
    assert not row_for(app, "S2026-0001").revoked


def test_a_reason_is_required(app, signed_in):
    response = change(signed_in("registrar"), app, "suspend", reason="  ")
    assert response.status_code == 400
    assert "Give a reason" in response.get_data(as_text=True)
    assert not row_for(app, "S2026-0001").suspended


def test_revoke(app, world, signed_in):
    browser = signed_in("registrar")
    response = change(browser, app, "revoke", reason="Assessment found to be void", confirm="y")
    assert response.status_code == 302
    row = row_for(app, "S2026-0001")
    assert row.revoked and row.status_reason == "Assessment found to be void"
    page = browser.client.get(show_path(app)).get_data(as_text=True)
    assert "The credential is revoked." in page and '<strong class="status-label">Revoked</strong>' in page
    assert "Revoked</td>" in page and "Assessment found to be void</td>" in page and world.registrar in page
    assert "Revocation is final" in page and "/suspend" not in page


def test_suspend_then_unsuspend(app, signed_in):
    browser = signed_in("admin")
    assert change(browser, app, "suspend", reason="Under investigation").status_code == 302
    assert row_for(app, "S2026-0001").suspended
    page = browser.client.get(show_path(app)).get_data(as_text=True)
    assert '<strong class="status-label">Suspended</strong>' in page and "Lift the suspension" in page
    assert change(browser, app, "unsuspend", reason="Investigation closed").status_code == 302
    row = row_for(app, "S2026-0001")
    assert not row.suspended and not row.revoked
    page = browser.client.get(show_path(app)).get_data(as_text=True)
    assert "Suspended</td>" in page and "Suspension lifted</td>" in page and "Investigation closed" in page


def test_unsuspending_a_revoked_credential_is_refused(app, signed_in):
    browser = signed_in("registrar")
    assert change(browser, app, "suspend", reason="Under investigation").status_code == 302
    assert change(browser, app, "revoke", reason="Fraud confirmed", confirm="y").status_code == 302
    response = change(browser, app, "unsuspend", reason="Oops")
    assert response.status_code == 409
    assert "revocation is final" in response.get_data(as_text=True)
    row = row_for(app, "S2026-0001")
    assert row.revoked and row.suspended


def test_another_institution_gets_404_everywhere(app, signed_in):
    browser = signed_in("other_registrar")
    path = show_path(app)
    assert browser.client.get(path).status_code == 404
    assert browser.client.get(f"{path}/credential.json").status_code == 404
    for action in ("revoke", "suspend", "unsuspend"):
        response = browser.post_form("/console/credentials/", f"{path}/{action}",
                                     **{f"{action}-reason": "hostile", f"{action}-confirm": "y"})
        assert response.status_code == 404
    row = row_for(app, "S2026-0001")
    assert not row.revoked and not row.suspended
    for query in ("", "?q=Somchai", "?q=S2026-0001", f"?q={row.credential_id}"):
        page = browser.client.get(f"/console/credentials/{query}").get_data(as_text=True)
        assert "Somchai Wongsuwan</a>" not in page and "0 credentials" in page
