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

import json
import logging
import os
import secrets
import time
import traceback
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping

from flask import Flask, current_app, g, render_template, request
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from dataintegrity import CheckResult, Problem, bundled_loader, verify_proof
from dataintegrity.errors import INVALID_DOMAIN_ERROR, SP, VCError
from dataintegrity.jsonio import MAX_INPUT_BYTES
from qr.reader import MAX_IMAGE_BYTES as MAX_PHOTO_BYTES
from schemas.framework_data import load_frameworks
from schemas.framework_model import Framework, Frameworks
from schemas.profile import ProfileChecker
from schemas.recognition_profiles import RecognitionProfile, bundled_profiles

from . import checks
from .http import Fetcher, HttpFetcher
from .bundle import load_bundle
from .offline import DidFolder, StatusFolder
from .page_scanner import default_scanner_dir
from .pipeline import VerificationResult, Verifier
from .recognition import RecognitionTarget, recognise
from .recognition_result import Recognition
from .resolution import Resolver
from .status_check import StatusChecker
from .trust import TrustRegistry, bundled_registry_document, bundled_trusted_issuers
from .trust_assessment import TrustAssessment

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
#: Warnings of a presentation checked without a challenge (it could be a replay).
NO_CHALLENGE = SP + "NO_CHALLENGE"
PRESENTATION_NOT_SIGNED = SP + "PRESENTATION_NOT_SIGNED"
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


# The verification service: no Flask below this line.

@dataclass(frozen=True)
class RegistryUnavailable:
    """Why the trust registry cannot be consulted (the results say so; the signature check is unaffected)."""

    detail: str


@dataclass(frozen=True)
class VerificationService:
    """What the page and the API share: the pipeline, the framework data, the profiles and the registry.

    :param registry: the verified trust registry, or why there is none.
    :param clock: the current time (aware); tests fix it.
    :param fetcher: the guarded network client, None when the network is off (also used to follow a
        QR code's link to its credential).
    """

    verifier: Verifier
    frameworks: Frameworks
    profiles: Mapping[str, RecognitionProfile]
    registry: TrustRegistry | RegistryUnavailable
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    fetcher: Fetcher | None = None

    def verify(self, document: object, *, challenge: str | None = None, domain: str | None = None,
               proof_only: bool = False) -> VerificationResult:
        """Verify a presentation (by its type) or else a credential; never raises on bad input."""
        if is_presentation(document):
            return self.verify_presentation(document, challenge=challenge, domain=domain)
        return self.verify_credential(document, proof_only=proof_only)

    def verify_credential(self, credential: object, *, proof_only: bool = False) -> VerificationResult:
        """Every check, or (``proof_only``, VC-API ``"checks": ["proof"]``) what the proof needs:
        structure and defined terms, the proof, and that its key is the issuer's; no profile,
        validity period or status."""
        if not proof_only:
            return self.verifier.verify_credential(credential, now=self.clock())
        structure = checks.credential_structure(credential)
        if structure.ok and not checks.signed_only_with_rdfc(credential):
            structure = checks.defined_terms(credential, self.verifier.loader)
        if not structure.ok:
            return VerificationResult("credential", False, (structure,))
        now = self.clock()
        proof = verify_proof(credential, suites=self.verifier.suites, loader=self.verifier.loader,
                             resolve_key=self.verifier.key_resolver(now), purpose="assertionMethod", now=now)
        key = checks.issuer_binding(credential, proof)
        method = proof.verification_methods[0].id if proof.ok and proof.verification_methods else None
        return VerificationResult("credential", proof.ok and key.ok, (structure, proof, key), method)

    def verify_presentation(self, presentation: object, *, challenge: str | None = None,
                            domain: str | None = None) -> VerificationResult:
        """The pipeline's result, plus a ``challenge`` check: without a requested challenge the
        proof binds nothing (a replay would pass), which is a warning; a requested domain needs a proof."""
        result = self.verifier.verify_presentation(presentation, now=self.clock(), challenge=challenge, domain=domain)
        if not result.checks[0].ok:
            return result  # the structure check failed: not a presentation at all
        signed = presentation.get("proof") is not None
        if domain is not None and not signed and challenge is None:
            detail = f'the domain "{domain:.80}" was requested, but the presentation is not signed'
            extra = CheckResult("challenge", False, (Problem(INVALID_DOMAIN_ERROR, "Domain not proven", detail),))
            return replace(result, verified=False, checks=result.checks + (extra,))
        warnings = []
        if challenge is None:
            warnings.append(Problem(NO_CHALLENGE, "No challenge bound", "no challenge was requested, so the "
                                    "presentation's proof is not bound to this check: it could be a replay"))
        if not signed:
            warnings.append(Problem(PRESENTATION_NOT_SIGNED, "Presentation not signed", "the presentation has no "
                                    "proof: nothing shows who presents the credentials (each credential is checked)"))
        if not warnings:
            return result
        return replace(result, checks=result.checks + (CheckResult.warned("challenge", *warnings),))

    def receiving_frameworks(self) -> list[Framework]:
        """The frameworks a credential can be recognised in (all but the Shenzhen Agreement tier model)."""
        return [framework for framework in self.frameworks if framework.tier_table is None]

    def standing(self, result: VerificationResult) -> TrustAssessment | RegistryUnavailable:
        """What the trust registry said about the credential's issuer (the pipeline's ``trust``), or why it cannot."""
        if isinstance(self.registry, RegistryUnavailable):
            return self.registry
        if self.clock() > self.registry.info.valid_until:
            return RegistryUnavailable(f"the registry {self.registry.info.id} expired on "
                                       f"{self.registry.info.valid_until:%Y-%m-%d}; fetch a current one")
        return result.trust if result.trust is not None else RegistryUnavailable("the issuer was not assessed")

    def recognition(self, credential: dict, target: str | None) -> Recognition | None:
        """Recognition in ``framework:<id>`` or ``profile:<id>``; None for no (or an unknown) target."""
        kind, _, name = (target or "").partition(":")
        if kind == "framework" and name in self.frameworks:
            return recognise(credential, RecognitionTarget(name), self.frameworks)
        if kind == "profile" and name in self.profiles:
            return recognise(credential, RecognitionTarget.for_profile(self.profiles[name]), self.frameworks)
        return None


