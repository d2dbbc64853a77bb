"""The verification pipeline: every check, in order, into one result.

So far: structure and ``@context``, proof, the profile's schema (for
credentials that name it), key binding (the verification method belongs to
the issuer or holder) and validity period.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Mapping

from dataintegrity import SUITES, CheckResult, Problem, verify_proof
from dataintegrity.cryptosuites import Cryptosuite
from dataintegrity.keys import resolve_did_key_for
from dataintegrity.loader import DocumentLoader
from dataintegrity.proof import KeyResolver, ProofCheck
from schemas.profile import ProfileChecker

from schemas.framework_model import Frameworks

from . import checks
from .recognition import RecognitionTarget, recognise
from .recognition_result import Recognition
from .trust import TrustRegistry
from .trust_assessment import TrustAssessment
from .provenance import Provenance
from .resolution import Resolver
from .status_check import StatusCheck, StatusChecker, status_entries


@dataclass(frozen=True)
class VerificationResult:
    """The outcome of verifying one credential or presentation.

    :param verified: True only if every check ran and passed.
    :param checks: the checks in the order they ran, passed ones included.
    :param credentials: for a presentation, the result of each credential in it.
    """

    kind: str
    verified: bool
    checks: tuple[CheckResult, ...]
    verification_method: str | None = None
    credentials: tuple["VerificationResult", ...] = field(default=())
    sources: tuple[Provenance, ...] = field(default=())
    trust: TrustAssessment | None = None
    recognition: Recognition | None = None

    @property
    def problems(self) -> tuple[Problem, ...]:
        return tuple(problem for check in self.checks for problem in check.problems)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(warning for check in self.checks for warning in check.warnings)

    @property
    def outcome(self) -> str:
        """``verified``, ``verified-with-warnings`` or ``not-verified``."""
        if not self.verified:
            return "not-verified"
        return "verified-with-warnings" if self.warnings else "verified"

    def to_json(self) -> dict:
        result = {
            "verified": self.verified,
            "outcome": self.outcome,
            "kind": self.kind,
            "checks": [check.to_json() for check in self.checks],
            "warnings": [warning.to_json() for warning in self.warnings],
            "errors": [problem.to_json() for problem in self.problems],
        }
        if self.verification_method:
            result["verificationMethod"] = self.verification_method
        if self.credentials:
            result["credentials"] = [credential.to_json() for credential in self.credentials]
        if self.sources:
            result["sources"] = [source.to_json() for source in self.sources]
        if self.trust is not None:
            result["trust"] = self.trust.to_json()
        if self.recognition is not None:
            result["recognition"] = self.recognition.to_json()
        return result


@dataclass(frozen=True)
class Verifier:
    """Verifies credentials and presentations with fixed suites, loader and resolver.

    :param loader: the offline document loader.
    :param resolve_key: resolves a verification method id for a proof purpose.
    :param suites: the cryptosuites accepted, by name.
    :param profile: checks credentials that name the learning-outcome profile.
    :param check_profile: False skips that check — for an issuer verifying what
        it has just checked and signed, where the proof guarantees nothing changed.
    """

    loader: DocumentLoader
    resolve_key: KeyResolver = resolve_did_key_for
    suites: Mapping[str, Cryptosuite] = field(default_factory=lambda: SUITES)
    profile: ProfileChecker = field(default_factory=ProfileChecker)
    check_profile: bool = True
    resolver: Resolver | None = None
    status: StatusChecker | None = None
    registry: TrustRegistry | None = None
    frameworks: Frameworks | None = None

    def __post_init__(self) -> None:
        if self.frameworks is None:  # recognition reads the framework data the profile checker has
            object.__setattr__(self, "frameworks", self.profile.frameworks)

    def verify_credential(
        self, credential: object, *, now: datetime, recognise_as: RecognitionTarget | None = None
    ) -> VerificationResult:
        """Verify a credential at time ``now``; never raises on bad input.

        :param recognise_as: the receiving framework (or institution profile) to
            map the credential onto; the result then carries the recognition.
        """
        structure = checks.credential_structure(credential)
        if structure.ok and not checks.signed_only_with_rdfc(credential):
            structure = checks.defined_terms(credential, self.loader)
        if not structure.ok:
            return VerificationResult("credential", False, (structure,))
        resolve_key = self.key_resolver(now)
        proof = self._proof(credential, purpose="assertionMethod", now=now, resolve_key=resolve_key)
        results = [structure, proof]
        if self.check_profile and checks.declares_profile(credential):
            results.append(checks.profile_schema(credential, self.profile))
        key = checks.issuer_binding(credential, proof)
        results += [key, checks.validity(credential, now)]
        if self.status is not None and key.ok and status_entries(credential):
            results.append(self.status.check(credential, resolve_key=resolve_key, now=now))
        sources: tuple[Provenance, ...] = ()
        if isinstance(resolve_key, Resolver):
            results[1] = replace(proof, warnings=proof.warnings + resolve_key.warnings)
            sources = resolve_key.records
        sources += tuple(s for r in results if isinstance(r, StatusCheck) for s in r.sources)
        assessment = recognition = None
        if self.registry is not None:
            trust, assessment = checks.trust(credential, self.registry)
            results.append(trust)
        if recognise_as is not None:
            recognition = recognise(credential, recognise_as, self.frameworks)
            results.append(checks.recognition(recognition))
        verified = all(r.ok for r in results)
        return VerificationResult("credential", verified, tuple(results), _method_id(proof), sources=sources,
                                  trust=assessment, recognition=recognition)

    def verify_presentation(
        self, presentation: object, *, now: datetime, challenge: str | None = None, domain: str | None = None
    ) -> VerificationResult:
        """Verify a presentation and every credential in it; never raises on bad input.

        An unsigned presentation passes only when no challenge was requested.
        """
        structure = checks.presentation_structure(presentation)
        if not structure.ok:
            return VerificationResult("presentation", False, (structure,))
        results: list[CheckResult] = [structure]
        proof: ProofCheck | None = None
        if presentation.get("proof") is not None or challenge is not None:
            resolve_key = self.key_resolver(now)
            proof = self._proof(presentation, purpose="authentication", now=now, challenge=challenge, domain=domain,
                                resolve_key=resolve_key)
            results += [proof, checks.holder_binding(presentation, proof)]
        credentials = tuple(self.verify_credential(vc, now=now) for vc in checks.embedded_credentials(presentation))
        results.append(checks.credentials_summary(credentials))
        verified = all(r.ok for r in results)
        return VerificationResult("presentation", verified, tuple(results), _method_id(proof), credentials)

    def key_resolver(self, now: datetime) -> KeyResolver:
        """The key resolver for one verification at ``now``: a fresh :class:`Resolver`
        session (did:web, with freshness records) if one is configured, else ``resolve_key``."""
        return self.resolver.at(now) if self.resolver is not None else self.resolve_key

    def _proof(self, document: dict, *, purpose: str, now: datetime, resolve_key: KeyResolver,
               challenge=None, domain=None) -> ProofCheck:
        return verify_proof(
            document,
            suites=self.suites,
            loader=self.loader,
            resolve_key=resolve_key,
            purpose=purpose,
            challenge=challenge,
            domain=domain,
            now=now,
        )


def _method_id(proof: ProofCheck | None) -> str | None:
    if proof is None or not proof.verification_methods:
        return None
    return proof.verification_methods[0].id
