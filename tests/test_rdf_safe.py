"""Safe mode: everything JSON-LD would leave out of the signed quads is refused.

For each case, pyld (which has no safe mode) shows the danger: the member
changes nothing in its canonical N-Quads, so it could be added to a signed
credential without breaking the signature.
"""

from __future__ import annotations

import copy

import pytest

from dataintegrity.canonicalize import canonicalize_rdfc
from dataintegrity.errors import MalformedCredential, UndefinedTerm

from .test_rdf_canonicalize import LOADER, REFERENCE, pyld_nquads, read, without_proof

V = "http://ex.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"


def credential() -> dict:
    return without_proof(read(REFERENCE))


def subject_with(**members) -> dict:
    doc = credential()
    doc["credentialSubject"].update(members)
    return doc


def inline(context, **body) -> dict:
    return {"@context": context, "@id": "http://s.example/", **body}


# (document, property named by the error, words in the message, member whose removal
#  leaves pyld's output unchanged -- the proof that JSON-LD drops it -- or None)
REFUSED = {
    "undefined property": (subject_with(grade="A"), "grade",
                           "credentialSubject.grade is not defined", ("credentialSubject", "grade")),
    "keyword-like key": (subject_with(**{"@grade": "A"}), "@grade",
                         "credentialSubject.@grade is not defined", ("credentialSubject", "@grade")),
    "undefined key at the root": ({**credential(), "foo": 1}, "foo", "foo is not defined", ("foo",)),
    "key that is no IRI under @vocab": (inline({"@vocab": V}, **{"a b": 1}), "a b", "is not defined",
                                        ("a b",)),
    "relative @type": (subject_with(type=["AchievementSubject", "Unknown"]), "type",
                       "relative IRI reference 'Unknown'", None),
    "relative @id": (subject_with(id="learner-4711"), "id", "relative IRI reference", None),
    "relative @id-coerced value": ({**credential(), "issuer": "issuer-1"}, "issuer",
                                   "relative IRI reference 'issuer-1'", None),
    "relative datatype": (inline({"p": V + "p"}, p={"@value": "x", "@type": "dt"}), "@type",
                          "relative datatype IRI 'dt'", None),
    "relative @vocab": (inline({"@vocab": "terms/"}, p=1), "@context",
                        "the @vocab 'terms/' is a relative IRI reference", None),
    "reserved term in a context": (inline({"@vocab": V, "@reserved": "http://x/"}, p=1), "@context",
                                   "has the form of a keyword", None),
    "reserved @id value in a context": (inline({"@vocab": V, "t": "@reserved"}, p=1), "@context",
                                        "reserved value", None),
    "free-floating scalar": (inline({"@vocab": V}, **{"@graph": ["loose"]}), "@graph",
                             "free-floating value 'loose'", None),
    "free-floating value object": (inline({"@vocab": V}, **{"@graph": [{"@value": 1}]}), "@graph",
                                   "free-floating value object", None),
    "free-floating list": (inline({"@vocab": V}, **{"@graph": [{"@list": [1]}]}), "@graph",
                           "free-floating list", None),
    "null @value": (inline({"@vocab": V}, p={"@value": None}), "p", "null @value", ("p",)),
    "empty document": ({"@context": credential()["@context"]}, None, "an empty object", None),
    "object with only @id": ({"@context": credential()["@context"], "id": "urn:x"}, None,
                             "nothing but an @id", None),
    "invalid language tag": (inline({"@vocab": V}, p={"@value": "x", "@language": "en_GB"}),
                             "@language", "p.@language: the invalid language tag", None),
    "invalid term language": (inline({"@vocab": V, "t": {"@id": V + "t", "@language": "en_GB"}},
                                     t="x"), "@context", "not a BCP47 language tag", None),
    "invalid language map key": (inline({"@vocab": V, "m": {"@container": "@language"}},
                                        m={"en_GB": "x"}), "en_GB", "invalid language tag", None),
    "@direction": (inline({"@vocab": V}, p={"@value": "x", "@language": "ar", "@direction": "rtl"}),
                   "p", "base direction", None),
    "default @direction": (inline({"@vocab": V, "@direction": "rtl"}, p="x"), "p", "base direction",
                           None),
    "blank node property": (inline({"@vocab": "_:"}, p=1), "p", "blank node property", None),
    "@index on a value": (inline({"@vocab": V}, p={"@value": "x", "@index": "i"}), "p", "@index",
                          None),
    "@index map": (inline({"@vocab": V, "m": {"@container": "@index"}}, m={"k": "x"}), "m",
                   "keys of an @index map", None),
    "@index on a node": (inline({"@vocab": V}, p=1, **{"@index": "i"}), "@index",
                         "keyword @index on a node object", ("@index",)),
    "@language on a node": (inline({"@vocab": V}, p=1, **{"@language": "en"}), "@language",
                            "keyword @language", ("@language",)),
    "framing keyword": (inline({"@vocab": V}, p=1, **{"@explicit": True}), "@explicit",
                        "keyword @explicit", ("@explicit",)),
    "value in a @graph container": (inline({"@vocab": V, "g": {"@container": "@graph", "@type": "@id"}},
                                           g="http://x/"), "g", "in a @graph container", None),
    "reserved term in a type-scoped context": (
        inline({"@vocab": V, "T": {"@id": "http://T", "@context": {"@bad": "http://b/"}}},
               p={"@type": "T", "q": 1}), "@context", "form of a keyword", None),
}


