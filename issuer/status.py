"""Status lists: random-looking index allocation and the signed lists.

A credential holds one index in a revocation list and one in a suspension
list of its institution (W3C Bitstring Status List 1.0). Indexes are handed
out by a keyed permutation of the list's slots, so neighbouring credentials
get unrelated indexes and nobody can tell issuance order or volume from them.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dataintegrity.status_list import MIN_ENTRIES, empty_bitstring, set_bit, status_list_credential

from .models import Credential, Institution, StatusList

PURPOSES = ("revocation", "suspension")
_ROUNDS = 4


def permute(slot: int, secret: bytes, size: int) -> int:
    """A keyed permutation of ``range(size)`` (a Feistel network with cycle-walking)."""
    if not 0 <= slot < size:
        raise ValueError("slot outside the list")
    half_bits = ((size - 1).bit_length() + 1) // 2
    mask = (1 << half_bits) - 1
    value = slot
    while True:
        left, right = value >> half_bits, value & mask
        for round_number in range(_ROUNDS):
            digest = hmac.new(secret, bytes([round_number]) + right.to_bytes(4, "big"), hashlib.sha256).digest()
            left, right = right, left ^ (int.from_bytes(digest[:4], "big") & mask)
        value = (left << half_bits) | right
        if value < size:
            return value


@dataclass(frozen=True)
class Allocation:
    list_id: int
    number: int
    index: int


def allocate(session: Session, institution: Institution, purpose: str, count: int) -> list[Allocation]:
    """Reserve ``count`` indexes in the institution's current ``purpose`` list.

    Runs inside the caller's transaction; the slot counter is advanced with one
    atomic UPDATE, so concurrent issuers never get the same index (a unique
    constraint on the credential's list and index backs this up).
    """
    allocations: list[Allocation] = []
    while len(allocations) < count:
        status_list = _current_list(session, institution, purpose)
        take = min(count - len(allocations), status_list.size - status_list.next_slot)
        if take <= 0:
            _new_list(session, institution, purpose, status_list.number + 1)
            continue
        end = session.execute(
            update(StatusList).where(StatusList.id == status_list.id).values(next_slot=StatusList.next_slot + take)
            .returning(StatusList.next_slot)
        ).scalar_one()
        for slot in range(end - take, end):
            index = permute(slot, status_list.allocation_secret, status_list.size)
            allocations.append(Allocation(status_list.id, status_list.number, index))
    return allocations


def _current_list(session: Session, institution: Institution, purpose: str) -> StatusList:
    status_list = session.scalars(
        select(StatusList).where(StatusList.institution_id == institution.id, StatusList.purpose == purpose)
        .order_by(StatusList.number.desc()).limit(1)
    ).first()
    if status_list is None:
        return _new_list(session, institution, purpose, 1)
    session.refresh(status_list)
    return status_list


def _new_list(session: Session, institution: Institution, purpose: str, number: int) -> StatusList:
    status_list = StatusList(
        institution_id=institution.id, purpose=purpose, number=number, size=MIN_ENTRIES,
        allocation_secret=secrets.token_bytes(32), next_slot=0, revision=0,
    )
    session.add(status_list)
    session.flush()
    return status_list


def list_url(public_url: str, institution_slug: str, purpose: str, number: int) -> str:
    """Where a status list credential is published."""
    return f"{public_url.rstrip('/')}/status/{institution_slug}/{purpose}/{number}"


def status_entry(public_url: str, slug: str, purpose: str, allocation: Allocation) -> dict:
    """One ``BitstringStatusListEntry`` for an allocated index."""
    url = list_url(public_url, slug, purpose, allocation.number)
    return {
        "id": f"{url}#{allocation.index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose,
        "statusListIndex": str(allocation.index),
        "statusListCredential": url,
    }


def status_entries(public_url: str, slug: str, revocation: Allocation, suspension: Allocation) -> list[dict]:
    """The ``credentialStatus`` of a credential: one revocation and one suspension entry."""
    return [status_entry(public_url, slug, "revocation", revocation),
            status_entry(public_url, slug, "suspension", suspension)]


def bitstring_of(session: Session, status_list: StatusList) -> bytearray:
    """The list's bits as they stand: set for each credential revoked (or suspended)."""
    if status_list.purpose == "revocation":
        query = select(Credential.revocation_index).where(
            Credential.revocation_list_id == status_list.id, Credential.revoked.is_(True))
    else:
        query = select(Credential.suspension_index).where(
            Credential.suspension_list_id == status_list.id, Credential.suspended.is_(True))
    bits = empty_bitstring(status_list.size)
    for index in session.scalars(query):
        set_bit(bits, index)
    return bits


def unsigned_list_credential(session: Session, status_list: StatusList, *, public_url: str, slug: str,
                             issuer: str, valid_from: str) -> dict:
    url = list_url(public_url, slug, status_list.purpose, status_list.number)
    return status_list_credential(list_url=url, issuer=issuer, purpose=status_list.purpose,
                                  bitstring=bitstring_of(session, status_list), valid_from=valid_from)


def count_issued(session: Session, institution_id: int) -> int:
    return session.scalar(select(func.count(Credential.id)).where(Credential.institution_id == institution_id)) or 0
