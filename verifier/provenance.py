"""Where a DID document or status list came from, and how fresh it was.

A verification result shows these records, so a reader can tell "status
list as of 2026-11-20, 1 day old, from the offline bundle" from a copy
fetched a second ago.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dataintegrity.datetimes import format_date_time_stamp

from .http import Fetched

#: network: fetched now; cache: the fetcher's cached copy; bundle: an offline
#: trust bundle; folder: a folder given on the command line (``--dids``, ``--status``).
SOURCES = ("network", "cache", "bundle", "folder")


@dataclass(frozen=True)
class Provenance:
    """One document used in a verification.

    :param kind: ``"DID document"`` or ``"status list"``.
    :param subject: the DID or status list URL.
    :param source: one of :data:`SOURCES`.
    :param location: the URL fetched, the file read, or the bundle.
    :param obtained_at: when the copy was fetched (or the file written), if known.
    :param age_seconds: how old the copy was when it was used, if known.
    :param stale: a fetch failed and this older cached copy stood in.
    """

    kind: str
    subject: str
    source: str
    location: str
    obtained_at: datetime | None
    age_seconds: float | None
    stale: bool = False

    def __post_init__(self):
        if self.source not in SOURCES:
            raise ValueError(f"source must be one of {', '.join(SOURCES)}")

    @classmethod
    def of_fetch(cls, kind: str, subject: str, fetched: Fetched) -> "Provenance":
        """The provenance of a document from :meth:`verifier.http.HttpFetcher.fetch`."""
        source = "cache" if fetched.from_cache else "network"
        return cls(kind, subject, source, fetched.url, fetched.fetched_at, fetched.age_seconds, fetched.stale)

    def describe(self) -> str:
        """E.g. ``status list https://… from the offline bundle, as of 2026-11-20 (1 day old)``."""
        where = {
            "network": "fetched now",
            "cache": "from the cache",
            "bundle": "from the offline bundle",
            "folder": f"from {self.location}",
        }[self.source]
        text = f"{self.kind} {self.subject} {where}"
        if self.obtained_at is not None:
            text += f", as of {self.obtained_at:%Y-%m-%d}"
        if self.age_seconds is not None and self.source != "network":
            text += f" ({age_text(self.age_seconds)})"
        if self.stale:
            text += ", used because a fresh copy could not be fetched"
        return text

    def to_json(self) -> dict:
        result = {"kind": self.kind, "id": self.subject, "source": self.source, "location": self.location}
        if self.obtained_at is not None:
            result["obtainedAt"] = format_date_time_stamp(self.obtained_at)
        if self.age_seconds is not None:
            result["ageSeconds"] = int(self.age_seconds)
        if self.stale:
            result["stale"] = True
        result["description"] = self.describe()
        return result


def age_text(seconds: float) -> str:
    """``"less than a minute old"``, ``"5 minutes old"``, ``"1 day old"``…"""
    seconds = max(0.0, seconds)
    for unit, size in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} old"
    return "less than a minute old"


def age_between(obtained_at: datetime | None, now: datetime) -> float | None:
    """Seconds from ``obtained_at`` to ``now`` (never negative), or None."""
    if obtained_at is None:
        return None
    return max(0.0, (now - obtained_at).total_seconds())
