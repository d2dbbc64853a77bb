"""The structure of a credential in the compact form: its maps and arrays, every string a codebook
value, a tag saying where its content is, or (rarely) itself. See docs/qr-format.md.

:class:`Packer` turns a credential into the structure, collecting the texts
(stream B) and binary values (stream C) it takes out; :class:`Unpacker` puts
them back, refusing anything an encoder would not have written and counting
what it rebuilds against :data:`MAX_EXPANDED_BYTES`.
"""

from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timedelta, timezone
from importlib import resources

from dataintegrity.multibase import base58btc_decode, base58btc_encode

from .cbor import Tag
from .errors import DamagedCode, PayloadTooLarge

MAX_EXPANDED_BYTES = 64 * 1024

# The tags of the structure (private to this format; see docs/qr-format.md).
TERM = 6          # uint n: codebook value n
TEXT = 7          # null: the next text of B
PREFIXED = 8      # uint n: codebook prefix n, then the next text of B
WINDOWED = 9      # uint block: the next text of B, a byte ≥ 0x80 standing for block·128 + (byte − 0x80)
UUID_URN = 10     # null: "urn:uuid:" and the next 16 bytes of C
DID_KEY = 11      # uint n: "did:key:z" and the next n bytes of C in base58btc
DID_KEY_VM = 12   # uint n: did:key:zX#zX, X the next n bytes of C in base58btc
BASE58 = 13       # uint n: "z" and the next n bytes of C in base58btc
DATETIME = 14     # [seconds since 1970, offset minutes or null for "Z"]
REPEAT = 15       # uint n: the n-th distinct string (not a codebook value) of the credential, again

_BOOK = json.loads(resources.files(__package__).joinpath("v1/codebook.json").read_text("utf-8"))
KEYS: list[str] = _BOOK["keys"]
VALUES: list[str] = _BOOK["values"]
PREFIXES: list[str] = _BOOK["prefixes"]
_KEY = {key: number for number, key in enumerate(KEYS)}
_VALUE = {value: number for number, value in enumerate(VALUES)}

_UUID = re.compile(r"^urn:uuid:([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$")
_BASE58 = re.compile(r"^z[1-9A-HJ-NP-Za-km-z]{2,}$")
_SURROGATES = range(0xD800 >> 7, (0xDFFF >> 7) + 1)


