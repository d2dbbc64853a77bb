"""Keywords, vocabulary constants and IRI tests shared by the RDF modules.

The tests mirror pyld 3.3.0 exactly (``_is_absolute_iri``, the keyword list,
``DEFAULT_BASE_IRI``), because the canonical N-Quads must be byte-identical
to pyld's.  See https://www.w3.org/TR/json-ld11/#terminology and
https://www.w3.org/TR/json-ld11-api/#iri-expansion.
"""

from __future__ import annotations

import re

from pyld.iri_resolver import resolve as _pyld_resolve

from ..errors import MalformedCredential

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_BOOLEAN = XSD + "boolean"
XSD_DOUBLE = XSD + "double"
XSD_INTEGER = XSD + "integer"
XSD_STRING = XSD + "string"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDF_TYPE = RDF + "type"
RDF_FIRST = RDF + "first"
RDF_REST = RDF + "rest"
RDF_NIL = RDF + "nil"
RDF_LANGSTRING = RDF + "langString"
RDF_JSON = RDF + "JSON"

#: The base pyld resolves document-relative IRIs against when no base is set.
DEFAULT_BASE = "http://example.org/base/"

KEYWORDS = frozenset(
    (
        "@base", "@container", "@context", "@default", "@direction", "@embed",
        "@explicit", "@first", "@graph", "@id", "@import", "@included", "@index",
        "@json", "@language", "@list", "@nest", "@none", "@omitDefault",
        "@propagate", "@protected", "@preserve", "@requireAll", "@reverse",
        "@set", "@type", "@value", "@version", "@vocab",
    )
)

_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+-.]*|_):[^\s]*$")
_KEYWORD_FORM = re.compile(r"^@[a-zA-Z]+$")
_BCP47 = re.compile(r"^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$")

#: Sentinel for "not set" (distinct from an explicit ``null``).
UNSET = type("Unset", (), {"__repr__": lambda self: "UNSET", "__slots__": ()})()


def is_keyword(value: object) -> bool:
    """Whether ``value`` is a JSON-LD keyword (https://www.w3.org/TR/json-ld11/#keywords)."""
    return isinstance(value, str) and value in KEYWORDS


def has_keyword_form(value: str) -> bool:
    """Whether ``value`` looks like a keyword (``@`` and letters), reserved for future use."""
    return _KEYWORD_FORM.match(value) is not None


def is_absolute_iri(value: object) -> bool:
    """Whether ``value`` is an absolute IRI or blank node identifier, as pyld decides it."""
    return isinstance(value, str) and _ABSOLUTE.match(value) is not None


def is_bcp47(value: str) -> bool:
    """Whether ``value`` is a well-formed BCP47 language tag (the check of jsonld.js)."""
    return _BCP47.match(value) is not None


def resolve(relative: str, base: str) -> str:
    """Resolve ``relative`` against ``base`` (RFC 3986 section 5.2), exactly as pyld does.

    :raises MalformedCredential: if the IRI cannot be resolved.
    """
    try:
        return _pyld_resolve(relative, base)
    except (ValueError, IndexError) as cause:
        raise MalformedCredential(f"cannot resolve the IRI {relative!r}: {cause}") from None


def iri_term(iri: str) -> str:
    """The N-Quads term for an IRI or blank node identifier."""
    return iri if iri.startswith("_:") else "<" + iri + ">"
