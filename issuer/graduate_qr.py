"""Which QR code a graduate's credential gets, on screen and on paper, and its SVG markup.

A code carries the whole signed credential when it fits (it then verifies with
no network at all); otherwise it carries a link to the credential's stable JSON
address with the credential's digest (docs/qr-format.md). A link must be https,
because a verifier refuses anything else, so a server whose public URL is http
(development, tests) cannot make one: :class:`CredentialCode` then says why,
and the pages show that sentence instead of failing.

No Flask here: the caller passes the link URL and the version limit.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from qr import payload, symbol
from qr.symbol import QrSymbol

#: On a screen the code is bright and flat: M leaves room for more of the credential.
SCREEN_LEVELS = ("M",)
#: Paper gets folded and scuffed: Q (25 % recoverable) when the credential still fits inline at Q.
PAPER_LEVELS = ("Q", "M")

MODE_WORDS = {
    "inline": "This code carries the whole credential: it verifies offline, without contacting anyone.",
    "link": "This code links to the credential online: a verifier fetches it from this server "
            "and checks that it is exactly the credential the code was made for.",
}


@dataclass(frozen=True)
class CredentialCode:
    """The QR code of one credential, or (``symbol`` None) the reason there is none."""

    symbol: QrSymbol | None
    problem: str = ""

    @property
    def mode(self) -> str:
        """``inline``, ``link`` or ``none``."""
        return self.symbol.mode if self.symbol is not None else "none"

    @property
    def words(self) -> str:
        """What the code does, in a sentence for the page (or why there is none)."""
        return MODE_WORDS.get(self.mode, self.problem)


def screen_code(credential: dict, *, link_url: str, max_version: int) -> CredentialCode:
    """The code shown on the graduate's page, the present view and the PNG/SVG downloads."""
    return credential_code(credential, link_url=link_url, levels=SCREEN_LEVELS, link_level="M",
                           max_version=max_version)


def paper_code(credential: dict, *, link_url: str, max_version: int) -> CredentialCode:
    """The code printed on the certificate: Q if it still fits inline at Q, else M, else a link at Q."""
    return credential_code(credential, link_url=link_url, levels=PAPER_LEVELS, link_level="Q",
                           max_version=max_version)


def credential_code(credential: dict, *, link_url: str, levels: tuple[str, ...], link_level: str,
                    max_version: int) -> CredentialCode:
    """The credential inline at the first of ``levels`` where it fits within ``max_version``, else a link.

    :param link_url: where the credential JSON is served (https for a link code).
    """
    code = symbol.inline_symbol(payload.encode_inline(credential), levels, max_version)
    if code is not None:
        return CredentialCode(code)
    if not link_url.startswith("https://"):
        return CredentialCode(None, "A QR code cannot be made for this credential here: it is too large to carry "
                                    "whole, and a code that links to it needs this server's public address to "
                                    f"be https, not {link_url.split('/c/')[0]}. Download the JSON file instead.")
    try:
        return CredentialCode(symbol.link_symbol(link_url, credential, link_level))
    except ValueError:
        return CredentialCode(None, "A QR code cannot be made for this credential: its address is too long.")


def svg_markup(code: QrSymbol, *, label: str, size: str | None = None) -> Markup:
    """The code as inline ``<svg>`` for a page or the certificate (see :func:`qr.symbol.svg`).

    :param size: the CSS length of each side (``"62mm"``); None leaves sizing to the stylesheet.
    """
    return Markup(symbol.svg(code, label=label, size=size or "100%"))
