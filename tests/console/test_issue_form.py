"""Issuing one credential from the form: choose, fill in, preview, sign."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from issuer.models import AuditEvent, Credential, SigningKey
from issuer.service import IssuanceRefused, Issuer
from schemas.schema_messages import SchemaProblem
from verifier import Verifier

from .test_achievements import achievement_by_code, database

TODAY = datetime.now(timezone.utc).date()


def learner(**changes) -> dict:
    """The form fields for a new learner of NEV-HV-301 (results D, C, B, A; 6 credits)."""
    fields = {"student_id": "S2026-0100", "name": "Aroon Chaiyaporn", "local_name": "อรุณ ชัยยาพร",
              "local_language": "th", "email": "", "result": "B", "credits": "6",
              "valid_from": TODAY.isoformat(), "valid_until": ""}
    fields.update(changes)
    return fields


def nev(app) -> int:
    return achievement_by_code(app, "NEV-HV-301").id


def preview(browser, app, **changes):
    return browser.post_form(f"/console/issue/{nev(app)}", step="preview", **learner(**changes))


def issue(browser, app, **changes):
    """Post the form as the preview's "Sign and issue" button does."""
    return browser.post_form(f"/console/issue/{nev(app)}", step="issue", **learner(**changes))


def credential_count(app) -> int:
    with database(app) as session:
        return session.scalar(select(func.count(Credential.id)))


def stored(app, student_id: str) -> Credential:
    with database(app) as session:
        return session.scalars(select(Credential).where(Credential.row_key == student_id)).one()


def verify(app, document: dict, now: datetime | None = None):
    verifier = Verifier(loader=app.extensions["skillpass_loader"], profile=app.extensions["skillpass_profile"])
    return verifier.verify_credential(document, now=now or datetime.now(timezone.utc))


def test_choose_lists_the_active_achievements(signed_in):
    page = signed_in("registrar").client.get("/console/issue/").get_data(as_text=True)
    assert "Step 1 of 3" in page and "NEV-HV-301" in page and "ANIM-201" in page


def test_viewer_cannot_issue(app, signed_in):
    browser = signed_in("viewer")
    assert browser.client.get("/console/issue/").status_code == 403
    assert browser.client.get(f"/console/issue/{nev(app)}").status_code == 403
    response = browser.post_form("/console/credentials/", f"/console/issue/{nev(app)}", step="issue", **learner())
    assert response.status_code == 403
    assert credential_count(app) == 3


def test_the_form_offers_the_achievement_results_and_defaults(app, signed_in):
    page = signed_in("registrar").client.get(f"/console/issue/{nev(app)}").get_data(as_text=True)
    for value in "DCBA":
        assert f'<option value="{value}">{value}</option>' in page
    assert 'name="credits"' in page and 'value="6"' in page
    assert f'value="{TODAY.isoformat()}"' in page
    assert '<label for="student_id">Student number</label>' in page
    assert 'aria-describedby="student_id-hint"' in page


def test_preview_reads_like_the_credential_and_signs_nothing(app, signed_in):
    response = preview(signed_in("registrar"), app)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Check before signing" in page and "Aroon Chaiyaporn" in page and "อรุณ ชัยยาพร" in page
    assert "SA-T3 Advanced practitioner / technician" in page and "Illustrative placeholder tier" in page
    assert "Isolate and verify the HV system" in page and "6 of 6" in page and "Practical assessment grade: B" in page
    assert "Demo Polytechnic" in page
    assert "Sign and issue" in page and ">Change</button>" in page
    for json_marker in ('"@context"', "credentialSubject", "proofValue", "urn:uuid:", '{"'):
        assert json_marker not in page
    assert credential_count(app) == 3


def test_change_goes_back_to_the_form_with_the_values(app, signed_in):
    response = signed_in("registrar").post_form(f"/console/issue/{nev(app)}", step="change", **learner())
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Step 2 of 3" in page
    assert 'value="Aroon Chaiyaporn"' in page and 'value="S2026-0100"' in page
    assert '<option selected value="B">B</option>' in page


def test_issue_end_to_end(app, world, signed_in):
    browser = signed_in("registrar")
    response = issue(browser, app, email="aroon@example.org")
    assert response.status_code == 302, response.get_data(as_text=True)
    row = stored(app, "S2026-0100")
    assert response.headers["Location"].endswith(f"/console/credentials/{row.id}")
    assert row.learner_email == "aroon@example.org" and row.issued_by == world.registrar
    document = json.loads(row.document)
    assert document["credentialSubject"]["name"] == [{"@value": "Aroon Chaiyaporn", "@language": "en"},
                                                     {"@value": "อรุณ ชัยยาพร", "@language": "th"}]
    assert document["credentialSubject"]["result"][0]["value"] == "B"
    assert document["credentialSubject"]["creditsEarned"] == 6
    assert "validUntil" not in document
    result = verify(app, document)
    assert result.verified, result.to_json()
    page = browser.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Issued to Aroon Chaiyaporn." in page
    with database(app) as session:
        assert session.scalars(select(AuditEvent.action).where(AuditEvent.target == row.credential_id)).all() == ["credential.issue"]


