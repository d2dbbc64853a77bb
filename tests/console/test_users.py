"""Users: list, add, change role, deactivate and reactivate, reset password; the last admin; tenants."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from issuer.auth import hash_password
from issuer.models import AuditEvent, User

from .conftest import PASSWORD, Browser

OTHER_ADMIN = "admin@other.example"
NEW_PASSWORD = "correct horse battery staple"


def add_user(app, institution_id: int, email: str, role: str = "admin") -> None:
    """A user who signs in with the test password."""
    session = app.extensions["skillpass_db"].session()
    session.add(User(institution_id=institution_id, email=email, name=email.split("@")[0].title(), role=role,
                     password_hash=hash_password(PASSWORD)))
    session.commit()
    session.close()


def user(app, email: str) -> User | None:
    session = app.extensions["skillpass_db"].session()
    found = session.scalars(select(User).where(User.email == email)).first()
    session.close()
    return found


def events(app, action: str) -> list[AuditEvent]:
    session = app.extensions["skillpass_db"].session()
    found = session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all()
    session.close()
    return found


def can_sign_in(app, email: str, password: str = PASSWORD) -> bool:
    return Browser(app.test_client()).sign_in(email, password).status_code == 302


@pytest.fixture
def other_admin(app, world) -> Browser:
    """Signed in as an administrator of the other institution."""
    add_user(app, world.other.id, OTHER_ADMIN)
    browser = Browser(app.test_client())
    assert browser.sign_in(OTHER_ADMIN).status_code == 302
    return browser


def test_lists_the_institutions_users(signed_in, world):
    page = signed_in("admin").client.get("/console/users/").get_data(as_text=True)
    for email in (world.admin, world.registrar, world.viewer):
        assert email in page
    assert world.other_registrar not in page
    assert "scrypt" not in page and "pbkdf2" not in page  # no password hash is ever shown


def test_add_user(app, signed_in):
    browser = signed_in("admin")
    response = browser.post_form("/console/users/", email=" New.Person@Demo.Example ", name="New Person",
                                 role="registrar", password=NEW_PASSWORD)
    assert response.status_code == 302
    added = user(app, "new.person@demo.example")
    assert added.role == "registrar" and added.active and added.name == "New Person"
    assert check_password_hash(added.password_hash, NEW_PASSWORD)
    assert can_sign_in(app, "new.person@demo.example", NEW_PASSWORD)
    [event] = events(app, "user.add")
    assert (event.actor, event.target, event.detail) == ("admin@demo.example", "new.person@demo.example", {"role": "registrar"})
    assert NEW_PASSWORD not in str(event.detail)


@pytest.mark.parametrize("changes, message", [
    ({"password": "eleven char"}, "at least 12 characters"),
    ({"email": "not an address"}, "Enter an e-mail address."),
    ({"email": "registrar@other.example"}, "already exists"),  # e-mails are unique across institutions
    ({"email": "ADMIN@demo.example"}, "already exists"),
    ({"role": "superuser"}, "Not a valid choice"),
    ({"name": ""}, "This field is required."),
])
def test_add_user_refusals(app, signed_in, changes, message):
    data = {"email": "someone@demo.example", "name": "Someone", "role": "viewer", "password": NEW_PASSWORD, **changes}
    response = signed_in("admin").post_form("/console/users/", **data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert user(app, "someone@demo.example") is None
    assert not events(app, "user.add")


def test_change_role(app, signed_in, world):
    target = user(app, world.registrar)
    response = signed_in("admin").post_form("/console/users/", f"/console/users/{target.id}/role", role="viewer")
    assert response.status_code == 302 and user(app, world.registrar).role == "viewer"
    [event] = events(app, "user.role")
    assert event.detail == {"from": "registrar", "to": "viewer"} and event.target == world.registrar


def test_deactivate_and_reactivate(app, signed_in, world):
    browser = signed_in("admin")
    target = user(app, world.viewer)
    browser.post_form("/console/users/", f"/console/users/{target.id}/deactivate")
    assert not user(app, world.viewer).active and not can_sign_in(app, world.viewer)
    browser.post_form("/console/users/", f"/console/users/{target.id}/reactivate")
    assert user(app, world.viewer).active and can_sign_in(app, world.viewer)
    assert [e.action for e in events(app, "user.deactivate") + events(app, "user.reactivate")] == ["user.deactivate", "user.reactivate"]


def test_deactivation_ends_the_users_session(app, signed_in, world):
    viewer = Browser(app.test_client())
    viewer.sign_in(world.viewer)
    assert viewer.client.get("/console/").status_code == 200
    signed_in("admin").post_form("/console/users/", f"/console/users/{user(app, world.viewer).id}/deactivate")
    assert viewer.client.get("/console/").status_code == 302


def test_last_admin_can_neither_demote_nor_deactivate_themself(app, signed_in, world):
    browser = signed_in("admin")
    admin = user(app, world.admin)
    response = browser.post_form("/console/users/", f"/console/users/{admin.id}/role", role="registrar")
    assert response.status_code == 302
    assert "at least one active administrator" in browser.client.get("/console/users/").get_data(as_text=True)
    browser.post_form("/console/users/", f"/console/users/{admin.id}/deactivate")
    after = user(app, world.admin)
    assert after.role == "admin" and after.active
    assert not events(app, "user.role") and not events(app, "user.deactivate")


def test_an_admin_may_step_down_when_another_admin_remains(app, signed_in, world):
    add_user(app, world.demo.id, "second.admin@demo.example")
    browser = signed_in("admin")
    browser.post_form("/console/users/", f"/console/users/{user(app, world.admin).id}/role", role="registrar")
    assert user(app, world.admin).role == "registrar"
    assert browser.client.get("/console/users/").status_code == 403
    # the remaining admin is now the last one
    second = Browser(app.test_client())
    second.sign_in("second.admin@demo.example")
    own_id = user(app, "second.admin@demo.example").id
    second.post_form("/console/users/", f"/console/users/{own_id}/deactivate")
    assert user(app, "second.admin@demo.example").active


def test_inactive_admin_does_not_count_as_the_remaining_admin(app, signed_in, world):
    add_user(app, world.demo.id, "dormant.admin@demo.example")
    browser = signed_in("admin")
    browser.post_form("/console/users/", f"/console/users/{user(app, 'dormant.admin@demo.example').id}/deactivate")
    browser.post_form("/console/users/", f"/console/users/{user(app, world.admin).id}/role", role="viewer")
    assert user(app, world.admin).role == "admin"


def test_reset_password(app, signed_in, world):
    browser = signed_in("admin")
    target = user(app, world.registrar)
    short = browser.post_form("/console/users/", f"/console/users/{target.id}/password", password="too short")
    assert short.status_code == 302 and check_password_hash(user(app, world.registrar).password_hash, PASSWORD)
    browser.post_form("/console/users/", f"/console/users/{target.id}/password", password=NEW_PASSWORD)
    assert can_sign_in(app, world.registrar, NEW_PASSWORD) and not can_sign_in(app, world.registrar, PASSWORD)
    [event] = events(app, "user.password_reset")
    assert event.target == world.registrar and NEW_PASSWORD not in str(event.detail)


def test_admin_resetting_own_password_stays_signed_in(app, signed_in, world):
    browser = signed_in("admin")
    browser.post_form("/console/users/", f"/console/users/{user(app, world.admin).id}/password", password=NEW_PASSWORD)
    assert browser.client.get("/console/users/").status_code == 200


@pytest.mark.parametrize("role", ["registrar", "viewer"])
def test_only_admins(app, signed_in, world, role):
    browser = signed_in(role)
    assert browser.client.get("/console/users/").status_code == 403
    target = user(app, world.viewer).id
    for action, data in [("/console/users/", {"email": "x@demo.example", "name": "X", "role": "admin", "password": NEW_PASSWORD}),
                         (f"/console/users/{target}/role", {"role": "admin"}),
                         (f"/console/users/{target}/deactivate", {}),
                         (f"/console/users/{target}/password", {"password": NEW_PASSWORD})]:
        assert browser.post_form("/console/", action, **data).status_code == 403
    assert user(app, world.viewer).role == "viewer" and user(app, "x@demo.example") is None


def test_sign_in_required(browser):
    response = browser.client.get("/console/users/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_tenant_isolation(app, world, other_admin):
    page = other_admin.client.get("/console/users/").get_data(as_text=True)
    assert world.other_registrar in page and world.admin not in page and world.registrar not in page
    target = user(app, world.registrar).id
    for action, data in [(f"/console/users/{target}/role", {"role": "viewer"}),
                         (f"/console/users/{target}/deactivate", {}),
                         (f"/console/users/{target}/password", {"password": NEW_PASSWORD})]:
        assert other_admin.post_form("/console/users/", action, **data).status_code == 404
    after = user(app, world.registrar)
    assert after.role == "registrar" and after.active and check_password_hash(after.password_hash, PASSWORD)


def test_added_user_belongs_to_the_admins_institution(app, world, other_admin):
    other_admin.post_form("/console/users/", email="new@other.example", name="New", role="viewer", password=NEW_PASSWORD)
    assert user(app, "new@other.example").institution_id == world.other.id
