"""Hash N-Degree Quads, with a bound on the work a poison graph may demand.

https://www.w3.org/TR/rdf-canon/#hash-nd-quads and
https://www.w3.org/TR/rdf-canon/#hash-related-blank-node, ported from pyld
3.3.0's ``URDNA2015`` (same permutation order, same pruning), plus the
resource limit of https://www.w3.org/TR/rdf-canon/#dataset-poisoning.
"""

from __future__ import annotations

from hashlib import sha256

from ..errors import MalformedCredential


class Issuer:
    """An identifier issuer (https://www.w3.org/TR/rdf-canon/#issue-identifier)."""

    __slots__ = ("prefix", "existing", "order")

    def __init__(self, prefix: str):
        self.prefix = prefix
        self.existing: dict[str, str] = {}
        self.order: list[str] = []

    def issue(self, old: str) -> str:
        """The identifier for ``old``, issuing the next one if it has none."""
        found = self.existing.get(old)
        if found is None:
            found = self.existing[old] = self.prefix + str(len(self.order))
            self.order.append(old)
        return found

    def has(self, old: str) -> bool:
        """Whether ``old`` has been issued an identifier."""
        return old in self.existing

    def copy(self) -> "Issuer":
        """An independent copy (the issuer copies of Hash N-Degree Quads)."""
        twin = Issuer(self.prefix)
        twin.existing = dict(self.existing)
        twin.order = list(self.order)
        return twin


class Budget:
    """Counts N-degree work and refuses a graph that needs more than ``limit``."""

    __slots__ = ("left", "limit")

    def __init__(self, limit: int):
        self.left = self.limit = limit

    def spend(self) -> None:
        """Use one unit.

        :raises MalformedCredential: when the budget is exhausted.
        """
        self.left -= 1
        if self.left < 0:
            raise MalformedCredential(
                f"canonicalizing the document takes more than {self.limit} steps of "
                "N-degree hashing (its blank nodes are too symmetric: a poison graph)")


class NDegree:
    """The Hash N-Degree Quads algorithm over a blank node to quads map."""

    __slots__ = ("info", "first", "canon", "budget")

    def __init__(self, info: dict, first: dict, canon: Issuer, budget: Budget):
        self.info = info
        self.first = first
        self.canon = canon
        self.budget = budget

    def hash(self, node: str, issuer: Issuer) -> tuple[str, Issuer]:
        """Hash N-Degree Quads of ``node`` with the temporary issuer ``issuer``.

        :returns: the hash and the issuer of the chosen path.
        """
        self.budget.spend()
        related = self._related(node, issuer)
        digest = sha256()
        for related_hash in sorted(related):
            digest.update(related_hash.encode())
            chosen_path, chosen_issuer = "", None
            for permutation in permutations(related[related_hash]):
                self.budget.spend()
                found = self._path(permutation, issuer, chosen_path)
                if found is not None and (not chosen_path or found[0] < chosen_path):
                    chosen_path, chosen_issuer = found
            digest.update(chosen_path.encode())
            issuer = chosen_issuer
        return digest.hexdigest(), issuer

    def _related(self, node, issuer) -> dict:
        """Steps 1-3: related blank nodes by their Hash Related Blank Node."""
        related: dict[str, list[str]] = {}
        for quad in self.info[node]:
            for position, term in (("s", quad[0]), ("o", quad[2]), ("g", quad[3])):
                if term[:2] == "_:" and term != node:
                    key = self._hash_related(term, quad, issuer, position)
                    related.setdefault(key, []).append(term)
        return related

    def _hash_related(self, term, quad, issuer, position) -> str:
        if self.canon.has(term):
            ident = self.canon.existing[term]
        elif issuer.has(term):
            ident = issuer.existing[term]
        else:
            ident = self.first[term]
        middle = quad[1] if position != "g" else ""
        return sha256((position + middle + ident).encode()).hexdigest()

    def _path(self, permutation, issuer, chosen_path):
        """Steps 5.4.1-5.4.5 for one permutation; ``None`` if it cannot win."""
        copy = issuer.copy()
        path = ""
        recursion = []
        for term in permutation:
            if self.canon.has(term):
                path += self.canon.existing[term]
            else:
                if not copy.has(term):
                    recursion.append(term)
                path += copy.issue(term)
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None
        for term in recursion:
            result_hash, copy = self.hash(term, copy)
            path += copy.issue(term) + "<" + result_hash + ">"
            if chosen_path and len(path) >= len(chosen_path) and path > chosen_path:
                return None
        return path, copy


def permutations(elements: list):
    """All orderings of ``elements``, in pyld's Steinhaus-Johnson-Trotter order.

    Yields the same (mutated) list each time.
    """
    elements = sorted(elements)
    left = {e: True for e in elements}
    last = len(elements) - 1
    while True:
        yield elements
        k, pos = None, 0
        for i, e in enumerate(elements):
            if (k is None or e > k) and (
                (left[e] and i > 0 and e > elements[i - 1])
                or (not left[e] and i < last and e > elements[i + 1])
            ):
                k, pos = e, i
        if k is None:
            return
        swap = pos - 1 if left[k] else pos + 1
        elements[pos], elements[swap] = elements[swap], k
        for e in elements:
            if e > k:
                left[e] = not left[e]
