"""Credentials, presentations and a trust registry signed in the tests, with test-only keys."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime, timedelta, timezone
from importlib import resources
from pathlib import Path

from dataintegrity import EDDSA_RDFC_2022, KeySigner, add_proof, bundled_loader
from dataintegrity.datetimes import format_date_time_stamp
from dataintegrity.keys import did_key, did_key_verification_method, private_key_from_seed
from dataintegrity.status_list import empty_bitstring, set_bit, status_list_credential
from verifier.trust import REGISTRY_CONTEXT

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "interop"
#: Inside the NEV example's validity (2026-09-15 .. 2031-09-15) and the test registry's.
NOW = datetime(2027, 1, 15, 9, 30, tzinfo=timezone.utc)
CREATED = datetime(2026, 9, 15, tzinfo=timezone.utc)
LOADER = bundled_loader()

ISSUER_KEY = private_key_from_seed(hashlib.sha256(b"verifier web test issuer").digest())
OTHER_ISSUER_KEY = private_key_from_seed(hashlib.sha256(b"verifier web test issuer, not listed").digest())
HOLDER_KEY = private_key_from_seed(hashlib.sha256(b"verifier web test holder").digest())
ALLIANCE_KEY = private_key_from_seed(hashlib.sha256(b"verifier web test alliance").digest())
ISSUER, OTHER_ISSUER = did_key(ISSUER_KEY.public_key()), did_key(OTHER_ISSUER_KEY.public_key())
HOLDER, ALLIANCE = did_key(HOLDER_KEY.public_key()), did_key(ALLIANCE_KEY.public_key())
XSS = "<img src=x onerror=alert(1)>"
#: Each test issuer's revocation list (served from a folder: the tests touch no network).
STATUS_LISTS = {ISSUER: "https://credentials.nev-college.example/status/1",
                OTHER_ISSUER: "https://credentials.nev-college.example/status/2"}
STATUS_INDEX, REVOKED_INDEX = 94567, 12


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text("utf-8"))


def interop_index() -> list[dict]:
    """The interop fixtures that need no did:web or status list (no ``args``)."""
    return [entry for entry in fixture("index.json")["fixtures"] if not entry["args"]]


def example(name: str = "nev-high-voltage-service-sa-t3.json") -> dict:
    return json.loads(resources.files("schemas").joinpath("examples", name).read_text("utf-8"))


def sign(document: dict, key=ISSUER_KEY, **options) -> dict:
    signer = KeySigner(did_key_verification_method(key.public_key()), key)
    return add_proof(document, suite=EDDSA_RDFC_2022, signer=signer, loader=LOADER, created=CREATED, **options)


def nev_credential(key=ISSUER_KEY, *, learner: str | None = None, signed: bool = True,
                   status_index: int = STATUS_INDEX) -> dict:
    """The NEV profile example (SA-T3, ISCED-F 0716), issued by ``key``'s did:key, with its revocation entry."""
    credential = example()
    issuer = credential["issuer"]["id"] = did_key(key.public_key())
    credential["credentialStatus"].update(id=f"{STATUS_LISTS[issuer]}#{status_index}", statusListIndex=str(status_index),
                                          statusListCredential=STATUS_LISTS[issuer])
    if learner is not None:
        credential["credentialSubject"]["name"] = learner
    return sign(credential, key) if signed else credential


def presentation(*credentials: dict, holder_key=None, challenge=None, domain=None) -> dict:
    """A presentation of ``credentials``, signed by ``holder_key`` for authentication if given."""
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [copy.deepcopy(c) for c in credentials],
    }
    if holder_key is None:
        return document
    document["holder"] = did_key(holder_key.public_key())
    return sign(document, holder_key, purpose="authentication", challenge=challenge, domain=domain)


def registry(members_scope=("SA-T1", "SA-T2", "SA-T3"), fields=("07",),
             valid_from=datetime(2026, 12, 1, tzinfo=timezone.utc)) -> dict:
    """A registry, signed by the test alliance for a year from ``valid_from``, listing ISSUER as an active member."""
    member = {
        "type": ["AllianceMember"],
        "did": [ISSUER],
        "name": [{"@value": "Eastern NEV Technical College (test member)", "@language": "en"},
                 {"@value": "东部新能源汽车技术学院（测试成员）", "@language": "zh-Hans"}],
        "addressCountry": "TH",
        "membershipStatus": "active",
        "memberSince": "2025-03-15",
        "scope": {"type": ["IssuingScope"], "tier": list(members_scope), "iscedField": list(fields)},
    }
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", REGISTRY_CONTEXT],
        "id": "https://registry.alliance.example/test-members.json",
        "type": ["VerifiableCredential", "AllianceMemberRegistryCredential"],
        "name": "Test alliance member registry",
        "issuer": ALLIANCE,
        "validFrom": format_date_time_stamp(valid_from),
        "validUntil": format_date_time_stamp(valid_from + timedelta(days=365)),
        "credentialSubject": {"id": ALLIANCE, "type": ["Alliance"], "member": [member]},
    }
    signer = KeySigner(did_key_verification_method(ALLIANCE_KEY.public_key()), ALLIANCE_KEY)
    return add_proof(document, suite=EDDSA_RDFC_2022, signer=signer, loader=LOADER, created=valid_from)


def status_folder(folder: Path) -> Path:
    """Each test issuer's signed revocation list, with the ``status.json`` manifest; REVOKED_INDEX is set."""
    manifest = {}
    for number, key in enumerate((ISSUER_KEY, OTHER_ISSUER_KEY), 1):
        issuer = did_key(key.public_key())
        bits = empty_bitstring()
        set_bit(bits, REVOKED_INDEX)
        unsigned = status_list_credential(list_url=STATUS_LISTS[issuer], issuer=issuer, purpose="revocation",
                                          bitstring=bits, valid_from="2026-09-01T00:00:00Z")
        (folder / f"list-{number}.json").write_text(json.dumps(sign(unsigned, key)), "utf-8")
        manifest[STATUS_LISTS[issuer]] = f"list-{number}.json"
    (folder / "status.json").write_text(json.dumps(manifest), "utf-8")
    return folder


def deeply_nested(depth: int = 10_000) -> str:
    return '{"verifiableCredential": ' + "[" * depth + "]" * depth + "}"
