"""Making an offline trust bundle (see :mod:`verifier.bundle` for the format).

Everything put in a bundle is checked first, with the same code a verifier
uses: each DID document's ``id``; each status list's proof, by a key its
issuer controls (whose DID document is then bundled too); the registry's
proof and issuer against the trusted alliance DIDs. Anything that fails
raises, and no bundle is written.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from typing import Sequence

import schemas
from dataintegrity import SUITES
from dataintegrity.datetimes import format_date_time_stamp
from dataintegrity.loader import DocumentLoader

from . import checks
from .bundle import BUNDLE_TYPE, BUNDLE_VERSION, BundleError
from .http import Fetcher
from .offline import DidSource, StatusSource
from .provenance import Provenance
from .resolution import Resolver
from .status_check import StatusChecker
from .status_list_credential import ListVerification, read_status_list
from .trust import TrustRegistry


class BundleBuilder:
    """Collects checked documents for a bundle made at ``now``.

    :param did_sources: offline DID document sources tried before the fetcher.
    :param status_sources: offline status list sources tried before the fetcher.
    :param fetcher: the network client; None builds from the offline sources only.
    """

    def __init__(self, *, now: datetime, loader: DocumentLoader, did_sources: Sequence[DidSource] = (),
                 status_sources: Sequence[StatusSource] = (), fetcher: Fetcher | None = None):
        self.now = now
        self.loader = loader
        self.resolver = Resolver(now=now, sources=did_sources, fetcher=fetcher)
        self._status = StatusChecker(loader=loader, sources=status_sources, fetcher=fetcher)
        self._status_lists: dict[str, tuple[dict, Provenance]] = {}
        self._registry: dict | None = None
        self.warnings: list[str] = []

    def add_did(self, did: str) -> None:
        """Bundle the DID document of a did:web DID.

        :raises VCError: if it cannot be obtained or is not about ``did``.
        """
        self.resolver.obtain(did)

    def add_status_list(self, url: str) -> None:
        """Bundle the status list at ``url``, after verifying it (and bundle its issuer's DID document).

        :raises BundleError: if it cannot be obtained.
        :raises VCError: if it is not a status list its issuer signed.
        """
        if url in self._status_lists:
            return
        document, provenance, why = self._status.obtain(url, now=self.now)
        if document is None:
            raise BundleError(f"the status list {url} could not be obtained: {why}")
        issuer = checks.issuer_id(document) if isinstance(document, dict) else ""
        subject = document.get("credentialSubject") if isinstance(document, dict) else None
        purposes = subject.get("statusPurpose") if isinstance(subject, dict) else None
        purpose = purposes[0] if isinstance(purposes, list) and purposes else purposes
        verification = ListVerification(SUITES, self.loader, self.resolver, self.now)
        status_list = read_status_list(document, url=url, issuer=issuer, purpose=purpose, verification=verification)
        if status_list.valid_until is not None and status_list.valid_until < self.now:
            self.warnings.append(f"the status list {url} expired on {status_list.valid_until:%Y-%m-%d}; "
                                 "a verifier will report the status as unknown")
        self._status_lists[url] = (document, provenance)

    def add_registry(self, document: object, *, source: str, trusted_issuers: Collection[str]) -> None:
        """Bundle the trust registry credential, after verifying it as :class:`TrustRegistry` does."""
        registry = TrustRegistry.from_credential(document, loader=self.loader, resolve_key=self.resolver,
                                                 trusted_issuers=trusted_issuers, now=self.now)
        self._registry = {"id": registry.info.id, "document": document, "source": source,
                          "obtainedAt": format_date_time_stamp(self.now)}

    def to_json(self) -> dict:
        """The bundle, as the JSON object to write."""
        now = format_date_time_stamp(self.now)
        dids = [self.resolver.obtain(record.subject) for record in self.resolver.records]
        bundle = {"type": BUNDLE_TYPE, "version": BUNDLE_VERSION, "asOf": now, "generator": _generator()}
        if self._registry is not None:
            bundle["registry"] = self._registry
        bundle["didDocuments"] = [_entry(document, provenance, now) for document, provenance in dids]
        bundle["statusLists"] = [_entry(document, provenance, now) for document, provenance in self._status_lists.values()]
        bundle["contexts"] = [
            {"id": url, "document": document, "source": _generator(), "obtainedAt": now}
            for url, document in sorted(schemas.load_contexts().items())
        ]
        bundle["frameworks"] = [
            {"id": name, "text": text, "source": _generator(), "obtainedAt": now} for name, text in _frameworks()
        ]
        return bundle


def _entry(document: dict, provenance: Provenance, now: str) -> dict:
    obtained = format_date_time_stamp(provenance.obtained_at) if provenance.obtained_at else now
    return {"id": provenance.subject, "document": document, "source": provenance.location, "obtainedAt": obtained}


def _frameworks() -> list[tuple[str, str]]:
    folder = resources.files(schemas).joinpath("frameworks")
    return sorted((entry.name, entry.read_text("utf-8")) for entry in folder.iterdir() if entry.name.endswith(".yaml"))


def _generator() -> str:
    try:
        return f"skillpass {version('skillpass')}"
    except PackageNotFoundError:
        return "skillpass"
