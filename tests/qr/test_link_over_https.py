"""A link QR code followed through the verifier's real guarded HTTPS client, against a local HTTPS server."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from qr import payload
from qr.errors import DamagedCode
from verifier.http import HttpFetcher
from verifier.qr_input import LinkUnavailable, credential_from_text

from ..conftest import FIXTURES, read_json
from ..local_https import https, no_network, server  # noqa: F401 (fixtures)
from ..local_https import Route, resolve_to_loopback

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
CREDENTIAL = read_json(FIXTURES / "valid-eddsa-rdfc-2022.json")


def fetcher_for(server) -> HttpFetcher:
    return HttpFetcher(ssl_context=server.client_context(), allow_private=True, resolve_host=resolve_to_loopback,
                       timeout=2.0)


def test_the_linked_credential_is_fetched_and_matches(https):
    https.routes["/c/token/credential.json"] = Route(json.dumps(CREDENTIAL, indent=2).encode(),
                                                     headers={"Content-Type": "application/json"})
    url = https.url("/c/token/credential.json")
    read = credential_from_text(payload.encode_link(url, CREDENTIAL), fetcher=fetcher_for(https), now=NOW)
    assert (read.mode, read.url, read.document) == ("link", url, CREDENTIAL)


def test_a_substituted_credential_is_refused(https):
    other = {**CREDENTIAL, "name": "Another credential"}
    https.routes["/c/token/credential.json"] = Route(json.dumps(other).encode())
    url = https.url("/c/token/credential.json")
    with pytest.raises(DamagedCode, match="digest differs"):
        credential_from_text(payload.encode_link(url, CREDENTIAL), fetcher=fetcher_for(https), now=NOW)


@pytest.mark.parametrize("route", [Route(b"not json"), Route(b"{}", status=404), Route(b"x" * (2 * 1024 * 1024))],
                         ids=["not-json", "not-found", "too-large"])
def test_an_unusable_link_says_why(https, route):
    https.routes["/c/token/credential.json"] = route
    url = https.url("/c/token/credential.json")
    with pytest.raises(LinkUnavailable, match="could not be fetched"):
        credential_from_text(payload.encode_link(url, CREDENTIAL), fetcher=fetcher_for(https), now=NOW)
