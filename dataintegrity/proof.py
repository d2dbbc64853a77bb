"""Add and verify Data Integrity proofs with any cryptosuite.

https://www.w3.org/TR/vc-data-integrity/#algorithms
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Mapping, Sequence

from pyld.jsonld import JsonLdError

from .cryptosuites.base import Cryptosuite, Signer
from .datetimes import format_date_time_stamp, parse_date_time_stamp
from .errors import (
    InvalidChallenge,
    InvalidDomain,
    InvalidProof,
    InvalidVerificationMethod,
    MalformedCredential,
    MalformedProof,
    MismatchedProofPurpose,
    ProofError,
    ProofExpired,
    UnsupportedCryptosuite,
    VCError,
)
from .keys import VerificationMethod
from .loader import DocumentLoader
from .results import CheckResult, Problem

#: resolve_key(verification_method_id, proof_purpose) -> VerificationMethod;
#: raises InvalidVerificationMethod when the method cannot be used for the purpose.
KeyResolver = Callable[[str, str], VerificationMethod]

PROOF_TYPE = "DataIntegrityProof"


def add_proof(
    document: Mapping,
    *,
    suite: Cryptosuite,
    signer: Signer,
    loader: DocumentLoader,
    created: datetime | None,
    purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    expires: datetime | None = None,
    proof_id: str | None = None,
    previous_proof: str | Sequence[str] | None = None,
) -> dict:
    """Sign ``document`` and return a NEW document with the proof added.

    A document that already has a proof gets a proof set (``proof`` becomes a
    list).  With ``previous_proof`` the new proof joins a proof chain: it signs
    the document together with the proofs it names.

    - https://www.w3.org/TR/vc-data-integrity/#add-proof
    - https://www.w3.org/TR/vc-data-integrity/#add-proof-set-chain

    :param created: the proof's creation time; ``None`` leaves ``created`` out.
    :param proof_id: the proof's ``id`` (a URL such as ``urn:uuid:...``), so
        that later proofs can name it in their ``previousProof``.
    :param previous_proof: the ``id`` (or list of ``id`` s) of proofs already on
        ``document`` that this proof chains to.
    :raises ValueError: if the signer's key type does not fit the suite, the
        suite is verify-only, ``previous_proof`` names a proof the document
        does not have, or ``proof_id`` is already used in the set.
    :raises VCError: if the document cannot be canonicalized (e.g. an unknown
        context or an undefined term).
    """
    if _proof_type_of(suite) != PROOF_TYPE:
        raise ValueError(f"{suite.name} proofs are verified only, never issued")
    if signer.algorithm not in suite.required_algorithms:
        raise ValueError(f"{suite.name} needs a {'/'.join(sorted(suite.required_algorithms))} key, not {signer.algorithm}")
    all_proofs = _existing_proofs(document)
    if proof_id is not None and any(item.get("id") == proof_id for item in all_proofs):
        raise ValueError(f"the proof set already has a proof with id {proof_id!r}")
    if previous_proof is not None and not isinstance(previous_proof, str):
        previous_proof = list(previous_proof)
    options = _proof_options(suite, signer, created, purpose, challenge, domain, expires, proof_id, previous_proof)
    input_document = {key: value for key, value in document.items() if key != "proof"}
    if previous_proof is not None:
        try:
            input_document["proof"] = _matching_proofs(previous_proof, all_proofs)
        except ProofError as error:
            raise ValueError(error.detail) from None
    config = _proof_configuration(options, input_document)
    verify_data = suite.create_verify_data(input_document, config, loader=loader, algorithm=signer.algorithm)
    proof = dict(config if _carries_context(suite) else options)
    proof["proofValue"] = suite.sign(verify_data, signer)
    secured = dict(document)
    secured["proof"] = proof if document.get("proof") is None else [*all_proofs, proof]
    return secured


def _existing_proofs(document: Mapping) -> list[dict]:
    """allProofs: the proofs already on a document, as a list (Add Proof Set/Chain step 1)."""
    existing = document.get("proof")
    if existing is None:
        return []
    return list(existing) if isinstance(existing, list) else [existing]


def _proof_options(suite, signer, created, purpose, challenge, domain, expires, proof_id=None, previous_proof=None) -> dict:
    options = {"type": PROOF_TYPE}
    if proof_id is not None:
        if not isinstance(proof_id, str) or not proof_id:
            raise TypeError("proof_id must be a non-empty string")
        options["id"] = proof_id
    options["cryptosuite"] = suite.name
    if created is not None:
        options["created"] = format_date_time_stamp(created)
    if expires is not None:
        options["expires"] = format_date_time_stamp(expires)
    options["verificationMethod"] = signer.id
    options["proofPurpose"] = purpose
    if previous_proof is not None:
        options["previousProof"] = previous_proof
    if challenge is not None:
        options["challenge"] = challenge
    if domain is not None:
        options["domain"] = domain
    return options


def _proof_configuration(options: Mapping, unsecured: Mapping) -> dict:
    """Proof configuration: the options with the document's ``@context``."""
    config = dict(options)
    if "@context" in unsecured:
        config["@context"] = unsecured["@context"]
    return config


