"""A registrar's day in a real browser: issue from the form, a cohort file with
errors and then a good one, revoke, and see the served status list change."""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

from dataintegrity.status_list import decode_list, get_bit

from .conftest import sign_in

HEADER = "student_id,name,local_name,local_language,email,result,credits_earned,valid_from,valid_until\n"


def issue_from_the_form(page, live_url, screenshots) -> str:
    page.get_by_role("link", name="Issue", exact=True).click()
    page.get_by_role("link", name=re.compile("NEV-HV-301")).click()
    page.get_by_label("Student number").fill("B-0001")
    page.get_by_label("Learner's name in English").fill("Nguyen Van An")
    page.get_by_label("Learner's name in another language (optional)").fill("Nguyễn Văn An")
    page.get_by_label("Language of that name").select_option("vi")
    page.get_by_label("Result").select_option("A")
    page.screenshot(path=screenshots / "issue-form.png", full_page=True)
    page.get_by_role("button", name="Preview the credential").click()
    page.get_by_role("heading", name="Check before signing").wait_for()
    page.screenshot(path=screenshots / "issue-preview.png", full_page=True)
    assert "Nguyen Van An" in page.content() and "SA-T3" in page.content()
    assert "@context" not in page.inner_text("main")  # a person reads it, not JSON
    page.get_by_role("button", name="Sign and issue").click()
    page.wait_for_url(re.compile(r".*/console/credentials/\d+$"))
    page.screenshot(path=screenshots / "credential-page.png", full_page=True)
    return page.url


def test_issue_batch_revoke_and_see_the_status_list(page, live_url, world, screenshots, tmp_path):
    sign_in(page, live_url, world.registrar)
    credential_page = issue_from_the_form(page, live_url, screenshots)

    # A cohort file with problems: every one listed, nothing issued.
    bad = tmp_path / "cohort-bad.csv"
    bad.write_text(HEADER + "B-0100,Ana Lima,,,,Z,6,2026-09-15,\nB-0101,=HYPERLINK(1),,,,B,6,2026-13-01,\n")
    page.get_by_role("link", name="Cohort (CSV)").click()
    choose_achievement(page, "NEV-HV-301")
    page.get_by_label(re.compile("Cohort file")).set_input_files(str(bad))
    page.get_by_role("button", name="Check the file").click()
    alert = page.get_by_role("alert").first
    alert.wait_for()
    page.screenshot(path=screenshots / "batch-dry-run-errors.png", full_page=True)
    rows = [[cell.inner_text() for cell in row.locator("td").all()] for row in page.locator("table tbody tr").all()]
    assert [row[:2] for row in rows] == [["2", "result"], ["3", "name"], ["3", "valid_from"]]
    assert "formula injection" in rows[1][2] and "not a real date" in rows[2][2]

    # The corrected file: issued with the progress bar.
    good = tmp_path / "cohort-good.csv"
    good.write_text(HEADER + "".join(f"B-02{n:02d},Learner {n},,,,B,6,2026-09-15,\n" for n in range(12)))
    choose_achievement(page, "NEV-HV-301")
    page.get_by_label(re.compile("Cohort file")).set_input_files(str(good))
    page.get_by_role("button", name="Check the file").click()
    page.get_by_role("button", name=re.compile("Issue 12 credentials")).click()
    page.get_by_role("heading", name="Result").wait_for(timeout=60_000)
    page.screenshot(path=screenshots / "batch-done.png", full_page=True)
    assert re.search(r"Credentials issued\s*12", page.inner_text("main"))

    # Revoke the credential issued from the form, then read the served list.
    page.goto(credential_page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the JSON file").click()
    document = json.loads(Path(download.value.path()).read_text("utf-8"))
    entry = next(e for e in document["credentialStatus"] if e["statusPurpose"] == "revocation")
    index = int(entry["statusListIndex"])
    assert not _bit(entry["statusListCredential"], index)
    revoke = page.locator("form.status-form-revoke")
    revoke.get_by_label("Reason").fill("Issued by mistake: wrong learner")
    revoke.get_by_label("I understand revocation cannot be undone").check()
    revoke.get_by_role("button", name="Revoke for good").click()
    page.get_by_text("revoked", exact=False).first.wait_for()
    page.screenshot(path=screenshots / "credential-revoked.png", full_page=True)
    assert "Revoked" in page.inner_text("main")
    assert _bit(entry["statusListCredential"], index)


def choose_achievement(page, code: str) -> None:
    select = page.get_by_label("Achievement")
    value = select.locator("option", has_text=code).first.get_attribute("value")
    select.select_option(value)


def _bit(list_url: str, index: int) -> bool:
    with urllib.request.urlopen(list_url, timeout=10) as response:
        status_list = json.load(response)
    return get_bit(decode_list(status_list["credentialSubject"]["encodedList"]), index)


def test_admin_pages_look_right(page, live_url, world, screenshots):
    """Every console page an administrator uses renders without overflow; screenshots for a look."""
    sign_in(page, live_url, world.admin)
    for name, path in [("keys", "/console/keys/"), ("users", "/console/users/"), ("tokens", "/console/tokens/"),
                       ("audit", "/console/audit/"), ("catalogue", "/console/achievements/"),
                       ("catalogue-new", "/console/achievements/new"), ("credentials", "/console/credentials/")]:
        response = page.goto(f"{live_url}{path}")
        assert response.status == 200, path
        page.screenshot(path=screenshots / f"admin-{name}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), path
        assert page.get_by_role("heading", level=1).count() == 1, path
