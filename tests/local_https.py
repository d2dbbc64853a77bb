"""A real HTTPS server on 127.0.0.1 for the fetcher and did:web tests.

A throwaway CA signs a certificate for ``localhost``, ``issuer.test``,
``other.test`` and 127.0.0.1; clients trust it through :meth:`client_context`.
Test modules that use it define a ``no_network`` fixture that does nothing
(replacing the conftest tripwire) and connect only to 127.0.0.1: the
fetcher's ``resolve_host`` maps the test host names there.
"""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable

import pytest

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

HOSTS = ("localhost", "issuer.test", "other.test")
LOOPBACK = "127.0.0.1"


@dataclass
class Route:
    """What the server answers on one path."""

    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drip: float = 0.0  # seconds between body bytes (no Content-Length then)


def make_certificates(folder: Path) -> tuple[Path, Path, bytes]:
    """A CA and a server certificate it signs: (cert file, key file, CA PEM)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key, server_key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "skillpass test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    names = [x509.DNSName(host) for host in HOSTS] + [x509.IPAddress(ipaddress.ip_address(LOOPBACK))]
    server = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name).public_key(server_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName(names), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = folder / "server.pem", folder / "server.key"
    cert_file.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(server_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return cert_file, key_file, ca.public_bytes(serialization.Encoding.PEM)


class LocalHttpsServer:
    """An HTTPS server on 127.0.0.1 answering from :attr:`routes`; it records each request."""

    def __init__(self, folder: Path):
        cert_file, key_file, self.ca_pem = make_certificates(folder)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        self.routes: dict[str, Route | Callable[[dict], Route]] = {}
        self.requests: list[dict] = []
        self._server = ThreadingHTTPServer((LOOPBACK, 0), _handler(self))
        self._server.daemon_threads = True
        self._server.handle_error = lambda request, address: None  # clients that hang up are expected
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True, do_handshake_on_connect=False)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str, host: str = "localhost") -> str:
        return f"https://{host}:{self.port}{path}"

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cadata=self.ca_pem.decode("ascii"))

    def reset(self) -> None:
        self.routes.clear()
        self.requests.clear()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


def resolve_to_loopback(host: str, port: int) -> list[str]:
    """A ``resolve_host`` for the fetcher: the test host names are 127.0.0.1."""
    if host in HOSTS or host == LOOPBACK:
        return [LOOPBACK]
    raise AssertionError(f"the test tried to resolve {host}")


def _handler(server: LocalHttpsServer):
    class Handler(BaseHTTPRequestHandler):
        def setup(self):
            self.request.settimeout(10)
            self.request.do_handshake()
            super().setup()

        def do_GET(self):
            headers = {name.lower(): value for name, value in self.headers.items()}
            server.requests.append({"path": self.path, "headers": headers})
            route = server.routes.get(self.path)
            if callable(route):
                route = route(headers)
            if route is None:
                route = Route(b"not found", status=404)
            time.sleep(route.delay)
            etag = route.headers.get("ETag")
            status = 304 if etag is not None and headers.get("if-none-match") == etag else route.status
            self.send_response_only(status)
            if "Date" not in route.headers:
                self.send_header("Date", self.date_time_string())
            for name, value in route.headers.items():
                self.send_header(name, value)
            if status == 304:
                self.end_headers()
                return
            if not route.drip and "Content-Length" not in route.headers:
                self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            if route.drip:
                for index in range(len(route.body)):
                    self.wfile.write(route.body[index:index + 1])
                    self.wfile.flush()
                    time.sleep(route.drip)
            else:
                self.wfile.write(route.body)

        def log_message(self, format, *args):
            pass

    return Handler


# Fixtures for test modules that use this server: they import these names.
# The module-scoped server is shared by a module's tests; ``https`` clears its routes.

@pytest.fixture
def no_network():
    """The importing module talks to its own server on 127.0.0.1, so the tripwire is lifted."""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    local = LocalHttpsServer(tmp_path_factory.mktemp("tls"))
    yield local
    local.close()


@pytest.fixture
def https(server):
    server.reset()
    return server
