"""The active context and what expansion needs to know about each key.

An :class:`ActiveContext` is the result of the JSON-LD 1.1 Context Processing
algorithm (https://www.w3.org/TR/json-ld11-api/#context-processing-algorithm);
it is built by :func:`dataintegrity.rdf.process.process_context` and never
changed afterwards.  Because expansion asks the same questions about the same
keys over and over, each context memoises, per instance:

* :meth:`ActiveContext.key` -- the expanded IRI and term definition entries of
  a key (https://www.w3.org/TR/json-ld11-api/#iri-expansion with
  ``vocab=true``);
* :meth:`ActiveContext.vocab_value` -- vocabulary-relative IRI expansion of
  ``@type`` and ``@vocab``-coerced values;
* derived contexts (see :mod:`dataintegrity.rdf.process`), and how objects
  of a given shape are prepared (see :mod:`dataintegrity.rdf.objects`).

Contexts derived only from the loader's documents are *stable* and live in a
per-loader cache; contexts from a document's inline ``@context`` live only for
one call.  Every memo is bounded, so hostile input cannot grow them forever.
"""

from __future__ import annotations

from .iri import RDF_LANGSTRING, UNSET, XSD_DOUBLE, XSD_STRING, is_absolute_iri, is_keyword
from .iri_expansion import expand_iri_ex

#: Upper bounds of the per-context memos.
MAX_KEYS = 4096
MAX_DERIVED = 64
#: Memo entries allowed to all contexts derived from one loader's initial
#: context, and to the contexts derived from one document's inline contexts.
LOADER_ALLOWANCE = 200_000
CALL_ALLOWANCE = 20_000


class Allowance:
    """A count of memo entries that a family of contexts may still add."""

    __slots__ = ("left",)

    def __init__(self, entries: int):
        self.left = entries

    def take(self) -> bool:
        """Use one entry; ``False`` once none are left."""
        self.left -= 1
        return self.left >= 0


class KeyInfo:
    """What expansion needs to know about one key of a node object.

    https://www.w3.org/TR/json-ld11-api/#expansion-algorithm step 13.  For a
    plain property whose string values become literals or IRIs without further
    context processing, ``fast`` is set and ``suffix``/``keyed`` let
    :mod:`.nodes` write the quad directly.
    """

    __slots__ = ("name", "iri", "keyword", "dropped", "predicate", "type", "container",
                 "scoped", "language", "direction", "reverse", "is_list", "is_graph",
                 "fast", "suffix", "keyed", "term_ctx")

    def __init__(self, ctx: "ActiveContext", name: str):
        self.name = name
        self.iri = iri = expand_iri_ex(ctx, name, True)[0]
        self.keyword = is_keyword(iri)
        self.dropped = iri is None or not (self.keyword or is_absolute_iri(iri))
        self.predicate = None if (self.dropped or self.keyword) else "<" + iri + ">"
        mapping = ctx.terms.get(name)
        entry = mapping if mapping is not None else {}
        self.type = entry.get("@type")
        # "@set" changes nothing in expansion, so it is left out
        self.container = tuple(c for c in entry.get("@container") or () if c != "@set")
        self.scoped = entry.get("@context", UNSET) if mapping is not None else UNSET
        self.language = entry["@language"] if "@language" in entry else _unset_none(ctx.language)
        self.direction = (entry["@direction"] if "@direction" in entry
                          else _unset_none(ctx.direction))
        self.reverse = bool(entry.get("reverse"))
        self.is_list = "@list" in self.container
        self.is_graph = "@graph" in self.container
        self.term_ctx = None
        self._fast_path()

    def _fast_path(self) -> None:
        """Decide whether string values can skip the general expansion."""
        coerce = self.type
        self.fast = (self.predicate is not None and self.predicate[1] != "_"
                     and self.scoped is UNSET and not self.container and not self.reverse
                     and self.direction is None
                     and coerce not in ("@json", "@vocab", XSD_DOUBLE))
        if coerce is not None and coerce not in ("@id", "@vocab", "@none"):
            datatype, language = coerce, None
        else:
            datatype, language = None, self.language
        if datatype is None or datatype in (XSD_STRING, RDF_LANGSTRING):
            self.suffix = '"@' + language if (language and datatype is None) else '"'
        else:
            self.suffix = '"^^<' + datatype + ">"
        self.keyed = datatype not in (XSD_STRING, RDF_LANGSTRING) and language != ""


def _unset_none(value):
    return None if value is UNSET else value


