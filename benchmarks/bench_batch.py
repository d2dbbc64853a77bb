"""Issue a 10,000-learner cohort through the ``skillpass issue`` path, in-process.

A temporary SQLite database and keystore with the demo institution; a CSV
for NEV-HV-301; then every row is checked, signed, self-verified, stored and
given its status indexes. Prints the seconds and rows per second (target:
10,000 rows in 20 s or less on a 2-core machine), and with ``--profile`` where
the time went.

    python benchmarks/bench_batch.py [--rows N] [--chunk-size N] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import tempfile
import time
from datetime import date
from pathlib import Path

from issuer import create_app
from issuer.batch import COLUMNS, CohortRules, check_file
from issuer.batch_cli import issue_command
from issuer.demo import DEMO_SLUG, seed_demo
from issuer.models import Achievement, Credential

ACHIEVEMENT = "NEV-HV-301"
LOCAL = [("สมชาย วงศ์สุวรรณ", "th"), ("李梅", "zh-Hans"), ("ສົມພອນ ວົງສະຫວັນ", "lo"), ("", "")]
#: Where the time goes: (label, file, function) of the entry point of each stage.
STAGES = [
    ("checking the file (issuer.batch.check_file)", "issuer/batch.py", "check_file"),
    ("Issuer.issue, all of it", "issuer/service.py", "issue"),
    ("  ProfileChecker.check (before signing + in self-verification)", "schemas/profile.py", "check"),
    ("  add_proof (canonicalize + sign)", "dataintegrity/proof.py", "add_proof"),
    ("  Verifier.verify_credential (self-verification)", "verifier/pipeline.py", "verify_credential"),
    ("    of which the profile JSON Schema again (checks.profile_schema)", "verifier/checks.py", "profile_schema"),
    ("  status index allocation (status.allocate)", "issuer/status.py", "allocate"),
    ("  session commit (insert credentials + audit)", "sqlalchemy/orm/session.py", "commit"),
]


def write_cohort(path: Path, rows: int) -> None:
    lines = [",".join(COLUMNS)]
    for number in range(1, rows + 1):
        local_name, language = LOCAL[number % len(LOCAL)]
        lines.append(",".join([f"B{number:06d}", f"Learner {number}", local_name, language, f"learner{number}@example.org",
                               "DCBA"[number % 4], str(number % 7), "2026-09-15", "2031-09-15" if number % 2 else ""]))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def prepare(folder: Path) -> dict:
    environment = {
        "SKILLPASS_DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "SKILLPASS_KEYSTORE_DIR": str(folder / "keys"),
        "SKILLPASS_KEY_PASSPHRASE": "bench passphrase",
        "SKILLPASS_PUBLIC_URL": "http://localhost",
        "SKILLPASS_SECRET_KEY": "bench secret",
    }
    os.environ.update(environment)
    app = create_app({"DATABASE_URL": environment["SKILLPASS_DATABASE_URL"], "KEYSTORE_DIR": environment["SKILLPASS_KEYSTORE_DIR"],
                      "KEY_PASSPHRASE": environment["SKILLPASS_KEY_PASSPHRASE"], "SECRET_KEY": "x",
                      "PUBLIC_URL": environment["SKILLPASS_PUBLIC_URL"]})
    app.extensions["skillpass_db"].upgrade()
    session = app.extensions["skillpass_db"].session()
    seed_demo(session, app.extensions["skillpass_keyring"], app.extensions["skillpass_loader"],
              app.extensions["skillpass_profile"], environment["SKILLPASS_PUBLIC_URL"])
    achievement = session.query(Achievement).filter_by(code=ACHIEVEMENT).one()
    rules = CohortRules.of(achievement)
    session.close()
    return {"app": app, "rules": rules}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="run under cProfile and print where the time went")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        prepared = prepare(folder)
        cohort = folder / "cohort.csv"
        write_cohort(cohort, options.rows)
        started = time.perf_counter()
        check_file(cohort.read_bytes(), prepared["rules"], today=date.today())
        checking = time.perf_counter() - started
        args = ["--csv", str(cohort), "--achievement", ACHIEVEMENT, "--institution", DEMO_SLUG,
                "--chunk-size", str(options.chunk_size)]
        profiler = cProfile.Profile() if options.profile else None
        started, cpu_started = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        issue_command.main(args, standalone_mode=False)
        if profiler:
            profiler.disable()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        issued = _count(prepared["app"])
        print(f"\n{options.rows:,} rows: checking the file alone {checking:.2f} s; the whole CLI path "
              f"{seconds:.1f} s = {options.rows / seconds:,.0f} rows/s; CPU {cpu:.1f} s = {options.rows / cpu:,.0f} rows/s "
              f"({issued:,} credentials in the database; CPU time is the figure to trust on a busy machine)"
              f"{' [under cProfile: slower than real]' if profiler else ''}")
        if profiler:
            _report(profiler, seconds)
        prepared["app"].extensions["skillpass_db"].dispose()


def _count(app) -> int:
    session = app.extensions["skillpass_db"].session()
    try:
        return session.query(Credential).filter(Credential.row_key.like("B%")).count()
    finally:
        session.close()


def _report(profiler: cProfile.Profile, seconds: float) -> None:
    stats = pstats.Stats(profiler).stats
    print("\nwhere the time went (cumulative seconds, under the profiler):")
    for label, path, name in STAGES:
        cumulative = sum(row[3] for (filename, _, function), row in stats.items()
                         if function == name and filename.endswith(path))
        print(f"  {label:<70} {cumulative:7.1f} s  {cumulative / seconds * 100:5.1f} %")
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats("tottime").print_stats(20)
    print(text.getvalue())


if __name__ == "__main__":
    main()
