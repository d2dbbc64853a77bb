"""The graduate's QR code, present view, downloads, live status and printable certificate.

Every code is read back the way a verifier would: PNG (or the PDF rendered to
an image) -> zxing-cpp -> :func:`qr.payload.decode` -> the credential, followed
through the link when the code is a link code, then verified.

Most tests share one app (module scope) on an https deployment that makes
inline codes up to version 40; a test that needs a link code or an http
deployment changes ``QR_MAX_VERSION`` or ``PUBLIC_URL`` for itself only. The
PDFs are rendered once, in :func:`certificates`.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree

import pytest
import zxingcpp
from PIL import Image

from issuer.certificate import certificate_for, certificate_html, printed_size_mm, render_pdf
from issuer.demo import seed_demo
from issuer.graduate_qr import CredentialCode, paper_code
from issuer.revocation import change_status
from qr import payload, reader, symbol
from schemas.credential_view import status_of
from verifier.http import Fetched
from verifier.qr_input import credential_from_text

from .conftest import migrated_app
from .test_achievements import database
from .test_graduate import set_status
from .test_issue_form import stored, verify

PUBLIC = "https://skills.example"
THAI, CHINESE, PLAIN = "S2026-0001", "S2026-0002", "S2026-0003"
NEW_ROUTES = ("qr.png", "qr.svg", "present", "status.json", "certificate.pdf")
DPI = 150


def after_valid_from() -> datetime:
    """A moment when the demo credentials (valid from 15 September 2026) are valid."""
    return max(datetime.now(timezone.utc), datetime(2026, 9, 16, tzinfo=timezone.utc))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The demo credentials on an https deployment whose codes may be inline up to version 40."""
    app = migrated_app(tmp_path_factory.mktemp("graduate-qr"), PUBLIC_URL=PUBLIC, QR_MAX_VERSION=40)
    extensions = app.extensions
    session = extensions["skillpass_db"].session()
    seed_demo(session, extensions["skillpass_keyring"], extensions["skillpass_loader"], extensions["skillpass_profile"],
              PUBLIC)
    session.close()
    yield app
    extensions["skillpass_db"].dispose()


@pytest.fixture
def client(served):
    return served.test_client()


def token(app, student_id: str) -> str:
    return stored(app, student_id).link_token


class ClientFetcher:
    """The verifier's fetcher, answered by the test client instead of the network."""

    def __init__(self, client, public_url: str):
        self.client, self.public_url = client, public_url

    def fetch(self, url: str, *, max_bytes: int, now: datetime, accept: str = "application/json") -> Fetched:
        assert url.startswith(self.public_url + "/c/"), url
        response = self.client.get(url.removeprefix(self.public_url), headers={"Accept": accept})
        assert response.status_code == 200, url
        return Fetched(response.data, url, now, 0.0, from_cache=False)


def read_back(app, client, image: bytes):
    """The credential a QR image gives a verifier (following a link code through ``client``)."""
    text = reader.read_code(image)
    return credential_from_text(text, fetcher=ClientFetcher(client, app.config["PUBLIC_URL"]), now=after_valid_from())


def assert_is_the_stored_credential(app, student_id: str, document) -> None:
    assert document == json.loads(stored(app, student_id).document)
    result = verify(app, document, now=after_valid_from())
    assert result.verified, result.to_json()


# ---- Routes, headers, 404s ----

@pytest.mark.parametrize("route, mimetype, disposition", [
    ("qr.png", "image/png", "attachment; filename=credential-{uuid}-qr.png"),
    ("qr.svg", "image/svg+xml", "attachment; filename=credential-{uuid}-qr.svg"),
    ("present", "text/html", None),
    ("status.json", "application/json", None),
])
def test_each_route_answers_with_its_type_and_the_private_headers(served, client, route, mimetype, disposition):
    row = stored(served, CHINESE)
    response = client.get(f"/c/{row.link_token}/{route}")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    uuid = row.credential_id.removeprefix("urn:uuid:")
    assert response.headers.get("Content-Disposition") == (disposition.format(uuid=uuid) if disposition else None)
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


