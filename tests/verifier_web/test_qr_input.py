"""The page's QR input: a scanned code's text, a pasted one, a photo; unusable codes and photos; link codes."""

from __future__ import annotations

import copy
import dataclasses
import io
import json
import re
from datetime import datetime

import pytest
from PIL import Image, ImageFilter

from qr import payload, symbol
from verifier.http import Fetched

from .conftest import Page, main_text
from .documents import nev_credential

INLINE_NOTE = "Read from a QR code: the whole credential was in the code."
LINK_URL = "https://credentials.nev-college.example/c/42.json"


def qr_text(credential: dict) -> str:
    """The inline code's text (whatever QR version it needs: the payload's size is still being tuned)."""
    return payload.encode_inline(credential)


def symbol_for(text: str) -> symbol.QrSymbol:
    """The code for a text made here."""
    return symbol.symbol_for_text(text)


def photo_of(text: str, *, kind: str = "PNG") -> bytes:
    """A PNG of the code as drawn, or (JPEG) the code turned a little on grey paper, softened and compressed."""
    drawn = symbol.png(symbol_for(text))
    if kind == "PNG":
        return drawn
    code = Image.open(io.BytesIO(drawn)).convert("L").rotate(4, expand=True, fillcolor=255)
    paper = Image.new("L", (code.width + 400, code.height + 300), 170)
    paper.paste(code, (220, 130))
    out = io.BytesIO()
    paper.filter(ImageFilter.GaussianBlur(0.8)).save(out, format="JPEG", quality=80)
    return out.getvalue()


def post(page: Page, **fields):
    """The form posted as multipart, as the browser sends it, with the CSRF token.

    The body is made here: the test client spools a large one to a temporary file it never closes.
    """
    fields = {"csrf_token": page.token(), "target": "framework:mqf", **fields}
    boundary = "----qr-input-test"
    body = b""
    for name, value in fields.items():
        if isinstance(value, tuple):
            content, filename, media_type = value
            head = f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\nContent-Type: {media_type}'
        else:
            content, head = value.encode(), f'Content-Disposition: form-data; name="{name}"'
        body += f"--{boundary}\r\n{head}\r\n\r\n".encode() + content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    return page.client.post("/verify", data=body, headers=page.headers,
                            content_type=f"multipart/form-data; boundary={boundary}")


def upload(content: bytes, name: str = "qr.png", media_type: str = "image/png") -> tuple[bytes, str, str]:
    return content, name, media_type


@pytest.fixture(scope="module")
def credential_text():
    return qr_text(nev_credential())


def verified(response) -> bool:
    return response.status_code == 200 and "✓ VERIFIED" in main_text(response)


def problem(response) -> str:
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.search(r'<div class="error-summary".*?<p>(.*?)</p>', html, re.S)[1])


# --- a code that reads ------------------------------------------------------------------


def test_a_scanned_code_goes_straight_to_the_result(page, credential_text):
    response = post(page, scanned=credential_text)
    text = main_text(response)
    assert verified(response)
    assert INLINE_NOTE in text and "Somchai Wongsuwan" in text
    again = re.search(r'<form id="again".*?name="document" value="([^"]*)"', response.get_data(as_text=True), re.S)[1]
    assert again == credential_text  # checked again (another framework, language) as the same QR code


def test_the_scan_comes_first_even_with_something_pasted(page, credential_text):
    response = post(page, scanned=credential_text, document="{not json")
    assert verified(response) and INLINE_NOTE in main_text(response)


def test_a_pasted_code_text_is_recognised_by_its_prefix(page, credential_text):
    response = page.verify(text="\n  " + credential_text + "\n")
    assert verified(response) and INLINE_NOTE in main_text(response)


def test_pasted_json_is_not_said_to_come_from_a_qr_code(page):
    response = page.verify(nev_credential())
    assert verified(response) and "Read from a QR code" not in main_text(response)


def test_a_png_of_the_code(page, credential_text):
    response = post(page, photo=upload(photo_of(credential_text)))
    assert verified(response) and INLINE_NOTE in main_text(response)


def test_a_jpeg_photo_of_the_code(page, credential_text):
    response = post(page, photo=upload(photo_of(credential_text, kind="JPEG"), "IMG_2041.jpg", "image/jpeg"))
    assert verified(response) and INLINE_NOTE in main_text(response)


def test_a_photo_chosen_with_the_json_file_button_is_read_as_a_photo(page, credential_text):
    response = post(page, file=upload(photo_of(credential_text)))
    assert verified(response) and INLINE_NOTE in main_text(response)


def test_a_tampered_credentials_code_reads_not_verified(page):
    credential = nev_credential()
    credential["credentialSubject"]["result"][0]["value"] = "A"
    response = post(page, scanned=qr_text(credential))
    text = main_text(response)
    assert response.status_code == 200 and "✗ NOT VERIFIED" in text
    assert "The signature does not match" in text and INLINE_NOTE in text


def test_the_note_is_translated(credential_text, client):
    response = post(Page(client, "zh-Hans"), scanned=credential_text)
    assert "✓ 已验证" in main_text(response) and "读取自二维码：完整的凭证就在二维码中。" in main_text(response)


# --- what cannot be used ----------------------------------------------------------------


@pytest.mark.parametrize("fields, status, words", [
    ({"scanned": "https://example.com/menu"}, 400,
     "This QR code does not hold a Skills Passport credential: this QR code does not hold a Skills Passport "
     "credential (it starts 'https://exam', not 'SP')"),
    ({"scanned": "SP9C:ABC"}, 400, "This QR code is in a format this verifier cannot read: this QR code uses "
     "format version '9'"),
    ({"document": "SP1C:%%%"}, 400, "This QR code is damaged or incomplete: the QR code's payload is damaged"),
])
def test_text_that_is_not_a_usable_code(page, fields, status, words):
    response = post(page, **fields)
    assert response.status_code == status
    assert problem(response).startswith(words.replace("'", "&#39;"))


