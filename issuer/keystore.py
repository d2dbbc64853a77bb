"""Private key files: encrypted PKCS#8 PEM, mode 0600, never overwritten.

See keys/README.md for the format.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from dataintegrity.keys import PrivateKey, algorithm_of, encode_public_key

KEY_TYPES = {"ed25519": "Ed25519", "p-256": "P-256"}


class KeystoreError(Exception):
    """A key file that cannot be written or read (the message says why)."""


def generate_private_key(key_type: str = "ed25519") -> PrivateKey:
    """A new random Ed25519 or P-256 private key."""
    algorithm = KEY_TYPES.get(key_type.lower())
    if algorithm == "Ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if algorithm == "P-256":
        return ec.generate_private_key(ec.SECP256R1())
    raise ValueError(f"unknown key type {key_type!r}; use one of {', '.join(KEY_TYPES)}")


def default_key_path(folder: Path, key: PrivateKey) -> Path:
    """``<folder>/<publicKeyMultibase>.pem``."""
    return folder / f"{encode_public_key(key.public_key())}.pem"


def save_private_key(key: PrivateKey, path: Path, passphrase: bytes) -> Path:
    """Write ``key`` encrypted to a new file readable only by its owner.

    :raises KeystoreError: if the passphrase is empty or the file exists.
    """
    if not passphrase:
        raise KeystoreError("an empty passphrase would leave the key unencrypted")
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase),
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise KeystoreError(f"{path} already exists; a key file is never overwritten") from None
    with os.fdopen(descriptor, "wb") as file:
        file.write(pem)
        file.flush()
        os.fsync(file.fileno())
    return path


def load_private_key(path: Path, passphrase: bytes) -> PrivateKey:
    """Read and decrypt a key file.

    :raises KeystoreError: if it cannot be read, is not an encrypted key, or
        the passphrase is wrong.
    """
    try:
        pem = path.read_bytes()
    except OSError as error:
        raise KeystoreError(f"cannot read {path}: {error.strerror}") from None
    if b"ENCRYPTED PRIVATE KEY" not in pem:
        raise KeystoreError(f"{path} is not an encrypted PKCS#8 key file")
    try:
        key = serialization.load_pem_private_key(pem, password=passphrase)
    except (ValueError, TypeError):
        raise KeystoreError(f"cannot decrypt {path}: wrong passphrase or damaged file") from None
    try:
        algorithm_of(key)
    except TypeError:
        raise KeystoreError(f"{path} holds a key type we do not sign with") from None
    return key
