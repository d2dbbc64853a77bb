"""Interoperability with the reference JavaScript stack (shared/interop), run offline.

`make test` installs that stack from the npm registry into .cache/interop and
points SKILLPASS_INTEROP_DIR at it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dataintegrity import ECDSA_RDFC_2019, EDDSA_JCS_2022, EDDSA_RDFC_2022, add_proof
from dataintegrity.keys import private_key_from_seed

from .conftest import CREATED, FIXTURES, SEED, signer_for, unsigned_for

INTEROP = Path(os.environ.get("SKILLPASS_INTEROP_DIR", "/nonexistent"))
JS = INTEROP / "js"
SKILLPASS = Path(sys.executable).parent / "skillpass"

pytestmark = pytest.mark.skipif(
    not (JS / "node_modules").is_dir() or shutil.which("node") is None,
    reason="the reference JavaScript stack is not installed (run `make test`)",
)


def node(*args, timeout=120):
    return subprocess.run(["node", *map(str, args)], cwd=JS, capture_output=True, text=True, timeout=timeout)


def test_our_verifier_agrees_with_every_fixture():
    result = node("check-fixtures.mjs", FIXTURES, "--cmd", f"{SKILLPASS} verify --no-network", timeout=300)
    assert result.stdout.strip().splitlines()[-1] == "16 passed, 0 failed", result.stdout


@pytest.mark.parametrize(
    "suite, algorithm",
    [(EDDSA_RDFC_2022, "Ed25519"), (EDDSA_JCS_2022, "Ed25519"), (ECDSA_RDFC_2019, "P-256")],
    ids=lambda value: getattr(value, "name", value),
)
def test_reference_stack_verifies_what_we_sign(tmp_path, loader, suite, algorithm):
    key = private_key_from_seed(SEED, algorithm)
    signed = add_proof(unsigned_for(key), suite=suite, signer=signer_for(key), loader=loader, created=CREATED)
    path = tmp_path / "signed.json"
    path.write_text(json.dumps(signed))
    result = node("verify.mjs", path)
    assert json.loads(result.stdout) == {"verified": True, "errors": []}
    assert result.returncode == 0

    signed["credentialSubject"]["result"][0]["value"] = "B"
    path.write_text(json.dumps(signed))
    tampered = node("verify.mjs", path)
    assert tampered.returncode == 1 and json.loads(tampered.stdout)["verified"] is False


def test_reference_stack_verifies_what_skillpass_sign_prints(tmp_path):
    env = {**os.environ, "SKILLPASS_KEY_PASSPHRASE": "interop"}
    for key_type, suite in [("ed25519", "eddsa-rdfc-2022"), ("ed25519", "eddsa-jcs-2022"), ("p-256", "ecdsa-rdfc-2019")]:
        key_file = tmp_path / f"{suite}.pem"
        subprocess.run([SKILLPASS, "keys", "new", "--type", key_type, "--out", key_file], env=env, check=True,
                       capture_output=True, stdin=subprocess.DEVNULL)
        signed = subprocess.run(
            [SKILLPASS, "sign", FIXTURES / "unsigned-learning-outcome.json", "--key", key_file, "--suite", suite, "--set-issuer"],
            env=env, check=True, capture_output=True, stdin=subprocess.DEVNULL,
        ).stdout
        path = tmp_path / f"{suite}.json"
        path.write_bytes(signed)
        result = node("verify.mjs", path)
        assert json.loads(result.stdout) == {"verified": True, "errors": []}, suite


EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "schemas" / "examples").glob("*.json"))
PROFILE_CONTEXT = "https://skillspassport.org/contexts/shenzhen-agreement/v1"


def contexts_dir(tmp_path: Path) -> Path:
    """Our context, as verify.mjs --contexts expects it (contexts.json maps URL -> file)."""
    import schemas

    folder = tmp_path / "contexts"
    folder.mkdir()
    (folder / "sp-v1.json").write_bytes(schemas.context_bytes(PROFILE_CONTEXT))
    (folder / "contexts.json").write_text(json.dumps({PROFILE_CONTEXT: "sp-v1.json"}))
    return folder


def status_dir(tmp_path: Path, credential: dict, key, loader, suite) -> Path:
    """A signed, empty revocation list at the credential's statusListCredential URL."""
    from dataintegrity.status_list import empty_bitstring, status_list_credential

    url = credential["credentialStatus"]["statusListCredential"]
    unsigned = status_list_credential(list_url=url, issuer=credential["issuer"]["id"], purpose="revocation",
                                      bitstring=empty_bitstring(), valid_from="2026-01-01T00:00:00Z")
    signed = add_proof(unsigned, suite=suite, signer=signer_for(key), loader=loader, created=CREATED)
    folder = tmp_path / "status"
    folder.mkdir()
    (folder / "list.json").write_text(json.dumps(signed))
    (folder / "status.json").write_text(json.dumps({url: "list.json"}))
    return folder


@pytest.mark.parametrize(
    "suite, algorithm",
    [(EDDSA_RDFC_2022, "Ed25519"), (EDDSA_JCS_2022, "Ed25519"), (ECDSA_RDFC_2019, "P-256")],
    ids=lambda value: getattr(value, "name", value),
)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_reference_stack_verifies_our_profile_examples(tmp_path, loader, path, suite, algorithm):
    from dataintegrity.keys import did_key

    key = private_key_from_seed(SEED, algorithm)
    credential = json.loads(path.read_text("utf-8"))
    credential["issuer"]["id"] = did_key(key.public_key())
    signed = add_proof(credential, suite=suite, signer=signer_for(key), loader=loader, created=CREATED)
    (tmp_path / "signed.json").write_text(json.dumps(signed, ensure_ascii=False))
    result = node("verify.mjs", tmp_path / "signed.json", "--contexts", contexts_dir(tmp_path),
                  "--status", status_dir(tmp_path, credential, key, loader, suite), "--now", "2027-01-01T00:00:00Z")
    assert json.loads(result.stdout) == {"verified": True, "errors": []}
