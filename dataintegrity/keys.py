"""Multikey encoding and did:key, as pure computation.

Raw key bytes and multibase strings exist only in this module; everything
else handles ``cryptography`` key objects.

- Multikey: https://www.w3.org/TR/cid-1.0/#Multikey
- did:key: https://w3c-ccg.github.io/did-key-spec/
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from . import multibase
from .errors import InvalidVerificationMethod, MalformedProof

PublicKey = Union[ed25519.Ed25519PublicKey, ec.EllipticCurvePublicKey]
PrivateKey = Union[ed25519.Ed25519PrivateKey, ec.EllipticCurvePrivateKey]

# Multicodec headers (unsigned varints) of the key types we know.
_ED25519_PUB = b"\xed\x01"
_P256_PUB = b"\x80\x24"
_P384_PUB = b"\x81\x24"
_ED25519_PRIV = b"\x80\x26"
_P256_PRIV = b"\x86\x26"
_P384_PRIV = b"\x87\x26"
_CURVES = {_P256_PUB: ec.SECP256R1(), _P384_PUB: ec.SECP384R1()}
_PRIVATE_CURVES = {_P256_PRIV: ec.SECP256R1(), _P384_PRIV: ec.SECP384R1()}

DID_CONTEXT = "https://www.w3.org/ns/did/v1"
MULTIKEY_CONTEXT = "https://w3id.org/security/multikey/v1"


def algorithm_of(key: PublicKey | PrivateKey) -> str:
    """``"Ed25519"``, ``"P-256"`` or ``"P-384"`` for a key object."""
    if isinstance(key, (ed25519.Ed25519PublicKey, ed25519.Ed25519PrivateKey)):
        return "Ed25519"
    if isinstance(key, (ec.EllipticCurvePublicKey, ec.EllipticCurvePrivateKey)):
        names = {"secp256r1": "P-256", "secp384r1": "P-384"}
        if key.curve.name in names:
            return names[key.curve.name]
    raise TypeError(f"unsupported key type {type(key).__name__}")


def encode_public_key(key: PublicKey) -> str:
    """The Multikey ``publicKeyMultibase`` of a public key (compressed points for EC)."""
    algorithm = algorithm_of(key)
    if algorithm == "Ed25519":
        raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return multibase.encode(_ED25519_PUB + raw)
    header = _P256_PUB if algorithm == "P-256" else _P384_PUB
    point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint)
    return multibase.encode(header + point)


def decode_public_key(value: object, *, property: str = "publicKeyMultibase") -> PublicKey:
    """Parse a Multikey ``publicKeyMultibase`` (Ed25519, P-256 or P-384).

    :raises InvalidVerificationMethod: for an unknown header or an invalid key.
    """
    try:
        data = multibase.decode(value, property=property, expect="base58btc")
    except MalformedProof as error:
        raise InvalidVerificationMethod(error.detail, property=property) from None
    header, raw = data[:2], data[2:]
    try:
        if header == _ED25519_PUB and len(raw) == 32:
            return ed25519.Ed25519PublicKey.from_public_bytes(raw)
        if header in _CURVES:
            return ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[header], raw)
    except ValueError:
        raise InvalidVerificationMethod(f'"{property}" is not a valid point on its curve', property=property) from None
    raise InvalidVerificationMethod(
        f'"{property}" is not an Ed25519, P-256 or P-384 Multikey', property=property
    )


def encode_private_key(key: PrivateKey) -> str:
    """The Multikey ``secretKeyMultibase`` of a private key."""
    algorithm = algorithm_of(key)
    if algorithm == "Ed25519":
        raw = key.private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        return multibase.encode(_ED25519_PRIV + raw)
    header = _P256_PRIV if algorithm == "P-256" else _P384_PRIV
    size = 32 if algorithm == "P-256" else 48
    return multibase.encode(header + key.private_numbers().private_value.to_bytes(size, "big"))


def decode_private_key(value: str) -> PrivateKey:
    """Parse a Multikey ``secretKeyMultibase``.

    :raises ValueError: if it is not an Ed25519, P-256 or P-384 secret key.
    """
    try:
        data = multibase.decode(value, property="secretKeyMultibase", expect="base58btc")
    except MalformedProof as error:
        raise ValueError(error.detail) from None
    header, raw = data[:2], data[2:]
    if header == _ED25519_PRIV and len(raw) == 32:
        return ed25519.Ed25519PrivateKey.from_private_bytes(raw)
    if header in _PRIVATE_CURVES:
        return ec.derive_private_key(int.from_bytes(raw, "big"), _PRIVATE_CURVES[header])
    raise ValueError("secretKeyMultibase is not an Ed25519, P-256 or P-384 secret key")


def private_key_from_seed(seed: bytes, algorithm: str = "Ed25519") -> PrivateKey:
    """A private key from 32 bytes: the Ed25519 seed, or the P-256 scalar (big-endian).

    :raises ValueError: for a seed of the wrong size or an out-of-range scalar.
    """
    if len(seed) != 32:
        raise ValueError("a seed is exactly 32 bytes (64 hex digits)")
    if algorithm == "Ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    if algorithm == "P-256":
        return ec.derive_private_key(int.from_bytes(seed, "big"), ec.SECP256R1())
    raise ValueError(f"unsupported key type {algorithm!r}")


@dataclass(frozen=True)
class VerificationMethod:
    """A resolved verification method: its id, its controller and its public key."""

    id: str
    controller: str
    public_key: PublicKey

    @property
    def algorithm(self) -> str:
        return algorithm_of(self.public_key)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "type": "Multikey",
            "controller": self.controller,
            "publicKeyMultibase": encode_public_key(self.public_key),
        }


def did_key(key: PublicKey) -> str:
    """The did:key DID of a public key."""
    return "did:key:" + encode_public_key(key)


def did_key_verification_method(key: PublicKey) -> str:
    """The verification method id ``did:key:<mb>#<mb>`` of a public key."""
    encoded = encode_public_key(key)
    return f"did:key:{encoded}#{encoded}"


def resolve_did_key(did_url: str) -> VerificationMethod:
    """Resolve a did:key DID or DID URL to its one verification method.

    :raises InvalidVerificationMethod: if it is not a well-formed did:key whose
        fragment (if any) names its own key.
    """
    if not isinstance(did_url, str) or not did_url.startswith("did:key:"):
        raise InvalidVerificationMethod(f"{did_url!r} is not a did:key", property="verificationMethod")
    did, _, fragment = did_url.partition("#")
    encoded = did[len("did:key:"):]
    public_key = decode_public_key(encoded, property="verificationMethod")
    if fragment and fragment != encoded:
        raise InvalidVerificationMethod(
            f"{did_url!r}: a did:key has only the verification method #{encoded}",
            property="verificationMethod",
        )
    return VerificationMethod(id=f"{did}#{encoded}", controller=did, public_key=public_key)


def did_key_document(did: str) -> dict:
    """The DID document of a did:key (Multikey form), computed, never fetched."""
    method = resolve_did_key(did)
    return {
        "@context": [DID_CONTEXT, MULTIKEY_CONTEXT],
        "id": method.controller,
        "verificationMethod": [method.to_json()],
        "authentication": [method.id],
        "assertionMethod": [method.id],
        "capabilityDelegation": [method.id],
        "capabilityInvocation": [method.id],
    }


def resolve_did_key_for(verification_method: str, purpose: str) -> VerificationMethod:
    """A key resolver (see :data:`dataintegrity.proof.KeyResolver`) for did:key.

    A did:key document lists its one key under every verification
    relationship, so any purpose is allowed.
    """
    return resolve_did_key(verification_method)
