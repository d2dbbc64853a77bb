"""Expansion of one entry of a node object: a property or a minor keyword.

Step 13 of https://www.w3.org/TR/json-ld11-api/#expansion-algorithm (pyld's
``_expand_object``): the term's scoped context, its container (language,
index, graph, list), ``@json`` values, and the quads relating the subject to
the expanded values.
"""

from __future__ import annotations

from ..errors import MalformedCredential
from .containers import graph_container, index_map, language_map
from .emit import LIST
from .expand import Unsupported, check_language, element, literal_item
from .iri import UNSET
from .process import process_context
from .safety import path_text, refused


def scoped_context(st, ctx, info):
    """The context for a term's value: ``ctx`` with the term's scoped context applied."""
    scoped = info.scoped
    if scoped is UNSET or scoped is None:
        return ctx
    term_ctx = info.term_ctx  # ``info`` belongs to ``ctx``, so this is ctx + scoped
    if term_ctx is None:
        term_ctx = info.term_ctx = process_context(
            ctx, scoped, st.env, override_protected=True, stable=ctx.stable)
    if st.safe and term_ctx.warnings:
        raise refused((), term_ctx.warnings[0] + ", so content", "@context")
    return term_ctx


def expand_property(st, ctx, subject, g, key, info, value, path) -> int:
    """Expand the property ``key`` of ``subject`` and emit its quads into ``g``.

    :returns: 1 if pyld would keep the entry in the expanded node, else 0.
    """
    if info.reverse:
        raise Unsupported("@reverse")
    term_ctx = scoped_context(st, ctx, info)
    kpath = (path, key)
    container = info.container
    predicate = info.predicate
    if info.iri[:2] == "_:":
        if st.safe:
            raise refused(kpath, f"the blank node property {key!r}", key)
        predicate = None
    if info.is_graph and "@id" not in container and "@index" not in container:
        return graph_container(st, term_ctx, subject, predicate, g, info, value, kpath)
    items = _value(st, ctx, term_ctx, g, key, info, value, kpath)
    if items is None:
        return 0
    if info.is_list and not (type(items) is tuple and items[0] == LIST):
        items = (LIST, items if type(items) is list else [items])
    mapping = term_ctx.terms.get(key)
    if mapping is not None and mapping["reverse"]:
        raise Unsupported("@reverse")
    if predicate is not None:
        if type(items) is list:
            for item in items:
                st.attach(subject, predicate, item, g)
        else:
            st.attach(subject, predicate, items, g)
    return 1


def _value(st, ctx, term_ctx, g, key, info, value, kpath):
    """The expanded value of a property, by container and type coercion."""
    if type(value) is dict and info.container:
        container = info.container
        if "@language" in container:
            return language_map(st, term_ctx, info, value, kpath)
        if "@index" in container:
            return index_map(st, term_ctx, g, key, info, value, kpath)
        if "@id" in container or "@type" in container:
            raise Unsupported("@id and @type maps")
    if info.type == "@json":
        return literal_item(st, value, "@json", None, None, None, kpath)
    return element(st, term_ctx, key, value, g, kpath)


def other_keyword(st, ctx, g, key, info, value, path) -> int:
    """A keyword entry of a node object with no RDF form (pyld keeps and ignores it).

    :returns: 1 if pyld keeps the entry, else 0.
    :raises UndefinedTerm: in safe mode, since its value would not be signed.
    """
    iri = info.iri
    kpath = (path, key)
    if iri == "@language":
        if value is None:
            return 0
        check_language(st, value, kpath)
    elif iri == "@direction":
        if value not in ("ltr", "rtl") or not isinstance(value, str):
            raise MalformedCredential(f"{path_text(kpath)}: @direction must be ltr or rtl")
    elif iri == "@index":
        if not isinstance(value, str):
            raise MalformedCredential(f"{path_text(kpath)}: @index must be a string")
    if st.safe:
        raise refused(kpath, f"the keyword {iri} on a node object", key)
    if iri in ("@language", "@direction", "@index"):
        return 1
    result = element(st.discarding(), scoped_context(st, ctx, info), key, value, g, kpath)
    return 0 if result is None else 1
