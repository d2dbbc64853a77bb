"""Why a trust registry was refused: every failure is an error, never silent trust.

Each class carries a ``problem_type`` (our own codes, beside the Data
Integrity ones in :mod:`dataintegrity.errors`) and a plain-words ``detail``.
"""

from __future__ import annotations

from dataintegrity.errors import SP, VCError

REGISTRY_MALFORMED = SP + "REGISTRY_MALFORMED"
REGISTRY_NOT_VERIFIED = SP + "REGISTRY_NOT_VERIFIED"
REGISTRY_UNTRUSTED_ISSUER = SP + "REGISTRY_UNTRUSTED_ISSUER"
REGISTRY_NOT_CURRENT = SP + "REGISTRY_NOT_CURRENT"
REGISTRY_UPDATE_REFUSED = SP + "REGISTRY_UPDATE_REFUSED"
REGISTRY_FETCH_FAILED = SP + "REGISTRY_FETCH_FAILED"


class RegistryError(VCError):
    """A trust registry that cannot be used; the verifier must not trust it."""

    problem_type = REGISTRY_NOT_VERIFIED
    title = "Trust registry not usable"


class MalformedRegistry(RegistryError):
    """Not a registry credential of our format (JSON Schema, dates, duplicate DIDs)."""

    problem_type = REGISTRY_MALFORMED
    title = "Malformed trust registry"


class RegistryProofInvalid(RegistryError):
    """The registry's proof does not verify (forged or altered after signing),
    or was made with a key the registry's issuer does not control."""

    problem_type = REGISTRY_NOT_VERIFIED
    title = "Trust registry signature not valid"


class UntrustedRegistryIssuer(RegistryError):
    """The registry was issued by a DID that is not one of the configured alliance DIDs."""

    problem_type = REGISTRY_UNTRUSTED_ISSUER
    title = "Trust registry from an untrusted issuer"


class RegistryNotCurrent(RegistryError):
    """The registry is expired (``validUntil`` passed) or not yet valid."""

    problem_type = REGISTRY_NOT_CURRENT
    title = "Trust registry expired or not yet valid"


class RegistryUpdateRefused(RegistryError):
    """A verified registry that may not replace the current one (older, or another registry)."""

    problem_type = REGISTRY_UPDATE_REFUSED
    title = "Trust registry update refused"


class RegistryFetchFailed(RegistryError):
    """The registry could not be fetched (raised by, or translated from, the ``fetch`` callable)."""

    problem_type = REGISTRY_FETCH_FAILED
    title = "Trust registry could not be fetched"
