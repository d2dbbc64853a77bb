"""Signed status lists: the BitstringStatusListCredential of a list at its current revision.

https://www.w3.org/TR/vc-bitstring-status-list/#bitstringstatuslistcredential

The bits are not stored: they are read from the credentials' ``revoked`` and
``suspended`` columns together with the list's ``revision``, in ONE
transaction (REPEATABLE READ on PostgreSQL; SQLite's transactions are
snapshots), so a served list never mixes two states. Each list is signed with
the institution's active key, verified by the verifier's own pipeline, and
kept in memory keyed by (list id, revision): fetches between two changes
re-sign nothing.

Freshness, per the spec's ``ttl`` guidance and VC 2.0's validity period:

- ``ttl`` (milliseconds) is the HTTP ``max-age`` (the spec asks publishers to
  align them), :data:`DEFAULT_TTL`: a verifier or CDN refetches a list at
  most that long after a change.
- ``validUntil`` is ``validFrom`` + :data:`DEFAULT_VALIDITY`. Without it an
  old signed list, captured before a revocation, could be replayed to a
  verifier as current forever; with it, for at most a day. A copy is re-signed
  once half its validity has passed even if nothing changed, so a served copy
  always has at least half a day to run. The price: if the issuer is down
  for a day, verifiers can no longer confirm status (they fail closed).
- The entity tag names (list id, revision, signing time), not just (list id,
  revision): a copy re-signed at the same revision gets a new tag, so a cache
  that revalidates picks up the later ``validUntil`` instead of hearing 304
  until its own copy expires.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataintegrity import add_proof
from dataintegrity.datetimes import format_date_time_stamp
from dataintegrity.loader import DocumentLoader
from dataintegrity.status_list import status_list_credential
from schemas.profile import ProfileChecker
from verifier import Verifier

from .db import Database
from .identity import institution_did, local_resolver
from .keyring import KeyRing, active_key, all_keys
from .models import Institution, SigningKey, StatusList
from .service import SUITE_FOR
from .status import PURPOSES, bitstring_of, list_url

DEFAULT_TTL = timedelta(seconds=60)
DEFAULT_VALIDITY = timedelta(days=1)


class PublicationError(Exception):
    """A signed status list failed its own verification; it is not served."""


@dataclass(frozen=True)
class PublishedList:
    """One signed status list credential, ready to serve.

    :param body: the exact JSON bytes served (and cached).
    :param etag: the (weak) entity tag, a hash of (list id, revision, signing time).
    """

    list_id: int
    revision: int
    key: str  # public key multibase of the signing key
    document: dict
    body: bytes
    etag: str
    signed_at: datetime
    ttl: timedelta


@dataclass(frozen=True)
class _Snapshot:
    """What one read transaction saw: the list, its revision, the signing keys and (if read) the bits."""

    institution: Institution
    status_list: StatusList
    revision: int
    key: SigningKey
    keys: list[SigningKey]
    bits: bytes | None = None


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


class StatusPublisher:
    """Builds, signs, self-verifies and caches status list credentials. No Flask here.

    :param clock: returns the current time (a parameter, so tests can move it).
    """

    def __init__(self, database: Database, keyring: KeyRing, loader: DocumentLoader, profile: ProfileChecker,
                 public_url: str, *, ttl: timedelta = DEFAULT_TTL, validity: timedelta = DEFAULT_VALIDITY,
                 clock: Callable[[], datetime] = utcnow):
        self.database = database
        self.keyring = keyring
        self.loader = loader
        self.profile = profile
        self.public_url = public_url
        self.ttl = ttl
        self.validity = validity
        self.clock = clock
        self._cache: dict[int, PublishedList] = {}
        self._lock = threading.Lock()

    def current(self, slug: str, purpose: str, number: int) -> PublishedList | None:
        """The signed list as it stands now, or None if there is no such institution or list.

        :raises LookupError: if the institution has no active signing key.
        :raises PublicationError: if the signed list does not verify.
        """
        if purpose not in PURPOSES:
            return None
        now = self.clock()
        snapshot, cached = self._read(slug, purpose, number, now)
        if snapshot is None or cached is not None:
            return cached
        return self._keep(self._sign(snapshot, now))

    def _read(self, slug: str, purpose: str, number: int,
              now: datetime) -> tuple[_Snapshot | None, PublishedList | None]:
        """One read transaction: the list, its revision and keys, then either a cached copy
        signed at that revision or the bits as they stand in the same snapshot."""
        with self.database.session() as session, session.begin():
            _snapshot_isolation(session)
            snapshot = _find(session, slug, purpose, number)
            if snapshot is None:
                return None, None
            cached = self._cached(snapshot, now)
            if cached is not None:
                return snapshot, cached
            return replace(snapshot, bits=bytes(bitstring_of(session, snapshot.status_list))), None

    def _cached(self, snapshot: _Snapshot, now: datetime) -> PublishedList | None:
        """The cached copy, if it was signed at the snapshot's revision with its key and is young enough."""
        cached = self._cache.get(snapshot.status_list.id)
        if (cached is not None and cached.revision == snapshot.revision
                and cached.key == snapshot.key.public_key_multibase and now - cached.signed_at < self.validity / 2):
            return cached
        return None

    def _sign(self, snapshot: _Snapshot, now: datetime) -> PublishedList:
        """Sign the list at the snapshot's revision and check it with the verifier before anyone sees it."""
        institution, status_list, key = snapshot.institution, snapshot.status_list, snapshot.key
        unsigned = self._unsigned(snapshot, now)
        signer = self.keyring.signer(institution, key, self.public_url)
        signed = add_proof(unsigned, suite=SUITE_FOR[key.algorithm], signer=signer, loader=self.loader, created=now)
        verifier = Verifier(loader=self.loader, profile=self.profile,
                            resolve_key=local_resolver(institution, self.public_url, snapshot.keys))
        result = verifier.verify_credential(signed, now=now)
        if not result.verified:
            raise PublicationError("; ".join(f"{p.title}: {p.detail}" for p in result.problems))
        valid_from = signed["validFrom"]
        tag = hashlib.sha256(f"{status_list.id}:{snapshot.revision}:{valid_from}".encode()).hexdigest()[:32]
        body = json.dumps(signed, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return PublishedList(status_list.id, snapshot.revision, key.public_key_multibase, signed, body,
                             tag, now, self.ttl)

    def _unsigned(self, snapshot: _Snapshot, now: datetime) -> dict:
        """The unsigned BitstringStatusListCredential, with ``validUntil`` and ``ttl`` (§2.2)."""
        institution, status_list = snapshot.institution, snapshot.status_list
        document = status_list_credential(
            list_url=list_url(self.public_url, institution.slug, status_list.purpose, status_list.number),
            issuer=institution_did(institution, self.public_url, snapshot.key), purpose=status_list.purpose,
            bitstring=snapshot.bits, valid_from=format_date_time_stamp(now))
        ordered = {}
        for name, value in document.items():
            ordered[name] = value
            if name == "validFrom":
                ordered["validUntil"] = format_date_time_stamp(now + self.validity)
        ordered["credentialSubject"] = {**document["credentialSubject"], "ttl": int(self.ttl.total_seconds() * 1000)}
        return ordered

    def _keep(self, published: PublishedList) -> PublishedList:
        """Cache ``published`` unless a copy of a later revision (or signed later) is there already."""
        with self._lock:
            cached = self._cache.get(published.list_id)
            if cached is None or (published.revision, published.signed_at) >= (cached.revision, cached.signed_at):
                self._cache[published.list_id] = published
        return published


def _find(session: Session, slug: str, purpose: str, number: int) -> _Snapshot | None:
    institution = session.scalars(select(Institution).where(Institution.slug == slug)).first()
    if institution is None:
        return None
    status_list = session.scalars(select(StatusList).where(
        StatusList.institution_id == institution.id, StatusList.purpose == purpose,
        StatusList.number == number)).first()
    if status_list is None:
        return None
    return _Snapshot(institution, status_list, status_list.revision, active_key(session, institution),
                     all_keys(session, institution))


def _snapshot_isolation(session: Session) -> None:
    """Make every read of this transaction see the same snapshot.

    PostgreSQL's default READ COMMITTED takes a new snapshot per statement, so
    the revision and the bits could come from two states; REPEATABLE READ
    takes one for the whole transaction. SQLite transactions are snapshots
    already (and ours begin IMMEDIATE).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True})
