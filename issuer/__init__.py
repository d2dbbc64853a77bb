"""The issuer console: a Flask app factory (and nothing else at import time)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the issuer app: configuration, database, keyring, blueprints.

    The web stack is imported here, not at module level, so that importing
    ``issuer.cli`` for ``skillpass verify`` stays fast.

    :param test_config: settings that replace the environment's (tests).
    """
    from flask import Flask
    from flask_wtf.csrf import CSRFProtect

    from dataintegrity import bundled_loader
    from schemas.profile import ProfileChecker

    from . import config
    from .db import Database, close_session
    from .keyring import KeyRing

    app = Flask(__name__, instance_relative_config=True, static_url_path="/console/static")
    instance = Path(app.instance_path)
    app.config.from_mapping(config.defaults(instance))
    app.config.update(test_config if test_config is not None else config.from_environment())
    _fill_secrets(app, instance)
    if "SESSION_COOKIE_SECURE" not in (test_config or {}):  # Flask's default (False) is not a choice
        app.config["SESSION_COOKIE_SECURE"] = app.config["PUBLIC_URL"].startswith("https://")

    database = Database(app.config["DATABASE_URL"])
    app.extensions["skillpass_db"] = database
    app.extensions["skillpass_keyring"] = KeyRing(Path(app.config["KEYSTORE_DIR"]), app.config["KEY_PASSPHRASE"].encode())
    app.extensions["skillpass_loader"] = bundled_loader()
    app.extensions["skillpass_profile"] = ProfileChecker()
    app.teardown_appcontext(close_session)
    csrf = CSRFProtect(app)

    from . import (achievements, api, audit_views, auth, batch_views, console, graduate, issuing, keys_views,
                   public, records, status_views, tokens_views, users_views)

    for module in (auth, console, achievements, issuing, records, batch_views, keys_views, users_views,
                   audit_views, tokens_views, graduate, public, api, status_views):
        app.register_blueprint(module.bp)
    csrf.exempt(api.bp)  # bearer-token JSON API: no cookies, so no CSRF
    return app


def _fill_secrets(app: Flask, instance: Path) -> None:
    """Secrets not given by the environment are made once and kept in the instance folder."""
    from . import config

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = config.instance_secret(instance, "secret_key")
    if not app.config.get("KEY_PASSPHRASE"):
        app.config["KEY_PASSPHRASE"] = config.instance_secret(instance, "keystore_passphrase")
