"""The verifier's only network client: :class:`HttpFetcher`.

It is an explicit object, passed to whatever needs the network (did:web
resolution, status lists, registry updates); nothing else in the verifier
opens a connection. Its rules:

- **https only**; plain http only with ``allow_insecure_http=True`` (tests).
- **Public addresses only**: the host is resolved here and *every* address is
  checked (no private, loopback, link-local, multicast or reserved address
  unless ``allow_private=True``); the connection then goes to a checked
  address, with the host named in ``Host``, TLS SNI and the certificate check
  (see :mod:`verifier.http_connection`), so DNS rebinding cannot bypass it.
- **Bounded**: a connect timeout, one overall deadline per request, and a
  size limit given per call (``max_bytes``), checked against
  ``Content-Length`` and while reading. No compression is asked for or accepted.
- **Redirects**: up to :data:`MAX_REDIRECTS` to the *same* scheme, host and
  port are followed (a move to ``/v2/did.json`` on the same server is
  harmless); a redirect to any other origin is refused, because the
  document's authority is the host the identifier names.
- **Cached** on the instance per RFC 9111 (:mod:`verifier.http_cache`), with
  revalidation by ``ETag`` / ``Last-Modified``; when a fetch fails and a
  stale copy exists, the copy is returned marked ``stale`` (the caller warns).
- No cookies, no credentials, no logging of what was fetched.

Every failure raises a :class:`~verifier.fetch_errors.FetchError` subclass.
"""

from __future__ import annotations

import socket
import ssl
import time
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable, Protocol, Sequence
from urllib.parse import urljoin, urlsplit

from .fetch_errors import AddressRefused as AddressRefused
from .fetch_errors import FetchError as FetchError
from .fetch_errors import FetchTimeout as FetchTimeout
from .fetch_errors import HttpStatusError as HttpStatusError
from .fetch_errors import RedirectRefused as RedirectRefused
from .fetch_errors import ResponseTooLarge as ResponseTooLarge
from .fetch_errors import TlsError as TlsError
from .fetch_errors import UrlRefused as UrlRefused
from .http_cache import CachedResponse, HttpCache, freshness
from .http_connection import Response, Target, check_address, exchange

MAX_REDIRECTS = 3
#: Limits for the documents the verifier fetches.
MAX_DID_DOCUMENT_BYTES = 256 * 1024
MAX_STATUS_LIST_BYTES = 2 * 1024 * 1024
USER_AGENT = "skillpass-verifier/0.1"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})

#: resolve_host(host, port) -> the host's addresses, as strings.
HostResolver = Callable[[str, int], Sequence[str]]


@dataclass(frozen=True)
class Fetched:
    """A fetched document and how fresh it is.

    :param url: where the body finally came from (after same-host redirects).
    :param fetched_at: when this copy was received or last confirmed (a ``now``).
    :param age_seconds: how old the copy is, by the server's ``Age`` and the cache.
    :param from_cache: the body came from the cache (fresh, revalidated, or stale).
    :param stale: the fetch failed and this older copy stands in; see ``refresh_error``.
    """

    body: bytes
    url: str
    fetched_at: datetime
    age_seconds: float
    from_cache: bool
    stale: bool = False
    refresh_error: str | None = None


class Fetcher(Protocol):
    """What the resolver and status checker need of a network client."""

    def fetch(self, url: str, *, max_bytes: int, now: datetime, accept: str = ...) -> Fetched: ...


