"""Resolving a proof's verification method: did:key by computation, did:web from a document.

A did:web document is looked for, in order, in the offline sources (folders
given as ``--dids DIR``, an offline trust bundle), then fetched with the
fetcher, if there is one. Without a fetcher a did:web that no source holds
is an error that says so, never a silent network access.

A :class:`Resolver` is a :data:`dataintegrity.proof.KeyResolver`. Make one per
verification (:meth:`Resolver.at`): it remembers each DID document it used
and where that came from, for the result to show how fresh each was.
"""

from __future__ import annotations

from datetime import datetime
from typing import Sequence

from dataintegrity.errors import InvalidVerificationMethod
from dataintegrity.keys import VerificationMethod, resolve_did_key_for
from dataintegrity.results import Problem

from . import reasons
from .did_document import check_did_document, method_for_purpose
from .did_web import did_of, fetch_did_document, is_did_web, method_specific_id
from .fetch_errors import FetchError
from .http import Fetched, Fetcher
from .offline import DidSource
from .provenance import Provenance, age_text


class DidNotResolved(InvalidVerificationMethod):
    """No DID document could be obtained for a DID."""

    problem_type = reasons.DID_NOT_RESOLVED
    title = "DID not resolved"


class Resolver:
    """did:key and did:web key resolution for one verification at ``now``.

    :param now: the verification time (aware), for cache ages.
    :param sources: offline sources, tried in order before the network.
    :param fetcher: the network client; None means offline only.
    """

    def __init__(self, *, now: datetime, sources: Sequence[DidSource] = (), fetcher: Fetcher | None = None):
        if now.tzinfo is None:
            raise ValueError("now must be an aware datetime")
        self.now = now
        self.sources = tuple(sources)
        self.fetcher = fetcher
        self._documents: dict[str, tuple[dict, Provenance]] = {}
        self._records: list[Provenance] = []
        self._warnings: list[Problem] = []

    def at(self, now: datetime) -> "Resolver":
        """A new resolver with the same sources and fetcher (so the same cache), for another verification."""
        return Resolver(now=now, sources=self.sources, fetcher=self.fetcher)

    def __call__(self, verification_method: str, purpose: str) -> VerificationMethod:
        """Resolve ``verification_method`` for ``purpose`` (a :data:`~dataintegrity.proof.KeyResolver`).

        :raises InvalidVerificationMethod: (or a subclass) if it cannot be
            resolved, or may not be used for ``purpose``.
        """
        if not isinstance(verification_method, str):
            raise InvalidVerificationMethod('"verificationMethod" must be a string', property="verificationMethod")
        if verification_method.startswith("did:key:"):
            return resolve_did_key_for(verification_method, purpose)
        if is_did_web(verification_method):
            document = self.did_document(did_of(verification_method))
            return method_for_purpose(document, verification_method, purpose)
        method = verification_method.split(":")[1] if verification_method.count(":") >= 2 else verification_method
        raise InvalidVerificationMethod(
            f"{verification_method!r:.120}: the DID method {method!r:.40} is not one this verifier resolves "
            "(did:key, did:web)",
            property="verificationMethod",
        )

    @property
    def records(self) -> tuple[Provenance, ...]:
        """Each DID document used so far, with its source and age."""
        return tuple(self._records)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """A warning for each DID document that was an old copy standing in for a failed fetch."""
        return tuple(self._warnings)

    def did_document(self, did: str) -> dict:
        """The checked DID document of a did:web DID; see :meth:`obtain`."""
        return self.obtain(did)[0]

    def obtain(self, did: str) -> tuple[dict, Provenance]:
        """The checked DID document of a did:web DID, and where it came from.

        :raises InvalidVerificationMethod: for a malformed DID.
        :raises DidNotResolved: if no source holds it and it cannot be fetched.
        :raises InvalidDidDocument: if the document found is unusable or about another DID.
        """
        if did in self._documents:
            return self._documents[did]
        method_specific_id(did)  # refuse a malformed DID before looking anywhere
        for source in self.sources:
            obtained = source.did_document(did, now=self.now)
            if obtained is not None:
                return self._keep(did, check_did_document(obtained.document, did), obtained.provenance)
        if self.fetcher is None:
            raise DidNotResolved(
                f"{did} cannot be resolved offline without the issuer's DID document "
                "(give it with --dids DIR or --offline BUNDLE, or allow network access)",
                property="verificationMethod",
                url=did,
            )
        try:
            document, fetched = fetch_did_document(did, self.fetcher, now=self.now)
        except FetchError as error:
            raise DidNotResolved(f"the DID document of {did} could not be fetched: {error.detail}", url=did) from None
        return self._keep(did, document, Provenance.of_fetch("DID document", did, fetched), fetched)

    def _keep(
        self, did: str, document: dict, provenance: Provenance, fetched: Fetched | None = None
    ) -> tuple[dict, Provenance]:
        self._documents[did] = (document, provenance)
        self._records.append(provenance)
        if fetched is not None and fetched.stale:
            detail = (f"the DID document of {did} could not be refreshed ({fetched.refresh_error}); "
                      f"a cached copy {age_text(fetched.age_seconds)} was used")
            self._warnings.append(Problem(reasons.DID_DOCUMENT_STALE, "DID document may be out of date", detail))
        return document, provenance
