"""The trust registry: verifying the alliance's signed member list, and assessing issuers against it."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dataintegrity import EDDSA_RDFC_2022, KeySigner, VCError, add_proof, bundled_loader
from dataintegrity.datetimes import format_date_time_stamp, parse_date_time_stamp
from dataintegrity.keys import did_key, did_key_verification_method, private_key_from_seed, resolve_did_key_for
from verifier import registry_update
from verifier.registry_update import fetch_registry
from verifier.trust import (
    REGISTRY_CONTEXT,
    TrustRegistry,
    bundled_registry,
    bundled_registry_document,
    bundled_trusted_issuers,
)
from verifier.trust_assessment import (
    MEMBER_SUSPENDED,
    MEMBER_WITHDRAWN,
    NOT_LISTED,
    RECOGNISED_IN_SCOPE,
    RECOGNISED_OUT_OF_SCOPE,
    RECOGNISED_SCOPE_UNKNOWN,
)
from verifier.trust_errors import (
    MalformedRegistry,
    RegistryError,
    RegistryFetchFailed,
    RegistryNotCurrent,
    RegistryProofInvalid,
    RegistryUpdateRefused,
    UntrustedRegistryIssuer,
)
from verifier.trust_model import Scope

from .conftest import NOW

EXAMPLES = Path(__file__).parents[1] / "schemas" / "examples"
ALLIANCE_KEY = private_key_from_seed(hashlib.sha256(b"test alliance").digest())
OTHER_KEY = private_key_from_seed(hashlib.sha256(b"not the alliance").digest())
RETIRED_KEY = private_key_from_seed(hashlib.sha256(b"szpu key before rotation").digest())
ALLIANCE = did_key(ALLIANCE_KEY.public_key())
RETIRED_DID = did_key(RETIRED_KEY.public_key())
REGISTRY_ID = "https://registry.alliance.example/members.json"
VALID_FROM = datetime(2025, 12, 1, tzinfo=timezone.utc)
SZPU, NEV = "did:web:credentials.szpu.example", "did:web:credentials.nev-college.example"
SUSPENDED, WITHDRAWN = "did:web:credentials.accra-poly.example", "did:web:credentials.kl-tvet.example"


def member(dids, name, country, tiers, fields, status="active", **extra) -> dict:
    return {
        "type": ["AllianceMember"],
        "did": list(dids),
        "name": [{"@value": name, "@language": "en"}],
        "addressCountry": country,
        "membershipStatus": status,
        "memberSince": "2024-06-01",
        "scope": {"type": ["IssuingScope"], "tier": list(tiers), "iscedField": list(fields)},
        **extra,
    }


MEMBERS = [
    member([SZPU, RETIRED_DID], "Shenzhen Polytechnic University", "CN", ["SA-T1", "SA-T2"], ["0211", "06"]),
    member([NEV], "Eastern NEV Technical College", "TH", ["SA-T1", "SA-T2", "SA-T3"], ["07"]),
    member([SUSPENDED], "Accra Technical Polytechnic", "GH", ["SA-T1"], ["0714"], "suspended", statusSince="2025-11-01"),
    member([WITHDRAWN], "KL Vocational Institute", "MY", ["SA-T1"], ["0714"], "withdrawn"),
]


def registry_document(members=MEMBERS, *, issuer=ALLIANCE, valid_from=VALID_FROM, days=365, registry_id=REGISTRY_ID) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", REGISTRY_CONTEXT],
        "id": registry_id,
        "type": ["VerifiableCredential", "AllianceMemberRegistryCredential"],
        "name": "Test alliance member registry",
        "issuer": issuer,
        "validFrom": format_date_time_stamp(valid_from),
        "validUntil": format_date_time_stamp(valid_from + timedelta(days=days)),
        "credentialSubject": {"id": issuer, "type": ["Alliance"], "member": copy.deepcopy(members)},
    }


def sign(document: dict, key=ALLIANCE_KEY) -> dict:
    signer = KeySigner(did_key_verification_method(key.public_key()), key)
    created = parse_date_time_stamp(document["validFrom"], property="validFrom")
    return add_proof(document, suite=EDDSA_RDFC_2022, signer=signer, loader=bundled_loader(), created=created)


def load(document, loader, *, now=NOW, trusted=(ALLIANCE,)) -> TrustRegistry:
    return TrustRegistry.from_credential(
        document, loader=loader, resolve_key=resolve_did_key_for, trusted_issuers=frozenset(trusted), now=now
    )


@pytest.fixture(scope="module")
def signed() -> dict:
    return sign(registry_document())


@pytest.fixture
def registry(signed, loader) -> TrustRegistry:
    return load(signed, loader)


def example(name: str, *, issuer: str | None = None) -> dict:
    credential = json.loads((EXAMPLES / name).read_text("utf-8"))
    if issuer is not None:
        credential["issuer"]["id"] = issuer
    return credential


def nev_credential(*, tier=None, field=None, issuer=NEV) -> dict:
    credential = example("nev-high-voltage-service-sa-t3.json", issuer=issuer)
    for alignment in credential["credentialSubject"]["achievement"]["alignment"]:
        if tier and alignment["targetUrl"].startswith("https://skillspassport.org/frameworks/shenzhen-agreement/levels/"):
            alignment["targetCode"] = tier
            alignment["targetUrl"] = alignment["targetUrl"].rsplit("/", 1)[0] + "/" + tier
        if field and alignment["targetType"] == "ext:ISCED-F":
            alignment["targetCode"] = field
    return credential


# --- the registry itself ---------------------------------------------------------------


def test_a_signed_registry_verifies_and_lists_its_members(registry):
    assert registry.info.id == REGISTRY_ID
    assert registry.info.issuer == ALLIANCE
    assert registry.info.valid_from == VALID_FROM
    assert [m.name for m in registry.members] == [
        "Shenzhen Polytechnic University", "Eastern NEV Technical College",
        "Accra Technical Polytechnic", "KL Vocational Institute",
    ]
    nev = registry.member_for(NEV)
    assert (nev.country, nev.status, nev.scope.tiers, nev.scope.fields) == ("TH", "active", ("SA-T1", "SA-T2", "SA-T3"), ("07",))
    assert nev.since.isoformat() == "2024-06-01"
    assert registry.member_for("did:web:unknown.example") is None


def test_a_member_added_after_signing_is_a_forgery(signed, loader):
    forged = copy.deepcopy(signed)
    forged["credentialSubject"]["member"].append(member(["did:web:diploma-mill.example"], "Diploma Mill", "ZZ", ["SA-T5"], ["07"]))
    with pytest.raises(RegistryProofInvalid, match="proof does not verify"):
        load(forged, loader)


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(lambda d: d["credentialSubject"]["member"][1]["scope"]["tier"].append("SA-T5"), id="scope widened"),
        pytest.param(lambda d: d["credentialSubject"]["member"][2].update(membershipStatus="active"), id="suspension lifted"),
        pytest.param(lambda d: d["credentialSubject"]["member"][1]["did"].append("did:web:evil.example"), id="DID added"),
        pytest.param(lambda d: d.update(validUntil="2099-01-01T00:00:00Z"), id="validity extended"),
        pytest.param(lambda d: d.pop("proof"), id="proof removed"),
    ],
)
def test_any_change_after_signing_is_refused(signed, loader, mutate):
    forged = copy.deepcopy(signed)
    mutate(forged)
    with pytest.raises(RegistryProofInvalid):
        load(forged, loader)


def test_a_registry_from_an_untrusted_issuer_is_refused(loader):
    other = did_key(OTHER_KEY.public_key())
    document = sign(registry_document(issuer=other), OTHER_KEY)
    with pytest.raises(UntrustedRegistryIssuer, match="not an alliance DID this verifier trusts"):
        load(document, loader)
    assert load(document, loader, trusted=[other]).info.issuer == other  # verifies once trusted


def test_a_registry_naming_the_alliance_but_signed_with_another_key_is_refused(loader):
    document = sign(registry_document(), OTHER_KEY)
    with pytest.raises(RegistryProofInvalid, match="not to its issuer"):
        load(document, loader)


@pytest.mark.parametrize(
    "now, message",
    [(VALID_FROM + timedelta(days=366), "expired on"), (VALID_FROM - timedelta(days=1), "not valid until")],
)
def test_a_registry_outside_its_validity_period_is_refused(signed, loader, now, message):
    with pytest.raises(RegistryNotCurrent, match=message):
        load(signed, loader, now=now)


@pytest.mark.parametrize(
    "members, message",
    [
        ([member([NEV], "NEV", "Thailand", ["SA-T1"], ["07"])], "addressCountry: must be an ISO 3166-1 alpha-2"),
        ([member([NEV], "NEV", "TH", ["Tier 1"], ["07"])], "tier"),
        ([member([NEV], "NEV", "TH", ["SA-T1"], ["7"])], "ISCED-F"),
        ([member([NEV], "A", "TH", ["SA-T1"], ["07"]), member([NEV], "B", "TH", ["SA-T1"], ["07"])], "listed for two members"),
        ([member([NEV], "NEV", "TH", ["SA-T1"], ["07"], memberSince="2025-02-30")], "not a real date"),
    ],
)
def test_a_signed_but_malformed_registry_is_refused(loader, members, message):
    with pytest.raises(MalformedRegistry, match=message):
        load(sign(registry_document(members)), loader)


def test_the_subject_must_be_the_alliance_itself(loader):
    document = registry_document()
    document["credentialSubject"]["id"] = "did:web:someone-else.example"
    with pytest.raises(MalformedRegistry, match="credentialSubject.id"):
        load(sign(document), loader)


def test_registry_errors_are_vc_errors_with_problem_types(signed, loader):
    with pytest.raises(VCError) as caught:
        load(signed, loader, trusted=[])
    assert isinstance(caught.value, RegistryError)
    assert caught.value.problem_type.endswith("#REGISTRY_UNTRUSTED_ISSUER")
    with pytest.raises(TypeError):  # one string, not a collection of DIDs
        TrustRegistry.from_credential(signed, loader=loader, resolve_key=resolve_did_key_for, trusted_issuers=ALLIANCE, now=NOW)


# --- assessing a credential's issuer ---------------------------------------------------


def test_a_member_within_its_scope_is_recognised(registry):
    assessment = registry.assess(nev_credential())  # SA-T3, ISCED-F 0716; scope SA-T1..3, "07"
    assert assessment.code == RECOGNISED_IN_SCOPE
    assert assessment.recognised and assessment.listed
    assert assessment.message.startswith("recognised member, within scope: Eastern NEV Technical College (TH)")
    result = assessment.to_json()
    assert result["registry"] == {
        "id": REGISTRY_ID, "issuer": ALLIANCE, "validFrom": "2025-12-01T00:00:00Z", "validUntil": "2026-12-01T00:00:00Z",
    }
    assert result["member"]["name"] == "Eastern NEV Technical College"
    assert result["member"]["addressCountry"] == "TH" and result["member"]["membershipStatus"] == "active"
    assert result["scope"] == {"tier": ["SA-T3"], "tierAllowed": True, "iscedField": ["0716"], "fieldAllowed": True}
    json.dumps(result)


def test_a_tier_outside_the_members_scope(registry):
    assessment = registry.assess(nev_credential(tier="SA-T5"))
    assert assessment.code == RECOGNISED_OUT_OF_SCOPE and not assessment.recognised
    assert "recognised member, outside its registered scope (tier SA-T5 not in SA-T1..SA-T3)" in assessment.message
    assert assessment.scope.tier_allowed is False and assessment.scope.field_allowed is True


@pytest.mark.parametrize("field, allowed", [("0716", True), ("071", True), ("07", True), ("0211", False), ("06", False)])
def test_fields_match_by_prefix(registry, field, allowed):
    assessment = registry.assess(nev_credential(field=field))  # the member's scope is "07"
    assert assessment.code == (RECOGNISED_IN_SCOPE if allowed else RECOGNISED_OUT_OF_SCOPE)
    if not allowed:
        assert f"field {field} not in ISCED-F 07" in assessment.message


def test_prefix_matching_is_one_way():
    scope = Scope(tiers=("SA-T1",), fields=("0716", "02"))
    assert scope.allows_field("0716") and scope.allows_field("0211") and scope.allows_field("02")
    assert not scope.allows_field("071")  # a narrower registration does not cover the broader field
    assert not scope.allows_field("0715")


def test_a_suspended_member(registry):
    assessment = registry.assess(nev_credential(issuer=SUSPENDED))
    assert assessment.code == MEMBER_SUSPENDED and not assessment.recognised and assessment.listed
    assert assessment.message.startswith("member suspended: Accra Technical Polytechnic (GH)")
    assert "since 2025-11-01" in assessment.message
    assert assessment.to_json()["member"]["statusSince"] == "2025-11-01"


def test_a_withdrawn_member(registry):
    assessment = registry.assess(nev_credential(issuer=WITHDRAWN))
    assert assessment.code == MEMBER_WITHDRAWN and not assessment.recognised
    assert assessment.message.startswith("member withdrawn: KL Vocational Institute (MY)")


def test_an_issuer_not_listed(registry):
    assessment = registry.assess(nev_credential(issuer="did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP"))
    assert assessment.code == NOT_LISTED
    assert not assessment.recognised and not assessment.listed and assessment.member is None
    assert "the signature may still be valid; the issuer is simply not a recognised member in this registry" in assessment.message.lower()
    assert REGISTRY_ID in assessment.message
    assert assessment.to_json()["listed"] is False and "member" not in assessment.to_json()


@pytest.mark.parametrize("did", [SZPU, RETIRED_DID])
def test_a_member_is_found_by_any_of_its_dids_after_a_key_rotation(registry, did):
    credential = example("animation-inbetweening-sa-t2.json", issuer=did)  # SA-T2, ISCED-F 0211
    assessment = registry.assess(credential)
    assert assessment.code == RECOGNISED_IN_SCOPE
    assert assessment.issuer == did and assessment.member.dids == (SZPU, RETIRED_DID)


def test_a_credential_naming_no_isced_field_cannot_be_checked_for_scope(registry):
    credential = nev_credential()
    alignments = credential["credentialSubject"]["achievement"]["alignment"]
    credential["credentialSubject"]["achievement"]["alignment"] = [a for a in alignments if a["targetType"] != "ext:ISCED-F"]
    assessment = registry.assess(credential)
    assert assessment.code == RECOGNISED_SCOPE_UNKNOWN and not assessment.recognised
    assert "names no ISCED-F field" in assessment.message


def test_an_issuer_given_as_a_string(registry):
    credential = nev_credential()
    credential["issuer"] = NEV
    assert registry.assess(credential).code == RECOGNISED_IN_SCOPE


# --- the bundled (demo) registry -------------------------------------------------------


def test_the_bundled_registry_verifies_with_the_bundled_trusted_issuers(loader):
    document = bundled_registry_document()
    valid_from = parse_date_time_stamp(document["validFrom"], property="validFrom")
    registry = bundled_registry(loader=loader, now=valid_from + timedelta(days=30))
    assert registry.info.issuer in bundled_trusted_issuers()
    assert len(bundled_trusted_issuers()) == 1
    assert all("example" in member.name for member in registry.members)
    assert all(did.startswith(("did:web:", "did:key:")) for member in registry.members for did in member.dids)
    for name in ("animation-inbetweening-sa-t2.json", "nev-high-voltage-service-sa-t3.json"):
        assert registry.assess(example(name)).code == RECOGNISED_IN_SCOPE, name


def test_the_bundled_registry_is_refused_by_a_verifier_that_trusts_another_alliance(loader):
    document = bundled_registry_document()
    with pytest.raises(UntrustedRegistryIssuer):
        load(document, loader, now=parse_date_time_stamp(document["validFrom"], property="validFrom"))


# --- updating from a URL ---------------------------------------------------------------

URL = "https://registry.alliance.example/members.json"


class Fetcher:
    """A stand-in for the HTTP client: serves fixed bytes and records what was asked."""

    def __init__(self, body: bytes | Exception):
        self.body = body
        self.urls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.urls.append(url)
        if isinstance(self.body, Exception):
            raise self.body
        return self.body


def as_bytes(document: dict) -> bytes:
    return json.dumps(document).encode("utf-8")


def update(fetch, current, loader, *, url=URL, now=VALID_FROM + timedelta(days=60)):
    return fetch_registry(
        url, fetch=fetch, current=current, loader=loader, resolve_key=resolve_did_key_for,
        trusted_issuers={ALLIANCE}, now=now,
    )


@pytest.fixture(scope="module")
def newer() -> dict:
    members = [*MEMBERS[:2], member([SUSPENDED], "Accra Technical Polytechnic", "GH", ["SA-T1"], ["0714"])]
    return sign(registry_document(members, valid_from=VALID_FROM + timedelta(days=30)))


def test_update_accepts_a_newer_registry(registry, newer, loader):
    fetch = Fetcher(as_bytes(newer))
    result = update(fetch, registry, loader)
    assert fetch.urls == [URL]
    assert result.replaced and result.registry.info.valid_from == VALID_FROM + timedelta(days=30)
    assert result.registry.member_for(SUSPENDED).status == "active"
    assert result.registry.member_for(WITHDRAWN) is None


def test_update_adopts_the_first_registry(newer, loader):
    result = update(Fetcher(as_bytes(newer)), None, loader)
    assert result.replaced and result.registry.info.id == REGISTRY_ID


def test_update_refuses_an_older_registry(newer, signed, loader):
    current = load(newer, loader, now=VALID_FROM + timedelta(days=60))
    with pytest.raises(RegistryUpdateRefused, match="older than the one in use"):
        update(Fetcher(as_bytes(signed)), current, loader)


def test_update_keeps_the_same_version_unchanged(registry, signed, loader):
    result = update(Fetcher(as_bytes(signed)), registry, loader)
    assert not result.replaced and result.registry is registry


def test_update_refuses_a_same_date_registry_with_other_content(registry, loader):
    other = sign(registry_document(MEMBERS[:1]))
    with pytest.raises(RegistryUpdateRefused, match="same validFrom"):
        update(Fetcher(as_bytes(other)), registry, loader)


def test_update_refuses_another_registry(registry, loader):
    other = sign(registry_document(registry_id="https://other.example/registry", valid_from=VALID_FROM + timedelta(days=30)))
    with pytest.raises(RegistryUpdateRefused, match="only replaced by a newer version of itself"):
        update(Fetcher(as_bytes(other)), registry, loader)


def test_update_refuses_an_unverifiable_registry(registry, newer, loader):
    forged = copy.deepcopy(newer)
    forged["credentialSubject"]["member"][1]["scope"]["tier"].append("SA-T5")
    with pytest.raises(RegistryProofInvalid):
        update(Fetcher(as_bytes(forged)), registry, loader)
    untrusted = sign(registry_document(issuer=did_key(OTHER_KEY.public_key()), valid_from=VALID_FROM + timedelta(days=30)), OTHER_KEY)
    with pytest.raises(UntrustedRegistryIssuer):
        update(Fetcher(as_bytes(untrusted)), registry, loader)


@pytest.mark.parametrize(
    "url, body, error, message",
    [
        ("http://registry.alliance.example/members.json", b"{}", RegistryFetchFailed, "only fetched over https"),
        ("file:///etc/passwd", b"{}", RegistryFetchFailed, "only fetched over https"),
        (URL, OSError("connection timed out"), RegistryFetchFailed, "connection timed out"),
        (URL, b" " * (registry_update.MAX_REGISTRY_BYTES + 1), RegistryFetchFailed, "more than"),
        (URL, b"<html>not json</html>", MalformedRegistry, "not valid JSON"),
        (URL, b'{"a": 1, "a": 2}', MalformedRegistry, "appears twice"),
    ],
)
def test_update_refuses_bad_urls_and_bodies(registry, loader, url, body, error, message):
    fetch = Fetcher(body)
    with pytest.raises(error, match=message):
        update(fetch, registry, loader, url=url)
    if not url.startswith("https:"):
        assert fetch.urls == []  # never even asked