def resolve_addresses(host: str, port: int) -> list[str]:
    """The host's addresses from the system resolver, without duplicates."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchError(f"cannot find the host {host}", url=host) from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class HttpFetcher:
    """Fetches small documents over https, safely; see the module docstring.

    :param ssl_context: the TLS context (default: the system's trusted CAs).
    :param allow_insecure_http: also fetch ``http://`` URLs (a test setting).
    :param allow_private: also connect to private and loopback addresses (a test setting).
    :param connect_timeout: seconds to open a connection.
    :param timeout: seconds for one whole request, connection to last byte.
    :param cache: the response cache (default: a new, bounded :class:`HttpCache`).
    :param resolve_host: host name -> addresses (default: the system resolver).
    """

    def __init__(
        self,
        *,
        ssl_context: ssl.SSLContext | None = None,
        allow_insecure_http: bool = False,
        allow_private: bool = False,
        connect_timeout: float = 5.0,
        timeout: float = 10.0,
        max_redirects: int = MAX_REDIRECTS,
        cache: HttpCache | None = None,
        resolve_host: HostResolver = resolve_addresses,
    ):
        self.ssl_context = ssl_context or ssl.create_default_context()
        self.allow_insecure_http = allow_insecure_http
        self.allow_private = allow_private
        self.connect_timeout = connect_timeout
        self.timeout = timeout
        self.max_redirects = max_redirects
        self.cache = cache if cache is not None else HttpCache()
        self.resolve_host = resolve_host

    def fetch(self, url: str, *, max_bytes: int, now: datetime, accept: str = "application/json") -> Fetched:
        """GET ``url`` through the cache.

        :param max_bytes: the largest body accepted for this kind of document.
        :param now: the current time (aware), for cache ages; no clock is read for it.
        :param accept: the ``Accept`` header.
        :raises FetchError: if it cannot be fetched and no usable cached copy exists.
        """
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        key = self.parse(url).url
        cached = self.cache.get(key)
        if cached is not None and len(cached.body) > max_bytes:
            cached = None
        if cached is not None and cached.is_fresh(now):
            return Fetched(cached.body, cached.url, cached.stored_at, cached.age(now), from_cache=True)
        try:
            return self._fetch(key, cached, max_bytes=max_bytes, now=now, accept=accept)
        except FetchError as error:
            if cached is None or cached.must_revalidate:
                raise
            return Fetched(cached.body, cached.url, cached.stored_at, cached.age(now), from_cache=True,
                           stale=True, refresh_error=error.detail)

    def parse(self, url: object) -> Target:
        """Check a URL is one this fetcher may fetch.

        :raises UrlRefused: if it is not an absolute https (or allowed http)
            URL with an ASCII host and no user name or password.
        """
        allowed = ("https", "http") if self.allow_insecure_http else ("https",)
        try:
            parts = urlsplit(url) if isinstance(url, str) else None
            port = parts.port if parts else None
        except ValueError:
            parts = None
        text = url if isinstance(url, str) else repr(url)
        if parts is None or parts.scheme not in allowed or not parts.hostname:
            raise UrlRefused(f"{text:.200} is not an {' or '.join(allowed)} URL; nothing else is fetched", url=str(url))
        if parts.username is not None or parts.password is not None:
            raise UrlRefused(f"{parts.hostname}: a URL with a user name or password is not fetched", url=text)
        if not text.isascii() or any(ch <= " " or ch == "\x7f" for ch in text):
            raise UrlRefused(f"{text:.200} holds spaces, control or non-ASCII characters", url=text)
        port = port or (443 if parts.scheme == "https" else 80)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return Target(parts._replace(fragment="").geturl(), parts.scheme, parts.hostname, port, path)

    def _fetch(self, key: str, cached: CachedResponse | None, *, max_bytes, now, accept) -> Fetched:
        headers = {"Accept": accept, "Accept-Encoding": "identity", "User-Agent": USER_AGENT, "Connection": "close"}
        if cached is not None:
            headers.update(cached.validators())
        final_url, response = self._follow(self.parse(key), headers, max_bytes)
        policy = freshness(response.headers, now=now)
        if response.status == 304 and cached is not None:
            entry = replace(cached, stored_at=now, initial_age=policy.initial_age, lifetime=policy.lifetime,
                            must_revalidate=policy.must_revalidate, etag=response.headers.get("ETag") or cached.etag)
            self._store(key, entry, policy.store)
            return Fetched(entry.body, entry.url, now, entry.age(now), from_cache=True)
        if response.status != 200:
            raise HttpStatusError(f"{final_url} answered HTTP {response.status}", status=response.status, url=final_url)
        entry = CachedResponse(final_url, response.body, now, policy.initial_age, policy.lifetime,
                               response.headers.get("ETag"), response.headers.get("Last-Modified"),
                               policy.must_revalidate)
        self._store(key, entry, policy.store)
        return Fetched(response.body, final_url, now, policy.initial_age, from_cache=False)

    def _store(self, key: str, entry: CachedResponse, store: bool) -> None:
        if store:
            self.cache.put(key, entry)
        else:
            self.cache.discard(key)

    def _follow(self, target: Target, headers: dict[str, str], max_bytes: int) -> tuple[str, Response]:
        """Send the request, following same-origin redirects."""
        origin = target.origin
        for _ in range(self.max_redirects + 1):
            response = self._exchange(target, headers, max_bytes)
            if response.status not in _REDIRECTS:
                return target.url, response
            location = response.headers.get("Location")
            if not location:
                raise HttpStatusError(f"{target.url} redirects without a Location", status=response.status, url=target.url)
            try:
                target = self.parse(urljoin(target.url, location.strip()))
            except UrlRefused as error:
                raise RedirectRefused(f"{target.url} redirects to a URL that is not fetched: {error.detail}",
                                      url=target.url) from None
            if target.origin != origin:
                raise RedirectRefused(
                    f"{origin[1]} redirects to another host or scheme ({target.scheme}://{target.host}:{target.port}); "
                    "a document is only accepted from the host that its identifier names",
                    url=target.url,
                )
        raise RedirectRefused(f"{target.url}: more than {self.max_redirects} redirects", url=target.url)

    def _exchange(self, target: Target, headers: dict[str, str], max_bytes: int) -> Response:
        deadline = time.monotonic() + self.timeout
        addresses = self.resolve_host(target.host, target.port)
        if not addresses:
            raise FetchError(f"cannot find the host {target.host}", url=target.url)
        for address in addresses:
            check_address(address, target.host, allow_private=self.allow_private)
        context = self.ssl_context if target.scheme == "https" else None
        error: FetchError | None = None
        for address in addresses:
            try:
                return exchange(target, address, headers, context=context, connect_timeout=self.connect_timeout,
                                deadline=deadline, max_bytes=max_bytes)
            except FetchError as failure:
                if type(failure) is not FetchError or time.monotonic() >= deadline:
                    raise  # only a plain connection failure moves on to the next address
                error = failure
        raise error
