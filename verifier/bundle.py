"""Offline trust bundles: everything a verifier needs from the network, in one JSON file.

A bundle is made online (``skillpass bundle``, :mod:`verifier.bundle_build`)
and used where there is no network, or where every verification must be
reproducible: the trust registry, did:web DID documents, status list
credentials, our JSON-LD contexts and the qualifications-framework data, each
with where and when it was obtained::

    {"type": "SkillsPassportTrustBundle", "version": 1, "asOf": "2026-11-20T09:00:00Z",
     "generator": "skillpass 0.1.0",
     "registry": {"id": …, "document": {…}, "source": "https://…", "obtainedAt": "…"},
     "didDocuments": [{"id": "did:web:…", "document": {…}, "source": …, "obtainedAt": …}],
     "statusLists": [{"id": "https://…/status/1", "document": {…}, "source": …, "obtainedAt": …}],
     "contexts": [{"id": "https://www.w3.org/ns/credentials/v2", "document": {…}, "source": …, "obtainedAt": …}],
     "frameworks": [{"id": "eqf.yaml", "text": "…", "source": …, "obtainedAt": …}]}

A bundle is a trust anchor, like a ``--dids`` folder: whoever writes it decides
which keys a did:web issuer has. Take bundles only from someone you trust.
The documents in it are still checked when used: a DID document's ``id`` on
loading, a status list's proof and issuer at every verification.
:class:`TrustBundle` is a :class:`~verifier.offline.DidSource` and a
:class:`~verifier.offline.StatusSource`, for the resolver and status checker.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from dataintegrity.datetimes import parse_date_time_stamp
from dataintegrity.errors import VCError
from dataintegrity.jsonio import parse_untrusted_json

from . import reasons
from .did_document import check_did_document
from .offline import Obtained
from .provenance import Provenance, age_between, age_text

BUNDLE_TYPE = "SkillsPassportTrustBundle"
BUNDLE_VERSION = 1
#: Status lists are small; contexts and frameworks a few hundred kilobytes.
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
SECTIONS = {"didDocuments": "document", "statusLists": "document", "contexts": "document", "frameworks": "text"}


class BundleError(VCError):
    """A file that is not a usable trust bundle."""

    problem_type = reasons.BUNDLE_INVALID
    title = "Unusable trust bundle"


@dataclass(frozen=True)
class BundleItem:
    """One document of a bundle: its id (DID, URL or file name), content, source and date."""

    id: str
    content: object
    source: str
    obtained_at: datetime


@dataclass(frozen=True)
class TrustBundle:
    """A loaded bundle; build it with :func:`load_bundle`."""

    path: str
    as_of: datetime
    registry: BundleItem | None
    did_documents: Mapping[str, BundleItem]
    status_lists: Mapping[str, BundleItem]
    contexts: Mapping[str, BundleItem]
    frameworks: Mapping[str, BundleItem]

    def did_document(self, did: str, *, now: datetime) -> Obtained | None:
        return self._obtained("DID document", self.did_documents.get(did), now)

    def status_list(self, url: str, *, now: datetime) -> Obtained | None:
        return self._obtained("status list", self.status_lists.get(url), now)

    def registry_document(self) -> dict | None:
        """A copy of the bundled trust registry credential (still to be verified), if any."""
        return copy.deepcopy(self.registry.content) if self.registry else None

    def freshness(self, now: datetime) -> list[str]:
        """One line per piece, e.g. ``status list https://… as of 2026-11-20, 1 day old``."""
        items = [("trust registry", self.registry)] if self.registry else []
        items += [("DID document", item) for item in self.did_documents.values()]
        items += [("status list", item) for item in self.status_lists.values()]
        return [f"{kind} {item.id} as of {item.obtained_at:%Y-%m-%d}, "
                f"{age_text(age_between(item.obtained_at, now))}" for kind, item in items]

    def _obtained(self, kind: str, item: BundleItem | None, now: datetime) -> Obtained | None:
        if item is None:
            return None
        provenance = Provenance(kind, item.id, "bundle", self.path, item.obtained_at, age_between(item.obtained_at, now))
        return Obtained(copy.deepcopy(item.content), provenance)


def load_bundle(path: str | Path, *, max_bytes: int = MAX_BUNDLE_BYTES) -> TrustBundle:
    """Read and check a trust bundle file.

    :raises BundleError: if it cannot be read, is not a bundle of this version,
        repeats an id, or holds a DID document about another DID.
    """
    try:
        with Path(path).open("rb") as file:
            data = file.read(max_bytes + 1)
        document = parse_untrusted_json(data, max_bytes=max_bytes, max_depth=80)
    except OSError as error:
        raise BundleError(f"cannot read the trust bundle {path}: {error.strerror}") from None
    except VCError as error:
        raise BundleError(f"{path} is not a trust bundle: {error.detail}") from None
    if not isinstance(document, dict) or document.get("type") != BUNDLE_TYPE:
        raise BundleError(f'{path} is not a trust bundle (its "type" must be "{BUNDLE_TYPE}")')
    if document.get("version") != BUNDLE_VERSION:
        raise BundleError(
            f"{path} is a trust bundle of version {document.get('version')!r:.20}; "
            f"this verifier reads version {BUNDLE_VERSION}"
        )
    sections = {name: _section(document, name, field, path) for name, field in SECTIONS.items()}
    for did, item in sections["didDocuments"].items():
        try:
            check_did_document(item.content, did)
        except VCError as error:
            raise BundleError(f"{path}: {error.detail}") from None
    registry = document.get("registry")
    return TrustBundle(
        path=str(path),
        as_of=_date(document.get("asOf"), "asOf", path),
        registry=_item(registry, "document", "registry", path) if registry is not None else None,
        did_documents=sections["didDocuments"],
        status_lists=sections["statusLists"],
        contexts=sections["contexts"],
        frameworks=sections["frameworks"],
    )


def _section(document: dict, name: str, field: str, path) -> Mapping[str, BundleItem]:
    entries = document.get(name, [])
    if not isinstance(entries, list):
        raise BundleError(f'{path}: "{name}" must be a list')
    items: dict[str, BundleItem] = {}
    for entry in entries:
        item = _item(entry, field, name, path)
        if item.id in items:
            raise BundleError(f'{path}: "{name}" holds {item.id} twice')
        items[item.id] = item
    return MappingProxyType(items)


def _item(entry: object, field: str, where: str, path) -> BundleItem:
    expected = dict if field == "document" else str
    if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or not isinstance(entry.get(field), expected):
        raise BundleError(f'{path}: each entry of "{where}" needs an "id" and a "{field}"')
    if not isinstance(entry.get("source"), str):
        raise BundleError(f'{path}: {entry["id"]:.120} in "{where}" does not say where it came from ("source")')
    return BundleItem(entry["id"], entry[field], entry["source"], _date(entry.get("obtainedAt"), "obtainedAt", path))


def _date(value: object, name: str, path) -> datetime:
    try:
        return parse_date_time_stamp(value, property=name)
    except VCError as error:
        raise BundleError(f"{path}: {error.detail}") from None
