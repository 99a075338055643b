"""`msp doctor`: checks an installation and says plainly what is wrong and what to do."""

from __future__ import annotations

import importlib.util
import tomllib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from db.engine import current_revision, head_revision, make_engine, redacted

SSO_KEYS = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str
    warning: bool = False  # worth knowing, not a fault


def _database(url: str) -> tuple[Check, bool]:
    engine = make_engine(url, foreign_keys=False)
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to connect is reported, not raised
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:300]
        return (
            Check(
                "Database",
                False,
                f"Cannot connect to {redacted(url)}: {reason}. Check MSP_DATABASE_URL, that the "
                "database server is running and that the user may connect.",
            ),
            False,
        )
    finally:
        engine.dispose()
    return Check("Database", True, f"Connected to {redacted(url)}."), True


def _migrations(url: str) -> Check:
    current, head = current_revision(url), head_revision()
    if current is None:
        return Check(
            "Schema",
            False,
            "The database is empty: run `msp migrate` (the app also does this when it starts).",
        )
    if current != head:
        return Check(
            "Schema",
            False,
            f"The database is at revision {current}, but this version of the "
            f"app needs {head}: take a backup (`msp backup FILE`), then run `msp migrate`.",
        )
    return Check("Schema", True, f"The schema is up to date (revision {head}).")


def _settings(url: str) -> Check:
    from db.models import Setting
    from msp.periods import ReportingYear
    from msp.settings import REPORTING_KEY, TARGETS_KEY, Targets

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            stored = dict(
                conn.execute(
                    sa.select(Setting.key, Setting.value).where(
                        Setting.key.in_([TARGETS_KEY, REPORTING_KEY])
                    )
                ).all()
            )
    finally:
        engine.dispose()
    value = stored.get(TARGETS_KEY)
    if value is None:
        targets = "Timescale targets: the defaults."
    else:
        bad = [
            k for k, v in value.items() if not isinstance(v, int) or isinstance(v, bool) or v < 1
        ]
        unknown = set(value) - set(Targets().as_value())
        if bad or unknown:
            return Check(
                "Settings",
                False,
                "Timescale targets hold values that are not whole numbers of 1 "
                f"or more, or unknown names: {', '.join(sorted(set(bad) | unknown))}. Correct "
                "them on the Settings screen.",
            )
        targets = "Timescale targets are valid."
    month = (stored.get(REPORTING_KEY) or {}).get("year_start_month", ReportingYear().start_month)
    try:
        reporting = ReportingYear(month)
    except ValueError:
        return Check(
            "Settings",
            False,
            f"The reporting year's start month is stored as {month!r}, not a month from 1 to "
            "12. Choose the month again on the Settings screen.",
        )
    return Check(
        "Settings", True, f"{targets} The {reporting.name} runs from {reporting.describe()}."
    )


def _accounts(url: str) -> tuple[list[Check], int]:
    from db.models import Setting, User

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            admins = conn.execute(
                sa.select(sa.func.count(User.id)).where(
                    User.role == "administrator",
                    User.is_active.is_(True),
                    sa.or_(User.password_hash.is_not(None), User.email.is_not(None)),
                )
            ).scalar()
            with_email = conn.execute(
                sa.select(sa.func.count(User.id)).where(
                    User.is_active.is_(True), User.email.is_not(None)
                )
            ).scalar()
            demo = conn.execute(
                sa.select(Setting.key).where(Setting.key == "demo_database")
            ).scalar()
    finally:
        engine.dispose()
    checks = []
    if admins:
        checks.append(Check("Accounts", True, f"{admins} active administrator(s) can sign in."))
    else:
        checks.append(
            Check(
                "Accounts",
                False,
                "No active administrator can sign in: open the app to create "
                "the first administrator, or run `msp users add NAME --role administrator "
                "--password-stdin`.",
            )
        )
    if demo:
        checks.append(
            Check(
                "Demo",
                True,
                "This is a demo database of wholly synthetic data; it must not hold real cases.",
                warning=True,
            )
        )
    return checks, with_email


def _single_sign_on(secrets_file: Path, users_with_email: int) -> Check:
    if not secrets_file.is_file():
        return Check(
            "Sign-in",
            True,
            f"Local accounts with passwords (no single sign-on set up in {secrets_file}).",
        )
    try:
        secrets = tomllib.loads(secrets_file.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Check("Sign-in", False, f"{secrets_file} is not valid TOML: {exc}.")
    auth = secrets.get("auth")
    if auth is None:
        return Check(
            "Sign-in", True, f"Local accounts with passwords (no [auth] section in {secrets_file})."
        )
    missing = [k for k in SSO_KEYS if not str(auth.get(k, "")).strip()]
    problems = []
    if missing:
        problems.append(f"the [auth] section lacks {', '.join(missing)}")
    if importlib.util.find_spec("authlib") is None:
        problems.append("the Authlib package is not installed (make run installs it)")
    if (
        str(auth.get("redirect_uri", "")).startswith("http://")
        and "127.0.0.1" not in str(auth.get("redirect_uri"))
        and "localhost" not in str(auth.get("redirect_uri"))
    ):
        problems.append("redirect_uri should use https:// behind the reverse proxy")
    if not users_with_email:
        problems.append("no active user has an email address, so nobody could sign in with it")
    if problems:
        return Check(
            "Sign-in",
            False,
            "Single sign-on is set up but will not work: " + "; ".join(problems) + ".",
        )
    return Check("Sign-in", True, "Single sign-on is set up (OpenID Connect).")


def run_checks(url: str, secrets_file: Path) -> list[Check]:
    database, connected = _database(url)
    checks = [database]
    if not connected:
        return checks
    schema = _migrations(url)
    checks.append(schema)
    if not schema.ok:
        return checks
    checks.append(_settings(url))
    account_checks, with_email = _accounts(url)
    checks.extend(account_checks)
    checks.append(_single_sign_on(secrets_file, with_email))
    return checks
