"""Backup and restore.

SQLite: the online backup API takes a consistent copy while the app is running (readers and
writers carry on). PostgreSQL: `pg_dump --format=custom` and `pg_restore`, which must be on
the PATH (Debian: postgresql-client). A restore goes only into an empty database unless
forced, so a mistyped URL cannot overwrite live cases.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from db.engine import is_sqlite, make_engine
from db.models import Enquiry, Person, Team, User
from msp.errors import MspError


class BackupError(MspError):
    pass


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("Backups need a SQLite database file, not an in-memory database")
    return Path(database)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for pg_dump/pg_restore, with the password in the
    environment rather than on the command line."""
    u = make_url(url)
    env = dict(os.environ)
    if u.password:
        env["PGPASSWORD"] = u.password
    plain = u.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    # psycopg's "options" query is understood by libpq too; others are dropped.
    return plain, env


def _schema_args(url: str) -> list[str]:
    """`--schema NAME` when the URL pins a search_path (one schema), else nothing."""
    options = make_url(url).query.get("options", "")
    if isinstance(options, tuple):
        options = " ".join(options)
    for part in options.replace("-c ", "-c").split():
        if part.startswith("-csearch_path="):
            schema = part.split("=", 1)[1].split(",")[0].strip()
            if schema:
                return ["--schema", schema]
    return []


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(
            f"{name} was not found. Install the PostgreSQL client tools "
            "(Debian: apt-get install postgresql-client) and try again."
        )
    return path


def has_data(url: str) -> bool:
    """True when the database holds any team, user, person or enquiry."""
    engine = make_engine(url, foreign_keys=False)
    try:
        inspector = sa.inspect(engine)
        tables = set(inspector.get_table_names())
        if "enquiries" not in tables:
            return bool(tables - {"alembic_version"})
        with engine.connect() as conn:
            return any(
                conn.execute(sa.select(sa.exists().where(m.id.is_not(None)))).scalar()
                for m in (Team, User, Person, Enquiry)
            )
    finally:
        engine.dispose()


def backup(url: str, target: Path) -> Path:
    """Write a consistent copy of the database at `url` to `target` (never overwritten)."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name for the backup")
    target.parent.mkdir(parents=True, exist_ok=True)
    if is_sqlite(url):
        source = _sqlite_path(url)
        if not source.exists():
            raise BackupError(f"There is no database at {source}")
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
        src.close()
        return target
    conninfo, env = _libpq(url)
    result = subprocess.run(
        [
            _tool("pg_dump"),
            "--format=custom",
            "--no-owner",
            *_schema_args(url),
            "--file",
            str(target),
            conninfo,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        target.unlink(missing_ok=True)
        raise BackupError("pg_dump failed: " + result.stderr.strip())
    return target


def restore(url: str, source: Path, *, force: bool = False) -> None:
    """Restore a backup into the database at `url`, which must be empty unless `force`."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}")
    if not force and has_data(url):
        raise BackupError(
            "The database already holds data. Restore into an empty database, or add --force "
            "to replace everything in it with the backup."
        )
    if is_sqlite(url):
        with sqlite3.connect(source) as check:
            try:
                check.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.DatabaseError:
                raise BackupError(f"{source} is not a SQLite backup") from None
        check.close()
        target = _sqlite_path(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        dst.close()
        src.close()
        return
    conninfo, env = _libpq(url)
    command = [
        _tool("pg_restore"),
        "--no-owner",
        "--exit-on-error",
        "--single-transaction",
        *_schema_args(url),
        "--dbname",
        conninfo,
    ]
    if force:
        command[1:1] = ["--clean", "--if-exists"]
    else:
        _drop_empty_schema_objects(url)
    result = subprocess.run(
        [*command, str(source)], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError("pg_restore failed: " + result.stderr.strip())


def _drop_empty_schema_objects(url: str) -> None:
    """An 'empty' PostgreSQL database may still hold the app's (empty) tables, e.g. after
    the app started once; remove them so the backup's schema can be restored."""
    from db.models import Base

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
            Base.metadata.drop_all(conn)
            conn.execute(sa.text("DROP FUNCTION IF EXISTS audit_events_refuse_change() CASCADE"))
    finally:
        engine.dispose()
