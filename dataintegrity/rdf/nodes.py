"""Node objects: subject, types, properties and graphs, emitted as quads.

Step 13 of https://www.w3.org/TR/json-ld11-api/#expansion-algorithm for node
objects and their part of https://www.w3.org/TR/json-ld11-api/#node-map-generation,
following pyld 3.3.0's ``_expand_object``.  A node's subject is fixed first
(its ``@id`` or a fresh blank node), then each entry is expanded and its
quads emitted; ``@graph`` comes last, because pyld moves the content of a
top-level object that holds nothing but ``@graph`` to the default graph.
Entries are visited in document order: unlike pyld's sorted order, that
changes no quad.
"""

from __future__ import annotations

from ..errors import MalformedCredential
from .emit import NODE
from .expand import Unsupported, document_ref, element, iri_term
from .iri import RDF_TYPE
from .literals import escape
from .properties import expand_property, other_keyword, scoped_context
from .safety import path_text, refused, undefined

_TYPE = "<" + RDF_TYPE + ">"
_UNSUPPORTED_KEYWORDS = ("@reverse", "@nest", "@included")


def node_object(st, ctx, ap_info, el, infos, id_key, typed, g, path, inside_list, root):
    """Expand a node object: subject, @type, properties, then @graph.

    :returns: the node item, or ``None`` where JSON-LD drops the node.
    """
    subject = st.blank() if id_key is None else _subject(st, ctx, el[id_key], (path, id_key))
    entries, graph_key = _entries(st, ctx, el, infos, typed, subject, g, path)
    if graph_key is not None:
        only_graph = root and entries == 0 and id_key is None
        entries += _graph(st, ctx, graph_key, el[graph_key], "" if only_graph else subject, path)
    count = entries + (id_key is not None)
    if not inside_list and (ap_info.iri is None or ap_info.iri == "@graph") and \
            (count == 0 or (count == 1 and id_key is not None)):
        if st.safe:
            what = "an empty object" if count == 0 else "an object with nothing but an @id"
            raise refused(path, what)
        return None
    return (NODE, subject, None, entries)


def _entries(st, ctx, el, infos, typed, subject, g, path):
    """Emit the quads of every entry but ``@id`` and ``@graph``.

    :returns: how many entries pyld's expanded node would have (without
        ``@id``), and the key that is ``@graph``, if any.
    """
    entries = 0
    graph_key = None
    keywords: set = set()
    for k, info in infos:
        value = el[k]
        if info.fast:
            kind = type(value)
            if kind is str:
                _fast(st, ctx, subject, g, info, value, (path, k))
                entries += 1
                continue
            if kind is list:
                _fast_list(st, ctx, subject, g, k, info, value, (path, k))
                entries += 1
                continue
        if info.dropped:
            _dropped(st, k, path)
        elif not info.keyword:
            entries += expand_property(st, ctx, subject, g, k, info, value, path)
        elif info.iri == "@type":
            entries += _types(st, typed, subject, g, value, (path, k))
        elif info.iri == "@graph":
            graph_key = _graph_key(graph_key, k, value, path)
        elif info.iri in _UNSUPPORTED_KEYWORDS:
            raise Unsupported(info.iri)
        elif info.iri != "@id":
            if info.iri in keywords:
                raise MalformedCredential(f"{path_text(path)}: colliding keywords ({info.iri})")
            keywords.add(info.iri)
            entries += other_keyword(st, ctx, g, k, info, value, path)
    return entries, graph_key


def _fast(st, ctx, subject, g, info, value, path):
    """A string value of a plain property: a literal or an IRI, emitted directly."""
    if info.type == "@id":
        term = key = document_ref(st, ctx, value, path)[1]
        if term is None:
            return
    else:
        term = '"' + escape(value) + info.suffix
        key = term if info.keyed else (info.type, info.language, None, "x", value)
    if subject is not None and g is not None:
        seen = (g, subject, info.predicate, key)
        if seen not in st.seen:
            st.seen.add(seen)
            st.quads.append((subject, info.predicate, term, g))


def _fast_list(st, ctx, subject, g, key, info, values, path):
    """An array value of a plain property (no container, so no list)."""
    for i, value in enumerate(values):
        if type(value) is str:
            _fast(st, ctx, subject, g, info, value, (path, i))
            continue
        result = element(st, ctx, key, value, g, (path, i))
        if type(result) is list:
            for item in result:
                st.attach(subject, info.predicate, item, g)
        elif result is not None:
            st.attach(subject, info.predicate, result, g)


def id_key(infos, path):
    """The key that is ``@id`` (``None`` if none).

    :raises MalformedCredential: for two of them.
    """
    found = None
    for k, info in infos:
        if info.iri == "@id":
            if found is not None:
                raise MalformedCredential(f"{path_text(path)}: colliding keywords ({found}, {k})")
            found = k
    return found


def _subject(st, ctx, raw, path):
    if type(raw) is not str:
        raise MalformedCredential(f"{path_text(path)}: @id must be a string")
    return document_ref(st, ctx, raw, path)[1]


def _dropped(st, key, path):
    if not isinstance(key, str):
        raise MalformedCredential(f"{path_text(path)}: object keys must be strings")
    if st.safe:
        raise undefined(path, key)


def _types(st, typed, subject, g, raw, path) -> int:
    """``@type``: rdf:type quads, with IRIs expanded in the type-scoped context."""
    values = raw if type(raw) is list else [raw]
    for v in values:
        if type(v) is not str:
            raise MalformedCredential(
                f"{path_text(path)}: @type must be a string or an array of strings")
        iri, relative, term = typed.vocab_value(v)
        if term is None:
            term = iri_term(st, iri, relative, v, path)
        if term is not None:
            st.add(subject, _TYPE, term, g, ("@type", term))
    return 1 if values else 0


def _graph_key(found, key, value, path):
    if found is not None:
        raise MalformedCredential(f"{path_text(path)}: colliding keywords ({found}, {key})")
    if not isinstance(value, (dict, list)):
        raise MalformedCredential(f"{path_text(path)}.{key}: @graph must be an object or array")
    return key


def _graph(st, ctx, key, value, name, path) -> int:
    """The content of ``@graph``, emitted into the graph ``name``."""
    info = ctx.key(key)
    if info.container:
        raise Unsupported("a container on an alias of @graph")
    term_ctx = scoped_context(st, ctx, info)
    result = element(st, term_ctx, key, value, name, (path, key))
    return 0 if result is None else 1