@pytest.mark.parametrize("route", NEW_ROUTES)
@pytest.mark.parametrize("bad_token", ["A" * 43, "short", "A" * 42 + "!", "%3Cscript%3E"])
def test_unknown_or_malformed_tokens_are_404(client, route, bad_token):
    response = client.get(f"/c/{bad_token}/{route}")
    assert response.status_code == 404
    assert response.headers["X-Robots-Tag"].startswith("noindex")
    if route == "status.json":
        assert response.is_json and "status" not in response.get_json()
    else:
        assert "We could not find this credential" in response.get_data(as_text=True)


# ---- The code on screen: inline, link, or none ----

def test_the_png_code_carries_the_whole_credential_when_it_fits(served, client):
    response = client.get(f"/c/{token(served, CHINESE)}/qr.png")
    read = read_back(served, client, response.data)
    assert read.mode == "inline"
    assert_is_the_stored_credential(served, CHINESE, read.document)
    page = client.get(f"/c/{token(served, CHINESE)}").get_data(as_text=True)
    assert "carries the whole credential: it verifies offline" in page


def test_a_credential_too_large_to_carry_gets_a_link_to_its_json(served, client, monkeypatch):
    monkeypatch.setitem(served.config, "QR_MAX_VERSION", 1)  # nothing fits inline in version 1
    link = token(served, THAI)
    read = read_back(served, client, client.get(f"/c/{link}/qr.png").data)
    assert read.mode == "link" and read.url == f"{PUBLIC}/c/{link}/credential.json"
    assert_is_the_stored_credential(served, THAI, read.document)
    page = client.get(f"/c/{link}").get_data(as_text=True)
    assert "links to the credential online" in page and "verifies offline" not in page


def test_a_link_code_follows_the_credential_only_if_it_is_unchanged(served, client, monkeypatch):
    """The digest in a link code pins the credential: another one at that address is refused."""
    monkeypatch.setitem(served.config, "QR_MAX_VERSION", 1)
    text = reader.read_code(client.get(f"/c/{token(served, THAI)}/qr.png").data)
    decoded = payload.decode(text)
    assert decoded.matches(json.loads(stored(served, THAI).document))
    assert not decoded.matches(json.loads(stored(served, CHINESE).document))


