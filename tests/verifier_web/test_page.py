"""The public verifier page: the form, the result (verdict, checks, issuer, content, recognition), bad input."""

from __future__ import annotations

import copy
import io
import json
import logging
import re

import pytest

from .conftest import Page, main_text, make_app
from .documents import (
    ALLIANCE,
    ISSUER,
    OTHER_ISSUER_KEY,
    REVOKED_INDEX,
    XSS,
    deeply_nested,
    fixture,
    nev_credential,
    presentation,
)

FRAMEWORKS = ["AQRF", "China vocational", "CQF", "EQF", "NTVETQF", "HKQF", "LNQF", "MQF", "Thai NQF", "ZNQF"]
PROFILES = ["Chon Buri Automotive Technical College", "Kowloon Institute of Creative Technology",
            "Politeknik Teknologi Automotif Selangor"]


def options(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', html)


# --- the form ---------------------------------------------------------------------------


def test_the_form_in_english(page):
    response = page.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="en">' in html
    assert '<label for="document">Paste the credential or presentation (JSON)</label>' in html
    assert '<label for="file">Or choose a file</label>' in html
    assert '<label for="target">Your framework or institution</label>' in html
    assert 'enctype="multipart/form-data"' in html and 'name="csrf_token"' in html
    labels = [label for value, label in options(html) if value]
    for name in FRAMEWORKS + PROFILES:
        assert any(label.startswith(name) for label in labels), name
    assert len(labels) == len(FRAMEWORKS) + len(PROFILES)
    assert "shenzhen-agreement" not in html  # the tier model is where credentials come from, not a target


def test_the_page_loads_nothing_from_elsewhere_and_runs_no_inline_script(page):
    html = page.get("/").get_data(as_text=True)
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/verifier.js" defer>']
    assert not re.search(r"\son[a-z]+=", html) and " style=" not in html and "<style" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_the_form_in_simplified_chinese_from_the_browsers_language(client):
    html = Page(client, "zh-CN,zh;q=0.9,en;q=0.5").get("/").get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    assert "核验凭证" in html and "粘贴凭证或凭证展示（JSON）" in html
    assert "Paste the credential" not in html


def test_the_language_switch_is_remembered_in_a_cookie(client):
    page = Page(client, "en")
    response = page.get("/?lang=zh-Hans")
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("skillpass_lang="))
    assert cookie.startswith("skillpass_lang=zh-Hans;") and "SameSite=Lax" in cookie and "HttpOnly" in cookie
    assert '<html lang="zh-Hans">' in page.get("/").get_data(as_text=True)  # the cookie, despite Accept-Language
    assert '<html lang="en">' in page.get("/?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in page.get("/").get_data(as_text=True)


def test_an_unknown_language_is_ignored(page):
    response = page.get("/?lang=xx-<b>")
    assert '<html lang="en">' in response.get_data(as_text=True)
    assert not any(c.startswith("skillpass_lang=") for c in response.headers.getlist("Set-Cookie"))


def test_security_headers_on_every_response(client, page):
    responses = [client.get("/"), page.verify(fixture("valid-eddsa-rdfc-2022.json")), client.get("/nowhere"),
                 client.post("/credentials/verify", json={}), client.get("/static/verifier.css")]
    for response in responses:
        headers = response.headers
        assert headers["Content-Security-Policy"].startswith("default-src 'self';")
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "no-referrer"
    assert all(r.headers["Cache-Control"] == "no-store" for r in responses[:4])
    for response in responses:
        response.close()


def test_a_post_without_the_csrf_token_is_refused(client):
    credential = fixture("valid-eddsa-rdfc-2022.json")
    response = client.post("/verify", data={"document": json.dumps(credential)})
    assert response.status_code == 400
    assert "This form has expired" in main_text(response)
    assert "z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP" not in response.get_data(as_text=True)


# --- results ------------------------------------------------------------------------------


def test_the_reference_credential_verifies(page):
    response = page.verify(fixture("valid-eddsa-rdfc-2022.json"), target="framework:mqf")
    text = main_text(response)
    assert response.status_code == 200
    assert "<title>VERIFIED WITH WARNINGS · " in response.get_data(as_text=True)
    assert text.index("VERIFIED") < text.index("Checks")  # the verdict comes first
    assert text.startswith(" ! VERIFIED WITH WARNINGS The issuer is not listed in the alliance registry "
                           "(the signature may still be valid).")
    for name in ("Format and vocabulary", "Digital signature", "Signing key belongs to the issuer", "Validity period"):
        assert f"✓ Passed {name}" in text
    assert "! Warning Issuer's standing in the alliance registry" in text
    assert "Example University, Faculty of Computer Science" in text
    assert "Not listed in the alliance registry (the signature may still be valid)" in text
    assert "Design and verify digital signature schemes" in text
    assert "Not recognised:" in text and "names no Shenzhen Agreement tier" in text  # it has no tier


@pytest.mark.parametrize("target, level, credits, status", [
    ("framework:mqf", "MQF 4, Diploma", "1 MQF credit", "Status: official"),
    ("framework:hkqf", "HKQF 3", "6 QF credits", "Status: illustrative"),
])
def test_a_profile_credential_verifies_with_recognition(page, target, level, credits, status):
    response = page.verify(nev_credential(), target=target)
    text = main_text(response)
    assert response.status_code == 200
    assert "✓ VERIFIED" in text and "✓ Passed Skills Passport credential profile" in text
    recognition = text[text.index("What it is worth in your framework"):]
    assert recognition.index("Frameworks inform recognition; they do not decide it.") < recognition.index(level)
    assert f"Level {level}" in recognition and credits in recognition
    steps = recognition[recognition.index("How we got there, step by step"):]
    assert steps.index("SA-T3, Advanced practitioner / technician Status: illustrative") < steps.index("AQRF 4 Status: illustrative")
    assert steps.index("AQRF 4 Status: illustrative") < steps.index(f"{level} {status}")
    assert "PLACEHOLDER - to be replaced by the Shenzhen Agreement Alliance&#39;s official tier table." in recognition
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("skillpass_target="))
    assert cookie.startswith(f"skillpass_target={target};") and "SameSite=Lax" in cookie


