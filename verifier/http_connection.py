"""One HTTP exchange with one checked address, bounded in time and size.

The fetcher (:mod:`verifier.http`) resolves a host itself and checks every
address; this module then connects to a checked address while naming the
host in the ``Host`` header, the TLS SNI and the certificate check, so a DNS
answer that changes between the check and the connection (DNS rebinding)
cannot reach another address. Every read shares one deadline, so a server
that drips a byte at a time cannot hold the verifier past it.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from email.message import Message

from .fetch_errors import AddressRefused, FetchError, FetchTimeout, ResponseTooLarge, TlsError

_READ_SIZE = 64 * 1024


@dataclass(frozen=True)
class Target:
    """Where a request goes: scheme, host (ASCII, no brackets), port and request target."""

    url: str
    scheme: str
    host: str
    port: int
    path: str

    @property
    def origin(self) -> tuple[str, str, int]:
        return self.scheme, self.host.lower(), self.port


@dataclass(frozen=True)
class Response:
    status: int
    headers: Message
    body: bytes


def check_address(address: str, host: str, *, allow_private: bool) -> None:
    """Refuse an address that is not public unicast, unless ``allow_private``.

    :raises AddressRefused: for private, loopback, link-local, multicast,
        reserved, unspecified or otherwise non-global addresses (IPv4-mapped
        IPv6 addresses are judged by their IPv4 address).
    """
    if allow_private:
        return
    try:
        ip = ipaddress.ip_address(address.partition("%")[0])
    except ValueError:
        raise AddressRefused(f"{host} resolves to {address!r:.60}, which is not an IP address", url=host) from None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    flags = (ip.is_private, ip.is_loopback, ip.is_link_local, ip.is_multicast, ip.is_reserved, ip.is_unspecified)
    if any(flags) or not ip.is_global:
        raise AddressRefused(
            f"{host} resolves to {ip}, a private, loopback or otherwise non-public address; "
            "the verifier does not connect to such addresses",
            url=host,
        )


def exchange(
    target: Target,
    address: str,
    headers: dict[str, str],
    *,
    context: ssl.SSLContext | None,
    connect_timeout: float,
    deadline: float,
    max_bytes: int,
) -> Response:
    """Send one GET to ``address`` for ``target`` and read the answer.

    The body is read only for a 200 answer, and refused beyond ``max_bytes``.

    :param context: the TLS context for https, None for plain http.
    :param deadline: a :func:`time.monotonic` time by which everything is done.
    :raises FetchError: a subclass saying what went wrong.
    """
    connection = _PinnedConnection(target, address, context, connect_timeout, deadline)
    answer = None
    try:
        connection.request("GET", target.path, headers=headers)
        answer = connection.getresponse()
        body = _read_body(answer, target, max_bytes) if answer.status == 200 else b""
        return Response(answer.status, answer.msg, body)
    except FetchError:
        raise
    except ssl.SSLCertVerificationError as error:
        raise TlsError(f"the certificate of {target.host} is not valid: {error.verify_message}", url=target.url) from None
    except TimeoutError:  # socket.timeout is TimeoutError
        raise FetchTimeout(f"{target.host} did not answer in time", url=target.url) from None
    except ssl.SSLError as error:
        raise TlsError(f"no secure connection to {target.host}: {error.reason or error}", url=target.url) from None
    except http.client.HTTPException as error:
        raise FetchError(f"{target.host} sent an invalid HTTP response ({type(error).__name__})", url=target.url) from None
    except OSError as error:
        raise FetchError(f"cannot connect to {target.host}: {error.strerror or error}", url=target.url) from None
    finally:
        if answer is not None:
            answer.close()
        connection.close()


def _read_body(answer: http.client.HTTPResponse, target: Target, max_bytes: int) -> bytes:
    encoding = (answer.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding != "identity":
        raise FetchError(f"{target.host} sent {encoding}-encoded content, which was not asked for", url=target.url)
    length = answer.getheader("Content-Length")
    if length is not None and length.strip().isdigit() and int(length) > max_bytes:
        raise _too_large(target, max_bytes)
    chunks, total = [], 0
    while chunk := answer.read1(_READ_SIZE):
        total += len(chunk)
        if total > max_bytes:
            raise _too_large(target, max_bytes)
        chunks.append(chunk)
    if answer.length:  # the server closed before sending what Content-Length promised
        raise FetchError(f"{target.host} closed the connection before the end of the response", url=target.url)
    return b"".join(chunks)


def _too_large(target: Target, max_bytes: int) -> ResponseTooLarge:
    return ResponseTooLarge(f"{target.url} is larger than the {max_bytes:,}-byte limit for this document", url=target.url)


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to one address, naming ``target.host`` everywhere else."""

    def __init__(self, target: Target, address: str, context, connect_timeout: float, deadline: float):
        super().__init__(target.host, target.port, timeout=connect_timeout)
        self.default_port = 443 if target.scheme == "https" else 80  # "Host: name" without the default port
        self._address = address
        self._context = context
        self._deadline = deadline

    def connect(self) -> None:
        timeout = min(self.timeout, _remaining(self._deadline))
        sock = socket.create_connection((self._address, self.port), timeout=timeout)
        try:
            if self._context is not None:
                sock.settimeout(_remaining(self._deadline))
                sock = self._context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise
        self.sock = _DeadlineSocket(sock, self._deadline)


def _remaining(deadline: float) -> float:
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise TimeoutError("deadline passed")
    return remaining


class _DeadlineSocket:
    """The parts of a socket http.client uses, every operation bounded by one deadline.

    Like :meth:`socket.socket.makefile`, the reader keeps the socket open until
    it is closed too (http.client closes the connection before reading the body).
    """

    def __init__(self, sock: socket.socket, deadline: float):
        self._sock = sock
        self._deadline = deadline
        self._readers = 0
        self._closed = False

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(_remaining(self._deadline))
        self._sock.sendall(data)

    def makefile(self, mode: str = "rb") -> io.BufferedReader:
        self._readers += 1
        return io.BufferedReader(_DeadlineReader(self))

    def recv_into(self, buffer) -> int:
        self._sock.settimeout(_remaining(self._deadline))
        return self._sock.recv_into(buffer)

    def close(self) -> None:
        self._closed = True
        if self._readers <= 0:
            self._sock.close()

    def reader_closed(self) -> None:
        self._readers -= 1
        if self._closed and self._readers <= 0:
            self._sock.close()


class _DeadlineReader(io.RawIOBase):
    def __init__(self, sock: _DeadlineSocket):
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        return self._sock.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            self._sock.reader_closed()
        super().close()
