"""The public verifier page in a real browser (Debian's Chromium): paste, choose a framework,
switch the language, read the verdict, the reasons and the recognition panel; on a phone and by keyboard.

Screenshots go to ``$SKILLPASS_SCREENSHOTS`` (default: a temporary folder), ``verifier-*.png``.
"""

from __future__ import annotations

import json

from verifier.page_scanner import default_scanner_dir

from ..verifier_web.documents import XSS, fixture, nev_credential

PASTE = "Paste the credential or presentation (JSON)"
TARGET = "Your framework or institution"


def verify(page, document, target: str | None = None) -> None:
    page.get_by_label(PASTE).fill(json.dumps(document, ensure_ascii=False, indent=2))
    if target:
        page.get_by_label(TARGET).select_option(target)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/verify")


def main_text(page) -> str:
    return " ".join(page.locator("main").inner_text().split())


def test_paste_a_credential_switch_framework_and_language(page, verifier_url, screenshots):
    page.goto(verifier_url)
    page.screenshot(path=screenshots / "verifier-form.png", full_page=True)
    verify(page, nev_credential(), "framework:mqf")

    verdict = page.get_by_role("heading", level=1)
    assert verdict.inner_text().split() == ["✓", "VERIFIED"]
    assert page.title().startswith("VERIFIED · ")
    text = main_text(page)
    assert "Genuine: the signature is valid, it was made with the issuer's key, and nothing has changed since." in text
    assert "✓ Passed Digital signature" in text and "✓ Passed Skills Passport credential profile" in text
    assert "Recognised alliance member, within its registered scope" in text
    assert "Somchai Wongsuwan" in text
    recognition = page.locator("section.recognition")
    assert "Frameworks inform recognition; they do not decide it." in recognition.inner_text()
    assert "MQF 4, Diploma" in recognition.inner_text() and "1 MQF credit" in recognition.inner_text()
    assert recognition.locator("ol.chain > li").count() == 3
    page.screenshot(path=screenshots / "verifier-result-mqf.png", full_page=True)

    page.get_by_label(TARGET).select_option("framework:hkqf")
    page.get_by_role("button", name="Show").click()
    page.wait_for_load_state()
    recognition = page.locator("section.recognition").inner_text()
    assert "HKQF 3" in recognition and "6 QF credits" in recognition and "MQF 4" not in recognition

    page.get_by_role("button", name="简体中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.get_by_role("heading", level=1).inner_text().split() == ["✓", "已验证"]
    assert "资历框架为认可提供参考，但不决定认可。" in page.locator("section.recognition").inner_text()
    assert "HKQF 3" in page.locator("section.recognition").inner_text()  # the framework was kept
    page.screenshot(path=screenshots / "verifier-result-hkqf-zh.png", full_page=True)

    page.goto(verifier_url)  # both choices are remembered
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("#target").input_value() == "framework:hkqf"
    page.get_by_role("link", name="English").click()


def test_a_tampered_credential_reads_not_verified_with_the_reason(page, verifier_url, screenshots):
    credential = nev_credential()
    credential["credentialSubject"]["result"][0]["value"] = "A"
    page.goto(verifier_url + "/?lang=en")
    verify(page, credential, "profile:poli-automotif-selangor")
    assert page.get_by_role("heading", level=1).inner_text().split() == ["✗", "NOT", "VERIFIED"]
    reason = page.locator(".verdict-reason").inner_text()
    assert reason.startswith("The signature does not match: the content was changed after signing")
    assert "✗ Failed Digital signature" in main_text(page)
    assert "Recognition is shown only for a credential that verified." in main_text(page)
    page.screenshot(path=screenshots / "verifier-result-tampered.png", full_page=True)


def test_a_file_can_be_chosen(page, verifier_url, tmp_path, screenshots):
    path = tmp_path / "credential.json"
    path.write_text(json.dumps(fixture("valid-eddsa-rdfc-2022.json")))
    page.goto(verifier_url + "/?lang=en")
    page.get_by_label("Or choose a file").set_input_files(path)
    assert "Chosen file: credential.json" in page.locator("#file-status").inner_text()
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/verify")
    # genuine, from an issuer the (test) alliance registry does not list
    assert page.get_by_role("heading", level=1).inner_text().split() == ["!", "VERIFIED", "WITH", "WARNINGS"]
    page.screenshot(path=screenshots / "verifier-result-warnings.png")


def test_a_script_in_the_learners_name_is_shown_as_text(page, verifier_url, screenshots):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(verifier_url + "/?lang=en")
    verify(page, nev_credential(learner=XSS), "framework:mqf")
    assert page.get_by_role("heading", level=1).inner_text().split() == ["✓", "VERIFIED"]
    assert page.locator(".learner").inner_text() == XSS
    assert page.locator("main img").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []
    page.screenshot(path=screenshots / "verifier-result-xss.png", full_page=True)


def test_on_a_phone(playwright_browser, verifier_url, screenshots):
    context = playwright_browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2,
                                             locale="en-GB", is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(verifier_url + "/?lang=en")
    page.screenshot(path=screenshots / "verifier-form-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    verify(page, nev_credential(), "profile:poli-automotif-selangor")
    page.screenshot(path=screenshots / "verifier-result-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.screenshot(path=screenshots / "verifier-result-phone-top.png")  # what shows first: the verdict
    box = page.get_by_role("heading", level=1).bounding_box()
    assert box["y"] + box["height"] < 740 / 2
    context.close()


def test_by_keyboard(page, verifier_url, screenshots):
    page.goto(verifier_url + "/?lang=en")
    scan = ["scan-start"] if default_scanner_dir() else []  # the camera's button, when make scanner installed it
    expected = ["Skip to content", "Skills Passport verifier", "English", "简体中文", *scan, "photo", "document", "file",
                "target", "Verify"]
    order = []
    for _ in expected:
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id || document.activeElement.innerText.replace(/\\s+/g, ' ').trim()"))
    assert order == expected
    page.keyboard.press("Shift+Tab")
    page.screenshot(path=screenshots / "verifier-focus.png")  # the focus ring on the select
    page.locator("#document").fill(json.dumps(nev_credential()))
    page.locator("#document").focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/verify")
    assert page.get_by_role("heading", level=1).inner_text().split() == ["✓", "VERIFIED"]


def test_a_malformed_paste_is_announced(page, verifier_url, screenshots):
    page.goto(verifier_url + "/?lang=en")
    page.get_by_label(PASTE).fill('{"@context": [')
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "This is not JSON that can be checked" in alert.inner_text()
    assert page.evaluate("document.activeElement.id") == "problem"  # focus moves to the message
    page.screenshot(path=screenshots / "verifier-form-error.png", full_page=True)


def test_a_presentation_of_two_credentials(page, verifier_url, screenshots):
    from ..verifier_web.documents import presentation

    page.goto(verifier_url + "/?lang=en")
    verify(page, presentation(nev_credential(), fixture("valid-eddsa-rdfc-2022.json")), "framework:znqf")
    assert page.get_by_role("heading", level=1).inner_text().split() == ["!", "VERIFIED", "WITH", "WARNINGS"]
    assert page.locator(".verdict-reason").inner_text() == "No challenge was bound."
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert "Credential 1 of 2: VERIFIED" in headings and "Credential 2 of 2: VERIFIED WITH WARNINGS" in headings
    assert "Ambiguous: ZNQF 4 or ZNQF 5" in page.locator("article").first.locator("section.recognition").inner_text()
    page.screenshot(path=screenshots / "verifier-result-presentation.png", full_page=True)
