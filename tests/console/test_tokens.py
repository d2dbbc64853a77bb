"""API tokens: created and shown once, stored only as a hash, listed, revoked; roles and tenants."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from issuer.models import ApiToken, AuditEvent

from ..conftest import FIXTURES, read_json
from .test_api_issue import issuer_did, make_token, post_issue
from .test_users import other_admin  # noqa: F401  (fixture)

TOKEN = re.compile(r"\bsp_[A-Za-z0-9_-]{43}\b")


def tokens(app) -> list[ApiToken]:
    session = app.extensions["skillpass_db"].session()
    found = session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
    session.close()
    return found


def audit(app, action: str) -> list[AuditEvent]:
    session = app.extensions["skillpass_db"].session()
    found = session.scalars(select(AuditEvent).where(AuditEvent.action == action)).all()
    session.close()
    return found


def create(browser, name: str = "student records system"):
    return browser.post_form("/console/tokens/", name=name)


def test_token_is_shown_once_and_only_its_hash_is_stored(app, signed_in, world):
    browser = signed_in("admin")
    response = create(browser)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    [secret] = set(TOKEN.findall(response.get_data(as_text=True)))
    [stored] = tokens(app)
    assert stored.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:11] and stored.name == "student records system"
    assert stored.institution_id == world.demo.id and stored.revoked_at is None
    assert secret not in (stored.token_hash, stored.prefix, stored.name)
    listing = browser.client.get("/console/tokens/").get_data(as_text=True)
    assert secret not in listing and not TOKEN.search(listing)
    assert stored.prefix in listing and "student records system" in listing and "Active" in listing


def test_created_token_issues_credentials(app, signed_in, world):
    [secret] = set(TOKEN.findall(create(signed_in("admin")).get_data(as_text=True)))
    credential = read_json(FIXTURES / "unsigned-learning-outcome.json")
    credential["issuer"]["id"] = issuer_did(app, world.demo.id)
    response = post_issue(app.test_client(), secret, {"credential": credential})
    assert response.status_code == 201, response.get_data(as_text=True)


def test_creation_and_revocation_are_audited(app, signed_in):
    browser = signed_in("admin")
    [secret] = set(TOKEN.findall(create(browser).get_data(as_text=True)))
    [token] = tokens(app)
    browser.post_form("/console/tokens/", f"/console/tokens/{token.id}/revoke")
    [created], [revoked] = audit(app, "token.create"), audit(app, "token.revoke")
    for event in (created, revoked):
        assert event.actor == "admin@demo.example" and event.target == "student records system"
        assert event.detail == {"prefix": token.prefix} and secret not in str(event.detail)


def test_revoked_token_is_refused(app, signed_in, world):
    browser = signed_in("admin")
    [secret] = set(TOKEN.findall(create(browser).get_data(as_text=True)))
    [token] = tokens(app)
    response = browser.post_form("/console/tokens/", f"/console/tokens/{token.id}/revoke")
    assert response.status_code == 302
    assert tokens(app)[0].revoked_at is not None
    page = browser.client.get("/console/tokens/").get_data(as_text=True)
    assert "Revoked" in page and "is revoked" in page
    credential = read_json(FIXTURES / "unsigned-learning-outcome.json")
    credential["issuer"]["id"] = issuer_did(app, world.demo.id)
    assert post_issue(app.test_client(), secret, {"credential": credential}).status_code == 401
    browser.post_form("/console/tokens/", f"/console/tokens/{token.id}/revoke")  # again: nothing more happens
    assert len(audit(app, "token.revoke")) == 1


@pytest.mark.parametrize("name, message", [("", "This field is required."), ("x" * 101, "longer than 100")])
def test_name_is_required_and_short(app, signed_in, name, message):
    response = create(signed_in("admin"), name)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert not tokens(app) and not TOKEN.search(response.get_data(as_text=True))


@pytest.mark.parametrize("role", ["registrar", "viewer"])
def test_only_admins(app, signed_in, world, role):
    make_token(app, world.demo.id)
    token_id = tokens(app)[0].id
    browser = signed_in(role)
    assert browser.client.get("/console/tokens/").status_code == 403
    assert browser.post_form("/console/", "/console/tokens/", name="mine").status_code == 403
    assert browser.post_form("/console/", f"/console/tokens/{token_id}/revoke").status_code == 403
    assert len(tokens(app)) == 1 and tokens(app)[0].revoked_at is None


def test_csrf_is_required(signed_in, app):
    assert signed_in("admin").client.post("/console/tokens/", data={"name": "no csrf"}).status_code == 400
    assert not tokens(app)


def test_tenant_isolation(app, world, other_admin):  # noqa: F811
    make_token(app, world.demo.id, "demo registry")
    demo_token = tokens(app)[0]
    page = other_admin.client.get("/console/tokens/").get_data(as_text=True)
    assert "demo registry" not in page and demo_token.prefix not in page
    assert other_admin.post_form("/console/tokens/", f"/console/tokens/{demo_token.id}/revoke").status_code == 404
    assert tokens(app)[0].revoked_at is None
    create(other_admin, "other system")
    assert [t.institution_id for t in tokens(app)] == [world.demo.id, world.other.id]
    assert "other system" in other_admin.client.get("/console/tokens/").get_data(as_text=True)
