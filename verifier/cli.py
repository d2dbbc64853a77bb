"""``skillpass verify``: exit 0 verified, 1 not verified, 2 unusable input."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from dataintegrity import bundled_loader
from dataintegrity.datetimes import parse_date_time_stamp
from dataintegrity.errors import VCError
from dataintegrity.jsonio import MAX_INPUT_BYTES, parse_untrusted_json

from .bundle import BundleError, load_bundle
from .http import HttpFetcher
from .offline import DidFolder, StatusFolder
from .pipeline import VerificationResult, Verifier
from .report import format_result
from .resolution import Resolver
from .status_check import StatusChecker

EXIT_VERIFIED, EXIT_NOT_VERIFIED, EXIT_UNUSABLE = 0, 1, 2


class UnusableInput(click.ClickException):
    exit_code = EXIT_UNUSABLE


@click.command("verify")
@click.argument("source", metavar="FILE|-")
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option("--now", "now_text", metavar="ISO", help="Check validity at this time instead of now.")
@click.option("--challenge", help="The challenge a presentation's proof must carry.")
@click.option("--domain", help="The domain a presentation's proof must carry.")
@click.option("--dids", "dids_dir", type=click.Path(exists=True, file_okay=False), metavar="DIR",
              help="did:web DID documents, one <method-specific-id>.json per DID, tried before the network.")
@click.option("--status", "status_dir", type=click.Path(exists=True, file_okay=False), metavar="DIR",
              help="Status list credentials with a status.json manifest (URL -> file), tried before the network.")
@click.option("--offline", "bundle_file", metavar="BUNDLE",
              help="Verify from an offline trust bundle (skillpass bundle); implies --no-network.")
@click.option("--network/--no-network", default=True, show_default=True,
              help="Fetch did:web documents and status lists over https when no folder or bundle has them.")
def verify_command(source, as_json, now_text, challenge, domain, dids_dir, status_dir, bundle_file, network) -> None:
    """Verify a credential or presentation (a JSON file, or - for standard input)."""
    document = read_json_input(source)
    now = _parse_now(now_text)
    verifier = _verifier(dids_dir, status_dir, bundle_file, network and not bundle_file, now)
    if _is_presentation(document):
        result = verifier.verify_presentation(document, now=now, challenge=challenge, domain=domain)
    else:
        result = verifier.verify_credential(document, now=now)
    _print(result, source, as_json)
    sys.exit(EXIT_VERIFIED if result.verified else EXIT_NOT_VERIFIED)


def _verifier(dids_dir, status_dir, bundle_file, network, now) -> Verifier:
    """A verifier reading DID documents and status lists from folders, a bundle, then (if allowed) https."""
    did_sources, status_sources = [], []
    if bundle_file:
        try:
            bundle = load_bundle(bundle_file)
        except BundleError as error:
            raise UnusableInput(error.detail) from None
        did_sources.append(bundle)
        status_sources.append(bundle)
    if dids_dir:
        did_sources.insert(0, DidFolder(Path(dids_dir)))
    if status_dir:
        status_sources.insert(0, StatusFolder(Path(status_dir)))
    fetcher = HttpFetcher() if network else None
    loader = bundled_loader()
    return Verifier(loader=loader, resolver=Resolver(now=now, sources=did_sources, fetcher=fetcher),
                    status=StatusChecker(loader=loader, sources=status_sources, fetcher=fetcher))


def read_json_input(source: str) -> object:
    """Read and parse JSON from a file, or standard input for ``-``, within the size limit.

    :raises UnusableInput: (exit 2) if it cannot be read or is not acceptable JSON.
    """
    try:
        if source == "-":
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with Path(source).open("rb") as file:
                data = file.read(MAX_INPUT_BYTES + 1)
    except OSError as error:
        raise UnusableInput(f"cannot read {source}: {error.strerror}") from None
    try:
        return parse_untrusted_json(data)
    except VCError as error:
        if len(data) > MAX_INPUT_BYTES:
            raise UnusableInput(f"{source} is larger than the {MAX_INPUT_BYTES // 1024 // 1024} MB limit") from None
        raise UnusableInput(f"{source}: {error.detail}") from None


def _parse_now(now_text: str | None) -> datetime:
    if now_text is None:
        return datetime.now(timezone.utc)
    try:
        return parse_date_time_stamp(now_text, property="--now")
    except VCError as error:
        raise click.BadParameter(error.detail, param_hint="--now") from None


def _is_presentation(document: object) -> bool:
    if not isinstance(document, dict):
        return False
    types = document.get("type")
    return "VerifiablePresentation" in (types if isinstance(types, list) else [types])


def _print(result: VerificationResult, source: str, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        click.echo(format_result(result, source))
