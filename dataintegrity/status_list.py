"""W3C Bitstring Status List 1.0: the bitstring, its encoding, and the list credential.

https://www.w3.org/TR/vc-bitstring-status-list/
"""

from __future__ import annotations

import base64
import gzip
import zlib

from .errors import MalformedCredential

#: The specification's minimum list size, which gives group privacy (§6.1).
MIN_ENTRIES = 131_072
#: The largest decompressed list we accept: 16 million entries. Anything larger
#: is refused before it is inflated (a decompression bomb).
MAX_LIST_BYTES = 2 * 1024 * 1024


def empty_bitstring(entries: int = MIN_ENTRIES) -> bytearray:
    """A bitstring of ``entries`` zero bits (a multiple of 8, at least :data:`MIN_ENTRIES`)."""
    if entries < MIN_ENTRIES or entries % 8:
        raise ValueError(f"a status list holds at least {MIN_ENTRIES} entries, in whole bytes")
    return bytearray(entries // 8)


def get_bit(bitstring: bytes, index: int) -> bool:
    """The bit at ``index``; index 0 is the left-most (most significant) bit of byte 0 (§4.1).

    :raises MalformedCredential: if ``index`` is outside the list.
    """
    if not 0 <= index < len(bitstring) * 8:
        raise MalformedCredential(f"status list index {index} is outside a list of {len(bitstring) * 8} entries")
    return bool(bitstring[index // 8] & (0x80 >> (index % 8)))


def set_bit(bitstring: bytearray, index: int, value: bool = True) -> None:
    """Set or clear the bit at ``index`` in place."""
    get_bit(bitstring, index)
    mask = 0x80 >> (index % 8)
    if value:
        bitstring[index // 8] |= mask
    else:
        bitstring[index // 8] &= ~mask & 0xFF


def encode_list(bitstring: bytes) -> str:
    """``encodedList``: GZIP, then multibase base64url without padding (``u…``), §3.1."""
    compressed = gzip.compress(bytes(bitstring), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode_list(encoded: object, *, max_bytes: int = MAX_LIST_BYTES) -> bytes:
    """Inverse of :func:`encode_list`, refusing lists that inflate beyond ``max_bytes``.

    :raises MalformedCredential: if it is not base64url GZIP, or too large.
    """
    if not isinstance(encoded, str) or not encoded:
        raise MalformedCredential('"encodedList" must be a non-empty string', property="encodedList")
    body = encoded[1:] if encoded[0] == "u" else encoded  # early lists had no multibase prefix
    if len(body) > max_bytes:
        raise MalformedCredential('"encodedList" is larger than any status list we accept', property="encodedList")
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        bitstring = inflater.decompress(compressed, max_bytes + 1)
    except (ValueError, zlib.error):
        raise MalformedCredential('"encodedList" is not base64url-encoded GZIP data', property="encodedList") from None
    if len(bitstring) > max_bytes:
        raise MalformedCredential(
            f'"encodedList" inflates to more than {max_bytes:,} bytes: refused as a decompression bomb',
            property="encodedList",
        )
    if not inflater.eof:
        raise MalformedCredential('"encodedList" is truncated GZIP data', property="encodedList")
    return bitstring


def status_list_credential(*, list_url: str, issuer: str, purpose: str, bitstring: bytes, valid_from: str) -> dict:
    """An unsigned BitstringStatusListCredential (§2.2) publishing ``bitstring``."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "id": f"{list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encode_list(bitstring),
        },
    }
