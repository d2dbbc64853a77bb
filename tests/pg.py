"""A throwaway PostgreSQL server for the test session: ``initdb`` + ``pg_ctl`` in a temp dir.

Import the fixtures into a test module (``from tests.pg import database_url,
postgres_server, postgres_url``); ``database_url`` runs a test on SQLite and on
PostgreSQL. The server listens on 127.0.0.1 on a free port and on a Unix
socket in its own folder; the URLs handed out use the socket, so no test
opens a TCP connection. When no PostgreSQL server binaries are installed the
fixtures skip (Debian: ``apt-get install -y postgresql``, which brings
``postgresql-<version>`` with initdb, pg_ctl and postgres).

initdb refuses to run as root, so as root the server runs as ``nobody``.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
_names = itertools.count(1)


def postgres_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres, or None if PostgreSQL is not installed."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        result = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if result.returncode == 0 and result.stdout.strip():
            candidates.append(Path(result.stdout.strip()))
    candidates += [Path(path) for path in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for folder in candidates:
        if all(os.access(folder / name, os.X_OK) for name in SERVER_PROGRAMS):
            return folder
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    """One running server; :meth:`create_database` hands out fresh, empty databases."""

    bindir: Path
    folder: Path
    port: int
    user: pwd.struct_passwd | None  # whom the server runs as (None: the current user)
    watchdog: subprocess.Popen | None = None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def socket_dir(self) -> Path:
        return self.folder / "socket"

    def url(self, database: str) -> str:
        """A SQLAlchemy URL for ``database`` over the Unix socket."""
        return f"postgresql+psycopg://postgres@/{database}?host={self.socket_dir}&port={self.port}"

    def start(self) -> None:
        self.data.mkdir(mode=0o700)
        self.socket_dir.mkdir(mode=0o700)
        if self.user is not None:
            for path in (self.folder, self.data, self.socket_dir):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        self.watchdog = self._start_watchdog()
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                  "--no-locale", "--no-sync")
        options = (f"-p {self.port} -k {self.socket_dir} -c listen_addresses=127.0.0.1 "
                   "-c max_connections=60 -c shared_buffers=16MB")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-o", options,
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        """Stop the server and delete its folder (the watchdog does both once its pipe closes)."""
        if self.watchdog is not None:
            self.watchdog.stdin.close()
            self.watchdog.wait(timeout=60)
        else:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop", check=False)
            shutil.rmtree(self.folder, ignore_errors=True)

    def _start_watchdog(self) -> subprocess.Popen:
        """A shell that waits for its stdin to close, then stops the server and deletes its folder.

        The pipe closes when :meth:`stop` closes it, and also when the test process dies any
        other way (SIGTERM from a timeout, SIGKILL), so no server outlives its test session.
        Immediate shutdown: no checkpoint (seconds of fsync) for data about to be deleted.
        """
        stop = [str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"]
        script = f"cat >/dev/null; {shlex.join(stop)} >/dev/null 2>&1; rm -rf {shlex.quote(str(self.folder))}"
        return subprocess.Popen(["/bin/sh", "-c", script], stdin=subprocess.PIPE, cwd="/", start_new_session=True,
                                **self._as_server_user())

    def create_database(self, template: str | None = None) -> str:
        """A new database, empty or a copy of ``template`` (which must have no open connections)."""
        name = f"skillpass_test_{os.getpid()}_{next(_names)}"
        self._admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        return name

    def drop_database(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(host=str(self.socket_dir), port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as connection:
            connection.execute(statement)

    def _as_server_user(self) -> dict:
        if self.user is None:
            return {}
        return {"user": self.user.pw_uid, "group": self.user.pw_gid, "extra_groups": []}

    def _run(self, program: str, *args: str, check: bool = True) -> None:
        result = subprocess.run([str(self.bindir / program), *args], capture_output=True, text=True,
                                cwd=self.folder, env={**os.environ, "LC_ALL": "C"}, **self._as_server_user())
        if check and result.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr or result.stdout}\n{tail}")


def _server_user() -> pwd.struct_passwd | None:
    if os.geteuid() != 0:
        return None
    return pwd.getpwnam("nobody")


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for the whole session; skips when PostgreSQL is not installed."""
    bindir = postgres_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl, postgres) are not installed; "
                    "on Debian: apt-get install -y postgresql")
    base = "/tmp" if os.geteuid() == 0 and os.path.isdir("/tmp") else None  # must be traversable by nobody
    server = PostgresServer(bindir, Path(tempfile.mkdtemp(prefix="skillpass-pg-", dir=base)), free_port(),
                            _server_user())
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server):
    """A fresh, empty database on the session's server.

    It is not dropped after the test: DROP DATABASE forces a checkpoint (about a
    second), and the whole server is thrown away at the end of the session.
    """
    return postgres_server.url(postgres_server.create_database())


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """The same test on both engines: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'skillpass.db'}"
    return request.getfixturevalue("postgres_url")
