"""IRI Expansion (https://www.w3.org/TR/json-ld11-api/#iri-expansion).

Ported from pyld 3.3.0's ``_expand_iri``, including its use of
``http://example.org/base/`` as the document base when there is none: the
extra result *relative* of :func:`expand_iri_ex` tells safe mode when that
happened (jsonld.js reports a relative IRI reference there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .iri import DEFAULT_BASE, KEYWORDS, UNSET, has_keyword_form, is_absolute_iri, resolve

if TYPE_CHECKING:
    from .context import ActiveContext


def expand_iri(active: "ActiveContext", value: Any, *, vocab: bool = False,
               base: str | None = None, local: dict | None = None,
               defined: dict | None = None) -> Any:
    """Expand ``value`` to an IRI, keyword or ``None`` (dropped).

    https://www.w3.org/TR/json-ld11-api/#iri-expansion

    :param base: ``''`` to resolve against the document base, ``None`` not to.
    :param local: the local context being processed, if any (with ``defined``).
    """
    return expand_iri_ex(active, value, vocab, base, local, defined)[0]


def expand_iri_ex(active, value, vocab=False, base=None, local=None, defined=None):
    """Like :func:`expand_iri`, but also tell whether the document base was used.

    :returns: ``(iri, relative)``; ``relative`` is true when the value was a
        relative reference resolved against the (absent) document base, or
        was left relative.  Safe mode refuses such IRIs.
    """
    if value is None or not isinstance(value, str) or value in KEYWORDS:
        return value, False
    if value[:1] == "@" and has_keyword_form(value):
        return None, False
    if local is not None and value in local and defined.get(value) is not True:
        definitions.create_term_definition(active, local, value, defined)
    terms = active.terms
    if vocab and value in terms:
        return terms[value]["@id"], False
    colon = value.find(":")
    if colon > 0:
        prefix, suffix = value[:colon], value[colon + 1:]
        if prefix == "_" or suffix.startswith("//"):
            return value, False
        if local is not None and prefix in local and not defined.get(prefix):
            definitions.create_term_definition(active, local, prefix, defined)
        mapping = terms.get(prefix)
        if mapping and mapping["_prefix"]:
            return mapping["@id"] + suffix, False
        if is_absolute_iri(value):
            return value, False
    if vocab and active.vocab is not UNSET:
        return active.vocab + value, False
    return _resolve_relative(active, value, base)


def _resolve_relative(active, value, base):
    """The document-relative tail of IRI expansion (pyld semantics)."""
    if base is not None and active.base is not UNSET:
        if active.base is None:
            return value, True
        ctx_base = active.base
        if not is_absolute_iri(ctx_base):
            ctx_base = resolve(ctx_base, base)
        iri = resolve(value, ctx_base)
        return iri, not is_absolute_iri(iri)
    if base == "":
        return resolve(value, DEFAULT_BASE), True
    if base:
        return resolve(value, base), False
    return value, True


from . import terms as definitions  # noqa: E402  (terms imports this module first)
