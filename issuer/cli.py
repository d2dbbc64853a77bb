"""The ``skillpass`` command line."""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from pathlib import Path

import click

from dataintegrity import SUITES, KeySigner, VCError, add_proof, bundled_loader
from dataintegrity.keys import algorithm_of, decode_private_key, did_key, did_key_verification_method, private_key_from_seed
from verifier import Verifier
from verifier.cli import time_option, verify_command
from verifier.cli_input import UnusableInput, read_json_input
from verifier.bundle_cli import bundle_command
from schemas.profile import ProfileChecker
from verifier.checks import declares_profile
from verifier.report import format_result

from . import keystore
from .registry_cli import registry_group
from .server_cli import init_command, serve_command
from .batch_cli import issue_command
from .qr_cli import qr_group

PASSPHRASE_ENV = "SKILLPASS_KEY_PASSPHRASE"
DEFAULT_SUITE = {"Ed25519": "eddsa-rdfc-2022", "P-256": "ecdsa-rdfc-2019"}


@click.group()
def main() -> None:
    """Skills Passport: issue and verify Shenzhen Agreement learning-outcome credentials."""


main.add_command(verify_command)
main.add_command(init_command)
main.add_command(serve_command)
main.add_command(registry_group)
main.add_command(issue_command)
main.add_command(bundle_command)
main.add_command(qr_group)


@main.group()
def keys() -> None:
    """Create, import and inspect encrypted private key files."""


def _passphrase(confirm: bool) -> bytes:
    value = os.environ.get(PASSPHRASE_ENV)
    if value is None:
        if not sys.stdin.isatty():
            raise UnusableInput(f"set {PASSPHRASE_ENV} or run in a terminal to be asked for the key passphrase")
        value = click.prompt("Key passphrase", hide_input=True, confirmation_prompt=confirm)
    return value.encode("utf-8")


def _write_key(key, out: str | None) -> None:
    path = Path(out) if out else keystore.default_key_path(Path("keys"), key)
    try:
        keystore.save_private_key(key, path, _passphrase(confirm=True))
    except keystore.KeystoreError as error:
        raise UnusableInput(str(error)) from None
    click.echo(f"wrote {path}")
    click.echo(f"did: {did_key(key.public_key())}")
    click.echo(f"verificationMethod: {did_key_verification_method(key.public_key())}")


@keys.command("new")
@click.option("--type", "key_type", type=click.Choice(sorted(keystore.KEY_TYPES)), default="ed25519", show_default=True)
@click.option("--out", metavar="FILE", help="Key file to write (default: keys/<publicKeyMultibase>.pem).")
def keys_new(key_type: str, out: str | None) -> None:
    """Generate a new key into an encrypted key file."""
    _write_key(keystore.generate_private_key(key_type), out)


@keys.command("import")
@click.option("--seed", metavar="HEX", help="A 32-byte seed (Ed25519) or scalar (P-256), in hex.")
@click.option("--multibase", "secret", metavar="SECRET", help="A Multikey secretKeyMultibase.")
@click.option("--type", "key_type", type=click.Choice(sorted(keystore.KEY_TYPES)), default="ed25519", show_default=True)
@click.option("--out", metavar="FILE", help="Key file to write (default: keys/<publicKeyMultibase>.pem).")
def keys_import(seed: str | None, secret: str | None, key_type: str, out: str | None) -> None:
    """Import an existing key (for migrations and test vectors)."""
    if (seed is None) == (secret is None):
        raise click.UsageError("give exactly one of --seed or --multibase")
    try:
        if seed is not None:
            key = private_key_from_seed(bytes.fromhex(seed), keystore.KEY_TYPES[key_type])
        else:
            key = decode_private_key(secret)
    except ValueError as error:
        raise UnusableInput(f"cannot import the key: {error}") from None
    _write_key(key, out)


