"""JSON Canonicalization Scheme (RFC 8785).

https://www.rfc-editor.org/rfc/rfc8785
"""

from __future__ import annotations

import json
import math

from .errors import MalformedCredential


def canonicalize_jcs(value: object) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value.

    :raises MalformedCredential: for values JSON cannot carry (NaN, Infinity,
        non-string keys, lone surrogates, objects other than
        dict/list/str/int/float/bool/None).
    """
    parts: list[str] = []
    _serialize(value, parts)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedCredential("a string holds a lone UTF-16 surrogate, which UTF-8 cannot carry") from None


def _serialize(value: object, out: list[str]) -> None:
    if value is None or value is True or value is False:
        out.append(json.dumps(value))
    elif isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, (int, float)):
        out.append(_number(value))
    elif isinstance(value, (list, tuple)):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _serialize(item, out)
        out.append("]")
    elif isinstance(value, dict):
        _serialize_object(value, out)
    else:
        raise MalformedCredential(f"{type(value).__name__} is not a JSON value")


def _serialize_object(value: dict, out: list[str]) -> None:
    if not all(isinstance(key, str) for key in value):
        raise MalformedCredential("JSON object keys must be strings")
    # RFC 8785 §3.2.3: sort by the UTF-16 code units of the keys.
    keys = sorted(value, key=lambda key: key.encode("utf-16-be"))
    out.append("{")
    for index, key in enumerate(keys):
        if index:
            out.append(",")
        out.append(json.dumps(key, ensure_ascii=False))
        out.append(":")
        _serialize(value[key], out)
    out.append("}")


def _number(value: int | float) -> str:
    """ECMAScript Number.prototype.toString, as RFC 8785 §3.2.2.3 requires."""
    if isinstance(value, int):
        if abs(value) >= 2**53:
            value = float(value)
        else:
            return str(value)
    if not math.isfinite(value):
        raise MalformedCredential("NaN and Infinity are not JSON numbers")
    if value == 0:
        return "0"
    text = repr(value)  # shortest round-trip digits, like ECMAScript
    mantissa, _, exponent = text.partition("e")
    digits = mantissa.replace(".", "").replace("-", "").lstrip("0")
    sign = "-" if value < 0 else ""
    point = _decimal_point(mantissa, exponent)
    digits = digits.rstrip("0") or "0"
    return sign + _format_es(digits, point)


def _decimal_point(mantissa: str, exponent: str) -> int:
    """Position n of the decimal point such that value = 0.digits × 10^n."""
    unsigned = mantissa.lstrip("-")
    whole, _, fraction = unsigned.partition(".")
    if whole.strip("0"):
        point = len(whole.lstrip("0"))
    else:
        point = -(len(fraction) - len(fraction.lstrip("0")))
    return point + (int(exponent) if exponent else 0)


def _format_es(digits: str, n: int) -> str:
    """ECMA-262 Number::toString steps for digits s (length k) and exponent n."""
    k = len(digits)
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * -n + digits
    exponent = n - 1
    sign = "+" if exponent >= 0 else "-"
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{head}e{sign}{abs(exponent)}"
