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
from schemas.recognition_profiles import ProfileError, bundled_profiles, load_profile

from .bundle import BundleError, load_bundle
from .http import HttpFetcher
from .offline import DidFolder, StatusFolder
from .pipeline import VerificationResult, Verifier
from .report import format_result
from .recognition import RecognitionTarget
from .resolution import Resolver
from .status_check import StatusChecker
from .trust import TrustRegistry, bundled_registry, bundled_trusted_issuers

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
@click.option("--as", "recognise_as", metavar="FRAMEWORK|PROFILE",
              help="Show what the credential is worth in a framework (mqf, hkqf, thai-nqf, eqf, …) or for a "
                   "recognition profile (a bundled profile id or a YAML file).")
def verify_command(source, as_json, now_text, challenge, domain, dids_dir, status_dir, bundle_file, network,
                   recognise_as) -> None:
    """Verify a credential or presentation (a JSON file, or - for standard input)."""
    document = read_json_input(source)
    now = time_option(now_text)
    verifier = _verifier(dids_dir, status_dir, bundle_file, network and not bundle_file, now)
    target = recognition_target(recognise_as, verifier.frameworks) if recognise_as else None
    if _is_presentation(document):
        result = verifier.verify_presentation(document, now=now, challenge=challenge, domain=domain)
    else:
        result = verifier.verify_credential(document, now=now, recognise_as=target)
    _print(result, source, as_json)
    sys.exit(EXIT_VERIFIED if result.verified else EXIT_NOT_VERIFIED)


def recognition_target(value: str, frameworks) -> RecognitionTarget:
    """A framework id, a bundled recognition profile id, or a profile YAML file.

    :raises click.BadParameter: (exit 2) naming the choices.
    """
    if value in frameworks:
        return RecognitionTarget(value)
    profiles = bundled_profiles(frameworks)
    if value in profiles:
        return RecognitionTarget.for_profile(profiles[value])
    if Path(value).is_file():
        try:
            return RecognitionTarget.for_profile(load_profile(Path(value), frameworks))
        except ProfileError as error:
            raise click.BadParameter(str(error), param_hint="--as") from None
    choices = ", ".join([*frameworks.ids, *profiles])
    raise click.BadParameter(f"{value!r} is not a framework, a bundled profile or a file; choose from {choices}",
                             param_hint="--as")


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
    resolver = Resolver(now=now, sources=did_sources, fetcher=fetcher)
    registry_document = bundle.registry_document() if bundle_file else None
    return Verifier(loader=loader, resolver=resolver, registry=_registry(loader, resolver, registry_document, now),
                    status=StatusChecker(loader=loader, sources=status_sources, fetcher=fetcher))


def _registry(loader, resolver: Resolver, document: dict | None, now: datetime) -> TrustRegistry | None:
    """The bundle's trust registry, else the bundled one; verified, or None with a warning."""
    try:
        if document is None:
            return bundled_registry(loader=loader, now=now, resolve_key=resolver.at(now))
        return TrustRegistry.from_credential(document, loader=loader, resolve_key=resolver.at(now),
                                             trusted_issuers=bundled_trusted_issuers(), now=now)
    except VCError as error:
        click.echo(f"warning: the trust registry is unavailable, issuers are not checked against it: {error.detail}",
                   err=True)
        return None


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


def time_option(text: str | None, option: str = "--now") -> datetime:
    """The time a command-line option gives (an XML Schema dateTimeStamp), or now, in whole seconds.

    :raises click.BadParameter: (exit 2) naming the option, for a value that is not a dateTimeStamp.
    """
    if text is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    try:
        return parse_date_time_stamp(text, property=option)
    except VCError as error:
        raise click.BadParameter(error.detail, param_hint=option) from None


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
