"""The ``status`` check: has the issuer revoked or suspended the credential?

W3C Bitstring Status List 1.0: https://www.w3.org/TR/vc-bitstring-status-list/

For each ``BitstringStatusListEntry`` of ``credentialStatus`` (an object or a
list), the status list credential is taken from the offline sources (``--status
DIR``, a trust bundle) or fetched, then trusted only as
:func:`~verifier.status_list_credential.read_status_list` allows. The verdicts:

- bit set: **failed**, ``REVOKED`` or ``SUSPENDED``;
- bit not set in a current list: passed;
- list not obtainable (offline, timeout, HTTP error): **passed with a warning**
  ``STATUS_UNKNOWN``, never a silent "not revoked". If a stale cached copy stood
  in, its verdict is used and the warning gives its age;
- list outside its validity period: revocation is final, so a set revocation bit
  still fails; otherwise the status is unknown (a warning), as for a list that
  cannot be fetched — a replayed old list gains an attacker nothing more;
- list forged, by another issuer, malformed, a decompression bomb, too short, or
  an index outside it: **failed** with the reason. A list we cannot trust is not a pass.
- an entry of another type, or for a purpose other than revocation and
  suspension (``refresh``, ``message``): a warning that it was not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping, Sequence

from dataintegrity import SUITES, CheckResult, Problem
from dataintegrity.cryptosuites import Cryptosuite
from dataintegrity.errors import MalformedCredential, VCError
from dataintegrity.jsonio import parse_untrusted_json
from dataintegrity.loader import DocumentLoader
from dataintegrity.proof import KeyResolver
from dataintegrity.status_list import get_bit

from . import checks, reasons
from .fetch_errors import FetchError
from .http import MAX_STATUS_LIST_BYTES, Fetcher
from .offline import StatusSource
from .provenance import Provenance, age_text
from .status_errors import StatusEntryMalformed, StatusError, StatusIndexOutOfRange, StatusListMalformed
from .status_list_credential import ListVerification, StatusList, read_status_list

ENTRY_TYPE = "BitstringStatusListEntry"
CHECKED_PURPOSES = {"revocation": (reasons.REVOKED, "Revoked"), "suspension": (reasons.SUSPENDED, "Suspended")}
ACCEPT = "application/vc, application/vc+ld+json;q=0.9, application/ld+json;q=0.8, application/json;q=0.7"
_INDEX = re.compile(r"[0-9]{1,15}")


@dataclass(frozen=True)
class StatusCheck(CheckResult):
    """The ``status`` check, with where each status list came from and how old it was."""

    sources: tuple[Provenance, ...] = ()

    def to_json(self) -> dict:
        result = super().to_json()
        if self.sources:
            result["sources"] = [source.to_json() for source in self.sources]
        return result


@dataclass(frozen=True)
class StatusEntry:
    purpose: str
    index: int
    list_url: str


@dataclass
class _Outcome:
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    sources: list[Provenance] = field(default_factory=list)


@dataclass(frozen=True)
class StatusChecker:
    """Checks ``credentialStatus`` against status lists from offline sources or the network.

    :param loader: the offline document loader, to verify the lists' proofs.
    :param sources: offline sources tried in order before the fetcher.
    :param fetcher: the network client; None means offline only.
    :param suites: the cryptosuites accepted on status lists.
    """

    loader: DocumentLoader
    sources: Sequence[StatusSource] = ()
    fetcher: Fetcher | None = None
    suites: Mapping[str, Cryptosuite] = field(default_factory=lambda: SUITES)

    def check(self, credential: dict, *, resolve_key: KeyResolver, now: datetime) -> StatusCheck:
        """Check every status entry of ``credential`` at ``now``; never raises on bad input.

        :param resolve_key: resolves the lists' verification methods (the
            verification's own resolver, so its sources and records are shared).
        """
        outcome = _Outcome()
        try:
            if not isinstance(credential, dict):
                raise MalformedCredential("a credential must be a JSON object")
            issuer = checks.issuer_id(credential)
        except VCError as error:
            return StatusCheck("status", False, (Problem.from_error(error),))
        verification = ListVerification(self.suites, self.loader, resolve_key, now)
        for raw in status_entries(credential):
            self._check_entry(raw, issuer, verification, outcome)
        return StatusCheck("status", not outcome.problems, tuple(outcome.problems), tuple(outcome.warnings),
                           tuple(outcome.sources))

    def _check_entry(self, raw: object, issuer: str, verification: ListVerification, outcome: _Outcome) -> None:
        try:
            entry = parse_entry(raw)
            if entry is None:
                outcome.warnings.append(_not_checked(raw))
                return
            document, provenance, refresh_error = self.obtain(entry.list_url, now=verification.now)
            if document is None:
                why = f"the status list {entry.list_url} could not be obtained ({refresh_error})"
                outcome.warnings.append(_unknown(entry, why))
                return
            outcome.sources.append(provenance)
            status_list = read_status_list(document, url=entry.list_url, issuer=issuer, purpose=entry.purpose,
                                           verification=verification)
            _judge(entry, status_list, provenance, refresh_error, verification.now, outcome)
        except StatusError as error:
            outcome.problems.append(Problem.from_error(error))
        except VCError as error:  # an unusable offline file, or a resolver error outside the proof check
            outcome.problems.append(Problem(reasons.STATUS_LIST_MALFORMED, StatusListMalformed.title, error.detail))

    def obtain(self, url: str, *, now: datetime) -> tuple[object | None, Provenance | None, str | None]:
        """The (untrusted, parsed) list document at ``url``, where it came from, and
        why no fresh copy was had: ``(None, None, why)`` if none at all.

        :raises StatusListMalformed: if what was fetched is not JSON within the size limit.
        :raises VCError: if an offline source holds an unreadable file for ``url``.
        """
        for source in self.sources:
            obtained = source.status_list(url, now=now)
            if obtained is not None:
                return obtained.document, obtained.provenance, None
        if self.fetcher is None:
            return None, None, "no copy was given with --status DIR or --offline BUNDLE, and the network is not used"
        try:
            fetched = self.fetcher.fetch(url, max_bytes=MAX_STATUS_LIST_BYTES, now=now, accept=ACCEPT)
        except FetchError as error:
            return None, None, error.detail
        try:
            document = parse_untrusted_json(fetched.body, max_bytes=MAX_STATUS_LIST_BYTES)
        except VCError as error:
            raise StatusListMalformed(f"the status list {url}: {error.detail}", url=url) from None
        return document, Provenance.of_fetch("status list", url, fetched), fetched.refresh_error if fetched.stale else None


def _judge(entry: StatusEntry, status_list: StatusList, provenance: Provenance, refresh_error: str | None,
           now: datetime, outcome: _Outcome) -> None:
    if entry.index >= status_list.entries:
        raise StatusIndexOutOfRange(
            f"status index {entry.index} is outside the status list {entry.list_url} of {status_list.entries:,} entries",
            url=entry.list_url,
        )
    is_set = get_bit(status_list.bitstring, entry.index)
    outdated = _outdated(status_list, now)
    if is_set and (not outdated or entry.purpose == "revocation"):
        code, title = CHECKED_PURPOSES[entry.purpose]
        detail = (f"{entry.purpose} bit {entry.index} of {entry.list_url} is set: "
                  f"the issuer has {title.lower()} this credential")
        outcome.problems.append(Problem(code, title, detail + (f" ({outdated})" if outdated else "")))
    elif outdated:
        outcome.warnings.append(_unknown(entry, outdated))
    elif refresh_error is not None:
        age = age_text(provenance.age_seconds or 0)
        outcome.warnings.append(_unknown(
            entry,
            f"the status list {entry.list_url} could not be refreshed ({refresh_error}); a cached copy {age} "
            f"does not show the credential {CHECKED_PURPOSES[entry.purpose][1].lower()}, but that may have changed since",
        ))


def _outdated(status_list: StatusList, now: datetime) -> str | None:
    if status_list.valid_until is not None and now > status_list.valid_until:
        return f"the status list {status_list.url} expired on {status_list.valid_until:%Y-%m-%d %H:%M} UTC"
    if status_list.valid_from is not None and now < status_list.valid_from:
        return f"the status list {status_list.url} is not valid until {status_list.valid_from:%Y-%m-%d %H:%M} UTC"
    return None


def status_entries(credential: dict) -> list[object]:
    """The ``credentialStatus`` entries of a credential (an object or a list; none if absent)."""
    value = credential.get("credentialStatus")
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def parse_entry(raw: object) -> StatusEntry | None:
    """A checkable ``BitstringStatusListEntry``; None for one of another type or purpose.

    :raises StatusEntryMalformed: if a BitstringStatusListEntry lacks a usable
        ``statusPurpose``, ``statusListIndex`` (a decimal string) or ``statusListCredential``.
    """
    if not isinstance(raw, dict):
        raise StatusEntryMalformed('each "credentialStatus" entry must be a JSON object', property="credentialStatus")
    if raw.get("type") != ENTRY_TYPE:
        return None
    purpose, index, url = raw.get("statusPurpose"), raw.get("statusListIndex"), raw.get("statusListCredential")
    if not isinstance(purpose, str):
        raise StatusEntryMalformed('the status entry has no "statusPurpose" string', property="statusPurpose")
    if purpose not in CHECKED_PURPOSES:
        return None
    if not isinstance(index, str) or not _INDEX.fullmatch(index):
        raise StatusEntryMalformed(
            f'"statusListIndex" must be a decimal string such as "94567", not {index!r:.40}', property="statusListIndex"
        )
    if not isinstance(url, str) or ":" not in url:
        raise StatusEntryMalformed(
            '"statusListCredential" must be the URL of a status list', property="statusListCredential"
        )
    if raw.get("statusSize", 1) != 1:
        raise StatusEntryMalformed(
            f'a {purpose} entry has one bit per credential; "statusSize" must be 1', property="statusSize"
        )
    return StatusEntry(purpose, int(index), url)


def _unknown(entry: StatusEntry, why: str) -> Problem:
    return Problem(reasons.STATUS_UNKNOWN, "Status unknown", f"the {entry.purpose} status is not known for certain: {why}")


def _not_checked(raw: object) -> Problem:
    kind = raw.get("type") if isinstance(raw, dict) else None
    purpose = raw.get("statusPurpose") if isinstance(raw, dict) else None
    what = f"of type {kind!r:.60}" if kind != ENTRY_TYPE else f"for the purpose {purpose!r:.40}"
    detail = f"a status entry {what} was not checked; only {ENTRY_TYPE} revocation and suspension are"
    return Problem(reasons.STATUS_NOT_CHECKED, "Status entry not checked", detail)
