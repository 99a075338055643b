"""The `msp` command: database migrations, accounts and synthetic data for administrators.

Every command honours MSP_DATABASE_URL (or --database-url). Errors are printed plainly and
exit with status 1 (2 for wrong usage); nothing personal is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from db.engine import current_revision, database_url, get_engine, redacted, upgrade
from msp import vocab
from msp.errors import MspError, ValidationError


def _engine(args: argparse.Namespace):
    return get_engine(args.database_url)


def cmd_migrate(args: argparse.Namespace) -> int:
    before = current_revision(args.database_url)
    upgrade(args.database_url)
    after = current_revision(args.database_url)
    where = redacted(args.database_url)
    if before == after:
        print(f"Database {where} is up to date (revision {after}).")
    else:
        print(f"Database {where} upgraded from {before or 'empty'} to revision {after}.")
    return 0


def _read_password(args: argparse.Namespace) -> str | None:
    if not args.password_stdin:
        return None
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise ValidationError({"password": "No password was given on standard input"})
    return password


def cmd_users_add(args: argparse.Namespace) -> int:
    from msp.users import add_user

    upgrade(args.database_url)
    password = _read_password(args)
    if password is None and not args.email:
        raise ValidationError(
            {"password": "Give --password-stdin, or --email for a single sign-on account"}
        )
    user, created_teams = add_user(
        _engine(args),
        actor=None,
        username=args.username,
        display_name=args.display_name or args.username,
        role=args.role,
        team_names=args.team or [],
        password=password,
        email=args.email,
        create_missing_teams=True,
    )
    for team in created_teams:
        print(f"Created team {team!r}.")
    teams = ", ".join(user.team_names) or "no team"
    print(f"Added {user.role_label.lower()} {user.username} ({teams}).")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    from msp.users import list_users

    upgrade(args.database_url)
    rows = list_users(_engine(args))
    if not rows:
        print(
            "No users yet. Add one with: "
            "msp users add USERNAME --role administrator --password-stdin"
        )
        return 0
    header = ("Username", "Name", "Role", "Teams", "Active")
    table = [
        (
            r.username,
            r.display_name,
            r.role_label,
            ", ".join(r.teams),
            "yes" if r.is_active else "no",
        )
        for r in rows
    ]
    widths = [max(len(str(x)) for x in col) for col in zip(header, *table, strict=False)]
    for line in (header, *table):
        print("  ".join(str(v).ljust(w) for v, w in zip(line, widths, strict=True)).rstrip())
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    from msp.demo import generate

    upgrade(args.database_url)
    started = time.perf_counter()
    summary = generate(_engine(args), enquiries=args.enquiries, seed=args.seed, today=args.today)
    elapsed = time.perf_counter() - started
    print(f"Filled {redacted(args.database_url)} with synthetic data (seed {args.seed}).")
    for name, count in summary.counts.items():
        print(f"  {name:<28}{count:>12,}")
    print(f"Took {elapsed:.1f} s.")
    return 0


def cmd_sac(args: argparse.Namespace) -> int:
    """The national return's MSP-related tables (see msp.sac) as CSV or XLSX."""
    from msp import exports, sac
    from msp.periods import parse_fy_label

    try:
        year = parse_fy_label(args.year)
    except ValueError as exc:
        raise ValidationError({"year": str(exc)}) from None
    if args.format == "xlsx" and not args.output:
        raise ValidationError({"output": "Give --output FILE to write an xlsx workbook"})
    upgrade(args.database_url)
    tables = sac.sac_tables(
        _engine(args), year, team_names=[args.team] if args.team else None, suppress=args.suppress
    )
    if args.format == "xlsx":
        exports.to_xlsx(sac.sac_sheets(tables, year=year, suppressed=args.suppress), args.output)
    elif args.output:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            exports.to_csv(sac.sac_frame(tables), out)
    else:
        exports.to_csv(sac.sac_frame(tables), sys.stdout)
    if args.output:
        print(f"Wrote the {args.year} tables to {args.output}.", file=sys.stderr)
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    """Permanently remove enquiries concluded before a date (see msp.retention)."""
    from msp.retention import apply_retention

    upgrade(args.database_url)
    counts = apply_retention(
        _engine(args), concluded_before=args.concluded_before, dry_run=args.dry_run
    )
    verb = "Would remove" if args.dry_run else "Removed"
    print(f"{verb} everything about enquiries concluded before {args.concluded_before:%d %B %Y}:")
    for name, count in counts.as_dict().items():
        print(f"  {name.replace('_', ' '):<22}{count:>10,}")
    if args.dry_run:
        print("Dry run: nothing was removed. Run again without --dry-run to remove it.")
    else:
        print("An audit event records these counts.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from msp.backup import backup

    target = backup(args.database_url, Path(args.file))
    print(f"Backed up {redacted(args.database_url)} to {target}.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from msp.backup import restore

    restore(args.database_url, Path(args.file), force=args.force)
    print(f"Restored {args.file} into {redacted(args.database_url)}.")
    upgrade(args.database_url)
    return 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from msp.doctor import run_checks

    checks = run_checks(args.database_url, Path(args.secrets))
    for check in checks:
        mark = "ok  " if check.ok and not check.warning else ("note" if check.ok else "FAIL")
        print(f"[{mark}] {check.name}: {check.message}")
    failed = [c for c in checks if not c.ok]
    print("All checks passed." if not failed else f"{len(failed)} problem(s) to fix.")
    return 0 if not failed else 1


def cmd_import(args: argparse.Namespace) -> int:
    """Import enquiries from the pilot spreadsheet (CSV or XLSX), all or nothing."""
    from msp.importer import import_file, importer_by_username

    upgrade(args.database_url)
    engine = _engine(args)
    actor = None
    if args.as_user:
        actor = importer_by_username(engine, args.as_user)
        if actor is None:
            raise ValidationError({"as": f"No active user called {args.as_user!r}"})
    path = Path(args.file)
    if not path.is_file():
        raise ValidationError({"file": f"There is no file called {args.file}"})
    report = import_file(
        engine, actor, path, filename=path.name, dry_run=args.dry_run, today=dt.date.today()
    )
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


def cmd_bench(args: argparse.Namespace) -> int:
    from msp import bench

    results = bench.run(
        enquiries=args.enquiries,
        database_url=args.bench_database_url,
        runs=args.runs,
        save_runs=args.save_runs,
        progress=lambda message: print(f"... {message}", file=sys.stderr, flush=True),
    )
    print(bench.report(results))
    if args.json:
        bench.write_json(results, Path(args.json))
        print(f"Wrote {args.json}.")
    return 0


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"Enter a date as YYYY-MM-DD, not {value!r}") from None


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"Enter a whole number of 1 or more, not {value!r}")
    return n


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="msp", description="MSP Outcomes: administration commands."
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="database to use (default: MSP_DATABASE_URL, or data/msp.sqlite3)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("migrate", help="create or upgrade the database to the latest schema")
    p.set_defaults(func=cmd_migrate)

    users = sub.add_parser("users", help="add or list user accounts")
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    p = users_sub.add_parser("add", help="add a user")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=vocab.ROLES.codes)
    p.add_argument(
        "--team",
        action="append",
        metavar="NAME",
        help="team the user belongs to (repeat for a supervisor's several teams); "
        "a team that does not exist yet is created",
    )
    p.add_argument("--display-name", help="name shown in the app (default: the username)")
    p.add_argument("--email", help="email address for single sign-on")
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input",
    )
    p.set_defaults(func=cmd_users_add)
    p = users_sub.add_parser("list", help="list users")
    p.set_defaults(func=cmd_users_list)

    p = sub.add_parser("demo-data", help="fill an empty database with wholly synthetic data")
    p.add_argument("--enquiries", type=_positive, default=3000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--today",
        type=_date,
        default=None,
        help="date the data is generated as of (default: today); same seed and date, same data",
    )
    p.set_defaults(func=cmd_demo_data)

    p = sub.add_parser("sac", help="write the national return's MSP-related tables (SAC)")
    p.add_argument("--year", required=True, metavar="YYYY-YY", help="financial year, e.g. 2025-26")
    p.add_argument("--team", metavar="NAME", help="only this team (default: every team)")
    p.add_argument(
        "--suppress",
        action="store_true",
        help="apply the small-number rule ([c] for 0-4, others rounded to 5) for sharing",
    )
    p.add_argument("--format", required=True, choices=("csv", "xlsx"))
    p.add_argument("--output", metavar="FILE", help="file to write (csv: default standard output)")
    p.set_defaults(func=cmd_sac)

    p = sub.add_parser("backup", help="take a consistent copy of the database into FILE")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(func=cmd_backup)
    p = sub.add_parser("restore", help="restore a backup FILE into an empty database")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--force", action="store_true", help="replace a database that holds data")
    p.set_defaults(func=cmd_restore)
    p = sub.add_parser("doctor", help="check the database, schema, settings and sign-in set-up")
    p.add_argument(
        "--secrets", default=".streamlit/secrets.toml", help="Streamlit secrets file to check"
    )
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser("import", help="import enquiries from the pilot spreadsheet (CSV or XLSX)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="check and report only; write nothing")
    p.add_argument(
        "--as",
        dest="as_user",
        metavar="USERNAME",
        help="import as this user, a supervisor (their teams) or an administrator",
    )
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "bench", help="measure demo data, dashboard, SAC and save speed at national scale"
    )
    p.add_argument("--enquiries", type=_positive, default=200_000)
    p.add_argument(
        "--database-url",
        dest="bench_database_url",
        default=None,
        help="an EMPTY database to fill (default: a temporary SQLite file)",
    )
    p.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    p.add_argument("--runs", type=_positive, default=5, help="runs per timing (median)")
    p.add_argument("--save-runs", type=_positive, default=50, help="saves per kind (median)")
    p.set_defaults(func=cmd_bench)

    p = sub.add_parser(
        "retention",
        help="permanently remove enquiries concluded before a date (the retention job)",
    )
    p.add_argument("--concluded-before", required=True, type=_date, metavar="YYYY-MM-DD")
    p.add_argument("--dry-run", action="store_true", help="say what would be removed, only")
    p.set_defaults(func=cmd_retention)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.database_url = args.database_url or database_url()
    try:
        return args.func(args)
    except ValidationError as exc:
        for field, message in exc.problems.items():
            print(f"error: {field}: {message}", file=sys.stderr)
        return 1
    except MspError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
