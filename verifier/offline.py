"""Offline sources of DID documents and status lists: folders given on the command line.

- ``--dids DIR``: one file per did:web DID, named after its method-specific
  id: ``DIR/issuer.example.edu.json`` holds ``did:web:issuer.example.edu``.
- ``--status DIR``: a manifest ``DIR/status.json`` mapping each status list
  URL to a file name in ``DIR``: ``{"https://…/status/1": "status-1.json"}``.

A source answers ``None`` for what it does not hold, so the resolver can try
the next one. What it does hold is parsed as untrusted JSON; the caller still
checks it (a DID document's ``id``, a status list's proof). The age of a copy
is its file's modification time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Protocol

from dataintegrity.errors import VCError
from dataintegrity.jsonio import parse_untrusted_json

from . import reasons
from .did_web import is_did_web, method_specific_id
from .http import MAX_DID_DOCUMENT_BYTES, MAX_STATUS_LIST_BYTES
from .provenance import Provenance, age_between

MANIFEST = "status.json"
MAX_MANIFEST_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Obtained:
    """A parsed document from an offline source, with where it came from."""

    document: object
    provenance: Provenance


class DidSource(Protocol):
    def did_document(self, did: str, *, now: datetime) -> Obtained | None: ...


class StatusSource(Protocol):
    def status_list(self, url: str, *, now: datetime) -> Obtained | None: ...


class OfflineSourceError(VCError):
    """A file in an offline folder that cannot be read or parsed."""

    problem_type = reasons.OFFLINE_SOURCE_INVALID
    title = "Unusable offline document"


@dataclass(frozen=True)
class DidFolder:
    """DID documents in a folder, one ``<method-specific-id>.json`` per did:web DID."""

    path: Path

    def did_document(self, did: str, *, now: datetime) -> Obtained | None:
        if not is_did_web(did):
            return None
        file = self.path / f"{method_specific_id(did)}.json"
        if not file.is_file():
            return None
        document = _read_json(file, MAX_DID_DOCUMENT_BYTES)
        return Obtained(document, _provenance("DID document", did, file, now))

    def dids(self) -> list[str]:
        """Every DID this folder holds a file for (by file name)."""
        return sorted(f"did:web:{file.name[:-5]}" for file in self.path.glob("*.json") if file.is_file())


@dataclass(frozen=True)
class StatusFolder:
    """Status list credentials in a folder, found through its ``status.json`` manifest."""

    path: Path

    def status_list(self, url: str, *, now: datetime) -> Obtained | None:
        name = self.manifest().get(url)
        if name is None:
            return None
        file = self._file(name)
        return Obtained(_read_json(file, MAX_STATUS_LIST_BYTES), _provenance("status list", url, file, now))

    def urls(self) -> list[str]:
        return sorted(self.manifest())

    def manifest(self) -> dict[str, str]:
        """The manifest, URL -> file name.

        :raises OfflineSourceError: if it is missing or not an object of strings.
        """
        manifest = _read_json(self.path / MANIFEST, MAX_MANIFEST_BYTES)
        if not isinstance(manifest, dict) or not all(isinstance(value, str) for value in manifest.values()):
            raise OfflineSourceError(f"{self.path / MANIFEST} must map status list URLs to file names")
        return manifest

    def _file(self, name: str) -> Path:
        file = self.path / name
        if Path(name).name != name or name in ("", ".", ".."):
            raise OfflineSourceError(f"{self.path / MANIFEST} names {name!r:.80}, which is not a file in {self.path}")
        return file


def _read_json(file: Path, max_bytes: int) -> object:
    try:
        with file.open("rb") as handle:
            data = handle.read(max_bytes + 1)
        return parse_untrusted_json(data, max_bytes=max_bytes)
    except OSError as error:
        raise OfflineSourceError(f"cannot read {file}: {error.strerror}") from None
    except VCError as error:
        raise OfflineSourceError(f"{file}: {error.detail}") from None


def _provenance(kind: str, subject: str, file: Path, now: datetime) -> Provenance:
    try:
        modified = datetime.fromtimestamp(file.stat().st_mtime, timezone.utc).replace(microsecond=0)
    except OSError:
        modified = None
    return Provenance(kind, subject, "folder", str(file), modified, age_between(modified, now))
