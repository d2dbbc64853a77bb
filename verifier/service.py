"""The verification service the page and the API share: the pipeline, framework data, profiles, registry.

No Flask here: :func:`build_service` makes it from a configuration mapping, and
:mod:`verifier.web` keeps one per app.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping

from dataintegrity import CheckResult, Problem, bundled_loader, verify_proof
from dataintegrity.errors import INVALID_DOMAIN_ERROR, SP, VCError
from schemas.framework_data import load_frameworks
from schemas.framework_model import Framework, Frameworks
from schemas.profile import ProfileChecker
from schemas.recognition_profiles import RecognitionProfile, bundled_profiles

from . import checks
from .bundle import load_bundle
from .http import Fetcher, HttpFetcher
from .offline import DidFolder, StatusFolder
from .pipeline import VerificationResult, Verifier
from .recognition import RecognitionTarget, recognise
from .recognition_result import Recognition
from .resolution import Resolver
from .status_check import StatusChecker
from .trust import TrustRegistry, bundled_registry_document, bundled_trusted_issuers
from .trust_assessment import TrustAssessment

#: Warnings of a presentation checked without a challenge (it could be a replay).
NO_CHALLENGE = SP + "NO_CHALLENGE"
PRESENTATION_NOT_SIGNED = SP + "PRESENTATION_NOT_SIGNED"

@dataclass(frozen=True)
class RegistryUnavailable:
    """Why the trust registry cannot be consulted (the results say so; the signature check is unaffected)."""

    detail: str


@dataclass(frozen=True)
class VerificationService:
    """What the page and the API share: the pipeline, the framework data, the profiles and the registry.

    :param registry: the verified trust registry, or why there is none.
    :param clock: the current time (aware); tests fix it.
    :param fetcher: the guarded network client, None when the network is off (also used to follow a
        QR code's link to its credential).
    """

    verifier: Verifier
    frameworks: Frameworks
    profiles: Mapping[str, RecognitionProfile]
    registry: TrustRegistry | RegistryUnavailable
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(timezone.utc))
    fetcher: Fetcher | None = None

    def verify(self, document: object, *, challenge: str | None = None, domain: str | None = None,
               proof_only: bool = False) -> VerificationResult:
        """Verify a presentation (by its type) or else a credential; never raises on bad input."""
        if is_presentation(document):
            return self.verify_presentation(document, challenge=challenge, domain=domain)
        return self.verify_credential(document, proof_only=proof_only)

    def verify_credential(self, credential: object, *, proof_only: bool = False) -> VerificationResult:
        """Every check, or (``proof_only``, VC-API ``"checks": ["proof"]``) what the proof needs:
        structure and defined terms, the proof, and that its key is the issuer's; no profile,
        validity period or status."""
        if not proof_only:
            return self.verifier.verify_credential(credential, now=self.clock())
        structure = checks.credential_structure(credential)
        if structure.ok and not checks.signed_only_with_rdfc(credential):
            structure = checks.defined_terms(credential, self.verifier.loader)
        if not structure.ok:
            return VerificationResult("credential", False, (structure,))
        now = self.clock()
        proof = verify_proof(credential, suites=self.verifier.suites, loader=self.verifier.loader,
                             resolve_key=self.verifier.key_resolver(now), purpose="assertionMethod", now=now)
        key = checks.issuer_binding(credential, proof)
        method = proof.verification_methods[0].id if proof.ok and proof.verification_methods else None
        return VerificationResult("credential", proof.ok and key.ok, (structure, proof, key), method)

    def verify_presentation(self, presentation: object, *, challenge: str | None = None,
                            domain: str | None = None) -> VerificationResult:
        """The pipeline's result, plus a ``challenge`` check: without a requested challenge the
        proof binds nothing (a replay would pass), which is a warning; a requested domain needs a proof."""
        result = self.verifier.verify_presentation(presentation, now=self.clock(), challenge=challenge, domain=domain)
        if not result.checks[0].ok:
            return result  # the structure check failed: not a presentation at all
        signed = presentation.get("proof") is not None
        if domain is not None and not signed and challenge is None:
            detail = f'the domain "{domain:.80}" was requested, but the presentation is not signed'
            extra = CheckResult("challenge", False, (Problem(INVALID_DOMAIN_ERROR, "Domain not proven", detail),))
            return replace(result, verified=False, checks=result.checks + (extra,))
        warnings = []
        if challenge is None:
            warnings.append(Problem(NO_CHALLENGE, "No challenge bound", "no challenge was requested, so the "
                                    "presentation's proof is not bound to this check: it could be a replay"))
        if not signed:
            warnings.append(Problem(PRESENTATION_NOT_SIGNED, "Presentation not signed", "the presentation has no "
                                    "proof: nothing shows who presents the credentials (each credential is checked)"))
        if not warnings:
            return result
        return replace(result, checks=result.checks + (CheckResult.warned("challenge", *warnings),))

    def receiving_frameworks(self) -> list[Framework]:
        """The frameworks a credential can be recognised in (all but the Shenzhen Agreement tier model)."""
        return [framework for framework in self.frameworks if framework.tier_table is None]

    def standing(self, result: VerificationResult) -> TrustAssessment | RegistryUnavailable:
        """What the trust registry said about the credential's issuer (the pipeline's ``trust``), or why it cannot."""
        if isinstance(self.registry, RegistryUnavailable):
            return self.registry
        if self.clock() > self.registry.info.valid_until:
            return RegistryUnavailable(f"the registry {self.registry.info.id} expired on "
                                       f"{self.registry.info.valid_until:%Y-%m-%d}; fetch a current one")
        return result.trust if result.trust is not None else RegistryUnavailable("the issuer was not assessed")

    def recognition(self, credential: dict, target: str | None) -> Recognition | None:
        """Recognition in ``framework:<id>`` or ``profile:<id>``; None for no (or an unknown) target."""
        kind, _, name = (target or "").partition(":")
        if kind == "framework" and name in self.frameworks:
            return recognise(credential, RecognitionTarget(name), self.frameworks)
        if kind == "profile" and name in self.profiles:
            return recognise(credential, RecognitionTarget.for_profile(self.profiles[name]), self.frameworks)
        return None


def is_presentation(document: object) -> bool:
    """Whether ``document`` says it is a presentation (else it is checked as a credential)."""
    if not isinstance(document, dict):
        return False
    types = document.get("type")
    return "VerifiablePresentation" in (types if isinstance(types, list) else [types])


def build_service(config: Mapping) -> VerificationService:
    """The service for a configuration: the pipeline with did:web resolution and status checks (folders
    first, then https unless ``VERIFIER_NETWORK`` is off) and the trust registry, which when it does not
    verify is reported on every result, not fatal."""
    clock = config.get("VERIFIER_CLOCK") or (lambda: datetime.now(timezone.utc))
    now = clock()
    frameworks = load_frameworks()
    loader = bundled_loader()
    bundle = load_bundle(config["VERIFIER_BUNDLE"]) if config.get("VERIFIER_BUNDLE") else None
    fetcher = HttpFetcher() if config.get("VERIFIER_NETWORK") and bundle is None else None
    dids, status = config.get("VERIFIER_DIDS_DIR"), config.get("VERIFIER_STATUS_DIR")
    did_sources = [DidFolder(Path(dids))] if dids else []
    status_sources = [StatusFolder(Path(status))] if status else []
    if bundle is not None:  # folders first, then the bundle; results say how old each piece was
        did_sources.append(bundle)
        status_sources.append(bundle)
    resolver = Resolver(now=now, sources=did_sources, fetcher=fetcher)
    registry = _registry(config, loader, resolver.at(now), now, bundle)
    verifier = Verifier(
        loader=loader,
        profile=ProfileChecker(frameworks),
        resolver=resolver,
        status=StatusChecker(loader=loader, sources=status_sources, fetcher=fetcher),
        registry=registry if isinstance(registry, TrustRegistry) else None,
    )
    return VerificationService(verifier, frameworks, bundled_profiles(frameworks), registry, clock, fetcher)


def _registry(config: Mapping, loader, resolve_key, now: datetime, bundle=None) -> TrustRegistry | RegistryUnavailable:
    try:
        bundled = bundle.registry_document() if bundle is not None else None
        document = bundled if bundled is not None and not config.get("VERIFIER_REGISTRY_FILE") else \
            _registry_document(config.get("VERIFIER_REGISTRY_FILE"))
        trusted = config.get("VERIFIER_TRUSTED_ISSUERS") or bundled_trusted_issuers()
        trusted = [did.strip() for did in trusted.split(",")] if isinstance(trusted, str) else trusted
        return TrustRegistry.from_credential(document, loader=loader, resolve_key=resolve_key,
                                             trusted_issuers=frozenset(trusted), now=now)
    except VCError as error:
        logging.getLogger(__name__).warning("trust registry unavailable: %s", error.title)
        return RegistryUnavailable(error.detail)


def _registry_document(path: str | None) -> object:
    if path is None:
        return bundled_registry_document()
    try:
        return json.loads(Path(path).read_text("utf-8"))
    except (OSError, ValueError) as error:
        from .trust_errors import MalformedRegistry

        raise MalformedRegistry(f"the registry file {path} cannot be read: {error}") from None
