"""The demo generator against real databases (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter, defaultdict

import pytest
import sqlalchemy as sa

from db.engine import make_engine, unit_of_work, upgrade
from db.models import Base, Enquiry, Team
from msp import periods
from msp.demo import DEMO_SETTING, DemoDataError, generate
from tests.conftest import BACKENDS, POSTGRES_URL, drop_postgres_schema, new_postgres_schema

TODAY = dt.date(2026, 5, 20)
T = Base.metadata.tables

# Tables the generator fills (the feedback question bank comes from the migration).
GENERATED_TABLES = [
    "teams",
    "users",
    "team_memberships",
    "people",
    "enquiries",
    "enquiry_risk_types",
    "conversations",
    "desired_outcomes",
    "outcome_versions",
    "conversation_outcomes",
    "feedback_responses",
    "feedback_answers",
    "supervision_notes",
    "settings",
]


def _count(conn, table: str) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(T[table])).scalar_one()


def _rows(conn, table: str) -> list[dict]:
    return [dict(r) for r in conn.execute(sa.select(T[table])).mappings()]


def _contents(engine, tables=GENERATED_TABLES) -> dict[str, list]:
    with engine.connect() as conn:
        return {
            table: sorted((tuple(r) for r in conn.execute(sa.select(T[table]))), key=repr)
            for table in tables
        }


class _SecondDatabase:
    """Another freshly migrated database on the same backend as `db_url`."""

    def __init__(self, db_url: str, tmp_path, name: str):
        self.schema = None
        if db_url.startswith("sqlite"):
            self.url = f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        else:
            self.schema, self.url = new_postgres_schema()
        upgrade(self.url)
        self.engine = make_engine(self.url)

    def close(self) -> None:
        self.engine.dispose()
        if self.schema:
            drop_postgres_schema(self.schema)


# --- A few hundred enquiries, fresh for each test ------------------------------------------


def test_small_dataset_has_sane_counts(engine):
    summary = generate(engine, enquiries=300, seed=5, today=TODAY)

    with engine.connect() as conn:
        actual = {table: _count(conn, table) for table in GENERATED_TABLES}
    assert actual == summary.counts
    assert summary.teams == 6
    assert summary.users == 36
    assert summary.enquiries == 300
    assert 200 <= summary.people < 300
    assert summary.outcomes > 300
    assert summary.outcome_versions > summary.outcomes
    assert 2.5 * 300 <= summary.conversations <= 6 * 300
    assert summary.conversation_outcomes > summary.outcomes
    assert 0 < summary.feedback_responses < 300
    assert summary.feedback_answers > 3 * summary.feedback_responses
    assert 0 < summary.open_enquiries < 60
    assert summary.elapsed_seconds > 0
    assert summary.seed == 5
    assert summary.generated_for == TODAY


def test_marks_the_database_as_a_demo_database(engine):
    generate(engine, enquiries=20, seed=3, today=TODAY)

    with engine.connect() as conn:
        value = conn.execute(
            sa.select(T["settings"].c.value).where(T["settings"].c.key == DEMO_SETTING)
        ).scalar_one()
    assert value == {
        "synthetic": True,
        "seed": 3,
        "enquiries": 20,
        "generated_for": "2026-05-20",
    }


def test_accounts_roles_and_memberships(engine):
    generate(engine, enquiries=20, seed=3, today=TODAY)

    with engine.connect() as conn:
        users = _rows(conn, "users")
        memberships = _rows(conn, "team_memberships")
        teams = {r["id"]: r["name"] for r in _rows(conn, "teams")}
    roles = Counter(u["role"] for u in users)
    assert roles["administrator"] == 1
    assert roles["commissioner"] == 1
    assert roles["supervisor"] >= 3
    assert roles["practitioner"] >= 4 * len(teams)
    assert all(u["password_hash"] is None and u["is_active"] for u in users)
    assert {u["username"] for u in users} >= {"admin", "commissioner"}
    teams_of = defaultdict(set)
    for m in memberships:
        teams_of[m["user_id"]].add(m["team_id"])
    for u in users:
        if u["role"] == "practitioner":
            assert len(teams_of[u["id"]]) == 1
        elif u["role"] == "supervisor":
            assert 1 <= len(teams_of[u["id"]]) <= 3
        else:
            assert not teams_of[u["id"]]
    assert set(teams.values()) >= {"North locality", "Hospital team", "Learning disability team"}


def test_same_seed_and_date_give_identical_data_and_another_seed_does_not(engine, db_url, tmp_path):
    generate(engine, enquiries=300, seed=42, today=TODAY)
    first = _contents(engine)

    again = _SecondDatabase(db_url, tmp_path, "again")
    other = _SecondDatabase(db_url, tmp_path, "other")
    try:
        generate(again.engine, enquiries=300, seed=42, today=TODAY)
        generate(other.engine, enquiries=300, seed=43, today=TODAY)
        assert _contents(again.engine) == first
        different = _contents(other.engine, ["enquiries", "desired_outcomes", "people"])
        for table, rows in different.items():
            assert rows != first[table], table
    finally:
        again.close()
        other.close()


def test_the_child_process_builds_the_same_rows(engine, db_url, tmp_path, monkeypatch):
    from msp.demo import generator

    generate(engine, enquiries=120, seed=8, today=TODAY)
    in_process = _contents(engine)

    started = []
    real_start = generator._start_child
    monkeypatch.setattr(generator, "PARALLEL_MIN_ENQUIRIES", 1)
    monkeypatch.setattr(generator, "_start_child", lambda p: started.append(1) or real_start(p))
    other = _SecondDatabase(db_url, tmp_path, "child")
    try:
        summary = generate(other.engine, enquiries=120, seed=8, today=TODAY)
        assert started
        assert _contents(other.engine) == in_process
        assert summary.enquiries == 120
    finally:
        other.close()


def test_builds_in_process_when_the_child_process_fails_to_start(engine, monkeypatch):
    import subprocess
    import sys

    from msp.demo import generator

    monkeypatch.setattr(generator, "PARALLEL_MIN_ENQUIRIES", 1)
    monkeypatch.setattr(
        generator,
        "_start_child",
        lambda params: subprocess.Popen(
            [sys.executable, "-c", "import sys; sys.exit(3)"], stdout=subprocess.PIPE
        ),
    )
    summary = generate(engine, enquiries=60, seed=8, today=TODAY)

    assert summary.enquiries == 60
    with engine.connect() as conn:
        assert _count(conn, "enquiries") == 60


def test_refuses_a_database_that_is_not_empty_and_writes_nothing(engine):
    with engine.begin() as conn:
        conn.execute(
            T["teams"]
            .insert()
            .values(name="A real team", created_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
        )

    with pytest.raises(DemoDataError, match="only fills an empty database"):
        generate(engine, enquiries=50, seed=1, today=TODAY)

    with engine.connect() as conn:
        assert _count(conn, "teams") == 1
        for table in GENERATED_TABLES:
            if table != "teams":
                assert _count(conn, table) == 0, table


def test_refuses_to_run_twice(engine):
    generate(engine, enquiries=30, seed=1, today=TODAY)
    before = _contents(engine)

    with pytest.raises(DemoDataError):
        generate(engine, enquiries=30, seed=2, today=TODAY)

    assert _contents(engine) == before


def test_refuses_a_database_that_has_not_been_migrated(empty_db_url):
    eng = make_engine(empty_db_url)
    try:
        with pytest.raises(DemoDataError, match="msp migrate"):
            generate(eng, enquiries=10, seed=1, today=TODAY)
    finally:
        eng.dispose()


def test_the_app_carries_on_after_the_demo_data(engine):
    generate(engine, enquiries=40, seed=9, today=TODAY)

    with unit_of_work(engine) as session:
        enquiry = session.get(Enquiry, 1)
        assert isinstance(enquiry.concern_received_on, dt.date)
        assert isinstance(enquiry.created_at, dt.datetime)
        assert enquiry.person.case_reference.startswith("DEMO-")
        assert enquiry.team.name
        assert all(v.version_no >= 1 for o in enquiry.outcomes for v in o.versions)
        # New rows get new ids (PostgreSQL's sequences were moved past the demo ids).
        team = Team(name="A new team")
        session.add(team)
        session.flush()
        assert team.id == 7


def test_sqlite_connection_settings_are_put_back(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    generate(engine, enquiries=20, seed=1, today=TODAY)

    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0


def _schema(engine) -> list:
    """Every table's definition, constraint and index, as the database reports them."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return conn.exec_driver_sql(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
            ).all()
        constraints = conn.exec_driver_sql(
            "SELECT conrelid::regclass::text, conname, contype, convalidated, "
            "pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = current_schema()::regnamespace ORDER BY 1, 2"
        ).all()
        indexes = conn.exec_driver_sql(
            "SELECT tablename, indexname, indexdef FROM pg_indexes "
            "WHERE schemaname = current_schema() ORDER BY 1, 2"
        ).all()
        return constraints + indexes


