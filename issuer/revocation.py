"""Revoke, suspend and unsuspend credentials (W3C Bitstring Status List 1.0).

A change is one UPDATE of the credential row plus one atomic increment of its
status list's revision, committed together with its audit event: once the
commit returns, the change is durable, and two registrars changing different
credentials of one list at once cannot overwrite each other (no
read-modify-write of a shared bitstring).
"""

from __future__ import annotations

import logging

from sqlalchemy import update
from sqlalchemy.orm import Session

from .audit import record
from .models import Credential, StatusList

log = logging.getLogger(__name__)

ACTIONS = {
    "revoke": ("revoked", True, "revocation_list_id"),
    "suspend": ("suspended", True, "suspension_list_id"),
    "unsuspend": ("suspended", False, "suspension_list_id"),
}


class StatusChangeRefused(Exception):
    """The change is not allowed (e.g. unsuspending a revoked credential); the message says why."""


def change_status(session: Session, credential: Credential, action: str, reason: str, actor: str) -> None:
    """Apply ``action`` (revoke, suspend, unsuspend) with a reason, and commit.

    :raises StatusChangeRefused: if the credential is revoked (revocation is final),
        or the change would do nothing.
    :raises ValueError: for an unknown action or an empty reason.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown status action {action!r}")
    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is required")
    column, value, list_column = ACTIONS[action]
    # Lock the row (PostgreSQL; SQLite holds its write lock already) so the
    # check below and the change are one step against concurrent changes.
    session.refresh(credential, with_for_update=True)
    if credential.revoked:
        raise StatusChangeRefused("this credential is revoked; revocation is final")
    if getattr(credential, list_column) is None:
        raise StatusChangeRefused("this credential has no suspension status entry, so it cannot be suspended")
    if getattr(credential, column) == value:
        raise StatusChangeRefused(f"this credential is already {'suspended' if value else 'not suspended'}")
    session.execute(update(Credential).where(Credential.id == credential.id)
                    .values({column: value, "status_reason": reason[:500]}))
    session.execute(update(StatusList).where(StatusList.id == getattr(credential, list_column))
                    .values(revision=StatusList.revision + 1))
    record(session, credential.institution_id, actor, f"credential.{action}", credential.credential_id, {"reason": reason[:500]})
    session.flush()
    session.refresh(credential)
    session.commit()  # last: nothing after it opens a new transaction (SQLite's write lock)
    log.info("%s: credential %s (row %d)", action, credential.credential_id, credential.id)