@keys.command("show")
@click.argument("key_file", type=click.Path(dir_okay=False))
def keys_show(key_file: str) -> None:
    """Print a key file's public identity (never the private key)."""
    key = _load_key(key_file)
    click.echo(f"type: {algorithm_of(key)}")
    click.echo(f"did: {did_key(key.public_key())}")
    click.echo(f"verificationMethod: {did_key_verification_method(key.public_key())}")


def _load_key(key_file: str):
    try:
        return keystore.load_private_key(Path(key_file), _passphrase(confirm=False))
    except keystore.KeystoreError as error:
        raise UnusableInput(str(error)) from None


@main.group()
def schema() -> None:
    """Check credentials against the learning-outcome credential profile."""


@schema.command("check")
@click.argument("source", metavar="FILE|-")
def schema_check(source: str) -> None:
    """Print every way a credential (signed or not) departs from the profile.

    Exit 0 when it conforms, 1 when it does not, 2 for unusable input.
    """
    problems = ProfileChecker().check(read_json_input(source))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        click.echo(f"{len(problems)} problem{'s' if len(problems) > 1 else ''}: {source} does not follow the profile", err=True)
        sys.exit(1)
    click.echo(f"{source} follows the learning-outcome credential profile (v1)")


@main.command("sign")
@click.argument("source", metavar="FILE|-")
@click.option("--key", "key_file", required=True, metavar="KEYFILE", help="Encrypted key file to sign with.")
@click.option("--suite", type=click.Choice(sorted(SUITES)), help="Cryptosuite (default: by key type).")
@click.option("--created", metavar="ISO", help="The proof's created time (default: now).")
@click.option("--set-issuer", is_flag=True, help="Write the key's DID into issuer (or issuer.id).")
def sign_command(source: str, key_file: str, suite: str | None, created: str | None, set_issuer: bool) -> None:
    """Sign a credential with a did:key and print it, after verifying it."""
    credential = _read_credential(source)
    key = _load_key(key_file)
    algorithm = algorithm_of(key)
    suite_name = suite or DEFAULT_SUITE[algorithm]
    if algorithm not in SUITES[suite_name].required_algorithms:
        raise click.BadParameter(f"{suite_name} cannot sign with a key of type {algorithm}", param_hint="--suite")
    if set_issuer:
        _set_issuer(credential, did_key(key.public_key()))
    _check_profile(credential, source)
    created_at = time_option(created, "--created")
    signer = KeySigner(did_key_verification_method(key.public_key()), key)
    loader = bundled_loader()
    try:
        signed = add_proof(credential, suite=SUITES[suite_name], signer=signer, loader=loader, created=created_at)
    except VCError as error:
        raise click.ClickException(f"cannot sign: {error.detail}") from None
    result = Verifier(loader=loader).verify_credential(signed, now=max(created_at, datetime.now(timezone.utc)))
    if not _signature_sound(result):
        click.echo(format_result(result, source), err=True)
        hint = "" if set_issuer else " (is the issuer another DID than the key's? --set-issuer writes the key's DID)"
        raise click.ClickException(f"the signed credential does not verify; nothing was printed{hint}")
    click.echo(json.dumps(signed, indent=2, ensure_ascii=False))


def _read_credential(source: str) -> dict:
    credential = read_json_input(source)
    if not isinstance(credential, dict):
        raise UnusableInput(f"{source}: a credential must be a JSON object")
    return credential


def _check_profile(credential: dict, source: str) -> None:
    """A credential that names the profile is checked against it before signing."""
    if not declares_profile(credential):
        return
    problems = ProfileChecker().check(credential)
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        raise click.ClickException(f"{source} does not follow the learning-outcome credential profile; nothing was signed")


def _set_issuer(credential: dict, did: str) -> None:
    if isinstance(credential.get("issuer"), dict):
        credential["issuer"] = {**credential["issuer"], "id": did}
    else:
        credential["issuer"] = did




def _signature_sound(result) -> bool:
    """Every check but validity must pass: a credential may be signed before it is valid."""
    return all(check.ok for check in result.checks if check.name != "validity")