def test_leaves_every_constraint_and_index_as_it_was(engine):
    before = _schema(engine)
    assert len(before) > 20

    generate(engine, enquiries=100, seed=4, today=TODAY)

    assert _schema(engine) == before


def test_a_row_that_breaks_a_constraint_fails_the_load_and_writes_nothing(engine, monkeypatch):
    from msp.demo import profiles

    before = _schema(engine)
    monkeypatch.setattr(profiles, "ENQUIRY_TYPE", profiles.Weighted("bad", [("s43", 1)]))

    with pytest.raises(Exception, match="enquiry_type"):
        generate(engine, enquiries=50, seed=1, today=TODAY)

    assert _schema(engine) == before
    with engine.connect() as conn:
        for table in GENERATED_TABLES:
            assert _count(conn, table) == 0, table
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA ignore_check_constraints").scalar() == 0


def test_a_missing_value_in_a_not_null_column_fails_the_load(engine, monkeypatch):
    from msp.demo import generator

    stages = dict(generator.SUMMARIES, start=("",))  # an empty summary is stored as NULL
    monkeypatch.setattr(generator, "SUMMARIES", stages)

    with pytest.raises(Exception, match="summary"):
        generate(engine, enquiries=50, seed=1, today=TODAY)

    with engine.connect() as conn:
        assert _count(conn, "conversations") == 0
        assert _count(conn, "enquiries") == 0