def test_the_remembered_framework_is_preselected(page):
    page.verify(nev_credential(), target="framework:hkqf")
    assert '<option value="framework:hkqf" selected>' in page.get("/").get_data(as_text=True)


def test_a_profile_shows_course_equivalences(page):
    text = main_text(page.verify(nev_credential(), target="profile:poli-automotif-selangor"))
    assert "Recognition profile of Politeknik Teknologi Automotif Selangor (example institution)" in text
    assert "1.5 MQF credits" in text
    assert "AUT-2103 EV High-Voltage Safety (1 credit): exempted" in text
    assert "AUT-2205 Traction Battery Systems (2 credits): partly covered Still needed: NEV-BMS-302-LO1" in text


def test_an_ambiguous_mapping_is_stated_plainly(page):
    text = main_text(page.verify(nev_credential(), target="framework:znqf"))
    recognition = text[text.index("What it is worth in your framework"):]
    assert ("Level Ambiguous: ZNQF 4 or ZNQF 5. The referencing gives 2 levels; none is picked. "
            "Your institution decides.") in recognition
    assert "Ambiguous: ZNQF 4 or ZNQF 5 Status: illustrative" in recognition
    assert "6 ZNQF credits" in recognition


def test_a_credit_rule_the_framework_lacks_is_said(page):
    text = main_text(page.verify(nev_credential(), target="framework:thai-nqf"))
    assert "Credits Not converted. needs an institutional rule: Thai NQF credits count contact time" in text
    assert "Level the issuer states Thai NQF 4 (agrees)" in text


def test_no_framework_chosen(page):
    text = main_text(page.verify(nev_credential(), target=""))
    assert "Choose your framework or institution above" in text


def test_a_recognised_member_within_scope(page):
    text = main_text(page.verify(nev_credential()))
    assert "✓ Recognised alliance member, within its registered scope : Eastern NEV Technical College (test member) (TH)" in text
    assert f"signed by the alliance {ALLIANCE}" in text
    assert ISSUER in text


