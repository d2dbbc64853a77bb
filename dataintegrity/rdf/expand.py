"""JSON-LD expansion fused with Deserialize JSON-LD to RDF.

https://www.w3.org/TR/json-ld11-api/#expansion-algorithm and
https://www.w3.org/TR/json-ld11-api/#deserialize-json-ld-to-rdf-algorithm:
instead of building the expanded document and a node map, each element is
turned straight into quads (see :mod:`.emit`).  This module dispatches on the
element's JSON type (steps 1-5 of the expansion algorithm) and implements
Value Expansion (https://www.w3.org/TR/json-ld11-api/#value-expansion);
objects are handled in :mod:`.nodes`.  The decisions follow pyld 3.3.0's
``_expand``/``_expand_value`` so the quads are the ones pyld produces.
"""

from __future__ import annotations

from ..errors import MalformedCredential
from .emit import LIST, NODE, VALUE
from .iri import is_absolute_iri, is_bcp47
from .literals import literal
from .safety import path_text, refused
from .iri_expansion import expand_iri_ex

_INF = float("inf")
_NESTED_LIST = object()


class Unsupported(Exception):
    """A JSON-LD feature this fast path leaves to pyld (see :mod:`dataintegrity.canonicalize`)."""

    def __init__(self, feature: str):
        super().__init__(feature)
        self.feature = feature


class _NoKey:
    """What :meth:`ActiveContext.key` would say about a missing active property."""

    iri = type = scoped = language = direction = None
    keyword = dropped = reverse = is_list = is_graph = False
    container = ()


NO_KEY = _NoKey()
#: The item for a value that pyld keeps under a keyword with no RDF form.
IGNORED = (3,)


def key_info(ctx, name):
    """``ctx.key(name)``, or :data:`NO_KEY` when there is no active property."""
    return NO_KEY if name is None else ctx.key(name)


def element(st, ctx, ap, el, g, path, inside_list=False, inside_index=False, tsc=None):
    """Expand ``el``, the value of the active property ``ap``, emitting its quads into ``g``.

    :returns: ``None`` (dropped), an item, or a Python list of items.
    :raises UndefinedTerm: in safe mode, for anything that would be dropped.
    :raises MalformedCredential: for invalid JSON-LD.
    """
    kind = type(el)
    if kind is dict:
        return objects.expand_object(st, ctx, ap, el, g, path, inside_list, inside_index, tsc)
    if kind is list:
        return _array(st, ctx, ap, el, g, path, inside_list, inside_index, tsc)
    if el is None:
        return None
    if kind is float and (el != el or el == _INF or el == -_INF):
        raise MalformedCredential(f"{el} is not a JSON number")
    if kind is not str and kind is not int and kind is not bool and kind is not float:
        return element(st, ctx, ap, _plain(el), g, path, inside_list, inside_index, tsc)
    if not inside_list and (ap is None or ctx.key(ap).iri == "@graph"):
        if st.safe:
            raise refused(path, f"the free-floating value {_short(el)}")
        return None
    return scalar(st, ctx, ap, el, path)


def _plain(el):
    """Accept subclasses of the JSON types; refuse anything else."""
    for base in (dict, list, str, bool, int, float):
        if isinstance(el, base):
            return base(el)
    raise MalformedCredential(f"a {type(el).__name__} is not a JSON value")


def _array(st, ctx, ap, el, g, path, inside_list, inside_index, tsc):
    """Step 5: expand each entry; nested arrays in lists become lists."""
    if not inside_list and ap is not None and ctx.key(ap).is_list:
        inside_list = True
    out = []
    for i, entry in enumerate(el):
        result = element(st, ctx, ap, entry, g, (path, i), inside_list, inside_index, tsc)
        if result is None:
            continue
        if type(result) is list:
            if inside_list:
                out.append((LIST, result))
            else:
                out.extend(result)
        else:
            out.append(result)
    return out


def scalar(st, ctx, ap, value, path):
    """Value Expansion of a scalar under the active property ``ap``."""
    info = key_info(ctx, ap)
    iri = info.iri
    coerce = info.type
    if type(value) is str:
        if coerce == "@id" or iri == "@graph":
            return document_ref(st, ctx, value, path)
        if coerce == "@vocab":
            found, relative, term = ctx.vocab_value(value)
            if term is not None:
                return (NODE, term, None, 0)
            return node_item(st, found, relative, value, path)
    if iri == "@id" or iri == "@type":
        raise MalformedCredential(f"{_short(value)} cannot be the value of {iri}")
    if info.keyword:
        return IGNORED
    if coerce is not None and coerce not in ("@id", "@vocab", "@none"):
        return literal_item(st, value, coerce, None, None, None, path)
    if type(value) is str:
        return literal_item(st, value, None, info.language, info.direction, None, path)
    return literal_item(st, value, None, None, None, None, path)


def document_ref(st, ctx, value: str, path):
    """A node reference from a document-relative IRI (``@id`` values)."""
    found, relative = expand_iri_ex(ctx, value, False, "")
    return node_item(st, found, relative, value, path)


def node_item(st, iri, relative, raw, path, entries=0):
    """The item for a node reference to ``iri``."""
    return (NODE, iri_term(st, iri, relative, raw, path), None, entries)


def iri_term(st, iri, relative, raw, path):
    """The N-Quads term of an expanded IRI; ``None`` where pyld drops it.

    :raises UndefinedTerm: in safe mode, for relative or reserved IRIs.
    """
    if iri is None:
        if st.safe:
            raise refused(path, f"the reserved value {_short(raw)}")
        return None
    if iri[:2] == "_:":
        return st.document_blank(iri)
    if relative or not is_absolute_iri(iri):
        if st.safe:
            raise refused(path, f"the relative IRI reference {_short(raw)}")
        if not is_absolute_iri(iri):
            return None
    return "<" + iri + ">"


def literal_item(st, value, datatype, language, direction, index, path):
    """The item for the value object ``{@value, @type, @language, @direction, @index}``."""
    if direction is not None and st.safe:
        raise refused(path, "the base direction (@direction) of a string")
    term = literal(value, datatype, language)
    if index is None and datatype is None and language is None and type(value) is str:
        return (VALUE, term, term)
    if datatype == "@json":
        tag, frozen = ("b" if type(value) is bool else "j"), _freeze(value)
    else:
        tag, frozen = ("b" if type(value) is bool else "x"), value
    return (VALUE, term, (datatype, language, index, tag, frozen))


def check_language(st, value, path) -> str:
    """A ``@language`` value: a string, lower-cased; safe mode wants BCP47."""
    if not isinstance(value, str):
        raise MalformedCredential(f"{path_text(path)}: @language must be a string")
    if st.safe and not is_bcp47(value):
        raise refused(path, f"the invalid language tag {value!r}")
    return value.lower()


def _freeze(value):
    """A hashable stand-in for a JSON value, equal when Python's ``==`` is."""
    if isinstance(value, dict):
        return frozenset((k, _freeze(v)) for k, v in value.items())
    if isinstance(value, list):
        return (_NESTED_LIST,) + tuple(_freeze(v) for v in value)
    return value


def with_index(item, index: str):
    """``item`` as an @index map entry would carry it (pyld sets @index if absent)."""
    if item[0] != VALUE:
        return item
    key = item[2]
    if type(key) is str:
        return (VALUE, item[1], (None, None, index, "s", key))
    if key[2] is None:
        return (VALUE, item[1], (key[0], key[1], index, key[3], key[4]))
    return item


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


from . import objects  # noqa: E402  (objects imports this module: resolve the cycle last)
