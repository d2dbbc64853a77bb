"""Differential tests against pyld on generated documents (hypothesis).

* credentials built from the terms the bundled VC 2.0 and Open Badges 3.0.3
  contexts define, with random strings (unicode, control characters, quotes,
  backslashes), numbers, booleans, nested objects, arrays, lists, language
  and typed value objects, blank nodes and IRIs;
* the reference credential with random values, which safe mode must accept;
* documents with random inline contexts.
"""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataintegrity.canonicalize import canonicalize_rdfc
from dataintegrity.errors import MalformedCredential, UndefinedTerm

from .test_rdf_canonicalize import LOADER, REFERENCE, pyld_nquads, pyld_or_error, read, without_proof

SETTINGS = settings(max_examples=80, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CONTEXTS = ["https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
XSD = "http://www.w3.org/2001/XMLSchema#"


def _catalog():
    """Classes (terms with a type-scoped context) and their properties; root properties."""
    classes, root = {}, {}
    for url in CONTEXTS:
        for term, definition in LOADER.document(url)["@context"].items():
            if term.startswith("@") or term in ("id", "type", "..."):
                continue
            if isinstance(definition, dict) and "@context" in definition and term[0].isupper():
                scoped = definition["@context"]
                classes[term] = {p: d for p, d in scoped.items() if not p.startswith("@")
                                 and p not in ("id", "type")}
            elif term[0].islower():
                root[term] = definition
    return classes, root


CLASSES, ROOT = _catalog()
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ['"quoted"', "back\\slash", "tab\tnew\nline\rcr", "\u0000\u0008\u000c\u007f", "é∞😀", ""])
IRI = st.sampled_from(["urn:uuid:8d4e2c1a-6b3f-4a9e-b7d5-2f1c0e9a8b76", "https://ex.org/a",
                       "did:example:learner", "did:key:z6Mk#key-1", "http://ex.org/b?q=1#f",
                       "_:b1", "_:b2"])
LANGUAGE = st.sampled_from(["en", "de-CH", "zh-Hant-TW", "EN", "ar"])
NUMBER = (st.integers(-10**25, 10**25) | st.floats(allow_nan=False, allow_infinity=False)
          | st.sampled_from([0, -0.0, 7.5, 1e21, 1e-7, 100.0]))
SCALAR = TEXT | NUMBER | st.booleans() | st.none()
VALUE_OBJECT = (
    st.builds(lambda v, l: {"@value": v, "@language": l}, TEXT, LANGUAGE)
    | st.builds(lambda v, l, d: {"@value": v, "@language": l, "@direction": d}, TEXT, LANGUAGE,
                st.sampled_from(["ltr", "rtl"]))
    | st.builds(lambda v, t: {"@value": v, "@type": t}, TEXT,
                st.sampled_from([XSD + "string", XSD + "date", XSD + "double", "https://ex.org/dt"]))
    | st.builds(lambda v: {"@value": v}, SCALAR))


def value_for(definition, depth):
    """Values fitting a term definition's type coercion and container."""
    coerce = definition.get("@type") if isinstance(definition, dict) else None
    container = definition.get("@container") if isinstance(definition, dict) else None
    if coerce == "@id":
        single = IRI | node(depth + 1)
    elif coerce == "@vocab":
        single = st.sampled_from(["assertionMethod", "authentication", "https://ex.org/purpose"])
    elif coerce == "@json":
        single = st.recursive(SCALAR, lambda inner: st.lists(inner, max_size=3)
                              | st.dictionaries(TEXT, inner, max_size=3), max_leaves=6)
    elif coerce:
        single = TEXT | NUMBER | st.sampled_from(["2025-01-15T09:00:00Z", "7.5", "true"])
    else:
        single = SCALAR | VALUE_OBJECT | node(depth + 1) | st.builds(
            lambda items: {"@list": items}, st.lists(SCALAR | VALUE_OBJECT, max_size=3))
    if container == "@list":
        return st.lists(single, max_size=3)
    return single | st.lists(single, max_size=3)


def node(depth):
    """A node object of a random Open Badges / VC class, with some of its properties."""
    if depth > 2:
        return IRI.map(lambda iri: {"id": iri})
    return st.sampled_from(sorted(CLASSES)).flatmap(lambda cls: _node_of(cls, depth))


def _node_of(cls, depth):
    terms = {**ROOT, **CLASSES[cls]}
    names = st.lists(st.sampled_from(sorted(terms)), max_size=4, unique=True)

    def build(chosen, values, ident):
        body = {"type": cls, **dict(zip(chosen, values))}
        if ident is not None:
            body["id"] = ident
        return body

    return names.flatmap(lambda chosen: st.builds(
        build, st.just(chosen), st.tuples(*(value_for(terms[n], depth) for n in chosen)),
        st.none() | IRI))


CREDENTIAL = st.builds(
    lambda subject, issuer, extra: {"@context": CONTEXTS, "type": ["VerifiableCredential",
                                                                  "OpenBadgeCredential"],
                                    "issuer": issuer, "credentialSubject": subject, **extra},
    node(1), IRI | node(1),
    st.dictionaries(st.sampled_from(["name", "description", "validFrom", "id"]),
                    TEXT | IRI, max_size=3))


def check_against_pyld(doc, safe_too=False):
    """Ours (non-safe) equals pyld whenever pyld accepts the document.

    Ours runs first: a poison graph (which we refuse) would make pyld, which
    has no work bound, run for hours.
    """
    try:
        ours = canonicalize_rdfc(copy.deepcopy(doc), loader=LOADER, safe=False)
    except MalformedCredential as refused:
        if "poison" in str(refused):
            return
        ours = None
    expected = pyld_or_error(doc, LOADER)
    if expected is not None:
        assert ours == expected
    if safe_too and ours is not None:
        try:
            assert canonicalize_rdfc(doc, loader=LOADER) == ours
        except (UndefinedTerm, MalformedCredential):
            pass


@SETTINGS
@given(CREDENTIAL)
def test_generated_credentials_match_pyld(doc):
    check_against_pyld(doc, safe_too=True)


def _replace_values(doc, draw):
    """The reference credential with every literal-valued member given a random value."""
    literal_keys = {"name", "description", "narrative", "targetName", "targetDescription",
                    "targetFramework", "targetCode", "resultType", "value", "fieldOfStudy",
                    "achievementType", "targetType"}
    if isinstance(doc, dict):
        out = {}
        for key, value in doc.items():
            if key in literal_keys and isinstance(value, str):
                out[key] = draw(TEXT | st.builds(lambda v, l: {"@value": v, "@language": l},
                                                 TEXT, st.sampled_from(["en", "de", "zh-Hant"])))
            elif key == "creditsAvailable":
                out[key] = draw(NUMBER)
            elif key == "allowedValue":
                out[key] = draw(st.lists(TEXT, min_size=1, max_size=4))
            else:
                out[key] = _replace_values(value, draw)
        return out
    if isinstance(doc, list):
        return [_replace_values(v, draw) for v in doc]
    return doc


@SETTINGS
@given(st.data())
def test_reference_credential_with_random_values_is_safe_and_matches_pyld(data):
    doc = _replace_values(without_proof(read(REFERENCE)), data.draw)
    doc["credentialSubject"]["result"][0]["resultDescription"] = "urn:uuid:8d4e2c1a"
    assert canonicalize_rdfc(doc, loader=LOADER) == pyld_nquads(doc, LOADER)


V = "http://ex.org/"
TERM = st.sampled_from(["a", "b", "c", "ex:d", "T", "U"])
DEFINITION = st.one_of(
    st.sampled_from([V + "p1", V + "p2", "ex:z", None, "@id", "@type"]),
    st.fixed_dictionaries({"@id": st.sampled_from([V + "q", "ex:r", V + "p1"])}, optional={
        "@type": st.sampled_from(["@id", "@vocab", "@json", "@none", XSD + "integer", XSD + "double",
                                  "ex:dt"]),
        "@container": st.sampled_from(["@list", "@set", "@language", "@index", "@graph"]),
        "@language": st.sampled_from(["en", None, "FR"]),
        "@context": st.just({"a": V + "scoped"}) | st.none(),
    }))
INLINE_CONTEXT = st.builds(
    lambda terms, vocab, language: {**({"@vocab": vocab} if vocab else {}),
                                    **({"@language": language} if language else {}),
                                    "ex": V + "ns#", **terms},
    st.dictionaries(TERM, DEFINITION, max_size=4),
    st.sampled_from([None, V, V + "v/"]), st.sampled_from([None, "en", "de-AT"]))
BODY_VALUE = st.recursive(
    SCALAR | IRI | VALUE_OBJECT,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(TERM | st.sampled_from(["@type", "@id", "unknown"]), inner, max_size=3)
    | st.builds(lambda items: {"@list": items}, st.lists(inner, max_size=3))
    | st.builds(lambda lang: {"en": "x", lang: ["y", "z"]}, LANGUAGE),
    max_leaves=8)


@SETTINGS
@given(INLINE_CONTEXT, st.dictionaries(TERM | st.just("@type"), BODY_VALUE, min_size=1, max_size=4),
       st.none() | IRI)
def test_inline_contexts_match_pyld(context, body, ident):
    doc = {"@context": context, **body}
    if ident is not None:
        doc["@id"] = ident
    check_against_pyld(doc)
