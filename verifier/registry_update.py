"""Update the trust registry from a URL, replacing it only with a verified, newer one.

The HTTP client is injected: ``fetch(url) -> bytes``.  Its contract
(another module implements it; tests pass a stub):

- **https only**: refuse any other scheme, and any redirect that leaves https;
- **size-limited**: read at most :data:`MAX_REGISTRY_BYTES` + 1 bytes of the
  (decoded) body and stop there -- never buffer an unbounded response, and
  limit decompression the same way;
- **timeouts**: bounded connect and read timeouts (about 10 s and 30 s), and
  an overall deadline, so a slow server cannot hang a verifier;
- no cookies or credentials sent; a non-200 status is a failure;
- on any failure raise :class:`~verifier.trust_errors.RegistryFetchFailed`
  (an ``OSError`` is also accepted and translated).

This module checks the scheme and the size again itself, parses with
:func:`dataintegrity.jsonio.parse_untrusted_json`, verifies with
:meth:`TrustRegistry.from_credential`, and keeps the current registry unless
the new one verifies, is the same registry (same ``id``) and is newer (a
later ``validFrom``).  An older registry is refused: serving a stale list
(one where a suspended member was still active) would be a rollback attack.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Callable
from urllib.parse import urlsplit

from dataintegrity.errors import VCError
from dataintegrity.jsonio import parse_untrusted_json
from dataintegrity.loader import DocumentLoader
from dataintegrity.proof import KeyResolver

from .trust import TrustRegistry
from .trust_errors import MalformedRegistry, RegistryFetchFailed, RegistryUpdateRefused

#: A registry of a few hundred members is well under this.
MAX_REGISTRY_BYTES = 1024 * 1024

Fetch = Callable[[str], bytes]


@dataclass(frozen=True)
class RegistryUpdate:
    """The outcome of an update: the registry to use from now on, and whether it changed."""

    registry: TrustRegistry
    replaced: bool
    message: str


def fetch_registry(
    url: str,
    *,
    fetch: Fetch,
    current: TrustRegistry | None,
    loader: DocumentLoader,
    resolve_key: KeyResolver,
    trusted_issuers: Collection[str],
    now: datetime,
) -> RegistryUpdate:
    """Fetch, verify and (if newer) adopt the registry published at ``url``.

    :param fetch: the injected HTTP client (see the module docstring for its contract).
    :param current: the registry in use, or ``None`` if there is none yet.
    :returns: the new registry with ``replaced=True``, or ``current`` unchanged
        when the fetched one is the very same version.
    :raises RegistryFetchFailed: if the URL is not https or the fetch fails.
    :raises RegistryError: (a subclass) if the fetched registry is malformed,
        forged, from an untrusted issuer, not current, or older than ``current``;
        ``current`` stays in use.
    """
    document = _fetch_document(url, fetch)
    candidate = TrustRegistry.from_credential(
        document, loader=loader, resolve_key=resolve_key, trusted_issuers=trusted_issuers, now=now
    )
    return choose_newer(current, candidate)


def choose_newer(current: TrustRegistry | None, candidate: TrustRegistry) -> RegistryUpdate:
    """Adopt ``candidate`` (already verified) only if it is a newer version of ``current``.

    :raises RegistryUpdateRefused: if it is another registry, older, or a different
        document with the same ``validFrom``.
    """
    if current is None:
        return RegistryUpdate(candidate, True, f"adopted registry {candidate.info.id} ({_version(candidate)})")
    if candidate.info.id != current.info.id:
        raise RegistryUpdateRefused(
            f"the fetched registry is {candidate.info.id}, not {current.info.id}; "
            "a registry is only replaced by a newer version of itself",
            property="id",
        )
    if candidate.info.valid_from > current.info.valid_from:
        message = f"updated registry {candidate.info.id}: {_version(current)} -> {_version(candidate)}"
        return RegistryUpdate(candidate, True, message)
    if candidate == current:
        return RegistryUpdate(current, False, f"registry {current.info.id} is unchanged ({_version(current)})")
    if candidate.info.valid_from < current.info.valid_from:
        older = "older than"
    else:
        older = "a different document with the same validFrom as"
    raise RegistryUpdateRefused(
        f"the fetched registry ({_version(candidate)}) is {older} the one in use ({_version(current)}); "
        "it was not adopted",
        property="validFrom",
    )


def _fetch_document(url: str, fetch: Fetch) -> object:
    if not _is_https(url):
        raise RegistryFetchFailed(f"a registry is only fetched over https, not from {url!r:.120}", url=str(url))
    try:
        data = fetch(url)
    except RegistryFetchFailed:
        raise
    except OSError as error:
        raise RegistryFetchFailed(f"cannot fetch {url}: {error}", url=url) from None
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"fetch must return bytes, not {type(data).__name__}")
    if len(data) > MAX_REGISTRY_BYTES:
        raise RegistryFetchFailed(
            f"{url} returned more than {MAX_REGISTRY_BYTES:,} bytes; a registry is smaller", url=url
        )
    try:
        return parse_untrusted_json(bytes(data), max_bytes=MAX_REGISTRY_BYTES)
    except VCError as error:
        raise MalformedRegistry(f"{url}: {error.detail}", url=url) from None


def _is_https(url: object) -> bool:
    try:
        parts = urlsplit(url) if isinstance(url, str) else None
        return parts is not None and parts.scheme == "https" and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False


def _version(registry: TrustRegistry) -> str:
    return f"validFrom {registry.info.valid_from:%Y-%m-%dT%H:%M:%SZ}"
