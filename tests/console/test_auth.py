"""Sign-in, throttling, CSRF and the role check."""

from __future__ import annotations

from .conftest import PASSWORD


def test_console_requires_sign_in(browser):
    response = browser.client.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_sign_in_and_out(browser, world):
    response = browser.sign_in(world.registrar)
    assert response.status_code == 302 and response.headers["Location"].endswith("/console/")
    home = browser.client.get("/console/").get_data(as_text=True)
    assert "Demo Polytechnic" in home and "Credentials issued" in home
    browser.post_form("/console/", "/console/logout")
    assert browser.client.get("/console/").status_code == 302


def test_wrong_password(browser, world):
    response = browser.sign_in(world.registrar, "wrong")
    assert response.status_code == 401
    assert "Wrong e-mail or password." in response.get_data(as_text=True)


def test_unknown_user_gets_the_same_answer(browser):
    response = browser.sign_in("nobody@nowhere.example")
    assert response.status_code == 401 and "Wrong e-mail or password." in response.get_data(as_text=True)


def test_throttling_locks_the_account(app, browser, world):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        browser.sign_in(world.registrar, "wrong")
    response = browser.sign_in(world.registrar, PASSWORD)
    assert response.status_code == 401
    assert "locked" in response.get_data(as_text=True)


def test_forged_csrf_token_is_refused(browser, world):
    response = browser.client.post("/console/login", data={"email": world.registrar, "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400
    assert browser.client.get("/console/").status_code == 302


def test_missing_csrf_token_is_refused(browser, world):
    browser.sign_in(world.registrar)
    response = browser.client.post("/console/logout", data={})
    assert response.status_code == 400


def test_no_open_redirect_after_sign_in(browser, world):
    page = browser.client.get("/console/login?next=https://evil.example/")
    from .conftest import csrf_token

    response = browser.client.post("/console/login?next=https://evil.example/", data={
        "email": world.registrar, "password": PASSWORD, "csrf_token": csrf_token(page.get_data(as_text=True))})
    assert response.headers["Location"].endswith("/console/")


def test_session_cookie_flags(app, browser, world):
    response = browser.sign_in(world.registrar)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
