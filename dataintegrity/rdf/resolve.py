"""Resolving local contexts: context URLs, ``null`` and inline objects.

Step 5 of https://www.w3.org/TR/json-ld11-api/#context-processing-algorithm
(pyld's ``ContextResolver``): a URL is dereferenced through the injected
loader only -- never the network -- and its ``@context`` is resolved in turn.
:class:`ContextEnv` holds the per-call state.
"""

from __future__ import annotations

import json
from typing import Any, Callable

from ..errors import DocumentLoadError, MalformedCredential
from .context import ActiveContext
from .iri import resolve

#: pyld refuses a context that makes it fetch more than this many URLs.
MAX_CONTEXT_URLS = 10
_MEMO_KEY = "dataintegrity.rdf:initial-context"


class ContextEnv:
    """The per-call state of context processing.

    :param loader: the document loader; if it has ``memo`` (see
        :meth:`dataintegrity.loader.StaticLoader.memo`), processed contexts are
        cached on it across calls, else only within this call.
    """

    __slots__ = ("loader", "initial", "validating", "_calls")

    def __init__(self, loader: Any):
        self.loader = loader
        memo = getattr(loader, "memo", None)
        self.initial = memo(_MEMO_KEY, ActiveContext) if memo is not None else ActiveContext()
        self.validating: set[str] = set()
        self._calls: dict = {}

    def initial_with(self, warnings: tuple) -> ActiveContext:
        """The initial context, carrying ``warnings`` if there are any."""
        if not warnings:
            return self.initial
        return ActiveContext(warnings=warnings)

    def per_call(self, active, local, flags, factory: Callable[[], ActiveContext]):
        """Memoise a derived context for the rest of this call only."""
        key = (id(active), id(local), flags)
        entry = self._calls.get(key)
        if entry is not None and entry[0] is active and entry[1] is local:
            return entry[2]
        result = factory()
        self._calls[key] = (active, local, result)
        return result

    def load(self, url: str) -> Any:
        """The context document at ``url``, from the loader.

        :raises DocumentLoadError: if the loader does not have it.
        """
        document = getattr(self.loader, "document", None)
        if document is not None:
            return document(url)
        remote = self.loader(url, {})
        doc = remote.get("document") if isinstance(remote, dict) else None
        if isinstance(doc, str):
            try:
                doc = json.loads(doc)
            except ValueError:
                raise MalformedCredential(f"the context {url!r} is not JSON") from None
        return doc


def memo_key(local, stable: bool, override_protected: bool, propagate: bool):
    """The memo key for processing ``local``, or ``None`` if it may not be memoised.

    URLs (and lists of them) and ``null`` always may; an object only when it is
    owned by the loader (``stable``), and then by identity (an ``int`` key,
    which no URL or list key can equal).
    """
    kind = type(local)
    if kind is dict:
        if not stable:
            return None
        return (id(local), override_protected, propagate)
    if kind is str:
        return (local, override_protected, propagate)
    if local is None or local is False:
        return (None, override_protected, propagate)
    if kind is list and all(type(item) is str for item in local):
        return (tuple(local), override_protected, propagate)
    return None


def resolve_local(local, env: ContextEnv, stable: bool = False) -> list:
    """Resolve a local context to a list of ``(document, stable)`` pairs.

    ``document`` is a context object or ``None`` (reset); ``stable`` tells
    whether it is owned by the loader.

    :raises MalformedCredential: for an entry that is not a URL, object or
        null, cyclic context URLs, or too many of them.
    :raises DocumentLoadError: for a URL the loader does not have.
    """
    if isinstance(local, dict) and "@context" in local:
        local = local["@context"]
    return _items(local, env, stable, (), set())


def _items(local, env, stable, chain, seen) -> list:
    out = []
    for item in local if isinstance(local, list) else [local]:
        if isinstance(item, str):
            out.extend(_remote(item, env, chain, seen))
        elif item is None or item is False:
            out.append((None, True))
        elif isinstance(item, dict):
            out.append((item, stable))
        else:
            raise MalformedCredential(
                f"a @context entry must be an object, a URL or null, not {type(item).__name__}")
    return out


def _remote(url: str, env: ContextEnv, chain: tuple, seen: set) -> list:
    try:
        absolute = resolve(url, "")
    except MalformedCredential:
        absolute = url
    if absolute in chain:
        raise MalformedCredential(f"the context {url!r} includes itself (cyclic @context URLs)")
    if absolute not in seen:
        if len(seen) > MAX_CONTEXT_URLS:
            raise MalformedCredential(
                f"more than {MAX_CONTEXT_URLS + 1} context URLs in one @context")
        seen.add(absolute)
    doc = env.load(absolute)
    if not isinstance(doc, dict):
        raise MalformedCredential(f"the context document {url!r} is not a JSON object")
    context = doc["@context"] if "@context" in doc else {}
    return _items(context, env, True, chain + (absolute,), seen)


__all__ = ["ContextEnv", "DocumentLoadError", "memo_key", "resolve_local"]
