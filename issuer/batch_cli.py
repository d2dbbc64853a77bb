"""``skillpass issue``: issue a cohort file from the command line.

The same checks and the same chunked, resumable issuing as the console.
Exit 0 when everything was issued (or, with ``--dry-run``, would be), 1 when
the file has problems or issuing was refused, 2 for unusable input.
"""

from __future__ import annotations

import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import click

from verifier.cli_input import UnusableInput

from .batch_read import MAX_BYTES

CLI_CHUNK_SIZE = 500
EXIT_PROBLEMS = 1


@click.command("issue")
@click.option("--csv", "source", required=True, metavar="FILE", help="The cohort file (CSV UTF-8, or an .xlsx workbook).")
@click.option("--achievement", "code", required=True, metavar="CODE", help="The achievement's code, e.g. NEV-HV-301.")
@click.option("--institution", "slug", required=True, metavar="SLUG", help="The issuing institution's slug.")
@click.option("--database-url", metavar="URL", help="Database (default: SKILLPASS_DATABASE_URL).")
@click.option("--keystore", metavar="DIR", help="Keystore folder (default: SKILLPASS_KEYSTORE_DIR).")
@click.option("--public-url", metavar="URL", help="Public URL of this deployment (default: SKILLPASS_PUBLIC_URL).")
@click.option("--dry-run", is_flag=True, help="Check the file and count what would be issued; issue nothing.")
@click.option("--chunk-size", default=CLI_CHUNK_SIZE, show_default=True, hidden=True, type=click.IntRange(1, 5000))
def issue_command(source, code, slug, database_url, keystore, public_url, dry_run, chunk_size) -> None:
    """Check a cohort file, then issue one credential per learner.

    Rows whose learner already holds the achievement are skipped, so running
    the same file again issues nothing twice and an interrupted run resumes.
    """
    # The database and issuing code load only when this command runs: other commands stay quick to start.
    from sqlalchemy.exc import OperationalError, ProgrammingError

    from . import config, create_app
    from .batch_issue import count_already_issued, store_upload
    from .keystore import KeystoreError
    from .service import Issuer

    data = _read(source)
    overrides = {"DATABASE_URL": database_url, "KEYSTORE_DIR": keystore, "PUBLIC_URL": public_url}
    app = create_app({**config.from_environment(), **{k: v for k, v in overrides.items() if v}})
    session = app.extensions["skillpass_db"].session()
    try:
        institution, achievement = _find(session, slug, code)
        cohort = _check(data, source, achievement)
        already = count_already_issued(session, institution, achievement, cohort)
        if dry_run:
            click.echo(f"{source}: {cohort.row_count:,} learners, no problems; would issue {cohort.row_count - already:,} "
                       f"and skip {already:,} already issued. Nothing was issued (--dry-run).")
            return
        issuer = Issuer(session=session, institution=institution, keyring=app.extensions["skillpass_keyring"],
                        loader=app.extensions["skillpass_loader"], profile=app.extensions["skillpass_profile"],
                        public_url=app.config["PUBLIC_URL"].rstrip("/"))
        _ready_to_sign(issuer)
        upload = store_upload(session, institution, achievement, Path(source).name, cohort, actor="cli")
        _issue(issuer, upload.id, cohort.row_count, chunk_size)
    except (OperationalError, ProgrammingError) as error:
        raise UnusableInput(f"cannot use the database ({type(error.orig).__name__}); is it initialised?") from None
    except KeystoreError as error:
        raise UnusableInput(str(error)) from None
    finally:
        session.close()
        app.extensions["skillpass_db"].dispose()


def _read(source: str) -> bytes:
    try:
        with Path(source).open("rb") as file:
            return file.read(MAX_BYTES + 1)
    except OSError as error:
        raise UnusableInput(f"cannot read {source}: {error.strerror}") from None


def _find(session, slug: str, code: str):
    """The institution and its active achievement, or exit 2."""
    from sqlalchemy import select

    from .models import Achievement, Institution

    institution = session.scalars(select(Institution).where(Institution.slug == slug)).first()
    if institution is None:
        raise UnusableInput(f"no institution {slug!r} in this database")
    achievement = session.scalars(select(Achievement).where(
        Achievement.institution_id == institution.id, Achievement.code == code)).first()
    if achievement is None or not achievement.active:
        raise UnusableInput(f"{institution.slug} has no active achievement {code!r}")
    return institution, achievement


def _ready_to_sign(issuer) -> None:
    """Unlock the signing key before anything is stored: a wrong passphrase is unusable input."""
    from .keyring import active_key

    try:
        key = active_key(issuer.session, issuer.institution)
    except LookupError as error:
        raise UnusableInput(str(error)) from None
    issuer.keyring.signer(issuer.institution, key, issuer.public_url)


def _check(data: bytes, source: str, achievement):
    """The checked cohort; prints every problem and exits 1 if there is any."""
    from .batch import CohortRules, FileRefused, check_file

    today = datetime.now(timezone.utc).date()
    try:
        cohort = check_file(data, CohortRules.of(achievement), today=today)
    except FileRefused as refused:
        click.echo(f"{source}: {refused.message}", err=True)
        sys.exit(EXIT_PROBLEMS)
    for problem in cohort.problems:
        click.echo(str(problem))
    if cohort.problems:
        click.echo(f"{source}: {cohort.rows_with_problems:,} of {cohort.row_count:,} rows have problems "
                   f"({len(cohort.problems):,} in all); nothing was issued.", err=True)
        sys.exit(EXIT_PROBLEMS)
    return cohort


def _issue(issuer, upload_id: int, total: int, chunk_size: int) -> None:
    from .batch_issue import BatchStopped, issue_remaining

    started = time.perf_counter()
    with click.progressbar(length=total, label="Issuing", show_pos=True, file=sys.stderr) as bar:
        try:
            progress = issue_remaining(issuer, upload_id, actor="cli", size=chunk_size,
                                       on_progress=lambda step: bar.update(step.position - bar.pos))
        except BatchStopped as stopped:
            click.echo(f"\n{stopped.message}", err=True)
            sys.exit(EXIT_PROBLEMS)
    seconds = time.perf_counter() - started
    click.echo(f"issued {progress.issued:,}, skipped {progress.skipped:,} (already issued), "
               f"in {seconds:.1f} s ({total / seconds if seconds else 0:,.0f} rows/s)")