def test_the_members_name_in_the_readers_language(client):
    text = main_text(Page(client, "zh-CN").verify(nev_credential()))
    assert "东部新能源汽车技术学院（测试成员）" in text


def test_an_issuer_not_listed(page):
    text = main_text(page.verify(nev_credential(OTHER_ISSUER_KEY)))
    assert "! VERIFIED WITH WARNINGS The issuer is not listed in the alliance registry" in text
    assert "! Not listed in the alliance registry (the signature may still be valid)" in text


def test_the_registry_unavailable_is_said_and_the_app_still_starts(tmp_path, registry_file):
    broken = tmp_path / "registry.json"
    broken.write_text(json.dumps({"issuer": ALLIANCE, "proof": None}))
    app = make_app(broken, VERIFIER_STATUS_DIR=str(registry_file.parent / "status"))
    text = main_text(Page(app.test_client()).verify(nev_credential()))
    assert "✓ VERIFIED" in text
    assert "Registry unavailable: we cannot say whether this issuer is a recognised alliance member." in text


def test_a_revoked_credential_is_not_verified(page):
    text = main_text(page.verify(nev_credential(status_index=REVOKED_INDEX)))
    assert text.startswith(" ✗ NOT VERIFIED The issuer has revoked it.")
    assert "✗ Failed Revocation and suspension" in text


def test_a_tampered_credential_is_not_verified_with_the_reason(page):
    credential = nev_credential()
    credential["credentialSubject"]["result"][0]["value"] = "A"
    response = page.verify(credential, target="framework:mqf")
    text = main_text(response)
    assert response.status_code == 200
    assert "<title>NOT VERIFIED · " in response.get_data(as_text=True)
    assert text.startswith(" ✗ NOT VERIFIED The signature does not match: the content was changed after signing")
    assert "✗ Failed Digital signature" in text
    assert "Not verified: this is what it claims. Do not rely on it." in text
    assert "Recognition is shown only for a credential that verified." in text
    assert "Its standing in the alliance registry is not shown" in text


@pytest.mark.parametrize("name", [entry for entry in ("neg-eddsa-expired.json", "neg-eddsa-signed-by-other-key.json",
                                                       "neg-eddsa-dropped-member-injected.json")])
def test_interop_negative_fixtures_are_not_verified(page, name):
    text = main_text(page.verify(fixture(name)))
    assert "✗ NOT VERIFIED" in text and "✗ Failed" in text


def test_an_unknown_context_is_not_verified(page):
    credential = fixture("valid-eddsa-rdfc-2022.json")
    credential["@context"].append("https://evil.example/context.jsonld")
    response = page.verify(credential)
    assert response.status_code == 200
    text = main_text(response)
    assert "✗ NOT VERIFIED It uses a vocabulary (@context) this verifier does not know." in text


def test_a_presentation_shows_each_credential(page):
    response = page.verify(presentation(nev_credential(), fixture("valid-eddsa-rdfc-2022.json")), target="framework:hkqf")
    text = main_text(response)
    assert "! VERIFIED WITH WARNINGS No challenge was bound." in text
    assert "Credential 1 of 2: VERIFIED" in text and "Credential 2 of 2: VERIFIED" in text
    assert "HKQF 3" in text


def test_a_presentation_with_a_tampered_credential(page):
    tampered = nev_credential()
    tampered["credentialSubject"]["creditsEarned"] = 60
    text = main_text(page.verify(presentation(fixture("valid-eddsa-rdfc-2022.json"), tampered)))
    assert "✗ NOT VERIFIED Credential 2: The signature does not match" in text
    assert "Credential 2 of 2: NOT VERIFIED" in text


def test_a_file_can_be_uploaded(page):
    data = {"csrf_token": page.token(), "document": "", "target": "framework:mqf",
            "file": (io.BytesIO(json.dumps(nev_credential()).encode()), "credential.json", "application/json")}
    response = page.client.post("/verify", data=data, content_type="multipart/form-data", headers=page.headers)
    assert "✓ VERIFIED" in main_text(response) and "MQF 4, Diploma" in main_text(response)


