"""Offline trust bundles: written by ``skillpass bundle``, read by the resolver and the status checker."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

import schemas
from dataintegrity import SUITES, verify_proof
from dataintegrity.datetimes import format_date_time_stamp, parse_date_time_stamp
from verifier import reasons
from verifier.bundle import BUNDLE_TYPE, BundleError, load_bundle
from verifier.bundle_build import BundleBuilder
from verifier.bundle_cli import bundle_command
from verifier.http import Fetched
from verifier.resolution import Resolver
from verifier.status_check import StatusChecker
from verifier.trust import bundled_registry_document

from .conftest import FIXTURES, read_json

#: A day after the bundled (demo) registry became valid, whenever it was signed.
BUNDLED_AT = parse_date_time_stamp(bundled_registry_document()["validFrom"], property="validFrom") + timedelta(days=1)
WRITTEN_AT = BUNDLED_AT - timedelta(hours=1)
ISSUER = "did:web:issuer.example.edu"
LIST_URL = "https://issuer.example.edu/status/1"


def run(*args):
    return CliRunner().invoke(bundle_command, [str(arg) for arg in args])


@pytest.fixture
def bundle_file(tmp_path):
    """A bundle of the interop fixtures' folders, whose files were written an hour before bundling."""
    for folder in ("dids", "status"):
        shutil.copytree(FIXTURES / folder, tmp_path / folder)
        for file in (tmp_path / folder).iterdir():
            os.utime(file, (WRITTEN_AT.timestamp(), WRITTEN_AT.timestamp()))
    out = tmp_path / "bundle.json"
    result = run("-o", out, "--dids", tmp_path / "dids", "--status", tmp_path / "status", "--no-network",
                 "--now", format_date_time_stamp(BUNDLED_AT))
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out}: a registry, 1 DID document(s), 1 status list(s)")
    return out


def test_a_bundle_holds_every_piece_with_its_source_and_date(bundle_file):
    data = json.loads(bundle_file.read_text("utf-8"))
    assert (data["type"], data["version"], data["asOf"]) == (BUNDLE_TYPE, 1, format_date_time_stamp(BUNDLED_AT))
    assert data["registry"]["document"] == bundled_registry_document()
    assert [item["id"] for item in data["didDocuments"]] == [ISSUER]
    assert data["didDocuments"][0]["source"].endswith("dids/issuer.example.edu.json")
    assert data["didDocuments"][0]["obtainedAt"] == format_date_time_stamp(WRITTEN_AT)
    assert data["statusLists"][0]["document"] == read_json(FIXTURES / "status" / "status-1.json")
    assert {item["id"] for item in data["contexts"]} == set(schemas.context_urls())
    assert "shenzhen-agreement.yaml" in {item["id"] for item in data["frameworks"]}
    assert all({"source", "obtainedAt"} <= set(item) for section in ("didDocuments", "statusLists", "contexts", "frameworks")
               for item in data[section])


def test_a_loaded_bundle_says_how_fresh_each_piece_is(bundle_file):
    bundle = load_bundle(bundle_file)
    later = BUNDLED_AT + timedelta(days=1, hours=2)
    registry_day = bundle.registry.obtained_at
    assert bundle.as_of == BUNDLED_AT
    registry_line = f"trust registry https://registry.shenzhen-alliance.example/members.json as of {registry_day:%Y-%m-%d}"
    assert f"{registry_line}, 1 day old" in bundle.freshness(later)
    assert bundle.registry_document() == bundled_registry_document()
    assert set(bundle.contexts) == set(schemas.context_urls())


def test_the_resolver_and_status_checker_read_from_a_bundle(bundle_file, loader):
    bundle = load_bundle(bundle_file)
    now = datetime(2026, 1, 2, tzinfo=timezone.utc)
    checker = StatusChecker(loader=loader, sources=[bundle])
    for name, expected in [("valid-eddsa-didweb-status.json", []), ("neg-eddsa-didweb-revoked.json", [reasons.REVOKED])]:
        credential = read_json(FIXTURES / name)
        resolver = Resolver(now=now, sources=[bundle])
        assert verify_proof(credential, suites=SUITES, loader=loader, resolve_key=resolver, now=now).ok
        status = checker.check(credential, resolve_key=resolver, now=now)
        assert [p.type for p in status.problems] == expected
        assert [(s.source, s.location) for s in resolver.records + status.sources] == [("bundle", str(bundle_file))] * 2
    later = WRITTEN_AT + timedelta(days=1, hours=5)
    status = checker.check(credential, resolve_key=Resolver(now=later, sources=[bundle]), now=later)
    assert status.sources[0].describe() == (
        f"status list {LIST_URL} from the offline bundle, as of {WRITTEN_AT:%Y-%m-%d} (1 day old)")
    assert status.to_json()["sources"][0]["obtainedAt"] == format_date_time_stamp(WRITTEN_AT)


def test_a_list_that_does_not_verify_is_not_bundled(tmp_path):
    status = tmp_path / "status"
    shutil.copytree(FIXTURES / "status", status)
    forged = read_json(status / "status-1.json")
    forged["credentialSubject"]["statusPurpose"] = "suspension"
    (status / "status-1.json").write_text(json.dumps(forged))
    out = tmp_path / "bundle.json"
    result = run("-o", out, "--dids", FIXTURES / "dids", "--status", status, "--no-network",
                 "--now", format_date_time_stamp(BUNDLED_AT))
    assert result.exit_code == 1
    assert "does not verify" in result.output and "no bundle was written" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == [status]


def test_a_list_whose_issuer_cannot_be_resolved_offline_is_not_bundled(tmp_path):
    result = run("-o", tmp_path / "b.json", "--status", FIXTURES / "status", "--no-network",
                 "--now", format_date_time_stamp(BUNDLED_AT))
    assert result.exit_code == 1 and "cannot be resolved offline" in result.output


