"""Cohort files: every refusal names its row and column; the dry run, chunked issuing,
idempotent re-uploads, a failure mid-batch, tenant isolation and roles."""

from __future__ import annotations

import io
import json
import re
from datetime import date, datetime

import openpyxl
import pytest
from sqlalchemy import func, select

from issuer.batch import (COLUMNS, CohortRules, FileRefused, RowProblem, check_file, record_from_json, row_to_json,
                          template_csv)
from issuer.batch_read import MAX_BYTES, MAX_ROWS
from issuer.models import AuditEvent, BatchUpload, Credential

from ..pg import database_url, postgres_server, postgres_url  # noqa: F401 (fixtures)
from .conftest import Browser, csrf_token

RULES = CohortRules("NEV-HV-301", ("D", "C", "B", "A"), 6)
TODAY = date(2026, 1, 1)
GOOD = {"student_id": "S1", "name": "Somchai Wongsuwan", "local_name": "สมชาย วงศ์สุวรรณ", "local_language": "th",
        "email": "somchai@example.org", "result": "B", "credits_earned": "5", "valid_from": "2026-09-15",
        "valid_until": ""}


def csv_file(*rows: dict, header=COLUMNS, bom=False) -> bytes:
    lines = [",".join(header)] + [",".join(_quote(row.get(column, "")) for column in header) for row in rows]
    return (("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"' if any(c in value for c in ',"\r\n') else value


def learner(number: int, **changes) -> dict:
    return {**GOOD, "student_id": f"S{number:05d}", "name": f"Learner {number}", **changes}


def problems_of(*rows: dict) -> list[RowProblem]:
    return list(check_file(csv_file(*rows), RULES, today=TODAY).problems)


def refusal(data: bytes) -> str:
    with pytest.raises(FileRefused) as refused:
        check_file(data, RULES, today=TODAY)
    return refused.value.message


# --- parsing and checking -----------------------------------------------------------------------------------


def test_good_rows_become_learner_records():
    cohort = check_file(csv_file(learner(1), learner(2, local_name="", local_language="", email="", result="",
                                                     credits_earned="", valid_until="2030-06-30"), bom=True), RULES, today=TODAY)
    assert cohort.problems == () and cohort.row_count == 2
    (row_1, first), (row_2, second) = cohort.rows
    assert (row_1, row_2) == (2, 3)
    assert (first.student_id, first.local_name, first.local_language, first.result, first.credits_earned) == (
        "S00001", "สมชาย วงศ์สุวรรณ", "th", "B", 5)
    assert first.valid_from == date(2026, 9, 15) and first.valid_until is None
    assert (second.local_name, second.email, second.result, second.credits_earned) == (None, None, None, None)
    assert second.valid_until == date(2030, 6, 30)


@pytest.mark.parametrize(("changes", "column", "words"), [
    ({"valid_from": "15/09/2026"}, "valid_from", "is not a date in the form YYYY-MM-DD"),
    ({"valid_from": "2026-02-30"}, "valid_from", "is not a real date"),
    ({"valid_from": ""}, "valid_from", "is empty; it is required"),
    ({"valid_until": "2026-09-14"}, "valid_until", "is not after valid_from (2026-09-15)"),
    ({"valid_until": "2025-12-31", "valid_from": "2025-01-01"}, "valid_until", "is not in the future"),
    ({"result": "E"}, "result", '"E" is not a result of NEV-HV-301; use one of: D, C, B, A'),
    ({"result": "b"}, "result", "use one of: D, C, B, A"),
    ({"credits_earned": "-1"}, "credits_earned", "-1 is negative"),
    ({"credits_earned": "lots"}, "credits_earned", '"lots" is not a number'),
    ({"credits_earned": "nan"}, "credits_earned", '"nan" is not a number'),
    ({"credits_earned": "6.5"}, "credits_earned", "6.5 is more than the 6 credits NEV-HV-301 makes available"),
    ({"email": "somchai@"}, "email", '"somchai@" is not an e-mail address'),
    ({"email": "two@@example.org"}, "email", "is not an e-mail address"),
    ({"local_language": "Thai language"}, "local_language", "is not a BCP 47 language tag"),
    ({"local_language": "t"}, "local_language", "is not a BCP 47 language tag"),
    ({"local_language": ""}, "local_language", "local_name is given"),
    ({"local_name": ""}, "local_name", "local_language is given"),
    ({"name": ""}, "name", "is empty; it is required"),
    ({"student_id": " "}, "student_id", "is empty; it is required"),
    ({"name": "x" * 201}, "name", "is 201 characters long; the limit is 200"),
    ({"name": "Line\nbreak"}, "name", "line break or another control character"),
])
def test_each_bad_cell_is_named_by_row_and_column(changes, column, words):
    problems = problems_of(learner(1), learner(2, **changes))
    assert len(problems) == 1, problems
    assert str(problems[0]).startswith(f"row 3, column {column}: ")
    assert words in problems[0].message


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", " ="])
@pytest.mark.parametrize("column", ["name", "student_id", "email"])
def test_formula_injection_is_refused_with_the_reason(start, column):
    [problem] = problems_of(learner(1, **{column: start + 'HYPERLINK("http://evil.example","x")'}))
    assert (problem.row, problem.column) == (2, column)
    assert "formula" in problem.message and "spreadsheet" in problem.message


def test_negative_credits_are_a_number_not_a_formula():
    [problem] = problems_of(learner(1, credits_earned="-2"))
    assert str(problem) == "row 2, column credits_earned: -2 is negative; credits earned must be 0 or more"


def test_duplicate_student_is_refused_on_its_second_row():
    problems = problems_of(learner(1), learner(2), learner(3, student_id="S00001"))
    assert [str(p) for p in problems] == [
        "row 4, column student_id: S00001 is already on row 2: each learner may appear only once"]


def test_every_problem_of_every_row_is_reported():
    cohort = check_file(csv_file(learner(1, result="Z", email="no"), learner(2), learner(3, valid_from="soon")), RULES, today=TODAY)
    assert [(p.row, p.column) for p in cohort.problems] == [(2, "email"), (2, "result"), (4, "valid_from")]
    assert cohort.rows_with_problems == 2 and [number for number, _ in cohort.rows] == [3]


def test_blank_lines_are_skipped_and_row_numbers_stay_those_of_the_spreadsheet():
    data = csv_file(learner(1)) + b",,,,,,,,\r\n\r\n" + csv_file(learner(2, result="X")).split(b"\r\n", 1)[1]
    [problem] = check_file(data, RULES, today=TODAY).problems
    assert (problem.row, problem.column) == (5, "result")


def test_extra_cells_are_refused():
    data = csv_file(learner(1)).rstrip(b"\r\n") + b",surprise\r\n"
    [problem] = check_file(data, RULES, today=TODAY).problems
    assert str(problem).startswith("row 2, column (after valid_until): the row has 1 cell(s) after the last column")


def test_an_achievement_without_results_refuses_a_result():
    rules = CohortRules("X-1", None, 4)
    [problem] = check_file(csv_file(learner(1, credits_earned="4")), rules, today=TODAY).problems
    assert str(problem) == "row 2, column result: X-1 records no result; leave the cell empty"


@pytest.mark.parametrize(("data", "words"), [
    (b"", "The file is empty"),
    (b"\xef\xbb\xbf\r\n", "The file is empty"),
    (csv_file(), "has a header but no learners"),
    (csv_file(learner(1), header=("student_id", "name", "grade") + COLUMNS[2:]),
     'Row 1 (the header) has "grade" in column 3, which is not one of ours'),
    (csv_file(learner(1), header=COLUMNS[:-1]), "Row 1 (the header) has no column valid_until"),
    (csv_file(learner(1), header=COLUMNS + ("name",)), 'Row 1 (the header) names the column "name" twice'),
    (csv_file(learner(1)).split(b"\r\n", 1)[1], "Row 1 must be the header"),
    (csv_file(learner(1)).replace(b",", b";"), "separated by semicolons"),
    (csv_file(learner(1)).decode().encode("utf-16"), "UTF-16"),
    (csv_file(learner(1)).decode().encode("cp874"), "is not UTF-8 text (the first character we cannot read is on line 2)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel workbook (.xls)"),
    (b"PK\x03\x04 not really a zip", "damaged"),
    (csv_file(learner(1)) + b'S2,"unterminated,,,,,,,2026-09-15,\r\n', "is not well-formed CSV"),
])
def test_unusable_files_are_refused_with_a_clear_message(data, words):
    assert words in refusal(data)


def test_more_than_50000_rows_are_refused():
    row = ",".join(learner(1).values()) + "\r\n"
    data = (",".join(COLUMNS) + "\r\n" + row * (MAX_ROWS + 1)).encode()
    assert "more than 50,000 learners" in refusal(data)


def test_files_over_20_mb_are_refused():
    data = csv_file(learner(1)) + b" " * MAX_BYTES
    assert "the limit is 20 MB" in refusal(data)


def test_template_is_the_header_only():
    text = template_csv().decode("utf-8-sig")
    assert text == ",".join(COLUMNS) + "\r\n"
    assert "has a header but no learners" in refusal(template_csv())


def test_stored_rows_round_trip():
    (number, record), = check_file(csv_file(learner(7, valid_until="2031-01-01")), RULES, today=TODAY).rows
    stored = json.loads(json.dumps(row_to_json(number, record)))
    assert stored["row"] == 2 and record_from_json(stored) == record


def xlsx_file(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_round_trip_gives_the_same_records_as_csv():
    rows = [learner(1), learner(2, local_name="", local_language="", credits_earned="4.5", valid_until="2031-07-01")]
    workbook = xlsx_file([list(COLUMNS)] + [
        [20260001, "Learner 1", "สมชาย วงศ์สุวรรณ", "th", "somchai@example.org", "B", 5, datetime(2026, 9, 15), None],
        ["S00002", "Learner 2", None, None, "somchai@example.org", "B", 4.5, date(2026, 9, 15), "2031-07-01"],
    ])
    from_xlsx = check_file(workbook, RULES, today=TODAY)
    from_csv = check_file(csv_file(*rows), RULES, today=TODAY)
    assert from_xlsx.problems == ()
    assert from_xlsx.records[0] == from_csv.records[0].__class__(**{**from_csv.records[0].__dict__, "student_id": "20260001"})
    assert from_xlsx.records[1] == from_csv.records[1]


def test_xlsx_problems_name_row_and_column():
    workbook = xlsx_file([list(COLUMNS), ["S1", "A", None, None, None, "B", 9, 46280, None],
                          ["S2", "@SUM(A1)", None, None, None, "Q", -1, "2026-09-15", None]])
    problems = [str(p) for p in check_file(workbook, RULES, today=TODAY).problems]
    assert problems == [
        "row 2, column credits_earned: 9 is more than the 6 credits NEV-HV-301 makes available",
        "row 2, column valid_from: is a number, not a date: format the cell as a date, or type the date as YYYY-MM-DD",
        "row 3, column name: starts with \"@\": a spreadsheet that opens this data again could run it as a formula "
        "(formula injection), so cells may not start with =, +, -, @, a tab or a line break",
        "row 3, column result: \"Q\" is not a result of NEV-HV-301; use one of: D, C, B, A",
        "row 3, column credits_earned: -1 is negative; credits earned must be 0 or more",
    ]


def test_xlsx_header_is_checked_too():
    assert "has no column valid_until" in refusal(xlsx_file([list(COLUMNS[:-1]), ["S1"]]))


# --- the console ------------------------------------------------------------------------------------------


def cohort(count: int, start: int = 1, **changes) -> bytes:
    return csv_file(*[learner(n, valid_until="2031-06-30", **changes) for n in range(start, start + count)])


def upload(browser: Browser, data: bytes, code: str = "NEV-HV-301", filename: str = "cohort.csv"):
    page = browser.client.get("/console/batch/").get_data(as_text=True)
    achievement = re.search(rf'<option value="(\d+)">{code} ', page).group(1)
    return browser.client.post("/console/batch/review", data={
        "csrf_token": csrf_token(page), "achievement": achievement, "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data")


def issue_with_script(browser: Browser, location: str) -> list[dict]:
    """What the page's script does: POST chunk after chunk with the CSRF token header."""
    token = csrf_token(browser.client.get(location).get_data(as_text=True))
    answers = []
    while not answers or not answers[-1].get("done"):
        response = browser.client.post(f"{location}/chunk", json={}, headers={"X-CSRFToken": token})
        answers.append({**response.get_json(), "http": response.status_code})
        if response.status_code != 200:
            break
    return answers


def count(app, model, *where) -> int:
    session = app.extensions["skillpass_db"].session()
    try:
        return session.scalar(select(func.count()).select_from(model).where(*where))
    finally:
        session.close()


def audit_actions(app, action: str) -> list[AuditEvent]:
    session = app.extensions["skillpass_db"].session()
    try:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))
    finally:
        session.close()


def batch_credentials(app) -> set[str]:
    session = app.extensions["skillpass_db"].session()
    try:
        return set(session.scalars(select(Credential.row_key).where(Credential.row_key.like("S0%"))))
    finally:
        session.close()


def test_start_page_explains_columns_and_offers_templates(signed_in):
    browser = signed_in("registrar")
    page = browser.client.get("/console/batch/").get_data(as_text=True)
    assert ",".join(COLUMNS) in page and "D, C, B, A" in page and 'enctype="multipart/form-data"' in page
    response = browser.client.get("/console/batch/template/NEV-HV-301.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="cohort-NEV-HV-301.csv"' in response.headers["Content-Disposition"]
    assert response.data.decode("utf-8-sig") == ",".join(COLUMNS) + "\r\n"
    assert browser.client.get("/console/batch/template/NO-SUCH.csv").status_code == 404


def test_dry_run_lists_every_problem_and_stores_nothing(app, signed_in):
    browser = signed_in("registrar")
    before = count(app, Credential)
    data = csv_file(learner(1, valid_until="2031-06-30"), learner(2, result="E", email="x@"), learner(3, name="@SUM(A1)"),
                    {**GOOD, "student_id": "S2026-0001", "name": "Somchai"})
    response = upload(browser, data, filename="semester.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Check of semester.csv" in page and "Nothing can be issued until every row is right" in page
    for row, column in [(3, "email"), (3, "result"), (4, "name")]:
        assert re.search(rf"<td>{row}</td><td><code>{column}</code></td>", page)
    assert "formula injection" in page
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert figures == {"Learners in the file": "4", "Rows OK": "2", "Rows with problems": "2",
                       "Already issued, will be skipped": "1"}
    assert count(app, BatchUpload) == 0 and count(app, Credential) == before


def test_file_refusal_is_shown_on_the_upload_page(app, signed_in):
    response = upload(signed_in("registrar"), b"name,student\r\nA,B\r\n")
    assert response.status_code == 422 and "Row 1 (the header)" in response.get_data(as_text=True)
    assert count(app, BatchUpload) == 0


def test_clean_file_is_stored_and_nothing_is_signed_before_the_registrar_issues(app, signed_in):
    browser = signed_in("registrar")
    before = count(app, Credential)
    data = cohort(3) + csv_file({**GOOD, "student_id": "S2026-0001", "name": "Somchai"}).split(b"\r\n", 1)[1]
    response = upload(browser, data)
    assert response.status_code == 302
    page = browser.client.get(response.headers["Location"]).get_data(as_text=True)
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)</dd>", page))
    assert figures["Already issued, will be skipped"] == "1" and figures["To issue"] == "3"
    assert "Issue 3 credentials" in page and "<progress" in page and 'aria-live="polite"' in page
    assert count(app, Credential) == before


def test_issuing_through_the_chunk_endpoint(app, signed_in):
    app.config["BATCH_CHUNK_SIZE"] = 100
    browser = signed_in("registrar")
    location = upload(browser, cohort(250)).headers["Location"]
    answers = issue_with_script(browser, location)
    assert [a["position"] for a in answers] == [100, 200, 250]
    assert answers[0]["text"] == "100 of 250 issued" and answers[-1]["done"] is True
    assert len(batch_credentials(app)) == 250
    assert len(audit_actions(app, "batch.start")) == 1 and len(audit_actions(app, "batch.finish")) == 1
    assert audit_actions(app, "batch.finish")[0].detail == {"achievement": "NEV-HV-301", "issued": 250, "skipped": 0}
    result = browser.client.get(location).get_data(as_text=True)
    assert "Result" in result and "<dd>250</dd>" in result
    listing = browser.client.get("/console/batch/").get_data(as_text=True)
    assert re.search(r"cohort\.csv</a></td>\s*<td>NEV-HV-301</td>\s*<td>250</td>\s*<td><span class=\"badge good\">Issued", listing)


def test_chunk_endpoint_needs_the_csrf_token(app, signed_in):
    browser = signed_in("registrar")
    location = upload(browser, cohort(2)).headers["Location"]
    assert browser.client.post(f"{location}/chunk", json={}).status_code == 400
    assert batch_credentials(app) == set()


def test_without_javascript_the_form_issues_everything(app, signed_in):
    app.config["BATCH_CHUNK_SIZE"] = 2
    browser = signed_in("registrar")
    location = upload(browser, cohort(5)).headers["Location"]
    response = browser.post_form(location, f"{location}/issue")
    assert response.status_code == 302 and response.headers["Location"].endswith(location)
    assert "Done: 5 of 5 issued." in browser.client.get(location).get_data(as_text=True)
    assert len(batch_credentials(app)) == 5


def test_uploading_the_same_file_again_issues_nothing_new(app, signed_in):
    browser = signed_in("registrar")
    data = cohort(4)
    issue_with_script(browser, upload(browser, data).headers["Location"])
    issued = count(app, Credential)
    again = upload(browser, data).headers["Location"]
    page = browser.client.get(again).get_data(as_text=True)
    assert "Issue 0 credentials" in page
    [answer] = issue_with_script(browser, again)
    assert (answer["issued"], answer["skipped"], answer["done"]) == (0, 4, True)
    assert count(app, Credential) == issued


def test_a_failure_mid_batch_leaves_every_row_issued_or_not(app, signed_in, monkeypatch):
    app.config["BATCH_CHUNK_SIZE"] = 100
    browser = signed_in("registrar")
    location = upload(browser, cohort(250)).headers["Location"]
    failing = fail_on_signature(monkeypatch, 150)
    with pytest.raises(RuntimeError, match="signing device unplugged"):
        issue_with_script(browser, location)
    assert batch_credentials(app) == {f"S{n:05d}" for n in range(1, 101)}
    issue_events = [e for e in audit_actions(app, "credential.issue") if e.detail["student"].startswith("S0")]
    assert sorted(e.detail["student"] for e in issue_events) == sorted(batch_credentials(app))
    [stop] = audit_actions(app, "batch.stop")
    assert stop.detail == {"at_row": 100, "reason": "unexpected error (RuntimeError)"}
    assert audit_actions(app, "batch.finish") == []
    page = browser.client.get(location).get_data(as_text=True)
    assert "Resume issuing (150 left)" in page and "100 of 250 issued" in page

    failing["armed"] = False  # the device is back: resuming continues with row 102
    answers = issue_with_script(browser, location)
    assert [a["position"] for a in answers] == [200, 250]
    assert len(batch_credentials(app)) == 250 and count(app, Credential, Credential.row_key.like("S0%")) == 250
    assert len(audit_actions(app, "batch.start")) == 1 and len(audit_actions(app, "batch.finish")) == 1


def fail_on_signature(monkeypatch, nth: int) -> dict:
    """Make the institution's signer raise on its ``nth`` signature from now on."""
    from issuer.keyring import KeyRing

    state = {"count": 0, "armed": True}
    real_signer = KeyRing.signer

    class Failing:
        def __init__(self, inner):
            self.inner, self.id, self.algorithm = inner, inner.id, inner.algorithm

        def __getattr__(self, name):
            return getattr(self.inner, name)

        def sign(self, data: bytes) -> bytes:
            state["count"] += 1
            if state["armed"] and state["count"] == nth:
                raise RuntimeError("signing device unplugged")
            return self.inner.sign(data)

    monkeypatch.setattr(KeyRing, "signer", lambda self, *args: Failing(real_signer(self, *args)))
    return state


def test_a_refused_credential_stops_the_batch_with_its_rows(app, signed_in, monkeypatch):
    app.config["BATCH_CHUNK_SIZE"] = 100
    browser = signed_in("registrar")
    location = upload(browser, cohort(150)).headers["Location"]
    profile = app.extensions["skillpass_profile"]
    real_check = profile.check

    def check(credential):
        refused = '"Learner 120"' in json.dumps(credential)
        return ["credentialSubject.name: refused for the test"] if refused else real_check(credential)

    monkeypatch.setattr(profile, "check", check)
    answers = issue_with_script(browser, location)
    assert answers[-1]["http"] == 409 and answers[-1]["position"] == 100
    assert answers[-1]["error"].startswith("Issuing stopped in rows 102–151: credentialSubject.name: refused for the test.")
    assert len(batch_credentials(app)) == 100
    assert [e.detail["at_row"] for e in audit_actions(app, "batch.stop")] == [100]
    page = browser.client.get(location).get_data(as_text=True)
    assert "It stopped because: credentialSubject.name: refused for the test" in page


def test_another_institution_cannot_see_or_issue_an_upload(app, signed_in, world):
    location = upload(signed_in("registrar"), cohort(2)).headers["Location"]
    other = Browser(app.test_client())
    assert other.sign_in(world.other_registrar).status_code == 302
    token = other.token_for("/console/batch/")
    assert other.client.get(location).status_code == 404
    assert other.client.post(f"{location}/chunk", json={}, headers={"X-CSRFToken": token}).status_code == 404
    assert other.client.post(f"{location}/issue", data={"csrf_token": token}).status_code == 404
    assert other.client.get("/console/batch/template/NEV-HV-301.csv").status_code == 404
    assert "cohort.csv" not in other.client.get("/console/batch/").get_data(as_text=True)
    assert batch_credentials(app) == set()


def test_another_institutions_achievement_cannot_be_chosen(app, signed_in, world):
    page = signed_in("registrar").client.get("/console/batch/").get_data(as_text=True)
    demo_achievement = re.search(r'<option value="(\d+)">NEV-HV-301 ', page).group(1)
    other = Browser(app.test_client())
    other.sign_in(world.other_registrar)
    response = other.client.post("/console/batch/review", data={
        "csrf_token": other.token_for("/console/batch/"), "achievement": demo_achievement,
        "file": (io.BytesIO(cohort(1)), "c.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400 and count(app, BatchUpload) == 0


def test_a_viewer_cannot_upload(app, signed_in):
    browser = signed_in("viewer")
    assert browser.client.get("/console/batch/").status_code == 403
    token = browser.token_for("/console/")
    response = browser.client.post("/console/batch/review", data={
        "csrf_token": token, "achievement": "1", "file": (io.BytesIO(cohort(1)), "c.csv")}, content_type="multipart/form-data")
    assert response.status_code == 403 and count(app, BatchUpload) == 0


def test_a_21_mb_upload_gets_413_with_a_friendly_message(app, signed_in):
    browser = signed_in("registrar")
    token = browser.token_for("/console/batch/")
    # A hand-made multipart body: the test client would spool a big upload to a file it never closes.
    body = (b"--b\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + token.encode() +
            b"\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n\r\n" +
            cohort(1) + b" " * (21 * 1024 * 1024) + b"\r\n--b--\r\n")
    response = browser.client.post("/console/batch/review", data=body, content_type="multipart/form-data; boundary=b")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "larger than 20 MB" in page and "Split the cohort" in page
    assert count(app, BatchUpload) == 0


def test_xlsx_upload_through_the_console(app, signed_in):
    browser = signed_in("registrar")
    workbook = xlsx_file([list(COLUMNS), ["S00001", "Learner 1", None, None, None, "A", 6, date(2026, 9, 15), date(2031, 1, 1)]])
    location = upload(browser, workbook, filename="cohort.xlsx").headers["Location"]
    [answer] = issue_with_script(browser, location)
    assert answer["issued"] == 1 and batch_credentials(app) == {"S00001"}


def test_issued_batch_credentials_carry_the_rows(app, signed_in):
    browser = signed_in("registrar")
    issue_with_script(browser, upload(browser, csv_file(learner(1, credits_earned="4", result="A"))).headers["Location"])
    session = app.extensions["skillpass_db"].session()
    row = session.scalars(select(Credential).where(Credential.row_key == "S00001")).one()
    session.close()
    document = json.loads(row.document)
    subject = document["credentialSubject"]
    assert subject["name"] == [{"@value": "Learner 1", "@language": "en"}, {"@value": "สมชาย วงศ์สุวรรณ", "@language": "th"}]
    assert subject["creditsEarned"] == 4 and subject["result"][0]["value"] == "A"
    assert document["validFrom"] == "2026-09-15T00:00:00Z" and row.learner_email == "somchai@example.org"


def test_graduates_can_be_sent_their_links_without_waiting(app, signed_in, monkeypatch):
    import threading

    import issuer.batch_mail

    sent = []  # the message itself is tested with a real SMTP server in test_mail.py
    monkeypatch.setattr(issuer.batch_mail, "send_credential_link", lambda config, credential, *, institution_name, link:
                        sent.append((credential.row_key, institution_name, link)) or True)
    browser = signed_in("registrar")
    location = upload(browser, cohort(2) + csv_file(learner(3, email="")).split(b"\r\n", 1)[1]).headers["Location"]
    assert "E-mail each graduate" not in browser.client.get(location).get_data(as_text=True)  # no SMTP_URL: no offer
    app.config["SMTP_URL"] = "smtp://mail.invalid:25"
    token = csrf_token(browser.client.get(location).get_data(as_text=True))
    assert "E-mail each graduate" in browser.client.get(location).get_data(as_text=True)
    response = browser.client.post(f"{location}/chunk", json={"notify": True}, headers={"X-CSRFToken": token})
    assert response.get_json()["done"] is True
    for thread in threading.enumerate():
        if thread.name == "batch-mail":
            thread.join(timeout=30)
    assert sorted(row_key for row_key, _, _ in sent) == ["S00001", "S00002"]  # S00003 gave no address
    assert all(name.startswith("Demo Polytechnic") and re.fullmatch(r"http://localhost/c/[\w-]+", link) for _, name, link in sent)


def test_rows_issued_by_a_concurrent_upload_are_skipped_not_duplicated(app, signed_in, monkeypatch):
    import issuer.batch_issue

    browser = signed_in("registrar")
    first = upload(browser, cohort(3)).headers["Location"]
    second = upload(browser, cohort(4, start=2)).headers["Location"]  # S00002–S00005: two overlap
    issue_with_script(browser, first)
    real = issuer.batch_issue.already_issued
    calls = []

    def stale_once(*args):  # the first look misses what the other upload committed, as in a race
        calls.append(args)
        return set() if len(calls) == 1 else real(*args)

    monkeypatch.setattr(issuer.batch_issue, "already_issued", stale_once)
    [answer] = issue_with_script(browser, second)
    assert len(calls) == 2  # the unique row key refused the duplicates; the chunk was retried
    assert (answer["issued"], answer["skipped"], answer["done"]) == (2, 2, True)
    assert batch_credentials(app) == {f"S{n:05d}" for n in range(1, 6)}
    assert count(app, Credential, Credential.row_key.like("S0%")) == 5


class TestOnPostgreSQL:
    """The row locks, the unique row key and the JSON row counts, on the engine that scales."""

    @pytest.fixture
    def app(self, postgres_url, tmp_path):
        from issuer import create_app

        app = create_app({"TESTING": True, "DATABASE_URL": postgres_url, "KEYSTORE_DIR": str(tmp_path / "keys"),
                          "KEY_PASSPHRASE": "test keystore passphrase", "SECRET_KEY": "test secret key",
                          "PUBLIC_URL": "http://localhost"})
        app.extensions["skillpass_db"].upgrade()
        yield app
        app.extensions["skillpass_db"].dispose()

    def test_issuing_through_the_chunk_endpoint(self, app, signed_in):
        test_issuing_through_the_chunk_endpoint(app, signed_in)

    def test_a_failure_mid_batch_leaves_every_row_issued_or_not(self, app, signed_in, monkeypatch):
        test_a_failure_mid_batch_leaves_every_row_issued_or_not(app, signed_in, monkeypatch)

    def test_rows_issued_by_a_concurrent_upload_are_skipped_not_duplicated(self, app, signed_in, monkeypatch):
        test_rows_issued_by_a_concurrent_upload_are_skipped_not_duplicated(app, signed_in, monkeypatch)


def test_concurrent_chunks_of_one_upload_queue_on_its_lock(database_url, tmp_path):
    """Two workers issuing the same upload at once (two tabs, a double click) never issue a row twice."""
    import threading

    from issuer import create_app
    from issuer.batch_issue import issue_remaining, review_file
    from issuer.demo import DEMO_SLUG, seed_demo
    from issuer.models import Achievement, Institution
    from issuer.service import Issuer

    app = create_app({"DATABASE_URL": database_url, "KEYSTORE_DIR": str(tmp_path / "keys"), "KEY_PASSPHRASE": "p",
                      "SECRET_KEY": "s", "PUBLIC_URL": "http://localhost"})
    database, extensions = app.extensions["skillpass_db"], app.extensions
    database.upgrade()
    with database.session() as session:
        seed_demo(session, extensions["skillpass_keyring"], extensions["skillpass_loader"], extensions["skillpass_profile"],
                  "http://localhost")
        institution = session.scalars(select(Institution).where(Institution.slug == DEMO_SLUG)).one()
        achievement = session.scalars(select(Achievement).where(Achievement.code == "NEV-HV-301")).one()
        upload_id = review_file(session, institution, achievement, "c.csv", cohort(120), actor="test", today=TODAY).upload.id
    results, errors = [], []

    def worker():
        with database.session() as session:
            issuer = Issuer(session=session, institution=session.get(Institution, institution.id),
                            keyring=extensions["skillpass_keyring"], loader=extensions["skillpass_loader"],
                            profile=extensions["skillpass_profile"], public_url="http://localhost")
            try:
                results.append(issue_remaining(issuer, upload_id, actor="test", size=10))
            except Exception as error:  # reported below with the test's own assertion
                errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert {(r.issued, r.skipped, r.done) for r in results} == {(120, 0, True)}
    with database.session() as session:
        assert session.scalar(select(func.count(Credential.id)).where(Credential.row_key.like("S0%"))) == 120
        actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("batch.%"))))
    assert sorted(actions) == ["batch.finish", "batch.start"]
    database.dispose()
