"""The subset of CBOR (RFC 8949) the compact form uses, read strictly.

Only unsigned and negative integers up to 64 bits, byte and text strings of
definite length, arrays, maps, tags 6–15, false/true/null and floats.
Everything else a general CBOR decoder would accept (indefinite lengths,
shared-value and string-reference tags that can build cycles, bignums,
undefined) is refused, and nesting is limited, so a hostile payload cannot make
the reader loop, recurse without end or allocate more than its input.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass

MAX_DEPTH = 64
FIRST_TAG, LAST_TAG = 6, 15


@dataclass(frozen=True)
class Tag:
    """A tagged item: ``number`` (6–15, private to the compact form) and its content."""

    number: int
    value: object


class CborError(ValueError):
    """Not well-formed CBOR of the accepted subset."""


def dumps(item: object) -> bytes:
    out = bytearray()
    _write(item, out)
    return bytes(out)


def _head(major: int, number: int, out: bytearray) -> None:
    if number < 24:
        out.append(major << 5 | number)
    elif number < 0x100:
        out += bytes((major << 5 | 24, number))
    elif number < 0x10000:
        out.append(major << 5 | 25)
        out += number.to_bytes(2, "big")
    elif number < 0x100000000:
        out.append(major << 5 | 26)
        out += number.to_bytes(4, "big")
    else:
        out.append(major << 5 | 27)
        out += number.to_bytes(8, "big")


def _write(item: object, out: bytearray) -> None:
    if item is False or item is True or item is None:
        out.append({False: 0xF4, True: 0xF5, None: 0xF6}[item])
    elif isinstance(item, int):
        if not -(1 << 64) <= item < (1 << 64):
            raise ValueError(f"the integer {item} is larger than the QR form carries (64 bits)")
        _head(0, item, out) if item >= 0 else _head(1, -1 - item, out)
    elif isinstance(item, float):
        out.append(0xFB)
        out += struct.pack(">d", item)
    elif isinstance(item, bytes):
        _head(2, len(item), out)
        out += item
    elif isinstance(item, str):
        encoded = item.encode("utf-8")
        _head(3, len(encoded), out)
        out += encoded
    elif isinstance(item, list):
        _head(4, len(item), out)
        for element in item:
            _write(element, out)
    elif isinstance(item, dict):
        _head(5, len(item), out)
        for key, value in item.items():
            _write(key, out)
            _write(value, out)
    elif isinstance(item, Tag):
        _head(6, item.number, out)
        _write(item.value, out)
    else:
        raise TypeError(f"{type(item).__name__} has no CBOR form here")


def loads(data: bytes) -> object:
    """The one item ``data`` holds.

    :raises CborError: for anything outside the subset, trailing bytes, a
        length beyond the input, nesting deeper than :data:`MAX_DEPTH`, or a
        map with a repeated key.
    """
    reader = _Reader(data)
    item = reader.item(0)
    if reader.position != len(data):
        raise CborError(f"{len(data) - reader.position} bytes follow the structure")
    return item


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.position = data, 0

    def take(self, count: int) -> bytes:
        end = self.position + count
        if end > len(self.data):
            raise CborError("the structure is cut short")
        chunk, self.position = self.data[self.position:end], end
        return chunk

    def item(self, depth: int) -> object:
        if depth > MAX_DEPTH:
            raise CborError(f"the structure nests deeper than {MAX_DEPTH} levels")
        initial = self.take(1)[0]
        major, info = initial >> 5, initial & 0x1F
        if major == 7:
            return self.simple(info)
        number = self.argument(info)
        if major == 0:
            return number
        if major == 1:
            return -1 - number
        if major == 2:
            return self.take(number)
        if major == 3:
            try:
                return self.take(number).decode("utf-8")
            except UnicodeDecodeError:
                raise CborError("a text is not UTF-8") from None
        if major == 4:
            self.plausible(number)
            return [self.item(depth + 1) for _ in range(number)]
        if major == 5:
            self.plausible(2 * number)
            mapping: dict = {}
            for _ in range(number):
                key = self.item(depth + 1)
                if not isinstance(key, (int, str)) or isinstance(key, bool):
                    raise CborError("a map key is neither a number nor a text")
                if key in mapping:
                    raise CborError(f"the map key {key!r} is repeated")
                mapping[key] = self.item(depth + 1)
            return mapping
        if not FIRST_TAG <= number <= LAST_TAG:
            raise CborError(f"tag {number} is not used by the compact form")
        return Tag(number, self.item(depth + 1))

    def argument(self, info: int) -> int:
        if info < 24:
            return info
        if info in (24, 25, 26, 27):
            return int.from_bytes(self.take(1 << (info - 24)), "big")
        raise CborError("indefinite or reserved lengths are not used by the compact form")

    def plausible(self, items: int) -> None:
        """Every item takes at least a byte: a count beyond the remaining input is a lie."""
        if items > len(self.data) - self.position:
            raise CborError("a count is larger than the rest of the structure")

    def simple(self, info: int) -> object:
        if info in (20, 21, 22):
            return (False, True, None)[info - 20]
        formats = {25: (">e", 2), 26: (">f", 4), 27: (">d", 8)}
        if info not in formats:
            raise CborError(f"simple value {info} is not used by the compact form")
        layout, size = formats[info]
        value = struct.unpack(layout, self.take(size))[0]
        if not math.isfinite(value):
            raise CborError("a number is not finite (JSON has no NaN or infinity)")
        return value
