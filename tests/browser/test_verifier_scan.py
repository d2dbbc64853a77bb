"""Scanning a credential's QR code on the verifier page, in Chromium with a fake camera, and uploading a photo of it.

The fake camera plays a YUV4MPEG2 file made here: a few frames of the code on grey
paper (Chromium loops them). Each camera test launches its own browser, because the
video file is a launch flag. Screenshots go to ``$SKILLPASS_SCREENSHOTS``, ``verifier-scan-*.png``.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image

from qr import payload, symbol
from verifier.page_scanner import default_scanner_dir

from ..verifier_web.documents import nev_credential
from .conftest import CHROMIUM, CHROMIUM_ARGS

FRAME = (1280, 720)
PAPER_GREY = 190
needs_decoder = pytest.mark.skipif(default_scanner_dir() is None,
                                   reason="the in-browser QR decoder is not installed (make scanner)")


def code_image(text: str, module_pixels: int | None = None) -> Image.Image:
    """The code for ``text`` (any version: the payload's size is still being tuned), black on white."""
    code = symbol.QrSymbol(text, "M", symbol.version_for(text, "M"), "inline")
    size = module_pixels or int(FRAME[1] * 0.9) // (code.modules + 2 * symbol.QUIET_ZONE)
    return Image.open(io.BytesIO(symbol.png(code, module_pixels=size))).convert("L")


def camera_video(text: str, path: Path, frames: int = 3) -> Path:
    """A YUV4MPEG2 video (4:2:0 planes) of the code centred on grey paper, as Chromium's fake camera plays it."""
    width, height = FRAME
    picture = Image.new("L", FRAME, PAPER_GREY)
    code = code_image(text)
    picture.paste(code, ((width - code.width) // 2, (height - code.height) // 2))
    luma, chroma = picture.tobytes(), bytes([128]) * (width * height // 2)  # grey: no colour in U and V
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F15:1 Ip A1:1 C420jpeg\n".encode("ascii"))
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma)
    return path


@contextmanager
def camera_page(playwright_browser, verifier_url: str, video: Path, **context_options):
    """A page in a new Chromium whose camera plays ``video``, the camera allowed for the verifier."""
    browser = playwright_browser.browser_type.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS + [
        "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        context = browser.new_context(**{"viewport": {"width": 1280, "height": 900}, "locale": "en-GB",
                                         **context_options})
        context.grant_permissions(["camera"], origin=verifier_url)
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
    finally:
        browser.close()


def verdict(page) -> list[str]:
    return page.get_by_role("heading", level=1).inner_text().split()


@needs_decoder
def test_scanning_a_credential_goes_straight_to_verified(playwright_browser, verifier_url, tmp_path, screenshots):
    video = camera_video(payload.encode_inline(nev_credential()), tmp_path / "credential.y4m")
    with camera_page(playwright_browser, verifier_url, video) as page:
        requests = []
        page.on("request", lambda request: requests.append(request.url))
        page.goto(verifier_url + "/?lang=en")
        page.screenshot(path=screenshots / "verifier-scan-form.png", full_page=True)
        page.get_by_role("button", name="Scan a QR code").click()
        page.wait_for_url("**/verify")
        assert verdict(page) == ["✓", "VERIFIED"]
        assert page.locator(".verdict-source").inner_text() == "Read from a QR code: the whole credential was in the code."
        assert "Somchai Wongsuwan" in page.locator("main").inner_text()
        page.screenshot(path=screenshots / "verifier-scan-result.png", full_page=True)

        page.go_back()  # the form again, ready for the next credential
        page.get_by_role("button", name="Scan a QR code").wait_for()
        assert page.locator("#scanned").input_value() == "" and page.locator("#scan-status").inner_text() == ""
    assert f"{verifier_url}/static/scanner/zxing_reader.wasm" in requests
    assert all(url.startswith(verifier_url) for url in requests)  # the decoder came from us, not a CDN


@needs_decoder
def test_scanning_a_tampered_credential_reads_not_verified(playwright_browser, verifier_url, tmp_path, screenshots):
    credential = nev_credential()
    credential["credentialSubject"]["result"][0]["value"] = "A"
    video = camera_video(payload.encode_inline(credential), tmp_path / "tampered.y4m")
    with camera_page(playwright_browser, verifier_url, video) as page:
        page.goto(verifier_url + "/?lang=en")
        page.get_by_role("button", name="Scan a QR code").click()
        page.wait_for_url("**/verify")
        assert verdict(page) == ["✗", "NOT", "VERIFIED"]
        assert page.locator(".verdict-reason").inner_text().startswith("The signature does not match")
        page.screenshot(path=screenshots / "verifier-scan-result-tampered.png", full_page=True)

        page.get_by_role("button", name="简体中文").click()  # checked again, from the same QR text
        page.wait_for_load_state()
        assert verdict(page) == ["✗", "未通过验证"]
        assert page.locator(".verdict-source").inner_text() == "读取自二维码：完整的凭证就在二维码中。"
        page.screenshot(path=screenshots / "verifier-scan-result-tampered-zh.png", full_page=True)


@needs_decoder
@pytest.mark.parametrize("language, says", [
    ("en", "This QR code is not a Skills Passport credential. Point the camera at the credential's QR code."),
    ("zh-Hans", "此二维码不是技能护照凭证。请将摄像头对准凭证的二维码。"),
], ids=["en", "zh-Hans"])
def test_another_code_keeps_the_camera_open_and_cancel_stops_it(playwright_browser, verifier_url, tmp_path,
                                                               screenshots, language, says):
    video = camera_video("HTTPS://EXAMPLE.COM/LUNCH-MENU", tmp_path / "menu.y4m")  # (alphanumeric: what qr.symbol draws)
    with camera_page(playwright_browser, verifier_url, video) as page:
        page.goto(f"{verifier_url}/?lang={language}")
        page.locator("#scan-start").click()
        status = page.locator("#scan-status")
        status.filter(has_text=says).wait_for()
        assert page.locator("#scan-video").is_visible()
        assert page.evaluate("document.activeElement.id") == "scan-cancel"  # the way out has the focus
        page.screenshot(path=screenshots / f"verifier-scan-camera-{language}.png")
        page.evaluate("window.scanStream = document.querySelector('#scan-video').srcObject")

        page.keyboard.press("Enter")  # Cancel, by keyboard
        assert status.inner_text() == {"en": "Camera closed.", "zh-Hans": "摄像头已关闭。"}[language]
        assert not page.locator("#scan-video").is_visible()
        assert page.evaluate("window.scanStream.getTracks().every(track => track.readyState === 'ended')")
        assert page.evaluate("document.activeElement.id") == "scan-start"
        assert page.url.rstrip("/").endswith(f"?lang={language}")  # nothing was sent


@needs_decoder
def test_the_camera_on_a_phone(playwright_browser, verifier_url, tmp_path, screenshots):
    video = camera_video("HTTPS://EXAMPLE.COM/LUNCH-MENU", tmp_path / "menu.y4m")
    with camera_page(playwright_browser, verifier_url, video, viewport={"width": 375, "height": 740},
                     device_scale_factor=2, is_mobile=True, has_touch=True) as page:
        page.goto(verifier_url + "/?lang=en")
        page.screenshot(path=screenshots / "verifier-scan-form-phone.png")
        page.get_by_role("button", name="Scan a QR code").tap()
        page.locator("#scan-status").filter(has_text="not a Skills Passport credential").wait_for()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.screenshot(path=screenshots / "verifier-scan-camera-phone.png")
        frame, cancel = page.locator(".scan-frame").bounding_box(), page.locator("#scan-cancel").bounding_box()
        assert frame["width"] > 280 and cancel["y"] + cancel["height"] <= 740  # the picture and the way out, in view


def test_without_a_camera_the_page_says_so_and_the_photo_still_works(page, verifier_url, tmp_path, screenshots):
    """The session's browser has no camera and grants no permission."""
    page.goto(verifier_url + "/?lang=en")
    if page.locator("#scan-start").is_visible():  # the decoder is installed: try the camera
        page.locator("#scan-start").click()
        status = page.locator("#scan-status")
        status.filter(has_text="Upload a photo of the QR code instead.").wait_for()
        assert status.inner_text() in ("The camera was not allowed. Allow it in your browser's settings, or upload "
                                       "a photo of the QR code instead.",
                                       "No camera was found. Upload a photo of the QR code instead.")
        assert not page.locator("#scan-video").is_visible()
        page.screenshot(path=screenshots / "verifier-scan-no-camera.png", full_page=True)
    photo = tmp_path / "IMG_0412.png"
    code = code_image(payload.encode_inline(nev_credential()), module_pixels=6)
    snapshot = Image.new("L", (code.width + 300, code.height + 500), 235)
    snapshot.paste(code, (150, 250))
    snapshot.save(photo)
    page.get_by_label("Upload a photo of the QR code").set_input_files(photo)
    assert page.locator("#photo-status").inner_text().startswith("Chosen photo: IMG_0412.png")
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url("**/verify")
    assert verdict(page) == ["✓", "VERIFIED"]
    assert page.locator(".verdict-source").inner_text() == "Read from a QR code: the whole credential was in the code."
    page.screenshot(path=screenshots / "verifier-scan-photo-result.png", full_page=True)


def test_a_photo_without_a_code_is_explained(page, verifier_url, tmp_path, screenshots):
    photo = tmp_path / "ceiling.jpg"
    Image.new("RGB", (800, 600), (210, 200, 190)).save(photo)
    page.goto(verifier_url + "/?lang=zh-Hans")
    page.locator("#photo").set_input_files(photo)
    page.locator("button[type=submit]").click()
    page.wait_for_load_state()
    alert = page.get_by_role("alert")
    assert "无法从这张照片中读取二维码" in alert.inner_text()
    assert page.evaluate("document.activeElement.id") == "problem"
    page.screenshot(path=screenshots / "verifier-scan-photo-error-zh.png", full_page=True)


def test_a_link_code_with_the_network_off_is_explained(page, verifier_url):
    """The test app is offline: a link code's credential cannot be fetched, and the page says why."""
    page.goto(verifier_url + "/?lang=en")
    text = payload.encode_link("https://credentials.nev-college.example/c/42.json", nev_credential())
    page.get_by_label("Paste the credential or presentation (JSON)").fill(text)
    page.get_by_role("button", name="Verify").click()
    page.wait_for_load_state()
    assert "fetching it needs the network, which is off here" in page.get_by_role("alert").inner_text()


def test_without_javascript_the_page_says_so_and_a_photo_still_works(playwright_browser, verifier_url, tmp_path,
                                                                     screenshots):
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB",
                                             java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(verifier_url + "/?lang=en")
        assert not page.get_by_role("button", name="Scan a QR code").is_visible()
        says = ("Scanning with the camera needs JavaScript." if default_scanner_dir() else
                "Scanning with the camera is not available on this server.")
        assert says + " You can upload a photo of the QR code instead." in page.locator("fieldset.scan").inner_text()
        page.screenshot(path=screenshots / "verifier-scan-no-javascript.png")
        photo = tmp_path / "qr.png"
        code_image(payload.encode_inline(nev_credential()), module_pixels=4).save(photo)
        page.get_by_label("Upload a photo of the QR code").set_input_files(photo)
        page.get_by_role("button", name="Verify").click()
        page.wait_for_url("**/verify")
        assert verdict(page) == ["✓", "VERIFIED"]
    finally:
        context.close()
