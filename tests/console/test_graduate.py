"""The graduate's stable link: languages, status, download, privacy headers; and no key on any page."""

from __future__ import annotations

import base64
import json
import re
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from dataintegrity.keys import encode_private_key
from schemas.credential_view import long_date, match_language, status_of
from issuer.keystore import load_private_key
from issuer.models import SigningKey
from issuer.revocation import change_status

from .test_achievements import NEW, database
from .test_issue_form import issue, learner, nev, stored, verify

THAI = {"Accept-Language": "th-TH,th;q=0.9,en;q=0.8"}


def link(app, student_id: str) -> str:
    return f"/c/{stored(app, student_id).link_token}"


def set_status(app, student_id: str, action: str) -> None:
    with database(app) as session:
        row = session.merge(stored(app, student_id))
        change_status(session, row, action, "test", "test")


def private_key_markers(app, institution_id: int) -> list[str]:
    """Every form in which the institution's private keys could leak: PEM, multibase, raw bytes."""
    with database(app) as session:
        keys = session.scalars(select(SigningKey).where(SigningKey.institution_id == institution_id)).all()
    markers = ["PRIVATE KEY", "secretKeyMultibase"]
    for key in keys:
        private = load_private_key(Path(app.config["KEYSTORE_DIR"]) / key.key_file, app.config["KEY_PASSPHRASE"].encode())
        raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
        markers += [encode_private_key(private), raw.hex(), base64.b64encode(raw).decode().rstrip("="),
                    base64.urlsafe_b64encode(raw).decode().rstrip("=")]
    return markers


