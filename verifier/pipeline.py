"""The verification pipeline: every check, in order, into one result.

So far: structure and ``@context``, proof, the profile's schema (for
credentials that name it), key binding (the verification method belongs to
the issuer or holder) and validity period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Mapping

from dataintegrity import SUITES, CheckResult, Problem, verify_proof
from dataintegrity.cryptosuites import Cryptosuite
from dataintegrity.keys import resolve_did_key_for
from dataintegrity.loader import DocumentLoader
from dataintegrity.proof import KeyResolver, ProofCheck
from schemas.profile import ProfileChecker

from . import checks


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

    def verify_credential(self, credential: object, *, now: datetime) -> VerificationResult:
        """Verify a credential at time ``now``; never raises on bad input."""
        structure = checks.credential_structure(credential)
        if structure.ok and not checks.signed_only_with_rdfc(credential):
            structure = checks.defined_terms(credential, self.loader)
        if not structure.ok:
            return VerificationResult("credential", False, (structure,))
        proof = self._proof(credential, purpose="assertionMethod", now=now)
        results = [structure, proof]
        if self.check_profile and checks.declares_profile(credential):
            results.append(checks.profile_schema(credential, self.profile))
        results += [checks.issuer_binding(credential, proof), checks.validity(credential, now)]
        return VerificationResult("credential", all(r.ok for r in results), tuple(results), _method_id(proof))

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
            proof = self._proof(presentation, purpose="authentication", now=now, challenge=challenge, domain=domain)
            results += [proof, checks.holder_binding(presentation, proof)]
        credentials = tuple(self.verify_credential(vc, now=now) for vc in checks.embedded_credentials(presentation))
        results.append(checks.credentials_summary(credentials))
        verified = all(r.ok for r in results)
        return VerificationResult("presentation", verified, tuple(results), _method_id(proof), credentials)

    def _proof(self, document: dict, *, purpose: str, now: datetime, challenge=None, domain=None) -> ProofCheck:
        return verify_proof(
            document,
            suites=self.suites,
            loader=self.loader,
            resolve_key=self.resolve_key,
            purpose=purpose,
            challenge=challenge,
            domain=domain,
            now=now,
        )


def _method_id(proof: ProofCheck | None) -> str | None:
    if proof is None or not proof.verification_methods:
        return None
    return proof.verification_methods[0].id
