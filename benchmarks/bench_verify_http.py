"""``POST /credentials/verify`` of the reference credential under a production WSGI server.

Starts the verifier app (``verifier.web:create_app()``) under each server in
turn -- gunicorn with 2 sync workers, gunicorn with 2 gthread workers
(keep-alive), waitress (one process, threads) -- and drives it from a separate
process with ``--connections`` concurrent connections: ``wrk`` when it is
installed (``apt-get install wrk``), else the small asyncio keep-alive client
below.  Prints requests/s and p50/p99 latency; every response must be
``200`` with ``"verified": true`` (checked once before, and by status during the run).

    python benchmarks/bench_verify_http.py [--servers gunicorn-sync,gunicorn-gthread,waitress]
        [--connections 16] [--duration 10] [--client auto|wrk|python]

Figures are printed, never asserted (DESIGN.md: benchmarks print figures).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "fixtures" / "interop" / "valid-eddsa-rdfc-2022.json"
BIN = Path(sys.executable).parent
SERVERS = {
    "gunicorn-sync": lambda port: [str(BIN / "gunicorn"), "--workers", "2", "--worker-class", "sync",
                                   "--bind", f"127.0.0.1:{port}", "--backlog", "2048", "verifier.web:create_app()"],
    "gunicorn-gthread": lambda port: [str(BIN / "gunicorn"), "--workers", "2", "--worker-class", "gthread",
                                      "--threads", "2", "--keep-alive", "30", "--bind", f"127.0.0.1:{port}",
                                      "verifier.web:create_app()"],
    "waitress": lambda port: [str(BIN / "waitress-serve"), "--threads", "8", "--host", "127.0.0.1",
                              f"--port={port}", "--call", "verifier.web:create_app"],
}


def request_body() -> bytes:
    """The VC-API request: the reference credential, every check."""
    return json.dumps({"verifiableCredential": json.loads(REFERENCE.read_text("utf-8"))}).encode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request_bytes(port: int, body: bytes) -> bytes:
    head = (f"POST /credentials/verify HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    return head.encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body, and whether the server will close the connection."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines[1:] if line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, body, headers.get("connection", "").lower() == "close"


def verify_once(port: int, body: bytes) -> dict:
    async def once():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(request_bytes(port, body))
        status, answer, _ = await read_response(reader)
        writer.close()
        return status, json.loads(answer)

    status, answer = asyncio.run(once())
    if status != 200 or answer.get("verified") is not True:
        raise SystemExit(f"the reference credential did not verify: {status} {answer}")
    return answer


def start(name: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "SKILLPASS_VERIFIER_SECRET_KEY": "benchmark only", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(SERVERS[name](port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise SystemExit(f"{name} did not start on port {port}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def run_wrk(port: int, body_path: Path, connections: int, duration: int) -> dict:
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                 f'local f = io.open("{body_path}", "rb")\nwrk.body = f:read("*a")\nf:close()\n')
    script.close()
    try:
        out = subprocess.run(["wrk", "-t", "1", "-c", str(connections), "-d", f"{duration}s", "--latency",
                              "--timeout", "5s", "-s", script.name, f"http://127.0.0.1:{port}/credentials/verify"],
                             capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        "p50": _wrk_ms(re.search(r"\s50%\s+([\d.]+\w+)", out)[1]),
        "p99": _wrk_ms(re.search(r"\s99%\s+([\d.]+\w+)", out)[1]),
        "failed": int(bad[1]) if bad else 0,
        "socket_errors": errors[1] if errors else "none",
    }


def _wrk_ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def run_python_client(port: int, connections: int, duration: int) -> dict:
    """The load generator as its own process (this function runs in a child: see ``--client-only``)."""
    out = subprocess.run([sys.executable, __file__, "--client-only", str(port), "--connections", str(connections),
                          "--duration", str(duration)], capture_output=True, text=True, check=True).stdout
    return json.loads(out)


async def _client(port: int, connections: int, duration: float) -> dict:
    request = request_bytes(port, request_body())
    latencies: list[float] = []
    failed = 0
    deadline = time.perf_counter() + duration

    async def connection() -> None:
        nonlocal failed
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            writer.write(request)
            status, _, close = await read_response(reader)
            latencies.append(time.perf_counter() - start)
            failed += status != 200
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(connections)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {"rps": len(latencies) / elapsed, "p50": statistics.median(latencies) * 1000,
            "p99": latencies[int(len(latencies) * 0.99) - 1] * 1000, "failed": failed, "socket_errors": "none"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default="gunicorn-sync,gunicorn-gthread,waitress")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--client-only", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client_only:
        print(json.dumps(asyncio.run(_client(args.client_only, args.connections, args.duration))))
        return
    client = "wrk" if args.client == "wrk" or (args.client == "auto" and shutil.which("wrk")) else "python"
    print(f"POST /credentials/verify, {REFERENCE.name}, {args.connections} connections, {args.duration} s, "
          f"client {client}, {os.cpu_count()} CPUs")
    print(f"{'server':<18}{'requests/s':>12}{'p50 ms':>9}{'p99 ms':>9}  failed")
    for name in args.servers.split(","):
        port = free_port()
        process = start(name, port)
        body_file = tempfile.NamedTemporaryFile(suffix=".json", delete=False)
        body_file.write(request_body())
        body_file.close()
        try:
            verify_once(port, request_body())
            load = (lambda d: run_wrk(port, Path(body_file.name), args.connections, d)) if client == "wrk" else \
                (lambda d: run_python_client(port, args.connections, d))
            load(args.warmup)
            result = load(args.duration)
        finally:
            stop(process)
            os.unlink(body_file.name)
        print(f"{name:<18}{result['rps']:>12,.0f}{result['p50']:>9.2f}{result['p99']:>9.2f}  {result['failed']}"
              + ("" if result["socket_errors"] == "none" else f"  socket errors: {result['socket_errors']}"))


if __name__ == "__main__":
    main()
