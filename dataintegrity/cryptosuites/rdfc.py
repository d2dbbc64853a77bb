"""The RDFC-1.0 cryptosuites: eddsa-rdfc-2022 and ecdsa-rdfc-2019.

Both follow the same steps and differ only in the key types they take and the
signature algorithm:

- https://www.w3.org/TR/vc-di-eddsa/#eddsa-rdfc-2022
- https://www.w3.org/TR/vc-di-ecdsa/#ecdsa-rdfc-2019
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..canonicalize import canonicalize_rdfc
from ..keys import PublicKey
from ..loader import DocumentLoader
from .base import Signer, digest, sign_bytes, verify_bytes


@dataclass(frozen=True)
class RdfcSuite:
    """A cryptosuite whose transformation is RDFC-1.0 canonicalization."""

    name: str
    required_algorithms: frozenset[str]

    def transformation(self, document: Mapping, *, loader: DocumentLoader) -> str:
        """Transformation (§3.3.1): the RDFC-1.0 canonical N-Quads of the document."""
        return canonicalize_rdfc(document, loader=loader)

    def proof_configuration(self, proof_config: Mapping, *, loader: DocumentLoader) -> str:
        """Proof configuration (§3.3.5): the canonical N-Quads of the proof options
        (which carry the document's ``@context``)."""
        return canonicalize_rdfc(proof_config, loader=loader)

    def hashing(self, transformed: str, canonical_config: str, algorithm: str) -> bytes:
        """Hashing (§3.3.4): hash(proof configuration) || hash(transformed document)."""
        return digest(algorithm, canonical_config.encode("utf-8")) + digest(algorithm, transformed.encode("utf-8"))

    def create_verify_data(
        self, document: Mapping, proof_config: Mapping, *, loader: DocumentLoader, algorithm: str
    ) -> bytes:
        canonical_config = self.proof_configuration(proof_config, loader=loader)
        transformed = self.transformation(document, loader=loader)
        return self.hashing(transformed, canonical_config, algorithm)

    def sign(self, verify_data: bytes, signer: Signer) -> str:
        """Proof serialization (§3.3.6)."""
        return sign_bytes(verify_data, signer)

    def verify(self, verify_data: bytes, proof_value: str, key: PublicKey) -> None:
        """Proof verification (§3.3.7)."""
        verify_bytes(verify_data, proof_value, key)


EDDSA_RDFC_2022 = RdfcSuite("eddsa-rdfc-2022", frozenset({"Ed25519"}))
ECDSA_RDFC_2019 = RdfcSuite("ecdsa-rdfc-2019", frozenset({"P-256", "P-384"}))
