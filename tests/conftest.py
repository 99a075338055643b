"""Shared fixtures.

`db_url` gives each test its own freshly migrated database: a copy of a migrated SQLite
file, and — when MSP_TEST_POSTGRES_URL is set — a fresh schema on that PostgreSQL server
(the same test runs on both). Nothing depends on another test's leftovers.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from db.engine import dispose_engines, make_engine, upgrade

POSTGRES_URL = os.environ.get("MSP_TEST_POSTGRES_URL", "").strip()
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


# Tests need no durability: skipping the flush at each commit makes DDL several times faster.
FAST_COMMITS = "-csynchronous_commit=off"


def _postgres_schema_url(schema: str) -> str:
    url = make_url(POSTGRES_URL)
    return url.update_query_dict(
        {"options": f"-csearch_path={schema} {FAST_COMMITS}"}
    ).render_as_string(hide_password=False)


def _admin_engine():
    url = make_url(POSTGRES_URL).update_query_dict({"options": FAST_COMMITS})
    return sa.create_engine(url)


def new_postgres_schema() -> tuple[str, str]:
    """Create an empty schema; return (schema, URL whose search_path is that schema)."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin_engine()
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema, _postgres_schema_url(schema)


def drop_postgres_schema(schema: str) -> None:
    admin = _admin_engine()
    with admin.begin() as conn:
        conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def empty_db_url(request, tmp_path):
    """A URL of an empty (unmigrated) database, on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        dispose_engines()
        return
    if not POSTGRES_URL:
        pytest.skip("MSP_TEST_POSTGRES_URL is not set")
    schema, url = new_postgres_schema()
    yield url
    dispose_engines()
    drop_postgres_schema(schema)


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path, migrated_sqlite_template):
    """A URL of a freshly migrated database of its own, on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "msp.sqlite3"
        shutil.copyfile(migrated_sqlite_template, path)
        yield f"sqlite:///{path}"
        dispose_engines()
        return
    if not POSTGRES_URL:
        pytest.skip("MSP_TEST_POSTGRES_URL is not set")
    schema, url = new_postgres_schema()
    upgrade(url)
    yield url
    dispose_engines()
    drop_postgres_schema(schema)


@pytest.fixture
def sqlite_url(tmp_path, migrated_sqlite_template):
    """A freshly migrated SQLite database only (for tests that need nothing else)."""
    path = tmp_path / "msp.sqlite3"
    shutil.copyfile(migrated_sqlite_template, path)
    yield f"sqlite:///{path}"
    dispose_engines()


@pytest.fixture
def engine(db_url):
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture(autouse=True)
def every_write_is_audited():
    """Fails a test in which the app committed a change without an audit event, or with
    more than one (see tests/audit_probe.py)."""
    from tests.audit_probe import AuditProbe

    probe = AuditProbe()
    probe.listen()
    yield probe
    probe.stop()
    assert not probe.unaudited, f"written without an audit event: {probe.unaudited}"
    assert not probe.multiple, f"more than one audit event for one change: {probe.multiple}"


def pytest_terminal_summary(terminalreporter) -> None:
    """List the screenshots the browser tests recorded (`record_property("screenshot", path)`)
    at the end of the test output, so that a run shows where to look at them."""
    shots: dict[tuple[str, str], None] = {}  # in order, once each
    for reports in terminalreporter.stats.values():
        for report in reports:
            for name, value in getattr(report, "user_properties", ()):
                if name == "screenshot":
                    shots[(report.nodeid, value)] = None
    if shots:
        terminalreporter.section("screenshots")
        for nodeid, path in shots:
            terminalreporter.write_line(f"{nodeid}: {path}")
