"""``skillpass qr``: put a signed credential in a QR code (PNG or SVG), and read one back.

The payload format is :mod:`qr.payload`'s (docs/qr-format.md); this module only
chooses, draws and writes. ``skillpass verify`` reads the same codes.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from qr import payload, symbol
from qr.errors import QrError
from verifier.atomic_file import replace_file
from verifier.cli_input import UnusableInput, qr_text, read_input, read_json_input

#: The output formats, by file suffix.
FORMATS = (".png", ".svg")
DEFAULT_MODULE_PIXELS = 8


@click.group("qr")
def qr_group() -> None:
    """Put a signed credential in a QR code, and read one back."""


@qr_group.command("encode")
@click.argument("source", metavar="FILE|-")
@click.option("-o", "--output", required=True, metavar="OUT.png|OUT.svg|-",
              help="Where to write the code: a PNG or SVG file, or - to print the payload text.")
@click.option("--level", type=click.Choice(list(symbol.LEVELS)), default="M", show_default=True,
              help="Error correction: L 7%, M 15%, Q 25%, H 30% of the code may be damaged.")
@click.option("--max-version", type=click.IntRange(1, 40), default=symbol.DEFAULT_MAX_VERSION, show_default=True,
              help="The densest QR code (1-40) to put the credential in inline; beyond it, a link code.")
@click.option("--link-url", metavar="URL",
              help="The https:// URL where the credential is served, for a credential too large to fit.")
@click.option("--module-pixels", type=click.IntRange(1, 32), metavar="N",
              help=f"Pixels a module in a PNG (default {DEFAULT_MODULE_PIXELS}); an SVG scales to any size.")
def encode_command(source: str, output: str, level: str, max_version: int, link_url: str | None,
                   module_pixels: int | None) -> None:
    """Make a QR code of a signed credential: inline if it fits, else a link to --link-url."""
    suffix = _output_suffix(output, module_pixels)
    credential = _signed_credential(source)
    if link_url is not None:
        _check_link_url(link_url, credential)
    code = _symbol(credential, link_url, level, max_version)
    click.echo(_describe(code, max_version), err=True)
    if output == "-":
        click.echo(code.text)
        return
    if suffix == ".png":
        data = symbol.png(code, module_pixels=module_pixels or DEFAULT_MODULE_PIXELS)
    else:
        data = symbol.svg(code).encode("utf-8")
    _write_atomically(Path(output), data)
    click.echo(f"wrote {output}", err=True)


@qr_group.command("decode")
@click.argument("source", metavar="IMAGE|TEXT|-")
def decode_command(source: str) -> None:
    """Print what a QR code holds: the credential's JSON, or for a link code its URL and digest.

    SOURCE is a picture of the code (PNG, JPEG, GIF, WebP, BMP), a file holding its
    text, - for standard input, or the text itself (SP1C:… or SP1L:…). Nothing is
    fetched and nothing is verified: skillpass verify does that.
    """
    raw = read_input(source)
    try:
        decoded = payload.decode(qr_text(raw))
    except QrError as error:
        raise UnusableInput(f"{raw.name}: {error.detail}") from None
    if isinstance(decoded, payload.InlineCredential):
        shown = decoded.credential
    else:
        shown = {"mode": "link", "url": decoded.url, "digest": f"sha-256:{decoded.digest.hex()}"}
    click.echo(json.dumps(shown, indent=2, ensure_ascii=False))


def _output_suffix(output: str, module_pixels: int | None) -> str | None:
    """The output's format, checked before any work is done."""
    if output == "-":
        return None
    suffix = Path(output).suffix.lower()
    if suffix not in FORMATS:
        raise click.BadParameter(f"{output!r} must end in .png or .svg (or be - for the payload text)",
                                 param_hint="-o")
    if suffix == ".svg" and module_pixels is not None:
        raise click.BadParameter("an SVG has no pixels: it scales to any size", param_hint="--module-pixels")
    return suffix


def _signed_credential(source: str) -> dict:
    """The credential to encode: a JSON object with a proof (an unsigned one in a QR code proves nothing)."""
    document = read_json_input(source)
    if not isinstance(document, dict):
        raise UnusableInput(f"{source}: a credential must be a JSON object")
    if not document.get("proof"):
        raise UnusableInput(f"{source} has no proof: sign it first (skillpass sign); "
                            "a QR code of an unsigned credential proves nothing")
    return document


def _check_link_url(link_url: str, credential: dict) -> None:
    """Refuse a link URL the payload could never carry, even when this credential fits inline."""
    try:
        payload.encode_link(link_url, credential)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--link-url") from None


def _symbol(credential: dict, link_url: str | None, level: str, max_version: int) -> symbol.QrSymbol:
    """The credential inline if it fits, else a link code; checked to decode back to the very credential."""
    try:
        inline = payload.encode_inline(credential)
    except ValueError as error:  # what the compact form cannot carry, such as integers beyond 64 bits
        raise UnusableInput(f"the credential cannot be put in a QR code: {error}") from None
    code = symbol.inline_symbol(inline, (level,), max_version)
    if code is None:
        try:
            if link_url is None:
                raise ValueError(f"the credential needs QR version {symbol.version_for(inline, level) or '> 40'} at "
                                 f"level {level}, more than {max_version}; give the URL where it is served to make "
                                 "a link code")
            code = symbol.link_symbol(link_url, credential, level)
        except ValueError as error:
            raise click.ClickException(f"the credential does not fit in a QR code ({len(inline):,} characters "
                                       f"inline): {error}{_what_to_try(link_url, max_version)}") from None
    try:
        decoded = payload.decode(code.text)
    except QrError as error:
        raise click.ClickException(f"the QR payload does not decode ({error.detail}); nothing was written") from None
    if isinstance(decoded, payload.InlineCredential) and decoded.credential != credential:
        raise click.ClickException("the QR payload does not decode to the same credential; nothing was written")
    return code


def _what_to_try(link_url: str | None, max_version: int) -> str:
    if link_url:
        return ""
    denser = ", or allow a denser code (--max-version, up to 40)" if max_version < 40 else ""
    return f" (--link-url){denser}"


def _describe(code: symbol.QrSymbol, max_version: int) -> str:
    """The line on standard error saying what kind of code was made, and how dense it is."""
    size = f"QR version {code.version} at level {code.level} ({len(code.text):,} characters)"
    if code.mode == "inline":
        return f"inline: the whole credential, {size}"
    url = payload.decode(code.text).url
    return f"link: to {url} (the credential is too large for version {max_version} inline), {size}"


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``path`` in one step: never half a code."""
    try:
        replace_file(path, data)
    except OSError as error:
        raise UnusableInput(f"cannot write {path}: {error.strerror or error}") from None
