"""The public verifier web app: the page (:mod:`.page`) and the VC-API verify endpoints (:mod:`.api`).

It holds no private key and no database and can be deployed alone.  It keeps
no copy of what it verifies: nothing is stored, and the log has one line per
request (method, path, status, duration).  What it needs is built once, in
:func:`create_app`, into ``app.extensions["skillpass_verifier"]`` (a
:class:`VerificationService`, the part below that knows nothing of Flask).

Configuration (``test_config`` replaces the environment):

=====================================  ==============================================================
``SKILLPASS_VERIFIER_SECRET_KEY``      signs the CSRF token of the page's form (default: a random
                                       secret kept in the instance folder, shared by all processes)
``SKILLPASS_VERIFIER_REGISTRY``        a trust registry file to use instead of the bundled one
``SKILLPASS_VERIFIER_TRUSTED_ISSUERS`` the alliance DIDs it may be signed by, comma-separated
``SKILLPASS_VERIFIER_NETWORK``         ``0`` to never fetch did:web documents and status lists over
                                       https (default: fetch them, through the guarded client)
``SKILLPASS_VERIFIER_DIDS``            a folder of did:web DID documents, tried before the network
``SKILLPASS_VERIFIER_STATUS``          a folder of status lists (with ``status.json``), likewise
``SKILLPASS_VERIFIER_BUNDLE``          an offline trust bundle (``skillpass bundle``): its registry, DID
                                       documents and status lists are used and the network is not
``SKILLPASS_VERIFIER_SCANNER_DIR``     where ``make scanner`` installed the page's in-browser QR decoder (default:
                                       the checkout's ``.cache/scanner`` if present; without it, photo upload only)
``SKILLPASS_PUBLIC_URL``               an ``https://`` URL marks cookies ``Secure``
=====================================  ==============================================================
"""

from __future__ import annotations

import logging
import os
import secrets
import time
import traceback
from pathlib import Path

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from dataintegrity.jsonio import MAX_INPUT_BYTES
from qr.reader import MAX_IMAGE_BYTES as MAX_PHOTO_BYTES

from .page_scanner import default_scanner_dir
from .service import VerificationService, build_service

ENVIRONMENT = {
    "SKILLPASS_VERIFIER_SECRET_KEY": "SECRET_KEY",
    "SKILLPASS_VERIFIER_REGISTRY": "VERIFIER_REGISTRY_FILE",
    "SKILLPASS_VERIFIER_TRUSTED_ISSUERS": "VERIFIER_TRUSTED_ISSUERS",
    "SKILLPASS_VERIFIER_NETWORK": "VERIFIER_NETWORK",
    "SKILLPASS_VERIFIER_DIDS": "VERIFIER_DIDS_DIR",
    "SKILLPASS_VERIFIER_STATUS": "VERIFIER_STATUS_DIR",
    "SKILLPASS_VERIFIER_BUNDLE": "VERIFIER_BUNDLE",
    "SKILLPASS_VERIFIER_SCANNER_DIR": "VERIFIER_SCANNER_DIR",
    "SKILLPASS_PUBLIC_URL": "PUBLIC_URL",
}
#: Loaded only from this server; no inline script or style; never framed.  WebAssembly may be compiled
#: ('wasm-unsafe-eval', not 'unsafe-eval'): the QR decoder is ZXing-C++ compiled to it, served from here.
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
}
#: Files the same for everyone (the QR decoder is ~1 MB: worth keeping on a phone).
CACHEABLE_ENDPOINTS = frozenset({"static", "scanner.scanner_file"})
access_log = logging.getLogger("verifier.access")


class VerifierApp(Flask):
    def log_exception(self, exc_info) -> None:
        """Log a bug without its message, which may quote the credential: its type and where."""
        kind, _, trace = exc_info
        self.logger.error("unhandled %s on %s %s\n%s", kind.__name__, request.method, request.path,
                          "".join(traceback.format_tb(trace)))


