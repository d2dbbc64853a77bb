"""The skillpass command line, run as a user runs it: a subprocess."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from dataintegrity import keys

from .conftest import FIXTURES, SEED, read_json

SKILLPASS = str(Path(sys.executable).parent / "skillpass")
PASSPHRASE = "correct horse battery staple"
SPEC_SECRET = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"


def run(*args, cwd=None, stdin=None, passphrase=PASSPHRASE):
    env = {key: value for key, value in os.environ.items() if key != "SKILLPASS_KEY_PASSPHRASE"}
    if passphrase is not None:
        env["SKILLPASS_KEY_PASSPHRASE"] = passphrase
    result = subprocess.run(
        [SKILLPASS, *map(str, args)], cwd=cwd, input=stdin, capture_output=True, env=env, timeout=60,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )
    output = result.stdout.decode() + result.stderr.decode()
    assert "Traceback" not in output, output
    return result.returncode, result.stdout.decode(), result.stderr.decode()


def write(tmp_path: Path, name: str, document) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(document) if not isinstance(document, str) else document)
    return path


class TestVerify:
    def test_verified(self):
        code, out, _ = run("verify", FIXTURES / "valid-eddsa-rdfc-2022.json")
        assert code == 0
        # The test key's issuer is no alliance member: verified, with that said as a warning.
        assert out.startswith("VERIFIED WITH WARNINGS: ") and "not listed" in out

    def test_json_output(self):
        code, out, _ = run("verify", "--json", FIXTURES / "valid-ecdsa-rdfc-2019.json")
        result = json.loads(out)
        assert code == 0 and result["verified"] is True
        assert [check["check"] for check in result["checks"]] == ["structure", "proof", "key", "validity", "trust"]

    def test_standard_input(self):
        data = (FIXTURES / "valid-eddsa-jcs-2022.json").read_bytes()
        assert run("verify", "-", stdin=data)[0] == 0

    def test_not_verified(self):
        code, out, _ = run("verify", FIXTURES / "neg-eddsa-subject-changed.json")
        assert code == 1
        assert out.startswith("NOT VERIFIED: ") and "Invalid signature" in out

    def test_now_before_valid_from(self):
        code, out, _ = run("verify", "--now", "2024-12-31T00:00:00Z", FIXTURES / "valid-eddsa-rdfc-2022.json")
        assert code == 1 and "not valid until 2025-01-15" in out

    def test_bad_now_is_a_usage_error(self):
        code, _, err = run("verify", "--now", "tomorrow", FIXTURES / "valid-eddsa-rdfc-2022.json")
        assert code == 2 and "dateTimeStamp" in err

    def test_presentation(self):
        assert run("verify", FIXTURES / "vp-unsigned-with-eddsa-vc.json")[0] == 0

    def test_malformed_json(self, tmp_path):
        code, _, err = run("verify", write(tmp_path, "bad.json", '{"@context": ['))
        assert code == 2 and "not valid JSON" in err

    def test_ten_megabytes(self, tmp_path):
        path = tmp_path / "huge.json"
        path.write_bytes(b'{"a": "' + b"x" * 10_000_000 + b'"}')
        code, _, err = run("verify", path)
        assert code == 2 and "larger than the 1 MB limit" in err

    def test_missing_file(self, tmp_path):
        code, _, err = run("verify", tmp_path / "nowhere.json")
        assert code == 2 and "cannot read" in err

    def test_not_an_object(self, tmp_path):
        code, out, _ = run("verify", write(tmp_path, "list.json", [1, 2]))
        assert code == 1 and "must be a JSON object" in out

    def test_unknown_context(self, tmp_path):
        document = read_json(FIXTURES / "valid-eddsa-rdfc-2022.json")
        document["@context"].append("https://evil.example/ctx.json")
        code, out, _ = run("verify", write(tmp_path, "ctx.json", document))
        assert code == 1 and "https://evil.example/ctx.json" in out and "never fetched" in out

    def test_non_multibase_proof_value(self, tmp_path):
        document = read_json(FIXTURES / "valid-eddsa-rdfc-2022.json")
        document["proof"]["proofValue"] = "Q" + document["proof"]["proofValue"][1:]
        code, out, _ = run("verify", write(tmp_path, "mb.json", document))
        assert code == 1 and "is not multibase" in out

    def test_wrong_key_type(self, tmp_path):
        document = read_json(FIXTURES / "valid-eddsa-rdfc-2022.json")
        p256 = read_json(FIXTURES / "valid-ecdsa-rdfc-2019.json")["proof"]["verificationMethod"]
        document["proof"]["verificationMethod"] = p256
        code, out, _ = run("verify", write(tmp_path, "kt.json", document))
        assert code == 1 and "is a key of type P-256; eddsa-rdfc-2022 needs Ed25519" in out

    def test_unsupported_cryptosuite(self, tmp_path):
        document = read_json(FIXTURES / "valid-eddsa-rdfc-2022.json")
        document["proof"]["cryptosuite"] = "bbs-2023"
        code, out, _ = run("verify", write(tmp_path, "cs.json", document))
        assert code == 1 and "Unsupported cryptosuite" in out and "bbs-2023" in out


class TestKeys:
    def test_new_writes_an_encrypted_owner_only_file(self, tmp_path):
        code, out, _ = run("keys", "new", cwd=tmp_path)
        assert code == 0
        files = list((tmp_path / "keys").glob("z6Mk*.pem"))
        assert len(files) == 1
        assert stat.S_IMODE(files[0].stat().st_mode) == 0o600
        assert files[0].read_text().startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert f"did: did:key:{files[0].stem}" in out

    def test_new_p256(self, tmp_path):
        code, out, _ = run("keys", "new", "--type", "p-256", "--out", tmp_path / "p.pem")
        assert code == 0 and "did:key:zDn" in out

    def test_never_overwrites(self, tmp_path):
        run("keys", "new", "--out", tmp_path / "k.pem")
        before = (tmp_path / "k.pem").read_bytes()
        code, _, err = run("keys", "new", "--out", tmp_path / "k.pem")
        assert code == 2 and "never overwritten" in err
        assert (tmp_path / "k.pem").read_bytes() == before

    def test_needs_a_passphrase(self, tmp_path):
        code, _, err = run("keys", "new", "--out", tmp_path / "k.pem", passphrase=None)
        assert code == 2 and "SKILLPASS_KEY_PASSPHRASE" in err
        assert not (tmp_path / "k.pem").exists()

    def test_import_seed_and_multibase(self, tmp_path):
        code, out, _ = run("keys", "import", "--seed", SEED.hex(), "--out", tmp_path / "a.pem")
        assert code == 0 and "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP" in out
        code, out, _ = run("keys", "import", "--seed", SEED.hex(), "--type", "p-256", "--out", tmp_path / "b.pem")
        assert code == 0 and "did:key:zDnaeyBA87Ggi1qy6gV4z2PJaH3JkSZag8ECBNo4cNi3ybwdb" in out
        code, out, _ = run("keys", "import", "--multibase", SPEC_SECRET, "--out", tmp_path / "c.pem")
        assert code == 0 and "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2" in out
        code, out, _ = run("keys", "show", tmp_path / "c.pem")
        assert code == 0 and "type: Ed25519" in out
        assert SPEC_SECRET not in out

    @pytest.mark.parametrize(
        "args, message",
        [
            (["--seed", "abcd"], "32 bytes"),
            (["--seed", "zz" * 32], "cannot import"),
            (["--multibase", "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"], "not an Ed25519, P-256 or P-384 secret key"),
            (["--seed", SEED.hex(), "--multibase", SPEC_SECRET], "exactly one of"),
        ],
    )
    def test_import_errors(self, tmp_path, args, message):
        code, _, err = run("keys", "import", *args, "--out", tmp_path / "k.pem")
        assert code == 2 and message in err

    def test_wrong_passphrase(self, tmp_path):
        run("keys", "new", "--out", tmp_path / "k.pem")
        code, _, err = run("keys", "show", tmp_path / "k.pem", passphrase="wrong")
        assert code == 2 and "wrong passphrase" in err


class TestSign:
    @pytest.fixture
    def ed25519_file(self, tmp_path):
        run("keys", "import", "--seed", SEED.hex(), "--out", tmp_path / "ed.pem")
        return tmp_path / "ed.pem"

    @pytest.fixture
    def p256_file(self, tmp_path):
        run("keys", "import", "--seed", SEED.hex(), "--type", "p-256", "--out", tmp_path / "p.pem")
        return tmp_path / "p.pem"

    @pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022", None])
    def test_sign_ed25519_then_verify(self, tmp_path, ed25519_file, suite):
        args = ["sign", FIXTURES / "unsigned-learning-outcome.json", "--key", ed25519_file, "--set-issuer",
                "--created", "2025-01-15T09:00:00Z"] + (["--suite", suite] if suite else [])
        code, out, _ = run(*args)
        assert code == 0
        signed = json.loads(out)
        assert signed["issuer"]["id"] == "did:key:z6Mkf5rGMoatrSj1f4CyvuHBeXJELe9RPdzo2PKGNCKVtZxP"
        assert signed["proof"]["cryptosuite"] == (suite or "eddsa-rdfc-2022")
        if suite != "eddsa-jcs-2022":  # Ed25519 is deterministic: identical to the reference stack's
            assert signed == read_json(FIXTURES / "valid-eddsa-rdfc-2022.json")
        assert run("verify", write(tmp_path, "signed.json", signed))[0] == 0

    def test_sign_p256(self, tmp_path, p256_file):
        code, out, _ = run("sign", FIXTURES / "unsigned-learning-outcome.json", "--key", p256_file, "--set-issuer")
        assert code == 0
        signed = json.loads(out)
        assert signed["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"
        assert run("verify", write(tmp_path, "signed.json", signed))[0] == 0

    def test_set_issuer_on_a_string_issuer(self, tmp_path, ed25519_file):
        credential = read_json(FIXTURES / "unsigned-learning-outcome.json")
        credential["issuer"] = "https://example.edu"
        code, out, _ = run("sign", write(tmp_path, "u.json", credential), "--key", ed25519_file, "--set-issuer")
        assert code == 0 and json.loads(out)["issuer"] == keys.did_key(keys.private_key_from_seed(SEED).public_key())

    def test_issuer_must_be_the_key(self, ed25519_file):
        code, out, err = run("sign", FIXTURES / "unsigned-learning-outcome.json", "--key", ed25519_file)
        assert code == 1 and out == ""
        assert "not to the issuer did:key:SELF" in err and "--set-issuer" in err

    def test_suite_must_fit_the_key(self, p256_file):
        code, _, err = run("sign", FIXTURES / "unsigned-learning-outcome.json", "--key", p256_file, "--suite", "eddsa-rdfc-2022")
        assert code == 2 and "cannot sign with a key of type P-256" in err

    def test_undefined_term_is_refused(self, tmp_path, ed25519_file):
        credential = read_json(FIXTURES / "unsigned-learning-outcome.json")
        credential["credentialSubject"]["favouriteColour"] = "green"
        code, out, err = run("sign", write(tmp_path, "u.json", credential), "--key", ed25519_file, "--set-issuer")
        assert code == 1 and out == ""
        assert "favouriteColour" in err


EXAMPLE = Path(__file__).resolve().parent.parent / "schemas" / "examples" / "nev-high-voltage-service-sa-t3.json"


class TestSchemaCheck:
    def test_conforming(self):
        code, out, _ = run("schema", "check", EXAMPLE)
        assert code == 0 and "follows the learning-outcome credential profile" in out

    def test_every_problem_is_printed(self, tmp_path):
        credential = read_json(EXAMPLE)
        del credential["credentialStatus"]
        credential["credentialSubject"]["achievement"]["creditsAvailable"] = -1
        code, out, err = run("schema", "check", write(tmp_path, "c.json", credential))
        assert code == 1
        assert out.splitlines() == [
            "credentialStatus: is required but missing",
            "credentialSubject.achievement.creditsAvailable: must be a number of credits, zero or more",
        ]
        assert "2 problems" in err

    def test_unusable_input(self, tmp_path):
        code, _, err = run("schema", "check", write(tmp_path, "c.json", "{nope"))
        assert code == 2 and "not valid JSON" in err

    def test_sign_refuses_a_credential_off_profile(self, tmp_path):
        run("keys", "import", "--seed", SEED.hex(), "--out", tmp_path / "k.pem")
        credential = read_json(EXAMPLE)
        credential["credentialSubject"]["achievement"]["name"] = [{"@value": "บริการ", "@language": "th"}]
        code, out, err = run("sign", write(tmp_path, "c.json", credential), "--key", tmp_path / "k.pem", "--set-issuer")
        assert code == 1 and out == ""
        assert "credentialSubject.achievement.name: needs an English version" in err


class TestVerifyFullPipeline:
    """did:web from folders, status lists, the trust registry and recognition (--as)."""

    def test_fixture_folders(self):
        code, out, _ = run("verify", "--no-network", FIXTURES / "valid-eddsa-didweb-status.json",
                           "--dids", FIXTURES / "dids", "--status", FIXTURES / "status")
        assert code == 0 and "used: status list https://issuer.example.edu/status/1" in out
        code, out, _ = run("verify", "--no-network", FIXTURES / "neg-eddsa-didweb-revoked.json",
                           "--dids", FIXTURES / "dids", "--status", FIXTURES / "status")
        assert code == 1 and "FAIL status" in out

    def test_status_unknown_is_a_warning_not_a_pass(self):
        code, out, _ = run("verify", "--no-network", FIXTURES / "valid-eddsa-didweb-status.json", "--dids", FIXTURES / "dids")
        assert code == 0 and out.startswith("VERIFIED WITH WARNINGS") and "Status unknown" in out

    def test_recognition_and_trust(self, tmp_path):
        run("keys", "import", "--seed", SEED.hex(), "--out", tmp_path / "k.pem")
        code, signed, _ = run("sign", EXAMPLE, "--key", tmp_path / "k.pem", "--set-issuer")
        path = write(tmp_path, "nev.json", signed)
        code, out, _ = run("verify", "--no-network", "--json", "--as", "mqf", "--now", "2027-01-01T00:00:00Z", path)
        result = json.loads(out)
        assert result["outcome"] == "verified-with-warnings"  # no status list copy; issuer not in the registry
        assert result["trust"]["code"] == "NOT_LISTED"
        assert [check["check"] for check in result["checks"]] == [
            "structure", "proof", "schema", "key", "validity", "status", "trust", "recognition"]
        assert result["recognition"]["framework"]["id"] == "mqf" and result["recognition"]["ok"] is True
        code, out, _ = run("verify", "--no-network", "--as", "poli-automotif-selangor", "--now", "2027-01-01T00:00:00Z", path)
        assert "recognition: SA-T3 → AQRF 4 (illustrative) → MQF 4, Diploma" in out

    def test_unknown_recognition_target(self):
        code, _, err = run("verify", "--as", "atlantis", FIXTURES / "valid-eddsa-rdfc-2022.json")
        assert code == 2 and "is not a framework, a bundled profile or a file" in err
