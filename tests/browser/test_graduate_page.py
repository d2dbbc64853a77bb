"""The graduate's page and present view in a real browser, on a phone and a laptop.

The QR code is read back from the browser's own screenshots: what the screen
shows is what a verifier's camera gets. The deployment here is http (a local
port), where no link code can be made, so it allows inline codes up to version
40: every demo credential then has a code.
"""

from __future__ import annotations

import json

import pytest

from issuer.revocation import change_status
from qr import payload, reader

from ..console.conftest import migrated_app
from ..console.test_achievements import database
from ..console.test_issue_form import stored

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
LAPTOP = {"viewport": {"width": 1280, "height": 800}, "device_scale_factor": 1}
CHINESE, THAI = "S2026-0002", "S2026-0001"


@pytest.fixture
def app(tmp_path):
    app = migrated_app(tmp_path, TESTING=False, PUBLIC_URL="http://127.0.0.1", QR_MAX_VERSION=40)
    yield app
    app.extensions["skillpass_db"].dispose()


@pytest.fixture
def open_page(playwright_browser):
    """A page in a new browser context shaped like ``device`` (PHONE or LAPTOP)."""
    contexts = []

    def open_in(device: dict):
        context = playwright_browser.new_context(locale="en-GB", **device)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_in
    for context in contexts:
        context.close()


def credential_in(image: bytes) -> dict:
    """The credential the QR code in a screenshot carries (inline: no network needed)."""
    decoded = payload.decode(reader.read_code(image))
    assert isinstance(decoded, payload.InlineCredential)
    return decoded.credential


def test_the_page_shows_a_code_that_scans_and_every_way_to_keep_it(app, world, live_url, open_page, screenshots):
    row = stored(app, CHINESE)
    page = open_page(LAPTOP)
    page.goto(f"{live_url}/c/{row.link_token}?lang=zh-Hans")
    page.screenshot(path=screenshots / "graduate-page-desktop.png", full_page=True)
    for name in ("Present the QR code", "Download JSON", "QR code as PNG", "QR code as SVG", "Printable certificate"):
        assert page.get_by_role("link", name=name).is_visible(), name
    assert "verifies offline" in page.inner_text(".share")
    code = page.locator(".share-code svg")
    assert credential_in(code.screenshot()) == json.loads(row.document)

    with page.expect_download() as download:
        page.get_by_role("link", name="QR code as PNG").click()
    assert download.value.suggested_filename == f"credential-{row.credential_id.removeprefix('urn:uuid:')}-qr.png"


def test_the_page_on_a_phone(app, world, live_url, open_page, screenshots):
    row = stored(app, THAI)
    page = open_page(PHONE)
    page.goto(f"{live_url}/c/{row.link_token}?lang=th")
    page.screenshot(path=screenshots / "graduate-page-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    code = page.locator(".share-code svg").bounding_box()
    assert code["width"] >= 0.7 * 390
    assert credential_in(page.locator(".share-code svg").screenshot()) == json.loads(row.document)


def test_present_fills_a_phone_screen_and_scans(app, world, live_url, open_page, screenshots):
    row = stored(app, THAI)
    page = open_page(PHONE)
    page.goto(f"{live_url}/c/{row.link_token}")
    page.get_by_role("link", name="Present the QR code").click()
    page.wait_for_url(f"**/c/{row.link_token}/present**")
    page.screenshot(path=screenshots / "graduate-present-phone.png")
    box = page.locator(".present-code svg").bounding_box()
    assert box["width"] >= 0.9 * 390, box  # edge to edge, its own quiet zone as the margin
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844, box  # all of it on screen, no scrolling
    assert page.get_by_text("Somchai Wongsuwan").is_visible()
    assert credential_in(page.screenshot()) == json.loads(row.document)
    page.get_by_role("link", name="Back to the credential").click()
    page.wait_for_url(f"**/c/{row.link_token}?lang=en")


def test_present_fills_a_laptop_screen_and_scans(app, world, live_url, open_page, screenshots):
    row = stored(app, CHINESE)
    page = open_page(LAPTOP)
    page.goto(f"{live_url}/c/{row.link_token}/present?lang=zh-Hans")
    page.screenshot(path=screenshots / "graduate-present-desktop.png")
    box = page.locator(".present-code svg").bounding_box()
    assert box["height"] >= 0.75 * 800 and box["y"] + box["height"] <= 800, box
    assert page.get_by_text("李梅").is_visible()
    assert credential_in(page.screenshot()) == json.loads(row.document)


def test_a_revocation_shows_on_the_open_page_without_a_reload(app, world, live_url, open_page, screenshots):
    row = stored(app, THAI)
    page = open_page(LAPTOP)
    page.goto(f"{live_url}/c/{row.link_token}")
    assert page.locator(".status-label").inner_text() == "Valid"
    assert page.locator(".revoked-note").is_hidden()
    with database(app) as session:
        change_status(session, session.merge(row), "revoke", "test", "test")
    # The page asks every minute, and at once when the tab comes back into view.
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    page.locator(".status-revoked .status-label", has_text="Revoked").wait_for()
    assert page.locator(".revoked-note").is_visible()
    assert page.locator(".share-code svg").is_visible()  # the code stays available
    page.screenshot(path=screenshots / "graduate-page-revoked.png", full_page=True)