class ActiveContext:
    """An active context: term definitions plus base, vocabulary, language, direction.

    :param terms: term definitions (pyld-shaped dicts) by term.
    :param previous: the context to revert to when leaving a node object that
        a non-propagated (type-scoped) context applied to.
    :param stable: whether it was derived only from the loader's documents.
    """

    __slots__ = ("terms", "base", "vocab", "language", "direction", "previous",
                 "warnings", "stable", "_derived", "_keys", "_values", "_typed", "_shapes", "_plans", "allowance")

    def __init__(self, terms=None, *, base=UNSET, vocab=UNSET, language=UNSET,
                 direction=UNSET, previous=None, warnings=(), stable=True,
                 allowance: Allowance | None = None):
        self.terms = {} if terms is None else terms
        self.base = base
        self.vocab = vocab
        self.language = language
        self.direction = direction
        self.previous = previous
        self.warnings = warnings
        self.stable = stable
        self._derived: dict = {}
        self._keys: dict = {}
        self._values: dict = {}
        self._typed: dict = {}
        self._shapes: dict = {}
        self._plans: dict = {}
        self.allowance = allowance if allowance is not None else Allowance(LOADER_ALLOWANCE)

    def clone(self) -> "ActiveContext":
        """A child copy, as pyld's ``_clone_active_context`` makes it.

        Like pyld, the copy does not keep the default base direction.
        """
        return ActiveContext(dict(self.terms), base=self.base, vocab=self.vocab,
                             language=self.language, previous=self.previous,
                             warnings=self.warnings, stable=self.stable,
                             allowance=self.allowance)

    def leave_loader_family(self) -> None:
        """Mark this context as derived from a document (not only the loader).

        It then stops sharing the loader's memo allowance: one document cannot
        use up the cache every later call relies on.
        """
        if self.stable:
            self.stable = False
            self.allowance = Allowance(CALL_ALLOWANCE)

    def warn(self, message: str) -> None:
        """Record a condition that safe mode refuses (see :mod:`.safety`)."""
        if message not in self.warnings:
            self.warnings = self.warnings + (message,)

    def revert(self) -> "ActiveContext":
        """The context from before any non-propagated context was applied."""
        return self.previous if self.previous is not None else self

    def has_protected(self) -> bool:
        """Whether any term definition is protected."""
        return any(m["protected"] for m in self.terms.values())

    def key(self, name: str) -> KeyInfo:
        """The (memoised) :class:`KeyInfo` of the key ``name``."""
        info = self._keys.get(name)
        if info is None:
            info = KeyInfo(self, name)
            if len(self._keys) < MAX_KEYS and self.allowance.take():
                self._keys[name] = info
        return info

    def vocab_value(self, value: str) -> tuple:
        """Expand a ``@type`` or ``@vocab``-coerced value.

        :returns: ``(iri, relative, term)`` where ``(iri, relative)`` is what
            :func:`.terms.expand_iri_ex` returns with ``vocab=True`` and the
            document base, and ``term`` is the N-Quads IRI term if ``iri`` is a
            plain absolute IRI (else ``None``).
        """
        result = self._values.get(value)
        if result is None:
            iri, relative = expand_iri_ex(self, value, True, "")
            plain = (not relative and is_absolute_iri(iri) and iri[0] != "_")
            result = (iri, relative, "<" + iri + ">" if plain else None)
            if len(self._values) < MAX_KEYS and self.allowance.take():
                self._values[value] = result
        return result

    def typed(self, types: tuple, build) -> "ActiveContext":
        """This context with the scoped contexts of ``types`` applied, memoised.

        :param build: computes it on a miss.
        """
        found = self._typed.get(types)
        if found is None:
            found = build()
            if len(self._typed) < MAX_DERIVED and self.allowance.take():
                self._typed[types] = found
        return found

    def shape(self, key, build):
        """How an object of this shape is prepared (see :mod:`.objects`), memoised."""
        found = self._shapes.get(key)
        if found is None:
            found = build()
            if len(self._shapes) < MAX_KEYS and self.allowance.take():
                self._shapes[key] = found
        return found

    def plan(self, keys: tuple, build):
        """The keys' :class:`KeyInfo` and the object's kind (see :mod:`.objects`), memoised."""
        found = self._plans.get(keys)
        if found is None:
            found = build()
            if len(self._plans) < MAX_KEYS and self.allowance.take():
                self._plans[keys] = found
        return found

    def derived(self, key):
        """A context derived from this one and memoised under ``key``, or ``None``."""
        entry = self._derived.get(key)
        return None if entry is None else entry[1]

    def remember(self, key, keep, ctx: "ActiveContext") -> None:
        """Memoise ``ctx`` under ``key``; ``keep`` holds what ``key`` refers to by id."""
        if len(self._derived) < MAX_DERIVED and self.allowance.take():
            self._derived[key] = (keep, ctx)
