"""Expansion of JSON objects: which contexts apply, and what kind of object it is.

Steps 6-12 of https://www.w3.org/TR/json-ld11-api/#expansion-algorithm,
following pyld 3.3.0's ``_expand``: revert type-scoped contexts, apply the
property-scoped, embedded and (in sorted order) type-scoped contexts, then
hand the object to :mod:`.values` (value, list and set objects) or
:mod:`.nodes` (node objects).  Everything that depends only on the context
and the object's keys is memoised on the context, per shape.
"""

from __future__ import annotations

from ..errors import MalformedCredential
from .expand import NO_KEY
from .iri import UNSET
from .nodes import id_key, node_object
from .process import process_context
from .safety import path_text, refused
from .values import list_or_set, value_object

_NODE, _VALUE, _LIST_OR_SET = 0, 1, 2


def expand_object(st, ctx, ap, el, g, path, inside_list, inside_index, tsc, root=False):
    """Expand the JSON object ``el`` (the value of ``ap``) and emit its quads.

    What depends only on the context and the object's keys (the contexts to
    apply, each key's :class:`.context.KeyInfo`, the kind of object) is
    memoised on the context, per shape.

    :returns: ``None`` if JSON-LD drops it, else an item or a list of items.
    """
    keys = tuple(el)
    if tsc is None and "@context" not in el:
        prepared = ctx.shape((ap, keys, inside_index), lambda: _prepare(
            st, ctx, ap, el, keys, inside_index, None, path))
    else:
        prepared = _prepare(st, ctx, ap, el, keys, inside_index, tsc, path)
    typed, ap_info, type_keys = prepared
    ctx = typed
    if type_keys:
        types = _types_of(el, type_keys)
        ctx = typed.typed(types, lambda: _apply_types(st, typed, types))
    if st.safe and ctx.warnings:
        raise refused(path, ctx.warnings[0] + ", so content", "@context")
    infos, kind, found_id = ctx.plan(keys, lambda: _plan(ctx, keys, path))
    if kind == _NODE:
        return node_object(st, ctx, ap_info, el, infos, found_id, typed, g, path, inside_list, root)
    if kind == _VALUE:
        type_key = type_keys[0] if type_keys else None
        return value_object(st, ctx, ap_info, el, infos, type_key, typed, path, inside_list)
    return list_or_set(st, ctx, ap, ap_info, el, infos, g, path, inside_list)


def _prepare(st, ctx, ap, el, keys, inside_index, tsc, path):
    """Revert type-scoped contexts, then apply property-scoped and embedded ones.

    :returns: the context (before type-scoped contexts), the active
        property's :class:`.context.KeyInfo`, and the keys that are ``@type``
        in sorted order.
    """
    ap_info = NO_KEY if ap is None else ctx.key(ap)
    incoming = ctx
    if not inside_index:
        ctx = _revert(ctx, tsc, el, keys)
    scoped = ap_info.scoped
    if scoped is not None and scoped is not UNSET:
        # a scoped context of null is stored as False and resets the context
        ctx = process_context(ctx, scoped, st.env, override_protected=True,
                              stable=incoming.stable)
    if "@context" in el:
        local = el["@context"]
        if isinstance(local, dict) and len(local) == 1 and "@context" in local:
            raise MalformedCredential(f"{path_text(path)}: @context may not be redefined")
        ctx = process_context(ctx, local, st.env)
    type_keys = sorted(k for k in keys if ctx.key(k).iri == "@type")
    return ctx, ap_info, tuple(type_keys)


def _revert(ctx, tsc, el, keys):
    """Leave a type-scoped context, unless ``el`` is a value or a node reference."""
    if tsc is None and ctx.previous is not None:
        tsc = ctx
    if tsc is not None and len(keys) <= 2 and "@context" not in el:
        for k in keys:
            iri = tsc.key(k).iri
            if iri == "@value":
                return tsc
            if iri == "@id" and len(keys) == 1:
                return ctx
    return ctx.previous if ctx.previous is not None else ctx


def _types_of(el, type_keys) -> tuple:
    """The node's type strings: per ``@type`` key (sorted), each key's sorted values."""
    if len(type_keys) == 1:
        value = el[type_keys[0]]
        if type(value) is str:
            return (value,)
        found = [t for t in value if type(t) is str] if type(value) is list else []
        found.sort()
        return tuple(found)
    types = []
    for k in type_keys:
        value = el[k]
        found = [t for t in (value if type(value) is list else [value]) if type(t) is str]
        found.sort()
        types.extend(found)
    return tuple(types)


def _plan(ctx, keys, path):
    """Each key's :class:`.context.KeyInfo`, the kind of object, and its @id key."""
    infos = [(k, ctx.key(k)) for k in keys if k != "@context"]
    kind = _NODE
    for _, info in infos:
        if info.iri == "@value":
            kind = _VALUE
            break
        if info.iri == "@list" or info.iri == "@set":
            kind = _LIST_OR_SET
    return infos, kind, id_key(infos, path)


def _apply_types(st, typed, types):
    ctx = typed
    for t in types:
        mapping = typed.terms.get(t)
        scoped = None if mapping is None else mapping.get("@context")
        if scoped is not None and scoped is not False:
            ctx = process_context(ctx, scoped, st.env, propagate=False, stable=typed.stable)
    return ctx
