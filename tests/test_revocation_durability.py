"""A revocation, once acknowledged, is never lost: concurrent writers, and SIGKILL inside a change.

Every test runs on SQLite and on PostgreSQL (tests/pg.py starts a throwaway
server). The writers are separate OS processes, as web workers and the CLI
are. "Acknowledged" means :func:`issuer.revocation.change_status` returned.
After each run the database must be consistent: every acknowledged
revocation is in the database and in the served, signed list; a credential
is revoked exactly when its audit event exists; the list's revision counts
exactly the changes applied to it.

Set ``SKILLPASS_TEST_SEED`` to replay the random kill moments of a failed run.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import random
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text

from dataintegrity.status_list import decode_list
from issuer import create_app
from issuer.db import Database
from issuer.demo import DEMO_SLUG, seed_demo
from issuer.models import Achievement, AuditEvent, Credential, Institution, StatusList
from issuer.revocation import StatusChangeRefused, change_status
from issuer.service import Issuer, LearnerRecord
from issuer.status_publisher import StatusPublisher

from .pg import postgres_server  # noqa: F401 (fixture)

ROOT = Path(__file__).resolve().parent.parent
#: Read by the child script below (never by product code): seconds to pause inside change_status,
#: and "<credential id> <pause point>" where it waits to be killed.
DELAY_VARIABLE = "SKILLPASS_TEST_COMMIT_DELAY"
HANG_VARIABLE = "SKILLPASS_TEST_HANG_AT"
CHILD = "from tests.test_revocation_durability import revoke_until_killed; revoke_until_killed()"
ISSUED = 26
DEADLINE = 60.0


@pytest.fixture
def no_network(monkeypatch):
    """The socket tripwire of tests/conftest.py, but letting local (AF_UNIX) sockets through:
    the worker processes are started by multiprocessing's fork server, reached over one.
    (PostgreSQL is reached over a Unix socket too, through libpq, which the tripwire does not see.)"""
    connect = socket.socket.connect

    def local_only(self, address):
        if self.family != socket.AF_UNIX:
            raise AssertionError(f"network access attempted: {address!r}")
        return connect(self, address)

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", local_only)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


@dataclass
class Issued:
    """A database whose demo institution has issued :data:`ISSUED` more credentials (a fresh copy per test)."""

    url: str
    database: Database
    publisher: StatusPublisher
    credentials: list[int]  # database ids
    credential_ids: dict[int, str]  # database id -> the credential's urn:uuid
    revocation_index: dict[int, int]


@dataclass
class Seeded:
    """The database every test of one engine copies: seeded and issued once, then left alone."""

    engine: str
    url: str
    template: str  # SQLite: the file; PostgreSQL: the database name
    app: Flask
    credentials: list[int]
    credential_ids: dict[int, str]
    revocation_index: dict[int, int]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request, tmp_path_factory) -> Seeded:
    folder = tmp_path_factory.mktemp("seeded")
    if request.param == "sqlite":
        template = str(folder / "template.db")
        url = f"sqlite:///{template}"
    else:
        server = request.getfixturevalue("postgres_server")
        template = server.create_database()
        url = server.url(template)
    app = create_app({
        "TESTING": True, "DATABASE_URL": url, "KEYSTORE_DIR": str(folder / "keys"),
        "KEY_PASSPHRASE": "test keystore passphrase", "SECRET_KEY": "test secret key", "PUBLIC_URL": "http://localhost",
    })
    rows = _seed(app)
    app.extensions["skillpass_db"].dispose()  # a PostgreSQL template must have no connections
    return Seeded(request.param, url, template, app, [row.id for row in rows],
                  {row.id: row.credential_id for row in rows}, {row.id: row.revocation_index for row in rows})


def _seed(app: Flask) -> list[Credential]:
    database, extensions = app.extensions["skillpass_db"], app.extensions
    database.upgrade()
    with database.session() as session:
        seed_demo(session, extensions["skillpass_keyring"], extensions["skillpass_loader"],
                  extensions["skillpass_profile"], app.config["PUBLIC_URL"])
        institution = session.scalars(select(Institution).where(Institution.slug == DEMO_SLUG)).one()
        achievement = session.scalars(select(Achievement).where(Achievement.institution_id == institution.id)
                                      .order_by(Achievement.id)).first()
        issuer = Issuer(session=session, institution=institution, keyring=extensions["skillpass_keyring"],
                        loader=extensions["skillpass_loader"], profile=extensions["skillpass_profile"],
                        public_url=app.config["PUBLIC_URL"])
        return issuer.issue(achievement, [LearnerRecord(f"D{n:04}", f"Learner {n}", date(2026, 9, 15))
                                          for n in range(ISSUED)], actor="test")


@pytest.fixture
def issued(seeded, request, tmp_path) -> Issued:
    if seeded.engine == "sqlite":
        copy = tmp_path / "skillpass.db"
        with closing(sqlite3.connect(seeded.template)) as source, closing(sqlite3.connect(copy)) as target:
            source.backup(target)
        url = f"sqlite:///{copy}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.url(server.create_database(template=seeded.template))
    database = Database(url)
    extensions = seeded.app.extensions
    publisher = StatusPublisher(database, extensions["skillpass_keyring"], extensions["skillpass_loader"],
                                extensions["skillpass_profile"], seeded.app.config["PUBLIC_URL"])
    yield Issued(url, database, publisher, seeded.credentials, seeded.credential_ids, seeded.revocation_index)
    database.dispose()


def served_bits(publisher: StatusPublisher, purpose: str = "revocation") -> tuple[int, set[int]]:
    """The served list's revision and the indexes whose bit is set."""
    published = publisher.current(DEMO_SLUG, purpose, 1)
    bits = decode_list(published.document["credentialSubject"]["encodedList"])
    return published.revision, {at * 8 + bit for at, byte in enumerate(bits) if byte
                                for bit in range(8) if byte & (0x80 >> bit)}


