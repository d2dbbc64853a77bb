"""Drawing a QR code: the payload in alphanumeric mode, as PNG or SVG.

:func:`inline_symbol` gives the code of a payload that fits within
``max_version`` at an error-correction level; when none does, :func:`link_symbol`
makes a link code to the URL where the credential is served.
"""

from __future__ import annotations

import html
import io
from dataclasses import dataclass
from typing import Sequence

import qrcode
from qrcode.exceptions import DataOverflowError
from qrcode.util import MODE_ALPHA_NUM, QRData

from . import payload

LEVELS = {"L": qrcode.constants.ERROR_CORRECT_L, "M": qrcode.constants.ERROR_CORRECT_M,
          "Q": qrcode.constants.ERROR_CORRECT_Q, "H": qrcode.constants.ERROR_CORRECT_H}
#: The densest code we make inline by default: 125 modules a side, still 0.48 mm a module printed at 60 mm
#: and read at a glance from a phone screen; a larger credential gets a link code.
DEFAULT_MAX_VERSION = 27
QUIET_ZONE = 4  # modules of margin, as ISO/IEC 18004 requires


@dataclass(frozen=True)
class QrSymbol:
    """A QR code ready to draw: its text, level, version (1-40) and mode ("inline" or "link")."""

    text: str
    level: str
    version: int
    mode: str

    @property
    def modules(self) -> int:
        """Modules a side, without the quiet zone."""
        return 17 + 4 * self.version


def version_for(text: str, level: str = "M") -> int | None:
    """The smallest QR version that holds ``text`` at ``level``, or None if none does."""
    try:
        return _code(text, level, None).version
    except (DataOverflowError, ValueError):  # qrcode says "Invalid version (was 41…)" beyond version 40
        return None


def inline_symbol(text: str, levels: Sequence[str] = ("M",),
                  max_version: int = DEFAULT_MAX_VERSION) -> QrSymbol | None:
    """The code for an inline payload ``text`` at the first of ``levels`` where it fits within
    ``max_version``; None where it fits at none (the caller then makes a link code, or says why not)."""
    for level in levels:
        _level(level)
        version = version_for(text, level)
        if version is not None and version <= max_version:
            return QrSymbol(text, level, version, "inline")
    return None


def link_symbol(url: str, credential: dict, level: str = "M") -> QrSymbol:
    """The code that links to ``credential`` served at ``url``.

    :raises ValueError: for a URL that is not https, or too long for any QR code.
    """
    text = payload.encode_link(url, credential)
    version = version_for(text, level)
    if version is None:
        raise ValueError("the credential's link is too long for a QR code")
    return QrSymbol(text, level, version, "link")


def symbol_for_text(text: str, level: str = "M") -> QrSymbol:
    """A symbol for a payload text made elsewhere (mode read from its prefix)."""
    _level(level)
    version = version_for(text, level)
    if version is None:
        raise ValueError(f"{len(text):,} characters do not fit in a QR code at level {level}")
    mode = "link" if text.startswith(f"{payload.PREFIX}{payload.VERSION}{payload.LINK}") else "inline"
    return QrSymbol(text, level, version, mode)


def png(symbol: QrSymbol, *, module_pixels: int = 8, border: int = QUIET_ZONE) -> bytes:
    """The code as a black-on-white PNG with ``module_pixels`` a module."""
    image = _code(symbol.text, symbol.level, symbol.version, box_size=module_pixels, border=border).make_image()
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def svg(symbol: QrSymbol, *, label: str = "QR code", size: str | None = None, border: int = QUIET_ZONE) -> str:
    """The code as an ``<svg>`` element, quiet zone included: a file of its own or markup inside a page.

    One path of horizontal runs with ``crispEdges``: no hairline seams between
    modules on screen or paper, and a tenth of the size of a square a module.
    Attributes only (no ``style``), so a page's strict CSP allows it inline.

    :param label: the accessible name (``aria-label``), escaped here.
    :param size: the CSS length of each side (``"62mm"``); default 8 px a module, as :func:`png` draws.
    """
    rows = matrix(symbol)
    side = len(rows) + 2 * border
    runs = []
    for y, row in enumerate(rows):
        x = 0
        while x < len(row):
            if not row[x]:
                x += 1
                continue
            start = x
            while x < len(row) and row[x]:
                x += 1
            runs.append(f"M{start + border} {y + border}h{x - start}v1h-{x - start}z")
    length = size or str(8 * side)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" width="{length}" '
            f'height="{length}" role="img" aria-label="{html.escape(label)}" shape-rendering="crispEdges">'
            f'<rect width="{side}" height="{side}" fill="#fff"/><path fill="#000" d="{"".join(runs)}"/></svg>')


def matrix(symbol: QrSymbol) -> list[list[bool]]:
    """The modules, row by row (True is dark), without the quiet zone."""
    return _code(symbol.text, symbol.level, symbol.version, border=0).get_matrix()


def _code(text: str, level: str, version: int | None, *, box_size: int = 10, border: int = QUIET_ZONE):
    code = qrcode.QRCode(version=version, error_correction=_level(level), box_size=box_size, border=border)
    code.add_data(QRData(text.encode("ascii"), mode=MODE_ALPHA_NUM))
    code.make(fit=version is None)
    return code


def _level(level: str) -> int:
    try:
        return LEVELS[level]
    except KeyError:
        raise ValueError(f"error-correction level {level!r} is not one of L, M, Q, H") from None
