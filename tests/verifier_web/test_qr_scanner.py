"""The page's QR controls and the in-browser decoder's files, served by the verifier itself."""

from __future__ import annotations

import re

import pytest

from verifier.page_scanner import SCANNER_FILES

from .conftest import Page, main_text, make_app


@pytest.fixture(scope="module")
def scanner_dir(tmp_path_factory):
    """A stand-in for ``make scanner``'s folder: the two files at the paths npm puts them."""
    folder = tmp_path_factory.mktemp("scanner")
    for name, relative in SCANNER_FILES.items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(b"\0asm\1\0\0\0" if name.endswith(".wasm") else b"var ZXingWASM = {};")
    (folder / "node_modules" / "zxing-wasm" / "package.json").write_text("{}")
    return folder


@pytest.fixture(scope="module")
def scanning_app(registry_file, scanner_dir):
    return make_app(registry_file, VERIFIER_SCANNER_DIR=str(scanner_dir))


@pytest.fixture(scope="module")
def upload_only_app(registry_file):
    return make_app(registry_file, VERIFIER_SCANNER_DIR=None)


def test_the_form_offers_the_camera_and_a_photo_first(scanning_app):
    html = Page(scanning_app.test_client()).get("/").get_data(as_text=True)
    form = html[html.index("<form"):]
    assert form.index('id="scan-start"') < form.index('id="photo"') < form.index('id="document"')
    assert "<legend>Scan the credential's QR code</legend>" in html
    assert re.search(r'<button type="button" class="primary scan-start" id="scan-start" aria-controls="scan-view" hidden>'
                     r"Scan a QR code</button>", html)  # shown by scan.js once it knows there is a camera
    assert '<label for="photo">Upload a photo of the QR code</label>' in html
    assert re.search(r'<input type="file" id="photo" name="photo" accept="image/\*"', html)
    assert 'data-decoder="/static/scanner/zxing-reader.js"' in html
    assert 'data-decoder-wasm="/static/scanner/zxing_reader.wasm"' in html
    assert 'data-scan-script="/static/scan.js"' in html
    assert '<p class="scan-status" id="scan-status" role="status" aria-live="polite"></p>' in html
    assert "<noscript><p class=\"scan-note\">Scanning with the camera needs JavaScript." in html
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/verifier.js" defer>']  # scan.js is loaded by it


def test_a_problem_with_a_scanned_code_is_tied_to_the_scan_button(scanning_app):
    page = Page(scanning_app.test_client())
    response = page.client.post("/verify", data={"csrf_token": page.token(), "scanned": "SP1C:%%%"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'id="scan-start"[^>]*aria-describedby="problem"', html) and 'aria-invalid="true"' not in html


def test_without_the_decoder_the_page_says_so_and_keeps_the_photo(upload_only_app):
    response = Page(upload_only_app.test_client()).get("/")
    text = main_text(response)
    assert "Scanning with the camera is not available on this server. You can upload a photo of the QR code instead." in text
    assert 'id="scan-start"' not in response.get_data(as_text=True)
    assert "Upload a photo of the QR code" in text
    assert upload_only_app.test_client().get("/static/scanner/zxing-reader.js").status_code == 404


def test_the_controls_in_chinese(scanning_app):
    text = main_text(Page(scanning_app.test_client(), "zh-Hans").get("/"))
    assert "扫描凭证的二维码" in text and "扫描二维码" in text and "上传二维码的照片" in text


@pytest.mark.parametrize("name, media_type", [("zxing-reader.js", "text/javascript"),
                                              ("zxing_reader.wasm", "application/wasm")])
def test_the_decoder_files_are_served(scanning_app, scanner_dir, name, media_type):
    response = scanning_app.test_client().get(f"/static/scanner/{name}")
    assert response.status_code == 200
    assert response.mimetype == media_type  # WebAssembly.instantiateStreaming needs application/wasm
    assert response.data == (scanner_dir / SCANNER_FILES[name]).read_bytes()
    assert response.headers["Cache-Control"] == "no-cache" and response.headers["ETag"]  # kept, and revalidated
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()


@pytest.mark.parametrize("path", [
    "/static/scanner/", "/static/scanner/package.json", "/static/scanner/index.js",
    "/static/scanner/..%2Fnode_modules%2Fzxing-wasm%2Fpackage.json", "/static/scanner/../scanner/zxing-reader.js/..",
    "/static/scanner/node_modules/zxing-wasm/dist/reader/zxing_reader.wasm",
])
def test_nothing_else_is_served_from_the_scanner_folder(scanning_app, path):
    response = scanning_app.test_client().get(path)
    assert response.status_code == 404 and b"ZXingWASM" not in response.data


def test_the_page_may_compile_webassembly_but_not_eval(scanning_app):
    policy = scanning_app.test_client().get("/").headers["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval';" in policy
    assert "'unsafe-eval'" not in policy and "unsafe-inline" not in policy
    assert "default-src 'self';" in policy  # the .wasm is fetched from this server only


def test_the_scanner_folder_comes_from_the_environment(monkeypatch, registry_file, scanner_dir):
    from verifier.web import create_app

    monkeypatch.setenv("SKILLPASS_VERIFIER_SCANNER_DIR", str(scanner_dir))
    monkeypatch.setenv("SKILLPASS_VERIFIER_REGISTRY", str(registry_file))
    monkeypatch.setenv("SKILLPASS_VERIFIER_SECRET_KEY", "scanner test")
    monkeypatch.setenv("SKILLPASS_VERIFIER_NETWORK", "0")
    with create_app().test_client().get("/static/scanner/zxing-reader.js") as response:
        assert response.status_code == 200
