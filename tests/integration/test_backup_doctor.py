"""Backup and restore round trip, and `msp doctor` on good and broken set-ups."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from db.engine import make_engine, upgrade
from db.models import Base, Setting
from msp.backup import BackupError, backup, has_data, restore
from msp.cli import main
from msp.demo import generate
from tests.conftest import POSTGRES_URL, drop_postgres_schema, new_postgres_schema

TODAY = dt.date(2026, 11, 26)


def _contents(url: str) -> dict[str, list[tuple]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {
                name: sorted(tuple(map(repr, row)) for row in conn.execute(sa.select(table)))
                for name, table in Base.metadata.tables.items()
            }
    finally:
        engine.dispose()


def _empty_target(db_url, tmp_path):
    """A second, empty database on the same backend as `db_url`."""
    if db_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'restored.sqlite3'}", None
    schema, url = new_postgres_schema()
    return url, schema


def test_round_trip_of_a_demo_database(db_url, tmp_path, engine):
    generate(engine, enquiries=150, seed=3, today=TODAY)
    before = _contents(db_url)
    assert len(before["enquiries"]) == 150
    file = backup(db_url, tmp_path / "msp.backup")
    assert file.stat().st_size > 0
    with pytest.raises(BackupError, match="already exists"):
        backup(db_url, file)
    with pytest.raises(BackupError, match="already holds data"):
        restore(db_url, file)
    if db_url.startswith("sqlite"):
        target, schema = _empty_target(db_url, tmp_path)
        restore(target, file)
    else:
        # A PostgreSQL backup of one schema restores into that schema, emptied first.
        target, schema = db_url, None
        engine.dispose()
        _drop_everything(db_url)
        assert not has_data(db_url)
        restore(db_url, file)
    try:
        assert _contents(target) == before
        upgrade(target)  # the restored database is usable
    finally:
        if schema:
            drop_postgres_schema(schema)


def _drop_everything(url: str) -> None:
    eng = make_engine(url)
    with eng.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        Base.metadata.drop_all(conn)
        conn.execute(sa.text("DROP FUNCTION IF EXISTS audit_events_refuse_change() CASCADE"))
    eng.dispose()


def test_restore_with_force_replaces_data(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    generate(engine, enquiries=20, seed=1, today=TODAY)
    file = backup(sqlite_url, tmp_path / "a.backup")
    other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    upgrade(other)
    other_engine = make_engine(other)
    generate(other_engine, enquiries=30, seed=2, today=TODAY)
    other_engine.dispose()
    with pytest.raises(BackupError):
        restore(other, file)
    restore(other, file, force=True)
    assert _contents(other) == _contents(sqlite_url)
    engine.dispose()


def test_backup_refuses_missing_things(tmp_path):
    with pytest.raises(BackupError, match="no database"):
        backup(f"sqlite:///{tmp_path / 'none.sqlite3'}", tmp_path / "x.backup")
    with pytest.raises(BackupError, match="no backup file"):
        restore(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path / "missing.backup")
    junk = tmp_path / "junk.backup"
    junk.write_text("not a database")
    with pytest.raises(BackupError, match="not a SQLite backup"):
        restore(f"sqlite:///{tmp_path / 'y.sqlite3'}", junk)


def test_backup_and_restore_commands(sqlite_url, tmp_path, capsys):
    engine = make_engine(sqlite_url)
    generate(engine, enquiries=10, seed=1, today=TODAY)
    engine.dispose()
    file = tmp_path / "cli.backup"
    assert main(["--database-url", sqlite_url, "backup", str(file)]) == 0
    target = f"sqlite:///{tmp_path / 'cli-restored.sqlite3'}"
    assert main(["--database-url", target, "restore", str(file)]) == 0
    assert "Restored" in capsys.readouterr().out
    assert main(["--database-url", target, "restore", str(file)]) == 1
    assert "already holds data" in capsys.readouterr().err


# --- msp doctor ---------------------------------------------------------------------------


def _doctor(url, tmp_path, capsys, secrets: str | None = None):
    secrets_file = tmp_path / "secrets.toml"
    if secrets is not None:
        secrets_file.write_text(secrets)
    code = main(["--database-url", url, "doctor", "--secrets", str(secrets_file)])
    return code, capsys.readouterr().out


def test_doctor_on_a_good_installation(db_url, tmp_path, capsys):
    from msp.users import add_user

    add_user(
        make_engine(db_url),
        actor=None,
        username="admin",
        display_name="Admin",
        role="administrator",
        password="kettle-orbit-57-lantern",
    )
    code, out = _doctor(db_url, tmp_path, capsys)
    assert code == 0, out
    assert "[ok  ] Database: Connected" in out
    assert "schema is up to date" in out and "All checks passed." in out
    assert "The financial year runs from 1 April to 31 March." in out


def test_doctor_says_what_is_wrong(tmp_path, capsys, sqlite_url):
    # No server there.
    code, out = _doctor("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path, capsys)
    assert code == 1 and "[FAIL] Database: Cannot connect" in out and "MSP_DATABASE_URL" in out
    # An empty database: not migrated.
    code, out = _doctor(f"sqlite:///{tmp_path / 'empty.sqlite3'}", tmp_path, capsys)
    assert code == 1 and "run `msp migrate`" in out
    # Migrated, but nobody can sign in; bad targets; half-configured single sign-on.
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(Setting).values(
                key="targets", value={"max_gap_working_days": 0}, updated_at=dt.datetime.now(dt.UTC)
            )
        )
    engine.dispose()
    code, out = _doctor(sqlite_url, tmp_path, capsys, "[auth]\nclient_id = 'x'\n")
    assert code == 1
    assert "[FAIL] Accounts: No active administrator" in out
    assert "[FAIL] Settings:" in out and "max_gap_working_days" in out
    assert "[FAIL] Sign-in: Single sign-on is set up but will not work" in out
    assert "cookie_secret" in out
    # A reporting year start that is not a month.
    engine = make_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.update(Setting).values(value={}))
        conn.execute(
            sa.insert(Setting).values(
                key="reporting", value={"year_start_month": 13}, updated_at=dt.datetime.now(dt.UTC)
            )
        )
    engine.dispose()
    code, out = _doctor(sqlite_url, tmp_path, capsys)
    assert "[FAIL] Settings: The reporting year's start month is stored as 13" in out


@pytest.mark.skipif(not POSTGRES_URL, reason="MSP_TEST_POSTGRES_URL is not set")
def test_doctor_on_an_unmigrated_postgres_schema(tmp_path, capsys):
    schema, url = new_postgres_schema()
    try:
        code, out = _doctor(url, tmp_path, capsys)
        assert code == 1 and "The database is empty" in out
    finally:
        drop_postgres_schema(schema)
