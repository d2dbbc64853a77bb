"""``skillpass bundle``: write an offline trust bundle for ``skillpass verify --offline``.

Exit status: 0 written, 1 something to bundle does not verify or cannot be
obtained, 2 unusable input (file, folder, option). Nothing is written unless
everything verified; an existing file is replaced in one step.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from dataintegrity import bundled_loader
from dataintegrity.errors import VCError

from .atomic_file import replace_file
from .bundle_build import BundleBuilder
from .cli import time_option
from .cli_input import UnusableInput, read_json_input
from .http import HttpFetcher
from .offline import DidFolder, StatusFolder
from .trust import bundled_registry_document, bundled_trusted_issuers

EXIT_NOT_BUNDLED = 1


class NotBundled(click.ClickException):
    exit_code = EXIT_NOT_BUNDLED


@click.command("bundle")
@click.option("-o", "--out", required=True, metavar="FILE", help="The bundle file to write.")
@click.option("--registry", "registry_file", metavar="FILE",
              help="The alliance registry credential (default: the bundled one).")
@click.option("--did", "dids", multiple=True, metavar="DID", help="A did:web issuer to bundle (repeatable).")
@click.option("--status-url", "status_urls", multiple=True, metavar="URL", help="A status list to bundle (repeatable).")
@click.option("--dids", "dids_dir", metavar="DIR",
              help="Bundle every DID document of this folder (<method-specific-id>.json).")
@click.option("--status", "status_dir", metavar="DIR",
              help="Bundle every status list of this folder (status.json manifest).")
@click.option("--trusted-issuer", "trusted", multiple=True, metavar="DID",
              help="An alliance DID the registry may be issued by (default: the bundled trusted issuers).")
@click.option("--no-network", is_flag=True, help="Use only the folders given; fetch nothing.")
@click.option("--now", "now_text", metavar="ISO", help="Date the bundle and check validity at this time instead of now.")
def bundle_command(out, registry_file, dids, status_urls, dids_dir, status_dir, trusted, no_network, now_text) -> None:
    """Write an offline trust bundle: registry, DID documents, status lists, contexts, frameworks."""
    now = time_option(now_text)
    did_folders = [DidFolder(_folder(dids_dir, "--dids"))] if dids_dir else []
    status_folders = [StatusFolder(_folder(status_dir, "--status"))] if status_dir else []
    builder = BundleBuilder(now=now, loader=bundled_loader(), did_sources=did_folders, status_sources=status_folders,
                            fetcher=None if no_network else HttpFetcher())
    registry = read_json_input(registry_file) if registry_file else bundled_registry_document()
    try:
        builder.add_registry(registry, source=registry_file or "bundled with skillpass",
                             trusted_issuers=set(trusted) or bundled_trusted_issuers())
        for did in [*dids, *(did for folder in did_folders for did in folder.dids())]:
            builder.add_did(did)
        for url in [*status_urls, *(url for folder in status_folders for url in folder.urls())]:
            builder.add_status_list(url)
    except VCError as error:
        raise NotBundled(f"{error.detail}; no bundle was written") from None
    bundle = builder.to_json()
    _write(Path(out), bundle)
    for warning in builder.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(f"wrote {out}: {'a registry, ' if 'registry' in bundle else ''}{len(bundle['didDocuments'])} DID "
               f"document(s), {len(bundle['statusLists'])} status list(s), {len(bundle['contexts'])} contexts, "
               f"{len(bundle['frameworks'])} frameworks, as of {bundle['asOf']}")


def _folder(path: str, option: str) -> Path:
    if not Path(path).is_dir():
        raise UnusableInput(f"{option} {path}: not a folder")
    return Path(path)


def _write(path: Path, bundle: dict) -> None:
    """Write ``bundle`` to ``path`` in one step (a temporary file, then a rename)."""
    try:
        replace_file(path, (json.dumps(bundle, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    except OSError as error:
        raise UnusableInput(f"cannot write {path}: {error.strerror}") from None