@pytest.mark.parametrize("today", [dt.date(2026, 4, 1), dt.date(2027, 3, 31)])
def test_first_and_last_day_of_a_financial_year(engine, today):
    generate(engine, enquiries=200, seed=2, today=today)

    first_day = periods.fy_bounds(periods.financial_year(today) - 2)[0]
    with engine.connect() as conn:
        enquiries = _rows(conn, "enquiries")
        held = [r["held_on"] for r in _rows(conn, "conversations")]
    lead_in = first_day - dt.timedelta(days=60)
    assert all(lead_in <= e["concern_received_on"] <= today for e in enquiries)
    concluded = [e["concluded_on"] for e in enquiries if e["concluded_on"]]
    assert first_day <= min(concluded) and max(concluded) <= today
    assert max(held) <= today


# --- Two thousand enquiries, generated once per backend for the tests below -----------------


@pytest.fixture(scope="module", params=BACKENDS)
def demo(request, tmp_path_factory, migrated_sqlite_template):
    """(engine, summary, rows by table) of a 2,000-enquiry demo database."""
    schema = None
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
        shutil.copyfile(migrated_sqlite_template, path)
        url = f"sqlite:///{path}"
    else:
        if not POSTGRES_URL:
            pytest.skip("MSP_TEST_POSTGRES_URL is not set")
        schema, url = new_postgres_schema()
        upgrade(url)
    eng = make_engine(url)
    try:
        summary = generate(eng, enquiries=2000, seed=11, today=TODAY)
        with eng.connect() as conn:
            rows = {table: _rows(conn, table) for table in GENERATED_TABLES}
        yield eng, summary, rows
    finally:
        eng.dispose()
        if schema:
            drop_postgres_schema(schema)


