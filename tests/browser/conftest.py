"""Browser tests: the real product served on a local port, driven by Playwright in Debian's Chromium.

Chromium is never downloaded: the tests use the system's (`which chromium`),
started headless with the flags this machine needs. Screenshots of every page
a test visits go to ``$SKILLPASS_SCREENSHOTS`` (default: a temporary folder).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from issuer.devserver import dispatcher

from ..console.conftest import PASSWORD, World, migrated_app, world  # noqa: F401  (the world fixture)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
]

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make test installs it)")


@pytest.fixture
def no_network():
    """Browser tests talk to a server on 127.0.0.1: the socket tripwire stays off here."""


@pytest.fixture
def app(tmp_path):
    app = migrated_app(tmp_path, TESTING=False, PUBLIC_URL="http://127.0.0.1")
    yield app
    app.extensions["skillpass_db"].dispose()


@pytest.fixture
def live_url(app):
    """The product (issuer and dispatcher) served on a free local port for the test."""
    server = make_server("127.0.0.1", 0, dispatcher(app, None), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config["PUBLIC_URL"] = f"http://127.0.0.1:{server.server_port}"
    yield app.config["PUBLIC_URL"]
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def verifier_url(tmp_path_factory):
    """The verifier app alone (as deployed), offline, with the test registry and a fixed clock, on a free local port."""
    from ..verifier_web.conftest import make_app
    from ..verifier_web.documents import registry, status_folder

    registry_file = tmp_path_factory.mktemp("registry") / "registry.json"
    registry_file.write_text(json.dumps(registry()), "utf-8")
    (registry_file.parent / "status").mkdir()
    status_folder(registry_file.parent / "status")
    server = make_server("127.0.0.1", 0, make_app(registry_file), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def playwright_browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(playwright_browser):
    context = playwright_browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("SKILLPASS_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def sign_in(page, live_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_url}/console/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_url}/console/**")
