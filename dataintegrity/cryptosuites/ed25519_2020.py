"""The legacy Ed25519Signature2020 suite, verify only.

Many Open Badges 3.0 credentials already in wallets carry these proofs, so we
verify them; we never issue new ones (use eddsa-rdfc-2022).  The proof has
``"type": "Ed25519Signature2020"`` and no ``cryptosuite``, so callers opt in by
passing :data:`~dataintegrity.cryptosuites.LEGACY_SUITES` in ``suites``.

- Suite: https://w3c-ccg.github.io/di-eddsa-2020/ (W3C CCG, "Ed25519Signature2020")
- Reference implementation, followed step by step: Digital Bazaar's
  ``@digitalbazaar/ed25519-signature-2020`` 5.x over ``jsonld-signatures`` 11.x
  (``LinkedDataSignature.createVerifyData`` / ``canonizeProof``).

The steps are those of eddsa-rdfc-2022 with two differences, both taken from the
reference: the proof options keep their own ``@context`` if they have one (only
otherwise is the document's used), and the document's ``@context`` must list the
suite context, or the reference does not consider the proof at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Mapping

from ..canonicalize import canonicalize_rdfc
from ..errors import InvalidProof
from ..keys import PublicKey
from ..loader import DocumentLoader
from .base import Signer, verify_bytes

#: The context that defines Ed25519Signature2020 and its proof terms.
SUITE_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"
#: What the reference uses when the document has no ``@context`` (we do not
#: bundle it, so such a document fails with an unknown-context error).
SECURITY_CONTEXT = "https://w3id.org/security/v2"
#: Proof members that are never signed (``canonizeProof`` deletes them).
_SIGNATURE_MEMBERS = ("proofValue", "jws", "signatureValue")


@dataclass(frozen=True)
class Ed25519Signature2020:
    """The Ed25519Signature2020 proof type: URDNA2015 (RDFC-1.0), SHA-256, Ed25519.

    Stateless; use the module constant :data:`ED25519_SIGNATURE_2020`.
    """

    name: str = "Ed25519Signature2020"
    #: The proof ``type`` this suite verifies (there is no ``cryptosuite``).
    proof_type: str = "Ed25519Signature2020"
    required_algorithms: frozenset[str] = field(default=frozenset({"Ed25519"}))

    def match_proof(self, document: Mapping) -> None:
        """Like the reference's ``matchProof``: the document's ``@context`` must list the suite context.

        :raises InvalidProof: if it does not.
        """
        context = document.get("@context")
        if context != SUITE_CONTEXT and not (isinstance(context, list) and SUITE_CONTEXT in context):
            raise InvalidProof(
                f'an Ed25519Signature2020 proof needs "{SUITE_CONTEXT}" in the document\'s "@context"',
                property="@context",
            )

    def transformation(self, document: Mapping, *, loader: DocumentLoader) -> str:
        """The canonical N-Quads of the document without ``proof``, in safe mode."""
        return canonicalize_rdfc(document, loader=loader)

    def proof_configuration(self, proof_options: Mapping, document: Mapping, *, loader: DocumentLoader) -> str:
        """The canonical N-Quads of the proof options.

        As ``canonizeProof`` does: ``{"@context": <document's>, **proof}``, so a
        proof's own ``@context`` wins, and without the signature members.
        """
        config = {"@context": document.get("@context", SECURITY_CONTEXT), **proof_options}
        for member in _SIGNATURE_MEMBERS:
            config.pop(member, None)
        return canonicalize_rdfc(config, loader=loader)

    def hashing(self, transformed: str, canonical_config: str) -> bytes:
        """SHA-256 of the canonical proof options, then of the canonical document."""
        config_hash = hashlib.sha256(canonical_config.encode("utf-8")).digest()
        return config_hash + hashlib.sha256(transformed.encode("utf-8")).digest()

    def create_verify_data(
        self, document: Mapping, proof_config: Mapping, *, loader: DocumentLoader, algorithm: str
    ) -> bytes:
        """The signed bytes: ``sha256(c14n proof options) || sha256(c14n document)``.

        :param document: the document without ``proof``.
        :param proof_config: the proof as found (its ``proofValue`` is ignored).
        :raises InvalidProof: if the document lacks the suite context.
        :raises VCError: if the document or proof cannot be canonicalized.
        """
        self.match_proof(document)
        canonical_config = self.proof_configuration(proof_config, document, loader=loader)
        return self.hashing(self.transformation(document, loader=loader), canonical_config)

    def sign(self, verify_data: bytes, signer: Signer) -> str:
        """Not offered: new proofs use eddsa-rdfc-2022.

        :raises TypeError: always.
        """
        raise TypeError("Ed25519Signature2020 is accepted for verification only; sign with eddsa-rdfc-2022")

    def verify(self, verify_data: bytes, proof_value: str, key: PublicKey) -> None:
        """Check the base58btc multibase Ed25519 signature.

        :raises MalformedProof: if ``proofValue`` is not base58btc multibase of 64 bytes.
        :raises InvalidProof: if the signature does not verify.
        """
        verify_bytes(verify_data, proof_value, key)


ED25519_SIGNATURE_2020 = Ed25519Signature2020()
