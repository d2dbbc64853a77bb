"""Why a credential's status could not be established from its status list.

Each is a failure of the ``status`` check: a status list that cannot be
trusted or read is never a pass. (A list that cannot be *obtained* is a
warning instead; see :mod:`verifier.status_check`.)
"""

from __future__ import annotations

from dataintegrity.errors import VCError

from . import reasons


class StatusError(VCError):
    problem_type = reasons.STATUS_LIST_MALFORMED
    title = "Status not established"


class StatusEntryMalformed(StatusError):
    """A ``credentialStatus`` entry without a usable purpose, index or list URL."""

    problem_type = reasons.STATUS_ENTRY_MALFORMED
    title = "Malformed status entry"


class StatusListMalformed(StatusError):
    """Not a BitstringStatusListCredential, not this URL's list, or an undecodable ``encodedList``."""

    problem_type = reasons.STATUS_LIST_MALFORMED
    title = "Malformed status list"


class StatusListNotVerified(StatusError):
    """The list's proof does not verify, or was made with a key its issuer does not control."""

    problem_type = reasons.STATUS_LIST_NOT_VERIFIED
    title = "Status list signature not valid"


class StatusListWrongIssuer(StatusError):
    problem_type = reasons.STATUS_LIST_WRONG_ISSUER
    title = "Status list from another issuer"


class StatusPurposeMismatch(StatusError):
    problem_type = reasons.STATUS_PURPOSE_MISMATCH
    title = "Status purpose does not match"


class StatusListTooShort(StatusError):
    """Fewer than 131,072 entries: the list gives its holders too little group privacy."""

    problem_type = reasons.STATUS_LIST_TOO_SHORT
    title = "Status list too short"


class StatusIndexOutOfRange(StatusError):
    problem_type = reasons.STATUS_INDEX_OUT_OF_RANGE
    title = "Status index outside the list"