def test_the_result_carries_the_credential_back_for_another_framework(page):
    credential = nev_credential()
    html = page.verify(credential, target="framework:mqf").get_data(as_text=True)
    value = re.search(r'<input type="hidden" name="document" value="([^"]*)">', html)[1]
    import html as html_lib

    assert json.loads(html_lib.unescape(value)) == credential
    assert re.search(r'<button type="submit" form="again" name="lang" value="zh-Hans"', html)


def test_the_result_in_simplified_chinese(page):
    response = page.verify(nev_credential(), target="framework:hkqf", lang="zh-Hans")
    text = main_text(response)
    assert '<html lang="zh-Hans">' in response.get_data(as_text=True)
    assert "✓ 已验证" in text and "HKQF 3" in text
    assert any(c.startswith("skillpass_lang=zh-Hans;") for c in response.headers.getlist("Set-Cookie"))


def test_multilingual_content_in_the_readers_language(client):
    credential = nev_credential(signed=False)
    credential["credentialSubject"]["name"].append({"@value": "宋猜", "@language": "zh-Hans"})
    from .documents import sign

    text = main_text(Page(client, "zh-CN").verify(sign(credential)))
    assert 'lang="zh-Hans"' not in text  # (tags are stripped; see the HTML check below)
    html = Page(client, "zh-CN").verify(sign(credential)).get_data(as_text=True)
    assert '<strong class="learner" lang="zh-Hans">宋猜</strong>' in html
    assert re.search(r'<span lang="th">สมชาย วงศ์สุวรรณ</span>', html)


# --- nothing the credential contains becomes markup ------------------------------------------


def test_a_script_in_the_learners_name_is_shown_as_text(page):
    credential = nev_credential(learner=XSS)
    html = page.verify(credential, target="framework:mqf").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<img" not in html


@pytest.mark.parametrize("where", ["issuer.name", "achievement.name", "outcome", "issuer.url", "id"])
def test_markup_anywhere_in_the_credential_is_escaped(page, where):
    credential = nev_credential(signed=False)
    achievement = credential["credentialSubject"]["achievement"]
    if where == "issuer.name":
        credential["issuer"]["name"] = XSS
    elif where == "achievement.name":
        achievement["name"] = XSS
    elif where == "outcome":
        achievement["alignment"][-1]["targetName"] = XSS
    elif where == "issuer.url":
        credential["issuer"]["url"] = "javascript:alert(1)//" + XSS
    else:
        credential["id"] = "urn:x:" + XSS
    html = page.verify(credential).get_data(as_text=True)  # unsigned: not verified, but its claims are shown
    assert "<img" not in html and 'href="javascript' not in html


def test_markup_in_malformed_input_is_escaped(page):
    response = page.verify(text='{"name": "' + XSS + '", ')
    assert response.status_code == 400
    assert "<img" not in response.get_data(as_text=True)


# --- unusable input: a clear page, never a 500 -----------------------------------------------


def test_malformed_json(page):
    response = page.verify(text='{"@context": [}')
    text = main_text(response)
    assert response.status_code == 400
    assert "We could not check this" in text and "This is not JSON that can be checked: the input is not valid JSON" in text


def test_nothing_pasted(page):
    response = page.verify(text="   ")
    assert response.status_code == 400
    assert "Paste a credential or presentation, or choose a file." in main_text(response)


def test_deeply_nested_json(page):
    response = page.verify(text=deeply_nested())
    assert response.status_code == 400
    assert "nests deeper than 64 levels" in main_text(response)


def test_input_over_one_megabyte_is_refused(page):
    text = json.dumps({"padding": "x" * (1024 * 1024)})
    response = page.verify(text=text)
    assert response.status_code == 413
    assert "This is larger than 1024 KB" in main_text(response)
    assert "xxxxxxxx" not in response.get_data(as_text=True)


