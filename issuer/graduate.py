"""The graduate's stable link: ``/c/<token>``, public, no sign-in.

The page shows the credential as a person reads it, in the reader's language
when the credential has it, with its current status; ``credential.json`` is
the signed credential, byte for byte as issued. The token is the only key to
the page, so it is never sent on (``Referrer-Policy: no-referrer``) and the
page is kept out of search engines (``X-Robots-Tag: noindex``).
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone

from flask import Blueprint, Response, current_app, render_template, request
from sqlalchemy import select

from .db import get_session
from schemas.credential_view import LANGUAGES, CredentialView, Status, credential_view, languages_of, reader_language, status_of
from .models import Credential
from .web import public_url

bp = Blueprint("graduate", __name__)

#: ``secrets.token_urlsafe(32)``: 43 characters of the URL-safe base64 alphabet.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_UUID = re.compile(r"^urn:uuid:([0-9a-fA-F-]{36})$")


@bp.after_request
def private_page(response: Response) -> Response:
    """Keep the link out of search engines, other sites' logs and foreign resources."""
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-cache"
    response.headers.setdefault("Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'")
    return response


@bp.get("/c/<token>")
def page(token: str):
    """The credential page of the graduate who holds ``token``."""
    row = credential_for(token)
    if row is None:
        return render_template("graduate/not_found.html"), 404
    document = json.loads(row.document)
    language = reader_language(document, request.args.get("lang"), request.accept_languages.values())
    view = credential_view(document, language, tier_table())
    languages = [(tag, LANGUAGES.get(tag, tag)) for tag in languages_of(document)]
    return render_template("graduate/credential.html", view=view, status=current_status(row, view),
                           token=token, languages=languages, link=stable_link(token))


@bp.get("/c/<token>/credential.json")
def download(token: str):
    """The signed credential as a file for any standards-based wallet."""
    row = credential_for(token)
    if row is None:
        return render_template("graduate/not_found.html"), 404
    return credential_file(row)


def credential_for(token: str) -> Credential | None:
    """The credential whose link token is ``token``, or None (a malformed token is not looked up)."""
    if not TOKEN.match(token):
        return None
    return get_session().scalars(select(Credential).where(Credential.link_token == token)).first()


def stable_link(token: str) -> str:
    """The graduate's link, as printed and e-mailed (under the deployment's public URL)."""
    return f"{public_url()}/c/{token}"


def tier_table():
    """The Shenzhen Agreement tier table the profile checker already loaded (with its status)."""
    return current_app.extensions["skillpass_profile"].frameworks.shenzhen_tiers()


def current_status(row: Credential, view: CredentialView) -> Status:
    return status_of(revoked=row.revoked, suspended=row.suspended, valid_from=view.valid_from,
                     valid_until=view.valid_until, today=datetime.now(timezone.utc).date())


def credential_file(row: Credential) -> Response:
    """The stored credential JSON, unchanged, as a download named after its UUID.

    Served as ``application/json`` rather than ``application/vc+ld+json`` (or
    ``application/vc``): every browser and wallet import dialog accepts it,
    and the file's ``@context`` says what it is.
    """
    match = _UUID.match(row.credential_id)
    stem = match.group(1).lower() if match else f"{row.id}"
    response = Response(row.document, mimetype="application/json")
    response.headers["Content-Disposition"] = f"attachment; filename=credential-{stem}.json"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
