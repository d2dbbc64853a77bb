"""Issuance: build, check, sign, self-verify and record credentials. No Flask here.

Every credential is checked against the profile before it is signed and
verified by the verifier's own pipeline before it is stored; a batch is
recorded in one transaction, so each of its rows is either issued and
recorded or not issued at all.
"""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from dataintegrity import ECDSA_RDFC_2019, EDDSA_RDFC_2022, add_proof
from dataintegrity.datetimes import format_date_time_stamp
from dataintegrity.loader import DocumentLoader
from schemas.profile import PROFILE_CONTEXT, PROFILE_SCHEMA_ID, ProfileChecker
from schemas.schema_messages import SchemaProblem
from verifier import Verifier

from .audit import record
from .identity import institution_did, local_resolver
from .keyring import KeyRing, active_key, all_keys
from .models import Achievement, Credential, Institution
from .status import allocate, status_entries

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
SUITE_FOR = {"Ed25519": EDDSA_RDFC_2022, "P-256": ECDSA_RDFC_2019}
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LearnerRecord:
    """What the registrar enters for one learner (a form, or a CSV row)."""

    student_id: str  # the row key: one credential per learner and achievement
    name: str
    valid_from: date
    email: str | None = None
    local_name: str | None = None
    local_language: str | None = None
    result: str | None = None
    credits_earned: float | None = None
    valid_until: date | None = None


class IssuanceRefused(Exception):
    """A credential was not issued; ``problems`` say why, each naming its field.

    :param student_id: the learner whose credential was refused, when known.
    """

    def __init__(self, problems: Sequence[SchemaProblem | str], student_id: str | None = None):
        self.problems = [str(problem) for problem in problems]
        self.student_id = student_id
        super().__init__("; ".join(self.problems))


@dataclass
class Issuer:
    """Issues credentials for one institution.

    :param public_url: where this deployment is reachable (status lists, DIDs).
    :param now: the issuance time (a parameter, so tests and batches fix it).
    """

    session: Session
    institution: Institution
    keyring: KeyRing
    loader: DocumentLoader
    profile: ProfileChecker
    public_url: str
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc).replace(microsecond=0))

    def issue(self, achievement: Achievement, records: Sequence[LearnerRecord], *, actor: str) -> list[Credential]:
        """Issue one credential per record, all or none, and commit.

        :raises IssuanceRefused: if any credential fails the profile or its self-check;
            then nothing is recorded.
        """
        key = active_key(self.session, self.institution)
        signer = self.keyring.signer(self.institution, key, self.public_url)
        issuer_id = institution_did(self.institution, self.public_url, key)
        # The profile was checked just before signing and the proof guarantees
        # nothing changed since, so the self-check verifies everything else.
        verifier = Verifier(loader=self.loader, profile=self.profile, check_profile=False,
                            resolve_key=local_resolver(self.institution, self.public_url, all_keys(self.session, self.institution)))
        revocations = allocate(self.session, self.institution, "revocation", len(records))
        suspensions = allocate(self.session, self.institution, "suspension", len(records))
        rows = []
        for record_, revocation, suspension in zip(records, revocations, suspensions):
            unsigned = self.build(achievement, record_, issuer_id,
                                  status_entries(self.public_url, self.institution.slug, revocation, suspension))
            problems = self.profile.check(unsigned)
            if problems:
                self.session.rollback()
                raise IssuanceRefused(problems, record_.student_id)
            signed = add_proof(unsigned, suite=SUITE_FOR[key.algorithm], signer=signer, loader=self.loader, created=self.now)
            self._self_check(verifier, signed, record_)
            rows.append(self._row(achievement, record_, signed, revocation, suspension, actor))
        self.session.add_all(rows)
        for row in rows:
            record(self.session, self.institution.id, actor, "credential.issue", row.credential_id,
                   {"achievement": achievement.code, "student": row.row_key})
        self.session.commit()
        # No personal data in logs: counts, codes and the institution only.
        log.info("issued %d credential(s) of %s for %s", len(rows), achievement.code, self.institution.slug)
        return rows

    def build(self, achievement: Achievement, learner: LearnerRecord, issuer_id: str, status: list[dict]) -> dict:
        """The unsigned credential for ``learner``."""
        definition = achievement.definition
        subject = {
            "id": f"urn:uuid:{uuid.uuid4()}",
            "type": ["AchievementSubject"],
            "name": _names(learner.name, learner.local_name, learner.local_language),
            "achievement": definition,
            "creditsEarned": learner.credits_earned if learner.credits_earned is not None else definition.get("creditsAvailable"),
        }
        description = _result_description(definition)
        if learner.result is not None and description is not None:
            subject["result"] = [{"type": ["Result"], "resultDescription": description["id"], "value": learner.result}]
        credential = {
            "@context": [VC_CONTEXT, OB_CONTEXT, PROFILE_CONTEXT],
            "id": f"urn:uuid:{uuid.uuid4()}",
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "name": definition["name"],
            "issuer": {
                "id": issuer_id,
                "type": ["Profile"],
                "name": _institution_names(self.institution),
                "url": self.institution.url,
            },
            "validFrom": format_date_time_stamp(_midnight(learner.valid_from)),
            "credentialSubject": subject,
            "credentialSchema": {"id": PROFILE_SCHEMA_ID, "type": "JsonSchema"},
            "credentialStatus": status,
        }
        if learner.valid_until is not None:
            credential["validUntil"] = format_date_time_stamp(_midnight(learner.valid_until))
        return credential

    def _self_check(self, verifier: Verifier, signed: dict, learner: LearnerRecord) -> None:
        moment = max(self.now, _midnight(learner.valid_from))
        result = verifier.verify_credential(signed, now=moment)
        if not result.verified:
            self.session.rollback()
            raise IssuanceRefused([f"{p.title}: {p.detail}" for p in result.problems], learner.student_id)

    def _row(self, achievement, learner, signed, revocation, suspension, actor) -> Credential:
        return Credential(
            institution_id=self.institution.id,
            achievement_id=achievement.id,
            credential_id=signed["id"],
            link_token=secrets.token_urlsafe(32),
            row_key=learner.student_id,
            learner_name=learner.name,
            learner_email=learner.email,
            document=json.dumps(signed, ensure_ascii=False, separators=(",", ":")),
            revocation_list_id=revocation.list_id,
            revocation_index=revocation.index,
            suspension_list_id=suspension.list_id,
            suspension_index=suspension.index,
            issued_at=self.now,
            issued_by=actor,
        )


def already_issued(session: Session, institution: Institution, achievement: Achievement, student_ids) -> set[str]:
    """Which of ``student_ids`` already hold this achievement (re-uploads issue no duplicates)."""
    ids = list(student_ids)
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        found.update(session.scalars(select(Credential.row_key).where(
            Credential.institution_id == institution.id, Credential.achievement_id == achievement.id,
            Credential.row_key.in_(ids[start:start + 500]))))
    return found


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=timezone.utc)


def _names(english: str, local: str | None, language: str | None) -> str | list[dict]:
    if not local or not language:
        return english
    return [{"@value": english, "@language": "en"}, {"@value": local, "@language": language}]


def _institution_names(institution: Institution) -> str | list[dict]:
    if not institution.names:
        return institution.name
    return [{"@value": institution.name, "@language": "en"}] + [
        {"@value": value, "@language": language} for language, value in sorted(institution.names.items())
    ]


def _result_description(definition: dict) -> dict | None:
    descriptions = definition.get("resultDescription") or []
    return descriptions[0] if descriptions else None