def test_a_ten_megabyte_body_gets_the_error_page(page):
    body = b"document=" + b"x" * (10 * 1024 * 1024)
    response = page.client.post("/verify", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "What you sent is too large" in main_text(response)
    assert "xxxxxxxx" not in response.get_data(as_text=True)


def test_a_sixteen_megabyte_upload_gets_the_error_page(page):
    """Over the page's limit for a form with a photo of a QR code (10 MB) and the rest (3 MB)."""
    boundary = "b0undary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{page.token()}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.json"\r\n'
            f"Content-Type: application/json\r\n\r\n").encode() + b"x" * (16 * 1024 * 1024) + f"\r\n--{boundary}--\r\n".encode()
    response = page.client.post("/verify", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 413
    assert "What you sent is too large" in main_text(response)


@pytest.mark.parametrize("text", ["[]", '"a string"', "42", "null", '{"type": "VerifiablePresentation"}',
                                  '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"], '
                                  '"verifiableCredential": 7}', '{"credentialSubject": {"achievement": {"alignment": 5}}}'])
def test_json_that_is_no_credential_is_not_verified(page, text):
    response = page.verify(text=text)
    assert response.status_code == 200
    assert "✗ NOT VERIFIED" in main_text(response)


def test_a_validly_signed_credential_of_an_odd_shape_still_gets_a_page(page):
    credential = copy.deepcopy(fixture("unsigned-learning-outcome.json"))
    credential["issuer"]["id"] = ISSUER
    credential["credentialSubject"]["result"] = "A"  # not a list of results
    from .documents import sign

    response = page.verify(sign(credential))
    assert response.status_code == 200 and "VERIFIED" in main_text(response)


def test_error_pages_never_echo_the_input(client):
    response = client.get("/%3Cscript%3Ealert(1)%3C/script%3E")
    assert response.status_code == 404
    assert "alert(1)" not in response.get_data(as_text=True)
    assert "There is no page at this address" in main_text(response)


def test_a_bug_gets_a_500_page_and_a_log_without_the_input(registry_file, caplog):
    app = make_app(registry_file)

    @app.get("/boom")
    def boom():
        from flask import request

        raise ValueError(f"secret learner name {request.args['name']}")

    with caplog.at_level(logging.DEBUG):
        response = app.test_client().get("/boom?name=Somchai")
    assert response.status_code == 500
    assert "Something went wrong on our side" in main_text(response)
    assert "Somchai" not in response.get_data(as_text=True)
    assert "unhandled ValueError on GET /boom" in caplog.text and "Somchai" not in caplog.text


def test_the_log_has_method_path_status_and_duration_only(page, caplog):
    credential = nev_credential(learner="Learner Whose Name Must Not Be Logged")
    with caplog.at_level(logging.DEBUG):
        page.verify(credential, target="framework:mqf")
    assert "Learner Whose Name" not in caplog.text and ISSUER not in caplog.text
    access = [r.getMessage() for r in caplog.records if r.name == "verifier.access"]
    assert re.fullmatch(r"POST /verify 200 \d+\.\dms", access[-1])


def test_a_reload_of_a_result_goes_back_to_the_form(client):
    response = client.get("/verify")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_what_is_no_credential_gets_only_the_verdict_and_the_checks(page):
    text = main_text(page.verify(text="[]"))
    assert "✗ NOT VERIFIED This is not a well-formed credential." in text
    assert "✗ Failed Format and vocabulary" in text
    assert "Who issued it" not in text and "What it is worth" not in text


def test_the_form_works_over_https_without_a_referer(registry_file):
    client = make_app(registry_file, PUBLIC_URL="https://verify.example").test_client()
    html = client.get("/", base_url="https://verify.example").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)[1]
    data = {"csrf_token": token, "document": json.dumps(nev_credential())}
    response = client.post("/verify", data=data, base_url="https://verify.example")  # no Referer, as browsers send it
    assert response.status_code == 200 and "✓ VERIFIED" in main_text(response)
    assert all("Secure" in cookie for cookie in response.headers.getlist("Set-Cookie"))