def test_dates_are_in_order_and_reporting_columns_match(demo):
    _, _, rows = demo
    first_day = periods.fy_bounds(periods.financial_year(TODAY) - 2)[0]
    lead_in = first_day - dt.timedelta(days=60)
    for e in rows["enquiries"]:
        assert lead_in <= e["concern_received_on"] <= e["decision_on"] <= e["started_on"]
        assert e["started_on"] <= TODAY
        if e["status"] == "concluded":
            day = e["concluded_on"]
            assert first_day <= day and e["started_on"] <= day <= TODAY
            assert e["concluded_fy"] == periods.financial_year(day)
            assert e["concluded_quarter"] == periods.fy_quarter(day)
            assert e["concluded_month"] == periods.month_key(day)
            assert e["msp_asked"] is not None and e["lacked_capacity"] is not None
            assert e["risk_assessment_outcome"] is not None
        else:
            assert e["status"] == "open"
            assert e["concluded_on"] is e["concluded_fy"] is e["concluded_month"] is None
            assert e["msp_asked"] is e["msp_achieved"] is e["risk_assessment_outcome"] is None
        assert (e["risk_outcome"] is not None) == (
            e["risk_assessment_outcome"] == "identified_action"
        )
        assert (e["msp_achieved"] is not None) == (e["msp_asked"] == "asked_expressed")
        assert (e["capacity_support_provided"] is not None) == (e["lacked_capacity"] == "yes")
        if e["capacity_considered"]:
            assert e["capacity_decision"] and e["capacity_assessed_on"] and e["capacity_result"]
            assert e["started_on"] <= e["capacity_assessed_on"] <= TODAY
        if e["pre_concern_view"] == "disagreed":
            assert e["against_view_reason"] is not None
            assert e["against_view_explained"] is not None
        assert e["created_at"].date() <= e["updated_at"].date() <= TODAY
    years = {e["concluded_fy"] for e in rows["enquiries"]} - {None}
    assert years == {2024, 2025, 2026}


def test_conversations_outcomes_and_versions_hang_together(demo):
    _, _, rows = demo
    enquiry = {e["id"]: e for e in rows["enquiries"]}
    conversation = {c["id"]: c for c in rows["conversations"]}
    for c in rows["conversations"]:
        assert c["held_on"] <= TODAY
        assert c["with_person"] or c["representative_kind"]
        e = enquiry[c["enquiry_id"]]
        if c["stage"] in ("start", "during"):
            assert e["started_on"] <= c["held_on"]
            assert e["concluded_on"] is None or c["held_on"] <= e["concluded_on"]
        if c["stage"] == "conclusion":
            assert c["held_on"] == e["concluded_on"]

    versions = defaultdict(list)
    for v in rows["outcome_versions"]:
        versions[v["outcome_id"]].append(v)
    positions = Counter()
    for o in rows["desired_outcomes"]:
        e = enquiry[o["enquiry_id"]]
        positions[(o["enquiry_id"], o["position"])] += 1
        history = sorted(versions[o["id"]], key=lambda v: v["version_no"])
        assert [v["version_no"] for v in history] == list(range(1, len(history) + 1))
        assert o["current_version"] == len(history)
        assert history[0]["reason"] == "added"
        assert history[0]["effective_on"] == o["expressed_on"]
        days = [v["effective_on"] for v in history]
        assert days == sorted(days) and days[-1] <= TODAY
        last = history[-1]
        for key in ("category", "own_words", "expressed_by", "status", "achievability", "rating"):
            assert o[key] == last[key], key
        assert o["own_words"]
        assert (o["category"] == "something_else") <= bool(o["own_words"])
        if o["status"] == "withdrawn":
            assert o["rating"] is None
            assert "withdrawn" in [v["reason"] for v in history]
        if o["rating"] is not None:
            assert last["reason"] == "rated" and e["status"] == "concluded"
        elif o["status"] == "active":
            assert e["status"] == "open"
        if o["explained_in_id"] is not None:
            assert conversation[o["explained_in_id"]]["enquiry_id"] == o["enquiry_id"]
            assert o["achievability_explanation"]
        for v in history:
            if v["conversation_id"] is not None:
                held = conversation[v["conversation_id"]]
                assert held["enquiry_id"] == o["enquiry_id"]
                assert held["held_on"] == v["effective_on"]
            assert v["recorded_at"].date() == v["effective_on"]
    assert max(positions.values()) == 1

    # Ratings agree with the enquiry's national answer.
    ratings = defaultdict(list)
    for o in rows["desired_outcomes"]:
        if o["rating"] is not None:
            ratings[o["enquiry_id"]].append(o["rating"])
    for eid, rated in ratings.items():
        achieved = enquiry[eid]["msp_achieved"]
        if achieved == "fully":
            assert set(rated) == {"fully"}
        elif achieved == "not_achieved":
            assert set(rated) == {"not_achieved"}
        else:
            assert achieved == "partially" and set(rated) != {"fully"}

    outcome_enquiry = {o["id"]: o["enquiry_id"] for o in rows["desired_outcomes"]}
    for link in rows["conversation_outcomes"]:
        held = conversation[link["conversation_id"]]
        assert held["enquiry_id"] == outcome_enquiry[link["outcome_id"]]