def test_fewer_credits_and_an_end_date(app, signed_in):
    until = TODAY + timedelta(days=5 * 365)
    assert issue(signed_in("registrar"), app, credits="4.5", valid_until=until.isoformat(), local_name="",
                 local_language="").status_code == 302
    document = json.loads(stored(app, "S2026-0100").document)
    assert document["credentialSubject"]["creditsEarned"] == 4.5
    assert document["credentialSubject"]["name"] == "Aroon Chaiyaporn"
    assert document["validUntil"] == f"{until.isoformat()}T00:00:00Z"
    assert verify(app, document).verified


def test_a_learner_holds_an_achievement_once(app, signed_in):
    browser = signed_in("registrar")
    existing = stored(app, "S2026-0001")  # Somchai holds NEV-HV-301 in the demo
    for step in (preview, issue):
        response = step(browser, app, student_id="S2026-0001", name="Somchai W.")
        page = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "already holds NEV-HV-301" in page and f'href="/console/credentials/{existing.id}"' in page
        assert 'value="Somchai W."' in page
    assert credential_count(app) == 3


def test_valid_until_before_valid_from(app, signed_in):
    response = issue(signed_in("registrar"), app, valid_from="2027-06-01", valid_until="2027-05-31")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<p class="field-error" id="valid_until-error">' in page and "Must be after the valid-from date." in page
    assert 'aria-describedby="valid_until-hint valid_until-error"' in page
    assert 'value="2027-06-01"' in page and 'value="Aroon Chaiyaporn"' in page
    assert credential_count(app) == 3


def test_dates_that_are_not_dates(app, signed_in):
    response = issue(signed_in("registrar"), app, valid_from="2027-02-30")
    assert response.status_code == 400
    assert "Not a valid date value" in response.get_data(as_text=True)


def test_an_expired_credential_is_not_issued(app, signed_in):
    response = issue(signed_in("registrar"), app, valid_from="2020-01-01", valid_until=(TODAY - timedelta(days=1)).isoformat())
    assert response.status_code == 400 and "an expired credential cannot be issued" in response.get_data(as_text=True)


def test_unknown_result_value(app, signed_in):
    response = issue(signed_in("registrar"), app, result="A+")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Choose one of the achievement&#39;s results: D, C, B, A." in page
    assert credential_count(app) == 3


def test_credits_above_those_available(app, signed_in):
    response = issue(signed_in("registrar"), app, credits="7")
    assert response.status_code == 400
    assert "Cannot be more than the 6 credits" in response.get_data(as_text=True)


def test_a_local_name_needs_its_language(app, signed_in):
    response = issue(signed_in("registrar"), app, local_language="")
    assert response.status_code == 400
    assert "Choose the language of the name" in response.get_data(as_text=True)


def test_no_active_key_is_said_in_words(app, world, signed_in):
    with database(app) as session:
        for key in session.scalars(select(SigningKey).where(SigningKey.institution_id == world.demo.id)):
            key.status = "retired"
        session.commit()
    response = issue(signed_in("registrar"), app)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "no active signing key" in page and 'value="Aroon Chaiyaporn"' in page
    assert credential_count(app) == 3


def test_profile_problems_found_in_the_preview(app, signed_in, monkeypatch):
    monkeypatch.setattr(app.extensions["skillpass_profile"], "check",
                        lambda credential: [SchemaProblem("validUntil", "is before validFrom: the credential would never be valid")])
    response = preview(signed_in("registrar"), app)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "validUntil: is before validFrom" in page
    assert "Sign and issue" not in page and 'value="Aroon Chaiyaporn"' in page


def test_a_refused_issuance_keeps_the_values(app, signed_in, monkeypatch):
    def refuse(self, achievement, records, *, actor):
        raise IssuanceRefused(["credentialSubject.name: needs an English version"])

    monkeypatch.setattr(Issuer, "issue", refuse)
    response = issue(signed_in("registrar"), app)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Not issued: credentialSubject.name: needs an English version" in page
    assert 'value="Aroon Chaiyaporn"' in page and 'value="S2026-0100"' in page
    assert credential_count(app) == 3


def test_markup_in_a_name_is_text(app, signed_in):
    browser = signed_in("registrar")
    hostile = "<img src=x onerror=alert(1)>"
    page = preview(browser, app, name=hostile).get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and hostile not in page
    response = issue(browser, app, name=hostile)
    assert response.status_code == 302
    page = browser.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and hostile not in page


def test_another_institution_cannot_issue_the_demo_achievements(app, signed_in):
    browser = signed_in("other_registrar")
    assert browser.client.get(f"/console/issue/{nev(app)}").status_code == 404
    assert "NEV-HV-301" not in browser.client.get("/console/issue/").get_data(as_text=True)
    response = browser.post_form("/console/issue/", f"/console/issue/{nev(app)}", step="issue", **learner())
    assert response.status_code == 404
    assert credential_count(app) == 3
