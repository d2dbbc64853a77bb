"""The graduate's stable link: ``/c/<token>``, public, no sign-in.

The page shows the credential as a person reads it, in the reader's language
when the credential has it, with its current status and QR code;
``credential.json`` is the signed credential, byte for byte as issued;
``present`` shows the QR code alone, as large as the screen allows; and
``status.json`` is what the page polls so that a revocation shows without a
reload. The QR images and the PDF certificate are :mod:`issuer.graduate_files`.

The status is read from the database on every request, never cached. The
token is the only key to these pages, so it is never sent on
(``Referrer-Policy: no-referrer``) and they are kept out of search engines
(``X-Robots-Tag: noindex``).
"""

from __future__ import annotations

import json

from flask import Blueprint, Response, current_app, render_template, request

from schemas.credential_view import LANGUAGES, CredentialView, credential_view, languages_of, reader_language

from . import graduate_files
from .graduate_lookup import code_for, credential_for
# Re-exported: the console's records, issuing, cohort mail and catalogue import these from here.
from .graduate_lookup import credential_file as credential_file
from .graduate_lookup import current_status as current_status
from .graduate_lookup import stable_link as stable_link
from .graduate_lookup import tier_table as tier_table
from .graduate_qr import CredentialCode, svg_markup

bp = Blueprint("graduate", __name__)
bp.register_blueprint(graduate_files.bp)

#: How often the page asks for the status again (the script reads it from the page).
STATUS_POLL_SECONDS = 60


@bp.after_request
def private_page(response: Response) -> Response:
    """Keep the link out of search engines, other sites' logs and foreign resources."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Cache-Control", "no-cache")
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'")
    return response


@bp.get("/c/<token>")
def page(token: str):
    """The credential page of the graduate who holds ``token``."""
    return _code_page(token, "graduate/credential.html", languages=True)


@bp.get("/c/<token>/present")
def present(token: str):
    """The QR code alone on white, as large as the screen allows, to hold up to a verifier's camera."""
    return _code_page(token, "graduate/present.html")


def _code_page(token: str, template: str, *, languages: bool = False):
    """A page of the credential with its QR code and live status (404 for an unknown token)."""
    row = credential_for(token)
    if row is None:
        return render_template("graduate/not_found.html"), 404
    document = json.loads(row.document)
    view = _reader_view(document)
    code = code_for(row, document)
    extra = {"languages": [(tag, LANGUAGES.get(tag, tag)) for tag in languages_of(document)],
             "link": stable_link(token)} if languages else {}
    return render_template(template, view=view, status=current_status(row, view), token=token, code=code,
                           qr_svg=_svg(code, view), poll_seconds=STATUS_POLL_SECONDS, **extra)


@bp.get("/c/<token>/status.json")
def status(token: str):
    """The credential's standing now, for the page's script: ``no-store``, as it is what changes."""
    row = credential_for(token)
    if row is None:
        return {"error": "No credential has this link."}, 404
    standing = current_status(row, credential_view(json.loads(row.document), "en", tier_table()))
    response = current_app.json.response({"status": standing.key, "label": standing.label,
                                          "explanation": standing.explanation})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/c/<token>/credential.json")
def download(token: str):
    """The signed credential as a file for any standards-based wallet."""
    row = credential_for(token)
    if row is None:
        return render_template("graduate/not_found.html"), 404
    return credential_file(row)


def _reader_view(document: dict) -> CredentialView:
    """The credential in the language asked for (``?lang=``), else the browser's, else English."""
    language = reader_language(document, request.args.get("lang"), request.accept_languages.values())
    return credential_view(document, language, tier_table())


def _svg(code: CredentialCode, view: CredentialView):
    if code.symbol is None:
        return None
    return svg_markup(code.symbol, label=f"QR code of the credential {view.achievement}")