def test_a_missing_folder_is_unusable_input(tmp_path):
    result = run("-o", tmp_path / "b.json", "--dids", tmp_path / "nope", "--no-network")
    assert result.exit_code == 2 and "not a folder" in result.output


def test_an_expired_registry_is_not_bundled(tmp_path):
    later = parse_date_time_stamp(bundled_registry_document()["validUntil"], property="validUntil") + timedelta(days=1)
    result = run("-o", tmp_path / "b.json", "--no-network", "--now", format_date_time_stamp(later))
    assert result.exit_code == 1 and "expired" in result.output


class StubFetcher:
    """Answers from a dict of URL -> document, as if fetched over the network at ``now``."""

    def __init__(self, documents):
        self.documents = documents
        self.calls = []

    def fetch(self, url, *, max_bytes, now, accept="application/json"):
        self.calls.append((url, max_bytes))
        return Fetched(json.dumps(self.documents[url]).encode(), url, now, 0.0, from_cache=False)


def test_documents_fetched_for_a_bundle_record_their_url_and_time(loader):
    fetcher = StubFetcher({
        "https://issuer.example.edu/.well-known/did.json": read_json(FIXTURES / "dids" / "issuer.example.edu.json"),
        LIST_URL: read_json(FIXTURES / "status" / "status-1.json"),
    })
    builder = BundleBuilder(now=BUNDLED_AT, loader=loader, fetcher=fetcher)
    builder.add_status_list(LIST_URL)  # brings its issuer's DID document along
    bundle = builder.to_json()
    assert [(item["id"], item["source"], item["obtainedAt"]) for item in bundle["didDocuments"] + bundle["statusLists"]] == [
        (ISSUER, "https://issuer.example.edu/.well-known/did.json", format_date_time_stamp(BUNDLED_AT)),
        (LIST_URL, LIST_URL, format_date_time_stamp(BUNDLED_AT)),
    ]
    assert "registry" not in bundle
    assert [call[0] for call in fetcher.calls] == [LIST_URL, "https://issuer.example.edu/.well-known/did.json"]


def bundle_with(tmp_path, **changes) -> str:
    document = {"type": BUNDLE_TYPE, "version": 1, "asOf": "2026-11-20T00:00:00Z",
                "didDocuments": [{"id": ISSUER, "document": read_json(FIXTURES / "dids" / "issuer.example.edu.json"),
                                  "source": "test", "obtainedAt": "2026-11-20T00:00:00Z"}]}
    document.update(changes)
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(document) if not isinstance(document.get("raw"), str) else document["raw"])
    return path


def test_a_minimal_bundle_loads(tmp_path):
    bundle = load_bundle(bundle_with(tmp_path))
    assert list(bundle.did_documents) == [ISSUER] and bundle.registry is None and not bundle.status_lists


@pytest.mark.parametrize("changes, message", [
    ({"raw": "not json"}, "not a trust bundle: the input is not valid JSON"),
    ({"type": "Other"}, '"type" must be "SkillsPassportTrustBundle"'),
    ({"version": 2}, "this verifier reads version 1"),
    ({"asOf": "yesterday"}, '"asOf" must be an XML Schema dateTimeStamp'),
    ({"statusLists": {}}, '"statusLists" must be a list'),
    ({"didDocuments": [{"id": ISSUER, "document": {"id": "did:web:evil.example"}, "source": "x",
                        "obtainedAt": "2026-11-20T00:00:00Z"}]}, 'has "id" \'did:web:evil.example\''),
    ({"didDocuments": [{"id": ISSUER, "document": {"id": ISSUER}, "obtainedAt": "2026-11-20T00:00:00Z"}]},
     'does not say where it came from'),
    ({"didDocuments": [{"id": ISSUER, "document": {"id": ISSUER}, "source": "x", "obtainedAt": "2026-11-20T00:00:00Z"}] * 2},
     "holds did:web:issuer.example.edu twice"),
    ({"frameworks": [{"id": "eqf.yaml", "document": {}, "source": "x", "obtainedAt": "2026-11-20T00:00:00Z"}]},
     'needs an "id" and a "text"'),
])
def test_unusable_bundles_are_refused_with_a_clear_error(tmp_path, changes, message):
    with pytest.raises(BundleError) as caught:
        load_bundle(bundle_with(tmp_path, **changes))
    assert message in caught.value.detail
    assert caught.value.problem_type == reasons.BUNDLE_INVALID


def test_a_missing_bundle_file_is_a_clear_error(tmp_path):
    with pytest.raises(BundleError, match="cannot read the trust bundle"):
        load_bundle(tmp_path / "nope.json")


def test_the_web_verifier_uses_a_bundle_with_no_network(bundle_file):
    """SKILLPASS_VERIFIER_BUNDLE: did:web and status from the bundle, the freshness shown, nothing fetched."""
    from verifier.web import create_app

    app = create_app({"SECRET_KEY": "bundle test", "VERIFIER_BUNDLE": str(bundle_file), "VERIFIER_NETWORK": True,
                      "VERIFIER_CLOCK": lambda: BUNDLED_AT})
    response = app.test_client().post("/credentials/verify",
                                      json={"verifiableCredential": read_json(FIXTURES / "valid-eddsa-didweb-status.json")})
    body = response.get_json()
    assert response.status_code == 200, body
    assert any("offline bundle" in json.dumps(source) for source in body["sources"])
    revoked = app.test_client().post("/credentials/verify",
                                     json={"verifiableCredential": read_json(FIXTURES / "neg-eddsa-didweb-revoked.json")})
    assert revoked.status_code == 400
