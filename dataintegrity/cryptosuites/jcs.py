"""The eddsa-jcs-2022 cryptosuite: JSON Canonicalization Scheme, Ed25519.

https://www.w3.org/TR/vc-di-eddsa/#eddsa-jcs-2022
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..jcs import canonicalize_jcs
from ..keys import PublicKey
from ..loader import DocumentLoader
from .base import Signer, digest, sign_bytes, verify_bytes


@dataclass(frozen=True)
class JcsSuite:
    """A cryptosuite whose transformation is RFC 8785 JCS.

    JCS signs the JSON as written, so no term is ever dropped; the loader is
    unused but accepted for a uniform interface.
    """

    name: str
    required_algorithms: frozenset[str]

    def transformation(self, document: Mapping) -> bytes:
        """Transformation (§3.3.1 of eddsa-jcs-2022): the JCS bytes of the document."""
        return canonicalize_jcs(document)

    def proof_configuration(self, proof_config: Mapping) -> bytes:
        """Proof configuration: the JCS bytes of the proof options with ``@context``."""
        return canonicalize_jcs(proof_config)

    def create_verify_data(
        self, document: Mapping, proof_config: Mapping, *, loader: DocumentLoader, algorithm: str
    ) -> bytes:
        config_hash = digest(algorithm, self.proof_configuration(proof_config))
        return config_hash + digest(algorithm, self.transformation(document))

    def sign(self, verify_data: bytes, signer: Signer) -> str:
        return sign_bytes(verify_data, signer)

    def verify(self, verify_data: bytes, proof_value: str, key: PublicKey) -> None:
        verify_bytes(verify_data, proof_value, key)


EDDSA_JCS_2022 = JcsSuite("eddsa-jcs-2022", frozenset({"Ed25519"}))
