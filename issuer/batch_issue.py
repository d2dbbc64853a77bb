"""Issuing a checked cohort in chunks: resumable, idempotent, all-or-nothing per chunk. No Flask here.

A :class:`~issuer.models.BatchUpload` holds the checked rows and how far
issuing got (``issued + skipped`` rows). Each chunk is one transaction: the
upload row is locked, rows whose learner already holds the achievement are
skipped (by an earlier upload, or a concurrent one), the rest are issued by
:meth:`Issuer.issue <issuer.service.Issuer.issue>`, and the upload's counters
move in that same transaction. So each row is either issued and recorded or
not issued, and an interrupted batch resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from .audit import record
from .batch import CheckedCohort, CohortRules, check_file, record_from_json, row_to_json
from .models import Achievement, AuditEvent, BatchUpload, Institution
from .service import IssuanceRefused, Issuer, already_issued

CHUNK_SIZE = 200
_ATTEMPTS = 3  # a chunk that lost a race with a concurrent upload is retried, skipping what the other issued


@dataclass(frozen=True)
class Progress:
    """How far a batch has got; ``new_ids`` are the credentials the last chunk issued."""

    upload_id: int
    total: int
    issued: int
    skipped: int
    status: str
    new_ids: tuple[int, ...] = ()

    @property
    def position(self) -> int:
        return self.issued + self.skipped

    @property
    def done(self) -> bool:
        return self.status == "done"

    def text(self) -> str:
        """``"1,200 of 3,000 issued"``, or with rows skipped ``"… rows done: 1,150 issued, 50 skipped …"``."""
        if not self.skipped:
            return f"{self.position:,} of {self.total:,} issued"
        return f"{self.position:,} of {self.total:,} rows done: {self.issued:,} issued, {self.skipped:,} skipped (already issued)"

    def to_json(self) -> dict:
        return {"upload": self.upload_id, "total": self.total, "issued": self.issued, "skipped": self.skipped,
                "position": self.position, "status": self.status, "done": self.done, "text": self.text()}


class BatchNotFound(LookupError):
    """No such upload for this institution (another institution's uploads do not exist here)."""


class BatchStopped(Exception):
    """A chunk was not issued (nothing of it is recorded); ``message`` says which rows and why."""

    def __init__(self, message: str, progress: Progress):
        self.message, self.progress = message, progress
        super().__init__(message)


@dataclass(frozen=True)
class Review:
    """The dry run of a file: its checked rows, how many are already issued, and its upload if clean."""

    cohort: CheckedCohort
    already_issued: int
    upload: BatchUpload | None

    @property
    def to_issue(self) -> int:
        return len(self.cohort.rows) - self.already_issued


def review_file(session: Session, institution: Institution, achievement: Achievement, filename: str, data: bytes,
                *, actor: str, today: date) -> Review:
    """Check a cohort file; when every row is right, store it as an upload ready to issue.

    :raises FileRefused: if the file as a whole cannot be used; nothing is stored.
    """
    cohort = check_file(data, CohortRules.of(achievement), today=today)
    already = count_already_issued(session, institution, achievement, cohort)
    upload = None if cohort.problems else store_upload(session, institution, achievement, filename, cohort, actor)
    return Review(cohort, already, upload)


def progress_of(upload: BatchUpload, total: int | None = None) -> Progress:
    """The upload's progress; ``total`` spares loading its rows when the caller knows their number."""
    return Progress(upload.id, len(upload.rows) if total is None else total, upload.issued, upload.skipped, upload.status)


def count_already_issued(session: Session, institution: Institution, achievement: Achievement, cohort: CheckedCohort) -> int:
    """How many of the cohort's good rows would be skipped, with a few bulk queries."""
    return len(already_issued(session, institution, achievement, [record.student_id for record in cohort.records]))


def count_rows_issued(session: Session, institution: Institution, achievement: Achievement, upload: BatchUpload) -> int:
    """How many of the upload's rows not yet reached already hold the achievement (they will be skipped)."""
    remaining = upload.rows[upload.issued + upload.skipped:]
    return len(already_issued(session, institution, achievement, [row["student_id"] for row in remaining]))


def store_upload(session: Session, institution: Institution, achievement: Achievement, filename: str,
                 cohort: CheckedCohort, actor: str) -> BatchUpload:
    """Keep a clean cohort's rows, ready to issue, and commit."""
    if cohort.problems:
        raise ValueError("a cohort with problems cannot be stored")
    upload = BatchUpload(institution_id=institution.id, achievement_id=achievement.id, filename=filename[:200],
                         rows=[row_to_json(number, learner) for number, learner in cohort.rows],
                         issued=0, skipped=0, status="ready", created_by=actor)
    session.add(upload)
    session.commit()
    return upload


def issue_next_chunk(issuer: Issuer, upload_id: int, *, actor: str, size: int = CHUNK_SIZE,
                     rows: list[dict] | None = None) -> Progress:
    """Issue the next ``size`` rows of an upload in one transaction.

    :param rows: the upload's rows, if the caller has them already (they never change
        once stored, so a loop of chunks reads them once).
    :raises BatchStopped: if the service refused a credential. Nothing of the chunk
        is recorded and the upload is marked ``stopped``; issuing it again resumes.
        Any other error is marked the same way, then raised as it is.
    """
    rows = rows if rows is not None else stored_rows(issuer.session, upload_id)
    for attempt in range(_ATTEMPTS):
        try:
            return _issue_chunk(issuer, upload_id, rows, actor, size)
        except IntegrityError:
            issuer.session.rollback()  # a concurrent upload issued some of these learners; skip them now
            if attempt == _ATTEMPTS - 1:
                raise
        except BatchNotFound:
            issuer.session.rollback()
            raise
        except IssuanceRefused as error:
            issuer.session.rollback()
            upload = _stop(issuer.session, upload_id, actor, error)
            raise BatchStopped(stopped_message(upload, rows, error, size), progress_of(upload, len(rows))) from error
        except Exception as error:
            issuer.session.rollback()
            _stop(issuer.session, upload_id, actor, error)
            raise
    raise AssertionError("unreachable")


def issue_remaining(issuer: Issuer, upload_id: int, *, actor: str, size: int = CHUNK_SIZE,
                    on_progress: Callable[[Progress], None] | None = None) -> Progress:
    """Issue chunk after chunk until the upload is done (the no-JavaScript path and the CLI)."""
    rows = stored_rows(issuer.session, upload_id)
    while True:
        progress = issue_next_chunk(issuer, upload_id, actor=actor, size=size, rows=rows)
        if on_progress is not None:
            on_progress(progress)
        if progress.done:
            return progress


def stored_rows(session: Session, upload_id: int) -> list[dict]:
    return session.scalar(select(BatchUpload.rows).where(BatchUpload.id == upload_id)) or []


def _issue_chunk(issuer: Issuer, upload_id: int, rows: list[dict], actor: str, size: int) -> Progress:
    session = issuer.session
    # Lock the upload's counters (its rows are not read again): concurrent chunks of one upload queue here.
    upload = session.get(BatchUpload, upload_id, with_for_update=True, populate_existing=True,
                         options=[defer(BatchUpload.rows)])
    if upload is None or upload.institution_id != issuer.institution.id:
        raise BatchNotFound(f"no batch {upload_id} for {issuer.institution.slug}")
    if upload.status == "done":
        session.commit()
        return progress_of(upload, len(rows))
    achievement = session.get(Achievement, upload.achievement_id)
    start = upload.issued + upload.skipped
    learners = [record_from_json(row) for row in rows[start:start + size]]
    existing = already_issued(session, issuer.institution, achievement, [learner.student_id for learner in learners])
    to_issue = [learner for learner in learners if learner.student_id not in existing]
    _advance(session, upload, achievement, actor, len(rows), issued=len(to_issue), skipped=len(learners) - len(to_issue))
    progress = progress_of(upload, len(rows))
    if not to_issue:
        session.commit()
        return progress
    credentials = issuer.issue(achievement, to_issue, actor=actor)  # commits the counters with the credentials
    return replace(progress, new_ids=tuple(credential.id for credential in credentials))


def _advance(session: Session, upload: BatchUpload, achievement: Achievement, actor: str, total: int, *,
             issued: int, skipped: int) -> None:
    """Move the counters, with the batch's start and finish events, in the chunk's transaction."""
    if upload.status == "ready":
        record(session, upload.institution_id, actor, "batch.start", f"batch:{upload.id}",
               {"achievement": achievement.code, "file": upload.filename, "rows": total})
    upload.status = "issuing"
    upload.issued += issued
    upload.skipped += skipped
    if upload.issued + upload.skipped >= total:
        upload.status = "done"
        record(session, upload.institution_id, actor, "batch.finish", f"batch:{upload.id}",
               {"achievement": achievement.code, "issued": upload.issued, "skipped": upload.skipped})


def _stop(session: Session, upload_id: int, actor: str, error: Exception) -> BatchUpload:
    """Mark the upload stopped, in a transaction of its own (the chunk's was rolled back)."""
    upload = session.get(BatchUpload, upload_id, populate_existing=True, options=[defer(BatchUpload.rows)])
    upload.status = "stopped"
    record(session, upload.institution_id, actor, "batch.stop", f"batch:{upload.id}",
           {"at_row": upload.issued + upload.skipped, "reason": _reason(error)})
    session.commit()
    return upload


def last_stop_reason(session: Session, upload: BatchUpload) -> str | None:
    """Why the upload last stopped, from its audit event (None if it never did)."""
    detail = session.scalar(select(AuditEvent.detail).where(
        AuditEvent.institution_id == upload.institution_id, AuditEvent.action == "batch.stop",
        AuditEvent.target == f"batch:{upload.id}").order_by(AuditEvent.id.desc()).limit(1))
    return detail.get("reason") if detail else None


def _reason(error: Exception) -> str:
    problems = getattr(error, "problems", None)
    return "; ".join(problems)[:500] if problems else f"unexpected error ({type(error).__name__})"


def stopped_message(upload: BatchUpload, rows: list[dict], error: Exception, size: int = CHUNK_SIZE) -> str:
    """What to tell the registrar when a chunk was refused: which rows, and why."""
    chunk = rows[upload.issued + upload.skipped:upload.issued + upload.skipped + size]
    where = f"rows {chunk[0]['row']}–{chunk[-1]['row']}" if chunk else "the last rows"
    return (f"Issuing stopped in {where}: {_reason(error)}. Nothing in these rows was issued; "
            f"the {upload.issued:,} credentials issued before are kept. Fix the cause and resume.")
