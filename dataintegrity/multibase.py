"""Multibase (base58btc ``z…`` and base64url ``u…``) encoding of raw bytes.

https://www.w3.org/TR/cid-1.0/#multibase-0
"""

from __future__ import annotations

import base64

from .errors import MalformedProof

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}
# The longest multibase value we ever decode: keys and signatures are < 200 bytes.
MAX_ENCODED_LENGTH = 1024


def base58btc_encode(data: bytes) -> str:
    """Base58 (Bitcoin alphabet) of ``data``, leading zero bytes kept as ``1``."""
    zeros = len(data) - len(data.lstrip(b"\0"))
    number = int.from_bytes(data, "big")
    digits = []
    while number:
        number, remainder = divmod(number, 58)
        digits.append(_ALPHABET[remainder])
    return "1" * zeros + "".join(reversed(digits))


def base58btc_decode(text: str) -> bytes:
    """Inverse of :func:`base58btc_encode`.

    :raises ValueError: on a character outside the alphabet.
    """
    number = 0
    for char in text:
        try:
            number = number * 58 + _INDEX[char]
        except KeyError:
            raise ValueError(f"{char!r} is not a base58btc character") from None
    zeros = len(text) - len(text.lstrip("1"))
    body = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return b"\0" * zeros + body


def encode(data: bytes, base: str = "base58btc") -> str:
    """Multibase-encode ``data`` as ``z``+base58btc or ``u``+base64url (no padding)."""
    if base == "base58btc":
        return "z" + base58btc_encode(data)
    if base == "base64url":
        return "u" + base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")
    raise ValueError(f"unsupported multibase {base!r}")


def decode(value: object, *, property: str = "proofValue", expect: str | None = None) -> bytes:
    """Decode a multibase string.

    :param property: the JSON property the value came from, for error messages.
    :param expect: ``"base58btc"`` or ``"base64url"`` to accept only that base.
    :raises MalformedProof: if ``value`` is not a multibase string we accept.
    """
    if not isinstance(value, str) or not value:
        raise MalformedProof(f'"{property}" must be a multibase string', property=property)
    if len(value) > MAX_ENCODED_LENGTH:
        raise MalformedProof(f'"{property}" is too long to be a key or signature', property=property)
    prefix, body = value[0], value[1:]
    base = {"z": "base58btc", "u": "base64url"}.get(prefix)
    if base is None or (expect and base != expect):
        wanted = {"base58btc": "z", "base64url": "u"}.get(expect or "", "z or u")
        raise MalformedProof(
            f'"{property}" is not multibase: it must start with "{wanted}", not {prefix!r}',
            property=property,
        )
    try:
        if base == "base58btc":
            return base58btc_decode(body)
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except ValueError as error:
        raise MalformedProof(f'"{property}" is not valid {base}: {error}', property=property) from None
