"""The offline JSON-LD document loader.

It serves the contexts bundled in :mod:`schemas` and nothing else: an unknown
URL is an error, never a fetch.  Pass it to every pyld call as
``options={"documentLoader": loader}``; never install it globally.
"""

from __future__ import annotations

import copy
from typing import Any, Callable, Mapping, Protocol, TypeVar

import schemas

from .errors import DocumentLoadError


_T = TypeVar("_T")


class DocumentLoader(Protocol):
    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict: ...


class StaticLoader:
    """A document loader over a fixed mapping of URL to parsed document.

    Calling it returns a pyld ``RemoteDocument`` holding a deep copy, so
    callers may mutate what they get.  :meth:`document` returns the shared,
    read-only original for code that promises not to mutate it.
    """

    def __init__(self, documents: Mapping[str, dict]):
        self._documents = dict(documents)
        self._memo: dict[Any, Any] = {}

    def __call__(self, url: str, options: Mapping[str, Any] | None = None) -> dict:
        return {
            "contextUrl": None,
            "documentUrl": url,
            "document": copy.deepcopy(self.document(url)),
        }

    def __contains__(self, url: object) -> bool:
        return url in self._documents

    def document(self, url: str) -> dict:
        """The stored document for ``url`` (do not mutate it).

        :raises DocumentLoadError: for any URL that is not bundled.
        """
        try:
            return self._documents[url]
        except (KeyError, TypeError):
            raise DocumentLoadError(
                f"context {url!r} is not one of the contexts we accept; "
                "it is never fetched from the network",
                url=str(url),
            ) from None

    def memo(self, key: Any, factory: Callable[[], _T]) -> _T:
        """The value stored under ``key`` on this loader, made by ``factory()`` once.

        A per-instance cache for data derived only from this loader's
        documents (such as processed JSON-LD contexts); it lives and dies
        with the loader, so there is no global state.
        """
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = factory()
            return value

    def with_documents(self, extra: Mapping[str, dict]) -> "StaticLoader":
        """A new loader serving ``extra`` besides these documents."""
        return StaticLoader({**self._documents, **extra})


def bundled_loader() -> StaticLoader:
    """A loader over every context bundled in :mod:`schemas`."""
    return StaticLoader(schemas.load_contexts())
