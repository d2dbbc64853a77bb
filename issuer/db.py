"""The database connection of one app: an engine, a session per request, migrations."""

from __future__ import annotations

from pathlib import Path

from flask import current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).parent / "migrations"


class Database:
    """An engine and a session factory for one database URL.

    SQLite gets foreign keys, WAL and a busy timeout so that concurrent writers
    wait for each other instead of failing.
    """

    def __init__(self, url: str):
        self.url = url
        self.engine = create_engine(url, **_engine_options(url))
        if url.startswith("sqlite"):
            event.listen(self.engine, "connect", _configure_sqlite)
            event.listen(self.engine, "begin", _begin_immediate)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    def session(self) -> Session:
        return self.sessions()

    def upgrade(self) -> None:
        """Bring the schema to the newest migration (Alembic ``upgrade head``)."""
        from alembic import command

        command.upgrade(alembic_config(self.engine), "head")

    def dispose(self) -> None:
        self.engine.dispose()


def alembic_config(engine: Engine):
    """The Alembic configuration for our migrations, on ``engine``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def _engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        return {"connect_args": {"check_same_thread": False, "isolation_level": None, "timeout": 30}}
    return {"pool_pre_ping": True}


def _configure_sqlite(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _begin_immediate(connection) -> None:
    """Take SQLite's write lock at BEGIN, so read-then-write transactions never deadlock."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def get_session() -> Session:
    """The session of the current request (closed when the request ends)."""
    if "db_session" not in g:
        g.db_session = current_app.extensions["skillpass_db"].session()
    return g.db_session


def close_session(_error=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