def create_app(test_config: dict | None = None) -> Flask:
    """Build the verifier app: configuration, the verification service, the page and the API.

    :param test_config: settings that replace the environment's (tests).
    """
    app = VerifierApp(__name__, instance_relative_config=True)
    _configure(app, test_config)
    app.extensions["skillpass_verifier"] = build_service(app.config)

    from . import api, i18n, page, page_scanner

    app.before_request(_start_clock)  # first, so that the time of a refused form is measured too
    app.before_request(_room_for_a_photo)  # before CSRFProtect reads the form
    i18n.init_app(app)
    csrf = CSRFProtect(app)
    app.register_blueprint(page.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(page_scanner.bp)
    csrf.exempt(api.bp)  # JSON without cookies: a cross-site request gains nothing
    if app.config["VERIFIER_ACCESS_LOG"] and not access_log.handlers:
        handler = logging.StreamHandler()  # stderr, unless the deployment configures "verifier.access" itself
        handler.setFormatter(logging.Formatter("%(asctime)s verifier %(message)s"))
        access_log.addHandler(handler)
        access_log.setLevel(logging.INFO)
    app.after_request(_finish)
    app.register_error_handler(HTTPException, _http_error)
    return app


def _configure(app: Flask, test_config: dict | None) -> None:
    """Safe defaults, then ``test_config`` or the environment; a secret key made once if none is given."""
    app.config.from_mapping(
        MAX_CONTENT_LENGTH=3 * MAX_INPUT_BYTES,  # the page's form: a file and a pasted text, each ≤ 1 MB
        MAX_FORM_MEMORY_SIZE=2 * MAX_INPUT_BYTES + 65536,
        VERIFIER_MAX_INPUT_BYTES=MAX_INPUT_BYTES,
        VERIFIER_MAX_PHOTO_BYTES=MAX_PHOTO_BYTES,  # a phone photo of a QR code is 2-6 MB
        VERIFIER_SCANNER_DIR=default_scanner_dir(),
        VERIFIER_REGISTRY_FILE=None,
        VERIFIER_TRUSTED_ISSUERS=None,
        VERIFIER_NETWORK=True,
        VERIFIER_DIDS_DIR=None,
        VERIFIER_STATUS_DIR=None,
        VERIFIER_CLOCK=None,
        VERIFIER_ACCESS_LOG=True,
        PUBLIC_URL="",
        SESSION_COOKIE_NAME="skillpass_verifier",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=12 * 3600,
        # Referrer-Policy: no-referrer means browsers send no Referer (and "Origin: null") with the form,
        # so Flask-WTF's HTTPS Referer check would refuse every post; the token and SameSite=Lax remain.
        WTF_CSRF_SSL_STRICT=False,
    )
    app.config.update(test_config if test_config is not None else _from_environment())
    if str(app.config["VERIFIER_NETWORK"]).lower() in ("0", "false", "no", "off"):
        app.config["VERIFIER_NETWORK"] = False
    if str(app.config["PUBLIC_URL"]).startswith("https://"):
        app.config["SESSION_COOKIE_SECURE"] = True  # (Flask's default is False, so setdefault would not do)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path), "verifier_secret_key")


def service() -> VerificationService:
    """The app's verification service (for views)."""
    return current_app.extensions["skillpass_verifier"]


def _from_environment(environ=os.environ) -> dict:
    return {key: environ[name] for name, key in ENVIRONMENT.items() if environ.get(name)}


def _instance_secret(folder: Path, name: str) -> str:
    """A random secret in the instance folder (mode 0600), made by the first process that needs it."""
    path = folder / name
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(100):  # another process may be writing it right now
            value = path.read_text().strip()
            if value:
                return value
            time.sleep(0.01)
        raise RuntimeError(f"{path} is empty: delete it, or set SKILLPASS_VERIFIER_SECRET_KEY") from None
    value = secrets.token_urlsafe(32)
    with os.fdopen(descriptor, "w") as file:
        file.write(value)
    return value


def _start_clock() -> None:
    g.started = time.perf_counter()


def _room_for_a_photo() -> None:
    """The page's form (multipart) may carry a photo of a QR code on top of ``MAX_CONTENT_LENGTH``; nothing else may."""
    if request.endpoint == "page.verify" and request.mimetype == "multipart/form-data":
        request.max_content_length = current_app.config["MAX_CONTENT_LENGTH"] + \
            current_app.config["VERIFIER_MAX_PHOTO_BYTES"]


def _finish(response):
    """Security headers on every response; one log line, without query string or body."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint not in CACHEABLE_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    access_log.info("%s %s %d %.1fms", request.method, request.path, response.status_code, elapsed)
    return response


def _http_error(error: HTTPException):
    """An error page (JSON for the API) that names the problem and never echoes the input."""
    from .api import API_PATHS, error_response

    code = error.code or 500
    if request.path in API_PATHS:
        return error_response(type(error).__name__, _api_message(error), code)
    kind = "csrf" if isinstance(error, CSRFError) else code
    return render_template("error.html", kind=kind, code=code), code


def _api_message(error: HTTPException) -> str:
    if error.code == 413:
        return f"the body is larger than the limit of {current_app.config['VERIFIER_MAX_INPUT_BYTES']:,} bytes"
    if error.code is None or error.code >= 500:
        return "the verifier failed on this request; it was logged without its content"
    return error.description or error.name
