"""Expansion + RDF conversion, feature by feature, against pyld (non-safe mode).

Each document exercises one JSON-LD 1.1 feature with an inline context; the
canonical N-Quads must equal pyld 3.3.0's byte for byte.  Where pyld refuses a
document we must refuse it too (with a VCError).
"""

from __future__ import annotations

import json

import pytest

from dataintegrity.canonicalize import canonicalize_rdfc
from dataintegrity.errors import MalformedCredential, VCError

from .test_rdf_canonicalize import LOADER, pyld_or_error

V = "http://ex.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
EXTRA = LOADER.with_documents({
    "https://example.org/ctx/imp": {"@context": {
        "ex": "http://ex.org/", "a": "ex:a", "b": {"@id": "ex:b", "@type": "@id"}}},
    "https://example.org/ctx/list": {"@context": ["https://example.org/ctx/imp", {"c": "ex:c"}]},
    "https://example.org/ctx/scoped": {"@context": {"s": {"@id": "http://ex.org/s", "@context": {
        "t": {"@id": "http://ex.org/t", "@type": "@id"}}}}},
})


def doc(context, **body):
    return {"@context": context, **body}


CASES = {
    "numbers": doc({"@vocab": V}, a=[1, 2.5, True, False, "x", None, 1e21, 7.0, -0.0,
                                   123456789012345678901234567890, 1e-7, 100000000000000000000]),
    "list keyword": doc({"@vocab": V}, **{"@id": "http://s", "l": {"@list": [
        1, [2, 3], [], {"@list": []}, {"p": "q"}, "x"]}}),
    "list container": doc({"@vocab": V, "l": {"@container": "@list"}}, l=[[1, 2], [], "a", [[3]]]),
    "empty list container": doc({"@vocab": V, "l": {"@container": "@list"}}, l=[]),
    "list container scalar": doc({"@vocab": V, "l": {"@container": "@list"}}, l="single"),
    "list of lists and sets": doc({"@vocab": V, "l": {"@container": "@list"}},
                                  l=[{"@list": [1]}, {"@set": [2, 3]}]),
    "nested arrays": doc({"@vocab": V}, p=[[1, 2], [[3]]], q={"@list": [[1], [[2]]]}),
    "set": doc({"@vocab": V}, s={"@set": [1, {"@set": [2]}, [3]]}),
    "empty set, array, list": doc({"@vocab": V}, p={"@set": []}, q=[], r={"@list": []}),
    "json": doc({"@vocab": V, "j": {"@type": "@json"}},
                j={"b": [1, 2.5, None, True], "a": "é\u0001", "ä": {"z": 1e21}},
                k={"@value": [1, {"x": 1}], "@type": "@json"}),
    "json null": doc({"@vocab": V, "j": {"@type": "@json"}}, j=None),
    "json value objects": doc({"@vocab": V}, p={"@value": {"a": 1}, "@type": "@json"},
                              q={"@value": None, "@type": "@json"}),
    "default language": doc({"@vocab": V, "@language": "EN"}, a="hello",
                            b={"@value": "x", "@language": "DE"}, c=5),
    "term language null": doc({"@vocab": V, "@language": "en", "p": {"@language": None}}, p="x", q="y"),
    "language map": doc({"@vocab": V, "m": {"@container": "@language"}},
                        m={"en": "a", "FR": ["b", "c"], "@none": "d", "de": None}),
    "index map": doc({"@vocab": V, "i": {"@container": "@index"}},
                     i={"x": "a", "y": [{"@value": "b"}, {"p": 1}], "@none": "c"}),
    "index map duplicates": doc({"@vocab": V, "i": {"@container": "@index"}}, i={"x": "a", "y": "a"}),
    "value index": doc({"@vocab": V}, p={"@value": "x", "@index": "i"}, q={"@list": [1], "@index": "j"}),
    "double coercion": doc({"@vocab": V, "d": {"@id": "http://ex.org/d", "@type": XSD + "double"}},
                           d=["1.5", 2, "abc", 3.25, "1e999", "nan", "1_0", " 2 "]),
    "double value objects": doc({"@vocab": V}, a={"@value": 1.5, "@type": XSD + "double"},
                                b={"@value": "1.50", "@type": XSD + "double"},
                                c=[1.5, {"@value": "1.5E0", "@type": XSD + "double"}]),
    "vocab coercion": doc({"@vocab": V, "t": {"@type": "@vocab"}, "Foo": "http://ex.org/Foo#"},
                          t=["Foo", "Bar", "http://abs/x", "_:b1"]),
    "id coercion and relative IRIs": doc({"@vocab": V, "r": {"@type": "@id"}},
                                         **{"@id": "rel", "r": ["other", "http://x/y", "_:b0", "#frag"]}),
    "base": doc({"@vocab": V, "@base": "http://base.org/dir/"}, **{"@id": "rel", "r": {"@id": "../x"}}),
    "null base": doc({"@vocab": V, "@base": None}, **{"@id": "http://s", "r": {"@id": "rel"}}),
    "IRIs with spaces": doc({"@vocab": V}, **{"@id": "http://a b", "p": {"@id": "http://c d"}, "q": 1}),
    "relative type": doc({"@vocab": V}, **{"@id": "http://s", "@type": "rel type"}),
    "top-level graph": doc({"@vocab": V}, **{"@graph": [
        {"@id": "http://a", "p": 1}, {"@id": "http://b"}, "free", {"@value": 3}]}),
    "named graph": doc({"@vocab": V}, **{"@id": "http://g", "@graph": {"@id": "http://a", "p": 1}}),
    "embedded graph": doc({"@vocab": V}, p={"@graph": {"q": 1}}),
    "graph container": doc({"@vocab": V, "gc": {"@container": "@graph"}}, **{
        "@id": "http://s", "gc": [{"q": 1}, {"@id": "http://n", "r": {"s": 2}}, "str", {"@value": 1}]}),
    "graph container with id coercion": doc(
        {"@vocab": V, "gc": {"@container": ["@graph", "@set"], "@type": "@id"}}, gc="http://x"),
    "types": doc({"@vocab": V}, **{"@type": ["A", "B", "A"], "p": {"@type": "C", "q": "x"}}),
    "type-scoped context": doc(
        {"@vocab": V, "A": {"@context": {"p": {"@id": "http://other/p", "@type": "@id"}}}},
        **{"@type": "A", "p": "http://x", "n": {"p": "y"}}),
    "type-scoped propagate": doc({"@vocab": V, "A": {"@context": {"@propagate": True, "p": "http://other/p"}}},
                                 **{"@type": "A", "n": {"p": "y"}}),
    "property-scoped context": doc({"@vocab": V, "q": {"@context": {"p": "http://other/p"}}},
                                   q={"p": "y", "n": {"p": "z"}}),
    "property-scoped null": doc({"@vocab": V, "q": {"@context": None}}, q={"p": "y"}),
    "compact IRIs": doc([{"@vocab": V}, {"ex": "http://ex.org/ns#", "t": "ex:term"}],
                        **{"t": 1, "ex:raw": 2, "http://full/iri": 3, "_:bp": 4}),
    "prefix flag": doc({"ex": {"@id": "http://ex.org/", "@prefix": True}, "t": "ex:x"}, **{"ex:y": 1, "t": 2}),
    "gen-delim prefixes": doc({"ex": "http://ex.org/#", "ex2": "urn:x:"}, **{"ex:y": 1, "ex2:z": 2}),
    "vocab-relative term": doc({"@vocab": "http://v/", "p": "v:q", "v": "http://vv/"}, p=1),
    "typed values": doc({"@vocab": V}, a={"@value": "x", "@type": "http://dt"},
                        b={"@value": True, "@type": "http://dt"},
                        c={"@value": 5, "@type": XSD + "string"}),
    "duplicate values (pyld keeps both)": doc(
        {"@vocab": V}, a=[1, {"@value": "1", "@type": XSD + "integer"}],
        b=["x", {"@value": "x", "@type": XSD + "string"}]),
    "type twice (pyld keeps both)": doc({"@vocab": V}, **{
        "@id": "http://s", "@type": "http://T",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": {"@id": "http://T"}}),
    "escaping": doc({"@vocab": V}, a="tab\there \"q\" back\\slash\nnl\rcr \u0000\u0008\u000c\u007f "
                                     "\u2028 é 😀"),
    "blank node ids": doc({"@vocab": V}, **{"@id": "_:x", "p": {"@id": "_:x"},
                                            "q": {"@id": "_:y", "r": {"@id": "_:x"}}}),
    "direction": doc({"@vocab": V}, a={"@value": "x", "@direction": "rtl"},
                     b={"@value": "y", "@language": "ar", "@direction": "rtl"}),
    "default direction": doc({"@vocab": V, "@direction": "ltr"}, a="x",
                             b={"@value": "y", "@language": "en"}),
    "default direction dropped by the next context": doc(
        [{"@vocab": V, "@direction": "ltr"}, {"z": "http://z"}], a="x"),
    "remote context list": doc("https://example.org/ctx/list", a="1", b="http://b", c=3),
    "import": doc({"@import": "https://example.org/ctx/imp", "a": "http://override/a"}, a=1, b="x"),
    "remote scoped": doc("https://example.org/ctx/scoped", s={"t": "http://t"}),
    "empty and reference nodes": doc({"@vocab": V}, p={"@id": "http://x"}, q={}, r={"unknown:iri": 1}),
    "nulls": doc({"@vocab": V, "n": None}, n=1, p={"@value": None}, q=None),
    "aliases": doc({"@vocab": V, "id": "@id", "type": "@type", "Foo": {
        "@id": "http://Foo", "@context": {"x": {"@id": "http://x", "@type": "@id"}}}},
        id="http://s", type="Foo", x="http://y", n={"type": "Foo", "x": "z"}),
    "type none": doc({"@vocab": V, "p": {"@type": "@none"}}, p=["x", 1]),
    "node types only": doc({"@vocab": V}, p={"@type": "http://T"}),
    "keyword type": doc({"@vocab": V}, **{"@type": "@json"}),
    "blank node vocab": doc({"@vocab": "_:"}, p=1),
    "blank node property": doc({"@vocab": V, "gp": {"@id": "_:gp"}}, gp={"q": 1}),
    "empty vocab": doc({"@vocab": ""}, p=1),
    "scoped context array": doc(
        {"@vocab": V, "ctx": {"@context": [{"x": "http://x1"}, {"y": "http://y1"}]}}, ctx={"x": 1, "y": 2}),
    "embedded context": doc({"@vocab": V}, p={"@context": {"q": "http://q"}, "q": 1, "r": {"q": 2}}),
    "embedded context reset": doc(
        {"@vocab": V}, p={"@context": [{"q": "http://q"}, None, {"@vocab": "http://w/"}], "q": 1}),
    "version": doc({"@version": 1.1, "@vocab": V, "@protected": True, "p": "http://p"}, p=1),
    "identical protected redefinition": doc(
        [{"@vocab": V, "@protected": True, "p": "http://p"}, {"p": "http://p"}], p=1),
    "merged node": doc({"@vocab": V}, **{"@id": "http://s", "p": [
        {"@id": "http://o"}, {"@id": "http://o"}, {"@id": "http://o", "q": 1}]}),
    "top-level array": [doc({"@vocab": V}, **{"@id": "http://a", "p": 1}),
                        doc({"@vocab": V}, **{"@graph": [{"@id": "http://b", "p": 2}]})],
    # left to pyld by the fast path
    "reverse": doc({"@vocab": V}, **{"@id": "http://s", "@reverse": {"p": {"@id": "http://o"}}}),
    "nest": doc({"@vocab": V, "n": "@nest"}, n={"p": 1}),
    "id map": doc({"@vocab": V, "im": {"@container": "@id"}}, im={"http://a": {"p": 1}}),
    "type map": doc({"@vocab": V, "tm": {"@container": "@type"}}, tm={"T": {"p": 1}}),
    "included": doc({"@vocab": V}, **{"@included": [{"@id": "http://i", "p": 1}]}),
}


@pytest.mark.parametrize("name", list(CASES))
def test_matches_pyld(name):
    document = CASES[name]
    expected = pyld_or_error(document, EXTRA)
    if expected is None:
        with pytest.raises(VCError):
            canonicalize_rdfc(document, loader=EXTRA, safe=False)
    else:
        assert canonicalize_rdfc(document, loader=EXTRA, safe=False) == expected


@pytest.mark.parametrize("name", ["reverse", "nest", "id map", "type map", "included"])
def test_unsupported_features_are_refused_in_safe_mode(name):
    with pytest.raises(MalformedCredential, match="not support"):
        canonicalize_rdfc(CASES[name], loader=EXTRA)


def test_pyld_fallback_is_still_bounded():
    """A poison graph reached through the pyld fallback hits the same work bound."""
    nodes = [{"@id": f"_:n{i}", "@reverse": {"http://ex.org/q": {"@id": "http://o"}},
              "http://ex.org/p": [{"@id": f"_:n{j}"} for j in range(7) if j != i]} for i in range(7)]
    with pytest.raises(MalformedCredential, match="poison"):
        canonicalize_rdfc({"@graph": nodes}, loader=EXTRA, safe=False)


def test_cases_are_json():
    """The cases are plain JSON (what a verifier receives)."""
    for document in CASES.values():
        assert json.loads(json.dumps(document)) == document
