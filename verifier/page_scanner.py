"""The in-browser QR decoder's files, served by the verifier itself (the page loads nothing from elsewhere).

The decoder is `zxing-wasm <https://github.com/Sec-ant/zxing-wasm>`_ (ZXing-C++,
the engine that reads photos on the server, compiled to WebAssembly).  It is
installed from the npm registry by ``make scanner`` into ``.cache/scanner``, not
kept in the repository; ``VERIFIER_SCANNER_DIR`` (``SKILLPASS_VERIFIER_SCANNER_DIR``)
names another folder where ``npm ci`` ran on ``verifier/scanner/package.json``.

Only the two files the page needs are served, under fixed names: no listing,
and no path from the request ever reaches the file system.  Without them the
page offers photo upload only.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, send_file

bp = Blueprint("scanner", __name__)

#: Served name -> path inside the scanner folder (the package's script and its WebAssembly).
SCANNER_FILES = {
    "zxing-reader.js": "node_modules/zxing-wasm/dist/iife/reader/index.js",
    "zxing_reader.wasm": "node_modules/zxing-wasm/dist/reader/zxing_reader.wasm",
}
MEDIA_TYPES = {".js": "text/javascript", ".wasm": "application/wasm"}
#: Where ``make scanner`` installs the decoder, relative to a source checkout.
CHECKOUT_SCANNER_DIR = Path(__file__).resolve().parents[1] / ".cache" / "scanner"


def default_scanner_dir() -> str | None:
    """The checkout's ``.cache/scanner`` if ``make scanner`` filled it, else None (photo upload only)."""
    return str(CHECKOUT_SCANNER_DIR) if _complete(CHECKOUT_SCANNER_DIR) else None


def scanner_available() -> bool:
    """Whether this app can serve the decoder (the page then offers the camera)."""
    folder = current_app.config.get("VERIFIER_SCANNER_DIR")
    return bool(folder) and _complete(Path(folder))


@bp.app_context_processor
def scanner_words() -> dict:
    return {"camera_scanner": scanner_available()}


def _complete(folder: Path) -> bool:
    return all((folder / relative).is_file() for relative in SCANNER_FILES.values())


@bp.get("/static/scanner/<name>")
def scanner_file(name: str):
    """One of :data:`SCANNER_FILES`, by its served name; 404 for any other name or when not installed."""
    relative = SCANNER_FILES.get(name)
    folder = current_app.config.get("VERIFIER_SCANNER_DIR")
    if relative is None or not folder or not (Path(folder) / relative).is_file():
        abort(404)
    # Revalidated on every use (ETag, Last-Modified: a 304 when unchanged), so that a script and a .wasm of
    # different versions never meet after the locked version changes.
    response = send_file(Path(folder) / relative, mimetype=MEDIA_TYPES[Path(name).suffix], conditional=True)
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
