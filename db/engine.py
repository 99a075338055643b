"""Engines, sessions and migrations.

`MSP_DATABASE_URL` picks the database; the default is a SQLite file under `data/` in the
working directory. One engine per URL for the process; a new Session per unit of work.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

DEFAULT_SQLITE_FILE = Path("data") / "msp.sqlite3"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 10_000

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def database_url() -> str:
    url = os.environ.get("MSP_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{DEFAULT_SQLITE_FILE.as_posix()}"


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def redacted(url: str) -> str:
    """The URL with any password hidden, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


def _ensure_sqlite_folder(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_on_connect(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A big GROUP BY (a year's desired outcomes or feedback answers by kind) sorts its rows:
    # two helper threads make that sort a fifth faster (`msp bench`).
    cursor.execute("PRAGMA threads=2")
    cursor.close()


def make_engine(url: str, *, foreign_keys: bool = True) -> Engine:
    """A new engine. SQLite gets foreign keys, WAL and a busy timeout on every connection
    (migrations ask for `foreign_keys=False`: a batch table rebuild must not cascade)."""
    if is_sqlite(url):
        _ensure_sqlite_folder(url)
        engine = sa.create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        if foreign_keys:
            sa.event.listen(engine, "connect", _sqlite_on_connect)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def get_engine(url: str | None = None) -> Engine:
    """The process's engine for `url` (default: MSP_DATABASE_URL)."""
    url = url or database_url()
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
        return engine


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


_session_factories: dict[int, sessionmaker[Session]] = {}


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back on error."""
    factory = _session_factories.get(id(engine))
    if factory is None or factory.kw.get("bind") is not engine:
        factory = _session_factories[id(engine)] = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as session, session.begin():
        yield session


# --- Migrations ------------------------------------------------------------------------------


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("path_separator", "os")
    cfg.attributes["database_url"] = url
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision` (creating it when empty)."""
    from alembic import command

    url = url or database_url()
    if is_sqlite(url):
        _ensure_sqlite_folder(url)
    command.upgrade(alembic_config(url), revision)


def current_revision(url: str | None = None) -> str | None:
    from alembic.runtime.migration import MigrationContext

    engine = make_engine(url or database_url(), foreign_keys=False)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
