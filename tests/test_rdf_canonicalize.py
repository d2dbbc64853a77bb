"""canonicalize_rdfc: byte-identical to pyld on every shared document, and fast-path sanity.

The other ``test_rdf_*`` modules import the oracle helpers defined here.
"""

from __future__ import annotations

import copy
import hashlib
import json
import warnings
from pathlib import Path

import pytest
from pyld import jsonld

from dataintegrity.canonicalize import canonicalize_rdfc, to_nquads, to_quads
from dataintegrity.errors import DocumentLoadError, UndefinedTerm, VCError
from dataintegrity.loader import StaticLoader, bundled_loader

SHARED = Path("/work/shared")
TESTS = Path(__file__).parent
FIXTURES = SHARED / "interop" / "fixtures"
REFERENCE = FIXTURES / "valid-eddsa-rdfc-2022.json"
DOCUMENTS = sorted(
    p for p in [*FIXTURES.glob("*.json"), *(SHARED / "vectors" / "eddsa").glob("*.json"),
                SHARED / "frameworks" / "ob3-example.json"]
    if p.exists() and "@context" in json.loads(p.read_text("utf-8"))
)
#: Fixture files whose content safe mode must refuse, and the property it names.
UNSAFE = {
    "neg-eddsa-dropped-member-injected.json": "@grade",
    "ob3-example.json": "type",  # "1EdTechJsonSchemaValidator2019" is in no context
}


def read(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


def pyld_nquads(doc, loader) -> str:
    """The oracle: pyld 3.3.0's URDNA2015 N-Quads of ``doc``."""
    # pyld keeps processed inline contexts in a process-wide cache that makes
    # @import results depend on earlier calls; start every oracle call clean.
    jsonld._resolved_context_cache.clear()
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return jsonld.normalize(copy.deepcopy(doc), options)


def pyld_or_error(doc, loader):
    """pyld's output, or ``None`` if pyld refuses (or crashes on) the document."""
    try:
        return pyld_nquads(doc, loader)
    except (jsonld.JsonLdError, KeyError, TypeError, ValueError, AttributeError,
            IndexError, UnicodeError):
        return None


def ours_or_error(doc, loader, safe=False):
    """Our output, or ``None`` if we refuse the document (only ever with a VCError)."""
    try:
        return canonicalize_rdfc(doc, loader=loader, safe=safe)
    except VCError:
        return None


def without_proof(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "proof"}


def proof_configuration(credential: dict) -> dict:
    proof = credential["proof"]
    return {"@context": credential["@context"], "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022", "created": "2025-01-15T09:00:00Z",
            "verificationMethod": proof["verificationMethod"], "proofPurpose": "assertionMethod"}


LOADER = bundled_loader()

REFERENCE_CANONICAL_HEAD = (
    '<did:example:learner-4711> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
    '<https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementSubject> .\n'
)


def test_reference_credential_is_byte_identical_to_pyld():
    doc = without_proof(read(REFERENCE))
    ours = canonicalize_rdfc(doc, loader=LOADER)
    assert ours == pyld_nquads(doc, LOADER)
    assert ours.count("\n") == 55
    assert len({line.split()[0] for line in ours.splitlines() if line.startswith("_:c14n")}) <= 10
    assert REFERENCE_CANONICAL_HEAD in ours
    # OB 3.0.3 types creditsAvailable with an https: XSD IRI; pyld's double form applies
    assert '"7.5E0"^^<https://www.w3.org/2001/XMLSchema#float>' in ours


def test_proof_configuration_is_byte_identical_to_pyld():
    config = proof_configuration(read(REFERENCE))
    ours = canonicalize_rdfc(config, loader=LOADER)
    assert ours == pyld_nquads(config, LOADER)
    assert ours.count("\n") == 5  # type, created, cryptosuite, proofPurpose, verificationMethod


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: p.name)
@pytest.mark.parametrize("proof", [True, False], ids=["with-proof", "without-proof"])
def test_shared_documents_match_pyld(path, proof):
    doc = read(path) if proof else without_proof(read(path))
    expected = pyld_nquads(doc, LOADER)
    assert canonicalize_rdfc(doc, loader=LOADER, safe=False) == expected
    if path.name in UNSAFE:
        with pytest.raises(UndefinedTerm) as refused:
            canonicalize_rdfc(doc, loader=LOADER)
        assert refused.value.property == UNSAFE[path.name]
    else:
        assert canonicalize_rdfc(doc, loader=LOADER) == expected


