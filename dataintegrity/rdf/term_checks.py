"""Validation of the entries of an expanded term definition.

The container, index, scoped-context, language, prefix, direction and nest
steps of https://www.w3.org/TR/json-ld11-api/#create-term-definition, with
pyld 3.3.0's checks and error conditions.
"""

from __future__ import annotations

import re

from ..errors import MalformedCredential
from .iri import is_keyword

_VALID_KEYS = frozenset((
    "@container", "@id", "@language", "@reverse", "@type", "@context",
    "@direction", "@index", "@nest", "@prefix", "@protected",
))
_VALID_CONTAINERS = ("@list", "@set", "@index", "@language", "@graph", "@id", "@type")
_GRAPH_COMPANIONS = ("@graph", "@id", "@index", "@set")
_IRI_LIKE = re.compile(r".*(:|/)")


def check_term_keys(term: str, value: dict) -> None:
    """Reject entries a term definition may not have.

    :raises MalformedCredential: naming the first invalid entry.
    """
    for key in value:
        if key not in _VALID_KEYS:
            raise MalformedCredential(
                f"the definition of the term {term!r} may not contain {key!r}")


def container_mapping(term: str, value: dict, mapping: dict) -> None:
    """Validate ``@container`` and store it (a list) in ``mapping``.

    :raises MalformedCredential: for an invalid container mapping.
    """
    raw = value["@container"]
    container = raw if isinstance(raw, list) else [raw]
    has_set = "@set" in container
    valid = True
    if "@list" in container:
        if len(container) != 1:
            raise _bad_container(term)
    elif "@graph" in container:
        if any(kw not in _GRAPH_COMPANIONS for kw in container):
            raise _bad_container(term)
    else:
        valid = len(container) <= (2 if has_set else 1)
    if "@type" in container:
        if not mapping.get("@type"):
            mapping["@type"] = "@id"
        if mapping["@type"] not in ("@id", "@vocab"):
            raise MalformedCredential(
                f"the @type container of the term {term!r} requires @type @id or @vocab")
    valid = valid and all(kw in _VALID_CONTAINERS for kw in container)
    if not valid or (has_set and "@list" in container):
        raise _bad_container(term)
    if mapping["reverse"] and any(kw not in ("@index", "@set") for kw in container):
        raise MalformedCredential(
            f"the reverse term {term!r} may only have an @index or @set container")
    mapping["@container"] = container


def _bad_container(term: str) -> MalformedCredential:
    return MalformedCredential(f"the term {term!r} has an invalid @container")


def extra_entries(term: str, value: dict, mapping: dict) -> None:
    """The @index, @context, @language, @prefix, @direction and @nest entries.

    :raises MalformedCredential: for an invalid entry.
    """
    if "@index" in value:
        index = value["@index"]
        if "@container" not in value or "@index" not in mapping["@container"]:
            raise MalformedCredential(f"the term {term!r} has @index without an @index container")
        if not isinstance(index, str) or index.startswith("@"):
            raise MalformedCredential(f"the @index of the term {term!r} must be an IRI")
        mapping["@index"] = index
    if "@context" in value:
        mapping["@context"] = False if value["@context"] is None else value["@context"]
    if "@language" in value and "@type" not in value:
        language = value["@language"]
        if language is not None and not isinstance(language, str):
            raise MalformedCredential(f"the @language of the term {term!r} must be a string or null")
        mapping["@language"] = language.lower() if language is not None else None
    if "@prefix" in value:
        _prefix_entry(term, value["@prefix"], mapping)
    if "@direction" in value:
        direction = value["@direction"]
        if direction and direction not in ("ltr", "rtl"):
            raise MalformedCredential(f"the @direction of the term {term!r} must be ltr, rtl or null")
        mapping["@direction"] = direction
    if "@nest" in value:
        nest = value["@nest"]
        if not isinstance(nest, str) or not nest or (nest != "@nest" and nest[0] == "@"):
            raise MalformedCredential(f"the @nest of the term {term!r} is invalid")
        mapping["@nest"] = nest


def _prefix_entry(term: str, prefix: object, mapping: dict) -> None:
    if _IRI_LIKE.match(term):
        raise MalformedCredential(f"the compact IRI term {term!r} may not have @prefix")
    if is_keyword(mapping["@id"]):
        raise MalformedCredential(f"the keyword alias {term!r} may not be a prefix")
    if not isinstance(prefix, bool):
        raise MalformedCredential(f"the @prefix of the term {term!r} must be true or false")
    mapping["_prefix"] = prefix
