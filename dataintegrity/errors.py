"""The error tree of the Data Integrity core.

Primitives raise these; :func:`dataintegrity.verify_proof` (and the verifier's
pipeline above it) turn them into structured results.  Each error carries a
``problem_type`` from the Data Integrity specification
(https://www.w3.org/TR/vc-data-integrity/#processing-errors) and, where known,
the ``property`` or ``url`` it concerns.
"""

from __future__ import annotations

SEC = "https://w3id.org/security#"
PROOF_GENERATION_ERROR = SEC + "PROOF_GENERATION_ERROR"
PROOF_VERIFICATION_ERROR = SEC + "PROOF_VERIFICATION_ERROR"
PROOF_TRANSFORMATION_ERROR = SEC + "PROOF_TRANSFORMATION_ERROR"
INVALID_DOMAIN_ERROR = SEC + "INVALID_DOMAIN_ERROR"
INVALID_CHALLENGE_ERROR = SEC + "INVALID_CHALLENGE_ERROR"
INVALID_VERIFICATION_METHOD = SEC + "INVALID_VERIFICATION_METHOD"
INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID = SEC + "INVALID_CONTROLLED_IDENTIFIER_DOCUMENT_ID"
MALFORMED_PROOF_ERROR = SEC + "MALFORMED_PROOF_ERROR"
MISMATCHED_PROOF_PURPOSE_ERROR = SEC + "MISMATCHED_PROOF_PURPOSE_ERROR"
PROOF_EXPIRED_ERROR = SEC + "PROOF_EXPIRED_ERROR"
# Our own codes, for what the Data Integrity specification does not name.
SP = "https://skillspassport.org/problems#"
MALFORMED_CREDENTIAL = SP + "MALFORMED_CREDENTIAL"
UNKNOWN_CONTEXT = SP + "UNKNOWN_CONTEXT"
UNDEFINED_TERM = SP + "UNDEFINED_TERM"
INVALID_CONTEXT_ORDER = SP + "INVALID_CONTEXT_ORDER"
NOT_YET_VALID = SP + "NOT_YET_VALID"
EXPIRED = SP + "EXPIRED"
UNSUPPORTED_CRYPTOSUITE = SP + "UNSUPPORTED_CRYPTOSUITE"
INPUT_TOO_LARGE = SP + "INPUT_TOO_LARGE"
SCHEMA_VIOLATION = SP + "SCHEMA_VIOLATION"


class VCError(Exception):
    """Base class of every error the core raises on bad input.

    :param detail: a plain-words message that quotes the offending property.
    :param property: the JSON property concerned, if any.
    :param url: the URL concerned, if any.
    """

    problem_type: str = MALFORMED_CREDENTIAL
    title: str = "Malformed credential"

    def __init__(self, detail: str, *, property: str | None = None, url: str | None = None):
        super().__init__(detail)
        self.detail = detail
        self.property = property
        self.url = url


class MalformedCredential(VCError):
    problem_type = MALFORMED_CREDENTIAL
    title = "Malformed credential"


class InvalidContextOrder(MalformedCredential):
    problem_type = INVALID_CONTEXT_ORDER
    title = "Wrong @context"


class InputTooLarge(MalformedCredential):
    problem_type = INPUT_TOO_LARGE
    title = "Input too large"


class DocumentLoadError(VCError):
    problem_type = UNKNOWN_CONTEXT
    title = "Unknown context"


class UndefinedTerm(VCError):
    """A property or type that the document's contexts do not define.

    JSON-LD would silently drop it from what is signed, so it is refused.
    """

    problem_type = UNDEFINED_TERM
    title = "Term not defined by the contexts"


class SchemaViolation(VCError):
    problem_type = SCHEMA_VIOLATION
    title = "Does not follow the credential profile"


class ProofError(VCError):
    problem_type = PROOF_VERIFICATION_ERROR
    title = "Proof not verified"


class MalformedProof(ProofError):
    problem_type = MALFORMED_PROOF_ERROR
    title = "Malformed proof"


class InvalidProof(ProofError):
    problem_type = PROOF_VERIFICATION_ERROR
    title = "Invalid signature"


class UnsupportedCryptosuite(ProofError):
    problem_type = UNSUPPORTED_CRYPTOSUITE
    title = "Unsupported cryptosuite"


class InvalidVerificationMethod(ProofError):
    problem_type = INVALID_VERIFICATION_METHOD
    title = "Invalid verification method"


class MismatchedProofPurpose(ProofError):
    problem_type = MISMATCHED_PROOF_PURPOSE_ERROR
    title = "Wrong proof purpose"


class InvalidChallenge(ProofError):
    problem_type = INVALID_CHALLENGE_ERROR
    title = "Challenge does not match"


class InvalidDomain(ProofError):
    problem_type = INVALID_DOMAIN_ERROR
    title = "Domain does not match"


class ProofExpired(ProofError):
    problem_type = PROOF_EXPIRED_ERROR
    title = "Proof expired"
