"""The catalogue: listing, adding and editing achievements, role checks and tenant isolation."""

from __future__ import annotations

from contextlib import contextmanager
from html.parser import HTMLParser

from sqlalchemy import select

from issuer.models import Achievement, AuditEvent
from schemas.schema_messages import SchemaProblem

NEW = {
    "code": "WELD-101", "name": "Structural steel welding", "language": "zh-Hans", "local_name": "结构钢焊接",
    "description": "Unit certificate: welds structural steel plate joints to a welding procedure specification.",
    "local_description": "单元证书：按焊接工艺规程焊接结构钢板接头。", "achievement_type": "Certificate",
    "criteria": "Practical weld test on plate (visual and bend test) and a written safety test.",
    "field_of_study": "Welding technology", "specialization": "", "isced_code": "0715",
    "isced_name": "Mechanics and metal trades", "isco_code": "7212", "isco_name": "Welders and flame cutters",
    "tier": "SA-T2", "level": "china-vet:CN-3", "credits": "4", "hours": "40",
    "outcomes": "WELD-101-LO1 | Prepare joints | Prepares and fits up plate joints to the drawing.\r\n"
                "WELD-101-LO2 | Weld plate | Welds fillet and butt joints that pass visual and bend tests.",
    "result_name": "Practical grade", "result_type": "LetterGrade", "allowed_values": "D, C, B, A",
    "required_value": "C", "active": "y",
}


@contextmanager
def database(app):
    """A session that is closed before the next request (SQLite allows one writer)."""
    session = app.extensions["skillpass_db"].session()
    try:
        yield session
    finally:
        session.close()


def achievement_by_code(app, code: str) -> Achievement | None:
    with database(app) as session:
        return session.scalars(select(Achievement).where(Achievement.code == code)).first()