def assert_consistent(issued: Issued, acknowledged: set[int], context: str = "") -> None:
    """Every acknowledged revocation is applied and published, and nothing is half-applied."""
    with issued.database.session() as session:
        credentials = session.execute(select(Credential.id, Credential.credential_id, Credential.revoked,
                                             Credential.revocation_index, Credential.revocation_list_id)).all()
        events = Counter(session.scalars(select(AuditEvent.target).where(AuditEvent.action == "credential.revoke")))
        revision = session.scalars(select(StatusList.revision).where(
            StatusList.id == credentials[0].revocation_list_id)).one()
        if issued.url.startswith("sqlite"):
            assert session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    revoked = {row.id for row in credentials if row.revoked}
    assert acknowledged <= revoked, f"{context}acknowledged revocations lost: {sorted(acknowledged - revoked)}"
    half_applied = [row.id for row in credentials if events[row.credential_id] != int(row.revoked)]
    assert not half_applied, f"{context}revoked flag and audit events disagree for {half_applied}"
    assert revision == sum(events.values()), f"{context}revision {revision} for {sum(events.values())} revocations"
    served_revision, served = served_bits(issued.publisher)
    assert served_revision == revision
    assert served == {row.revocation_index for row in credentials if row.revoked}, f"{context}served list differs"


# --- many processes revoking different credentials of one list at the same moment ---------------

