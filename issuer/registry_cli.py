"""``skillpass registry``: the alliance-admin tool for the signed member registry.

``show`` and ``export`` only verify.  ``create``, ``add-member``,
``remove-member`` and ``set-status`` sign, with an encrypted key file from
``skillpass keys new`` (passphrase from ``SKILLPASS_KEY_PASSPHRASE``). It
lives with the issuer, which holds keys; the verifier only reads registries.

Every edit verifies the file first (it must be signed by the same key),
re-signs it with a later ``validFrom`` (so verifiers see a newer version),
verifies the result and only then replaces the file.  Exit status: 0 done,
1 the registry does not verify, 2 unusable input (file, key, option).
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import click

from dataintegrity import SUITES, KeySigner, add_proof, bundled_loader
from dataintegrity.datetimes import format_date_time_stamp, parse_date_time_stamp
from dataintegrity.errors import VCError
from dataintegrity.jcs import canonicalize_jcs
from dataintegrity.keys import algorithm_of, did_key, did_key_verification_method, resolve_did_key_for

from verifier.atomic_file import replace_file
from verifier.cli import time_option
from verifier.cli_input import UnusableInput, read_json_input
from verifier.trust import REGISTRY_CONTEXT, REGISTRY_TYPE, TrustRegistry, bundled_trusted_issuers
from verifier.trust_errors import MalformedRegistry, RegistryError, RegistryNotCurrent
from verifier.trust_model import STATUSES, check_registry_schema

PASSPHRASE_ENV = "SKILLPASS_KEY_PASSPHRASE"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
DEFAULT_SUITE = {"Ed25519": "eddsa-rdfc-2022", "P-256": "ecdsa-rdfc-2019"}
DEFAULT_ALLIANCE = "Shenzhen Agreement Alliance"
EXIT_NOT_VERIFIED = 1


class RegistryRefused(click.ClickException):
    exit_code = EXIT_NOT_VERIFIED


@click.group("registry")
def registry_group() -> None:
    """Create, edit and inspect the alliance's signed member registry (alliance admins)."""


key_option = click.option(
    "--key", "key_file", required=True, metavar="KEYFILE", help="The alliance's encrypted key file."
)
days_option = click.option(
    "--valid-days", type=click.IntRange(1, 3660), help="Validity from now, in days (default: as before, or 365)."
)
trust_option = click.option("--trusted-issuer", "trusted", multiple=True, metavar="DID",
                            help="An alliance DID to trust (repeatable; default: the bundled trusted issuers).")
now_option = click.option("--now", "now_text", metavar="ISO", help="Check validity at this time instead of now.")


@registry_group.command("create")
@click.option("--id", "registry_id", required=True, metavar="URL", help="The registry's id (where it is published).")
@key_option
@days_option
@click.option("--alliance-name", default=DEFAULT_ALLIANCE, show_default=True, help="The alliance's name (English).")
@click.option("--name", help="The registry's name (default: \"<alliance name> member registry\").")
@click.option("--description", help="A description of the registry (English).")
@click.option("-o", "--out", required=True, metavar="FILE", help="The file to write (never overwritten).")
def create_command(registry_id, key_file, valid_days, alliance_name, name, description, out) -> None:
    """Create a new, empty, signed registry."""
    if Path(out).exists():
        raise UnusableInput(f"{out} already exists; a new registry is never written over a file")
    key = _load_key(key_file)
    alliance = did_key(key.public_key())
    unsigned = {
        "@context": [VC_V2, REGISTRY_CONTEXT],
        "id": registry_id,
        "type": ["VerifiableCredential", REGISTRY_TYPE],
        "name": [{"@value": name or f"{alliance_name} member registry", "@language": "en"}],
        **({"description": [{"@value": description, "@language": "en"}]} if description else {}),
        "issuer": alliance,
        "validFrom": "",
        "validUntil": "",
        "credentialSubject": {
            "id": alliance,
            "type": ["Alliance"],
            "name": [{"@value": alliance_name, "@language": "en"}],
            "member": [],
        },
    }
    signed = _sign(unsigned, key, _now(), timedelta(days=valid_days or 365))
    _write(Path(out), signed)
    click.echo(f"wrote {out}: an empty registry issued by {alliance}")


