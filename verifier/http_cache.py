"""The HTTP cache of :class:`verifier.http.HttpFetcher`: RFC 9111, the parts a verifier needs.

https://www.rfc-editor.org/rfc/rfc9111

- A response is stored unless it says ``Cache-Control: no-store``.
- Its freshness lifetime is ``max-age``, else ``Expires`` minus ``Date``
  (§4.2.1). ``no-cache``, an invalid ``max-age`` or ``Expires``, and a
  response with neither get a lifetime of 0: it is kept, but revalidated
  (``If-None-Match`` / ``If-Modified-Since``) before each use. No heuristic
  freshness (§4.2.2): a DID document or status list is never guessed fresh.
- Its age is the ``Age`` it arrived with plus the time since it was stored
  (§4.2.3, without the response-delay correction).
- A stale copy may stand in for a failed fetch (§4.2.4) unless it said
  ``must-revalidate``; the fetcher marks it ``stale``.

The cache lives on its fetcher, is bounded in entries and bytes (least
recently used out first) and is safe to share between threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from email.message import Message
from email.utils import parsedate_to_datetime

#: Enough for the DID documents and status lists of a few hundred issuers.
DEFAULT_MAX_ENTRIES = 512
DEFAULT_MAX_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class CachedResponse:
    """One stored 200 response, keyed by the URL that was asked for.

    :param url: the URL the body finally came from (after same-host redirects).
    :param stored_at: when it was received, or last confirmed by a 304.
    :param initial_age: its ``Age`` header then, in seconds.
    :param lifetime: its freshness lifetime in seconds (0: revalidate before use).
    """

    url: str
    body: bytes
    stored_at: datetime
    initial_age: float
    lifetime: float
    etag: str | None
    last_modified: str | None
    must_revalidate: bool

    def age(self, now: datetime) -> float:
        """Seconds since the origin server produced this copy (§4.2.3)."""
        return max(0.0, self.initial_age + (now - self.stored_at).total_seconds())

    def is_fresh(self, now: datetime) -> bool:
        return self.age(now) < self.lifetime

    def validators(self) -> dict[str, str]:
        """The conditional request headers that revalidate this copy (§4.3.1)."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class Freshness:
    """What a response's headers say about caching it."""

    store: bool
    lifetime: float
    initial_age: float
    must_revalidate: bool


def freshness(headers: Message, *, now: datetime) -> Freshness:
    """Read ``Cache-Control``, ``Expires``, ``Date`` and ``Age`` (RFC 9111 §5)."""
    directives = _cache_control(headers.get_all("Cache-Control") or [])
    age = _non_negative_int(headers.get("Age")) or 0
    if "no-store" in directives:
        return Freshness(False, 0.0, age, False)
    must_revalidate = "must-revalidate" in directives
    if "no-cache" in directives:
        return Freshness(True, 0.0, age, must_revalidate)
    if "max-age" in directives:
        return Freshness(True, float(_non_negative_int(directives["max-age"]) or 0), age, must_revalidate)
    expires = _http_date(headers.get("Expires"))
    if expires is None:
        return Freshness(True, 0.0, age, must_revalidate)
    date = _http_date(headers.get("Date")) or now
    return Freshness(True, max(0.0, (expires - date).total_seconds()), age, must_revalidate)


def _cache_control(values: list[str]) -> dict[str, str | None]:
    directives: dict[str, str | None] = {}
    for value in values:
        for item in value.split(","):
            name, _, argument = item.strip().partition("=")
            if name:
                directives.setdefault(name.strip().lower(), argument.strip().strip('"') or None)
    return directives


def _non_negative_int(value: str | None) -> int | None:
    if value is None or not value.strip().isdigit() or not value.strip().isascii():
        return None
    return int(value.strip())


def _http_date(value: str | None) -> datetime | None:
    """An HTTP-date, or None if missing or invalid (an invalid Expires means "already expired")."""
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


class HttpCache:
    """A bounded, thread-safe store of :class:`CachedResponse` by request URL."""

    def __init__(self, *, max_entries: int = DEFAULT_MAX_ENTRIES, max_bytes: int = DEFAULT_MAX_BYTES):
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("a cache holds at least one entry and one byte")
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, CachedResponse] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, url: str) -> CachedResponse | None:
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None:
                self._entries.move_to_end(url)
            return entry

    def put(self, url: str, entry: CachedResponse) -> None:
        """Store ``entry`` (replacing any older one), then evict the least recently used."""
        with self._lock:
            self._remove(url)
            if len(entry.body) > self.max_bytes:
                return
            self._entries[url] = entry
            self._bytes += len(entry.body)
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                self._remove(next(iter(self._entries)))

    def discard(self, url: str) -> None:
        with self._lock:
            self._remove(url)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """The bytes of every stored body."""
        return self._bytes

    def _remove(self, url: str) -> None:
        entry = self._entries.pop(url, None)
        if entry is not None:
            self._bytes -= len(entry.body)
