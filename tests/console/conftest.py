"""Fixtures for the issuer console: an app on a temporary SQLite database and keystore,
a demo institution with one user per role, a second institution, and sign-in helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from issuer import create_app
from issuer.auth import hash_password
from issuer.demo import DEMO_SLUG, seed_demo
from issuer.models import Institution, User

PASSWORD = "a long test passphrase"


def migrated_app(tmp_path, **overrides):
    """The console on a new SQLite database and keystore in ``tmp_path``, migrated to the newest schema."""
    app = create_app({
        "TESTING": True,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'skillpass.db'}",
        "KEYSTORE_DIR": str(tmp_path / "keys"),
        "KEY_PASSPHRASE": "test keystore passphrase",
        "SECRET_KEY": "test secret key",
        "PUBLIC_URL": "http://localhost",
        **overrides,
    })
    app.extensions["skillpass_db"].upgrade()
    return app


@pytest.fixture
def app(tmp_path):
    app = migrated_app(tmp_path)
    yield app
    app.extensions["skillpass_db"].dispose()


@dataclass
class World:
    """The institutions and users the console tests act as."""

    demo: Institution
    other: Institution
    admin: str = "admin@demo.example"
    registrar: str = "registrar@demo.example"
    viewer: str = "viewer@demo.example"
    other_registrar: str = "registrar@other.example"


@pytest.fixture
def world(app) -> World:
    """The demo institution (with its catalogue and three credentials) and a second one."""
    extensions = app.extensions
    session = extensions["skillpass_db"].session()
    seed_demo(session, extensions["skillpass_keyring"], extensions["skillpass_loader"], extensions["skillpass_profile"],
              app.config["PUBLIC_URL"])
    demo = session.query(Institution).filter_by(slug=DEMO_SLUG).one()
    other = Institution(slug="other-college", name="Other College", names={}, country="MY", url="https://other.example/")
    session.add(other)
    session.flush()
    extensions["skillpass_keyring"].create(session, other)
    for institution, email, role in [(demo, "admin@demo.example", "admin"), (demo, "registrar@demo.example", "registrar"),
                                     (demo, "viewer@demo.example", "viewer"), (other, "registrar@other.example", "registrar")]:
        user = session.query(User).filter_by(email=email).first()
        if user is None:
            user = User(institution_id=institution.id, email=email, name=email.split("@")[0].title(), role=role, password_hash="")
            session.add(user)
        user.password_hash = hash_password(PASSWORD)
    session.commit()
    world = World(demo=demo, other=other)
    session.close()
    return world


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


class Browser:
    """A test client that signs in through the real form, with its CSRF token."""

    def __init__(self, client):
        self.client = client

    def sign_in(self, email: str, password: str = PASSWORD):
        page = self.client.get("/console/login")
        return self.client.post("/console/login", data={
            "email": email, "password": password, "csrf_token": csrf_token(page.get_data(as_text=True))})

    def token_for(self, path: str) -> str:
        return csrf_token(self.client.get(path).get_data(as_text=True))

    def post_form(self, page_path: str, action: str | None = None, **data):
        """Load ``page_path``, then post ``data`` with that page's CSRF token to ``action`` (or the page)."""
        data.setdefault("csrf_token", self.token_for(page_path))
        return self.client.post(action or page_path, data=data)


@pytest.fixture
def browser(app, world):
    return Browser(app.test_client())


@pytest.fixture
def signed_in(browser, world):
    """Sign in as a role: ``signed_in("registrar")`` returns the Browser."""

    def sign_in(role: str = "registrar") -> Browser:
        response = browser.sign_in(getattr(world, role))
        assert response.status_code == 302, response.get_data(as_text=True)
        return browser

    return sign_in
