"""HttpFetcher against a real HTTPS server on 127.0.0.1: limits, address checks, redirects, caching."""

from __future__ import annotations

import gzip
import time
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest

from verifier.http import (
    AddressRefused,
    FetchError,
    FetchTimeout,
    HttpFetcher,
    HttpStatusError,
    RedirectRefused,
    ResponseTooLarge,
    TlsError,
    UrlRefused,
)
from verifier.http_cache import HttpCache, CachedResponse
from verifier.http_connection import check_address

from .local_https import https, no_network, server  # noqa: F401 (fixtures)
from .local_https import Route, resolve_to_loopback

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
DOC = b'{"hello": "world"}'


def fetcher_for(server, **options) -> HttpFetcher:
    options = {"ssl_context": server.client_context(), "allow_private": True, "resolve_host": resolve_to_loopback,
               "timeout": 2.0, **options}
    return HttpFetcher(**options)


def test_fetches_a_document_with_the_right_headers(https):
    https.routes["/doc"] = Route(DOC, headers={"Content-Type": "application/json"})
    fetched = fetcher_for(https).fetch(https.url("/doc"), max_bytes=1000, now=NOW, accept="application/did+json")
    assert (fetched.body, fetched.url, fetched.from_cache, fetched.stale) == (DOC, https.url("/doc"), False, False)
    assert (fetched.fetched_at, fetched.age_seconds) == (NOW, 0)
    headers = https.requests[0]["headers"]
    assert headers["host"] == f"localhost:{https.port}"
    assert headers["accept"] == "application/did+json"
    assert headers["accept-encoding"] == "identity"
    assert "cookie" not in headers and "authorization" not in headers


def test_the_name_in_the_url_is_checked_against_the_certificate(https):
    https.routes["/doc"] = Route(DOC)
    fetcher = fetcher_for(https, resolve_host=lambda host, port: ["127.0.0.1"])
    with pytest.raises(TlsError, match="certificate of wrong.test is not valid"):
        fetcher.fetch(f"https://wrong.test:{https.port}/doc", max_bytes=1000, now=NOW)
    assert https.requests == []


def test_a_server_the_context_does_not_trust_is_a_tls_error(https):
    https.routes["/doc"] = Route(DOC)
    with pytest.raises(TlsError, match="not valid"):
        fetcher_for(https, ssl_context=None).fetch(https.url("/doc"), max_bytes=1000, now=NOW)


def test_a_slow_server_times_out(https):
    https.routes["/slow"] = Route(DOC, delay=3)
    started = time.monotonic()
    with pytest.raises(FetchTimeout, match="did not answer in time"):
        fetcher_for(https, timeout=0.5).fetch(https.url("/slow"), max_bytes=1000, now=NOW)
    assert time.monotonic() - started < 2


def test_a_server_that_drips_bytes_cannot_hold_past_the_deadline(https):
    https.routes["/drip"] = Route(b"x" * 200, drip=0.05)  # 10 s in all
    started = time.monotonic()
    with pytest.raises(FetchTimeout):
        fetcher_for(https, timeout=1.0).fetch(https.url("/drip"), max_bytes=1000, now=NOW)
    assert time.monotonic() - started < 2.5


def test_a_declared_length_over_the_limit_is_refused_before_reading(https):
    https.routes["/big"] = Route(b"x" * 5000)
    with pytest.raises(ResponseTooLarge, match="larger than the 1,000-byte limit"):
        fetcher_for(https).fetch(https.url("/big"), max_bytes=1000, now=NOW)


def test_a_body_without_length_is_cut_off_at_the_limit(https):
    https.routes["/stream"] = Route(b"x" * 300, drip=0.001)
    with pytest.raises(ResponseTooLarge):
        fetcher_for(https).fetch(https.url("/stream"), max_bytes=100, now=NOW)


def test_a_body_without_length_is_read_to_the_end(https):
    https.routes["/stream"] = Route(b"x" * 300, drip=0.001)
    assert fetcher_for(https).fetch(https.url("/stream"), max_bytes=300, now=NOW).body == b"x" * 300


def test_compressed_content_is_refused(https):
    https.routes["/gz"] = Route(gzip.compress(DOC), headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="gzip-encoded content"):
        fetcher_for(https).fetch(https.url("/gz"), max_bytes=1000, now=NOW)


def test_loopback_is_refused_without_the_test_setting(https):
    https.routes["/doc"] = Route(DOC)
    with pytest.raises(AddressRefused, match="127.0.0.1, a private, loopback"):
        fetcher_for(https, allow_private=False).fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    with pytest.raises(AddressRefused):
        HttpFetcher(ssl_context=https.client_context()).fetch(https.url("/doc", host="127.0.0.1"), max_bytes=1000, now=NOW)
    assert https.requests == []