def test_a_code_cut_short(page, credential_text):
    response = post(page, scanned=credential_text[: len(credential_text) // 2])
    assert response.status_code == 400
    assert problem(response).startswith("This QR code is damaged or incomplete: the QR code")


def test_an_image_without_a_code(page):
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 210, 220)).save(out, format="PNG")
    response = post(page, photo=upload(out.getvalue(), "wall.png"))
    assert response.status_code == 422
    assert problem(response) == ("No QR code could be read in this photo. Try a sharper, straighter photo with "
                                 "the whole code in view.")


def test_a_file_that_is_not_an_image(page):
    response = post(page, photo=upload(b"%PDF-1.7 not a photo", "scan.jpg", "image/jpeg"))
    assert response.status_code == 400
    assert problem(response).startswith("This could not be read as a QR code: the file is not an image that can be read")


def test_a_photo_over_ten_megabytes(page):
    response = post(page, photo=upload(b"\xff\xd8\xff" + b"\0" * (10 * 1024 * 1024), "huge.jpg", "image/jpeg"))
    assert response.status_code == 413
    assert problem(response) == "This photo is larger than 10 MB. Take a new photo, or crop it to the QR code."


def test_a_body_over_the_photo_allowance_gets_the_error_page(page):
    response = post(page, photo=upload(b"\0" * (14 * 1024 * 1024), "huge.jpg", "image/jpeg"))
    assert response.status_code == 413 and "What you sent is too large" in main_text(response)


def test_the_api_gets_no_photo_allowance(client):
    response = client.post("/credentials/verify", data=b"{" + b" " * (4 * 1024 * 1024) + b"}",
                           content_type="application/json")
    assert response.status_code == 413


def test_a_problem_is_translated(client):
    response = post(Page(client, "zh-Hans"), scanned="https://example.com/menu")
    assert response.status_code == 400 and problem(response).startswith("此二维码不包含技能护照凭证：")


# --- link codes -------------------------------------------------------------------------


class FakeFetcher:
    """Serves one document at one URL (the real client's https is tested in test_http_fetcher.py)."""

    def __init__(self, documents: dict[str, object]):
        self.documents, self.fetched = documents, []

    def fetch(self, url: str, *, max_bytes: int, now: datetime, accept: str = "*/*") -> Fetched:
        self.fetched.append((url, max_bytes, accept))
        body = json.dumps(self.documents[url]).encode()
        return Fetched(body=body, url=url, fetched_at=now, age_seconds=0, from_cache=False)


def with_fetcher(app, fetcher):
    """The app's service with ``fetcher`` as its network client, as build_service gives it when the network is on."""
    service = app.extensions["skillpass_verifier"]
    app.extensions["skillpass_verifier"] = dataclasses.replace(service, fetcher=fetcher)
    return service


@pytest.fixture
def online(app):
    """Sets a fake network client for one test, then puts the offline service back."""
    installed = []

    def install(documents):
        fetcher = FakeFetcher(documents)
        installed.append(with_fetcher(app, fetcher))
        return fetcher

    yield install
    if installed:
        app.extensions["skillpass_verifier"] = installed[0]


def test_a_link_code_with_the_network_off(page):
    response = post(page, scanned=payload.encode_link(LINK_URL, nev_credential()))
    assert response.status_code == 422
    assert problem(response) == (f"The credential this QR code links to could not be fetched: this QR code links to "
                                 f"{LINK_URL}; fetching it needs the network, which is off here")


def test_a_link_code_is_followed_and_its_digest_checked(page, online):
    credential = nev_credential()
    fetcher = online({LINK_URL: credential})
    response = post(page, photo=upload(photo_of(payload.encode_link(LINK_URL, credential))))
    assert verified(response)
    assert f"Read from a QR code that links to {LINK_URL}; the fetched credential matched the code's digest." \
        in main_text(response)
    assert fetcher.fetched == [(LINK_URL, 1024 * 1024, "application/json")]


def test_a_link_whose_document_is_another_credential_is_refused(page, online):
    credential = nev_credential()
    substitute = copy.deepcopy(credential)
    substitute["credentialSubject"]["name"] = "Someone Else"
    online({LINK_URL: substitute})
    response = post(page, scanned=payload.encode_link(LINK_URL, credential))
    assert response.status_code == 422
    assert problem(response) == (f"The credential this QR code links to was refused: the document at {LINK_URL} is not "
                                 "the credential this QR code was made for (its digest differs): it was changed or "
                                 "replaced")
    assert "Someone Else" not in response.get_data(as_text=True)


def test_the_service_shares_its_network_client(registry_file):
    from .conftest import make_app

    assert make_app(registry_file).extensions["skillpass_verifier"].fetcher is None  # the network is off
    online = make_app(registry_file, VERIFIER_NETWORK=True).extensions["skillpass_verifier"]
    assert online.fetcher is not None
    assert online.fetcher is online.verifier.status.fetcher  # one client (and cache), not a second one


@pytest.mark.parametrize("fields, invalid", [
    ({"photo": upload(b"not an image", "x.jpg", "image/jpeg")}, "photo"),
    ({"document": "SP1C:%%%"}, "document"),
    ({"scanned": "SP1C:%%%"}, None),  # the message is tied to the scan button (test_qr_scanner.py)
])
def test_the_problem_is_tied_to_the_control_it_is_about(page, fields, invalid):
    html = post(page, **fields).get_data(as_text=True)
    marked = re.findall(r'id="(\w+)"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="(\w+)"', html)
    assert [a or b for a, b in marked] == ([invalid] if invalid else [])
