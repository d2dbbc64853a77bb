"""The compact binary form of a signed credential (format version 1). PROVISIONAL: being designed."""

from __future__ import annotations

import json
import zlib

from dataintegrity.errors import VCError
from dataintegrity.jsonio import parse_untrusted_json

from .errors import DamagedCode, PayloadTooLarge

MAX_EXPANDED_BYTES = 64 * 1024


def pack(credential: dict) -> bytes:
    text = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(text) + compressor.flush()


def unpack(data: bytes) -> dict:
    decompressor = zlib.decompressobj(-15)
    try:
        text = decompressor.decompress(data, MAX_EXPANDED_BYTES + 1)
    except zlib.error:
        raise DamagedCode("the QR code's payload is corrupted: it does not decompress") from None
    if len(text) > MAX_EXPANDED_BYTES:
        raise PayloadTooLarge(f"the QR code's payload expands beyond {MAX_EXPANDED_BYTES // 1024} KB")
    if not decompressor.eof:
        raise DamagedCode("the QR code's payload is cut short")
    try:
        credential = parse_untrusted_json(text, max_bytes=MAX_EXPANDED_BYTES)
    except VCError as error:
        raise DamagedCode(f"the QR code's payload is not a credential: {error.detail}") from None
    if not isinstance(credential, dict):
        raise DamagedCode("the QR code's payload is not a credential (not a JSON object)")
    return credential
