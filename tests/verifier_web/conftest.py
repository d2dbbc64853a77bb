"""The verifier app with a fixed clock and a test trust registry; CSRF on, as in production."""

from __future__ import annotations

import json
import re

import pytest

from verifier.web import create_app

from .documents import ALLIANCE, NOW, registry, status_folder


@pytest.fixture(scope="session")
def registry_file(tmp_path_factory):
    """The test registry, and beside it the test issuers' status lists (see make_app)."""
    folder = tmp_path_factory.mktemp("registry")
    (folder / "status").mkdir()
    status_folder(folder / "status")
    path = folder / "registry.json"
    path.write_text(json.dumps(registry()), "utf-8")
    return path


def make_app(registry_file, **config):
    """The app offline (no did:web or status list fetched), its status lists from the folder beside the registry."""
    return create_app({
        "SECRET_KEY": "verifier web tests",
        "VERIFIER_CLOCK": lambda: NOW,
        "VERIFIER_REGISTRY_FILE": str(registry_file),
        "VERIFIER_TRUSTED_ISSUERS": ALLIANCE,
        "VERIFIER_NETWORK": False,
        "VERIFIER_STATUS_DIR": str(registry_file.parent / "status"),
        **config,
    })


@pytest.fixture(scope="session")
def app(registry_file):
    return make_app(registry_file)


@pytest.fixture
def client(app):
    return app.test_client()


class Page:
    """A browser-like client of the page: it keeps cookies and sends the form's CSRF token."""

    def __init__(self, client, language: str = "en"):
        self.client = client
        self.headers = {"Accept-Language": language}

    def get(self, path: str = "/", **kwargs):
        return self.client.get(path, headers=self.headers, **kwargs)

    def token(self) -> str:
        html = self.get("/").get_data(as_text=True)
        return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]

    def verify(self, document=None, *, text: str | None = None, **fields):
        data = {"csrf_token": self.token(), "document": text if text is not None else json.dumps(document), **fields}
        return self.client.post("/verify", data=data, headers=self.headers)


@pytest.fixture
def page(client):
    return Page(client)


def main_text(response) -> str:
    """The visible text of the page's <main>, tags removed, whitespace collapsed, entities kept."""
    html = response.get_data(as_text=True)
    body = html[html.index("<main"):html.index("</main>")]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))
