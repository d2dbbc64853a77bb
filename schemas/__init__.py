"""Data shipped with Skills Passport: JSON-LD contexts, JSON Schemas, framework data.

Everything here is read from package data through :mod:`importlib.resources`;
nothing touches the network.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping


@cache
def _context_files() -> Mapping[str, str]:
    index = resources.files(__name__).joinpath("contexts", "index.json")
    return MappingProxyType(json.loads(index.read_text("utf-8")))


def context_urls() -> frozenset[str]:
    """The URLs of every bundled JSON-LD context."""
    return frozenset(_context_files())


def context_bytes(url: str) -> bytes:
    """The published bytes of the bundled context at ``url``.

    :raises KeyError: if no context is bundled for ``url``.
    """
    name = _context_files()[url]
    return resources.files(__name__).joinpath("contexts", name).read_bytes()


def load_contexts() -> dict[str, dict]:
    """Every bundled context, parsed: ``{url: document}`` (a fresh copy)."""
    return {url: json.loads(context_bytes(url)) for url in _context_files()}
