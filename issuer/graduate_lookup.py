"""What every route of the graduate's link needs: the credential behind a token, its status and QR code.

Shared by :mod:`issuer.graduate` (the pages) and :mod:`issuer.graduate_files`
(the QR images and the PDF), and by the console's records, which show the same
status and serve the same JSON file.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from flask import Response, current_app
from sqlalchemy import select

from qr import symbol
from schemas.credential_view import CredentialView, Status, status_of

from .db import get_session
from .graduate_qr import CredentialCode, paper_code, screen_code
from .models import Credential
from .web import public_url

#: ``secrets.token_urlsafe(32)``: 43 characters of the URL-safe base64 alphabet.
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_UUID = re.compile(r"^urn:uuid:([0-9a-fA-F-]{36})$")


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
    """The standing as of now, from the row just read: never a cached answer."""
    return status_of(revoked=row.revoked, suspended=row.suspended, valid_from=view.valid_from,
                     valid_until=view.valid_until, today=datetime.now(timezone.utc).date())


def code_for(row: Credential, document: dict, *, paper: bool = False) -> CredentialCode:
    """The credential's QR code for a screen (or ``paper``); a link code points at the stable JSON address.

    ``QR_MAX_VERSION`` in the configuration is the densest code the deployment
    makes inline (default :data:`qr.symbol.DEFAULT_MAX_VERSION`); beyond it, a link code.
    """
    choose = paper_code if paper else screen_code
    return choose(document, link_url=f"{stable_link(row.link_token)}/credential.json",
                  max_version=int(current_app.config.get("QR_MAX_VERSION", symbol.DEFAULT_MAX_VERSION)))


def file_stem(row: Credential) -> str:
    """The credential's UUID (or row number), which names every file it is downloaded as."""
    match = _UUID.match(row.credential_id)
    return match.group(1).lower() if match else f"{row.id}"


def attachment(body: bytes | str, mimetype: str, filename: str, *, disposition: str = "attachment") -> Response:
    """A file response; ``nosniff`` so a browser never reads it as anything but ``mimetype``."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"{disposition}; filename={filename}"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def credential_file(row: Credential) -> Response:
    """The stored credential JSON, unchanged, as a download named after its UUID.

    Served as ``application/json`` rather than ``application/vc+ld+json`` (or
    ``application/vc``): every browser and wallet import dialog accepts it,
    and the file's ``@context`` says what it is.
    """
    return attachment(row.document, "application/json", f"credential-{file_stem(row)}.json")