def _proof_type_of(suite: Cryptosuite) -> str:
    """The proof ``type`` a suite makes: DataIntegrityProof, or a legacy type."""
    return getattr(suite, "proof_type", PROOF_TYPE)


def _carries_context(suite: Cryptosuite) -> bool:
    """eddsa-jcs-2022 keeps ``@context`` in the proof (its proof config is the proof)."""
    return suite.name.endswith("-jcs-2022")


@dataclass(frozen=True)
class ProofCheck(CheckResult):
    """The ``proof`` check, with the verification methods of the proofs that verified."""

    verification_methods: tuple[VerificationMethod, ...] = ()


def verify_proof(
    document: object,
    *,
    suites: Mapping[str, Cryptosuite],
    loader: DocumentLoader,
    resolve_key: KeyResolver,
    purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    now: datetime | None = None,
) -> ProofCheck:
    """Verify every proof on ``document``; never raises on bad input.

    https://www.w3.org/TR/vc-data-integrity/#verify-proof

    :param suites: the cryptosuites the caller accepts, by name; legacy proof
        types (``LEGACY_SUITES``) only if the caller adds them.
    :param purpose: the proof purpose expected (``authentication`` for presentations).
    :param challenge: if given, each proof's ``challenge`` must equal it.
    :param domain: if given, each proof's ``domain`` must equal or contain it.
    :param now: the time ``expires`` is checked against (no clock is read here).
    :returns: a :class:`ProofCheck` named ``proof``; ``ok`` only if every proof verified.
    """
    try:
        proofs = _proofs_of(document)
    except VCError as error:
        return ProofCheck(name="proof", ok=False, problems=(Problem.from_error(error),))
    problems: list[Problem] = []
    methods: list[VerificationMethod] = []
    context = _Verification(suites, loader, resolve_key, purpose, challenge, domain, now)
    for index, proof in enumerate(proofs):
        try:
            methods.append(context.verify_one(document, proof, proofs))
        except VCError as error:
            prefix = f"proof {index + 1}: " if len(proofs) > 1 else ""
            problems.append(Problem(error.problem_type, error.title, prefix + error.detail))
        except JsonLdError as error:
            problems.append(Problem(MalformedCredential.problem_type, "Invalid JSON-LD", str(error).splitlines()[0]))
    return ProofCheck(name="proof", ok=not problems, problems=tuple(problems), verification_methods=tuple(methods))


def _proofs_of(document: object) -> list[dict]:
    if not isinstance(document, dict):
        raise MalformedCredential("a credential or presentation must be a JSON object")
    proof = document.get("proof")
    if proof is None:
        raise MalformedProof('there is no "proof": the document is not signed', property="proof")
    proofs = proof if isinstance(proof, list) else [proof]
    if not proofs or not all(isinstance(item, dict) for item in proofs):
        raise MalformedProof('"proof" must be an object or a list of objects', property="proof")
    return proofs