class Packer:
    """Takes a credential apart: :meth:`structure`, with :attr:`texts` and :attr:`binaries` collected."""

    def __init__(self):
        self.texts: list[bytes] = []
        self.binaries: list[bytes] = []
        self.seen: dict[str, int] = {}

    def structure(self, value: object) -> object:
        if isinstance(value, dict):
            return {_KEY.get(key, key): self.structure(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.structure(item) for item in value]
        if isinstance(value, str):
            if value in _VALUE:  # a codebook value costs the same everywhere: the dictionary predicts it
                return Tag(TERM, _VALUE[value])
            if value in self.seen:
                return Tag(REPEAT, self.seen[value])
            self.seen[value] = len(self.seen)
            return self.string(value)
        return value

    def string(self, value: str) -> object:
        if _UUID.match(value):
            self.binaries.append(uuid.UUID(value[9:]).bytes)
            return Tag(UUID_URN, None)
        for tag, encoded in (self.did_key(value), self.base58(value), self.datetime(value)):
            if encoded is not None:
                return Tag(tag, encoded)
        if not value or "\x00" in value:
            return value  # stays in the structure: B's texts are NUL-separated and never empty
        for number, prefix in enumerate(PREFIXES):
            if value.startswith(prefix) and len(value) > len(prefix):
                self.texts.append(value[len(prefix):].encode("utf-8"))
                return Tag(PREFIXED, number)
        return self.text(value)

    def text(self, value: str) -> Tag:
        blocks = {ord(character) >> 7 for character in value if ord(character) > 0x7F}
        if len(blocks) == 1 and not blocks & set(_SURROGATES):
            block = blocks.pop()
            self.texts.append(bytes(ord(c) if ord(c) < 0x80 else 0x80 | (ord(c) & 0x7F) for c in value))
            return Tag(WINDOWED, block)
        self.texts.append(value.encode("utf-8"))  # UnicodeEncodeError (a ValueError) for lone surrogates
        return Tag(TEXT, None)

    def binary(self, data: bytes) -> int:
        self.binaries.append(data)
        return len(data)

    def did_key(self, value: str) -> tuple[int, int | None]:
        if not value.startswith("did:key:z"):
            return DID_KEY, None
        identifier, hash_, fragment = value[8:].partition("#")
        if hash_ and fragment != identifier:
            return DID_KEY_VM, None
        key = _exact_base58(identifier)
        if key is None or len(key) > 255:
            return DID_KEY, None
        return (DID_KEY_VM if hash_ else DID_KEY), self.binary(key)

    def base58(self, value: str) -> tuple[int, int | None]:
        data = _exact_base58(value)
        return BASE58, (self.binary(data) if data is not None and len(data) <= 255 else None)

    @staticmethod
    def datetime(value: str) -> tuple[int, list | None]:
        match = _DATETIME.match(value)
        if not match:
            return DATETIME, None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return DATETIME, None
        offset = None if match[1] == "Z" else int(moment.utcoffset().total_seconds()) // 60
        encoded = [int(moment.timestamp()), offset]
        return DATETIME, (encoded if _format_datetime(*encoded) == value else None)


class Unpacker:
    """Puts a credential back together from its structure, texts and binary values."""

    def __init__(self, texts: list[bytes], binaries: bytes):
        self.texts, self.text_index = texts, 0
        self.binaries, self.binary_index = binaries, 0
        self.strings: list[str] = []
        self.size = 0

    def value(self, item: object) -> object:
        if isinstance(item, dict):
            return {self.key(key): self.value(value) for key, value in item.items()}
        if isinstance(item, list):
            return [self.value(element) for element in item]
        if isinstance(item, bytes):
            raise DamagedCode("the QR code's payload is damaged: bytes where a value belongs")
        if isinstance(item, (str, Tag)):
            return self.string(item)
        self.count(8)
        return item

    def key(self, key: int | str) -> str:
        if _is_int(key):
            if not 0 <= key < len(KEYS):
                raise DamagedCode(f"the QR code's payload names property {key}, which format version 1 does not have")
            key = KEYS[key]
        self.count(len(key))
        return key

    def string(self, item: str | Tag) -> str:
        if isinstance(item, Tag) and item.number == REPEAT:
            if not _is_int(item.value) or not 0 <= item.value < len(self.strings):
                raise DamagedCode("the QR code's payload repeats a string it does not have")
            value = self.strings[item.value]
        elif isinstance(item, Tag) and item.number == TERM:
            if not _is_int(item.value) or not 0 <= item.value < len(VALUES):
                raise DamagedCode(f"the QR code's payload names value {item.value!r}, which format version 1 does not have")
            value = VALUES[item.value]
        else:
            value = item if isinstance(item, str) else self.tagged(item)
            self.strings.append(value)
        self.count(len(value))
        return value

    def tagged(self, tag: Tag) -> str:
        number, content = tag.number, tag.value
        if number == TEXT and content is None:
            return self.utf8(self.next_text())
        if number == PREFIXED and _is_int(content) and 0 <= content < len(PREFIXES):
            return PREFIXES[content] + self.utf8(self.next_text())
        if number == WINDOWED and _is_int(content) and 0 < content <= 0x10FFFF >> 7 \
                and content not in _SURROGATES:
            return "".join(chr(b) if b < 0x80 else chr(content << 7 | (b & 0x7F)) for b in self.next_text())
        if number == UUID_URN and content is None:
            return f"urn:uuid:{uuid.UUID(bytes=self.next_binary(16))}"
        if number in (DID_KEY, DID_KEY_VM, BASE58) and _is_int(content) and 0 < content <= 255:
            encoded = "z" + base58btc_encode(self.next_binary(content))
            return {DID_KEY: f"did:key:{encoded}", DID_KEY_VM: f"did:key:{encoded}#{encoded}", BASE58: encoded}[number]
        if number == DATETIME and isinstance(content, list) and len(content) == 2:
            return self.datetime(*content)
        raise DamagedCode(f"the QR code's payload is damaged: tag {number} with a value it cannot have")

    def next_text(self) -> bytes:
        if self.text_index >= len(self.texts):
            raise DamagedCode("the QR code's payload is cut short: a text is missing")
        text, self.text_index = self.texts[self.text_index], self.text_index + 1
        return text

    def next_binary(self, length: int) -> bytes:
        end = self.binary_index + length
        if end > len(self.binaries):
            raise DamagedCode("the QR code's payload is cut short: binary data is missing")
        data, self.binary_index = self.binaries[self.binary_index:end], end
        return data

    @staticmethod
    def utf8(data: bytes) -> str:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise DamagedCode("the QR code's payload is damaged: a text is not UTF-8") from None

    @staticmethod
    def datetime(seconds: object, offset: object) -> str:
        if _is_int(seconds) and -62135596800 <= seconds <= 253402300799 and \
                (offset is None or _is_int(offset) and -1439 <= offset <= 1439):
            try:
                return _format_datetime(seconds, offset)
            except (OverflowError, ValueError, OSError):
                pass  # a moment that falls outside years 1-9999 once the offset is applied
        raise DamagedCode("the QR code's payload is damaged: a date is out of range")

    def count(self, size: int) -> None:
        self.size += size
        if self.size > MAX_EXPANDED_BYTES:
            raise PayloadTooLarge(f"the QR code's credential would be larger than {MAX_EXPANDED_BYTES // 1024} KB")

    def finish(self) -> None:
        if self.text_index != len(self.texts) or self.binary_index != len(self.binaries):
            raise DamagedCode("the QR code's payload is damaged: it holds data the credential does not use")


def _is_int(value: object) -> bool:
    return type(value) is int  # not a bool


def _format_datetime(seconds: int, offset: int | None) -> str:
    zone = timezone.utc if offset is None else timezone(timedelta(minutes=offset))
    moment = datetime.fromtimestamp(seconds, zone)
    text = (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
            f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}")
    if offset is None:
        return text + "Z"
    sign, minutes = ("+" if offset >= 0 else "-"), abs(offset)
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _exact_base58(value: str) -> bytes | None:
    """The bytes of a base58btc multibase string, if writing them back gives the same string."""
    if not _BASE58.match(value):
        return None
    data = base58btc_decode(value[1:])
    return data if base58btc_encode(data) == value[1:] else None
