"""pyld, for the JSON-LD features the fast path leaves out (non-safe mode only).

pyld converts the document to RDF (``jsonld.to_rdf``); the quads are then
canonicalized by :mod:`.rdfc10`, whose work bound pyld lacks.  The loader is
passed per call as ``options={"documentLoader": loader}``; pyld's global
document loader is never touched.
"""

from __future__ import annotations

import warnings
from typing import Any

from pyld import jsonld

from ..errors import DocumentLoadError, MalformedCredential
from .nquads import literal_term

# pyld reports some invalid input as Python errors rather than JsonLdError.
_PYLD_FAILURES = (jsonld.JsonLdError, KeyError, TypeError, ValueError, AttributeError,
                  IndexError, RecursionError)


def pyld_quads(doc: Any, loader: Any) -> list[tuple[str, str, str, str]]:
    """The quads pyld makes of ``doc``, as N-Quads term tuples.

    :raises DocumentLoadError: for a context URL the loader does not have.
    :raises MalformedCredential: for anything else pyld cannot process.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SyntaxWarning)
            dataset = jsonld.to_rdf(doc, {"documentLoader": loader})
    except _PYLD_FAILURES as error:
        loading = _loader_error(error)
        if loading is not None:
            raise loading from None
        raise MalformedCredential(f"the document is not valid JSON-LD: {_message(error)}") from None
    quads = []
    for name, triples in dataset.items():
        graph = "" if name == "@default" else _term({"type": _kind(name), "value": name})
        for triple in triples:
            quads.append((_term(triple["subject"]), _term(triple["predicate"]),
                          _term(triple["object"]), graph))
    return quads


def _kind(name: str) -> str:
    return "blank node" if name.startswith("_:") else "IRI"


def _term(component: dict) -> str:
    if component["type"] == "IRI":
        return "<" + component["value"] + ">"
    if component["type"] == "blank node":
        return component["value"]
    return literal_term(component["value"], component.get("datatype"), component.get("language"))


def _loader_error(error: BaseException) -> DocumentLoadError | None:
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, DocumentLoadError):
            return error
        error = error.__cause__ or error.__context__
    return None


def _message(error: BaseException) -> str:
    text = error.args[0] if error.args else type(error).__name__
    return str(text)[:200]
