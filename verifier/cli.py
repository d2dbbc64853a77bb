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
from schemas.recognition_profiles import ProfileError, bundled_profiles, load_profile

from .bundle import BundleError, load_bundle
from .cli_input import InputDocument, UnusableInput, describe_qr, qr_json, read_document
from .http import HttpFetcher
from .offline import DidFolder, StatusFolder
from .pipeline import VerificationResult, Verifier
from .report import format_result
from .recognition import RecognitionTarget
from .resolution import Resolver
from .status_check import StatusChecker
from .trust import TrustRegistry, bundled_registry, bundled_trusted_issuers

EXIT_VERIFIED, EXIT_NOT_VERIFIED = 0, 1


@click.command("verify")
@click.argument("source", metavar="FILE|IMAGE|QR-TEXT|-")
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
    """Verify a credential or presentation: a JSON file, a picture of its QR code, the QR code's text
    (SP1C:… or SP1L:…), or - for standard input holding any of these.

    A link QR code is followed over https, unless --no-network or --offline is given.
    """
    now = time_option(now_text)
    fetcher = HttpFetcher() if network and not bundle_file else None
    given = read_document(source, fetcher=fetcher, now=now)
    verifier = _verifier(dids_dir, status_dir, bundle_file, fetcher, now)
    target = recognition_target(recognise_as, verifier.frameworks) if recognise_as else None
    if _is_presentation(given.document):
        result = verifier.verify_presentation(given.document, now=now, challenge=challenge, domain=domain)
    else:
        result = verifier.verify_credential(given.document, now=now, recognise_as=target)
    _print(result, given, as_json)
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


def _verifier(dids_dir, status_dir, bundle_file, fetcher: HttpFetcher | None, now) -> Verifier:
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


def _print(result: VerificationResult, given: InputDocument, as_json: bool) -> None:
    """The report; for a credential read from a QR code it says so (a ``qr`` member in JSON)."""
    if as_json:
        report = result.to_json()
        if given.qr is not None:
            report["qr"] = qr_json(given.qr)
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    verdict, _, rest = format_result(result, given.name).partition("\n")
    lines = [verdict, f"  {describe_qr(given.qr)}"] if given.qr is not None else [verdict]
    click.echo("\n".join(lines + ([rest] if rest else [])))
