"""The Create Term Definition algorithm.

https://www.w3.org/TR/json-ld11-api/#create-term-definition, ported from
pyld 3.3.0's ``_create_term_definition`` so that every quirk that changes the
output is reproduced.  Term definitions are plain dicts with pyld's keys, so
protected-term comparison is pyld's dict equality.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..errors import MalformedCredential
from .iri import UNSET, has_keyword_form, is_absolute_iri, is_bcp47, is_keyword
from .iri_expansion import expand_iri
from .term_checks import check_term_keys, container_mapping, extra_entries

if TYPE_CHECKING:
    from .context import ActiveContext

_VALID_TYPE_KEYS = ("@container", "@id", "@protected")
# pyld's own patterns, kept verbatim because "." and "$" treat newlines specially.
_PREFIX_FORM = re.compile(r".*[:/\?#\[\]@]$")
_IRI_FORM = re.compile(r".*((:[^:])|/)")


def create_term_definition(active: "ActiveContext", local: dict, term: str,
                           defined: dict, override_protected: bool = False) -> None:
    """Define ``term`` of the local context ``local`` in ``active`` (in place).

    https://www.w3.org/TR/json-ld11-api/#create-term-definition

    :raises MalformedCredential: for an invalid definition (cyclic IRI
        mapping, keyword redefinition, protected term redefinition, ...).
    """
    if term in defined:
        if defined[term]:
            return
        raise MalformedCredential(f"the context defines {term!r} cyclically (cyclic IRI mapping)")
    defined[term] = False
    value = local.get(term)
    if not _check_term_name(active, local, term, value):
        return
    previous = active.terms.pop(term, None)
    simple = isinstance(value, str) or value is None
    if simple:
        value = {"@id": value}
    if not isinstance(value, dict):
        raise MalformedCredential(
            f"the context's definition of {term!r} must be a string or an object")
    check_term_keys(term, value)
    mapping = {"reverse": False, "protected": False, "_prefix": False,
               "_term_has_colon": term.find(":") > 0}
    if _set_iri_mapping(active, local, term, value, simple, mapping, defined, previous) is False:
        return
    _set_entries(active, local, term, value, mapping, defined)
    if previous and previous["protected"] and not override_protected:
        mapping["protected"] = True
        if previous != mapping:
            raise MalformedCredential(
                f"the context redefines the protected term {term!r}", property=term)
    active.terms[term] = mapping
    defined[term] = True


def _set_entries(active, local, term, value, mapping, defined) -> None:
    """Steps 12 and 18-27: protection, type mapping, container and the rest."""
    if value.get("@protected") or (defined.get("@protected") and value.get("@protected", True)):
        mapping["protected"] = True
    if "@type" in value:
        mapping["@type"] = _type_mapping(active, local, term, value["@type"], defined)
    if "@container" in value:
        container_mapping(term, value, mapping)
    extra_entries(term, value, mapping)
    if mapping.get("@language") and not is_bcp47(mapping["@language"]):
        active.warn(f"the language of the term {term!r} is not a BCP47 language tag")
    if mapping["@id"] in ("@context", "@preserve"):
        raise MalformedCredential(f"the context may not alias {mapping['@id']} (term {term!r})")


def _check_term_name(active, local, term, value) -> bool:
    """Steps 4-5: reject keywords, skip reserved ``@``-terms; ``False`` to skip."""
    if term == "@type" and isinstance(value, dict) and value.get("@container", "@set") == "@set":
        if not value or any(k not in _VALID_TYPE_KEYS for k in value):
            raise MalformedCredential("a context may not redefine the keyword @type")
        return True
    if is_keyword(term):
        raise MalformedCredential(f"a context may not redefine the keyword {term}")
    if has_keyword_form(term):
        active.warn(f"the context term {term!r} has the form of a keyword and is ignored")
        return False
    if term == "":
        raise MalformedCredential("a context may not define the empty term")
    return True


def _set_iri_mapping(active, local, term, value, simple, mapping, defined, previous):
    """Steps 11-16: the term's IRI mapping; ``False`` when the term is skipped."""
    if "@reverse" in value:
        return _reverse_mapping(active, local, term, value, mapping, defined, previous)
    if "@id" in value:
        iri = value["@id"]
        if iri and not isinstance(iri, str):
            raise MalformedCredential(f"the @id of the term {term!r} must be a string")
        if iri is None:
            mapping["@id"] = None
        elif not is_keyword(iri) and has_keyword_form(iri):
            active.warn(f"the term {term!r} maps to the reserved value {iri!r} and is ignored")
            _restore(active, term, previous)
            return False
        elif iri != term:
            mapping["@id"] = _term_iri(active, local, term, iri, defined)
            mapping["_prefix"] = (
                simple and not mapping["_term_has_colon"]
                and (mapping["@id"].startswith("_:")
                     or _PREFIX_FORM.match(mapping["@id"]) is not None))
    if "@id" not in mapping:
        _implicit_iri(active, local, term, mapping, defined)
    return True


