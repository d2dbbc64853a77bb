"""The compact form of a signed credential: format version 1 of docs/qr-format.md.

A credential is mostly the same skeleton (contexts, types, property names),
some free text, and a few binary values written out in text (UUIDs, keys,
the signature, dates). The compact form separates the three so that each is
stored the way it compresses best:

``varint(len A) ‖ varint(2·len B + primed) ‖ A ‖ B ‖ C ‖ CRC-32``

A — the structure
    one CBOR item (:mod:`qr.cbor`): the credential's maps and arrays, with
    property names and common values replaced by their number in the frozen
    codebook (``v1/codebook.json``) and every other string replaced by a tag
    saying where its content is; compressed with raw DEFLATE (RFC 1951)
    primed with the frozen preset dictionary ``v1/structure.dict``, which
    holds the skeletons of the credentials our profile describes.
B — the texts
    the strings that are words, joined by NUL and compressed with Brotli
    (RFC 7932), whose built-in dictionary knows English; a string whose
    non-ASCII characters share one 128-code-point block (Thai, Lao, Khmer…)
    is stored a byte a character. When ``primed``, B continues the frozen
    Brotli stream ``v1/texts.primer.br`` (the words of our qualifications
    frameworks), so that it may refer back to them: Brotli's stand-in for a
    preset dictionary. The encoder keeps whichever is shorter.
C — the binary values
    raw bytes, in order: UUIDs (16 bytes), did:key keys, base58btc multibase
    values such as ``proofValue`` (the 64-byte signature), each written back
    exactly as it was.
CRC-32
    of everything before it (big-endian, as zlib computes it), so that a
    damaged code is reported as damaged rather than as a forged credential.

Decoding reproduces the credential exactly — same members, same order, same
strings and numbers — so its proof verifies. Every input is hostile: each
stream and the rebuilt credential are capped at :data:`MAX_EXPANDED_BYTES`,
and anything an encoder would not have written is refused as damaged.

:mod:`qr.structure` makes and reads A with its texts and binary values;
:mod:`qr.streams` compresses and checks the streams; this module lays them out.
"""

from __future__ import annotations

from . import cbor, streams
from .errors import DamagedCode
from .structure import MAX_EXPANDED_BYTES, Packer, Unpacker

def pack(credential: dict) -> bytes:
    """The compact form of ``credential``.

    :raises ValueError: for what JSON or the form cannot carry (integers beyond 64 bits, lone surrogates).
    """
    packer = Packer()
    a = streams.deflate(cbor.dumps(packer.structure(credential)))
    b, primed = streams.compress_texts(b"\x00".join(packer.texts)) if packer.texts else (b"", False)
    return streams.with_crc(streams.varint(len(a)) + streams.varint(2 * len(b) + primed) + a + b
                            + b"".join(packer.binaries))


def unpack(data: bytes) -> dict:
    """The credential a compact form holds.

    :raises DamagedCode: for a truncated, corrupted or not well-formed form.
    :raises PayloadTooLarge: if a part would expand beyond :data:`MAX_EXPANDED_BYTES`.
    """
    data = streams.checked(data)
    a_length, position = streams.read_varint(data, 0)
    b_field, position = streams.read_varint(data, position)
    b_length, primed = divmod(b_field, 2)
    if position + a_length + b_length > len(data):
        raise DamagedCode("the QR code's payload is cut short")
    a = streams.inflate(data[position:position + a_length], MAX_EXPANDED_BYTES)
    position += a_length
    if primed and not b_length:
        raise DamagedCode("the QR code's payload is damaged: its header is inconsistent")
    texts = data[position:position + b_length]
    b = streams.decompress_texts(texts, primed, MAX_EXPANDED_BYTES) if b_length else b""
    try:
        structure = cbor.loads(a)
    except cbor.CborError as error:
        raise DamagedCode(f"the QR code's payload is damaged: {error}") from None
    unpacker = Unpacker(b.split(b"\x00") if b_length else [], data[position + b_length:])
    credential = unpacker.value(structure)
    unpacker.finish()
    if not isinstance(credential, dict):
        raise DamagedCode("the QR code's payload is not a credential (not a JSON object)")
    return credential
