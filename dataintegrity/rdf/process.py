"""The JSON-LD 1.1 Context Processing algorithm.

https://www.w3.org/TR/json-ld11-api/#context-processing-algorithm, ported from
pyld 3.3.0's ``_process_context`` (including its quirks: the copy of a
context drops the default base direction, scoped contexts are validated when
their term is defined, and ``@import`` merges the imported context under the
importing one).  Processed contexts are memoised on the context they were
derived from (see :class:`.context.ActiveContext`).
"""

from __future__ import annotations

from ..errors import DocumentLoadError, MalformedCredential
from .context import ActiveContext
from .iri import UNSET, is_absolute_iri, is_bcp47, resolve
from .resolve import ContextEnv, memo_key, resolve_local
from .iri_expansion import expand_iri_ex
from .terms import create_term_definition

_CONTEXT_KEYWORDS = frozenset((
    "@version", "@import", "@base", "@vocab", "@language", "@direction",
    "@propagate", "@protected", "_uuid",  # pyld marks "_uuid" as defined, so skips it
))


def process_context(active: ActiveContext, local, env: ContextEnv, *,
                    override_protected: bool = False, propagate: bool = True,
                    stable: bool = False) -> ActiveContext:
    """Apply the local context ``local`` to ``active``.

    :param stable: whether ``local`` is an object owned by the loader (a
        scoped context of a stable context), so the result may be memoised.
    :returns: the new active context.
    :raises MalformedCredential: for an invalid context.
    :raises DocumentLoadError: for a context URL the loader does not have.
    """
    key = memo_key(local, stable, override_protected, propagate)
    if key is not None and active.stable:
        found = active.derived(key)
        if found is None:
            found = _process(active, local, env, override_protected, propagate, stable)
            active.remember(key, local, found)
        return found
    return env.per_call(active, local, (override_protected, propagate), lambda: _process(
        active, local, env, override_protected, propagate, stable))


def _process(active, local, env, override_protected, propagate, stable=False):
    if isinstance(local, dict) and isinstance(local.get("@context"), list):
        local = local["@context"]
    if isinstance(local, list) and not local:
        return active.clone()
    resolved = resolve_local(local, env, stable)
    if not resolved:
        return active.clone()
    first = resolved[0][0]
    if isinstance(first, dict) and isinstance(first.get("@propagate"), bool):
        propagate = first["@propagate"]
    result = active
    if not propagate and result.previous is None:
        result = result.clone()
        result.previous = active
    for doc, doc_stable in resolved:
        result = _apply(result, doc, doc_stable, env, override_protected)
    return result


def _apply(active, doc, doc_stable, env, override_protected):
    """Apply one resolved context document (steps 5.1-5.13)."""
    if doc is None or doc is False:
        if not override_protected and active.has_protected():
            raise MalformedCredential(
                "a context may not be reset to null while it has protected terms "
                "(invalid context nullification)")
        return env.initial_with(active.warnings)
    if isinstance(doc, dict) and "@context" in doc:
        doc = doc["@context"]
    if not isinstance(doc, dict):
        raise MalformedCredential(
            f"a @context entry must be an object, a URL or null, not {_show(doc)}")
    result = active.clone()
    if not doc_stable:
        result.leave_loader_family()
    if "@version" in doc and (doc["@version"] != 1.1 or isinstance(doc["@version"], bool)):
        raise MalformedCredential(f"unsupported @version {_show(doc['@version'])} in a context")
    if "@import" in doc:
        doc = _import(doc, env)
    _settings(active, result, doc)
    defined = {"@protected": doc.get("@protected", False)}
    for term, value in doc.items():
        if term in _CONTEXT_KEYWORDS:
            continue
        create_term_definition(result, doc, term, defined, override_protected)
        if isinstance(value, dict) and "@context" in value:
            _validate_scoped(result, term, value["@context"], env)
    return result


def _settings(active, result, doc):
    """@base, @vocab, @language, @direction and @propagate (steps 5.7-5.12)."""
    if "@base" in doc:
        base = doc["@base"]
        if base is not None and not isinstance(base, str):
            raise MalformedCredential("@base in a context must be a string or null")
        if isinstance(base, str) and not is_absolute_iri(base) and active.base not in (UNSET, None):
            base = resolve(base, active.base)
        result.base = base
    if "@vocab" in doc:
        _vocab(result, doc["@vocab"])
    if "@language" in doc:
        language = doc["@language"]
        if language is None:
            result.language = UNSET
        elif not isinstance(language, str):
            raise MalformedCredential("@language in a context must be a string or null")
        else:
            if not is_bcp47(language):
                result.warn(f"the default language {language!r} is not a BCP47 language tag")
            result.language = language.lower()
    if "@direction" in doc:
        direction = doc["@direction"]
        if direction is not None and direction not in ("ltr", "rtl"):
            raise MalformedCredential("@direction in a context must be ltr, rtl or null")
        result.direction = UNSET if direction is None else direction
    if "@propagate" in doc and not isinstance(doc["@propagate"], bool):
        raise MalformedCredential("@propagate in a context must be true or false")


def _vocab(result, value):
    if value is None:
        result.vocab = UNSET
        return
    if not isinstance(value, str):
        raise MalformedCredential("@vocab in a context must be a string or null")
    iri, relative = expand_iri_ex(result, value, True, "")
    if iri is None:
        raise MalformedCredential(f"@vocab {value!r} in a context has the form of a keyword")
    if relative or not is_absolute_iri(iri):
        result.warn(f"the @vocab {value!r} is a relative IRI reference")
    result.vocab = iri


def _import(doc, env):
    """Merge the context named by ``@import`` under ``doc`` (step 5.6)."""
    url = doc["@import"]
    if not isinstance(url, str):
        raise MalformedCredential("@import in a context must be a URL string")
    resolved = resolve_local(url, env)
    if len(resolved) != 1 or not isinstance(resolved[0][0], dict):
        raise MalformedCredential(f"@import {url!r} must name a single context object")
    imported = resolved[0][0]
    if "@import" in imported:
        raise MalformedCredential(
            f"the context imported from {url!r} may not itself use @import")
    merged = dict(imported)
    merged.update(doc)
    del merged["@import"]
    return merged


def _validate_scoped(result, term, scoped, env):
    """Process a scoped context once when its term is defined, as pyld does."""
    if isinstance(scoped, str):
        if scoped in env.validating:
            return
        env.validating.add(scoped)
    try:
        # Not memoised: ``result`` is still being built.
        checked = _process(result, scoped, env, True, True, result.stable)
    except DocumentLoadError:
        raise
    except MalformedCredential as cause:
        raise MalformedCredential(
            f"the scoped context of the term {term!r} is invalid: {cause.detail}",
            property=term) from None
    for warning in checked.warnings:
        result.warn(warning)


def _show(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
