"""From a JSON-LD document to its RDF quads, in one pass.

https://www.w3.org/TR/json-ld11-api/#dom-jsonldprocessor-tordf: expansion
(https://www.w3.org/TR/json-ld11-api/#expansion-algorithm) fused with
https://www.w3.org/TR/json-ld11-api/#deserialize-json-ld-to-rdf-algorithm, as
pyld 3.3.0 computes them with no base IRI.
"""

from __future__ import annotations

from typing import Any, Mapping

from ..errors import InputTooLarge, MalformedCredential
from .emit import State
from .expand import element
from .objects import expand_object
from .resolve import ContextEnv

Quad = tuple[str, str, str, str]


def document_quads(doc: Any, loader: Any, *, safe: bool = True) -> list[Quad]:
    """The quads of the JSON-LD document ``doc``.

    :param doc: a JSON object (or array) as :func:`json.loads` returns it.
    :param loader: the document loader for context URLs.
    :param safe: refuse anything that JSON-LD would drop (see :mod:`.safety`).
    :returns: ``(subject, predicate, object, graph)`` tuples of N-Quads terms;
        ``graph`` is ``""`` for the default graph.  As in pyld, the same quad
        can appear twice when two different JSON-LD values map to it.
    :raises UndefinedTerm: in safe mode, for content that would be dropped.
    :raises MalformedCredential: for invalid JSON-LD.
    :raises DocumentLoadError: for a context URL the loader does not have.
    :raises Unsupported: for a JSON-LD feature this implementation leaves to pyld.
    """
    env = ContextEnv(loader)
    st = State(env, safe)
    try:
        if isinstance(doc, Mapping):
            expand_object(st, env.initial, None, dict(doc), "", (), False, False, None, True)
        elif isinstance(doc, list):
            element(st, env.initial, None, doc, "", ())
        else:
            raise MalformedCredential("a JSON-LD document must be a JSON object or array")
    except RecursionError:
        raise InputTooLarge("the document is nested too deeply") from None
    return st.quads
