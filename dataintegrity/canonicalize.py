"""RDFC-1.0 canonical N-Quads of JSON-LD documents, fast and identical to pyld.

:func:`canonicalize_rdfc` is the transformation step of the ``*-rdfc-*``
cryptosuites (https://www.w3.org/TR/vc-di-eddsa/#transformation-eddsa-rdfc-2022):
JSON-LD to RDF (https://www.w3.org/TR/json-ld11-api/#deserialize-json-ld-to-rdf-algorithm)
then RDF Dataset Canonicalization (https://www.w3.org/TR/rdf-canon/).  The
output is byte-identical to pyld 3.3.0's
``jsonld.normalize(doc, {"algorithm": "URDNA2015", "format": "application/n-quads"})``,
including pyld's N-Quads escaping (only ``\\ \\t \\n \\r "``), number forms
(``"7.5E0"^^xsd:double``, ``7.0`` as ``xsd:integer``) and ``@json`` literals.

It is much faster than pyld because expansion and RDF conversion are fused
(:mod:`dataintegrity.rdf`), processed contexts are cached on the loader (see
:meth:`dataintegrity.loader.StaticLoader.memo`), and N-degree hashing runs
only for blank nodes that first-degree hashes cannot tell apart.

**Safe mode** (the default) refuses, with
:class:`~dataintegrity.errors.UndefinedTerm`, every member JSON-LD would drop
and so leave unsigned -- see :mod:`dataintegrity.rdf.safety` for the list (all
of jsonld.js's ``safe: true`` conditions, plus ``@index`` and other keywords
with no RDF form).  Members whose value is ``null`` are dropped as JSON-LD
says and are not refused.  Safe mode also refuses a document in which two
different JSON-LD values become the same quad (pyld then writes the line
twice, RDFC-1.0 implementations that treat the dataset as a set once).

**Features.**  The whole Context Processing algorithm is implemented
(``@protected``, ``@vocab``, ``@base``, ``@import``, ``@propagate``, type- and
property-scoped contexts, ``@prefix``, ``@language``, ``@direction``), and
expansion of node, value, list and set objects, ``@graph`` (keyword and
container), ``@json``, type coercion, ``@language`` maps and ``@index`` maps.
Left out, because credentials do not use them: ``@reverse``, ``@nest``,
``@included``, ``@id`` and ``@type`` maps, ``@graph`` index/id maps and
property-valued ``@index``.  A document using one is refused with
:class:`~dataintegrity.errors.MalformedCredential` naming the feature in safe
mode; with ``safe=False`` pyld converts it to RDF instead (and the quads are
canonicalized here, under the same work bound).

**Poison graphs.**  N-degree hashing is bounded (``max_work``, default
20,000 hash calls plus permutations, about 50 ms): the W3C "evil" test graphs
need 3,348; a 10-node blank-node clique is refused with
:class:`~dataintegrity.errors.MalformedCredential`.

**Deliberate differences from pyld**, all on input pyld mishandles: NaN and
infinite numbers (not JSON) and non-JSON Python values are refused;
``{"@value": []}`` is refused (pyld makes it a blank node); where pyld fails
with a Python error (``KeyError``, ``TypeError``...) rather than a
``JsonLdError`` -- ``"@vocab": null`` with no vocabulary set, a reserved
``@id`` next to other nodes -- we return the JSON-LD 1.1 result or raise
:class:`~dataintegrity.errors.MalformedCredential`; ``"@protected": false``
is accepted; errors never depend on what an earlier call cached.  Like pyld,
and unlike RDFC-1.0's canonical N-Quads, control characters other than
``\\t \\n \\r`` are written unescaped (:mod:`dataintegrity.rdf.nquads` has both
escapings, for N-Quads input).
"""

from __future__ import annotations

from typing import Any, Mapping

from .errors import MalformedCredential
from .rdf.document import document_quads
from .rdf.expand import Unsupported
from .rdf.fallback import pyld_quads
from .rdf.rdfc10 import DEFAULT_MAX_WORK, canonicalize, line

__all__ = ["canonicalize_rdfc", "to_nquads", "to_quads"]


def canonicalize_rdfc(doc: Mapping, *, loader: Any, safe: bool = True,
                      max_work: int = DEFAULT_MAX_WORK) -> str:
    """The RDFC-1.0 canonical N-Quads of the JSON-LD document ``doc``.

    https://www.w3.org/TR/rdf-canon/#canon-algorithm

    :param doc: the JSON-LD document (not modified).
    :param loader: the document loader for ``@context`` URLs (no network).
    :param safe: refuse members that JSON-LD would drop from the signature.
    :param max_work: bound on N-degree hashing, against poison graphs.
    :returns: the canonical N-Quads, as pyld 3.3.0 writes them.
    :raises UndefinedTerm: in safe mode, for a member JSON-LD would drop.
    :raises MalformedCredential: for invalid or unsupported JSON-LD, or a
        poison graph.
    :raises DocumentLoadError: for a context URL the loader does not have.
    """
    try:
        quads = document_quads(doc, loader, safe=safe)
    except Unsupported as missing:
        if safe:
            raise MalformedCredential(
                f"the document uses {missing.feature}, which this verifier does not support "
                "in signed documents") from None
        quads = pyld_quads(doc, loader)
    if safe and len(set(quads)) != len(quads):
        raise MalformedCredential(
            "the document states the same RDF statement twice in different JSON-LD forms, "
            "which canonicalization implementations treat differently")
    try:
        text = canonicalize(quads, max_work=max_work)
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedCredential("a string holds an unpaired surrogate (not valid Unicode)") from None
    return text


def to_quads(doc: Mapping, *, loader: Any, safe: bool = True) -> list[tuple[str, str, str, str]]:
    """The quads of ``doc`` before canonicalization (blank node labels arbitrary).

    :returns: ``(subject, predicate, object, graph)`` tuples of N-Quads terms.
    :raises: as :func:`canonicalize_rdfc`, and ``Unsupported`` for the features
        it leaves to pyld.
    """
    return document_quads(doc, loader, safe=safe)


def to_nquads(doc: Mapping, *, loader: Any, safe: bool = True) -> str:
    """The (sorted, not canonical) N-Quads of ``doc``, for inspection and tests."""
    return "".join(sorted(line(quad, None) for quad in to_quads(doc, loader=loader, safe=safe)))
