"""Safe mode: refuse what JSON-LD would silently leave out of the signed quads.

JSON-LD expansion drops keys that no context defines, relative IRIs, null and
free-floating values and more, so text added to a signed credential can leave
its RDFC-1.0 signature intact.  Safe mode raises
:class:`~dataintegrity.errors.UndefinedTerm` instead, for every condition that
jsonld.js's ``safe: true`` mode refuses (its ``_notSafeEventCodes``: invalid
property, relative @id/@type/@vocab, reserved terms and @id values,
free-floating scalars, null @value, dropped empty/@value/@list/@id-only
objects, invalid @language values, relative subject/predicate/object/graph
references, blank node predicates, and @direction without ``rdfDirection``),
and -- stricter than jsonld.js -- for keywords whose values have no RDF form
and so are not signed either: ``@index`` (entries and index-map keys),
``@language``/``@direction`` on node objects, and framing or context keywords
used as node keys.
"""

from __future__ import annotations

from ..errors import UndefinedTerm

DROPPED = "is not defined by the credential's contexts and would be dropped from the signature"


def path_text(path: tuple) -> str:
    """Render a linked path ``((..., "a"), 0)`` as ``a[0]``; ``$`` for the root."""
    parts: list = []
    while path:
        path, segment = path
        parts.append(segment)
    out = ""
    for segment in reversed(parts):
        if isinstance(segment, int):
            out += f"[{segment}]"
        else:
            out += ("." if out else "") + segment
    return out or "$"


def undefined(path: tuple, key: str) -> UndefinedTerm:
    """The error for the key ``key`` (at ``path``) that no context defines."""
    return UndefinedTerm(f"{path_text((path, key))} {DROPPED}", property=key)


def refused(path: tuple, what: str, key: str | None = None) -> UndefinedTerm:
    """The error for content at ``path`` that would not be signed.

    :param what: why, e.g. ``"the relative IRI reference 'x'"``.
    """
    return UndefinedTerm(
        f"{path_text(path)}: {what} would be dropped from the signature",
        property=key if key is not None else _last_key(path))


def _last_key(path: tuple) -> str | None:
    while path:
        path, segment = path
        if isinstance(segment, str):
            return segment
    return None