def is_presentation(document: object) -> bool:
    """Whether ``document`` says it is a presentation (else it is checked as a credential)."""
    if not isinstance(document, dict):
        return False
    types = document.get("type")
    return "VerifiablePresentation" in (types if isinstance(types, list) else [types])


def build_service(config: Mapping) -> VerificationService:
    """The service for a configuration: the pipeline with did:web resolution and status checks (folders
    first, then https unless ``VERIFIER_NETWORK`` is off) and the trust registry, which when it does not
    verify is reported on every result, not fatal."""
    clock = config.get("VERIFIER_CLOCK") or (lambda: datetime.now(timezone.utc))
    now = clock()
    frameworks = load_frameworks()
    loader = bundled_loader()
    bundle = load_bundle(config["VERIFIER_BUNDLE"]) if config.get("VERIFIER_BUNDLE") else None
    fetcher = HttpFetcher() if config.get("VERIFIER_NETWORK") and bundle is None else None
    dids, status = config.get("VERIFIER_DIDS_DIR"), config.get("VERIFIER_STATUS_DIR")
    did_sources = [DidFolder(Path(dids))] if dids else []
    status_sources = [StatusFolder(Path(status))] if status else []
    if bundle is not None:  # folders first, then the bundle; results say how old each piece was
        did_sources.append(bundle)
        status_sources.append(bundle)
    resolver = Resolver(now=now, sources=did_sources, fetcher=fetcher)
    registry = _registry(config, loader, resolver.at(now), now, bundle)
    verifier = Verifier(
        loader=loader,
        profile=ProfileChecker(frameworks),
        resolver=resolver,
        status=StatusChecker(loader=loader, sources=status_sources, fetcher=fetcher),
        registry=registry if isinstance(registry, TrustRegistry) else None,
    )
    return VerificationService(verifier, frameworks, bundled_profiles(frameworks), registry, clock, fetcher)


def _registry(config: Mapping, loader, resolve_key, now: datetime, bundle=None) -> TrustRegistry | RegistryUnavailable:
    try:
        bundled = bundle.registry_document() if bundle is not None else None
        document = bundled if bundled is not None and not config.get("VERIFIER_REGISTRY_FILE") else \
            _registry_document(config.get("VERIFIER_REGISTRY_FILE"))
        trusted = config.get("VERIFIER_TRUSTED_ISSUERS") or bundled_trusted_issuers()
        trusted = [did.strip() for did in trusted.split(",")] if isinstance(trusted, str) else trusted
        return TrustRegistry.from_credential(document, loader=loader, resolve_key=resolve_key,
                                             trusted_issuers=frozenset(trusted), now=now)
    except VCError as error:
        logging.getLogger(__name__).warning("trust registry unavailable: %s", error.title)
        return RegistryUnavailable(error.detail)


def _registry_document(path: str | None) -> object:
    if path is None:
        return bundled_registry_document()
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as error:
        from .trust_errors import MalformedRegistry

        raise MalformedRegistry(f"the registry file {path} cannot be read: {error}") from None