def test_dropped_member_fixture_names_the_json_path():
    doc = without_proof(read(FIXTURES / "neg-eddsa-dropped-member-injected.json"))
    with pytest.raises(UndefinedTerm) as refused:
        canonicalize_rdfc(doc, loader=LOADER)
    assert str(refused.value) == (
        "credentialSubject.@grade is not defined by the credential's contexts "
        "and would be dropped from the signature")
    assert refused.value.property == "@grade"


def test_spec_vector_document_hash():
    """The W3C eddsa-rdfc-2022 vector: sha256(canonical document) is the hash's second half."""
    vectors = TESTS / "vectors" / "eddsa-rdfc-2022"
    combined = (vectors / "combinedHashDataInt.txt").read_text("utf-8").strip()
    doc = without_proof(read(vectors / "signedDataInt.json"))
    canonical = canonicalize_rdfc(doc, loader=LOADER)
    assert hashlib.sha256(canonical.encode()).hexdigest() == combined[64:]
    config = read(vectors / "proofConfigDataInt.json")
    assert canonicalize_rdfc(config, loader=LOADER) == (vectors / "proofCanonDataInt.txt").read_text("utf-8")


def test_input_is_not_modified():
    doc = read(REFERENCE)
    before = copy.deepcopy(doc)
    canonicalize_rdfc(doc, loader=LOADER)
    canonicalize_rdfc(doc, loader=LOADER, safe=False)
    assert doc == before


def test_repeated_calls_give_the_same_output():
    doc = without_proof(read(REFERENCE))
    first = canonicalize_rdfc(doc, loader=LOADER)
    assert all(canonicalize_rdfc(doc, loader=LOADER) == first for _ in range(5))


def test_context_cache_belongs_to_the_loader():
    """Two loaders serving different documents at one URL never share processed contexts."""
    url = "https://example.org/ctx/v1"
    one = StaticLoader({url: {"@context": {"p": "http://one.example/p"}}})
    two = StaticLoader({url: {"@context": {"p": "http://two.example/p"}}})
    doc = {"@context": url, "@id": "http://s.example/", "p": "x"}
    assert "one.example" in canonicalize_rdfc(doc, loader=one)
    assert "two.example" in canonicalize_rdfc(doc, loader=two)
    assert "one.example" in canonicalize_rdfc(doc, loader=one)


def test_plain_callable_loader_works():
    """Any pyld-style loader callable works (without the per-loader cache)."""
    def load(url, options=None):
        return {"contextUrl": None, "documentUrl": url, "document": LOADER.document(url)}

    doc = without_proof(read(REFERENCE))
    assert canonicalize_rdfc(doc, loader=load) == pyld_nquads(doc, LOADER)


def test_plain_callable_loader_errors_pass_through():
    def load(url, options=None):
        raise DocumentLoadError(f"no {url}", url=url)

    with pytest.raises(DocumentLoadError):
        canonicalize_rdfc({"@context": "https://nope.example/", "@id": "urn:x"}, loader=load)


def test_to_quads_and_to_nquads():
    doc = without_proof(read(REFERENCE))
    quads = to_quads(doc, loader=LOADER)
    assert len(quads) == 55
    assert all(len(q) == 4 and q[3] == "" for q in quads)
    nquads = to_nquads(doc, loader=LOADER)
    assert nquads.count("\n") == 55
    assert sorted(nquads.splitlines()) == nquads.splitlines()


def test_proof_is_a_named_graph():
    doc = read(REFERENCE)
    graphs = {q[3] for q in to_quads(doc, loader=LOADER)}
    assert len(graphs) == 2 and "" in graphs
    assert all(g.startswith("_:") for g in graphs - {""})


def test_document_may_be_an_array():
    doc = [without_proof(read(REFERENCE)), proof_configuration(read(REFERENCE))]
    assert canonicalize_rdfc(doc, loader=LOADER) == pyld_nquads(doc, LOADER)


def test_context_memos_stay_bounded():
    """Hostile traffic (a new key per request) cannot grow the loader's cache without limit."""
    from dataintegrity.rdf.context import MAX_KEYS
    from dataintegrity.rdf.resolve import ContextEnv

    loader = bundled_loader()
    context = "https://www.w3.org/ns/credentials/v2"
    for i in range(MAX_KEYS + 100):
        canonicalize_rdfc({"@context": context, "@id": "urn:x", f"k{i}": 1, "name": "n"},
                          loader=loader, safe=False)
    credential_context = ContextEnv(loader).initial.derived((context, False, True))
    assert len(credential_context._keys) <= MAX_KEYS
    assert len(credential_context._plans) <= MAX_KEYS
    assert canonicalize_rdfc({"@context": context, "@id": "urn:x", "name": "n"}, loader=loader)
