"""``skillpass issue``: a cohort file from the command line, run as a subprocess on a temporary database."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from issuer import create_app
from issuer.batch import COLUMNS
from issuer.demo import DEMO_SLUG, seed_demo
from issuer.models import AuditEvent, Credential

SKILLPASS = str(Path(sys.executable).parent / "skillpass")


@pytest.fixture
def deployment(tmp_path) -> dict:
    """A migrated SQLite database with the demo institution, and the environment that points at it."""
    environment = {
        "SKILLPASS_DATABASE_URL": f"sqlite:///{tmp_path / 'skillpass.db'}",
        "SKILLPASS_KEYSTORE_DIR": str(tmp_path / "keys"),
        "SKILLPASS_KEY_PASSPHRASE": "cli test passphrase",
        "SKILLPASS_PUBLIC_URL": "http://localhost",
        "SKILLPASS_SECRET_KEY": "cli test secret",
    }
    app = create_app({"DATABASE_URL": environment["SKILLPASS_DATABASE_URL"], "KEYSTORE_DIR": environment["SKILLPASS_KEYSTORE_DIR"],
                      "KEY_PASSPHRASE": environment["SKILLPASS_KEY_PASSPHRASE"], "SECRET_KEY": "x",
                      "PUBLIC_URL": environment["SKILLPASS_PUBLIC_URL"]})
    database = app.extensions["skillpass_db"]
    database.upgrade()
    session = database.session()
    seed_demo(session, app.extensions["skillpass_keyring"], app.extensions["skillpass_loader"],
              app.extensions["skillpass_profile"], environment["SKILLPASS_PUBLIC_URL"])
    session.close()
    yield {"env": environment, "db": database}
    database.dispose()


def run(deployment: dict, *args) -> tuple[int, str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SKILLPASS_")}
    env.update(deployment["env"])
    result = subprocess.run([SKILLPASS, "issue", *map(str, args)], capture_output=True, env=env, timeout=120,
                            stdin=subprocess.DEVNULL)
    out, err = result.stdout.decode(), result.stderr.decode()
    assert "Traceback" not in out + err, out + err
    return result.returncode, out, err


def write_cohort(tmp_path: Path, *rows: str, name: str = "cohort.csv") -> Path:
    path = tmp_path / name
    path.write_text(",".join(COLUMNS) + "\n" + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


GOOD_ROWS = [
    "C-001,Somchai Wongsuwan,สมชาย วงศ์สุวรรณ,th,somchai@example.org,B,5,2026-09-15,2031-09-15",
    "C-002,Li Mei,李梅,zh-Hans,,A,6,2026-09-15,",
    "C-003,Nurul Aisyah,,,,C,,2026-09-15,",
]


def credentials_for(deployment: dict, prefix: str = "C-") -> int:
    session = deployment["db"].session()
    try:
        return session.scalar(select(func.count(Credential.id)).where(Credential.row_key.like(f"{prefix}%")))
    finally:
        session.close()


def test_dry_run_with_problems_exits_1_and_prints_each(deployment, tmp_path):
    cohort = write_cohort(tmp_path, GOOD_ROWS[0], "C-002,=cmd|' /C calc'!A0,,,,A,,2026-09-15,", "C-003,Nurul,,,,F,9,2026-13-01,")
    code, out, err = run(deployment, "--csv", cohort, "--achievement", "NEV-HV-301", "--institution", DEMO_SLUG, "--dry-run")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith('row 3, column name: starts with "=": a spreadsheet that opens this data again could run it as a formula')
    assert lines[1:] == [
        'row 4, column result: "F" is not a result of NEV-HV-301; use one of: D, C, B, A',
        "row 4, column credits_earned: 9 is more than the 6 credits NEV-HV-301 makes available",
        "row 4, column valid_from: 2026-13-01 is not a real date (no such day in the calendar)",
    ]
    assert "2 of 3 rows have problems" in err and credentials_for(deployment) == 0


def test_an_unusable_file_exits_1_with_the_reason(deployment, tmp_path):
    cohort = tmp_path / "wrong.csv"
    cohort.write_text("student,name\nC-1,A\n")
    code, _, err = run(deployment, "--csv", cohort, "--achievement", "NEV-HV-301", "--institution", DEMO_SLUG)
    assert code == 1 and "Row 1 (the header) has" in err


@pytest.mark.parametrize(("args", "words"), [
    (["--csv", "missing.csv", "--achievement", "NEV-HV-301", "--institution", DEMO_SLUG], "cannot read missing.csv"),
    (["--achievement", "NO-SUCH", "--institution", DEMO_SLUG], "has no active achievement 'NO-SUCH'"),
    (["--achievement", "NEV-HV-301", "--institution", "nowhere"], "no institution 'nowhere'"),
])
def test_unusable_input_exits_2(deployment, tmp_path, args, words):
    cohort = write_cohort(tmp_path, *GOOD_ROWS)
    arguments = args if "--csv" in args else ["--csv", cohort, *args]
    code, _, err = run(deployment, *arguments)
    assert code == 2 and words in err


def test_a_good_file_is_issued_and_a_second_run_skips_every_row(deployment, tmp_path):
    cohort = write_cohort(tmp_path, *GOOD_ROWS)
    args = ["--csv", cohort, "--achievement", "NEV-HV-301", "--institution", DEMO_SLUG]
    code, out, _ = run(deployment, *args, "--dry-run")
    assert code == 0 and "would issue 3 and skip 0" in out and credentials_for(deployment) == 0

    code, out, _ = run(deployment, *args)
    assert code == 0
    assert re.fullmatch(r"issued 3, skipped 0 \(already issued\), in [0-9.]+ s \([0-9,]+ rows/s\)\n", out), out
    assert credentials_for(deployment) == 3

    code, out, _ = run(deployment, *args)
    assert code == 0 and out.startswith("issued 0, skipped 3 (already issued)")
    assert credentials_for(deployment) == 3
    session = deployment["db"].session()
    actions = list(session.scalars(select(AuditEvent.action).where(AuditEvent.actor == "cli").order_by(AuditEvent.id)))
    session.close()
    assert actions.count("batch.start") == 2 and actions.count("batch.finish") == 2 and actions.count("credential.issue") == 3


def test_options_override_the_environment(deployment, tmp_path):
    cohort = write_cohort(tmp_path, GOOD_ROWS[2])
    env = dict(deployment["env"])
    database_url = env.pop("SKILLPASS_DATABASE_URL")
    code, out, _ = run({**deployment, "env": env}, "--csv", cohort, "--achievement", "NEV-HV-301",
                       "--institution", DEMO_SLUG, "--database-url", database_url, "--dry-run")
    assert code == 0 and "would issue 1" in out
