"""What every cryptosuite and every signer looks like, and a signer over a key object."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Mapping, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from .. import multibase
from ..errors import InvalidProof, MalformedProof
from ..keys import PrivateKey, PublicKey, algorithm_of
from ..loader import DocumentLoader


class Signer(Protocol):
    """Anything that signs bytes for one verification method."""

    id: str  # the verification method id, e.g. "did:key:z6Mk…#z6Mk…"
    algorithm: str  # "Ed25519", "P-256" or "P-384"

    def sign(self, data: bytes) -> bytes: ...


class Cryptosuite(Protocol):
    """A Data Integrity cryptosuite: transformation, hashing and signing steps."""

    name: str
    required_algorithms: frozenset[str]

    def create_verify_data(
        self, document: Mapping, proof_config: Mapping, *, loader: DocumentLoader, algorithm: str
    ) -> bytes: ...

    def sign(self, verify_data: bytes, signer: Signer) -> str: ...

    def verify(self, verify_data: bytes, proof_value: str, key: PublicKey) -> None: ...


_HASHES = {"Ed25519": hashes.SHA256(), "P-256": hashes.SHA256(), "P-384": hashes.SHA384()}
_SIGNATURE_SIZES = {"Ed25519": 64, "P-256": 64, "P-384": 96}


def digest(algorithm: str, data: bytes) -> bytes:
    """SHA-256, or SHA-384 for P-384 keys, as the ECDSA suites require."""
    if algorithm == "P-384":
        return hashlib.sha384(data).digest()
    return hashlib.sha256(data).digest()


@dataclass(frozen=True)
class KeySigner:
    """A :class:`Signer` over a ``cryptography`` private key.

    :param id: the verification method id the proof will name.
    :param private_key: an Ed25519, P-256 or P-384 private key.
    """

    id: str
    private_key: PrivateKey = field(repr=False)

    @property
    def algorithm(self) -> str:
        return algorithm_of(self.private_key)

    def sign(self, data: bytes) -> bytes:
        """Ed25519 over ``data``, or ECDSA as raw r||s (IEEE P1363)."""
        if isinstance(self.private_key, ed25519.Ed25519PrivateKey):
            return self.private_key.sign(data)
        der = self.private_key.sign(data, ec.ECDSA(_HASHES[self.algorithm]))
        r, s = decode_dss_signature(der)
        size = _SIGNATURE_SIZES[self.algorithm] // 2
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")


def sign_bytes(verify_data: bytes, signer: Signer) -> str:
    """Proof serialization: sign and encode as base58btc multibase."""
    return multibase.encode(signer.sign(verify_data))


def verify_bytes(verify_data: bytes, proof_value: str, key: PublicKey) -> None:
    """Proof verification: decode the multibase proof value and check the signature.

    :raises MalformedProof: if the proof value is not base58btc or has the wrong size.
    :raises InvalidProof: if the signature does not verify.
    """
    signature = multibase.decode(proof_value, property="proofValue", expect="base58btc")
    algorithm = algorithm_of(key)
    if len(signature) != _SIGNATURE_SIZES[algorithm]:
        raise MalformedProof(
            f'"proofValue" is {len(signature)} bytes, but a signature of type {algorithm} is '
            f"{_SIGNATURE_SIZES[algorithm]}",
            property="proofValue",
        )
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, verify_data)
        else:
            half = len(signature) // 2
            der = encode_dss_signature(int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big"))
            key.verify(der, verify_data, ec.ECDSA(_HASHES[algorithm]))
    except InvalidSignature:
        raise InvalidProof("the signature does not match the credential and proof options") from None
