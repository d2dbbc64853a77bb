"""Public keys given as JSON Web Keys (``publicKeyJwk``), for ``JsonWebKey2020`` methods.

Only what Data Integrity suites can use: Ed25519 (``OKP``) and P-256 / P-384
(``EC``). https://www.rfc-editor.org/rfc/rfc7517, https://www.rfc-editor.org/rfc/rfc8037
"""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from dataintegrity.errors import InvalidVerificationMethod
from dataintegrity.keys import PublicKey

_CURVES = {"P-256": (ec.SECP256R1(), 32), "P-384": (ec.SECP384R1(), 48)}


def public_key_from_jwk(jwk: object) -> PublicKey:
    """The public key of an Ed25519, P-256 or P-384 JWK.

    :raises InvalidVerificationMethod: for another key type, a malformed
        value, or a JWK that carries a private key (``d``).
    """
    if not isinstance(jwk, dict):
        raise _invalid('"publicKeyJwk" must be a JSON object')
    if "d" in jwk:
        raise _invalid('"publicKeyJwk" contains a private key ("d"); it is refused')
    kty, crv = jwk.get("kty"), jwk.get("crv")
    try:
        if kty == "OKP" and crv == "Ed25519":
            return ed25519.Ed25519PublicKey.from_public_bytes(_coordinate(jwk, "x", 32))
        if kty == "EC" and crv in _CURVES:
            curve, size = _CURVES[crv]
            x, y = _coordinate(jwk, "x", size), _coordinate(jwk, "y", size)
            return ec.EllipticCurvePublicNumbers(int.from_bytes(x, "big"), int.from_bytes(y, "big"), curve).public_key()
    except ValueError:
        raise _invalid('"publicKeyJwk" is not a valid point on its curve') from None
    raise _invalid(f'"publicKeyJwk" is not an Ed25519, P-256 or P-384 key (kty {kty!r:.20}, crv {crv!r:.20})')


def _coordinate(jwk: dict, name: str, size: int) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str) or "=" in value:
        raise _invalid(f'"publicKeyJwk" member "{name}" must be unpadded base64url')
    try:
        raw = base64.b64decode(value + "=" * (-len(value) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise _invalid(f'"publicKeyJwk" member "{name}" is not base64url') from None
    if len(raw) != size:
        raise _invalid(f'"publicKeyJwk" member "{name}" must be {size} bytes, not {len(raw)}')
    return raw


def _invalid(detail: str) -> InvalidVerificationMethod:
    return InvalidVerificationMethod(detail, property="publicKeyJwk")
