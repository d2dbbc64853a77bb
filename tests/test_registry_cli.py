"""``skillpass registry``: the alliance-admin commands, run as a subprocess.

It runs as ``python -m issuer.registry_cli`` (the group ``skillpass registry`` registers).
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from dataintegrity import EDDSA_RDFC_2022, KeySigner, add_proof, bundled_loader
from dataintegrity.datetimes import parse_date_time_stamp
from dataintegrity.jcs import canonicalize_jcs
from dataintegrity.keys import did_key, did_key_verification_method, private_key_from_seed, resolve_did_key_for
from issuer.keystore import save_private_key
from issuer.registry_cli import registry_group
from verifier.trust import REGISTRY_CONTEXT, TrustRegistry

PASSPHRASE = "alliance admin passphrase"
KEY = private_key_from_seed(hashlib.sha256(b"cli test alliance").digest())
ALLIANCE = did_key(KEY.public_key())
REGISTRY_ID = "https://registry.alliance.example/members.json"
SZPU, NEV = "did:web:credentials.szpu.example", "did:web:credentials.nev-college.example"
OLD_SZPU = "did:key:z6MkwC5kfJ5pSNSLJTjjossfHUzzrw4ymvrUouBGFAf9Ua7i"


def run(*args, passphrase=PASSPHRASE, cwd=None):
    env = {key: value for key, value in os.environ.items() if key != "SKILLPASS_KEY_PASSPHRASE"}
    if passphrase is not None:
        env["SKILLPASS_KEY_PASSPHRASE"] = passphrase
    result = subprocess.run(
        [sys.executable, "-m", "issuer.registry_cli", *map(str, args)],
        capture_output=True, env=env, timeout=60, stdin=subprocess.DEVNULL, cwd=cwd,
    )
    stdout, stderr = result.stdout.decode(), result.stderr.decode()
    assert "Traceback" not in stdout + stderr, stdout + stderr
    return result.returncode, stdout, stderr


def verified(path: Path, now=None) -> TrustRegistry:
    document = json.loads(path.read_text("utf-8"))
    now = now or parse_date_time_stamp(document["validFrom"], property="validFrom")
    return TrustRegistry.from_credential(
        document, loader=bundled_loader(), resolve_key=resolve_did_key_for, trusted_issuers={ALLIANCE}, now=now
    )


@pytest.fixture
def key_file(tmp_path) -> Path:
    return save_private_key(KEY, tmp_path / "keys" / "alliance.pem", PASSPHRASE.encode())


def invoke(*args):
    """The same commands in-process (faster), for the error cases."""
    return CliRunner(env={"SKILLPASS_KEY_PASSPHRASE": PASSPHRASE}).invoke(registry_group, list(map(str, args)))


@pytest.fixture
def registry_file(tmp_path, key_file) -> Path:
    path = tmp_path / "registry.json"
    result = invoke("create", "--id", REGISTRY_ID, "--key", key_file, "--valid-days", 30, "-o", path)
    assert result.exit_code == 0, result.output
    return path


def test_an_alliance_admin_builds_and_publishes_a_registry(tmp_path, key_file):
    registry_file = tmp_path / "registry.json"
    code, out, err = run("create", "--id", REGISTRY_ID, "--key", key_file, "--valid-days", 30, "-o", registry_file)
    assert code == 0, err
    assert f"an empty registry issued by {ALLIANCE}" in out
    assert stat.S_IMODE(registry_file.stat().st_mode) == 0o644  # a public document, unlike the key
    empty = verified(registry_file)
    assert empty.members == () and empty.info.id == REGISTRY_ID
    assert empty.info.valid_until - empty.info.valid_from == timedelta(days=30)

    code, out, err = run(
        "add-member", registry_file, "--did", SZPU, "--did", OLD_SZPU, "--name", "Shenzhen Polytechnic University",
        "--name-in", "zh-Hans", "深圳职业技术大学", "--country", "cn", "--tiers", "SA-T1,SA-T2,SA-T3",
        "--fields", "0211,07", "--since", "2024-06-01", "--key", key_file,
    )
    assert code == 0, err
    assert "added Shenzhen Polytechnic University" in out
    code, out, err = run(
        "add-member", registry_file, "--did", NEV, "--name", "Eastern NEV Technical College", "--country", "TH",
        "--tiers", "SA-T1,SA-T2", "--fields", "0716", "--key", key_file,
    )
    assert code == 0, err
    code, out, err = run("set-status", registry_file, "--did", NEV, "--status", "suspended", "--since", "2026-05-01", "--key", key_file)
    assert code == 0, err
    assert "Eastern NEV Technical College is now suspended (since 2026-05-01)" in out

    registry = verified(registry_file)
    szpu = registry.member_for(OLD_SZPU)
    assert szpu.dids == (SZPU, OLD_SZPU) and szpu.country == "CN" and szpu.name_in("zh-Hans") == "深圳职业技术大学"
    assert szpu.scope.tiers == ("SA-T1", "SA-T2", "SA-T3") and szpu.scope.fields == ("0211", "07")
    assert registry.member_for(NEV).status == "suspended" and str(registry.member_for(NEV).status_since) == "2026-05-01"
    assert registry.info.valid_from > empty.info.valid_from  # every edit is a newer version
    assert registry.info.valid_until - registry.info.valid_from == timedelta(days=30)  # lifetime kept

    code, out, err = run("show", registry_file, "--trusted-issuer", ALLIANCE)
    assert code == 0, err
    assert "(signature verified)" in out and "members:   2" in out
    assert "Shenzhen Polytechnic University" in out and "SA-T1..SA-T3" in out and "0211, 07" in out
    assert "suspended 2026-05-01" in out
    code, out, err = run("show", registry_file, "--trusted-issuer", ALLIANCE, "--json")
    assert code == 0 and json.loads(out)["registry"]["issuer"] == ALLIANCE

    code, out, err = run("remove-member", registry_file, "--did", NEV, "--key", key_file)
    assert code == 0, err
    assert "removed Eastern NEV Technical College" in out
    assert [m.name for m in verified(registry_file).members] == ["Shenzhen Polytechnic University"]

    published = tmp_path / "published.json"
    code, out, err = run("export", registry_file, "-o", published, "--trusted-issuer", ALLIANCE)
    assert code == 0, err
    assert "1 members" in out and "verified" in out
    document = json.loads(registry_file.read_text("utf-8"))
    assert published.read_bytes() == canonicalize_jcs(document)
    assert verified(published) == verified(registry_file)


def test_show_refuses_a_registry_the_verifier_does_not_trust(registry_file):
    code, out, err = run("show", registry_file)  # only the bundled (demo) alliance DID is trusted by default
    assert code == 1 and "not an alliance DID this verifier trusts" in err


def test_a_tampered_registry_is_refused_and_left_unchanged(registry_file, key_file):
    document = json.loads(registry_file.read_text("utf-8"))
    document["credentialSubject"]["member"].append({"type": ["AllianceMember"], "did": ["did:web:mill.example"]})
    registry_file.write_text(json.dumps(document))
    before = registry_file.read_bytes()
    code, out, err = run("show", registry_file, "--trusted-issuer", ALLIANCE)
    assert code == 1 and "proof does not verify" in err
    code, out, err = run("set-status", registry_file, "--did", "did:web:mill.example", "--status", "active", "--key", key_file)
    assert code == 1 and "nothing was changed" in err
    assert registry_file.read_bytes() == before


def test_editing_needs_the_alliance_key_and_its_passphrase(tmp_path, registry_file, key_file):
    before = registry_file.read_bytes()
    other = save_private_key(private_key_from_seed(hashlib.sha256(b"someone else").digest()), tmp_path / "other.pem", b"pw")
    args = ("add-member", registry_file, "--did", NEV, "--name", "NEV", "--country", "TH", "--tiers", "SA-T1", "--fields", "07")
    code, out, err = run(*args, "--key", other, passphrase="pw")
    assert code == 1 and "not an alliance DID this verifier trusts" in err
    code, out, err = run(*args, "--key", key_file, passphrase="wrong")
    assert code == 2 and "wrong passphrase" in err
    code, out, err = run(*args, "--key", key_file, passphrase=None)
    assert code == 2 and "SKILLPASS_KEY_PASSPHRASE" in err
    assert registry_file.read_bytes() == before


def test_bad_input_changes_nothing(tmp_path, registry_file, key_file):
    before = registry_file.read_bytes()
    base = ["add-member", registry_file, "--name", "NEV", "--key", key_file]
    result = invoke(*base, "--did", NEV, "--country", "Thailand", "--tiers", "SA-T1", "--fields", "07")
    assert result.exit_code == 2 and "addressCountry: must be an ISO 3166-1 alpha-2" in result.output
    result = invoke(*base, "--did", "not-a-did", "--country", "TH", "--tiers", "SA-T1", "--fields", "07")
    assert result.exit_code == 2 and "must be a DID" in result.output
    result = invoke(*base, "--did", NEV, "--country", "TH", "--tiers", "T1", "--fields", "0716")
    assert result.exit_code == 2 and "Shenzhen Agreement tier code" in result.output
    assert invoke(*base, "--did", NEV, "--country", "TH", "--tiers", "SA-T1", "--fields", "07").exit_code == 0
    after_add = registry_file.read_bytes()
    result = invoke(*base, "--did", NEV, "--country", "TH", "--tiers", "SA-T2", "--fields", "07")
    assert result.exit_code == 2 and f"{NEV} is already listed" in result.output
    result = invoke("remove-member", registry_file, "--did", SZPU, "--key", key_file)
    assert result.exit_code == 2 and f"no member issues with {SZPU}" in result.output
    result = invoke("create", "--id", REGISTRY_ID, "--key", key_file, "-o", registry_file)
    assert result.exit_code == 2 and "already exists" in result.output
    assert registry_file.read_bytes() == after_add != before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_an_expired_registry_can_be_renewed_by_editing_it(tmp_path, key_file):
    document = {
        "@context": ["https://www.w3.org/ns/credentials/v2", REGISTRY_CONTEXT],
        "id": REGISTRY_ID,
        "type": ["VerifiableCredential", "AllianceMemberRegistryCredential"],
        "issuer": ALLIANCE,
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": ALLIANCE, "member": []},
    }
    signer = KeySigner(did_key_verification_method(KEY.public_key()), KEY)
    document = add_proof(document, suite=EDDSA_RDFC_2022, signer=signer, loader=bundled_loader(), created=None)
    registry_file = tmp_path / "expired.json"
    registry_file.write_text(json.dumps(document))
    code, out, err = run("show", registry_file, "--trusted-issuer", ALLIANCE)
    assert code == 1 and "expired on 2025-01-01T00:00:00Z" in err
    code, out, err = run("add-member", registry_file, "--did", NEV, "--name", "NEV", "--country", "TH",
                         "--tiers", "SA-T1", "--fields", "07", "--key", key_file, "--valid-days", 90)
    assert code == 0, err
    renewed = verified(registry_file, now=None)
    assert [m.dids for m in renewed.members] == [(NEV,)]
    assert renewed.info.valid_from > parse_date_time_stamp(document["validFrom"], property="validFrom")
    assert renewed.info.valid_until - renewed.info.valid_from == timedelta(days=90)
