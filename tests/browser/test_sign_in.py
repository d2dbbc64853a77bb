"""Sign in to the console in a real browser, by keyboard, and look at the home page."""

from __future__ import annotations

from .conftest import sign_in


def test_sign_in_by_keyboard_and_see_home(page, live_url, world, screenshots):
    page.goto(f"{live_url}/console/")
    assert "/console/login" in page.url
    # focus starts in the form (autofocus is applied once the page has focus)
    page.wait_for_function("document.activeElement && document.activeElement.id === 'email'", timeout=5_000)
    page.keyboard.type(world.registrar)
    page.keyboard.press("Tab")
    page.keyboard.type("a long test passphrase")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_url}/console/")
    page.keyboard.press("Tab")  # on every console page the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.screenshot(path=screenshots / "console-home.png", full_page=True)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Demo Polytechnic")
    assert page.get_by_text("Credentials issued").is_visible()


def test_wrong_password_is_announced(page, live_url, world, screenshots):
    sign_in_page = f"{live_url}/console/login"
    page.goto(sign_in_page)
    page.get_by_label("E-mail").fill(world.registrar)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    status = page.get_by_role("status")
    assert "Wrong e-mail or password." in status.inner_text()
    page.screenshot(path=screenshots / "console-sign-in-error.png")


def test_phone_width_has_no_horizontal_scroll(playwright_browser, live_url, world, screenshots):
    context = playwright_browser.new_context(viewport={"width": 375, "height": 740}, device_scale_factor=2)
    page = context.new_page()
    sign_in(page, live_url, world.registrar)
    page.screenshot(path=screenshots / "console-home-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
