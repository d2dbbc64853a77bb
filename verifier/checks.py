"""One function per check of the pipeline; each returns a :class:`CheckResult`."""

from __future__ import annotations

from datetime import datetime

from dataintegrity import CheckResult
from dataintegrity.canonicalize import canonicalize_rdfc
from dataintegrity.datetimes import parse_date_time_stamp
from dataintegrity.errors import (
    EXPIRED,
    SCHEMA_VIOLATION,
    NOT_YET_VALID,
    InvalidContextOrder,
    InvalidVerificationMethod,
    MalformedCredential,
    VCError,
)
from dataintegrity.jsonio import check_depth
from dataintegrity.proof import ProofCheck
from dataintegrity.results import Problem
from schemas.profile import PROFILE_SCHEMA_ID, ProfileChecker

VC_V2 = "https://www.w3.org/ns/credentials/v2"
VC_V1 = "https://www.w3.org/2018/credentials/v1"
BASE_CONTEXTS = (VC_V2, VC_V1)


def credential_structure(credential: object) -> CheckResult:
    """Structure: a JSON object with the VC ``@context`` first, the
    ``VerifiableCredential`` type, an issuer, a subject, and well-formed dates."""
    try:
        _base_structure(credential, "VerifiableCredential")
        issuer_id(credential)
        subject = credential.get("credentialSubject")
        if not subject or (isinstance(subject, list) and not all(subject)) or not isinstance(subject, (dict, list)):
            raise MalformedCredential('"credentialSubject" is missing or empty', property="credentialSubject")
        _validity_period(credential)
    except VCError as error:
        return CheckResult.failed("structure", error)
    return CheckResult.passed("structure")


def presentation_structure(presentation: object) -> CheckResult:
    """Structure of a presentation: VC ``@context`` first and the ``VerifiablePresentation`` type."""
    try:
        _base_structure(presentation, "VerifiablePresentation")
        credentials = presentation.get("verifiableCredential", [])
        if not isinstance(credentials, (dict, list)):
            raise MalformedCredential('"verifiableCredential" must be an object or a list', property="verifiableCredential")
    except VCError as error:
        return CheckResult.failed("structure", error)
    return CheckResult.passed("structure")


def _base_structure(document: object, required_type: str) -> None:
    if not isinstance(document, dict):
        raise MalformedCredential(f"a {'credential' if 'Credential' in required_type else 'presentation'} must be a JSON object")
    check_depth(document)
    context = document.get("@context")
    if not isinstance(context, list) or not context:
        raise InvalidContextOrder('"@context" must be a list starting with the VC context', property="@context")
    if context[0] not in BASE_CONTEXTS:
        raise InvalidContextOrder(
            f'"@context" must start with "{VC_V2}", not {context[0]!r:.80}', property="@context"
        )
    types = document.get("type")
    types = [types] if isinstance(types, str) else types
    if not isinstance(types, list) or required_type not in types:
        raise MalformedCredential(f'"type" must include "{required_type}"', property="type")


def issuer_id(credential: dict) -> str:
    """The issuer's id, from ``issuer`` as a string or ``issuer.id``.

    :raises MalformedCredential: if there is none, or it is not a URL.
    """
    issuer = credential.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(value, str) or ":" not in value:
        raise MalformedCredential('"issuer" must be a URL or an object whose "id" is a URL', property="issuer")
    return value


def _validity_period(credential: dict) -> tuple[datetime | None, datetime | None]:
    start = credential.get("validFrom", credential.get("issuanceDate"))
    end = credential.get("validUntil", credential.get("expirationDate"))
    valid_from = parse_date_time_stamp(start, property="validFrom") if start is not None else None
    valid_until = parse_date_time_stamp(end, property="validUntil") if end is not None else None
    if valid_from and valid_until and valid_from > valid_until:
        raise MalformedCredential('"validFrom" is later than "validUntil"', property="validUntil")
    return valid_from, valid_until


def defined_terms(document: dict, loader) -> CheckResult:
    """Structure, continued: every property and type is defined by the contexts.

    RDFC proofs check this while canonicalizing; a JCS proof signs the JSON as
    written, so its document is expanded here with the same safe mode.
    """
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    try:
        canonicalize_rdfc(unsecured, loader=loader)
    except VCError as error:
        return CheckResult.failed("structure", error)
    return CheckResult.passed("structure")