def test_the_page_needs_no_sign_in_and_stays_private(app, browser):
    response = browser.client.get(link(app, "S2026-0001"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Somchai Wongsuwan" in page and "New-energy-vehicle high-voltage system service" in page
    assert "Sign out" not in page and "console" not in response.headers.get("Location", "")


def test_english_by_default(app, browser):
    page = browser.client.get(link(app, "S2026-0001")).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert '<span lang="en">New-energy-vehicle high-voltage system service</span>' in page
    assert '<strong class="status-label">Valid</strong>' in page
    assert "SA-T3 Advanced practitioner / technician" in page and "Illustrative placeholder tier" in page
    assert "Isolate and verify the HV system" in page and "6 of 6" in page and "15 September 2026" in page
    assert "Demo Polytechnic (Skills Passport demo)" in page
    assert 'aria-current="true">English</a>' in page and ">ไทย</a>" in page


def test_thai_for_a_thai_reader(app, browser):
    page = browser.client.get(link(app, "S2026-0001"), headers=THAI).get_data(as_text=True)
    assert '<span lang="th">การบริการระบบไฟฟ้าแรงสูงของยานยนต์พลังงานใหม่</span>' in page
    assert '<strong class="learner" lang="th">สมชาย วงศ์สุวรรณ</strong>' in page
    assert '<span lang="en">Somchai Wongsuwan</span>' in page  # the other version is shown too
    assert 'aria-current="true">ไทย</a>' in page


def test_the_lang_switch_wins_over_the_browser(app, browser):
    page = browser.client.get(f"{link(app, 'S2026-0001')}?lang=en", headers=THAI).get_data(as_text=True)
    assert '<span lang="en">New-energy-vehicle high-voltage system service</span>' in page
    page = browser.client.get(f"{link(app, 'S2026-0001')}?lang=th").get_data(as_text=True)
    assert '<strong class="learner" lang="th">สมชาย วงศ์สุวรรณ</strong>' in page


def test_chinese_for_a_chinese_reader(app, browser):
    page = browser.client.get(link(app, "S2026-0002"), headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert '<strong class="learner" lang="zh-Hans">李梅</strong>' in page
    assert '<span lang="zh-Hans">二维动画中间画与清稿</span>' in page
    assert '<span lang="zh-Hans">演示职业技术学院</span>' in page  # the issuer's Chinese name


def test_a_language_the_credential_lacks_falls_back_to_english(app, browser):
    page = browser.client.get(link(app, "S2026-0002"), headers=THAI).get_data(as_text=True)
    assert '<strong class="learner" lang="en">Li Mei</strong>' in page
    assert '<span lang="en">2D animation in-betweening and clean-up</span>' in page
    assert ">简体中文</a>" in page and ">ไทย</a>" not in page


def test_status_in_words(app, browser):
    set_status(app, "S2026-0001", "suspend")
    page = browser.client.get(link(app, "S2026-0001")).get_data(as_text=True)
    assert 'class="status status-suspended"' in page and '<strong class="status-label">Suspended</strong>' in page
    set_status(app, "S2026-0001", "revoke")
    page = browser.client.get(link(app, "S2026-0001")).get_data(as_text=True)
    assert '<strong class="status-label">Revoked</strong>' in page and "no longer valid" in page
    assert "test" not in re.findall(r'<p class="status[^"]*">(.*?)</p>', page, re.S)[0]  # the reason stays internal


def test_unknown_token_is_a_friendly_404(app, browser):
    for path in ("/c/" + "A" * 43, "/c/short", "/c/" + "A" * 43 + "/credential.json", "/c/%3Cscript%3E"):
        response = browser.client.get(path)
        assert response.status_code == 404, path
        assert "We could not find this credential" in response.get_data(as_text=True)
        assert response.headers["X-Robots-Tag"].startswith("noindex")


def test_the_json_download_verifies(app, browser):
    row = stored(app, "S2026-0001")
    response = browser.client.get(f"/c/{row.link_token}/credential.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=credential-{row.credential_id.removeprefix('urn:uuid:')}.json")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.get_data(as_text=True) == row.document
    result = verify(app, json.loads(row.document), now=datetime(2026, 10, 1, tzinfo=timezone.utc))
    assert result.verified, result.to_json()


def test_markup_in_a_learner_name_is_text(app, signed_in):
    browser = signed_in("registrar")
    hostile = "<img src=x onerror=alert(1)>"
    assert issue(browser, app, name=hostile, local_name="<script>alert(2)</script>").status_code == 302
    path = link(app, "S2026-0100")
    for page in (browser.client.get(path).get_data(as_text=True),
                 browser.client.get(f"{path}?lang=th").get_data(as_text=True),
                 browser.client.get("/console/credentials/").get_data(as_text=True)):
        assert "&lt;img src=x onerror=alert(1)&gt;" in page and hostile not in page
        assert "<script>" not in page


def test_no_page_ever_shows_private_key_material(app, world, signed_in):
    """Every page of the catalogue, issuing, records and graduate link, for every key of the demo."""
    browser = signed_in("admin")
    markers = private_key_markers(app, world.demo.id)
    assert len(markers) > 2
    number = nev(app)
    browser.post_form("/console/achievements/new", **NEW)
    assert issue(browser, app, email="aroon@example.org").status_code == 302
    row = stored(app, "S2026-0100")
    responses = [browser.client.get(path) for path in (
        "/console/achievements/", "/console/achievements/new", f"/console/achievements/{number}",
        f"/console/achievements/{number}/edit", "/console/issue/", f"/console/issue/{number}",
        "/console/credentials/", "/console/credentials/?q=aroon", f"/console/credentials/{row.id}",
        f"/console/credentials/{row.id}/credential.json", f"/c/{row.link_token}", f"/c/{row.link_token}?lang=th",
        f"/c/{row.link_token}/credential.json", "/c/" + "B" * 43)]
    responses.append(browser.post_form("/console/issue/", f"/console/issue/{number}", step="preview",
                                       **learner(student_id="S2026-0101")))
    responses.append(browser.post_form(f"/console/credentials/{row.id}", f"/console/credentials/{row.id}/revoke",
                                       **{"revoke-reason": "x"}))
    for response in responses:
        body = response.get_data(as_text=True)
        assert response.status_code in (200, 400, 404)
        for marker in markers:
            assert marker not in body, (response.request.path, marker[:12])
        # nothing is loaded from another server
        assert not re.search(r'<(?:link|script|img|iframe)[^>]+(?:src|href)="(?:https?:)?//', body), response.request.path


@pytest.mark.parametrize("wanted, available, expected", [
    ("th-TH", ["en", "th"], "th"),
    ("zh-CN", ["en", "zh-Hans", "zh-Hant"], "zh-Hans"),
    ("zh-TW", ["en", "zh-Hans", "zh-Hant"], "zh-Hant"),
    ("zh-HK", ["en", "zh-Hans"], None),  # a Traditional reader is not given Simplified as if it were theirs
    ("zh", ["en", "zh-Hans"], "zh-Hans"),
    ("EN-us", ["en", "th"], "en"),
    ("fr", ["en", "th"], None),
    ("*", ["en"], None),
])
def test_language_matching(wanted, available, expected):
    assert match_language(wanted, available) == expected


@pytest.mark.parametrize("revoked, suspended, start, end, key", [
    (False, False, date(2026, 1, 1), None, "valid"),
    (True, True, date(2026, 1, 1), None, "revoked"),
    (False, True, date(2026, 1, 1), None, "suspended"),
    (False, False, date(2020, 1, 1), date(2025, 12, 31), "expired"),
    (False, False, date(2027, 1, 1), None, "pending"),
])
def test_status_in_words_for_every_case(revoked, suspended, start, end, key):
    status = status_of(revoked=revoked, suspended=suspended, valid_from=long_date(start),
                       valid_until=long_date(end) if end else None, today=date(2026, 6, 1))
    assert status.key == key and status.label and status.explanation