def test_stored_timeliness_is_what_msp_timeliness_works_out(demo):
    from msp.timeliness import refresh

    eng, _, rows = demo
    columns = ("first_conversation_working_days", "longest_gap_working_days", "first_feedback_days")
    written = {e["id"]: tuple(e[c] for c in columns) for e in rows["enquiries"]}
    assert sum(v[0] is not None for v in written.values()) > 0.9 * len(written)
    assert sum(v[2] is not None for v in written.values()) > 0.3 * len(written)

    with eng.connect() as conn, conn.begin() as transaction:
        refresh(conn)
        worked_out = {
            r[0]: tuple(r[1:])
            for r in conn.execute(
                sa.select(T["enquiries"].c.id, *(T["enquiries"].c[c] for c in columns))
            )
        }
        transaction.rollback()
    assert worked_out == written


def test_feedback_follows_conclusion(demo):
    _, _, rows = demo
    enquiry = {e["id"]: e for e in rows["enquiries"]}
    answers = defaultdict(list)
    for a in rows["feedback_answers"]:
        answers[a["response_id"]].append(a)
    responses = rows["feedback_responses"]
    assert responses
    for f in responses:
        e = enquiry[f["enquiry_id"]]
        assert e["status"] == "concluded"
        assert f["given_on"] <= TODAY
        assert f["days_after_conclusion"] == (f["given_on"] - e["concluded_on"]).days >= 0
        if f["declined"]:
            assert not answers[f["id"]]
        else:
            assert len(answers[f["id"]]) == 6
        if e["lacked_capacity"] == "yes":
            assert f["respondent"] != "person"
    within_8_weeks = sum(f["days_after_conclusion"] <= 56 for f in responses) / len(responses)
    assert within_8_weeks > 0.85
    declined = sum(bool(f["declined"]) for f in responses) / len(responses)
    assert 0.04 <= declined <= 0.18
    asked_by = Counter(f["asked_by"] for f in responses)
    assert asked_by["enquiry_lead"] > asked_by["independent_person"] > 0


def _share(items, predicate) -> float:
    items = list(items)
    return sum(1 for x in items if predicate(x)) / len(items)


