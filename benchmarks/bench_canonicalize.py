"""RDFC-1.0 canonicalization: pyld 3.3.0 against dataintegrity.canonicalize.

Prints median and 90th-percentile milliseconds for the reference credential
(/work/shared/interop/fixtures/valid-eddsa-rdfc-2022.json without its proof)
and its proof configuration, after checking that both outputs are identical.
The warm figures reuse one loader, as a running service does (processed
contexts are cached on it); the cold figure is a first call on a new loader.

Run: ``.venv/bin/python benchmarks/bench_canonicalize.py [rounds]``
"""

from __future__ import annotations

import copy
import json
import statistics
import sys
import time
from pathlib import Path

from pyld import jsonld

from dataintegrity.canonicalize import canonicalize_rdfc
from dataintegrity.loader import bundled_loader

REFERENCE = Path("/work/shared/interop/fixtures/valid-eddsa-rdfc-2022.json")


def documents() -> tuple[dict, dict]:
    """The reference credential (without proof) and its proof configuration."""
    signed = json.loads(REFERENCE.read_text("utf-8"))
    proof = signed.pop("proof")
    config = {"@context": signed["@context"], "type": "DataIntegrityProof",
              "cryptosuite": "eddsa-rdfc-2022", "created": proof["created"],
              "verificationMethod": proof["verificationMethod"], "proofPurpose": "assertionMethod"}
    return signed, config


def measure(function, rounds: int) -> tuple[float, float]:
    """Median and 90th percentile of ``function()`` in milliseconds."""
    function()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.9)]


def main(rounds: int = 2000) -> None:
    """Check the outputs agree, then print the timing table."""
    loader = bundled_loader()
    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader}
    credential, config = documents()
    rows = []
    for name, doc in (("credential", credential), ("proof config", config)):
        pyld_out = jsonld.normalize(copy.deepcopy(doc), options)
        ours_out = canonicalize_rdfc(doc, loader=loader)
        if ours_out != pyld_out:
            raise SystemExit(f"{name}: output differs from pyld")
        pyld = measure(lambda: jsonld.normalize(copy.deepcopy(doc), options), max(rounds // 20, 50))
        ours = measure(lambda: canonicalize_rdfc(doc, loader=loader), rounds)
        rows.append((name, pyld, ours, ours_out.count("\n")))
    cold = statistics.median(_cold(credential) for _ in range(20))
    print(f"{'document':<14}{'quads':>6}{'pyld median':>13}{'pyld p90':>10}"
          f"{'ours median':>13}{'ours p90':>10}{'speed-up':>10}")
    for name, pyld, ours, quads in rows:
        print(f"{name:<14}{quads:>6}{pyld[0]:>11.3f}ms{pyld[1]:>8.3f}ms"
              f"{ours[0]:>11.3f}ms{ours[1]:>8.3f}ms{pyld[0] / ours[0]:>9.1f}x")
    print(f"first call on a new loader (contexts processed once): {cold:.3f} ms")


def _cold(doc: dict) -> float:
    loader = bundled_loader()
    start = time.perf_counter()
    canonicalize_rdfc(doc, loader=loader)
    return (time.perf_counter() - start) * 1000


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
