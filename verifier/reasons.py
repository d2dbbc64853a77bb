"""Stable reason codes of DID resolution, fetching and status checks.

They sit beside the Data Integrity codes (:mod:`dataintegrity.errors`) and the
registry codes (:mod:`verifier.trust_errors`), under the same namespace
``https://skillspassport.org/problems#``. Clients match on these URLs, so a
code is never renamed; the titles and details are for people.

Where the W3C Bitstring Status List 1.0 names an error
(https://www.w3.org/TR/vc-bitstring-status-list/#processing-errors), the
comment gives its name.
"""

from __future__ import annotations

from dataintegrity.errors import SP

# Status (Bitstring Status List 1.0 §3.2, "Validate Algorithm").
REVOKED = SP + "REVOKED"
SUSPENDED = SP + "SUSPENDED"
#: The list could not be obtained or is outdated: the status is not known (a warning).
STATUS_UNKNOWN = SP + "STATUS_UNKNOWN"  # STATUS_RETRIEVAL_ERROR
#: A ``credentialStatus`` entry of a type or purpose this verifier does not check (a warning).
STATUS_NOT_CHECKED = SP + "STATUS_NOT_CHECKED"
STATUS_ENTRY_MALFORMED = SP + "STATUS_ENTRY_MALFORMED"  # MALFORMED_VALUE_ERROR
STATUS_LIST_MALFORMED = SP + "STATUS_LIST_MALFORMED"  # MALFORMED_VALUE_ERROR
STATUS_LIST_NOT_VERIFIED = SP + "STATUS_LIST_NOT_VERIFIED"  # STATUS_VERIFICATION_ERROR
STATUS_LIST_WRONG_ISSUER = SP + "STATUS_LIST_WRONG_ISSUER"  # STATUS_VERIFICATION_ERROR
STATUS_PURPOSE_MISMATCH = SP + "STATUS_PURPOSE_MISMATCH"  # STATUS_VERIFICATION_ERROR
STATUS_LIST_TOO_SHORT = SP + "STATUS_LIST_TOO_SHORT"  # STATUS_LIST_LENGTH_ERROR
STATUS_INDEX_OUT_OF_RANGE = SP + "STATUS_INDEX_OUT_OF_RANGE"  # RANGE_ERROR

# DID resolution.
DID_NOT_RESOLVED = SP + "DID_NOT_RESOLVED"
DID_DOCUMENT_INVALID = SP + "DID_DOCUMENT_INVALID"
#: The DID document could not be refreshed and an older cached copy was used (a warning).
DID_DOCUMENT_STALE = SP + "DID_DOCUMENT_STALE"

# Fetching over HTTPS (verifier.http).
FETCH_FAILED = SP + "FETCH_FAILED"
FETCH_TIMEOUT = SP + "FETCH_TIMEOUT"
FETCH_TOO_LARGE = SP + "FETCH_TOO_LARGE"
FETCH_ADDRESS_REFUSED = SP + "FETCH_ADDRESS_REFUSED"
FETCH_REDIRECT_REFUSED = SP + "FETCH_REDIRECT_REFUSED"
FETCH_HTTP_STATUS = SP + "FETCH_HTTP_STATUS"
FETCH_TLS_ERROR = SP + "FETCH_TLS_ERROR"
FETCH_URL_REFUSED = SP + "FETCH_URL_REFUSED"

# Offline sources: folders (--dids, --status) and trust bundles.
OFFLINE_SOURCE_INVALID = SP + "OFFLINE_SOURCE_INVALID"
BUNDLE_INVALID = SP + "BUNDLE_INVALID"
