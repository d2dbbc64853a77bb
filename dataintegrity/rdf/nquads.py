"""Reading N-Quads into the term tuples that :mod:`.rdfc10` canonicalizes.

https://www.w3.org/TR/n-quads/ (with ``\\u``/``\\U`` escapes in IRIs and
literals).  Literal terms are written back in one of two escapings:

* ``"pyld"`` -- pyld 3.3.0's (``\\ \\t \\n \\r "`` only), the one
  :func:`dataintegrity.canonicalize.canonicalize_rdfc` matches;
* ``"rdfc10"`` -- the canonical N-Quads of
  https://www.w3.org/TR/rdf-canon/#canonical-quads (also ``\\b \\f`` and
  ``\\u00XX`` for the other control characters), as the W3C test suite expects.
"""

from __future__ import annotations

import re

from ..errors import MalformedCredential
from .iri import RDF_LANGSTRING, XSD_STRING
from .literals import escape as pyld_escape

_IRI = r'<((?:[^\x00-\x20<>"{}|^`\\]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*)>'
_BNODE = r"(_:[^\s<>\"]*[^\s<>\".])"
_LITERAL = r'"((?:[^"\\\n\r]|\\.)*)"(?:\^\^' + _IRI + r"|@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*))?"
_QUAD = re.compile(
    r"^[ \t]*(?:" + _IRI + "|" + _BNODE + r")[ \t]*" + _IRI + r"[ \t]*(?:" + _IRI + "|" + _BNODE
    + "|" + _LITERAL + r")[ \t]*(?:(?:" + _IRI + "|" + _BNODE + r")[ \t]*)?\.[ \t]*(?:#.*)?$")
_SKIP = re.compile(r"^[ \t]*(?:#.*)?$")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})|\\(.)")
_ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_RDFC = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_RDFC_TABLE = str.maketrans({
    **{chr(c): f"\\u{c:04X}" for c in [*range(0x20), 0x7F]}, **_RDFC})


def parse_nquads(text: str, *, escaping: str = "pyld") -> list[tuple[str, str, str, str]]:
    """The quads of an N-Quads document, duplicates removed.

    :param escaping: ``"pyld"`` or ``"rdfc10"`` (see the module docstring).
    :returns: ``(subject, predicate, object, graph)`` N-Quads terms, ``""``
        for the default graph.
    :raises MalformedCredential: for a line that is not a quad.
    """
    if escaping not in ("pyld", "rdfc10"):
        raise ValueError(f"unknown escaping {escaping!r}")
    quads: dict[tuple, None] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if _SKIP.match(line):
            continue
        match = _QUAD.match(line)
        if match is None:
            raise MalformedCredential(f"line {number} is not an N-Quads statement: {line[:80]!r}")
        quads[_quad(match.groups(), escaping)] = None
    return list(quads)


def _quad(groups, escaping):
    s_iri, s_bnode, p_iri, o_iri, o_bnode, lexical, datatype, language, g_iri, g_bnode = groups
    subject = _iri(s_iri) if s_iri is not None else s_bnode
    if o_iri is not None:
        obj = _iri(o_iri)
    elif o_bnode is not None:
        obj = o_bnode
    else:
        obj = literal_term(_unescape(lexical), _unescape(datatype) if datatype else None,
                           language, escaping)
    graph = _iri(g_iri) if g_iri is not None else (g_bnode or "")
    return subject, _iri(p_iri), obj, graph


def literal_term(lexical: str, datatype: str | None, language: str | None,
                 escaping: str = "pyld") -> str:
    """The N-Quads term of a literal, in the given escaping."""
    body = '"' + (pyld_escape(lexical) if escaping == "pyld" else lexical.translate(_RDFC_TABLE))
    if language:
        return body + '"@' + language
    if datatype is None or datatype in (XSD_STRING, RDF_LANGSTRING):
        return body + '"'
    return body + '"^^<' + datatype + ">"


def _iri(raw: str) -> str:
    return "<" + _unescape(raw) + ">"


def _unescape(raw: str) -> str:
    if "\\" not in raw:
        return raw
    return _UCHAR.sub(_unescape_one, raw)


def _unescape_one(match) -> str:
    short, long, char = match.groups()
    if short or long:
        return chr(int(short or long, 16))
    if char in _ECHAR:
        return _ECHAR[char]
    raise MalformedCredential(f"invalid escape \\{char} in N-Quads")
