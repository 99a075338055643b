"""`msp bench`: how fast the app is at national scale, measured in one process, in one go.

1. fill a fresh database with `msp demo-data` (N enquiries) and time it;
2. time each dashboard aggregate (median of cold-cache runs);
3. time the team dashboard and the commissioner view rendered server-side (AppTest);
4. time the SAC tables for one financial year;
5. time saving a conversation and an outcome change through the services;
6. time a naive baseline: rows into pandas, the team x quarter achievement table in Python;
7. report each figure, the ratio baseline / ours, peak resident memory, versions, database.

Nothing here is asserted: the figures are for people to read (and the README quotes them).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
import logging
import os
import platform
import random
import resource
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from db.engine import dispose_engines, is_sqlite, make_engine, redacted, unit_of_work, upgrade
from db.models import DesiredOutcome, Enquiry, Team, User
from msp import auth, metrics, sac
from msp.periods import financial_year

TARGETS_MS = {
    "aggregate": 100,
    "team_dashboard_render": 500,
    "commissioner_render": 500,
    "sac_tables": 300,
    "save": 50,
}
PAGES = {
    "team_dashboard_render": ("pages/dashboard.py", "supervisor"),
    "commissioner_render": ("pages/commissioner.py", "commissioner"),
}


def _median_ms(fn: Callable[[], Any], runs: int, before: Callable[[], None] | None = None) -> float:
    times = []
    for _ in range(runs):
        if before:
            before()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _versions() -> dict[str, str]:
    names = ["sqlalchemy", "streamlit", "pandas", "altair", "alembic", "psycopg"]
    found = {"python": platform.python_version()}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def _user(engine: Engine, role: str) -> auth.CurrentUser:
    with unit_of_work(engine) as session:
        user_id = session.scalar(
            sa.select(User.id).where(User.role == role, User.is_active.is_(True)).order_by(User.id)
        )
    return auth.load_user(engine, user_id)


def _aggregates(engine: Engine, year: int) -> dict[str, Callable[[], Any]]:
    admin = _user(engine, "administrator")
    commissioner = _user(engine, "commissioner")
    f = metrics.Filters(year=year)
    return {
        "headline": lambda: metrics.headline(engine, admin, f),
        "achievement_by_team": lambda: metrics.achievement_by_team(engine, admin, f),
        "achievement_by_worker": lambda: metrics.achievement_by_worker(engine, admin, f),
        "achievement_by_risk_type": lambda: metrics.achievement_by_risk_type(engine, admin, f),
        "achievement_by_location": lambda: metrics.achievement_by_location(engine, admin, f),
        "achievement_by_outcome": lambda: metrics.achievement_by_outcome(engine, admin, f),
        "p_chart_by_month": lambda: metrics.achievement_p_chart(engine, admin, f, period="month"),
        "funnel_by_team": lambda: metrics.achievement_funnel(engine, admin, f, by="team"),
        "feedback_answers": lambda: metrics.feedback_answers(engine, admin, f),
        "timeliness": lambda: metrics.timeliness(engine, admin, f),
        "commissioner_headline": lambda: metrics.commissioner_headline(engine, commissioner, f),
    }


def _render_page(
    url: str, page: str, role: str, engine: Engine
) -> tuple[Callable[[], None], Callable[[], None]] | None:
    """(open, render) for timing a page as a signed-in user of `role`, or None if the page
    is absent. `open` starts an AppTest session signed in on the home page and clears the
    caches; `render` (the part timed) opens `page` in it: one run of the frame and the page
    script, as a server does when the user picks the page. AppTest's own start-up (it scans
    the installed packages for components, which a server does once) is not timed."""
    root = Path(__file__).resolve().parent.parent
    if not (root / page).is_file():
        return None
    from streamlit.testing.v1 import AppTest

    user = _user(engine, role)
    opened: list[AppTest] = []

    def open_app() -> None:
        _quiet_streamlit()
        at = AppTest.from_file(str(root / "streamlit_app.py"), default_timeout=120)
        at.session_state["user_id"] = user.id
        at.session_state["last_active"] = dt.datetime.now(dt.UTC)
        at.run()
        _clear_caches()
        opened.append(at)

    def render() -> None:
        at = opened.pop()
        at.switch_page(page).run()
        if at.exception:
            raise RuntimeError(f"{page} failed: {at.exception[0].message}")

    return open_app, render


def _quiet_streamlit() -> None:
    """Streamlit gives each of its modules a logger of its own, with its own level: quieten
    every one (page code run outside a server warns about it on every call)."""
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("streamlit."):
            logging.getLogger(name).setLevel(logging.ERROR)


def _clear_caches() -> None:
    try:
        import streamlit as st

        st.cache_data.clear()
    except Exception:  # noqa: BLE001 - no Streamlit caches to clear
        pass


def _saves(engine: Engine, runs: int, today: dt.date) -> dict[str, float]:
    from msp import conversations, outcomes
    from msp.overview import get_enquiry

    practitioner = _user(engine, "practitioner")
    with unit_of_work(engine) as session:
        candidates = session.execute(
            sa.select(Enquiry.public_id, DesiredOutcome.id)
            .join(DesiredOutcome, DesiredOutcome.enquiry_id == Enquiry.id)
            .where(
                Enquiry.team_id.in_(practitioner.team_ids),
                Enquiry.status == "open",
                Enquiry.is_deleted.is_(False),
                DesiredOutcome.status == "active",
            )
            .limit(runs * 2)
        ).all()
    if not candidates:
        return {}
    rng = random.Random(7)
    conversation_ms, change_ms = [], []
    for i in range(runs):
        public_id, outcome_id = candidates[i % len(candidates)]
        version = get_enquiry(engine, practitioner, public_id, today=today).version
        start = time.perf_counter()
        version = conversations.log_conversation(
            engine,
            practitioner,
            public_id,
            conversations.NewConversation(
                held_on=today,
                with_person=True,
                method="phone",
                stage="during",
                summary="Benchmark conversation",
                outcome_ids=[outcome_id],
            ),
            expected_version=version,
            today=today,
        )
        conversation_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        outcomes.change_outcome(
            engine,
            practitioner,
            public_id,
            outcomes.OutcomeChange(
                outcome_id,
                "achievability",
                achievability=rng.choice(["likely", "partly"]),
                explanation="Benchmark assessment",
            ),
            effective_on=today,
            expected_version=version,
            today=today,
        )
        change_ms.append((time.perf_counter() - start) * 1000)
    return {
        "save_conversation": round(statistics.median(conversation_ms), 2),
        "save_outcome_change": round(statistics.median(change_ms), 2),
    }


def naive_team_quarter_table(engine: Engine, year: int) -> pd.DataFrame:
    """The baseline: read the enquiry and outcome rows into pandas and count in Python."""
    with engine.connect() as conn:
        enquiries = pd.read_sql(
            sa.select(
                Enquiry.id,
                Enquiry.team_id,
                Enquiry.concluded_on,
                Enquiry.msp_asked,
                Enquiry.msp_achieved,
                Enquiry.is_deleted,
            ),
            conn,
        )
        outcome_rows = pd.read_sql(
            sa.select(DesiredOutcome.enquiry_id, DesiredOutcome.rating), conn
        )
        teams = pd.read_sql(sa.select(Team.id.label("team_id"), Team.name), conn)
    enquiries = enquiries[~enquiries["is_deleted"].astype(bool)].dropna(subset=["concluded_on"])
    concluded = pd.to_datetime(enquiries["concluded_on"])
    fy = concluded.dt.year.where(concluded.dt.month >= 4, concluded.dt.year - 1)
    enquiries = enquiries[fy == year].copy()
    enquiries["quarter"] = ((pd.to_datetime(enquiries["concluded_on"]).dt.month - 4) % 12) // 3 + 1
    enquiries = enquiries[enquiries["msp_asked"] == "asked_expressed"]
    enquiries = enquiries.merge(
        outcome_rows.groupby("enquiry_id").size().rename("outcomes"),
        left_on="id",
        right_index=True,
        how="left",
    )
    table = (
        enquiries.groupby(["team_id", "quarter", "msp_achieved"])
        .size()
        .rename("count")
        .reset_index()
        .merge(teams, on="team_id")
    )
    return table


def our_team_quarter_table(engine: Engine, year: int) -> pd.DataFrame:
    """The same table, counted by the database over the stored reporting columns."""
    query = (
        sa.select(
            Enquiry.team_id,
            Enquiry.concluded_quarter.label("quarter"),
            Enquiry.msp_achieved,
            sa.func.count().label("count"),
        )
        .where(
            Enquiry.concluded_fy == year,
            Enquiry.is_deleted.is_(False),
            Enquiry.msp_asked == "asked_expressed",
        )
        .group_by(Enquiry.team_id, Enquiry.concluded_quarter, Enquiry.msp_achieved)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame(rows, columns=["team_id", "quarter", "msp_achieved", "count"])


def run(
    *,
    enquiries: int = 200_000,
    database_url: str | None = None,
    runs: int = 5,
    save_runs: int = 50,
    today: dt.date | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> dict[str, Any]:
    """Run the whole benchmark; returns the figures (milliseconds unless named otherwise)."""
    from msp.demo import generate

    today = today or dt.date.today()
    tmp = None
    if database_url is None:
        tmp = tempfile.TemporaryDirectory(prefix="msp-bench-")
        database_url = f"sqlite:///{Path(tmp.name) / 'bench.sqlite3'}"
    # Calling cached page code outside a server makes Streamlit warn on every call.
    os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")
    _quiet_streamlit()
    previous_env = os.environ.get("MSP_DATABASE_URL")
    os.environ["MSP_DATABASE_URL"] = database_url  # for the page renders
    try:
        upgrade(database_url)
        engine = make_engine(database_url)
        progress(f"Filling {redacted(database_url)} with {enquiries:,} synthetic enquiries")
        start = time.perf_counter()
        summary = generate(engine, enquiries=enquiries, seed=1, today=today)
        demo_seconds = round(time.perf_counter() - start, 2)
        if is_sqlite(database_url):
            with engine.begin() as conn:
                conn.execute(sa.text("ANALYZE"))
        else:
            # VACUUM too: it sets PostgreSQL's visibility map, as autovacuum soon would after
            # a bulk load, so that index-only scans need not visit the table.
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        year = financial_year(today) - 1  # the last complete financial year
        results: dict[str, Any] = {
            "enquiries": enquiries,
            "database": "sqlite" if is_sqlite(database_url) else engine.dialect.name,
            "rows": dict(getattr(summary, "counts", {}) or {}),
            "demo_data_seconds": demo_seconds,
            "financial_year": year,
            "runs": runs,
        }
        progress("Timing each dashboard aggregate")
        results["aggregates_ms"] = {
            name: _median_ms(fn, runs) for name, fn in _aggregates(engine, year).items()
        }
        progress("Timing the SAC tables")
        results["sac_tables_ms"] = _median_ms(lambda: sac.sac_tables(engine, year), runs)
        progress("Timing page renders")
        renders = {}
        for key, (page, role) in PAGES.items():
            timed = _render_page(database_url, page, role, engine)
            renders[key] = None if timed is None else _median_ms(timed[1], runs, before=timed[0])
        results["renders_ms"] = renders
        progress(f"Timing {save_runs} saves of each kind")
        results["saves_ms"] = _saves(engine, save_runs, today)
        progress("Timing the naive pandas baseline against the same table in SQL")
        ours = _median_ms(lambda: our_team_quarter_table(engine, year), runs)
        naive = _median_ms(lambda: naive_team_quarter_table(engine, year), max(3, runs // 2))
        a = our_team_quarter_table(engine, year).sort_values(["team_id", "quarter", "msp_achieved"])
        b = naive_team_quarter_table(engine, year).sort_values(
            ["team_id", "quarter", "msp_achieved"]
        )
        results["baseline"] = {
            "ours_ms": ours,
            "naive_pandas_ms": naive,
            "ratio": round(naive / ours, 1) if ours else None,
            "same_numbers": a["count"].tolist() == b["count"].tolist(),
        }
        results["peak_rss_mb"] = _peak_rss_mb()
        results["versions"] = _versions()
        results["machine"] = {"cpus": os.cpu_count(), "platform": platform.platform()}
        results["targets_ms"] = TARGETS_MS
        engine.dispose()
        return results
    finally:
        dispose_engines()
        if previous_env is None:
            os.environ.pop("MSP_DATABASE_URL", None)
        else:
            os.environ["MSP_DATABASE_URL"] = previous_env
        if tmp is not None:
            tmp.cleanup()


def report(results: dict[str, Any]) -> str:
    """A plain table of the figures against the targets."""
    lines = [
        f"MSP Outcomes benchmark: {results['enquiries']:,} enquiries on {results['database']}, "
        f"financial year {results['financial_year']}-{(results['financial_year'] + 1) % 100:02d}",
        "",
        f"{'measure':<34}{'ms':>10}  {'target':>8}  verdict",
    ]

    def row(name: str, value: float | None, target: float | None) -> None:
        if value is None:
            lines.append(f"{name:<34}{'n/a':>10}  {'':>8}  not measured (page missing)")
            return
        verdict = "" if target is None else ("ok" if value <= target else "MISSED")
        shown_target = "" if target is None else f"<= {target}"
        lines.append(f"{name:<34}{value:>10.1f}  {shown_target:>8}  {verdict}")

    demo_target = 60 if results["database"] == "sqlite" else 120
    row("demo data (seconds)", results["demo_data_seconds"], demo_target)
    for name, value in results["aggregates_ms"].items():
        row(f"aggregate: {name}", value, TARGETS_MS["aggregate"])
    row("SAC tables", results["sac_tables_ms"], TARGETS_MS["sac_tables"])
    for name, value in results["renders_ms"].items():
        row(name.replace("_", " "), value, TARGETS_MS[name])
    for name, value in results["saves_ms"].items():
        row(name.replace("_", " "), value, TARGETS_MS["save"])
    base = results["baseline"]
    lines.append("")
    lines.append(
        f"team x quarter table: ours {base['ours_ms']} ms, naive pandas {base['naive_pandas_ms']} "
        f"ms, ratio {base['ratio']}x (target >= 10x); same numbers: {base['same_numbers']}"
    )
    lines.append(f"peak resident memory: {results['peak_rss_mb']} MB (target <= 500 MB)")
    return "\n".join(lines)


def write_json(results: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(results, indent=2, sort_keys=True, default=str), encoding="utf-8")
