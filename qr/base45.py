"""Base45 (RFC 9285): bytes as QR alphanumeric-mode characters.

Three characters carry two bytes, so a QR code holds the result in its dense
alphanumeric mode (5.5 bits a character) rather than its byte mode.
https://www.rfc-editor.org/rfc/rfc9285
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUE = {character: value for value, character in enumerate(ALPHABET)}


def encode(data: bytes) -> str:
    out = []
    for index in range(0, len(data) - 1, 2):
        number = data[index] * 256 + data[index + 1]
        number, c = divmod(number, 45)
        e, d = divmod(number, 45)
        out += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if len(data) % 2:
        e, c = divmod(data[-1], 45)
        out += (ALPHABET[c], ALPHABET[e])
    return "".join(out)


def decode(text: str) -> bytes:
    """The bytes ``text`` encodes.

    :raises ValueError: for a character outside the alphabet, a length that is
        1 more than a multiple of 3 (a lost character), or a triple or pair
        whose value is too large for the bytes it stands for.
    """
    if len(text) % 3 == 1:
        raise ValueError(f"{len(text)} characters cannot be base45 (a character is missing or extra)")
    try:
        values = [_VALUE[character] for character in text]
    except KeyError as error:
        raise ValueError(f"{error.args[0]!r} is not a base45 character") from None
    out = bytearray()
    for index in range(0, len(values) - 2, 3):
        c, d, e = values[index:index + 3]
        number = c + d * 45 + e * 2025
        if number > 0xFFFF:
            raise ValueError(f"characters {index + 1}-{index + 3} do not encode two bytes")
        out += number.to_bytes(2, "big")
    if len(values) % 3 == 2:
        number = values[-2] + values[-1] * 45
        if number > 0xFF:
            raise ValueError("the last two characters do not encode a byte")
        out.append(number)
    return bytes(out)
