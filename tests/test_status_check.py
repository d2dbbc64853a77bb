"""The status check: Bitstring Status List entries against signed lists from folders or a fetcher."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import timedelta

import pytest

from dataintegrity import EDDSA_JCS_2022, EDDSA_RDFC_2022, KeySigner, add_proof
from dataintegrity.keys import did_key, did_key_verification_method, private_key_from_seed
from dataintegrity.status_list import empty_bitstring, set_bit, status_list_credential
from verifier import reasons
from verifier.fetch_errors import FetchError
from verifier.http import HttpFetcher
from verifier.http_cache import CachedResponse
from verifier.offline import DidFolder, StatusFolder
from verifier.resolution import Resolver
from verifier.status_check import StatusChecker

from .conftest import CREATED, FIXTURES, NOW, SEED, read_json, unsigned_for

KEY = private_key_from_seed(SEED, "Ed25519")
OTHER_KEY = private_key_from_seed(bytes(range(32)), "Ed25519")
ISSUER = did_key(KEY.public_key())
REVOCATION = "https://status.example.edu/lists/1"
SUSPENSION = "https://status.example.edu/lists/2"


def entry(index="42", purpose="revocation", url=REVOCATION, **extra) -> dict:
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": purpose,
            "statusListIndex": index, "statusListCredential": url, **extra}


def credential_with(*entries) -> dict:
    credential = unsigned_for(KEY)
    credential["credentialStatus"] = entries[0] if len(entries) == 1 else list(entries)
    return credential


def signed_list(loader, *, url=REVOCATION, purpose="revocation", set_bits=(), key=KEY, issuer=None,
                bitstring=None, suite=EDDSA_RDFC_2022, **fields) -> dict:
    bits = bytearray(empty_bitstring()) if bitstring is None else bitstring
    for index in set_bits:
        set_bit(bits, index)
    unsigned = status_list_credential(list_url=url, issuer=issuer or did_key(key.public_key()), purpose=purpose,
                                      bitstring=bits, valid_from="2025-01-01T00:00:00Z")
    unsigned.update(fields)
    signer = KeySigner(did_key_verification_method(key.public_key()), key)
    return add_proof(unsigned, suite=suite, signer=signer, loader=loader, created=CREATED)


def folder_with(tmp_path, *documents) -> StatusFolder:
    manifest = {}
    for number, document in enumerate(documents):
        (tmp_path / f"list-{number}.json").write_text(json.dumps(document))
        manifest[document.get("id", f"https://nowhere.example/{number}")] = f"list-{number}.json"
    (tmp_path / "status.json").write_text(json.dumps(manifest))
    return StatusFolder(tmp_path)


def check(loader, credential, *, sources=(), fetcher=None, now=NOW, resolver=None):
    checker = StatusChecker(loader=loader, sources=sources, fetcher=fetcher)
    return checker.check(credential, resolve_key=resolver or Resolver(now=now), now=now)


def types(result) -> tuple[list[str], list[str]]:
    return [p.type for p in result.problems], [w.type for w in result.warnings]


def test_a_bit_not_set_passes_and_says_where_the_list_came_from(tmp_path, loader):
    result = check(loader, credential_with(entry()), sources=[folder_with(tmp_path, signed_list(loader, set_bits=[41, 43]))])
    assert (result.name, result.ok, types(result)) == ("status", True, ([], []))
    assert [(s.kind, s.subject, s.source) for s in result.sources] == [("status list", REVOCATION, "folder")]
    assert result.to_json()["sources"][0]["description"].startswith(f"status list {REVOCATION} from ")


def test_a_revoked_credential_fails(tmp_path, loader):
    result = check(loader, credential_with(entry()), sources=[folder_with(tmp_path, signed_list(loader, set_bits=[42]))])
    assert (result.ok, types(result)) == (False, ([reasons.REVOKED], []))
    assert result.problems[0].detail == (
        f"revocation bit 42 of {REVOCATION} is set: the issuer has revoked this credential")


def test_a_suspended_credential_fails(tmp_path, loader):
    lists = folder_with(tmp_path, signed_list(loader, set_bits=[0]),
                        signed_list(loader, url=SUSPENSION, purpose="suspension", set_bits=[7]))
    result = check(loader, credential_with(entry("0"), entry("7", "suspension", SUSPENSION)), sources=[lists])
    assert types(result) == ([reasons.REVOKED, reasons.SUSPENDED], [])
    assert len(result.sources) == 2


def test_a_jcs_signed_list_is_accepted(tmp_path, loader):
    lists = folder_with(tmp_path, signed_list(loader, suite=EDDSA_JCS_2022))
    assert check(loader, credential_with(entry()), sources=[lists]).ok


def test_an_unreachable_list_is_a_warning_never_a_silent_pass(loader):
    def no_host(host, port):
        raise FetchError(f"cannot find the host {host}")

    result = check(loader, credential_with(entry()), fetcher=HttpFetcher(resolve_host=no_host))
    assert (result.ok, types(result)) == (True, ([], [reasons.STATUS_UNKNOWN]))
    assert result.warnings[0].detail == (
        f"the revocation status is not known for certain: the status list {REVOCATION} could not be obtained "
        "(cannot find the host status.example.edu)")


def test_without_a_source_or_fetcher_the_status_is_unknown(loader):
    result = check(loader, credential_with(entry()))
    assert types(result) == ([], [reasons.STATUS_UNKNOWN])
    assert "no copy was given with --status DIR or --offline BUNDLE" in result.warnings[0].detail


def cached_fetcher(document, *, stored_hours_ago: int) -> HttpFetcher:
    """A fetcher that cannot reach the network, holding a copy fetched a while ago."""
    def no_host(host, port):
        raise FetchError(f"cannot find the host {host}")

    fetcher = HttpFetcher(resolve_host=no_host)
    stored = NOW - timedelta(hours=stored_hours_ago)
    body = json.dumps(document).encode()
    fetcher.cache.put(REVOCATION, CachedResponse(REVOCATION, body, stored, 0, 300, None, None, False))
    return fetcher


def test_an_unreachable_list_with_a_cached_copy_warns_with_its_age(loader):
    fetcher = cached_fetcher(signed_list(loader), stored_hours_ago=3)
    result = check(loader, credential_with(entry()), fetcher=fetcher)
    assert (result.ok, types(result)) == (True, ([], [reasons.STATUS_UNKNOWN]))
    assert ("could not be refreshed (cannot find the host status.example.edu); a cached copy 3 hours old"
            in result.warnings[0].detail)
    assert [(s.source, s.stale, int(s.age_seconds)) for s in result.sources] == [("cache", True, 3 * 3600)]


def test_a_stale_copy_that_shows_revocation_still_fails(loader):
    fetcher = cached_fetcher(signed_list(loader, set_bits=[42]), stored_hours_ago=3)
    result = check(loader, credential_with(entry()), fetcher=fetcher)
    assert types(result) == ([reasons.REVOKED], [])


def test_a_fresh_cached_copy_is_used_without_a_warning(loader):
    fetcher = cached_fetcher(signed_list(loader), stored_hours_ago=0)
    result = check(loader, credential_with(entry()), fetcher=fetcher, now=NOW + timedelta(seconds=30))
    assert types(result) == ([], []) and result.sources[0].source == "cache"


def test_a_forged_list_fails(tmp_path, loader):
    forged = signed_list(loader, set_bits=[42])
    forged["credentialSubject"]["encodedList"] = signed_list(loader)["credentialSubject"]["encodedList"]
    result = check(loader, credential_with(entry()), sources=[folder_with(tmp_path, forged)])
    assert types(result) == ([reasons.STATUS_LIST_NOT_VERIFIED], [])
    assert "does not verify" in result.problems[0].detail


def test_an_unsigned_list_fails(tmp_path, loader):
    unsigned = signed_list(loader)
    del unsigned["proof"]
    assert types(check(loader, credential_with(entry()), sources=[folder_with(tmp_path, unsigned)])) == (
        [reasons.STATUS_LIST_NOT_VERIFIED], [])


def test_a_list_by_another_issuer_fails(tmp_path, loader):
    other = signed_list(loader, key=OTHER_KEY)
    result = check(loader, credential_with(entry()), sources=[folder_with(tmp_path, other)])
    assert types(result) == ([reasons.STATUS_LIST_WRONG_ISSUER], [])
    assert f"not by the credential's issuer {ISSUER}" in result.problems[0].detail


def test_a_list_naming_the_issuer_but_signed_by_another_key_fails(tmp_path, loader):
    impostor = signed_list(loader, key=OTHER_KEY, issuer=ISSUER)
    result = check(loader, credential_with(entry()), sources=[folder_with(tmp_path, impostor)])
    assert types(result) == ([reasons.STATUS_LIST_NOT_VERIFIED], [])
    assert "not to its issuer" in result.problems[0].detail


def test_a_decompression_bomb_fails(tmp_path, loader):
    bomb = signed_list(loader)
    inflated = gzip.compress(bytes(64 * 1024 * 1024), compresslevel=9, mtime=0)
    bomb["credentialSubject"]["encodedList"] = "u" + base64.urlsafe_b64encode(inflated).rstrip(b"=").decode()
    bomb = add_proof({k: v for k, v in bomb.items() if k != "proof"}, suite=EDDSA_RDFC_2022,
                     signer=KeySigner(did_key_verification_method(KEY.public_key()), KEY), loader=loader, created=CREATED)
    result = check(loader, credential_with(entry()), sources=[folder_with(tmp_path, bomb)])
    assert types(result) == ([reasons.STATUS_LIST_MALFORMED], [])
    assert "decompression bomb" in result.problems[0].detail


def test_an_index_outside_the_list_fails(tmp_path, loader):
    result = check(loader, credential_with(entry("131072")), sources=[folder_with(tmp_path, signed_list(loader))])
    assert types(result) == ([reasons.STATUS_INDEX_OUT_OF_RANGE], [])
    assert "outside the status list" in result.problems[0].detail


def test_a_list_shorter_than_the_spec_minimum_fails(tmp_path, loader):
    short = signed_list(loader, bitstring=bytearray(1024))
    result = check(loader, credential_with(entry()), sources=[folder_with(tmp_path, short)])
    assert types(result) == ([reasons.STATUS_LIST_TOO_SHORT], [])
    assert "holds 8,192 entries; a list must hold at least 131,072" in result.problems[0].detail


def test_a_purpose_mismatch_fails(tmp_path, loader):
    lists = folder_with(tmp_path, signed_list(loader))
    result = check(loader, credential_with(entry(purpose="suspension")), sources=[lists])
    assert types(result) == ([reasons.STATUS_PURPOSE_MISMATCH], [])


def test_a_list_published_under_another_url_fails(tmp_path, loader):
    elsewhere = signed_list(loader, url="https://status.example.edu/lists/9")
    (tmp_path / "l.json").write_text(json.dumps(elsewhere))
    (tmp_path / "status.json").write_text(json.dumps({REVOCATION: "l.json"}))
    result = check(loader, credential_with(entry()), sources=[StatusFolder(tmp_path)])
    assert types(result) == ([reasons.STATUS_LIST_MALFORMED], [])
    assert 'says its "id" is' in result.problems[0].detail


def test_a_document_that_is_not_a_status_list_fails(tmp_path, loader):
    credential = credential_with(entry())
    not_a_list = signed_list(loader, type=["VerifiableCredential"])
    result = check(loader, credential, sources=[folder_with(tmp_path, not_a_list)])
    assert types(result) == ([reasons.STATUS_LIST_MALFORMED], [])


def test_an_expired_list_makes_the_status_unknown(tmp_path, loader):
    expired = signed_list(loader, validUntil="2025-06-01T00:00:00Z")
    result = check(loader, credential_with(entry()), sources=[folder_with(tmp_path, expired)])
    assert (result.ok, types(result)) == (True, ([], [reasons.STATUS_UNKNOWN]))
    assert "expired on 2025-06-01" in result.warnings[0].detail


def test_revocation_in_an_expired_list_is_still_final(tmp_path, loader):
    expired = signed_list(loader, set_bits=[42], validUntil="2025-06-01T00:00:00Z")
    result = check(loader, credential_with(entry()), sources=[folder_with(tmp_path, expired)])
    assert types(result) == ([reasons.REVOKED], [])


def test_suspension_in_an_expired_list_is_unknown(tmp_path, loader):
    expired = signed_list(loader, url=SUSPENSION, purpose="suspension", set_bits=[42], validUntil="2025-06-01T00:00:00Z")
    credential = credential_with(entry(purpose="suspension", url=SUSPENSION))
    result = check(loader, credential, sources=[folder_with(tmp_path, expired)])
    assert types(result) == ([], [reasons.STATUS_UNKNOWN])


@pytest.mark.parametrize("bad, message", [
    ({"statusListIndex": "4a"}, "decimal string"),
    ({"statusListIndex": 42}, "decimal string"),
    ({"statusListIndex": "-1"}, "decimal string"),
    ({"statusListIndex": "9" * 40}, "decimal string"),
    ({"statusListCredential": None}, "URL of a status list"),
    ({"statusPurpose": None}, "statusPurpose"),
    ({"statusSize": 2}, '"statusSize" must be 1'),
])
def test_malformed_entries_fail(loader, bad, message):
    result = check(loader, credential_with({**entry(), **bad}))
    assert types(result) == ([reasons.STATUS_ENTRY_MALFORMED], [])
    assert message in result.problems[0].detail


def test_an_entry_that_is_not_an_object_fails(loader):
    assert types(check(loader, credential_with("https://status.example.edu/1"))) == ([reasons.STATUS_ENTRY_MALFORMED], [])


@pytest.mark.parametrize("other", [
    {"type": "StatusList2021Entry", "statusPurpose": "revocation"},
    {"type": "CredentialStatusList2017"},
    entry(purpose="refresh"),
    entry(purpose="message", statusSize=2),
])
def test_entries_of_other_types_or_purposes_are_not_checked_with_a_warning(loader, other):
    result = check(loader, credential_with(other))
    assert (result.ok, types(result)) == (True, ([], [reasons.STATUS_NOT_CHECKED]))


def test_no_credential_status_passes(loader):
    result = check(loader, unsigned_for(KEY))
    assert (result.ok, types(result), result.sources) == (True, ([], []), ())


@pytest.mark.parametrize("credential", [[], "text", {"credentialStatus": entry()}])
def test_a_credential_without_an_issuer_fails_without_raising(loader, credential):
    result = check(loader, credential)
    assert not result.ok and result.problems[0].type == "https://skillspassport.org/problems#MALFORMED_CREDENTIAL"


def test_a_list_that_is_not_json_fails(tmp_path, loader):
    (tmp_path / "l.json").write_text("<html>")
    (tmp_path / "status.json").write_text(json.dumps({REVOCATION: "l.json"}))
    result = check(loader, credential_with(entry()), sources=[StatusFolder(tmp_path)])
    assert types(result) == ([reasons.STATUS_LIST_MALFORMED], []) and "not valid JSON" in result.problems[0].detail


def test_a_manifest_may_not_point_outside_its_folder(tmp_path, loader):
    (tmp_path / "status.json").write_text(json.dumps({REVOCATION: "../secret.json"}))
    result = check(loader, credential_with(entry()), sources=[StatusFolder(tmp_path)])
    assert "not a file in" in result.problems[0].detail


def test_the_interop_fixtures_from_their_folders(loader):
    sources = [StatusFolder(FIXTURES / "status")]
    resolver = Resolver(now=NOW, sources=[DidFolder(FIXTURES / "dids")])
    valid = check(loader, read_json(FIXTURES / "valid-eddsa-didweb-status.json"), sources=sources, resolver=resolver)
    revoked = check(loader, read_json(FIXTURES / "neg-eddsa-didweb-revoked.json"), sources=sources, resolver=resolver)
    assert types(valid) == ([], [])
    assert types(revoked) == ([reasons.REVOKED], [])
    assert "revocation bit 12" in revoked.problems[0].detail
