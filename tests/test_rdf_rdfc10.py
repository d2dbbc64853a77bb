"""RDFC-1.0 itself: the W3C test suite, hard graphs against pyld, and the work bound."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld.canon import URDNA2015
from pyld.canon import permutations as pyld_permutations
from pyld.nquads import parse_nquads as pyld_parse

from dataintegrity.canonicalize import canonicalize_rdfc
from dataintegrity.errors import MalformedCredential
from dataintegrity.rdf.ndegree import permutations
from dataintegrity.rdf.nquads import parse_nquads
from dataintegrity.rdf.rdfc10 import canonicalize

from .test_rdf_canonicalize import LOADER, pyld_nquads

VECTORS = Path(__file__).parent / "vectors" / "rdf-canon"
NAMES = sorted(p.name[:-len("-in.nq")] for p in VECTORS.glob("*-in.nq"))
#: pyld's N-Quads parser reads neither \u escapes nor control characters.
PYLD_CANNOT_PARSE = {"test060"}
P = "<http://example.org/vocab#p>"


def vector(name: str) -> tuple[str, str]:
    return ((VECTORS / f"{name}-in.nq").read_text("utf-8"),
            (VECTORS / f"{name}-rdfc10.nq").read_text("utf-8"))


def pyld_urdna2015(nquads: str) -> str:
    return URDNA2015().main(pyld_parse(nquads), {"format": "application/n-quads"})


def nquads_text(quads) -> str:
    return "".join(f"{s} {p} {o} {g + ' ' if g else ''}.\n" for s, p, o, g in quads)


def test_vectors_are_present():
    assert len(NAMES) >= 50
    assert {"test044", "test045", "test046", "test060", "test071", "test073"} <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_w3c_vector(name):
    given_nquads, expected = vector(name)
    assert canonicalize(parse_nquads(given_nquads, escaping="rdfc10")) == expected


@pytest.mark.parametrize("name", [n for n in NAMES if n not in PYLD_CANNOT_PARSE])
def test_w3c_vector_input_matches_pyld(name):
    given_nquads, _ = vector(name)
    assert canonicalize(parse_nquads(given_nquads)) == pyld_urdna2015(given_nquads)


def test_escaping_modes_differ_only_on_control_characters():
    quads = parse_nquads('<urn:s> <urn:p> "a\\tb\\u0008c\\u007F\\\\" .\n<urn:s> <urn:p> "x" .\n')
    strict = parse_nquads('<urn:s> <urn:p> "a\\tb\\u0008c\\u007F\\\\" .\n', escaping="rdfc10")
    assert quads[0][2] == '"a\\tb\bc\x7f\\\\"'
    assert strict[0][2] == '"a\\tb\\bc\\u007F\\\\"'


def clique(n: int) -> list[tuple[str, str, str, str]]:
    return [(f"_:n{i}", P, f"_:n{j}", "") for i in range(n) for j in range(n) if i != j]


def test_poison_clique_is_refused_quickly():
    """W3C test074 (a 10-node clique of blank nodes) is a poison graph: refused."""
    with pytest.raises(MalformedCredential, match="poison graph"):
        canonicalize(clique(10))


def test_work_bound_is_a_parameter():
    given_nquads, expected = vector("test044")
    quads = parse_nquads(given_nquads)
    with pytest.raises(MalformedCredential, match="more than 1000 steps"):
        canonicalize(quads, max_work=1000)
    assert canonicalize(quads, max_work=5000) == expected


def test_small_clique_matches_pyld():
    quads = clique(4)
    assert canonicalize(quads) == pyld_urdna2015(nquads_text(quads))


def test_self_referencing_blank_node_counts_twice_like_pyld():
    """pyld lists a quad once per blank-node mention: ``_:a <p> _:a`` counts twice."""
    text = (f"_:a {P} _:a .\n_:a {P} _:b .\n_:b {P} _:c .\n_:c {P} _:c .\n"
            f"_:b <http://example.org/vocab#q> _:a .\n")
    assert canonicalize(parse_nquads(text)) == pyld_urdna2015(text)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_permutations_follow_pyld(n):
    items = [f"_:x{i}" for i in range(n)]
    random.Random(n).shuffle(items)
    ours = [list(p) for p in permutations(list(items))]
    theirs = [list(p) for p in pyld_permutations(list(items))]
    assert ours == theirs
    assert len(ours) == {1: 1, 2: 2, 3: 6, 4: 24, 5: 120}[n]


@st.composite
def symmetric_graphs(draw):
    """Small graphs of blank nodes built from repeated motifs (cycles, stars, copies)."""
    size = draw(st.integers(2, 5))
    copies = draw(st.integers(1, 3))
    predicates = [P, "<http://example.org/vocab#q>"]
    motif = draw(st.lists(st.tuples(st.integers(0, size - 1), st.sampled_from(predicates),
                                    st.integers(0, size - 1)), min_size=1, max_size=8))
    literal = draw(st.sampled_from([None, '"x"', '"y"@en']))
    named = draw(st.booleans())
    quads = set()
    for c in range(copies):
        graph = f"_:g{c}" if named else ""
        for a, p, b in motif:
            quads.add((f"_:c{c}n{a}", p, f"_:c{c}n{b}", graph))
        if literal:
            quads.add((f"_:c{c}n0", "<http://example.org/vocab#v>", literal, graph))
    quads = sorted(quads)
    draw(st.randoms(use_true_random=False)).shuffle(quads)
    return quads


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(symmetric_graphs(), st.randoms(use_true_random=False))
def test_symmetric_graphs_match_pyld_and_ignore_labels(quads, rnd):
    expected = pyld_urdna2015(nquads_text(quads))
    assert canonicalize(quads) == expected
    labels = sorted({t for q in quads for t in (q[0], q[2], q[3]) if t.startswith("_:")})
    renamed = dict(zip(labels, rnd.sample([f"_:r{i}" for i in range(len(labels))], len(labels))))
    relabelled = [tuple(renamed.get(t, t) for t in q) for q in quads]
    rnd.shuffle(relabelled)
    assert canonicalize(relabelled) == expected


def test_indistinguishable_json_ld_nodes_match_pyld():
    """Anonymous nodes with equal content need N-degree hashing; the result is pyld's."""
    v = "http://ex.org/"
    twin = {"@type": "Alignment", "targetName": "same", "friend": {"name": "x"}}
    doc = {"@context": {"@vocab": v}, "@id": "http://s.example/",
           "alignment": [twin, dict(twin), {"ring": {"ring": {"ring": {"@id": "_:loop"}}}, "@id": "_:loop"}],
           "pair": [{"@id": "_:a", "next": {"@id": "_:b"}}, {"@id": "_:b", "next": {"@id": "_:a"}}]}
    assert canonicalize_rdfc(doc, loader=LOADER) == pyld_nquads(doc, LOADER)