@registry_group.command("add-member")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--did", "dids", required=True, multiple=True, metavar="DID", help="A DID it issues with (repeatable).")
@click.option("--name", required=True, help="The member's name in English.")
@click.option("--name-in", "names", multiple=True, nargs=2, metavar="LANG TEXT", help="The name in another language.")
@click.option("--country", required=True, metavar="CC", help="ISO 3166-1 alpha-2 country code, e.g. CN, TH.")
@click.option("--tiers", required=True, metavar="SA-T1,SA-T2", help="Shenzhen Agreement tiers it may issue.")
@click.option("--fields", required=True, metavar="0716,0211", help="ISCED-F fields it may issue in (07 covers 0716).")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Member since (default: today).")
@key_option
@days_option
def add_member_command(file, dids, name, names, country, tiers, fields, since, key_file, valid_days) -> None:
    """Add a member and re-sign the registry."""
    member = {
        "type": ["AllianceMember"],
        "did": list(dict.fromkeys(dids)),
        "name": [{"@value": name, "@language": "en"}, *({"@value": text, "@language": lang} for lang, text in names)],
        "addressCountry": country.upper(),
        "membershipStatus": "active",
        "memberSince": (since.date() if since else _now().date()).isoformat(),
        "scope": {"type": ["IssuingScope"], "tier": _csv(tiers), "iscedField": _csv(fields)},
    }

    def change(members: list[dict]) -> str:
        for did in member["did"]:
            if _find(members, did) is not None:
                raise UnusableInput(f"{did} is already listed; remove that member first or use set-status")
        members.append(member)
        return f"added {name} ({', '.join(member['did'])})"

    _edit(file, key_file, valid_days, change)


@registry_group.command("remove-member")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--did", required=True, metavar="DID", help="Any one of the member's DIDs.")
@key_option
@days_option
def remove_member_command(file: str, did: str, key_file: str, valid_days: int | None) -> None:
    """Remove a member (all its DIDs) and re-sign (set-status withdrawn keeps a record instead)."""

    def change(members: list[dict]) -> str:
        index = _require(members, did)
        removed = members.pop(index)
        return f"removed {_english(removed)} ({', '.join(removed['did'])})"

    _edit(file, key_file, valid_days, change)


@registry_group.command("set-status")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--did", required=True, metavar="DID", help="Any one of the member's DIDs.")
@click.option("--status", required=True, type=click.Choice(STATUSES))
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="Status since (default: today).")
@key_option
@days_option
def set_status_command(file, did, status, since, key_file, valid_days) -> None:
    """Set a member's status (active, suspended, withdrawn) and re-sign."""

    def change(members: list[dict]) -> str:
        member = members[_require(members, did)]
        member["membershipStatus"] = status
        member["statusSince"] = (since.date() if since else _now().date()).isoformat()
        return f"{_english(member)} is now {status} (since {member['statusSince']})"

    _edit(file, key_file, valid_days, change)


@registry_group.command("show")
@click.argument("file", metavar="FILE|-")
@trust_option
@now_option
@click.option("--json", "as_json", is_flag=True, help="Print the registry's members as JSON.")
def show_command(file: str, trusted: tuple[str, ...], now_text: str | None, as_json: bool) -> None:
    """Verify a registry and print its members."""
    registry = _verified(read_json_input(file), trusted, time_option(now_text))
    if as_json:
        click.echo(json.dumps({"registry": registry.info.to_json(), "members": [m.to_json() for m in registry.members]},
                              indent=2, ensure_ascii=False))
        return
    click.echo(_table(registry))


@registry_group.command("export")
@click.argument("file", metavar="FILE|-")
@click.option("-o", "--out", required=True, metavar="FILE", help="Where to write the verified copy.")
@trust_option
@now_option
def export_command(file: str, out: str, trusted: tuple[str, ...], now_text: str | None) -> None:
    """Write a verified copy in canonical JSON (RFC 8785), ready to publish."""
    document = read_json_input(file)
    registry = _verified(document, trusted, time_option(now_text))
    replace_file(Path(out), canonicalize_jcs(document))
    click.echo(f"wrote {out}: {len(registry.members)} members, {registry.info.id}, verified")


def _edit(file: str, key_file: str, valid_days: int | None, change) -> None:
    """Verify ``file`` with the key's DID, apply ``change`` to its members, re-sign, verify, replace."""
    key = _load_key(key_file)
    alliance = did_key(key.public_key())
    document = read_json_input(file)
    previous = _verified_for_edit(document, alliance)
    unsigned = {name: value for name, value in document.items() if name != "proof"}
    subject = unsigned["credentialSubject"] = dict(unsigned["credentialSubject"])
    subject["member"] = [dict(member) for member in subject["member"]]
    summary = change(subject["member"])
    now = _later_than(previous.info.valid_from)
    lifetime = timedelta(days=valid_days) if valid_days else previous.info.valid_until - previous.info.valid_from
    signed = _sign(unsigned, key, now, lifetime)
    _write(Path(file), signed)
    click.echo(f"{summary}; re-signed {file} (validFrom {signed['validFrom']})")


