"""Configuration: safe defaults, overridden by ``SKILLPASS_*`` environment variables."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENVIRONMENT = {
    "SKILLPASS_DATABASE_URL": "DATABASE_URL",
    "SKILLPASS_KEYSTORE_DIR": "KEYSTORE_DIR",
    "SKILLPASS_KEY_PASSPHRASE": "KEY_PASSPHRASE",
    "SKILLPASS_PUBLIC_URL": "PUBLIC_URL",
    "SKILLPASS_SECRET_KEY": "SECRET_KEY",
    "SKILLPASS_SMTP_URL": "SMTP_URL",
    "SKILLPASS_MAIL_FROM": "MAIL_FROM",
    "SKILLPASS_WELL_KNOWN_INSTITUTION": "WELL_KNOWN_INSTITUTION",
    "SKILLPASS_QR_MAX_VERSION": "QR_MAX_VERSION",
}


def defaults(instance_path: Path) -> dict:
    """The embedded defaults: SQLite in the instance folder, keys in ``keys/``."""
    return {
        "DATABASE_URL": f"sqlite:///{instance_path / 'skillpass.db'}",
        "KEYSTORE_DIR": "keys",
        "KEY_PASSPHRASE": None,
        "PUBLIC_URL": "http://127.0.0.1:5000",
        "SMTP_URL": None,
        "MAIL_FROM": "Skills Passport <no-reply@localhost>",
        "WELL_KNOWN_INSTITUTION": None,  # the slug whose did:web is this host's /.well-known/did.json
        "API_MAX_BODY_BYTES": 1024 * 1024,
        "BATCH_CHUNK_SIZE": 200,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "skillpass_session",
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCK_SECONDS": 300,
    }


def from_environment(environ=os.environ) -> dict:
    """The settings the environment gives (only those set)."""
    settings = {key: environ[name] for name, key in ENVIRONMENT.items() if environ.get(name)}
    if "QR_MAX_VERSION" in settings:
        settings["QR_MAX_VERSION"] = qr_max_version(settings["QR_MAX_VERSION"])
    return settings


def qr_max_version(text: str) -> int:
    """``SKILLPASS_QR_MAX_VERSION``: a QR version, 1 to 40.

    :raises ValueError: naming the variable, at start-up rather than on a graduate's page.
    """
    if not text.strip().isdigit() or not 1 <= int(text) <= 40:
        raise ValueError(f"SKILLPASS_QR_MAX_VERSION must be a QR version from 1 to 40, not {text!r}")
    return int(text)


def instance_secret(instance_path: Path, name: str) -> str:
    """A random secret kept in a file of the instance folder (mode 0600), made on first use."""
    path = instance_path / name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        value = secrets.token_urlsafe(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(value)
        return value
