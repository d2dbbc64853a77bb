"""Sign and verify the reference learning-outcome credential with each cryptosuite.

Prints median and p90 milliseconds per operation, our canonicalization beside
pyld's, and (when the reference JavaScript stack is installed, see `make test`)
its own figures from `node bench.mjs`, measured in the same run.

    python benchmarks/bench_proofs.py [--rounds N] [--no-node]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

from pyld import jsonld

from dataintegrity import ECDSA_RDFC_2019, EDDSA_JCS_2022, EDDSA_RDFC_2022, SUITES, KeySigner, add_proof, bundled_loader, verify_proof
from dataintegrity.canonicalize import canonicalize_rdfc
from dataintegrity.keys import did_key, did_key_verification_method, private_key_from_seed, resolve_did_key_for
from verifier import Verifier

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "fixtures" / "interop" / "unsigned-learning-outcome.json"
SEED = bytes.fromhex("9b937b81322d816cfab9d5a3baacc9b2a5febe4b149f126b3630f93a29527017")
CREATED = datetime(2025, 1, 15, 9, tzinfo=timezone.utc)
NOW = datetime(2026, 1, 1, tzinfo=timezone.utc)


def measure(operation, rounds: int) -> tuple[float, float]:
    """Median and p90 of ``rounds`` timed calls, in milliseconds (after a warm-up)."""
    for _ in range(min(50, rounds)):
        operation()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        operation()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9) - 1]


def reference_credential(algorithm: str) -> tuple[dict, KeySigner]:
    key = private_key_from_seed(SEED, algorithm)
    credential = json.loads(REFERENCE.read_text())
    credential["issuer"]["id"] = did_key(key.public_key())
    return credential, KeySigner(did_key_verification_method(key.public_key()), key)


def rows(rounds: int):
    loader = bundled_loader()
    verifier = Verifier(loader=loader)
    for suite, algorithm in [(EDDSA_RDFC_2022, "Ed25519"), (ECDSA_RDFC_2019, "P-256"), (EDDSA_JCS_2022, "Ed25519")]:
        credential, signer = reference_credential(algorithm)
        sign = lambda: add_proof(credential, suite=suite, signer=signer, loader=loader, created=CREATED)  # noqa: E731
        signed = sign()
        verify = lambda: verify_proof(signed, suites=SUITES, loader=loader, resolve_key=resolve_did_key_for)  # noqa: E731
        assert verify().ok
        yield f"{suite.name} sign (add_proof)", measure(sign, rounds)
        yield f"{suite.name} verify (verify_proof)", measure(verify, rounds)
        yield f"{suite.name} verify (full pipeline)", measure(lambda: verifier.verify_credential(signed, now=NOW), rounds)
    credential, signer = reference_credential("Ed25519")
    config = {"@context": credential["@context"], "type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
              "created": "2025-01-15T09:00:00Z", "verificationMethod": signer.id, "proofPurpose": "assertionMethod"}
    yield "RDFC-1.0 canonicalize: document (ours)", measure(lambda: canonicalize_rdfc(credential, loader=loader), rounds)
    yield "RDFC-1.0 canonicalize: proof config (ours)", measure(lambda: canonicalize_rdfc(config, loader=loader), rounds)
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    pyld_document = lambda: jsonld.normalize(copy.deepcopy(credential), options)  # noqa: E731
    assert pyld_document() == canonicalize_rdfc(credential, loader=loader), "output differs from pyld"
    yield "RDFC-1.0 canonicalize: document (pyld)", measure(pyld_document, max(rounds // 10, 20))
    yield "RDFC-1.0 canonicalize: proof config (pyld)", measure(lambda: jsonld.normalize(copy.deepcopy(config), options), max(rounds // 10, 20))


def node_figures(rounds: int) -> str | None:
    interop = Path(os.environ.get("SKILLPASS_INTEROP_DIR", ROOT / ".cache" / "interop")) / "js"
    if not (interop / "node_modules").is_dir():
        return None
    result = subprocess.run(["node", "bench.mjs", str(rounds)], cwd=interop, capture_output=True, text=True, timeout=600)
    return result.stdout.strip() or result.stderr.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--no-node", action="store_true", help="Skip the reference JavaScript stack.")
    arguments = parser.parse_args()
    print(f"Skills Passport (Python), reference learning-outcome credential, {arguments.rounds} rounds")
    print(f"{'operation':46} {'median ms':>10} {'p90 ms':>10} {'ops/s':>9}")
    for name, (median, p90) in rows(arguments.rounds):
        print(f"{name:46} {median:10.3f} {p90:10.3f} {1000 / median:9.0f}")
    if not arguments.no_node:
        figures = node_figures(arguments.rounds)
        if figures:
            print("\nReference JavaScript stack (node bench.mjs), same machine, same run:")
            print(figures)


if __name__ == "__main__":
    main()