def test_national_shares_roughly_hold(demo):
    _, summary, rows = demo
    enquiries = rows["enquiries"]
    concluded = [e for e in enquiries if e["status"] == "concluded"]
    expressed = [e for e in concluded if e["msp_asked"] == "asked_expressed"]
    people = rows["people"]
    risk = defaultdict(set)
    for r in rows["enquiry_risk_types"]:
        risk[r["enquiry_id"]].add(r["risk_type"])

    assert 0.88 <= _share(enquiries, lambda e: e["enquiry_type"] == "s42") <= 0.99
    assert 0.03 <= summary.open_enquiries / len(enquiries) <= 0.12
    assert 0.60 <= _share(concluded, lambda e: e["msp_asked"] == "asked_expressed") <= 0.80
    assert 0.05 <= _share(concluded, lambda e: e["msp_asked"] == "asked_none") <= 0.15
    assert 0.55 <= _share(expressed, lambda e: e["msp_achieved"] == "fully") <= 0.75
    assert 0.20 <= _share(expressed, lambda e: e["msp_achieved"] == "partially") <= 0.40
    assert _share(expressed, lambda e: e["msp_achieved"] == "not_achieved") <= 0.12
    assert 0.52 <= _share(people, lambda p: p["gender"] == "female") <= 0.68
    assert 0.55 <= _share(people, lambda p: p["age_band"] != "18-64") <= 0.72
    assert 0.25 <= _share(enquiries, lambda e: "neglect" in risk[e["id"]]) <= 0.40
    assert 1.1 <= sum(len(v) for v in risk.values()) / len(enquiries) <= 1.35
    assert 0.35 <= _share(enquiries, lambda e: e["location_of_risk"] == "own_home") <= 0.52
    assert (
        0.22 <= _share(enquiries, lambda e: e["location_of_risk"].startswith("care_home")) <= 0.38
    )
    lacked = [e for e in concluded if e["lacked_capacity"] == "yes"]
    assert 0.17 <= len(lacked) / len(concluded) <= 0.33
    assert 0.75 <= _share(lacked, lambda e: e["capacity_support_provided"]) <= 0.95
    acted = [e for e in concluded if e["risk_assessment_outcome"] == "identified_action"]
    assert 0.82 <= _share(acted, lambda e: e["risk_outcome"] in ("reduced", "removed")) <= 0.95
    per_enquiry = Counter(o["enquiry_id"] for o in rows["desired_outcomes"])
    assert 2.5 <= sum(per_enquiry.values()) / len(per_enquiry) <= 3.5
    assert 3.0 <= len(rows["conversations"]) / len(enquiries) <= 5.0
    assert 0.8 <= _share(rows["conversations"], lambda c: c["with_person"]) < 1.0
    assert _share(rows["desired_outcomes"], lambda o: o["expressed_by"] == "person") > 0.8
    assert 0.62 <= _share(enquiries, lambda e: e["pre_concern_discussed"]) <= 0.82
    assert _share(enquiries, lambda e: e["pre_concern_view"] == "disagreed") > 0.05
    assert 1.1 <= len(enquiries) / len(people) <= 1.4


def test_teams_differ_in_how_often_they_ask_and_achieve(demo):
    _, _, rows = demo
    teams = {t["name"]: t["id"] for t in rows["teams"]}
    concluded = [e for e in rows["enquiries"] if e["status"] == "concluded"]

    def rates(team_id):
        mine = [e for e in concluded if e["team_id"] == team_id]
        expressed = [e for e in mine if e["msp_asked"] == "asked_expressed"]
        return (
            _share(mine, lambda e: e["msp_asked"] == "asked_expressed"),
            _share(expressed, lambda e: e["msp_achieved"] == "fully"),
        )

    south_asked, south_fully = rates(teams["South locality"])
    east_asked, east_fully = rates(teams["East locality"])
    assert south_asked - east_asked > 0.15
    assert south_fully - east_fully > 0.15


def test_open_enquiries_give_the_prompts_something_to_find(demo):
    _, _, rows = demo
    last_talk = {}
    for c in rows["conversations"]:
        last_talk[c["enquiry_id"]] = max(c["held_on"], last_talk.get(c["enquiry_id"], c["held_on"]))
    open_ = [e for e in rows["enquiries"] if e["status"] == "open"]

    overdue = [
        e
        for e in open_
        if periods.working_days_between(last_talk.get(e["id"], e["started_on"]), TODAY) > 20
    ]
    assert len(overdue) >= 3
    no_advocate = [
        e
        for e in open_
        if e["substantial_difficulty"]
        and e["appropriate_individual"] is False
        and e["advocacy_referred_on"] is None
    ]
    assert no_advocate
    assert [e for e in open_ if not e["capacity_considered"]]
    assert [e for e in open_ if e["worker_id"] is None]
    # An outcome marked not achievable but not yet explained: only while the enquiry is open.
    open_ids = {e["id"] for e in open_}
    unexplained = [
        o
        for o in rows["desired_outcomes"]
        if o["achievability"] == "not_achievable" and o["explained_in_id"] is None
    ]
    assert {o["enquiry_id"] for o in unexplained} <= open_ids
