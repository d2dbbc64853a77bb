"""The bundled contexts and the offline document loader."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest

import schemas
from dataintegrity.errors import DocumentLoadError
from dataintegrity.loader import StaticLoader, bundled_loader

SHARED_CONTEXTS = Path(__file__).resolve().parents[2] / "shared" / "interop" / "contexts"
REQUIRED = {
    "https://www.w3.org/ns/credentials/v2",
    "https://www.w3.org/2018/credentials/v1",
    "https://www.w3.org/ns/credentials/examples/v2",
    "https://w3id.org/security/data-integrity/v1",
    "https://w3id.org/security/data-integrity/v2",
    "https://w3id.org/security/multikey/v1",
    "https://www.w3.org/ns/did/v1",
    "https://www.w3.org/ns/credentials/status/v1",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
    "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
}
# The published bytes of https://www.w3.org/ns/credentials/examples/v2
# (w3c/vc-data-model, contexts/credentials/examples/v2).
EXAMPLES_V2 = b'{\n  "@context": {\n    "@vocab": "https://www.w3.org/ns/credentials/examples#"\n  }\n}\n'


def test_every_required_context_is_bundled():
    assert REQUIRED <= schemas.context_urls()


@pytest.mark.skipif(not SHARED_CONTEXTS.is_dir(), reason="shared/interop/contexts is not beside the checkout")
def test_bundled_bytes_equal_the_published_copies():
    index = json.loads((SHARED_CONTEXTS / "contexts.json").read_text())
    for url, name in index.items():
        ours = hashlib.sha256(schemas.context_bytes(url)).hexdigest()
        theirs = hashlib.sha256((SHARED_CONTEXTS / name).read_bytes()).hexdigest()
        assert ours == theirs, url


def test_examples_context_bytes():
    assert schemas.context_bytes("https://www.w3.org/ns/credentials/examples/v2") == EXAMPLES_V2


def test_bitstring_status_list_terms_are_in_the_v2_context():
    v2 = json.loads(schemas.context_bytes("https://www.w3.org/ns/credentials/v2"))["@context"]
    assert {"BitstringStatusListCredential", "BitstringStatusListEntry"} <= set(v2)


def test_loader_returns_copies(loader):
    first = loader("https://www.w3.org/ns/credentials/v2")
    first["document"]["@context"]["tampered"] = True
    second = loader("https://www.w3.org/ns/credentials/v2")
    assert "tampered" not in second["document"]["@context"]
    assert second["documentUrl"] == "https://www.w3.org/ns/credentials/v2"


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/context.json", "http://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/v2/", "", None],
)
def test_unknown_urls_are_refused_without_a_fetch(loader, url):
    with pytest.raises(DocumentLoadError, match="never fetched"):
        loader(url)


def test_the_network_tripwire_is_armed():
    with pytest.raises(AssertionError, match="network access attempted"):
        socket.create_connection(("127.0.0.1", 9))


def test_with_documents_extends_without_changing_the_original():
    base = StaticLoader({"https://a.example/ctx": {"@context": {}}})
    extended = base.with_documents({"https://b.example/ctx": {"@context": {}}})
    assert "https://b.example/ctx" in extended and "https://b.example/ctx" not in base


def test_bundled_loader_serves_every_context():
    loader = bundled_loader()
    for url in schemas.context_urls():
        assert "@context" in loader(url)["document"]
