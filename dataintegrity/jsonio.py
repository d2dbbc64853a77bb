"""Parsing JSON that comes from outside: size and depth limits, clear errors."""

from __future__ import annotations

import json

from .errors import InputTooLarge, MalformedCredential

#: A credential is a few kilobytes; a presentation of many credentials far less than this.
MAX_INPUT_BYTES = 1024 * 1024
#: Deeper nesting than this is never a credential, and would strain recursive code.
MAX_DEPTH = 64


def parse_untrusted_json(data: bytes | str, *, max_bytes: int = MAX_INPUT_BYTES, max_depth: int = MAX_DEPTH) -> object:
    """Parse JSON from outside, refusing what no credential looks like.

    :raises InputTooLarge: if ``data`` is longer than ``max_bytes``.
    :raises MalformedCredential: if it is not UTF-8 JSON, uses NaN/Infinity,
        repeats a key in one object, or nests deeper than ``max_depth``.
    """
    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise InputTooLarge(f"the input is {_megabytes(size)}; the limit is {_megabytes(max_bytes)}")
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        value = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_keys)
    except UnicodeDecodeError:
        raise MalformedCredential("the input is not UTF-8 text") from None
    except RecursionError:
        raise MalformedCredential(f"the JSON nests deeper than {max_depth} levels") from None
    except json.JSONDecodeError as error:
        raise MalformedCredential(f"the input is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}") from None
    check_depth(value, max_depth)
    return value


def check_depth(value: object, max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`MalformedCredential` if ``value`` nests deeper than ``max_depth``."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            raise MalformedCredential(f"the JSON nests deeper than {max_depth} levels")
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


def _reject_constant(name: str) -> None:
    raise MalformedCredential(f"{name} is not a JSON number")


def _unique_keys(pairs: list[tuple[str, object]]) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        duplicate = next(key for key, _ in pairs if key in seen or seen.add(key))
        raise MalformedCredential(f'the key "{duplicate}" appears twice in one JSON object')
    return result


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size:,} bytes"
