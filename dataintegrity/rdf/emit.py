"""The quads produced while expanding: the output side of the fused algorithm.

Expansion hands its results to :class:`State` as *items*:

* ``(NODE, term, key, entries)`` -- a node object or reference; ``term`` is
  its N-Quads term (``None`` for a relative IRI, which pyld drops);
* ``(VALUE, literal, key)`` -- a value object as an N-Quads literal;
* ``(LIST, items)`` -- a list object, turned into an ``rdf:List`` only when
  it is attached to a subject (https://www.w3.org/TR/json-ld11-api/#list-to-rdf-conversion).

``key`` reproduces the duplicate test of pyld's node map
(``JsonLdProcessor.compare_values``), so exactly the quads pyld produces are
kept, duplicates included.  Quads are ``(subject, predicate, object, graph)``
tuples of N-Quads terms, with ``""`` for the default graph.
"""

from __future__ import annotations

from ..errors import MalformedCredential
from .iri import RDF_FIRST, RDF_NIL, RDF_REST

NODE, VALUE, LIST = 0, 1, 2
FIRST = "<" + RDF_FIRST + ">"
REST = "<" + RDF_REST + ">"
NIL = "<" + RDF_NIL + ">"


class State:
    """Per-call state of the fused expansion: options, quads, blank node labels.

    :param env: the :class:`.resolve.ContextEnv` of this call.
    :param safe: refuse anything JSON-LD would drop (see :mod:`.safety`).
    """

    __slots__ = ("env", "safe", "quads", "seen", "_count", "_labels")

    def __init__(self, env, safe: bool):
        self.env = env
        self.safe = safe
        self.quads: list[tuple[str, str, str, str]] = []
        self.seen: set = set()
        self._count = 0
        self._labels: dict[str, str] = {}

    def discarding(self) -> "State":
        """A state whose quads are thrown away (for content JSON-LD drops)."""
        return State(self.env, self.safe)

    def blank(self) -> str:
        """A fresh blank node label."""
        self._count += 1
        return "_:b%d" % self._count

    def document_blank(self, label: str) -> str:
        """The label standing for the document's blank node identifier ``label``."""
        mapped = self._labels.get(label)
        if mapped is None:
            mapped = self._labels[label] = self.blank()
        return mapped

    def add(self, s, p, o, g, key) -> None:
        """Add a quad unless the node map would already hold the same value."""
        if s is None or g is None:
            return
        seen = (g, s, p, key)
        if seen not in self.seen:
            self.seen.add(seen)
            self.quads.append((s, p, o, g))

    def attach(self, s, p: str, item: tuple, g) -> None:
        """Add the quad relating ``s`` by ``p`` to ``item`` in graph ``g``."""
        kind = item[0]
        if kind == VALUE:
            self.add(s, p, item[1], g, item[2])
        elif kind == NODE:
            if item[1] is not None:
                self.add(s, p, item[1], g, item[1])
        elif s is not None and g is not None:
            self.quads.append((s, p, self.list_head(item[1], g), g))

    def list_head(self, items: list, g: str) -> str:
        """Materialize a list as ``rdf:first``/``rdf:rest`` quads; return its head."""
        if not items:
            return NIL
        head = node = self.blank()
        last = len(items) - 1
        append = self.quads.append
        for i, item in enumerate(items):
            obj = self._list_object(item, g)
            following = NIL if i == last else self.blank()
            append((node, FIRST, obj, g))
            append((node, REST, following, g))
            node = following
        return head

    def _list_object(self, item: tuple, g: str) -> str:
        kind = item[0]
        if kind == VALUE:
            return item[1]
        if kind == LIST:
            return self.list_head(item[1], g)
        if item[1] is None:
            raise MalformedCredential("a list holds a relative IRI reference, which has no RDF form")
        return item[1]
