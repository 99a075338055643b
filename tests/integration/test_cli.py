"""The `msp` command, run in-process against a database of the test's own."""

import io

import pytest

from db.engine import current_revision, get_engine, head_revision
from msp import auth
from msp.cli import main

PASSWORD = "kettle-orbit-57-lantern"


def test_migrate_creates_then_reports_up_to_date(empty_db_url, capsys):
    assert main(["--database-url", empty_db_url, "migrate"]) == 0
    assert "upgraded from empty" in capsys.readouterr().out
    assert current_revision(empty_db_url) == head_revision()
    assert main(["--database-url", empty_db_url, "migrate"]) == 0
    assert "up to date" in capsys.readouterr().out


def test_users_add_and_list(db_url, capsys, monkeypatch):
    monkeypatch.setenv("MSP_DATABASE_URL", db_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    code = main(
        [
            "users",
            "add",
            "sam",
            "--role",
            "supervisor",
            "--team",
            "North",
            "--team",
            "South",
            "--display-name",
            "Sam Supervisor",
            "--password-stdin",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Created team 'North'" in out and "Added supervisor sam (North, South)" in out
    assert PASSWORD not in out
    assert auth.authenticate(get_engine(db_url), "sam", PASSWORD) is not None

    assert main(["users", "list"]) == 0
    listing = capsys.readouterr().out
    assert "sam" in listing and "Supervisor" in listing and "North, South" in listing


def test_users_add_refuses_a_weak_password_plainly(db_url, capsys, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    code = main(
        [
            "--database-url",
            db_url,
            "users",
            "add",
            "sam",
            "--role",
            "administrator",
            "--password-stdin",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1
    assert "at least 12 characters" in err
    assert "short" not in err  # the password itself is never echoed


def test_unknown_role_is_a_usage_error(db_url):
    with pytest.raises(SystemExit) as exit_info:
        main(["--database-url", db_url, "users", "add", "sam", "--role", "boss"])
    assert exit_info.value.code == 2


def test_demo_data_fills_the_database_named_by_msp_database_url(empty_db_url, capsys, monkeypatch):
    import sqlalchemy as sa

    from db.models import Enquiry, User

    monkeypatch.setenv("MSP_DATABASE_URL", empty_db_url)
    args = ["demo-data", "--enquiries", "40", "--seed", "3", "--today", "2026-06-30"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "with synthetic data (seed 3)" in out
    assert any(line.split() == ["enquiries", "40"] for line in out.splitlines())
    engine = get_engine(empty_db_url)
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(Enquiry)) == 40
        users = conn.scalar(sa.select(sa.func.count()).select_from(User))
    # A database that holds data is refused, and nothing is added.
    assert main(args) == 1
    assert "error:" in capsys.readouterr().err
    with engine.connect() as conn:
        assert conn.scalar(sa.select(sa.func.count()).select_from(Enquiry)) == 40
        assert conn.scalar(sa.select(sa.func.count()).select_from(User)) == users