@dataclass(frozen=True)
class _Verification:
    suites: Mapping[str, Cryptosuite]
    loader: DocumentLoader
    resolve_key: KeyResolver
    purpose: str
    challenge: str | None
    domain: str | None
    now: datetime | None

    def verify_one(self, document: dict, proof: dict, all_proofs: list[dict]) -> VerificationMethod:
        """Verify one proof of a set; returns its verification method."""
        suite = self._suite_of(proof)
        self._check_options(proof)
        method = self.resolve_key(proof["verificationMethod"], proof["proofPurpose"])
        if method.algorithm not in suite.required_algorithms:
            raise InvalidVerificationMethod(
                f"{method.id} is a key of type {method.algorithm}; {suite.name} needs "
                f"{'/'.join(sorted(suite.required_algorithms))}",
                property="verificationMethod",
            )
        unsecured = _unsecured_document(document, proof, all_proofs)
        config = {key: value for key, value in proof.items() if key != "proofValue"}
        if _proof_type_of(suite) == PROOF_TYPE:
            unsecured = _apply_proof_context(unsecured, config)
            config = _proof_configuration(config, unsecured)
        # else a legacy suite forms its proof options from the proof itself
        verify_data = suite.create_verify_data(unsecured, config, loader=self.loader, algorithm=method.algorithm)
        suite.verify(verify_data, proof["proofValue"], method.public_key)
        return method

    def _suite_of(self, proof: dict) -> Cryptosuite:
        """The suite for a proof: by ``cryptosuite`` for DataIntegrityProof, else by ``type``."""
        proof_type = proof.get("type")
        if proof_type != PROOF_TYPE:
            suite = self.suites.get(proof_type) if isinstance(proof_type, str) else None
            if suite is None or _proof_type_of(suite) != proof_type:
                raise UnsupportedCryptosuite(
                    f'proof "type" {proof_type!r:.60} is not {PROOF_TYPE} or a legacy proof type we were '
                    "asked to accept", property="type")
            return suite
        name = proof.get("cryptosuite")
        suite = self.suites.get(name) if isinstance(name, str) else None
        if suite is None or _proof_type_of(suite) != PROOF_TYPE:
            accepted = sorted(key for key, value in self.suites.items() if _proof_type_of(value) == PROOF_TYPE)
            raise UnsupportedCryptosuite(
                f'"cryptosuite" {name!r:.60} is not one we accept ({", ".join(accepted)})',
                property="cryptosuite",
            )
        return suite

    def _check_options(self, proof: dict) -> None:
        for name in ("verificationMethod", "proofPurpose", "proofValue"):
            if not isinstance(proof.get(name), str):
                raise MalformedProof(f'proof "{name}" is missing or not a string', property=name)
        if proof["proofPurpose"] != self.purpose:
            raise MismatchedProofPurpose(
                f'proof "proofPurpose" is {proof["proofPurpose"]!r:.60}; expected {self.purpose!r}',
                property="proofPurpose",
            )
        if "created" in proof:
            parse_date_time_stamp(proof["created"], property="created")
        if "expires" in proof:
            expires = parse_date_time_stamp(proof["expires"], property="expires")
            if self.now is not None and self.now > expires:
                raise ProofExpired(f'the proof expired at {proof["expires"]}', property="expires")
        if self.challenge is not None and proof.get("challenge") != self.challenge:
            raise InvalidChallenge('proof "challenge" does not match the challenge requested', property="challenge")
        if self.domain is not None and not _domain_matches(proof.get("domain"), self.domain):
            raise InvalidDomain('proof "domain" does not match the domain requested', property="domain")


def _domain_matches(value: object, expected: str) -> bool:
    return value == expected or (isinstance(value, list) and expected in value)


def _unsecured_document(document: dict, proof: dict, all_proofs: list[dict]) -> dict:
    """The document a proof was made over: without proofs, or with the ones it chains to.

    A proof with ``previousProof`` is verified over the document whose ``proof``
    is matchingProofs, always a list (even of one), in ``previousProof`` order;
    a proof without one over the document with no ``proof`` at all, as Verify
    Proof does for a lone proof.
    https://www.w3.org/TR/vc-data-integrity/#verify-proof-sets-and-chains (step 3)
    """
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    if "previousProof" in proof:
        unsecured["proof"] = _matching_proofs(proof["previousProof"], all_proofs, exclude=proof)
    return unsecured


def _matching_proofs(previous: object, all_proofs: list[dict], *, exclude: dict | None = None) -> list[dict]:
    """matchingProofs: the proofs of the set whose ``id`` the ``previousProof`` value names.

    https://www.w3.org/TR/vc-data-integrity/#verify-proof-sets-and-chains (step 3.2)

    :param exclude: the proof being verified, which cannot name itself.
    :raises MalformedProof: if ``previousProof`` is not a string or a non-empty
        list of strings, or names an ``id`` that several proofs share.
    :raises InvalidProof: if it names an ``id`` no other proof in the set has.
    """
    wanted = [previous] if isinstance(previous, str) else previous
    if not isinstance(wanted, list) or not wanted or not all(isinstance(item, str) for item in wanted):
        raise MalformedProof('"previousProof" must be a proof id or a non-empty list of proof ids',
                             property="previousProof")
    matching = []
    for proof_id in wanted:
        found = [item for item in all_proofs if item is not exclude and item.get("id") == proof_id]
        if not found:
            raise InvalidProof(f'"previousProof" names {proof_id!r:.80}, which is not in the proof set '
                               '(no other proof has that "id")', property="previousProof")
        if len(found) > 1:
            raise MalformedProof(f'"previousProof" names {proof_id!r:.80}, but {len(found)} proofs have that "id"',
                                 property="previousProof")
        matching.append(found[0])
    return matching


def _apply_proof_context(unsecured: dict, options: Mapping) -> dict:
    """A proof that carries ``@context`` must match the start of the document's.

    https://www.w3.org/TR/vc-di-eddsa/#verify-proof-eddsa-jcs-2022 (step 4)
    """
    if "@context" not in options:
        return unsecured
    proof_context = options["@context"]
    document_context = unsecured.get("@context")
    as_list = lambda value: value if isinstance(value, list) else [value]  # noqa: E731
    expected = as_list(proof_context)
    if as_list(document_context)[: len(expected)] != expected:
        raise InvalidProof("the proof's @context does not match the start of the document's @context", property="@context")
    return {**unsecured, "@context": proof_context}
