"""One local process for the whole product: the issuer app and (when present) the verifier app.

In production they deploy separately; here a WSGI dispatcher sends the
issuer's paths to the issuer app and everything else to the verifier.
"""

from __future__ import annotations

from typing import Callable, Iterable

#: Paths the issuer app serves; everything else belongs to the verifier.
ISSUER_PREFIXES = ("/console", "/c/", "/institutions/", "/.well-known/", "/status/", "/contexts/", "/schemas/")
ISSUER_PATHS = ("/credentials/issue",)

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def dispatcher(issuer_app: WSGIApp, verifier_app: WSGIApp | None) -> WSGIApp:
    """A WSGI app routing by path between the two apps."""

    def application(environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "") or "/"
        if path.startswith(ISSUER_PREFIXES) or path in ISSUER_PATHS:
            return issuer_app(environ, start_response)
        if verifier_app is not None:
            return verifier_app(environ, start_response)
        start_response("302 Found", [("Location", "/console/"), ("Content-Length", "0")])
        return [b""]

    return application
