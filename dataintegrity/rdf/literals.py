"""RDF literals from JSON-LD values, serialized as N-Quads terms.

https://www.w3.org/TR/json-ld11-api/#data-round-tripping and the
Object to RDF Conversion algorithm
(https://www.w3.org/TR/json-ld11-api/#object-to-rdf-conversion), with pyld
3.3.0's lexical forms: doubles as ``7.5E0``, integral numbers (even ``7.0``)
as ``xsd:integer`` below 1e21, ``@json`` values in the JSON Canonicalization
Scheme of the ``c14n`` package pyld uses, and pyld's N-Quads escaping of
``\\ \\t \\n \\r "`` only (other control characters are written raw, unlike
https://www.w3.org/TR/rdf-canon/#canonical-quads).
"""

from __future__ import annotations

import re
from json.encoder import encode_basestring

from ..errors import MalformedCredential
from .iri import RDF_JSON, RDF_LANGSTRING, XSD_BOOLEAN, XSD_DOUBLE, XSD_INTEGER, XSD_STRING

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"'})
_NEEDS_ESCAPE = re.compile(r'[\\\t\n\r"]')


def escape(value: str) -> str:
    """Escape a lexical form the way pyld's ``nquads.escape`` does."""
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    return value.translate(_ESCAPES)


def literal(value, datatype: str | None, language: str | None) -> str:
    """The N-Quads term of the value object ``{@value, @type, @language}``.

    :raises MalformedCredential: for numbers JSON cannot represent.
    """
    lexical, datatype = lexical_form(value, datatype)
    if datatype is None:
        if language is not None:
            return '"' + escape(lexical) + '"@' + language if language else '"' + escape(lexical) + '"'
        datatype = XSD_STRING
    if datatype == XSD_STRING:
        return '"' + escape(lexical) + '"'
    if datatype == RDF_LANGSTRING:
        return '"' + escape(lexical) + '"@' + language if language else '"' + escape(lexical) + '"'
    return '"' + escape(lexical) + '"^^<' + datatype + ">"


def lexical_form(value, datatype):
    """The lexical form and datatype (``None`` for a plain string) of a value.

    Values are the JSON types only (the expansion refuses anything else).
    """
    if datatype == "@json":
        return canonical_json(value), RDF_JSON
    kind = type(value)
    if kind is str:
        if datatype != XSD_DOUBLE:
            return value, datatype
        try:
            number = float(value)
        except ValueError:
            return value, XSD_DOUBLE
        return canonical_double(number), XSD_DOUBLE
    if kind is bool:
        return ("true" if value else "false"), datatype or XSD_BOOLEAN
    if kind is float and not value.is_integer():
        return canonical_double(value), datatype or XSD_DOUBLE
    if kind is float or kind is int:
        if datatype == XSD_DOUBLE:
            return canonical_double(value), XSD_DOUBLE
        if abs(value) >= 1e21:
            return canonical_double(value), datatype or XSD_DOUBLE
        return str(int(value)), datatype or XSD_INTEGER
    raise MalformedCredential(f"a {type(value).__name__} is not a JSON value")


def canonical_double(value) -> str:
    """pyld's ``_canonicalize_double``: ``7.5`` becomes ``7.5E0``.

    pyld rewrites ``f"{value:1.15E}"`` with the regular expression
    ``(\\d)0*E\\+?(-)?0*(\\d)``; this does the same, faster.

    :raises MalformedCredential: for a number too large for a double.
    """
    try:
        text = f"{value:1.15E}"
    except OverflowError:
        raise MalformedCredential(f"the number {value} is too large") from None
    mantissa, e, exponent = text.partition("E")
    if not e:
        return text  # NAN, INF
    mantissa = mantissa.rstrip("0")
    if mantissa[-1] == ".":
        mantissa += "0"
    return mantissa + "E" + str(int(exponent))


def canonical_json(value) -> str:
    """The canonical JSON of an ``@json`` value (RFC 8785, as the ``c14n`` package writes it).

    :raises MalformedCredential: for a value JSON cannot represent.
    """
    parts: list[str] = []
    _json(value, parts)
    return "".join(parts)


def _json(value, parts: list) -> None:
    if isinstance(value, str):
        parts.append(encode_basestring(value))
    elif value is None:
        parts.append("null")
    elif value is True or value is False:
        parts.append("true" if value else "false")
    elif isinstance(value, (int, float)):
        parts.append(es6_number(value))
    elif isinstance(value, (list, tuple)):
        parts.append("[")
        for i, item in enumerate(value):
            if i:
                parts.append(",")
            _json(item, parts)
        parts.append("]")
    elif isinstance(value, dict):
        _json_object(value, parts)
    else:
        raise MalformedCredential(f"a {type(value).__name__} is not a JSON value")


def _json_object(value: dict, parts: list) -> None:
    parts.append("{")
    for i, key in enumerate(sorted(value, key=_utf16_key)):
        if i:
            parts.append(",")
        parts.append(encode_basestring(key))
        parts.append(":")
        _json(value[key], parts)
    parts.append("}")


def _utf16_key(key) -> bytes:
    if not isinstance(key, str):
        raise MalformedCredential("JSON object keys must be strings")
    return key.encode("utf-16_be", "surrogatepass")


def es6_number(value) -> str:
    """A number as ECMAScript writes it (the ``c14n`` package's ``convert2Es6Format``).

    :raises MalformedCredential: for NaN, infinities and integers too large for a double.
    """
    try:
        number = float(value)
    except OverflowError:
        raise MalformedCredential(f"the number {value} is too large") from None
    if number == 0:
        return "0"
    text = str(number)
    if "n" in text:
        raise MalformedCredential(f"{text} is not a JSON number")
    sign = ""
    if text[0] == "-":
        sign, text = "-", text[1:]
    text, exponent_text, exponent = _split_exponent(text)
    first, dot, last = text.partition(".")
    if last == "0":
        dot = last = ""
    if 0 < exponent < 21:
        first = first + last
        last = dot = exponent_text = ""
        first += "0" * (exponent - len(first) + 1)
    elif -7 < exponent < 0:
        last = "0" * (-exponent - 1) + first + last
        first, dot, exponent_text = "0", ".", ""
    return sign + first + dot + last + exponent_text


def _split_exponent(text: str) -> tuple[str, str, int]:
    """``"1.5e+16"`` becomes ``("1.5", "e+16", 16)``; ``"e-05"`` is shortened to ``"e-5"``."""
    q = text.find("e")
    if q <= 0:
        return text, "", 0
    exponent_text = text[q:]
    if exponent_text[2:3] == "0":
        exponent_text = exponent_text[:2] + exponent_text[3:]
    return text[:q], exponent_text, int(exponent_text[1:])