def workers():
    """Fresh processes, forked from a server that imported this module once: quick to start,
    and with none of the test process's connections or threads (unlike a plain fork)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


def revoke_in_rounds(url: str, name: str, credential_ids: list[int], barrier, acknowledgements) -> None:
    """Worker process: at each round's barrier, revoke the next credential (one session per change,
    as a request has); report it once acknowledged."""
    database = Database(url)
    try:
        for credential_id in credential_ids:
            barrier.wait(timeout=DEADLINE)
            with database.session() as session:
                change_status(session, session.get(Credential, credential_id), "revoke", f"race by {name}", name)
            acknowledgements.put(credential_id)
    finally:
        database.dispose()


def test_concurrent_revocations_are_all_published(issued):
    count, rounds = 3, 8
    chosen = issued.credentials[:count * rounds]
    context = workers()
    barrier, acknowledgements = context.Barrier(count), context.Queue()
    processes = [context.Process(target=revoke_in_rounds, args=(issued.url, f"worker-{n}", chosen[n::count],
                                                                barrier, acknowledgements)) for n in range(count)]
    for process in processes:
        process.start()
    publisher, acknowledged, checks = issued.publisher, set(), 0
    deadline = time.monotonic() + DEADLINE
    try:
        while any(process.is_alive() for process in processes) and time.monotonic() < deadline:
            acknowledged |= _drain(acknowledgements, wait=0.05)
            seen_before = set(acknowledged)
            revision, served = served_bits(publisher)  # while the others write
            missing = [i for i in seen_before if issued.revocation_index[i] not in served]
            assert not missing, f"acknowledged but not in the served list: {missing}"
            assert revision >= len(seen_before)
            checks += 1
    finally:
        for process in processes:
            process.join(timeout=max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join()
    acknowledged |= _drain(acknowledgements, wait=0.2)
    acknowledgements.close()
    assert [process.exitcode for process in processes] == [0] * count, "a worker failed: see its traceback"
    assert acknowledged == set(chosen)
    assert checks > 0
    assert_consistent(issued, acknowledged)


def _drain(acknowledgements, wait: float) -> set[int]:
    found = set()
    try:
        found.add(acknowledgements.get(timeout=wait))
        while True:
            found.add(acknowledgements.get_nowait())
    except queue.Empty:
        return found


# --- two processes racing to suspend and unsuspend one credential -----------------------------

def toggle_in_rounds(url: str, name: str, credential_id: int, rounds: int, barrier, outcomes) -> None:
    """Worker process: each round, at the barrier, try to suspend; then, at the barrier, to unsuspend."""
    database = Database(url)
    try:
        for number in range(rounds):
            for action in ("suspend", "unsuspend"):
                barrier.wait(timeout=DEADLINE)
                with database.session() as session:
                    try:
                        change_status(session, session.get(Credential, credential_id), action, f"race by {name}", name)
                        outcomes.put((number, action, True))
                    except StatusChangeRefused:
                        outcomes.put((number, action, False))
    finally:
        database.dispose()


def test_racing_suspend_and_unsuspend_end_consistent(issued):
    rounds, credential_id = 8, issued.credentials[0]
    context = workers()
    barrier, outcomes = context.Barrier(2), context.Queue()
    processes = [context.Process(target=toggle_in_rounds, args=(issued.url, f"worker-{n}", credential_id, rounds,
                                                                barrier, outcomes)) for n in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=DEADLINE)
    results = [outcomes.get(timeout=5) for _ in range(rounds * 4)]
    outcomes.close()
    assert [process.exitcode for process in processes] == [0, 0], "a worker failed: see its traceback"
    applied = Counter(action for _, action, ok in results if ok)
    with issued.database.session() as session:
        credential = session.get(Credential, credential_id)
        events = Counter(session.scalars(select(AuditEvent.action).where(
            AuditEvent.target == issued.credential_ids[credential_id])))
        revision = session.get(StatusList, credential.suspension_list_id).revision
    # Each round starts unsuspended, so at least one suspend and one unsuspend get through;
    # whatever was acknowledged is in the audit log and counted in the revision.
    assert applied["suspend"] >= rounds and applied["unsuspend"] >= rounds
    assert events["credential.suspend"] == applied["suspend"] and events["credential.unsuspend"] == applied["unsuspend"]
    assert revision == applied["suspend"] + applied["unsuspend"]
    assert credential.suspended is False and credential.revoked is False
    revision_served, served = served_bits(issued.publisher, "suspension")
    assert revision_served == revision and served == set()


def test_status_check_and_change_are_one_atomic_step(issued):
    """Two suspensions of one credential: exactly one is applied, the other refused.

    Deterministic interleaving: the first pauses after its check, just before its UPDATE, while
    the second runs. SQLite's BEGIN IMMEDIATE makes the second wait; on PostgreSQL (READ
    COMMITTED) the second passes the same check unless change_status locks the row it reads.
    """
    database, credential_id = issued.database, issued.credentials[0]
    checked, resume = threading.Event(), threading.Event()
    outcomes: dict[str, str] = {}

    def pause_before_update(_connection, _cursor, statement, *_args):
        if threading.current_thread().name == "first" and statement.lstrip().upper().startswith("UPDATE CREDENTIALS"):
            checked.set()
            resume.wait(timeout=DEADLINE)

    def suspend(name: str) -> None:
        with database.session() as session:
            try:
                change_status(session, session.get(Credential, credential_id), "suspend", name, name)
                outcomes[name] = "applied"
            except StatusChangeRefused:
                outcomes[name] = "refused"

    event.listen(database.engine, "before_cursor_execute", pause_before_update)
    try:
        first = threading.Thread(target=suspend, args=("first",), name="first")
        second = threading.Thread(target=suspend, args=("second",), name="second")
        first.start()
        assert checked.wait(timeout=DEADLINE)
        second.start()
        second.join(timeout=1.0)  # PostgreSQL: done by now; SQLite: waiting for the first's transaction
        resume.set()
        first.join(timeout=DEADLINE)
        second.join(timeout=DEADLINE)
    finally:
        resume.set()
        event.remove(database.engine, "before_cursor_execute", pause_before_update)
    with database.session() as session:
        events = session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "credential.suspend"))
    assert sorted(outcomes.values()) == ["applied", "refused"], outcomes
    assert events == 1, "two suspend events for one credential"


def test_change_status_leaves_no_transaction_open(issued):
    """A caller that keeps its session after a change (a CLI loop, a worker) must not keep the
    database locked: on SQLite an open transaction of ours is the write lock, and every other
    writer waits for it, then fails with "database is locked"."""
    with issued.database.session() as session:
        change_status(session, session.get(Credential, issued.credentials[0]), "suspend", "test", "test")
        assert not session.in_transaction()


# --- SIGKILL at random moments, including inside change_status ----------------------------------

def revoke_until_killed() -> None:
    """Child process: once "go" arrives on stdin, revoke each credential named on the command line
    and print "ack <id>" once change_status has returned. With SKILLPASS_TEST_COMMIT_DELAY set it
    also pauses inside change_status, and says so first: after the UPDATEs ("before_commit": the
    audit event is not written yet) and after the audit event is written ("after_flush"), each
    before COMMIT. At the point SKILLPASS_TEST_HANG_AT names it waits there until it is killed."""
    url, credential_ids = sys.argv[1], [int(arg) for arg in sys.argv[2:]]
    delay = float(os.environ.get(DELAY_VARIABLE) or 0)
    hang_at = os.environ.get(HANG_VARIABLE)
    database = Database(url)
    current: list[int] = []

    def pause(point: str):
        def hook(*_args) -> None:
            if current and delay:
                print(f"inside {current[0]} {point}", flush=True)
                time.sleep(DEADLINE if hang_at == f"{current[0]} {point}" else delay)
        return hook

    event.listen(database.sessions, "before_commit", pause("before_commit"))
    event.listen(database.sessions, "after_flush_postexec", pause("after_flush"))
    sys.stdin.readline()  # started ahead of its round, it waits for the previous one to end
    for credential_id in credential_ids:
        print(f"begin {credential_id}", flush=True)
        current[:] = [credential_id]
        with database.session() as session:
            change_status(session, session.get(Credential, credential_id), "revoke", "durability test", "test")
        current.clear()
        print(f"ack {credential_id}", flush=True)


@dataclass
class Child:
    """A :func:`revoke_until_killed` process, and the lines it printed."""

    process: subprocess.Popen
    lines: queue.Queue
    reader: threading.Thread
    credential_ids: list[int]
    mode: str  # where to kill it: "before_commit" or "after_flush" (inside ``target``'s change), or "random"
    target: int | None

    @classmethod
    def start(cls, url: str, credential_ids: list[int], mode: str, rng: random.Random) -> Child:
        target = rng.choice(credential_ids) if mode != "random" else None
        environment = {**os.environ, DELAY_VARIABLE: "0.03", HANG_VARIABLE: f"{target} {mode}" if target else ""}
        process = subprocess.Popen([sys.executable, "-c", CHILD, url, *map(str, credential_ids)], cwd=ROOT,
                                   env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        lines: queue.Queue[str | None] = queue.Queue()
        reader = threading.Thread(target=_read_lines, args=(process.stdout, lines))
        reader.start()
        return cls(process, lines, reader, credential_ids, mode, target)

    def run_and_kill(self, rng: random.Random) -> list[str]:
        """Let it go, SIGKILL it at its kill point, and return everything it printed."""
        seen: list[str] = []
        try:
            self.process.stdin.write("go\n")
            self.process.stdin.flush()
            self._kill_when(seen, rng)
        finally:
            self.stop()
        while (line := self.lines.get_nowait() if not self.lines.empty() else None) is not None:
            seen.append(line)
        return seen

    def _kill_when(self, seen: list[str], rng: random.Random) -> None:
        deadline, kill_at = time.monotonic() + DEADLINE, None
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.5 if kill_at is None else max(0.0, kill_at - time.monotonic()))
            except queue.Empty:
                line = ""
            if line is None:  # it finished before the kill point
                return
            if line:
                seen.append(line)
            if self.mode == "random" and kill_at is None and line.startswith("begin "):
                kill_at = time.monotonic() + rng.uniform(0.0, 0.35)
            if (kill_at is not None and time.monotonic() >= kill_at) or line == f"inside {self.target} {self.mode}":
                self.process.kill()  # SIGKILL
                return
        raise AssertionError(f"the child did not reach its kill point: {seen}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=DEADLINE)
        self.reader.join(timeout=DEADLINE)
        self.process.stdin.close()
        self.process.stdout.close()


def _read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line.strip())
    lines.put(None)


def test_sigkill_during_revocations_loses_nothing(issued):
    seed = int(os.environ.get("SKILLPASS_TEST_SEED") or random.randrange(2**32))
    rng = random.Random(seed)
    modes = ("before_commit", "after_flush", "random", "random")
    batches = [issued.credentials[6 * n:6 * n + 6] for n in range(len(modes))]
    acknowledged: set[int] = set()
    following = Child.start(issued.url, batches[0], modes[0], rng)
    try:
        for number, mode in enumerate(modes):
            child = following
            following = None
            if number + 1 < len(modes):  # started now, so its imports overlap this round
                following = Child.start(issued.url, batches[number + 1], modes[number + 1], rng)
            lines = child.run_and_kill(rng)
            acked = {int(line.split()[1]) for line in lines if line.startswith("ack ")}
            acknowledged |= acked
            context = f"seed {seed}, round {number} ({mode}), child said {lines}: "
            assert acked <= set(child.credential_ids), context
            assert_consistent(issued, acknowledged, context)
            if child.target is not None:
                assert child.target not in acked and f"inside {child.target} {mode}" in lines, context
                with issued.database.session() as session:
                    revoked = session.get(Credential, child.target).revoked
                assert revoked is False, context + "a change killed before its COMMIT was applied"
    finally:
        if following is not None:
            following.stop()
    assert acknowledged, f"seed {seed}: no revocation was acknowledged in any round"