def test_an_http_server_says_a_link_code_cannot_be_made(served, client, monkeypatch):
    monkeypatch.setitem(served.config, "QR_MAX_VERSION", 1)
    monkeypatch.setitem(served.config, "PUBLIC_URL", "http://localhost")
    link = token(served, THAI)
    page = client.get(f"/c/{link}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "A QR code cannot be made for this credential here" in html
    assert "needs this server&#39;s public address to be https, not http://localhost" in html
    assert "<svg" not in html and f"/c/{link}/present" not in html and f"/c/{link}/qr.png" not in html
    assert f"/c/{link}/credential.json" in html and f"/c/{link}/certificate.pdf" in html
    for route in ("qr.png", "qr.svg"):
        response = client.get(f"/c/{link}/{route}")
        assert response.status_code == 404 and "cannot be made" in response.get_data(as_text=True)
    present = client.get(f"/c/{link}/present")
    assert present.status_code == 200 and "cannot be made" in present.get_data(as_text=True)


def test_the_svg_download_is_the_same_code_as_the_png(served, client):
    link = token(served, CHINESE)
    svg = client.get(f"/c/{link}/qr.svg").data
    root = ElementTree.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    side = int(root.get("viewBox").split()[2])
    png = Image.open(io.BytesIO(client.get(f"/c/{link}/qr.png").data))
    assert png.size == (side * 8, side * 8)  # 8 pixels a module, the same modules and quiet zone


# ---- The page and the present view ----

def test_the_page_shows_the_code_its_mode_and_every_button(served, client):
    link = token(served, CHINESE)
    html = client.get(f"/c/{link}").get_data(as_text=True)
    assert re.search(r'<figure class="share-code">\s*<svg [^>]*role="img"', html)
    for target, words in [(f"/c/{link}/present", "Present the QR code"), (f"/c/{link}/credential.json", "Download JSON"),
                          (f"/c/{link}/qr.png", "QR code as PNG"), (f"/c/{link}/qr.svg", "QR code as SVG"),
                          (f"/c/{link}/certificate.pdf", "Printable certificate")]:
        assert re.search(rf'href="{re.escape(target)}[^"]*"[^>]*>{words}', html), target
    assert re.search(rf'href="/c/{link}/present\?lang=en">Show the QR code</a>', html)  # near the top, for phones
    assert f'data-status-url="/c/{link}/status.json"' in html and 'data-status-every="60"' in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all('src="/console/static/graduate.js"' in s for s in scripts)  # no inline script (CSP)
    assert " style=" not in html  # no inline styles either
    assert 'data-status-shows="revoked" hidden' in html


def test_the_present_view_is_the_code_with_whose_it_is(served, client):
    link = token(served, CHINESE)
    html = client.get(f"/c/{link}/present", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert '<body class="present">' in html and 'class="top' not in html  # no header: the code fills the screen
    assert re.search(r'<div class="present-code"><svg [^>]*viewBox="0 0 (\d+) \1"', html)
    assert '<span lang="zh-Hans">李梅</span>' in html and '<span lang="zh-Hans">二维动画中间画与清稿</span>' in html
    assert f'href="/c/{link}?lang=zh-Hans"' in html and "Back to the credential" in html
    assert "verifies offline" in html


# ---- Live status ----

def test_status_json_is_read_from_the_database_on_every_request(app, world, browser):
    path = f"/c/{stored(app, THAI).link_token}/status.json"
    response = browser.client.get(path)
    answer = response.get_json()
    assert set(answer) == {"status", "label", "explanation"}
    assert (answer["status"], answer["label"]) == ("valid", "Valid")
    assert response.headers["Cache-Control"] == "no-store"
    set_status(app, THAI, "suspend")
    assert browser.client.get(path).get_json()["status"] == "suspended"
    set_status(app, THAI, "revoke")
    revoked = browser.client.get(path).get_json()
    assert (revoked["status"], revoked["label"]) == ("revoked", "Revoked")
    assert "no longer valid" in revoked["explanation"]


def test_a_revoked_credential_keeps_its_code_and_says_it_is_revoked(app, world, browser):
    set_status(app, CHINESE, "revoke")
    link = stored(app, CHINESE).link_token
    html = browser.client.get(f"/c/{link}").get_data(as_text=True)
    assert '<p class="status status-revoked"><strong class="status-label">Revoked</strong>' in html
    assert '<p class="notice revoked-note" data-status-shows="revoked">' in html  # shown, not hidden
    assert "This credential has been revoked." in html
    assert browser.client.get(f"/c/{link}/qr.png").status_code == 200
    assert browser.client.get(f"/c/{link}/qr.svg").status_code == 200
    present = browser.client.get(f"/c/{link}/present").get_data(as_text=True)
    assert "Revoked" in present and "graduate.js" in present


# ---- The printable certificate ----

@dataclass
class Printed:
    student_id: str
    pdf: bytes
    headers: dict
    text: str
    fonts: str
    info: str
    pages: list[bytes]


def print_certificate(app, student_id: str, folder: Path) -> Printed:
    """GET the certificate, then read it as a person and a phone would: text, fonts, 150 dpi images."""
    response = app.test_client().get(f"/c/{token(app, student_id)}/certificate.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    pdf = folder / f"{student_id}.pdf"
    pdf.write_bytes(response.data)
    subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(folder / student_id)], check=True, timeout=60)

    def run(command, *after):
        done = subprocess.run([command, str(pdf), *after], check=True, capture_output=True, text=True, timeout=60)
        return done.stdout

    return Printed(student_id, response.data, dict(response.headers), run("pdftotext", "-"), run("pdffonts"),
                   run("pdfinfo"), [page.read_bytes() for page in sorted(folder.glob(f"{student_id}-*.png"))])


@pytest.fixture(scope="module")
def certificates(served, tmp_path_factory) -> dict[str, Printed]:
    """The Thai and Chinese learners' certificates (inline codes), and a revoked one with a link code."""
    folder = tmp_path_factory.mktemp("certificates")
    printed = {student_id: print_certificate(served, student_id, folder) for student_id in (THAI, CHINESE)}
    with database(served) as session:
        change_status(session, session.merge(stored(served, PLAIN)), "revoke", "test", "test")
    served.config["QR_MAX_VERSION"] = 1
    try:
        printed[PLAIN] = print_certificate(served, PLAIN, folder)
    finally:
        served.config["QR_MAX_VERSION"] = 40
    return printed


def test_the_certificate_is_one_a4_page_served_inline(certificates, served):
    for printed in certificates.values():
        assert printed.headers["Content-Type"] == "application/pdf"
        uuid = stored(served, printed.student_id).credential_id.removeprefix("urn:uuid:")
        assert printed.headers["Content-Disposition"] == f"inline; filename=certificate-{uuid}.pdf"
        assert printed.headers["X-Robots-Tag"].startswith("noindex")
        assert re.search(r"Pages:\s+1\n", printed.info), printed.info
        assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", printed.info), printed.info


@pytest.mark.parametrize("student_id, mode", [(THAI, "inline"), (CHINESE, "inline"), (PLAIN, "link")])
def test_the_printed_code_scans_back_to_the_credential(certificates, served, student_id, mode):
    printed = certificates[student_id]
    read = read_back(served, served.test_client(), printed.pages[0])
    assert read.mode == mode
    assert_is_the_stored_credential(served, student_id, read.document)


@pytest.mark.parametrize("student_id", [THAI, CHINESE, PLAIN])
def test_the_printed_code_is_large_enough_to_scan_from_paper(certificates, student_id):
    image = Image.open(io.BytesIO(certificates[student_id].pages[0])).convert("L")
    (found,) = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    position = found.position
    width_mm = (position.top_right.x - position.top_left.x) / DPI * 25.4
    height_mm = (position.bottom_left.y - position.top_left.y) / DPI * 25.4
    modules = 17 + 4 * int(found.extra["Version"])
    pixel_mm = 25.4 / DPI  # zxing measures to a pixel
    assert width_mm >= 35 - pixel_mm and height_mm >= 35 - pixel_mm, (width_mm, height_mm)
    assert width_mm / modules >= 0.45 - pixel_mm / modules
    assert found.ec_level == "Q"  # paper gets Q: every demo credential fits inline at Q within version 40


def test_paper_gets_level_q_then_m_then_a_link(served):
    """Q while the credential fits inline at Q within the limit, then M, then a link code (at Q)."""
    document = json.loads(stored(served, THAI).document)
    text = payload.encode_inline(document)
    at_q, at_m = symbol.version_for(text, "Q"), symbol.version_for(text, "M")
    assert at_m < at_q
    link_url = f"{PUBLIC}/c/{'A' * 43}/credential.json"
    chosen = [paper_code(document, link_url=link_url, max_version=limit).symbol for limit in (at_q, at_q - 1, at_m - 1)]
    assert [(code.mode, code.level) for code in chosen] == [("inline", "Q"), ("inline", "M"), ("link", "Q")]
    assert payload.decode(chosen[2].text).url == link_url


def test_the_certificate_renderer_fetches_nothing(caplog):
    """A URL that reached the certificate (say, in a hostile name) is neither fetched nor read from disk."""
    pdf = render_pdf('<p>Name<img src="https://example.com/track.png"><img src="file:///etc/hostname"></p>')
    assert pdf.startswith(b"%PDF-")
    assert "https://example.com/track.png" in caplog.text and "file:///etc/hostname" in caplog.text  # refused


def test_markup_in_a_name_is_printed_as_text(served):
    document = json.loads(stored(served, THAI).document)
    hostile = '<img src="file:///etc/hostname">'
    document["credentialSubject"]["name"] = [{"@value": hostile, "@language": "en"},
                                             {"@value": "<script>alert(1)</script>", "@language": "th"}]
    now = after_valid_from()
    status = status_of(revoked=False, suspended=False, valid_from=None, valid_until=None, today=now.date())
    with served.test_request_context():
        printed = certificate_for(document, tiers=None, status=status, code=CredentialCode(None, "none"),
                                  issued_at=now, now=now)
        html = certificate_html(printed)
    assert "&lt;img src=&#34;file:///etc/hostname&#34;&gt;" in html and hostile not in html
    assert "&lt;script&gt;" in html and "<script" not in html


def test_the_printed_size_grows_with_the_code_and_fits_the_page():
    assert printed_size_mm(21) == pytest.approx(35 / 21 * 29)  # a tiny code: the symbol is 35 mm
    assert printed_size_mm(125) == pytest.approx(0.45 * 133)  # version 27: 0.45 mm a module
    assert printed_size_mm(177) <= 100  # version 40 still fits beside the text


def test_the_certificate_names_the_learner_in_every_language(certificates):
    thai, chinese = certificates[THAI].text, certificates[CHINESE].text
    assert "Somchai Wongsuwan" in thai and "สมชาย วงศ์สุวรรณ" in thai
    assert "New-energy-vehicle high-voltage system service" in thai
    assert "การบริการระบบไฟฟ้าแรงสูงของยานยนต์พลังงานใหม่" in thai
    assert "Li Mei" in chinese and "李梅" in chinese
    assert "2D animation in-betweening and clean-up" in chinese and "二维动画中间画与清稿" in chinese
    assert "Demo Polytechnic (Skills Passport demo)" in chinese and "演示职业技术学院" in chinese


def test_the_certificate_says_what_was_achieved_and_how_to_check_it(certificates, served):
    text = " ".join(certificates[THAI].text.split())
    document = json.loads(stored(served, THAI).document)
    for expected in ("Demo Polytechnic (Skills Passport demo)", "SA-T3 Advanced practitioner / technician",
                     "Illustrative placeholder tier", "6 of 6", "Isolate and verify the HV system",
                     "Replace HV components", "NEV-HV-301", "15 September 2026", "No end date",
                     "Skills Passport verifier", "carries the whole credential", document["id"], document["issuer"]["id"]):
        assert expected in text, expected
    for label in ("Shenzhen Agreement tier", "Credits", "Learning outcomes", "Valid from", "Valid until", "Issued"):
        assert label.upper() in text, label  # set in small capitals
    assert "when this copy was made" not in text  # the status banner is for credentials no longer valid


def test_a_revoked_certificate_says_so_and_links_to_the_credential(certificates):
    text = " ".join(certificates[PLAIN].text.split())
    assert re.search(r"Status on \d+ \w+ \d{4}, when this copy was made: REVOKED\. The issuer has revoked", text), text
    assert "links to the credential online" in text


def test_the_certificate_embeds_the_noto_fonts_it_needs(certificates):
    def embedded(fonts: str) -> set[str]:
        rows = [line.split() for line in fonts.splitlines()[2:]]
        return {row[0].split("+", 1)[-1] for row in rows if "yes" in row}

    thai, chinese = embedded(certificates[THAI].fonts), embedded(certificates[CHINESE].fonts)
    assert {"Noto-Sans", "Noto-Serif", "Noto-Serif-Thai"} <= thai, thai
    assert {"Noto-Sans", "Noto-Serif", "Noto-Serif-CJK-SC"} <= chinese, chinese


def test_qr_max_version_comes_from_the_environment_and_is_checked():
    from issuer import config

    assert config.from_environment({"SKILLPASS_QR_MAX_VERSION": "22"})["QR_MAX_VERSION"] == 22
    for bad in ("0", "41", "big", "-3"):
        with pytest.raises(ValueError, match="SKILLPASS_QR_MAX_VERSION"):
            config.from_environment({"SKILLPASS_QR_MAX_VERSION": bad})