def _verified_for_edit(document: object, alliance: str) -> TrustRegistry:
    """The registry as signed by ``alliance``; an expired one may be edited (that renews it)."""
    try:
        try:
            return _from_credential(document, {alliance}, _now())
        except RegistryNotCurrent:  # raised last: everything else verified
            valid_from = parse_date_time_stamp(document["validFrom"], property="validFrom")
            return _from_credential(document, {alliance}, valid_from)
    except RegistryError as error:
        raise RegistryRefused(f"{error.title}: {error.detail}; nothing was changed") from None


def _sign(unsigned: dict, key, now: datetime, lifetime: timedelta) -> dict:
    """Set the validity period, sign, and verify the result (raises if it does not verify)."""
    unsigned = dict(unsigned, validFrom=format_date_time_stamp(now), validUntil=format_date_time_stamp(now + lifetime))
    try:
        check_registry_schema(unsigned)
    except MalformedRegistry as error:
        raise UnusableInput(f"{error.detail}; nothing was written") from None
    signer = KeySigner(did_key_verification_method(key.public_key()), key)
    suite = SUITES[DEFAULT_SUITE[algorithm_of(key)]]
    try:
        signed = add_proof(unsigned, suite=suite, signer=signer, loader=bundled_loader(), created=now)
        _from_credential(signed, {did_key(key.public_key())}, now)
    except (VCError, ValueError) as error:
        detail = getattr(error, "detail", error)
        raise UnusableInput(f"the registry cannot be signed: {detail}; nothing was written") from None
    return signed


def _verified(document: object, trusted: tuple[str, ...], now: datetime) -> TrustRegistry:
    try:
        return _from_credential(document, set(trusted) or bundled_trusted_issuers(), now)
    except RegistryError as error:
        raise RegistryRefused(f"{error.title}: {error.detail}") from None


def _from_credential(document: object, trusted, now: datetime) -> TrustRegistry:
    return TrustRegistry.from_credential(
        document, loader=bundled_loader(), resolve_key=resolve_did_key_for, trusted_issuers=trusted, now=now
    )


def _table(registry: TrustRegistry) -> str:
    info = registry.info
    lines = [
        f"registry:  {info.id} (signature verified)",
        f"issuer:    {info.issuer} (trusted)",
        f"valid:     {format_date_time_stamp(info.valid_from)} to {format_date_time_stamp(info.valid_until)}",
        f"members:   {len(registry.members)}",
    ]
    rows = [("NAME", "COUNTRY", "STATUS", "SINCE", "TIERS", "FIELDS", "DIDS")]
    for m in sorted(registry.members, key=lambda member: member.name.casefold()):
        status = m.status + (f" {m.status_since:%Y-%m-%d}" if m.status_since else "")
        scope = (m.scope.tiers_text(), m.scope.fields_text())
        rows.append((m.name, m.country, status, m.since.isoformat(), *scope, " ".join(m.dids)))
    if len(rows) > 1:
        widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        lines.append("")
        lines += ["  ".join([*(cell.ljust(w) for cell, w in zip(row, widths)), row[-1]]) for row in rows]
    return "\n".join(lines)


def _load_key(key_file: str):
    from . import keystore  # lazily: only the signing commands touch private keys

    passphrase = os.environ.get(PASSPHRASE_ENV)
    if passphrase is None:
        if not sys.stdin.isatty():
            raise UnusableInput(f"set {PASSPHRASE_ENV} or run in a terminal to be asked for the key passphrase")
        passphrase = click.prompt("Key passphrase", hide_input=True)
    try:
        return keystore.load_private_key(Path(key_file), passphrase.encode("utf-8"))
    except keystore.KeystoreError as error:
        raise UnusableInput(str(error)) from None


def _find(members: list[dict], did: str) -> int | None:
    return next((index for index, member in enumerate(members) if did in member.get("did", [])), None)


def _require(members: list[dict], did: str) -> int:
    index = _find(members, did)
    if index is None:
        raise UnusableInput(f"no member issues with {did}")
    return index


def _english(member: dict) -> str:
    return next(item["@value"] for item in member["name"] if item["@language"].lower().startswith("en"))


def _csv(text: str) -> list[str]:
    return list(dict.fromkeys(item.strip() for item in text.split(",") if item.strip()))


def _later_than(moment: datetime) -> datetime:
    """Now (whole seconds), but strictly after ``moment``, so that the edit is a newer version.

    Two edits within one second wait for the next second; a ``moment`` further
    ahead (a clock set back) gives ``moment`` + 1 s.
    """
    now = _now()
    if now <= moment and (moment - now) < timedelta(seconds=2):
        time.sleep((moment + timedelta(seconds=1) - datetime.now(timezone.utc)).total_seconds())
        now = _now()
    return max(now, moment + timedelta(seconds=1))


def _now() -> datetime:
    return time_option(None)


def _write(path: Path, document: dict) -> None:
    replace_file(path, (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))




if __name__ == "__main__":
    registry_group(prog_name="skillpass registry")