def signed_only_with_rdfc(document: dict) -> bool:
    """Whether every proof's canonicalization is RDFC (which checks terms itself)."""
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    return all(isinstance(p, dict) and str(p.get("cryptosuite", "")).split("-")[1:2] == ["rdfc"] for p in proofs)


def declares_profile(credential: dict) -> bool:
    """Whether ``credentialSchema`` names the Skills Passport profile."""
    schemas = credential.get("credentialSchema")
    entries = schemas if isinstance(schemas, list) else [schemas]
    return any(isinstance(entry, dict) and entry.get("id") == PROFILE_SCHEMA_ID for entry in entries)


def profile_schema(credential: dict, checker: ProfileChecker) -> CheckResult:
    """Schema: the credential follows the profile its ``credentialSchema`` names."""
    problems = tuple(
        Problem(SCHEMA_VIOLATION, "Does not follow the credential profile", str(problem))
        for problem in checker.check(credential)
    )
    return CheckResult("schema", not problems, problems)


def trust(credential: dict, registry) -> tuple[CheckResult, object]:
    """Issuer trust: what the alliance registry says about the issuer (never fails verification).

    A signature can be valid from an issuer that is not a recognised member:
    anything but "recognised, within scope" is a warning, said plainly.
    """
    assessment = registry.assess(credential)
    if assessment.recognised:
        return CheckResult.passed("trust"), assessment
    warning = Problem(f"https://skillspassport.org/problems#{assessment.code}", "Issuer standing", assessment.message)
    return CheckResult.warned("trust", warning), assessment


def recognition(result) -> CheckResult:
    """Recognition: the mapping onto the receiving framework; what it could not map is a warning."""
    return CheckResult("recognition", True, warnings=tuple(result.problems))


def issuer_binding(credential: dict, proof: ProofCheck) -> CheckResult:
    """Key binding: every proof's verification method is controlled by the issuer."""
    return _binding("key", issuer_id(credential), proof, "issuer")


def holder_binding(presentation: dict, proof: ProofCheck) -> CheckResult:
    """Key binding of a presentation: the proof's key is controlled by the holder, if one is named."""
    holder = presentation.get("holder")
    holder = holder.get("id") if isinstance(holder, dict) else holder
    if holder is None:
        return CheckResult.passed("key") if proof.ok else _not_checked("key")
    return _binding("key", holder, proof, "holder")


def _binding(name: str, controller: str, proof: ProofCheck, role: str) -> CheckResult:
    if not proof.ok:
        return _not_checked(name)
    for method in proof.verification_methods:
        if method.controller != controller:
            return CheckResult.failed(
                name,
                InvalidVerificationMethod(
                    f"the proof was made with {method.id}, which belongs to {method.controller}, "
                    f"not to the {role} {controller}",
                    property="verificationMethod",
                ),
            )
    return CheckResult.passed(name)


def _not_checked(name: str) -> CheckResult:
    problem = Problem(MalformedCredential.problem_type, "Not checked", "the proof did not verify, so its key was not checked")
    return CheckResult(name=name, ok=False, problems=(problem,))


def validity(credential: dict, now: datetime) -> CheckResult:
    """Validity period: ``validFrom`` ≤ now ≤ ``validUntil`` (VC 2.0 §4.9)."""
    valid_from, valid_until = _validity_period(credential)
    if valid_from and now < valid_from:
        detail = f"the credential is not valid until {valid_from:%Y-%m-%d %H:%M:%S} UTC"
        return CheckResult("validity", False, (Problem(NOT_YET_VALID, "Not yet valid", detail),))
    if valid_until and now > valid_until:
        detail = f"the credential expired on {valid_until:%Y-%m-%d %H:%M:%S} UTC"
        return CheckResult("validity", False, (Problem(EXPIRED, "Expired", detail),))
    return CheckResult.passed("validity")


def embedded_credentials(presentation: dict) -> list[object]:
    credentials = presentation.get("verifiableCredential", [])
    return credentials if isinstance(credentials, list) else [credentials]


def credentials_summary(results) -> CheckResult:
    """The presentation's ``credentials`` check: every embedded credential verified."""
    failed = [index for index, result in enumerate(results, 1) if not result.verified]
    if not failed:
        return CheckResult.passed("credentials")
    detail = f"credential {', '.join(map(str, failed))} of {len(results)} did not verify"
    return CheckResult("credentials", False, (Problem(MalformedCredential.problem_type, "Credential not verified", detail),))
