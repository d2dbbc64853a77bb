"""The graduate's credential as files: its QR code as PNG and SVG, and the printable PDF certificate.

A blueprint nested in :mod:`issuer.graduate`, so these answers carry the same
privacy headers as the page. A credential that cannot have a QR code (see
:mod:`issuer.graduate_qr`) gets a page saying why, with status 404; its
certificate is still printed, saying the same.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from flask import Blueprint, render_template

from qr import symbol
from schemas.credential_view import credential_view

from .certificate import certificate_for, certificate_html, render_pdf
from .graduate_lookup import attachment, code_for, credential_for, current_status, file_stem, tier_table

bp = Blueprint("files", __name__)


@bp.get("/c/<token>/qr.png")
def qr_png(token: str):
    """The page's QR code as a PNG file (8 pixels a module, quiet zone included)."""
    return _code_file(token, "png", "image/png", symbol.png)


@bp.get("/c/<token>/qr.svg")
def qr_svg(token: str):
    """The page's QR code as an SVG file, which stays sharp at any print size."""
    return _code_file(token, "svg", "image/svg+xml", lambda code: symbol.svg(code).encode("utf-8"))


def _code_file(token: str, suffix: str, mimetype: str, draw):
    """The credential's QR code drawn by ``draw`` as a download (404 with the reason when there is none)."""
    row = credential_for(token)
    if row is None:
        return render_template("graduate/not_found.html"), 404
    code = code_for(row, json.loads(row.document))
    if code.symbol is None:
        return render_template("graduate/no_code.html", code=code, token=token), 404
    return attachment(draw(code.symbol), mimetype, f"credential-{file_stem(row)}-qr.{suffix}")


@bp.get("/c/<token>/certificate.pdf")
def certificate(token: str):
    """The A4 certificate, with a QR code made for paper; shown in the browser, ready to print or save."""
    row = credential_for(token)
    if row is None:
        return render_template("graduate/not_found.html"), 404
    document = json.loads(row.document)
    status = current_status(row, credential_view(document, "en", tier_table()))
    printed = certificate_for(document, tiers=tier_table(), status=status, code=code_for(row, document, paper=True),
                              issued_at=row.issued_at, now=datetime.now(timezone.utc))
    return attachment(render_pdf(certificate_html(printed)), "application/pdf", f"certificate-{file_stem(row)}.pdf",
                      disposition="inline")
