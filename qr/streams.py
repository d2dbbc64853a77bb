"""The compact form's streams: DEFLATE with the preset dictionary, Brotli with the primer, varints, CRC-32.

Every decompression is bounded: a stream may expand to at most the caller's
limit, and a stream that does not end where it should is damaged.
"""

from __future__ import annotations

import zlib
from importlib import resources

import brotli

from .errors import DamagedCode, PayloadTooLarge

DICTIONARY: bytes = resources.files(__package__).joinpath("v1/structure.dict").read_bytes()
#: The start of a Brotli stream (flushed, not finished) whose output is :data:`PRIMER`.
PRIMER_STREAM: bytes = resources.files(__package__).joinpath("v1/texts.primer.br").read_bytes()


def deflate(data: bytes) -> bytes:
    """Raw DEFLATE (RFC 1951) of ``data``, primed with :data:`DICTIONARY`."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, zdict=DICTIONARY)
    return compressor.compress(data) + compressor.flush()


def with_crc(body: bytes) -> bytes:
    """``body`` followed by its CRC-32 (as zlib computes it, big-endian)."""
    return body + zlib.crc32(body).to_bytes(4, "big")


def checked(data: bytes) -> bytes:
    """``data`` without its CRC-32, which must match."""
    if len(data) < 6:
        raise DamagedCode("the QR code's payload is cut short")
    if zlib.crc32(data[:-4]).to_bytes(4, "big") != data[-4:]:
        raise DamagedCode("the QR code is damaged or cut short: its checksum does not match")
    return data[:-4]


def inflate(data: bytes, limit: int) -> bytes:
    """``data`` inflated with :data:`DICTIONARY`, if it expands to at most ``limit`` bytes and ends exactly."""
    inflater = zlib.decompressobj(-15, zdict=DICTIONARY)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error:
        raise DamagedCode("the QR code's payload is corrupted: its structure does not decompress") from None
    if len(out) > limit:
        raise PayloadTooLarge(f"the QR code's payload expands beyond {limit // 1024} KB")
    if not inflater.eof or inflater.unused_data:
        raise DamagedCode("the QR code's payload is cut short or damaged: its structure does not end where it should")
    return out


def compress_texts(joined: bytes) -> tuple[bytes, bool]:
    """The texts in Brotli, continuing the primer stream when that is shorter: (bytes, primed)."""
    plain = brotli.compress(joined, quality=11, mode=brotli.MODE_TEXT)
    compressor = brotli.Compressor(quality=11, mode=brotli.MODE_TEXT)
    if compressor.process(PRIMER) + compressor.flush() != PRIMER_STREAM:
        return plain, False  # another Brotli encoder: its continuation would not fit our frozen start
    primed = compressor.process(b"\x00" + joined) + compressor.finish()
    return (primed, True) if len(primed) < len(plain) else (plain, False)


def decompress_texts(data: bytes, primed: bool, limit: int) -> bytes:
    """The texts of a Brotli stream (continuing the primer's when ``primed``), at most ``limit`` bytes."""
    start = len(PRIMER) + 1 if primed else 0
    try:
        out, finished = _decompress(PRIMER_STREAM + data if primed else data, start + limit)
    except brotli.error:
        raise DamagedCode("the QR code's payload is corrupted: its texts do not decompress") from None
    if len(out) > start + limit:
        raise PayloadTooLarge(f"the QR code's texts expand beyond {limit // 1024} KB")
    if not finished or len(out) < start:
        raise DamagedCode("the QR code's payload is cut short: its texts end early")
    if primed and out[:start] != PRIMER + b"\x00":
        raise DamagedCode("the QR code's payload is damaged: its texts do not follow the primer")
    return out[start:]


def _decompress(stream: bytes, limit: int) -> tuple[bytes, bool]:
    """What a Brotli stream holds, stopping past ``limit`` bytes; and whether the stream ended.

    The decoder hands out its output in pieces: it is asked again, with no
    more input, until it has nothing more to give.
    """
    decompressor = brotli.Decompressor()
    out = decompressor.process(stream, output_buffer_limit=limit + 1)
    while len(out) <= limit and not decompressor.is_finished():
        more = decompressor.process(b"", output_buffer_limit=limit + 1 - len(out))
        if not more:
            break
        out += more
    return out, decompressor.is_finished()


def varint(number: int) -> bytes:
    """Unsigned LEB128."""
    out = bytearray()
    while number >= 0x80:
        out.append(0x80 | number & 0x7F)
        number >>= 7
    out.append(number)
    return bytes(out)


def read_varint(data: bytes, position: int) -> tuple[int, int]:
    """The unsigned LEB128 number at ``position`` (3 bytes at most) and the position after it."""
    number = shift = 0
    for index in range(position, min(position + 3, len(data))):
        number |= (data[index] & 0x7F) << shift
        if data[index] < 0x80:
            return number, index + 1
        shift += 7
    raise DamagedCode("the QR code's payload is cut short or damaged: its header is unreadable")


#: The words the primer stream holds (NUL-separated), which a primed text stream continues.
PRIMER: bytes = _decompress(PRIMER_STREAM, 1 << 20)[0]
