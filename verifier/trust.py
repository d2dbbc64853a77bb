"""The trust registry: is a credential's issuer a recognised alliance member, within scope?

A registry is a Verifiable Credential signed by the alliance (see
docs/trust-registry.md).  :meth:`TrustRegistry.from_credential` accepts it
only if its proof verifies, its issuer is one of the alliance DIDs the
verifier is configured with, and ``now`` is within its validity period;
anything else raises a :class:`~verifier.trust_errors.RegistryError`, so a
registry is never trusted silently.  :meth:`TrustRegistry.assess` then says,
for one credential, whether its issuer is listed, active, and registered for
the credential's tier and field.  Whether the credential's *signature* is
valid is the pipeline's business, not this module's.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from types import MappingProxyType

from dataintegrity import SUITES, verify_proof
from dataintegrity.datetimes import format_date_time_stamp, parse_date_time_stamp
from dataintegrity.errors import VCError
from dataintegrity.jsonio import check_depth
from dataintegrity.keys import resolve_did_key_for
from dataintegrity.loader import DocumentLoader
from dataintegrity.proof import KeyResolver

from .trust_assessment import TrustAssessment, assess_member
from .trust_errors import MalformedRegistry, RegistryNotCurrent, RegistryProofInvalid, UntrustedRegistryIssuer
from .trust_model import Member, check_registry_schema, read_members

REGISTRY_CONTEXT = "https://skillspassport.org/contexts/trust-registry/v1"
REGISTRY_TYPE = "AllianceMemberRegistryCredential"
#: Registries are signed with an RDFC suite, whose safe mode refuses undefined terms.
REGISTRY_SUITES = MappingProxyType({name: SUITES[name] for name in ("eddsa-rdfc-2022", "ecdsa-rdfc-2019")})
BUNDLED_REGISTRY = "alliance-registry.json"
BUNDLED_TRUSTED_ISSUERS = "trusted-issuers.json"


@dataclass(frozen=True)
class RegistryInfo:
    """Which registry vouched: its id, its issuer (the alliance DID) and validity period."""

    id: str
    issuer: str
    valid_from: datetime
    valid_until: datetime

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "issuer": self.issuer,
            "validFrom": format_date_time_stamp(self.valid_from),
            "validUntil": format_date_time_stamp(self.valid_until),
        }


@dataclass(frozen=True)
class TrustRegistry:
    """A verified registry of alliance members; build it with :meth:`from_credential`."""

    info: RegistryInfo
    members: tuple[Member, ...]

    @classmethod
    def from_credential(
        cls,
        document: object,
        *,
        loader: DocumentLoader,
        resolve_key: KeyResolver,
        trusted_issuers: Collection[str],
        now: datetime,
    ) -> "TrustRegistry":
        """Verify a registry credential and read its members.

        :param trusted_issuers: the alliance DIDs this verifier is configured to trust.
        :param now: the time the validity period is checked against (aware).
        :raises UntrustedRegistryIssuer: if its issuer is not one of ``trusted_issuers``.
        :raises RegistryProofInvalid: if its proof does not verify (forged, altered,
            unsigned) or was made with a key its issuer does not control.
        :raises MalformedRegistry: if it does not follow the registry format.
        :raises RegistryNotCurrent: if ``now`` is outside its validity period.
        """
        if isinstance(trusted_issuers, str):
            raise TypeError("trusted_issuers must be a collection of DIDs, not one string")
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        issuer = _trusted_issuer(document, trusted_issuers)
        _verify_signature(document, issuer, loader=loader, resolve_key=resolve_key, now=now)
        check_registry_schema(document)
        info = _registry_info(document, issuer)
        if document["credentialSubject"]["id"] != issuer:
            raise MalformedRegistry(
                f'"credentialSubject.id" must be the alliance\'s DID {issuer}, the registry\'s issuer',
                property="credentialSubject.id",
            )
        members = read_members(document["credentialSubject"])
        _check_current(info, now)
        return cls(info=info, members=members)

    def member_for(self, did: str) -> Member | None:
        """The member that issues with ``did``, if any (exact match on any of its DIDs)."""
        return next((member for member in self.members if did in member.dids), None)

    def assess(self, credential: object) -> TrustAssessment:
        """How this registry sees ``credential``'s issuer; see :mod:`verifier.trust_assessment`.

        :raises MalformedCredential: if the credential names no issuer.
        """
        return assess_member(credential, self.info, self.member_for)


def _trusted_issuer(document: object, trusted_issuers: Collection[str]) -> str:
    if not isinstance(document, dict):
        raise MalformedRegistry("a trust registry must be a JSON object (a Verifiable Credential)")
    try:
        check_depth(document)
    except VCError as error:
        raise MalformedRegistry(error.detail) from None
    issuer = document.get("issuer")
    issuer = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(issuer, str):
        raise MalformedRegistry('the registry has no "issuer" (the alliance\'s DID)', property="issuer")
    if issuer not in trusted_issuers:
        trusted = ", ".join(sorted(trusted_issuers)) or "none configured"
        raise UntrustedRegistryIssuer(
            f"the registry was issued by {issuer:.120}, which is not an alliance DID this verifier trusts ({trusted})",
            property="issuer",
        )
    return issuer


def _verify_signature(document: dict, issuer: str, *, loader, resolve_key, now: datetime) -> None:
    proof = verify_proof(document, suites=REGISTRY_SUITES, loader=loader, resolve_key=resolve_key, now=now)
    if not proof.ok:
        details = "; ".join(problem.detail for problem in proof.problems)
        raise RegistryProofInvalid(f"the registry's proof does not verify: {details}", property="proof")
    for method in proof.verification_methods:
        if method.controller != issuer:
            raise RegistryProofInvalid(
                f"the registry was signed with {method.id}, which belongs to {method.controller}, "
                f"not to its issuer {issuer}",
                property="proof",
            )


def _registry_info(document: dict, issuer: str) -> RegistryInfo:
    try:
        valid_from = parse_date_time_stamp(document["validFrom"], property="validFrom")
        valid_until = parse_date_time_stamp(document["validUntil"], property="validUntil")
    except VCError as error:
        raise MalformedRegistry(error.detail, property=error.property) from None
    if valid_from > valid_until:
        raise MalformedRegistry('"validFrom" is later than "validUntil"', property="validUntil")
    return RegistryInfo(id=document["id"], issuer=issuer, valid_from=valid_from, valid_until=valid_until)


def _check_current(info: RegistryInfo, now: datetime) -> None:
    if now < info.valid_from:
        raise RegistryNotCurrent(
            f"the registry is not valid until {format_date_time_stamp(info.valid_from)}", property="validFrom"
        )
    if now > info.valid_until:
        raise RegistryNotCurrent(
            f"the registry expired on {format_date_time_stamp(info.valid_until)}; fetch a current one from the alliance",
            property="validUntil",
        )


def bundled_registry_document() -> dict:
    """The registry shipped in ``verifier/registry/`` (a DEMO, signed with a demo key)."""
    return json.loads(_registry_file(BUNDLED_REGISTRY))


def bundled_trusted_issuers() -> frozenset[str]:
    """The alliance DIDs in ``verifier/registry/trusted-issuers.json``."""
    data = json.loads(_registry_file(BUNDLED_TRUSTED_ISSUERS))
    return frozenset(entry["id"] for entry in data["trustedIssuers"])


def bundled_registry(
    *, loader: DocumentLoader, now: datetime, resolve_key: KeyResolver = resolve_did_key_for
) -> TrustRegistry:
    """The bundled registry, verified against the bundled trusted issuers."""
    return TrustRegistry.from_credential(
        bundled_registry_document(),
        loader=loader,
        resolve_key=resolve_key,
        trusted_issuers=bundled_trusted_issuers(),
        now=now,
    )


def _registry_file(name: str) -> str:
    return resources.files(__package__).joinpath("registry", name).read_text("utf-8")
