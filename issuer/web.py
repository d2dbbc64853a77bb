"""What console views share: the signed-in institution and the issuance service for it."""

from __future__ import annotations

from flask import current_app, g

from .db import get_session
from .keyring import KeyRing
from .models import Institution
from .service import Issuer


def current_institution() -> Institution:
    """The signed-in user's institution: every console query is scoped by it."""
    return g.user.institution


def keyring() -> KeyRing:
    return current_app.extensions["skillpass_keyring"]


def public_url() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def issuer_service(institution: Institution | None = None) -> Issuer:
    """An :class:`~issuer.service.Issuer` for the institution, on this request's session."""
    return Issuer(
        session=get_session(),
        institution=institution or current_institution(),
        keyring=keyring(),
        loader=current_app.extensions["skillpass_loader"],
        profile=current_app.extensions["skillpass_profile"],
        public_url=public_url(),
    )


def actor() -> str:
    """How the audit log names the signed-in user."""
    return g.user.email
