"""RDF Dataset Canonicalization (RDFC-1.0).

https://www.w3.org/TR/rdf-canon/#canon-algorithm -- the canonicalization
algorithm over a list of quads whose terms are already N-Quads strings
(``"<iri>"``, ``"_:label"``, or a literal), ``""`` standing for the default
graph.  It reproduces pyld 3.3.0's ``URDNA2015`` exactly, including its one
deviation: a quad naming the same blank node twice (say ``_:x <p> _:x``) is
listed twice for that blank node, so it counts twice in its hashes.

Most credentials have blank nodes that the first-degree hashes already tell
apart; then no N-degree hashing happens (:mod:`.ndegree` does the rest).
"""

from __future__ import annotations

from hashlib import sha256

from ..errors import MalformedCredential
from .ndegree import Budget, Issuer, NDegree

#: Default bound on N-degree work (hash calls plus permutations).
DEFAULT_MAX_WORK = 20_000


def canonicalize(quads, *, max_work: int = DEFAULT_MAX_WORK) -> str:
    """The canonical N-Quads document of ``quads``.

    https://www.w3.org/TR/rdf-canon/#canon-algorithm

    :param quads: ``(subject, predicate, object, graph)`` tuples of N-Quads terms.
    :param max_work: bound on the N-degree hash calls and permutations.
    :returns: the canonical N-Quads, one sorted line per quad.
    :raises MalformedCredential: when ``max_work`` is exceeded (a poison
        graph) or a string is not valid Unicode.
    """
    info = blank_node_quads(quads)
    canon = issue_canonical(info, max_work) if info else {}
    lines = []
    append = lines.append
    for s, p, o, g in quads:
        if s[0] == "_":
            s = canon[s]
        if o[0] == "_":
            o = canon[o]
        if g:
            if g[0] == "_":
                g = canon[g]
            append(f"{s} {p} {o} {g} .\n")
        else:
            append(f"{s} {p} {o} .\n")
    lines.sort()
    return "".join(lines)


def issue_canonical(info: dict, max_work: int = DEFAULT_MAX_WORK) -> dict:
    """Steps 3-6: the canonical identifier of each blank node.

    :param info: the blank node to quads map (see :func:`blank_node_quads`).
    :returns: blank node label to canonical label (``_:c14nN``).
    """
    first = {node: hash_first_degree(node, node_quads) for node, node_quads in info.items()}
    by_hash: dict[str, list[str]] = {}
    for node, digest in first.items():
        by_hash.setdefault(digest, []).append(node)
    canon = Issuer("_:c14n")
    shared = []
    for digest in sorted(by_hash):
        nodes = by_hash[digest]
        if len(nodes) == 1:
            canon.issue(nodes[0])
        else:
            shared.append(nodes)
    if shared:
        _issue_shared(shared, info, first, canon, Budget(max_work))
    return canon.existing


def _issue_shared(shared, info, first, canon, budget) -> None:
    """Step 6: N-degree hashing for blank nodes that share a first-degree hash."""
    ndegree = NDegree(info, first, canon, budget)
    for nodes in shared:
        results = []
        for node in nodes:
            if canon.has(node):
                continue
            issuer = Issuer("_:b")
            issuer.issue(node)
            results.append(ndegree.hash(node, issuer))
        for _digest, issuer in sorted(results, key=lambda result: result[0]):
            for existing in issuer.order:
                canon.issue(existing)


def blank_node_quads(quads) -> dict:
    """Step 2: each blank node's quads (a quad is listed once per mention, as pyld does).

    Terms are N-Quads strings, so a blank node is a term starting with ``_``
    (IRIs start with ``<`` and literals with ``"``).
    """
    info: dict[str, list] = {}
    get = info.get
    for quad in quads:
        s, _, o, g = quad
        if s[0] == "_":
            found = get(s)
            if found is None:
                info[s] = [quad]
            else:
                found.append(quad)
        if o[0] == "_":
            found = get(o)
            if found is None:
                info[o] = [quad]
            else:
                found.append(quad)
        if g and g[0] == "_":
            found = get(g)
            if found is None:
                info[g] = [quad]
            else:
                found.append(quad)
    return info


def hash_first_degree(node: str, node_quads) -> str:
    """Hash First Degree Quads (https://www.w3.org/TR/rdf-canon/#hash-1d-quads)."""
    lines = []
    for s, p, o, g in node_quads:
        if s[0] == "_":
            s = "_:a" if s == node else "_:z"
        if o[0] == "_":
            o = "_:a" if o == node else "_:z"
        if g:
            if g[0] == "_":
                g = "_:a" if g == node else "_:z"
            lines.append(f"{s} {p} {o} {g} .\n")
        else:
            lines.append(f"{s} {p} {o} .\n")
    lines.sort()
    return sha256(encode("".join(lines))).hexdigest()


def line(quad, canon: dict | None) -> str:
    """The N-Quads line of ``quad``, blank nodes relabelled through ``canon``."""
    s, p, o, g = quad
    if canon is not None:
        if s[0] == "_":
            s = canon[s]
        if o[0] == "_":
            o = canon[o]
        if g and g[0] == "_":
            g = canon[g]
    if g:
        return f"{s} {p} {o} {g} .\n"
    return f"{s} {p} {o} .\n"


def encode(text: str) -> bytes:
    """UTF-8 bytes of ``text``.

    :raises MalformedCredential: for lone surrogates, which no RDF string holds.
    """
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedCredential("a string holds an unpaired surrogate (not valid Unicode)") from None