def test_every_address_of_a_host_is_checked(https):
    """A name resolving to a public and a private address (as a rebinding attacker would set up) is refused."""
    fetcher = fetcher_for(https, allow_private=False, resolve_host=lambda host, port: ["93.184.216.34", "127.0.0.1"])
    with pytest.raises(AddressRefused):
        fetcher.fetch("https://issuer.test/did.json", max_bytes=1000, now=NOW)


@pytest.mark.parametrize("address", [
    "10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "169.254.169.254", "0.0.0.0", "100.64.0.1",
    "224.0.0.251", "255.255.255.255", "240.0.0.1", "::1", "::", "fe80::1", "fc00::1", "ff02::1", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1", "2001:db8::1", "not-an-address",
])
def test_non_public_addresses_are_refused(address):
    with pytest.raises(AddressRefused):
        check_address(address, "example.edu", allow_private=False)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946", "8.8.8.8"])
def test_public_addresses_pass(address):
    check_address(address, "example.edu", allow_private=False)


@pytest.mark.parametrize("url", [
    "http://issuer.test/did.json", "ftp://issuer.test/x", "file:///etc/passwd", "https://user:pw@issuer.test/x",
    "https:///nohost", "https://issuer.test/a b", "https://issuer.tést/x", "https://[::1/x", 42,
])
def test_urls_that_are_not_fetched(url):
    with pytest.raises(UrlRefused):
        HttpFetcher().fetch(url, max_bytes=1000, now=NOW)


def test_plain_http_only_with_the_test_setting(https):
    fetcher = HttpFetcher(allow_insecure_http=True, allow_private=True, resolve_host=resolve_to_loopback, timeout=1)
    assert fetcher.parse("http://issuer.test/x").port == 80


def test_same_host_redirects_are_followed(https):
    https.routes["/old"] = Route(status=301, headers={"Location": "/new"})
    https.routes["/new"] = Route(DOC)
    fetched = fetcher_for(https).fetch(https.url("/old"), max_bytes=1000, now=NOW)
    assert (fetched.body, fetched.url) == (DOC, https.url("/new"))


@pytest.mark.parametrize("location", [
    "https://other.test:{port}/doc",  # another host, same address and certificate
    "https://localhost:1/doc",  # another port
    "http://localhost:{port}/doc",  # a downgrade
])
def test_redirects_to_another_origin_are_refused(https, location):
    https.routes["/doc"] = Route(status=302, headers={"Location": location.format(port=https.port)})
    with pytest.raises(RedirectRefused):
        fetcher_for(https, allow_insecure_http=True).fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    assert [request["path"] for request in https.requests] == ["/doc"]


def test_a_redirect_loop_stops(https):
    https.routes["/loop"] = Route(status=307, headers={"Location": "/loop"})
    with pytest.raises(RedirectRefused, match="more than 3 redirects"):
        fetcher_for(https).fetch(https.url("/loop"), max_bytes=1000, now=NOW)
    assert len(https.requests) == 4


def test_an_error_status_is_an_error(https):
    with pytest.raises(HttpStatusError, match="answered HTTP 404") as caught:
        fetcher_for(https).fetch(https.url("/missing"), max_bytes=1000, now=NOW)
    assert caught.value.status == 404


def test_max_age_is_honoured_with_the_copy_s_age(https):
    https.routes["/doc"] = Route(DOC, headers={"Cache-Control": "public, max-age=60", "Age": "10"})
    fetcher = fetcher_for(https)
    first = fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    again = fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW + timedelta(seconds=30))
    assert (first.from_cache, first.age_seconds) == (False, 10)
    assert (again.body, again.from_cache, again.age_seconds, again.fetched_at) == (DOC, True, 40, NOW)
    assert len(https.requests) == 1
    later = fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW + timedelta(seconds=51))
    assert later.from_cache is False and len(https.requests) == 2


def test_expires_gives_a_lifetime_relative_to_date(https):
    headers = {"Date": format_datetime(NOW, usegmt=True),
               "Expires": format_datetime(NOW + timedelta(minutes=2), usegmt=True)}
    https.routes["/doc"] = Route(DOC, headers=headers)
    fetcher = fetcher_for(https)
    fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    assert fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW + timedelta(seconds=90)).from_cache
    assert len(https.requests) == 1


