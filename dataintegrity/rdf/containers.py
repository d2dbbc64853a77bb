"""Language maps, index maps and graph containers.

https://www.w3.org/TR/json-ld11-api/#expansion-algorithm steps 13.7-13.9 and
13.13 (pyld's ``_expand_language_map``, ``_expand_index_map`` and the
``@graph`` container wrapping).  ``@id``/``@type`` maps, graph index maps and
property-valued indexes raise :class:`.expand.Unsupported`.
"""

from __future__ import annotations

from ..errors import MalformedCredential
from .emit import NODE
from .expand import Unsupported, element, literal_item, with_index
from .iri import is_bcp47
from .safety import path_text, refused


def language_map(st, term_ctx, info, value: dict, path) -> list:
    """Expand a language map (``@container: @language``) to language-tagged strings."""
    items = []
    direction = info.direction or None
    for key in sorted(value):
        none = term_ctx.key(key).iri == "@none"
        if st.safe and not none and not is_bcp47(key):
            raise refused((path, key), f"the invalid language tag {key!r}")
        entries = value[key]
        for entry in entries if isinstance(entries, list) else [entries]:
            if entry is None:
                continue
            if not isinstance(entry, str):
                raise MalformedCredential(
                    f"{path_text((path, key))}: language map values must be strings")
            items.append(literal_item(st, entry, None, None if none else key.lower(),
                                      direction, None, (path, key)))
    return items


def index_map(st, term_ctx, g, key, info, value: dict, path) -> list:
    """Expand an index map (``@container: @index``); the index keys have no RDF form.

    :raises UndefinedTerm: in safe mode, since the keys would not be signed.
    """
    mapping = term_ctx.terms.get(key) or {}
    if info.is_graph or "@index" in mapping:
        raise Unsupported("graph and property-valued index maps")
    if st.safe:
        raise refused(path, "the keys of an @index map")
    items = []
    for index in sorted(value):
        entry = value[index]
        result = element(st, term_ctx, key, entry if isinstance(entry, list) else [entry],
                         g, (path, index), False, True)
        keep = term_ctx.key(index).iri != "@none"
        items.extend(with_index(item, index) if keep else item for item in result)
    return items


def graph_container(st, term_ctx, subject, predicate, g, info, value, path) -> int:
    """Expand the value of a ``@graph`` container: each entry becomes a named graph.

    The entry's quads go into a fresh blank-node graph, which the subject's
    property then points to.

    :returns: 1 if pyld would keep the entry in the expanded node, else 0.
    """
    if info.type == "@json":
        raise Unsupported("@json values in a @graph container")
    kept = isinstance(value, list)
    for entry, epath in _leaves(value, path):
        name = st.blank()
        result = element(st, term_ctx, info.name, entry, name, epath)
        if type(result) is list:
            if len(result) > 1:
                raise Unsupported("@set inside a @graph container")
            result = result[0] if result else None
        if result is None:
            continue
        if st.safe and not (result[0] == NODE and result[3] > 0):
            raise refused(epath, "a value, list, or node without properties in a @graph container")
        kept = True
        if predicate is not None:
            st.attach(subject, predicate, (NODE, name, None, 1), g)
    return 1 if kept else 0


def _leaves(value, path):
    """The non-array entries of a (nested) array, with their paths."""
    if not isinstance(value, list):
        if value is not None:
            yield value, path
        return
    for i, entry in enumerate(value):
        yield from _leaves(entry, (path, i))
