"""QR payload sizes: how small a whole signed credential gets, and which QR version it needs.

For the reference credential (shared/interop/fixtures/valid-eddsa-rdfc-2022.json)
and each profile example in schemas/examples (signed here with a throwaway
Ed25519 key, eddsa-rdfc-2022, as its issuer would sign it), prints:

- JSON bytes: the file as stored, then minified (compact separators);
- DEFLATE+base45: characters of plain zlib DEFLATE (level 9) of the minified
  JSON in base45 — the approach of the EU Digital COVID Certificate, as the
  baseline;
- ours: characters of our payload (``SP1C:`` + base45 of the compact form);
- the QR version our payload needs at levels L, M and Q (alphanumeric mode),
  and the version DEFLATE+base45 needs at M;
- median encode and decode times.

Goals (issue 6): the reference credential at QR version ≤ 20 at level M
(≤ 970 characters), every profile example at ≤ 25 at M.

Run: ``.venv/bin/python benchmarks/bench_qr.py``
"""

from __future__ import annotations

import json
import statistics
import sys
import time
import zlib
from datetime import datetime, timezone
from pathlib import Path

from dataintegrity import EDDSA_RDFC_2022, KeySigner, add_proof, bundled_loader
from dataintegrity.keys import private_key_from_seed
from qr import base45, payload
from qr.symbol import version_for

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "interop" / "fixtures" / "valid-eddsa-rdfc-2022.json"
EXAMPLES = sorted((ROOT / "schemas" / "examples").glob("*.json"))
GOALS = {"reference": 20, "example": 25}


def signed_example(path: Path) -> tuple[dict, bytes]:
    """The example signed with a throwaway key under its issuer's DID (size is what matters here)."""
    credential = json.loads(path.read_text("utf-8"))
    key = private_key_from_seed(bytes(32), "Ed25519")
    issuer = credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"]
    signed = add_proof(credential, suite=EDDSA_RDFC_2022, signer=KeySigner(f"{issuer}#key-1", key),
                       loader=bundled_loader(), created=datetime(2026, 9, 15, 2, tzinfo=timezone.utc))
    return signed, json.dumps(signed, indent=2, ensure_ascii=False).encode("utf-8")


def median_ms(function, rounds: int = 200) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def row(name: str, credential: dict, stored: bytes) -> dict:
    minified = json.dumps(credential, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    baseline = base45.encode(zlib.compress(minified, 9))
    ours = payload.encode_inline(credential)
    assert json.dumps(payload.decode(ours).credential) == json.dumps(credential), "round trip changed the credential"
    return {
        "name": name, "json": len(stored), "minified": len(minified), "baseline": len(baseline),
        "baseline_m": version_for(baseline, "M"), "ours": len(ours),
        "versions": {level: version_for(ours, level) for level in "LMQ"},
        "encode_ms": median_ms(lambda: payload.encode_inline(credential)),
        "decode_ms": median_ms(lambda: payload.decode(ours)),
    }


def main() -> int:
    rows = []
    if REFERENCE.exists():
        rows.append(row("reference (valid-eddsa-rdfc-2022)", json.loads(REFERENCE.read_bytes()), REFERENCE.read_bytes()))
    else:
        print(f"note: {REFERENCE} not found; the reference credential is skipped", file=sys.stderr)
    for path in EXAMPLES:
        rows.append(row(f"example {path.stem}", *signed_example(path)))
    header = f"{'credential':44} {'JSON B':>7} {'min B':>6} {'DEFL+b45':>9} {'(v@M)':>6} {'ours':>6} " \
             f"{'v@L':>4} {'v@M':>4} {'v@Q':>4} {'enc ms':>7} {'dec ms':>7}  goal"
    print(header)
    print("-" * len(header))
    for r in rows:
        goal = GOALS["reference" if r["name"].startswith("reference") else "example"]
        met = "met" if r["versions"]["M"] <= goal else "NOT met"
        print(f"{r['name']:44} {r['json']:7} {r['minified']:6} {r['baseline']:9} {r['baseline_m']:6} {r['ours']:6} "
              f"{r['versions']['L']:4} {r['versions']['M']:4} {r['versions']['Q'] or '>40':>4} "
              f"{r['encode_ms']:7.2f} {r['decode_ms']:7.2f}  v≤{goal} at M: {met}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
