"""Value objects, list objects and set objects.

Steps 13.4.7-13.4.12, 15 and 16 of
https://www.w3.org/TR/json-ld11-api/#expansion-algorithm, with pyld 3.3.0's
validation order and messages reworded.  Entries other than the allowed
keywords must expand to nothing, otherwise the object is invalid.
"""

from __future__ import annotations

from ..errors import MalformedCredential
from .emit import LIST, NODE
from .expand import check_language, element, literal_item
from .iri import is_absolute_iri
from .properties import scoped_context
from .safety import path_text, refused, undefined

_VALUE_KEYWORDS = ("@value", "@type", "@language", "@direction", "@index")


def value_object(st, ctx, ap_info, el, infos, type_key, typed, path, inside_list):
    """Expand a value object to a literal item (``None`` if JSON-LD drops it)."""
    entries = _value_entries(st, ctx, el, infos, type_key, typed, path)
    value = entries["@value"]
    datatype = entries.get("@type")
    if "@type" in entries and ("@language" in entries or "@direction" in entries):
        raise MalformedCredential(f"{path_text(path)}: a value may not have both @type and @language")
    if datatype != "@json":
        if value is None:
            if st.safe:
                raise refused(path, "the value object with a null @value")
            return None
        if isinstance(value, (dict, list)):
            raise MalformedCredential(f"{path_text(path)}: @value must not be an object or array")
        if "@language" in entries and not isinstance(value, str):
            raise MalformedCredential(f"{path_text(path)}: only strings may be language-tagged")
        if datatype is not None and (not is_absolute_iri(datatype) or datatype[:2] == "_:"):
            raise MalformedCredential(f"{path_text(path)}: @type of a value must be an absolute IRI")
    if st.safe and "@index" in entries:
        raise refused(path, "the @index of a value")
    if not inside_list and (ap_info.iri is None or ap_info.iri == "@graph"):
        if st.safe:
            raise refused(path, "the free-floating value object")
        return None
    return literal_item(st, value, datatype, entries.get("@language"),
                        entries.get("@direction"), entries.get("@index"), path)


def _value_entries(st, ctx, el, infos, type_key, typed, path) -> dict:
    """The value object's keyword entries, checked, by keyword.

    :raises MalformedCredential: for invalid entries or other members.
    """
    entries: dict = {}
    for key, info in infos:
        iri = info.iri
        kpath = (path, key)
        if info.dropped:
            if st.safe:
                raise undefined(path, key)
            continue
        if iri not in _VALUE_KEYWORDS:
            _must_vanish(st, ctx, el, key, info, path, "value object")
            continue
        if iri in entries and iri != "@type":
            raise MalformedCredential(f"{path_text(path)}: colliding keywords ({iri})")
        value = el[key]
        if iri == "@value":
            if isinstance(value, list) and not _is_json(ctx, el, type_key):
                raise MalformedCredential(f"{path_text(kpath)}: @value must not be an array")
            entries[iri] = value
        elif iri == "@type":
            entries[iri] = _value_type(st, typed, value, kpath)
        elif iri == "@language":
            if value is not None:
                entries[iri] = check_language(st, value, kpath)
        elif iri == "@direction":
            if not isinstance(value, str) or value not in ("ltr", "rtl"):
                raise MalformedCredential(f"{path_text(kpath)}: @direction must be ltr or rtl")
            entries[iri] = value
        elif not isinstance(value, str):
            raise MalformedCredential(f"{path_text(kpath)}: @index must be a string")
        else:
            entries[iri] = value
    return entries


def _is_json(ctx, el, type_key) -> bool:
    if type_key is None:
        return False
    first = el[type_key]
    if isinstance(first, list) and first:
        first = first[0]
    return isinstance(first, str) and ctx.key(first).iri == "@json"


def _value_type(st, typed, value, path):
    if value is None:
        return None
    if not isinstance(value, str):
        raise MalformedCredential(f"{path_text(path)}: @type of a value must be a string or null")
    iri, relative, _ = typed.vocab_value(value)
    if relative and st.safe:
        raise refused(path, f"the relative datatype IRI {value!r}")
    return iri


def _must_vanish(st, ctx, el, key, info, path, what):
    """Other entries are allowed only if they expand to nothing (pyld counts them)."""
    if element(st.discarding(), ctx, key, el[key], "", (path, key)) is not None:
        raise MalformedCredential(f"{path_text(path)}: a {what} may not have the entry {key!r}")


def list_or_set(st, ctx, ap, ap_info, el, infos, g, path, inside_list):
    """Expand ``{"@list": ...}`` to a list item, or ``{"@set": ...}`` to its items."""
    key, info = _list_or_set_key(st, ctx, el, infos, path)
    term_ctx = scoped_context(st, ctx, info)
    if info.iri == "@set":
        result = element(st, term_ctx, ap, el[key], g, (path, key))
        return _vanished(st, path) if result is None else (
            result if type(result) is list else [result])
    top = not inside_list and (ap is None or ap_info.iri == "@graph")
    if top and st.safe:
        raise refused(path, "the free-floating list")
    target = st.discarding() if top else st
    result = element(target, term_ctx, None if ap_info.iri == "@graph" else ap, el[key], g,
                     (path, key), True)
    if result is None:
        return _vanished(st, path)
    return None if top else (LIST, result if type(result) is list else [result])


def _list_or_set_key(st, ctx, el, infos, path):
    """The ``@list`` or ``@set`` entry; the only other one allowed is ``@index``."""
    main = None
    for key, info in infos:
        if info.dropped:
            if st.safe:
                raise undefined(path, key)
        elif info.iri in ("@list", "@set"):
            if main is not None:
                raise MalformedCredential(f"{path_text(path)}: a list or set object has one entry")
            main = (key, info)
        elif info.iri == "@index":
            if not isinstance(el[key], str):
                raise MalformedCredential(f"{path_text((path, key))}: @index must be a string")
            if st.safe:
                raise refused((path, key), "the @index of a list or set", key)
        else:
            _must_vanish(st, ctx, el, key, info, path, "list or set object")
    return main


def _vanished(st, path):
    """``{"@list": null}`` and ``{"@set": null}`` expand to an empty node in pyld."""
    if st.safe:
        raise refused(path, "the list or set with a null value")
    return (NODE, st.blank(), None, 0)