def _term_iri(active, local, term, iri, defined):
    """Expand an explicit @id and check a term that looks like an IRI maps to itself."""
    expanded = expand_iri(active, iri, vocab=True, local=local, defined=defined)
    if not is_absolute_iri(expanded) and not is_keyword(expanded):
        raise MalformedCredential(
            f"the term {term!r} must map to an absolute IRI, a blank node or a keyword, "
            f"not {iri!r} (invalid IRI mapping)")
    if _IRI_FORM.match(term):
        own = expand_iri(active, term, vocab=True, local=local,
                         defined={**defined, term: True})
        if own != expanded:
            raise MalformedCredential(
                f"the term {term!r} has the form of an IRI but maps to {iri!r}")
    return expanded


def _implicit_iri(active, local, term, mapping, defined):
    """Step 16: compact IRIs, @type, or the vocabulary mapping."""
    if mapping["_term_has_colon"]:
        prefix = term[:term.find(":")]
        if prefix in local:
            create_term_definition(active, local, prefix, defined)
        parent = active.terms.get(prefix)
        if parent is not None:
            if parent["@id"] is None:
                raise MalformedCredential(
                    f"the term {term!r} uses the prefix {prefix!r}, which maps to null")
            mapping["@id"] = parent["@id"] + term[len(prefix) + 1:]
        else:
            mapping["@id"] = term
    elif term == "@type":
        mapping["@id"] = term
    elif active.vocab is UNSET:
        raise MalformedCredential(
            f"the context term {term!r} has no @id and there is no @vocab (invalid IRI mapping)")
    else:
        mapping["@id"] = active.vocab + term


def _reverse_mapping(active, local, term, value, mapping, defined, previous):
    """Step 13: reverse properties."""
    if "@id" in value or "@nest" in value:
        raise MalformedCredential(f"the reverse term {term!r} may not have @id or @nest")
    reverse = value["@reverse"]
    if not isinstance(reverse, str):
        raise MalformedCredential(f"the @reverse of the term {term!r} must be a string")
    if has_keyword_form(reverse):
        active.warn(f"the term {term!r} reverses the reserved value {reverse!r} and is ignored")
        _restore(active, term, previous)
        return False
    iri = expand_iri(active, reverse, vocab=True, local=local, defined=defined)
    if not is_absolute_iri(iri):
        raise MalformedCredential(f"the @reverse of the term {term!r} must be an absolute IRI")
    mapping["@id"] = iri
    mapping["reverse"] = True
    return True


def _restore(active, term, previous):
    if previous:
        active.terms[term] = previous


def _type_mapping(active, local, term, type_, defined):
    """Step 14: the term's type coercion."""
    if not isinstance(type_, str):
        raise MalformedCredential(f"the @type of the term {term!r} must be a string")
    if type_ in ("@json", "@none", "@id", "@vocab"):
        return type_
    iri = expand_iri(active, type_, vocab=True, local=local, defined=defined)
    if not is_absolute_iri(iri) or iri.startswith("_:"):
        raise MalformedCredential(
            f"the @type of the term {term!r} must be an absolute IRI, not {type_!r}")
    return iri