def test_no_store_is_never_cached(https):
    https.routes["/doc"] = Route(DOC, headers={"Cache-Control": "no-store, max-age=600"})
    fetcher = fetcher_for(https)
    fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    assert len(https.requests) == 2 and len(fetcher.cache) == 0


def test_no_cache_revalidates_with_the_entity_tag(https):
    https.routes["/doc"] = Route(DOC, headers={"Cache-Control": "no-cache", "ETag": '"v1"'})
    fetcher = fetcher_for(https)
    fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    again = fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW + timedelta(hours=1))
    assert [r["headers"].get("if-none-match") for r in https.requests] == [None, '"v1"']
    assert (again.body, again.from_cache, again.stale, again.age_seconds) == (DOC, True, False, 0)
    assert again.fetched_at == NOW + timedelta(hours=1)


def test_a_304_can_renew_the_lifetime(https):
    calls = []

    def answer(headers):
        calls.append(headers.get("if-modified-since"))
        if headers.get("if-modified-since"):
            return Route(status=304, headers={"Cache-Control": "max-age=300"})
        return Route(DOC, headers={"Last-Modified": "Fri, 20 Nov 2026 08:00:00 GMT", "Cache-Control": "max-age=0"})

    https.routes["/doc"] = answer
    fetcher = fetcher_for(https)
    fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW + timedelta(seconds=10))
    fresh = fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW + timedelta(seconds=100))
    assert calls == [None, "Fri, 20 Nov 2026 08:00:00 GMT"]
    assert (fresh.body, fresh.from_cache, fresh.age_seconds) == (DOC, True, 90)


def test_a_changed_document_replaces_the_cached_one(https):
    https.routes["/doc"] = Route(DOC, headers={"ETag": '"v1"', "Cache-Control": "max-age=0"})
    fetcher = fetcher_for(https)
    fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    https.routes["/doc"] = Route(b'{"v": 2}', headers={"ETag": '"v2"', "Cache-Control": "max-age=0"})
    assert fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW).body == b'{"v": 2}'


def test_a_stale_copy_stands_in_when_the_fetch_fails(https):
    https.routes["/doc"] = Route(DOC, headers={"Cache-Control": "max-age=60"})
    fetcher = fetcher_for(https)
    fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    https.routes["/doc"] = Route(b"down", status=503)
    stale = fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW + timedelta(hours=2))
    assert (stale.body, stale.from_cache, stale.stale, stale.age_seconds) == (DOC, True, True, 7200)
    assert "HTTP 503" in stale.refresh_error


def test_a_stale_copy_stands_in_for_a_timeout(https):
    https.routes["/doc"] = Route(DOC, headers={"Cache-Control": "max-age=60"})
    fetcher = fetcher_for(https, timeout=0.5)
    fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    https.routes["/doc"] = Route(DOC, delay=2)
    stale = fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW + timedelta(minutes=5))
    assert stale.stale and "did not answer in time" in stale.refresh_error


def test_must_revalidate_forbids_a_stale_copy(https):
    https.routes["/doc"] = Route(DOC, headers={"Cache-Control": "max-age=60, must-revalidate"})
    fetcher = fetcher_for(https)
    fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    https.routes["/doc"] = Route(b"down", status=503)
    with pytest.raises(HttpStatusError):
        fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW + timedelta(hours=2))


def test_a_cached_copy_larger_than_this_call_s_limit_is_not_used(https):
    https.routes["/doc"] = Route(b"x" * 500, headers={"Cache-Control": "max-age=60"})
    fetcher = fetcher_for(https)
    fetcher.fetch(https.url("/doc"), max_bytes=1000, now=NOW)
    with pytest.raises(ResponseTooLarge):
        fetcher.fetch(https.url("/doc"), max_bytes=100, now=NOW)


def test_now_must_be_aware(https):
    with pytest.raises(ValueError, match="aware"):
        fetcher_for(https).fetch(https.url("/doc"), max_bytes=1000, now=datetime(2026, 1, 1))


def test_the_cache_is_bounded():
    cache = HttpCache(max_entries=2, max_bytes=1000)

    def entry(size):
        return CachedResponse("u", b"x" * size, NOW, 0, 60, None, None, False)

    cache.put("a", entry(10))
    cache.put("b", entry(10))
    cache.get("a")  # a is now the most recently used
    cache.put("c", entry(10))
    assert (cache.get("a") is not None, cache.get("b"), cache.get("c") is not None) == (True, None, True)
    cache.put("d", entry(995))
    assert len(cache) == 1 and cache.size == 995
    cache.put("huge", entry(2000))
    assert cache.get("huge") is None