@pytest.mark.parametrize("name", list(REFUSED))
def test_refused(name):
    document, prop, words, _ = REFUSED[name]
    with pytest.raises(UndefinedTerm) as refused:
        canonicalize_rdfc(document, loader=LOADER)
    assert words in str(refused.value)
    assert "would be dropped from the signature" in str(refused.value)
    if prop is not None:
        assert refused.value.property == prop


@pytest.mark.parametrize("name", [n for n, case in REFUSED.items() if case[3] is not None])
def test_refused_members_really_are_dropped_by_json_ld(name):
    """Without safe mode the member would not be signed: removing it changes nothing."""
    document, _, _, member = REFUSED[name]
    reduced = copy.deepcopy(document)
    parent = reduced
    for key in member[:-1]:
        parent = parent[key]
    del parent[member[-1]]
    assert pyld_nquads(document, LOADER) == pyld_nquads(reduced, LOADER)
    assert canonicalize_rdfc(document, loader=LOADER, safe=False) == pyld_nquads(reduced, LOADER)


def test_null_values_are_dropped_not_refused():
    """JSON-LD drops members set to null; jsonld.js safe mode accepts that, and so do we."""
    document = subject_with(name=None)
    assert canonicalize_rdfc(document, loader=LOADER) == pyld_nquads(credential(), LOADER)


def test_null_id_is_invalid_json_ld():
    with pytest.raises(MalformedCredential, match="@id must be a string"):
        canonicalize_rdfc(subject_with(id=None), loader=LOADER)


def test_same_statement_twice_is_refused():
    document = inline({"@vocab": V}, p=[1, {"@value": "1", "@type": XSD + "integer"}])
    with pytest.raises(MalformedCredential, match="twice"):
        canonicalize_rdfc(document, loader=LOADER)
    assert canonicalize_rdfc(document, loader=LOADER, safe=False) == pyld_nquads(document, LOADER)


def test_defined_content_passes():
    document = inline({"@vocab": V, "@language": "en", "m": {"@container": "@language"},
                       "l": {"@container": "@list"}, "j": {"@type": "@json"}},
                      p="x", m={"de": "y"}, l=[1, [2]], j={"k": [1]}, g={"@graph": {"q": True}})
    assert canonicalize_rdfc(document, loader=LOADER) == pyld_nquads(document, LOADER)