class FormValues(HTMLParser):
    """The values a browser would submit from the page's ``form.form`` (inputs, textareas, selects)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, str] = {}
        self._textarea = self._select = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and (a.get("type") != "checkbox" or "checked" in a):
            self.values[a["name"]] = a.get("value") or ("y" if a.get("type") == "checkbox" else "")
        elif tag == "textarea":
            self._textarea = a["name"]
            self.values[a["name"]] = ""
        elif tag == "select":
            self._select, self._first_option = a["name"], True
        elif tag == "option" and self._select:
            if "selected" in a or self._first_option:
                self.values[self._select] = a.get("value", "")
            self._first_option = False

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea] += data


def form_values(html: str) -> dict[str, str]:
    parser = FormValues()
    parser.feed(html)
    return {name: value.lstrip("\r\n") for name, value in parser.values.items()}


def test_catalogue_lists_achievements_with_the_tier_status(signed_in):
    page = signed_in("viewer").client.get("/console/achievements/").get_data(as_text=True)
    assert "NEV-HV-301" in page and "ANIM-201" in page
    assert "SA-T3 Advanced practitioner / technician" in page
    assert "placeholder" in page and "PLACEHOLDER - to be replaced" in page
    assert "Add an achievement" not in page  # viewers cannot add


def test_viewer_cannot_add_or_edit(app, world, signed_in):
    browser = signed_in("viewer")
    number = achievement_by_code(app, "NEV-HV-301").id
    assert browser.client.get("/console/achievements/new").status_code == 403
    assert browser.client.get(f"/console/achievements/{number}/edit").status_code == 403
    assert browser.post_form("/console/achievements/", "/console/achievements/new", **NEW).status_code == 403
    assert achievement_by_code(app, "WELD-101") is None


def test_add_an_achievement_builds_the_profile_definition(app, world, signed_in):
    response = signed_in("registrar").post_form("/console/achievements/new", **NEW)
    assert response.status_code == 302, response.get_data(as_text=True)
    achievement = achievement_by_code(app, "WELD-101")
    definition = achievement.definition
    achievement_id = "http://localhost/institutions/demo-polytechnic/achievements/weld-101"
    assert response.headers["Location"].endswith(f"/console/achievements/{achievement.id}")
    assert achievement.tier == "SA-T2" and achievement.active
    assert definition["id"] == achievement_id and definition["humanCode"] == "WELD-101"
    assert definition["name"] == [{"@value": "Structural steel welding", "@language": "en"},
                                  {"@value": "结构钢焊接", "@language": "zh-Hans"}]
    assert definition["creditsAvailable"] == 4 and definition["notionalLearningHours"] == 40
    by_type = {}
    for alignment in definition["alignment"]:
        by_type.setdefault(alignment["targetType"], []).append(alignment)
    tier, level = by_type["ext:QualificationsFrameworkLevel"]
    assert tier["targetUrl"] == "https://skillspassport.org/frameworks/shenzhen-agreement/levels/SA-T2"
    assert tier["targetCode"] == "SA-T2" and "placeholder" in tier["targetFramework"]
    assert level["targetUrl"] == "https://skillspassport.org/frameworks/china-vet/levels/CN-3" and level["targetCode"] == "CN-3"
    assert by_type["ext:CreditRule"][0]["targetCode"] == "SA-credit-10h"
    assert by_type["ext:ISCED-F"][0]["targetUrl"] == "http://data.europa.eu/snb/isced-f/0715"
    assert by_type["ext:ISCO-08"][0]["targetUrl"] == "http://data.europa.eu/esco/isco/C7212"
    outcomes = by_type["ext:LearningOutcome"]
    assert [o["targetUrl"] for o in outcomes] == [f"{achievement_id}#LO1", f"{achievement_id}#LO2"]
    assert outcomes[1]["targetDescription"] == "Welds fillet and butt joints that pass visual and bend tests."
    [scale] = definition["resultDescription"]
    assert scale["allowedValue"] == ["D", "C", "B", "A"] and scale["requiredValue"] == "C"
    assert scale["id"].startswith("urn:uuid:")
    with database(app) as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.target == achievement_id)).first().actor == world.registrar


def test_show_reads_like_a_catalogue_entry(app, world, signed_in):
    browser = signed_in("registrar")
    browser.post_form("/console/achievements/new", **NEW)
    page = browser.client.get(f"/console/achievements/{achievement_by_code(app, 'WELD-101').id}").get_data(as_text=True)
    assert "Structural steel welding" in page and "Weld plate" in page
    assert "SA-T2 Skilled practitioner" in page and "Illustrative placeholder tier" in page
    assert "CN-3" in page and "Practical grade: D, C, B, A; required: C" in page
    assert '"@context"' not in page


def test_problems_are_shown_next_to_their_fields(app, world, signed_in):
    data = dict(NEW, outcomes="WELD-101-LO1 | only two parts", required_value="E", local_name="", isced_code="07x5")
    response = signed_in("registrar").post_form("/console/achievements/new", **data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'aria-describedby="outcomes-hint outcomes-error"' in page and 'aria-invalid="true"' in page
    assert "Line 1 needs three parts separated by |" in page
    assert "Must be one of the allowed results." in page
    assert "Give the name in the second language too" in page
    assert "Enter the 2- to 4-digit ISCED-F code" in page
    assert 'href="#outcomes"' in page  # the summary links to the field
    assert 'value="Structural steel welding"' in page  # what was typed is kept
    assert achievement_by_code(app, "WELD-101") is None


def test_profile_problems_are_shown_in_words(app, world, signed_in, monkeypatch):
    checker = app.extensions["skillpass_profile"]
    monkeypatch.setattr(checker, "check", lambda credential: [
        SchemaProblem("credentialSubject.achievement.alignment[0].targetCode", 'must be "SA-T9", the level its targetUrl names'),
        SchemaProblem("credentialSubject.achievement.notionalLearningHours", "must be a number of hours greater than zero"),
        SchemaProblem("validFrom", "must be a date and time with a time zone")])
    response = signed_in("registrar").post_form("/console/achievements/new", **NEW)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert '<p class="field-error" id="tier-error">' in page and "the level its targetUrl names" in page
    assert '<p class="field-error" id="hours-error">' in page
    assert "validFrom: must be a date and time with a time zone" in page
    assert achievement_by_code(app, "WELD-101") is None


def test_a_code_is_used_once_in_any_letter_case(app, world, signed_in):
    response = signed_in("registrar").post_form("/console/achievements/new", **dict(NEW, code="nev-hv-301"))
    assert response.status_code == 400
    assert "already has an achievement with this code" in response.get_data(as_text=True)


def test_editing_unchanged_keeps_the_definition(app, world, signed_in):
    browser = signed_in("admin")
    before = achievement_by_code(app, "NEV-HV-301")
    page = browser.client.get(f"/console/achievements/{before.id}/edit").get_data(as_text=True)
    values = form_values(page)
    assert "code" not in values  # the code is part of the id and never changes
    response = browser.client.post(f"/console/achievements/{before.id}/edit", data=values)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert achievement_by_code(app, "NEV-HV-301").definition == before.definition


def test_withdrawing_an_achievement_stops_issuing_it(app, world, signed_in):
    browser = signed_in("registrar")
    number = achievement_by_code(app, "NEV-HV-301").id
    values = form_values(browser.client.get(f"/console/achievements/{number}/edit").get_data(as_text=True))
    values.pop("active")
    values["name"] = "NEV high-voltage service (old syllabus)"
    assert browser.client.post(f"/console/achievements/{number}/edit", data=values).status_code == 302
    achievement = achievement_by_code(app, "NEV-HV-301")
    assert not achievement.active and achievement.definition["name"][0]["@value"] == "NEV high-voltage service (old syllabus)"
    assert browser.client.get(f"/console/issue/{number}").status_code == 404
    assert f'href="/console/issue/{number}"' not in browser.client.get("/console/issue/").get_data(as_text=True)


def test_another_institution_never_sees_the_catalogue(app, world, signed_in):
    browser = signed_in("other_registrar")
    number = achievement_by_code(app, "NEV-HV-301").id
    assert "NEV-HV-301" not in browser.client.get("/console/achievements/").get_data(as_text=True)
    assert browser.client.get(f"/console/achievements/{number}").status_code == 404
    assert browser.client.get(f"/console/achievements/{number}/edit").status_code == 404
    response = browser.post_form("/console/achievements/", f"/console/achievements/{number}/edit", **NEW)
    assert response.status_code == 404
    assert achievement_by_code(app, "NEV-HV-301").active
