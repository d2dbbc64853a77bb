"""Why a fetch failed: every failure of :class:`verifier.http.HttpFetcher` is a :class:`FetchError`.

Each message is plain words a verifier page can show; none carries the
response body.
"""

from __future__ import annotations

from dataintegrity.errors import VCError

from . import reasons


class FetchError(VCError):
    """A document could not be fetched; nothing was cached from the attempt."""

    problem_type = reasons.FETCH_FAILED
    title = "Could not fetch"


class UrlRefused(FetchError):
    """Not a URL this verifier fetches (not https, credentials in it, not ASCII…)."""

    problem_type = reasons.FETCH_URL_REFUSED
    title = "URL refused"


class AddressRefused(FetchError):
    """The host resolves to a private, loopback, link-local, multicast or reserved address."""

    problem_type = reasons.FETCH_ADDRESS_REFUSED
    title = "Address refused"


class RedirectRefused(FetchError):
    """A redirect to another host or scheme, or too many redirects."""

    problem_type = reasons.FETCH_REDIRECT_REFUSED
    title = "Redirect refused"


class FetchTimeout(FetchError):
    problem_type = reasons.FETCH_TIMEOUT
    title = "Timed out"


class ResponseTooLarge(FetchError):
    problem_type = reasons.FETCH_TOO_LARGE
    title = "Response too large"


class HttpStatusError(FetchError):
    """The server answered with a status other than 200 (or 304 to a revalidation)."""

    problem_type = reasons.FETCH_HTTP_STATUS
    title = "Server refused"

    def __init__(self, detail: str, *, status: int, url: str | None = None):
        super().__init__(detail, url=url)
        self.status = status


class TlsError(FetchError):
    """The TLS handshake failed, e.g. a certificate not valid for the host."""

    problem_type = reasons.FETCH_TLS_ERROR
    title = "Secure connection failed"
