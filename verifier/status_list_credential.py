"""Reading a status list credential the verifier can trust, or refusing it.

W3C Bitstring Status List 1.0, §3.2 "Validate Algorithm":
https://www.w3.org/TR/vc-bitstring-status-list/#validate-algorithm

The list must be a BitstringStatusListCredential whose ``id`` is the URL the
entry names, issued by the credential's own issuer, with a proof that
verifies with a key that issuer controls; its ``statusPurpose`` must include
the entry's; its ``encodedList`` must decode (within the decompression-bomb
limit of :func:`dataintegrity.status_list.decode_list`) to at least 131,072
entries: the Recommendation's step "if the length of the expanded bitstring
is less than the minimum, raise STATUS_LIST_LENGTH_ERROR". Its validity period
is read here but judged by the caller, which decides what an outdated list means.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Mapping

from dataintegrity import verify_proof
from dataintegrity.cryptosuites import Cryptosuite
from dataintegrity.datetimes import parse_date_time_stamp
from dataintegrity.errors import VCError
from dataintegrity.loader import DocumentLoader
from dataintegrity.proof import KeyResolver
from dataintegrity.status_list import MIN_ENTRIES, decode_list

from . import checks
from .status_errors import (
    StatusListMalformed,
    StatusListNotVerified,
    StatusListTooShort,
    StatusListWrongIssuer,
    StatusPurposeMismatch,
)

LIST_TYPE = "BitstringStatusListCredential"
SUBJECT_TYPE = "BitstringStatusList"


@dataclass(frozen=True)
class StatusList:
    """A verified status list: its bits and validity period."""

    url: str
    issuer: str
    bitstring: bytes
    valid_from: datetime | None
    valid_until: datetime | None

    @property
    def entries(self) -> int:
        return len(self.bitstring) * 8


@dataclass(frozen=True)
class ListVerification:
    """How to verify a list's proof: the suites, loader and key resolver of the verification."""

    suites: Mapping[str, Cryptosuite]
    loader: DocumentLoader
    resolve_key: KeyResolver
    now: datetime


def read_status_list(document: object, *, url: str, issuer: str, purpose: str, verification: ListVerification) -> StatusList:
    """Check ``document`` is the trustworthy list at ``url`` for ``purpose``, and decode it.

    :param issuer: the issuer of the credential whose status is checked.
    :raises StatusListMalformed: if it is not a status list credential, not the list at ``url``,
        or its ``encodedList`` does not decode (or inflates too far).
    :raises StatusListWrongIssuer: if another issuer issued it.
    :raises StatusListNotVerified: if its proof does not verify with a key of its issuer.
    :raises StatusPurposeMismatch: if its ``statusPurpose`` does not include ``purpose``.
    :raises StatusListTooShort: if it holds fewer than 131,072 entries.
    """
    structure = checks.credential_structure(document)
    if structure.ok and not checks.signed_only_with_rdfc(document):
        structure = checks.defined_terms(document, verification.loader)
    if not structure.ok:
        detail = structure.problems[0].detail
        raise StatusListMalformed(f"the status list {url} is not a usable credential: {detail}", url=url)
    types = document.get("type")
    if LIST_TYPE not in (types if isinstance(types, list) else [types]):
        raise StatusListMalformed(f'the document at {url} is not a {LIST_TYPE}', property="type", url=url)
    if document.get("id") != url:
        raise StatusListMalformed(
            f'the status list at {url} says its "id" is {document.get("id")!r:.120}; it must be that URL',
            property="id",
            url=url,
        )
    list_issuer = checks.issuer_id(document)
    if list_issuer != issuer:
        raise StatusListWrongIssuer(
            f"the status list {url} was issued by {list_issuer:.120}, not by the credential's issuer {issuer}", url=url
        )
    _verify(document, url, issuer, verification)
    subject = _subject(document, url, purpose)
    try:
        bitstring = decode_list(subject.get("encodedList"))
    except VCError as error:
        raise StatusListMalformed(f"the status list {url}: {error.detail}", property="encodedList", url=url) from None
    if len(bitstring) * 8 < MIN_ENTRIES:
        raise StatusListTooShort(
            f"the status list {url} holds {len(bitstring) * 8:,} entries; a list must hold at least {MIN_ENTRIES:,} "
            "so that checking one does not single out its holder",
            url=url,
        )
    valid_from = _date(document, "validFrom", "issuanceDate")
    valid_until = _date(document, "validUntil", "expirationDate")
    return StatusList(url, issuer, bitstring, valid_from, valid_until)


def _verify(document: dict, url: str, issuer: str, verification: ListVerification) -> None:
    proof = verify_proof(
        document,
        suites=verification.suites,
        loader=verification.loader,
        resolve_key=verification.resolve_key,
        now=verification.now,
    )
    if not proof.ok:
        details = "; ".join(problem.detail for problem in proof.problems)
        raise StatusListNotVerified(f"the proof of the status list {url} does not verify: {details}", url=url)
    for method in proof.verification_methods:
        if method.controller != issuer:
            raise StatusListNotVerified(
                f"the status list {url} was signed with {method.id}, which belongs to {method.controller}, "
                f"not to its issuer {issuer}",
                url=url,
            )


def _date(document: dict, name: str, v1_name: str) -> datetime | None:
    """``validFrom`` / ``validUntil`` (or their VC 1.1 names), already checked well-formed."""
    value = document.get(name, document.get(v1_name))
    return parse_date_time_stamp(value, property=name) if value is not None else None


def _subject(document: dict, url: str, purpose: str) -> dict:
    subject = document.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != SUBJECT_TYPE:
        raise StatusListMalformed(
            f'the "credentialSubject" of the status list {url} must be one object of type {SUBJECT_TYPE}',
            property="credentialSubject",
            url=url,
        )
    purposes = subject.get("statusPurpose")
    purposes = purposes if isinstance(purposes, list) else [purposes]
    if purpose not in purposes:
        raise StatusPurposeMismatch(
            f"the credential's status entry is for {purpose!r:.40}, but the status list {url} is for "
            f"{', '.join(repr(p)[:40] for p in purposes)}",
            property="statusPurpose",
            url=url,
        )
    return subject
