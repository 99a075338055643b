"""Fill an empty database with wholly synthetic, realistic MSP data, fast.

Same seed and same `today`, same data: every choice comes from one `random.Random(seed)` and
every date (and every recorded-at time) is derived from `today`. Rows are plain tuples with
ids assigned here, built 10,000 enquiries at a time (for big data sets in a child process, while
this one writes the previous chunk) and written in one transaction: memory stays small and
a failure writes nothing.

The stored timeliness columns (msp.timeliness) are worked out here too, rather than by an
UPDATE of every enquiry afterwards; a test checks they match what msp.timeliness computes.

Rows carry `NULL` ("") for an SQL NULL and 1/0 for booleans; the writer turns "" into NULL.
(Python's sqlite3 binds None and bool through its slow adapter lookup, about 1 µs a value,
which alone would cost tens of seconds for 200,000 enquiries.)
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import random
import subprocess
import sys
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from math import log
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from msp import periods
from msp.demo import profiles as P
from msp.demo import text as T
from msp.demo.child import read_frame, write_frame
from msp.demo.writer import NULL, BulkWriter
from msp.errors import MspError

DEMO_SETTING = "demo_database"
CHUNK_ENQUIRIES = 10_000
# From this many enquiries the rows are built in a child process (msp.demo.child) while
# this one writes; below it, starting the process would cost more than it saves.
PARALLEL_MIN_ENQUIRIES = 20_000
MAX_ENQUIRIES = 2_000_000
CASE_REFERENCE_PREFIX = "DEMO-"

# Concerns start this many days before the first financial year, so its first quarter has
# the usual number of conclusions (work carried over) rather than a ramp-up.
LEAD_IN_DAYS = 60

# Open enquiries whose conversations lapse stop talking at least this many working days
# before `today` (the app's default is a conversation every 20 working days).
OVERDUE_AFTER_WORKING_DAYS = 21


class DemoDataError(MspError):
    """The demo generator refused to run; nothing was written."""


@dataclass
class DemoSummary:
    """What `generate` wrote: rows per table, and how long it took."""

    teams: int = 0
    users: int = 0
    team_memberships: int = 0
    people: int = 0
    enquiries: int = 0
    enquiry_risk_types: int = 0
    conversations: int = 0
    outcomes: int = 0  # desired_outcomes
    outcome_versions: int = 0
    conversation_outcomes: int = 0
    feedback_responses: int = 0
    feedback_answers: int = 0
    supervision_notes: int = 0
    settings: int = 0
    elapsed_seconds: float = 0.0
    seed: int = 0
    generated_for: dt.date | None = None
    open_enquiries: int = field(default=0)

    @property
    def counts(self) -> dict[str, int]:
        """Rows written, by table name."""
        return {
            "teams": self.teams,
            "users": self.users,
            "team_memberships": self.team_memberships,
            "people": self.people,
            "enquiries": self.enquiries,
            "enquiry_risk_types": self.enquiry_risk_types,
            "conversations": self.conversations,
            "desired_outcomes": self.outcomes,
            "outcome_versions": self.outcome_versions,
            "conversation_outcomes": self.conversation_outcomes,
            "feedback_responses": self.feedback_responses,
            "feedback_answers": self.feedback_answers,
            "supervision_notes": self.supervision_notes,
            "settings": self.settings,
        }


# --- Columns, in the order the row tuples are built ---------------------------------------

TEAM_COLUMNS = ("id", "name", "created_at")
USER_COLUMNS = (
    "id",
    "username",
    "display_name",
    "email",
    "role",
    "password_hash",
    "is_active",
    "created_at",
)
MEMBERSHIP_COLUMNS = ("user_id", "team_id")
PERSON_COLUMNS = (
    "id",
    "case_reference",
    "preferred_name",
    "birth_year",
    "age_band",
    "gender",
    "ethnicity",
    "primary_support_reason",
    "created_at",
)
ENQUIRY_COLUMNS = (
    "id",
    "public_id",
    "person_id",
    "team_id",
    "worker_id",
    "enquiry_type",
    "status",
    "concern_received_on",
    "decision_on",
    "started_on",
    "concluded_on",
    "concluded_fy",
    "concluded_quarter",
    "concluded_month",
    "location_of_risk",
    "source_of_risk",
    "risk_assessment_outcome",
    "risk_outcome",
    "pre_concern_discussed",
    "pre_concern_with",
    "pre_concern_view",
    "against_view_reason",
    "against_view_reason_other",
    "against_view_explained",
    "capacity_considered",
    "capacity_decision",
    "capacity_assessed_on",
    "capacity_result",
    "capacity_assessed_by",
    "substantial_difficulty",
    "appropriate_individual",
    "advocacy_referred_on",
    "advocate_kind",
    "representative_kind",
    "representative_details",
    "msp_asked",
    "msp_achieved",
    "msp_achieved_reason",
    "lacked_capacity",
    "capacity_support_provided",
    "is_deleted",
    "deleted_reason",
    "deleted_at",
    "deleted_by_id",
    "created_at",
    "updated_at",
    "version",
    "first_conversation_working_days",
    "longest_gap_working_days",
    "first_feedback_days",
)
RISK_TYPE_COLUMNS = ("enquiry_id", "risk_type")
CONVERSATION_COLUMNS = (
    "id",
    "enquiry_id",
    "held_on",
    "with_person",
    "representative_kind",
    "method",
    "stage",
    "summary",
    "next_steps",
    "recorded_by_id",
    "recorded_at",
)
OUTCOME_COLUMNS = (
    "id",
    "enquiry_id",
    "position",
    "category",
    "own_words",
    "expressed_by",
    "expressed_on",
    "status",
    "achievability",
    "achievability_explanation",
    "explained_in_id",
    "rating",
    "person_view",
    "current_version",
    "created_at",
)
VERSION_COLUMNS = (
    "id",
    "outcome_id",
    "version_no",
    "reason",
    "change_note",
    "effective_on",
    "conversation_id",
    "category",
    "own_words",
    "expressed_by",
    "status",
    "achievability",
    "achievability_explanation",
    "rating",
    "recorded_by_id",
    "recorded_at",
)
CONVERSATION_OUTCOME_COLUMNS = ("conversation_id", "outcome_id")
FEEDBACK_COLUMNS = (
    "id",
    "enquiry_id",
    "respondent",
    "asked_by",
    "method",
    "given_on",
    "declined",
    "comments",
    "days_after_conclusion",
    "recorded_by_id",
    "recorded_at",
)
ANSWER_COLUMNS = ("response_id", "question_version_id", "answer")
SUPERVISION_COLUMNS = (
    "id",
    "enquiry_id",
    "supervisor_id",
    "held_on",
    "reflection",
    "agreed_actions",
    "lessons",
    "created_at",
)

# (table name, columns, summary field) in foreign-key order.
CHUNK_TABLES = (
    ("people", PERSON_COLUMNS, "people"),
    ("enquiries", ENQUIRY_COLUMNS, "enquiries"),
    ("enquiry_risk_types", RISK_TYPE_COLUMNS, "enquiry_risk_types"),
    ("conversations", CONVERSATION_COLUMNS, "conversations"),
    ("desired_outcomes", OUTCOME_COLUMNS, "outcomes"),
    ("outcome_versions", VERSION_COLUMNS, "outcome_versions"),
    ("conversation_outcomes", CONVERSATION_OUTCOME_COLUMNS, "conversation_outcomes"),
    ("feedback_responses", FEEDBACK_COLUMNS, "feedback_responses"),
    ("feedback_answers", ANSWER_COLUMNS, "feedback_answers"),
    ("supervision_notes", SUPERVISION_COLUMNS, "supervision_notes"),
)


# --- The calendar ---------------------------------------------------------------------------


class Days:
    """Days as integers from `first`, with their text, working-day arithmetic and reporting
    periods looked up rather than computed row by row."""

    def __init__(self, first: dt.date, last: dt.date, stamps_until: dt.date, time_suffix: str):
        n = (last - first).days + 1
        dates = [first + dt.timedelta(days=i) for i in range(n)]
        self.first = first
        self.iso = [d.isoformat() for d in dates]
        self.weekday = [d.weekday() for d in dates]
        self.fy = [periods.financial_year(d) for d in dates]
        self.quarter = [periods.fy_quarter(d) for d in dates]
        self.month = [periods.month_key(d) for d in dates]
        # wd_count[d]: working days in days 0..d; wd_day[w]: the day of the w-th working day.
        self.wd_count: list[int] = []
        self.wd_day: list[int] = [0]
        count = 0
        for i, weekday in enumerate(self.weekday):
            if weekday < 5:
                count += 1
                self.wd_day.append(i)
            self.wd_count.append(count)
        # Recorded-at timestamps (UTC) for days up to `stamps_until`: 128 a day, every five
        # minutes from 08:00, so `stamps[d][getrandbits(7)]` picks one.
        times = [f"{8 + k // 12:02d}:{5 * (k % 12):02d}:00{time_suffix}" for k in range(128)]
        self.stamps = [
            tuple(f"{self.iso[d]} {t}" for t in times)
            for d in range(min(n, (stamps_until - first).days + 1))
        ]

    def index(self, day: dt.date) -> int:
        return (day - self.first).days

    def add_working_days(self, d: int, n: int) -> int:
        """Same as msp.periods.add_working_days, on day numbers."""
        if n == 0:
            return d
        return self.wd_day[self.wd_count[d] + n] if n > 0 else self._back(d, -n)

    def _back(self, d: int, n: int) -> int:
        # The n-th working day before d: if d is a working day it is counted as wd_count[d].
        w = self.wd_count[d] - n + (0 if self.weekday[d] < 5 else 1)
        return self.wd_day[max(w, 1)]

    def working_days_between(self, a: int, b: int) -> int:
        return max(0, self.wd_count[b] - self.wd_count[a])


# --- Public entry point ---------------------------------------------------------------------


def generate(
    engine: Engine, *, enquiries: int, seed: int, today: dt.date | None = None
) -> DemoSummary:
    """Fill an empty, migrated database with `enquiries` synthetic enquiries and all that goes
    with them (teams, users, people, outcomes and their history, conversations, feedback),
    spread over the three financial years ending with the one containing `today`.

    Refuses (DemoDataError, nothing written) a database that already holds any team, user,
    person or enquiry. Marks the database with the `demo_database` setting. Everything is
    written in one transaction; from PARALLEL_MIN_ENQUIRIES the rows are built by a child
    process (the same rows, faster on two cores).
    """
    if isinstance(enquiries, bool) or not isinstance(enquiries, int) or enquiries < 1:
        raise DemoDataError("Enter a whole number of enquiries of 1 or more")
    if enquiries > MAX_ENQUIRIES:
        raise DemoDataError(f"Enter a number of enquiries up to {MAX_ENQUIRIES:,}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise DemoDataError("Enter the seed as a whole number")
    if today is None:
        today = dt.date.today()
    elif isinstance(today, dt.datetime):
        today = today.date()
    elif not isinstance(today, dt.date):
        raise DemoDataError("Enter today's date as a date")

    started = time.perf_counter()
    # Millions of new tuples would set off the cyclic garbage collector again and again
    # (about 5% of the time) for nothing: none of them is in a cycle.
    collecting = gc.isenabled()
    gc.disable()
    try:
        open_enquiries, counts = _load(engine, seed=seed, enquiries=enquiries, today=today)
    finally:
        if collecting:
            gc.enable()

    summary = DemoSummary(seed=seed, generated_for=today, settings=1)
    summary.teams = counts.get("teams", 0)
    summary.users = counts.get("users", 0)
    summary.team_memberships = counts.get("team_memberships", 0)
    for table, _, attribute in CHUNK_TABLES:
        setattr(summary, attribute, counts.get(table, 0))
    summary.open_enquiries = open_enquiries
    summary.elapsed_seconds = round(time.perf_counter() - started, 3)
    return summary


def _load(
    engine: Engine, *, seed: int, enquiries: int, today: dt.date
) -> tuple[int, dict[str, int]]:
    """Check, lock, load and verify, in one transaction; (open enquiries, rows by table)."""
    with engine.connect() as conn:
        writer = BulkWriter(conn)
        try:
            with conn.begin():
                _require_schema(conn)
                writer.lock()
                _refuse_unless_empty(conn)
                writer.prepare()
                _write_setting(conn, seed=seed, enquiries=enquiries, today=today)
                for table, columns, rows in _fixed_rows(today, writer.time_suffix):
                    writer.write(table, columns, rows)
                open_enquiries = _build_and_write(
                    writer,
                    seed=seed,
                    enquiries=enquiries,
                    today=today,
                    question_versions=_active_question_versions(conn),
                )
                writer.finish()
        finally:
            writer.close()
    return open_enquiries, writer.counts


def _build_and_write(
    writer: BulkWriter, *, seed: int, enquiries: int, today: dt.date, question_versions
) -> int:
    """Build every chunk of enquiries and write it; return how many enquiries are open."""
    params = {
        "seed": seed,
        "enquiries": enquiries,
        "today": today.isoformat(),
        "time_suffix": writer.time_suffix,
        "question_versions": [list(q) for q in question_versions],
    }
    if enquiries >= PARALLEL_MIN_ENQUIRIES:
        process = _start_child(params)
        if process is not None:
            open_enquiries = _write_from_child(process, writer)
            if open_enquiries is not None:
                return open_enquiries
        # No child process, or it failed before sending anything: build them here.
    builder = _Builder(
        seed=seed,
        enquiries=enquiries,
        today=today,
        time_suffix=writer.time_suffix,
        question_versions=question_versions,
    )
    for lo in range(0, enquiries, CHUNK_ENQUIRIES):
        _write_chunk(writer, builder.build_chunk(lo, min(lo + CHUNK_ENQUIRIES, enquiries)))
    return builder.open_enquiries


def _write_chunk(writer: BulkWriter, chunk: dict[str, list[tuple]]) -> None:
    for table, columns, _ in CHUNK_TABLES:
        writer.write(table, columns, chunk[table])


def _start_child(params: dict) -> subprocess.Popen | None:
    """The builder process (see msp.demo.child), or None where one cannot be started."""
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    try:
        process = subprocess.Popen(
            [sys.executable, "-c", "import sys; from msp.demo.child import main; sys.exit(main())"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
        )
    except OSError:
        return None
    assert process.stdin is not None
    write_frame(process.stdin, params)
    process.stdin.close()
    return process


def _write_from_child(process: subprocess.Popen, writer: BulkWriter) -> int | None:
    """Write the chunks the child sends; how many enquiries are open, or None if the child
    stopped before sending anything."""
    assert process.stdout is not None
    received = False
    try:
        while True:
            try:
                kind, payload = read_frame(process.stdout)  # type: ignore[misc]
            except EOFError:
                if not received:
                    return None
                raise RuntimeError(
                    f"the demo data builder process stopped (exit code {process.wait()})"
                ) from None
            received = True
            if kind == "done":
                return int(payload)
            _write_chunk(writer, payload)
            del payload  # before the next chunk is read, not after
    finally:
        process.stdout.close()
        if process.poll() is None:
            process.kill()
        process.wait()


def _require_schema(conn: Connection) -> None:
    """The database is at the latest migration: the rows are built for that schema."""
    from alembic.runtime.migration import MigrationContext

    from db.engine import head_revision

    if MigrationContext.configure(conn).get_current_revision() != head_revision():
        raise DemoDataError(
            "The database is not set up for this version of the app. Run `msp migrate` first, "
            "then try again."
        )


def _refuse_unless_empty(conn: Connection) -> None:
    for table in ("teams", "users", "people", "enquiries"):
        if conn.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
            raise DemoDataError(
                "The demo generator only fills an empty database, and this one already holds "
                "teams, users, people or enquiries. Use a new, empty database for demo data."
            )
    setting = conn.execute(
        sa.text("SELECT 1 FROM settings WHERE key = :key"), {"key": DEMO_SETTING}
    ).first()
    if setting is not None:
        raise DemoDataError(
            "This database is already marked as a demo database. Use a new, empty database."
        )


def _active_question_versions(conn: Connection) -> list[tuple[int, str]]:
    """(version id, question key) of the newest wording of each active question, in order."""
    rows = conn.execute(
        sa.text(
            "SELECT v.id, q.key FROM feedback_questions q "
            "JOIN feedback_question_versions v ON v.question_id = q.id "
            "WHERE q.is_active AND v.version_no = ("
            "  SELECT max(v2.version_no) FROM feedback_question_versions v2 "
            "  WHERE v2.question_id = q.id) "
            "ORDER BY q.position, q.id"
        )
    ).all()
    return [(int(r[0]), str(r[1])) for r in rows]


def _write_setting(conn: Connection, *, seed: int, enquiries: int, today: dt.date) -> None:
    settings = sa.table(
        "settings",
        sa.column("key", sa.String),
        sa.column("value", sa.JSON),
        sa.column("updated_at", sa.DateTime(timezone=True)),
        sa.column("updated_by_id", sa.Integer),
    )
    conn.execute(
        settings.insert().values(
            key=DEMO_SETTING,
            value={
                "synthetic": True,
                "seed": seed,
                "enquiries": enquiries,
                "generated_for": today.isoformat(),
            },
            updated_at=dt.datetime.combine(today, dt.time(7, 0), tzinfo=dt.UTC),
            updated_by_id=None,
        )
    )


# --- The builder ----------------------------------------------------------------------------


def _fixed_rows(today: dt.date, time_suffix: str):
    """Teams, users and memberships: the same whatever the seed."""
    return _Builder(
        seed=0, enquiries=1, today=today, time_suffix=time_suffix, question_versions=[]
    ).fixed_rows()


TB = P.TABLE_BITS  # random bits to draw from a Weighted table

# Booleans as the writers want them (see the module docstring).
B = {True: 1, False: 0, None: NULL}


def _texts(options: tuple) -> tuple:
    """A text table with None (no text) as NULL."""
    return tuple(NULL if t is None else t for t in options)


SUMMARIES = T.SUMMARIES
NEXT_STEPS = {stage: _texts(options) for stage, options in T.NEXT_STEPS.items()}
RATED_NOTES = _texts(T.RATED_NOTES)
DECLINED_COMMENTS = _texts(T.DECLINED_COMMENTS)
SUPERVISION_LESSONS = _texts(T.SUPERVISION_LESSONS)

# The outcome record while its versions are built (indexes into a list).
O_ID, O_POS, O_CAT, O_WORDS, O_BY, O_DAY, O_STATUS, O_ACHV, O_EXPL, O_EXPL_CID, O_VNO = range(11)
O_RATING, O_VIEW = 11, 12


@dataclass
class _Team:
    id: int
    profile: P.TeamProfile
    practitioner_ids: tuple[int, ...]
    supervisor_id: int
    # People first met in this team: the day of their first concern, and their id.
    pool_days: list[int] = field(default_factory=list)
    pool_people: list[int] = field(default_factory=list)


class _Builder:
    def __init__(
        self,
        *,
        seed: int,
        enquiries: int,
        today: dt.date,
        time_suffix: str,
        question_versions: list[tuple[int, str]],
    ):
        self.rng = random.Random(seed)
        self.n = enquiries
        first_fy = periods.financial_year(today) - 2
        window_start = periods.fy_bounds(first_fy)[0]
        self.days = Days(
            window_start - dt.timedelta(days=LEAD_IN_DAYS + 40),
            today + dt.timedelta(days=900),
            today,
            time_suffix,
        )
        self.window_day = self.days.index(window_start)
        self.start_day = self.window_day - LEAD_IN_DAYS
        self.today_day = self.days.index(today)
        self.setup_day = self.start_day - 7
        self.question_versions = question_versions
        self.open_enquiries = 0
        # The next free id per table.
        self.next_person = 1
        self.next_conversation = 1
        self.next_outcome = 1
        self.next_version = 1
        self.next_feedback = 1
        self.next_note = 1
        # What is needed again when someone comes back: gender and support reason, by id.
        self.person_gender: list[str] = [""]
        self.person_psr: list[str] = [""]
        self._make_accounts()

    # -- Teams and users ------------------------------------------------------------------

    def _make_accounts(self) -> None:
        ts = self.days.stamps[self.setup_day][12]
        self.team_rows = [(i + 1, t.name, ts) for i, t in enumerate(P.TEAMS)]
        team_by_slug = {t.slug: i + 1 for i, t in enumerate(P.TEAMS)}
        users: list[tuple] = []
        memberships: list[tuple[int, int]] = []
        practitioner_ids: dict[int, list[int]] = {tid: [] for tid in team_by_slug.values()}

        def add_user(username: str, display: str, role: str) -> int:
            uid = len(users) + 1
            email = f"{username}@{P.EMAIL_DOMAIN}"
            users.append((uid, username, display, email, role, NULL, 1, ts))
            return uid

        for i, team in enumerate(P.TEAMS):
            for first, surname in team.practitioners:
                uid = add_user(
                    P.practitioner_username(first, team.slug), f"{first} {surname}", "practitioner"
                )
                memberships.append((uid, i + 1))
                practitioner_ids[i + 1].append(uid)
        supervisor_of: dict[int, int] = {}
        for username, display, slugs in P.SUPERVISORS:
            uid = add_user(username, display, "supervisor")
            for slug in slugs:
                memberships.append((uid, team_by_slug[slug]))
                supervisor_of.setdefault(team_by_slug[slug], uid)
        self.admin_id = add_user(*P.ADMINISTRATOR, "administrator")
        add_user(*P.COMMISSIONER, "commissioner")
        self.user_rows = users
        self.membership_rows = memberships
        self.teams = [
            _Team(
                id=i + 1,
                profile=t,
                practitioner_ids=tuple(practitioner_ids[i + 1]),
                supervisor_id=supervisor_of[i + 1],
            )
            for i, t in enumerate(P.TEAMS)
        ]

    def fixed_rows(self):
        yield "teams", TEAM_COLUMNS, self.team_rows
        yield "users", USER_COLUMNS, self.user_rows
        yield "team_memberships", MEMBERSHIP_COLUMNS, self.membership_rows

    # -- People ---------------------------------------------------------------------------

    def _new_person(self, team: _Team, day: int, out: list[tuple]) -> int:
        rnd = self.rng.random
        bits = self.rng.getrandbits
        pid = self.next_person
        self.next_person += 1
        ld = team.profile.learning_disability
        age_band = (P.AGE_LEARNING_DISABILITY if ld else P.AGE).table[bits(TB)]
        gender = (P.GENDER_LEARNING_DISABILITY if ld else P.GENDER).table[bits(TB)]
        if ld:
            psr = P.PSR_LEARNING_DISABILITY.table[bits(TB)]
        elif age_band == "18-64":
            psr = P.PSR_UNDER_65.table[bits(TB)]
        else:
            psr = P.PSR_65_PLUS.table[bits(TB)]
        lo, hi = P.AGE_RANGES[age_band]
        birth_year = int(self.days.iso[day][:4]) - (lo + int(rnd() * (hi - lo + 1)))
        u = rnd()
        if u < 0.45:
            names = T.PREFERRED_NAMES[gender]
            preferred = names[int(rnd() * len(names))]
        elif u < 0.60:
            letters = T.INITIALS_LETTERS
            first = letters[int(rnd() * len(letters))]
            preferred = f"{first}.{letters[int(rnd() * len(letters))]}."
        else:
            preferred = NULL
        out.append(
            (
                pid,
                f"{CASE_REFERENCE_PREFIX}{pid:07d}",
                preferred,
                birth_year,
                age_band,
                gender,
                P.ETHNICITY.table[bits(TB)],
                psr,
                self.days.stamps[day][self.rng.getrandbits(7)],
            )
        )
        self.person_gender.append(gender)
        self.person_psr.append(psr)
        team.pool_days.append(day)
        team.pool_people.append(pid)
        return pid

    def _person_for(self, team: _Team, day: int, out: list[tuple]) -> int:
        """Someone met before (in this team, at least four months ago) or a new person."""
        rnd = self.rng.random
        if rnd() < P.REPEAT_PERSON and team.pool_days and team.pool_days[0] <= day - 120:
            # pool_days is (nearly) in day order: people first seen four months ago or more.
            k = bisect_right(team.pool_days, day - 120)
            return team.pool_people[int(rnd() * k)]
        return self._new_person(team, day, out)

    # -- Enquiries ------------------------------------------------------------------------

    def build_chunk(self, lo: int, hi: int) -> dict[str, list[tuple]]:
        """Rows for enquiries lo..hi-1 (0-based) and everything that hangs off them."""
        rng = self.rng
        rnd = rng.random
        bits = rng.getrandbits
        lognorm = rng.lognormvariate
        D = self.days
        iso = D.iso
        stamps = D.stamps
        wd_count = D.wd_count
        wd_day = D.wd_day
        weekday = D.weekday
        today = self.today_day
        span = today - self.start_day + 1
        n = self.n
        qversions = self.question_versions
        contact_method = P.CONTACT_METHOD.table

        rows: dict[str, list[tuple]] = {table: [] for table, _, _ in CHUNK_TABLES}
        people = rows["people"]
        enquiries = rows["enquiries"]
        risk_types = rows["enquiry_risk_types"]
        conversations = rows["conversations"]
        feedback = rows["feedback_responses"]
        answers = rows["feedback_answers"]
        notes = rows["supervision_notes"]

        def add_wd(d: int, k: int) -> int:
            return d if k <= 0 else wd_day[wd_count[d] + k]

        def pick_text(options: tuple):
            return options[bits(16) % len(options)]

        for i in range(lo, hi):
            eid = i + 1
            team = self.teams[P.TEAM_PICK.table[bits(TB)]]
            prof = team.profile

            # Dates: concerns spread evenly over the window, mostly on working days.
            c = self.start_day + int((i + rnd()) * span / n)
            if weekday[c] >= 5 and rnd() < 0.85:
                c = min(c + 7 - weekday[c], today)
            u = rnd()
            k = 0 if u < 0.3 else 1 if u < 0.6 else 2 if u < 0.85 else 3 + int(rnd() * 8)
            decision = min(add_wd(c, k), today)
            start = decision if rnd() < 0.6 else min(add_wd(decision, 1 + int(rnd() * 5)), today)
            duration = int(lognorm(log(prof.duration_median_working_days), 0.8))
            concluded_day = add_wd(start, min(duration, 300))
            if concluded_day < self.window_day:
                # Concerns from the lead-in conclude in the first year, as carried-over work.
                concluded_day = add_wd(self.window_day, int(rnd() * 15))
            concluded = concluded_day <= today
            end = concluded_day if concluded else today
            if not concluded:
                self.open_enquiries += 1

            person_id = self._person_for(team, c, people)
            gender = self.person_gender[person_id]
            psr = self.person_psr[person_id]
            worker = team.practitioner_ids[int(rnd() * len(team.practitioner_ids))]
            # A few open enquiries wait for a worker to be allocated.
            worker_id = NULL if (not concluded and rnd() < 0.05) else worker

            # Where, who and what kind of risk.
            location = prof.location.table[bits(TB)]
            if location in P.SERVICE_SETTINGS:
                source = P.SOURCE_IN_SERVICE.table[bits(TB)]
                first_risk = P.RISK_IN_SERVICE.table[bits(TB)]
            else:
                source = (P.SOURCE_OTHER if location == "other" else P.SOURCE_AT_HOME).table[
                    bits(TB)
                ]
                first_risk = P.RISK_AT_HOME.table[bits(TB)]
            risk_types.append((eid, first_risk))
            if rnd() < P.SECOND_RISK_SHARE:
                second = P.RISK_SECOND.table[bits(TB)]
                if second != first_risk:
                    risk_types.append((eid, second))
            self_neglect = first_risk == "self_neglect"

            # Capacity, representatives and the advocacy duty.
            lacks = rnd() < P.LACKS_CAPACITY[psr]
            difficulty = lacks or rnd() < P.SUBSTANTIAL_DIFFICULTY_WITH_CAPACITY
            rep_kind = appropriate = referred_on = advocate_kind = NULL
            if difficulty:
                appropriate = rnd() < P.APPROPRIATE_INDIVIDUAL
                if appropriate:
                    rep_kind = P.FAMILY_KIND.table[bits(TB)]
                elif rnd() < prof.advocacy_referral_rate:
                    advocate_kind = "imca" if (lacks and rnd() < 0.3) else "care_act_advocate"
                    rep_kind = advocate_kind
                    referred_on = iso[min(add_wd(start, int(rnd() * 6)), end)]
                appropriate = B[appropriate]
            elif rnd() < 0.05:
                rep_kind = P.FAMILY_KIND.table[bits(TB)]
            rep_details = pick_text(T.REPRESENTATIVE_DETAILS[rep_kind]) if rep_kind else NULL

            # Capacity is considered whenever someone lacks it, except in a few open
            # enquiries (so the app's prompt has something to find).
            considered = (concluded or rnd() < 0.85) if lacks else rnd() < 0.55
            if considered:
                cap_decision = pick_text(T.CAPACITY_DECISIONS)
                cap_on = iso[min(add_wd(start, int(rnd() * 5)), end)]
                if lacks:
                    cap_result = "lacks_capacity"
                elif not concluded and rnd() < 0.1:
                    cap_result = "not_concluded"
                else:
                    cap_result = "has_capacity"
                cap_by = pick_text(P.CAPACITY_ASSESSED_BY)
            else:
                cap_decision = cap_on = cap_result = cap_by = NULL

            # Before the concern was raised.
            discussed = P.PRE_CONCERN_DISCUSSED.table[bits(TB)]
            pre_with = pre_view = against = against_other = against_explained = NULL
            if discussed:
                pre_with = rep_kind if (lacks and rep_kind and rnd() < 0.7) else "person"
                views = P.PRE_CONCERN_VIEW_LACKING_CAPACITY if lacks else P.PRE_CONCERN_VIEW
                pre_view = views.table[bits(TB)]
                if pre_view == "disagreed":
                    if lacks and rnd() < 0.5:
                        against = "lacks_capacity"
                    else:
                        against = P.AGAINST_VIEW_REASON.table[bits(TB)]
                    if against == "other":
                        against_other = pick_text(T.AGAINST_VIEW_OTHER)
                    against_explained = B[rnd() < (0.88 if concluded else 0.7)]
                elif pre_view == "no_view" and lacks and rnd() < 0.6:
                    against = "lacks_capacity"
                    against_explained = B[rnd() < 0.8]

            # What the person wants and (for concluded enquiries, in the end) how it went.
            asked = prof.msp_asked.table[bits(TB)]
            achieved = prof.msp_achieved.table[bits(TB)] if asked == "asked_expressed" else None

            # Conversations, in date order: [day, stage, with the person, representative].
            convs: list[list] = []
            if discussed and rnd() < 0.25:
                day = max(c - int(rnd() * 3), 0)
                if pre_with == "person":
                    convs.append([day, "before_concern", 1, NULL])
                else:
                    convs.append([day, "before_concern", 0, pre_with])
            start_conv = -1
            if rnd() < (0.85 if asked in ("no", "not_recorded") else 0.95):
                u = rnd()
                k = 0 if u < 0.5 else 1 + int(rnd() * 3) if u < 0.85 else 4 + int(rnd() * 7)
                start_conv = len(convs)
                convs.append([min(add_wd(start, k), end), "start", *_present(rnd, rep_kind, lacks)])
            t = convs[start_conv][0] if start_conv >= 0 else start
            stop = end - 1 if concluded else today
            if not concluded and rnd() < prof.overdue_rate:
                # Conversations lapse: the last one is more than 20 working days ago.
                stop = D.add_working_days(today, -(OVERDUE_AFTER_WORKING_DAYS + int(rnd() * 40)))
            gap_lo, gap_hi = prof.conversation_gap_working_days
            during: list[int] = []
            while len(during) < 10:
                t = add_wd(t, gap_lo + int(rnd() * (gap_hi - gap_lo + 1)))
                if t > stop:
                    break
                during.append(len(convs))
                convs.append([t, "during", *_present(rnd, rep_kind, lacks)])
            end_conv = -1
            if concluded:
                if rnd() < 0.95:
                    end_conv = len(convs)
                    convs.append([concluded_day, "conclusion", *_present(rnd, rep_kind, lacks)])
                if rnd() < 0.08:
                    day = add_wd(concluded_day, 1 + int(rnd() * 15))
                    if day <= today:
                        convs.append([day, "after", *_present(rnd, rep_kind, lacks)])
            conv_base = self.next_conversation
            self.next_conversation += len(convs)
            recorder = worker
            for j, (day, stage, with_person, rep) in enumerate(convs):
                conversations.append(
                    (
                        conv_base + j,
                        eid,
                        iso[day],
                        with_person,
                        rep,
                        contact_method[bits(TB)],
                        stage,
                        pick_text(SUMMARIES[stage]),
                        pick_text(NEXT_STEPS[stage]),
                        recorder,
                        stamps[day][bits(7)],
                    )
                )

            if achieved is not None:
                self._outcomes(
                    rows,
                    eid=eid,
                    convs=convs,
                    conv_base=conv_base,
                    start_conv=start_conv,
                    during=during,
                    end_conv=end_conv,
                    start=start,
                    concluded_day=concluded_day if concluded else -1,
                    achieved=achieved,
                    self_neglect=self_neglect,
                    text_group="self" if self_neglect else source,
                    gender=gender,
                    lacks=lacks,
                    rep_kind=rep_kind,
                    recorder=recorder,
                )

            # Risk outcomes and the national answers, recorded at conclusion.
            if concluded:
                status = "concluded"
                risk_assessment = P.RISK_ASSESSMENT.table[bits(TB)]
                if risk_assessment == "identified_action":
                    risk_outcome = P.RISK_OUTCOME.table[bits(TB)]
                else:
                    risk_outcome = NULL
                if lacks:
                    lacked = "yes" if rnd() < 0.96 else "dont_know"
                else:
                    u = rnd()
                    lacked = "no" if u < 0.9 else "dont_know" if u < 0.94 else "not_recorded"
                support = B[bool(rep_kind)] if lacked == "yes" else NULL
                if achieved in T.ACHIEVED_REASONS and rnd() < 0.5:
                    achieved_reason = pick_text(T.ACHIEVED_REASONS[achieved])
                else:
                    achieved_reason = NULL
                concluded_on = iso[concluded_day]
                fy = D.fy[concluded_day]
                quarter = D.quarter[concluded_day]
                month = D.month[concluded_day]
                msp_asked = asked
                msp_achieved = achieved or NULL
                last_day = concluded_day
            else:
                status = "open"
                risk_assessment = risk_outcome = lacked = support = achieved_reason = NULL
                concluded_on = fy = quarter = month = msp_asked = msp_achieved = NULL
                last_day = start
            if convs and convs[-1][0] > last_day:
                last_day = convs[-1][0]

            # Feedback after conclusion: by the enquiry lead at closure, or by an
            # independent person, mostly within 8 weeks.
            first_feedback = NULL
            if concluded and rnd() < prof.feedback_rate:
                independent = rnd() < P.FEEDBACK_INDEPENDENT
                if independent:
                    after = 7 + int(rnd() * 50) if rnd() < 0.88 else 57 + int(rnd() * 60)
                else:
                    after = 0 if rnd() < 0.5 else 1 + int(rnd() * 10)
                given = concluded_day + after
                if given <= today:
                    if lacks or (rep_kind and rnd() < 0.1):
                        respondent = rep_kind or "family_member"
                    else:
                        respondent = "person"
                    declined = rnd() < P.FEEDBACK_DECLINED
                    first_feedback = after
                    fid = self.next_feedback
                    self.next_feedback += 1
                    if declined:
                        comment = pick_text(DECLINED_COMMENTS)
                    elif rnd() < 0.4:
                        comment = pick_text(T.FEEDBACK_COMMENTS[achieved])
                    else:
                        comment = NULL
                    feedback.append(
                        (
                            fid,
                            eid,
                            respondent,
                            "independent_person" if independent else "enquiry_lead",
                            P.FEEDBACK_METHOD.table[bits(TB)],
                            iso[given],
                            B[declined],
                            comment,
                            after,
                            self.admin_id if independent else recorder,
                            stamps[given][bits(7)],
                        )
                    )
                    if not declined:
                        general = P.FEEDBACK_ANSWER[achieved].table
                        goals = P.FEEDBACK_GOALS_ANSWER[achieved].table
                        for qv, key in qversions:
                            answers.append(
                                (fid, qv, (goals if key == "goals" else general)[bits(TB)])
                            )

            # Timeliness, as msp.timeliness works it out (a test checks they agree): working
            # days from the start to the first conversation on or after it; the longest run
            # of working days without one, from the start to the conclusion; days from the
            # conclusion to the first feedback.
            first_talk = NULL
            points = [start]
            for day, *_ in convs:
                if day >= start:
                    if first_talk == NULL:
                        first_talk = wd_count[day] - wd_count[start]
                    if not concluded or day <= concluded_day:
                        points.append(day)
            if concluded:
                points.append(concluded_day)
            longest_gap = NULL
            if len(points) > 1:
                longest_gap = max(
                    wd_count[b] - wd_count[a] for a, b in zip(points, points[1:], strict=False)
                )

            deleted = rnd() < 0.002  # entered in error: hidden from lists and counts
            enquiries.append(
                (
                    eid,
                    f"{bits(128):032x}",
                    person_id,
                    team.id,
                    worker_id,
                    P.ENQUIRY_TYPE.table[bits(TB)],
                    status,
                    iso[c],
                    iso[decision],
                    iso[start],
                    concluded_on,
                    fy,
                    quarter,
                    month,
                    location,
                    source,
                    risk_assessment,
                    risk_outcome,
                    B[discussed],
                    pre_with,
                    pre_view,
                    against,
                    against_other,
                    against_explained,
                    B[considered],
                    cap_decision,
                    cap_on,
                    cap_result,
                    cap_by,
                    B[difficulty],
                    appropriate,
                    referred_on,
                    advocate_kind,
                    rep_kind,
                    rep_details,
                    msp_asked,
                    msp_achieved,
                    achieved_reason,
                    lacked,
                    support,
                    B[deleted],
                    pick_text(T.DELETED_REASONS) if deleted else NULL,
                    stamps[min(start + 2, today)][bits(7)] if deleted else NULL,
                    team.supervisor_id if deleted else NULL,
                    stamps[decision][bits(7)],
                    stamps[last_day][bits(7)],
                    1,
                    first_talk,
                    longest_gap,
                    first_feedback,
                )
            )

            # A few cases talked about in supervision.
            if rnd() < 0.03:
                day = start + int(rnd() * (end - start + 1))
                notes.append(
                    (
                        self.next_note,
                        eid,
                        team.supervisor_id,
                        iso[day],
                        pick_text(T.SUPERVISION_REFLECTIONS),
                        pick_text(T.SUPERVISION_ACTIONS),
                        pick_text(SUPERVISION_LESSONS),
                        stamps[day][bits(7)],
                    )
                )
                self.next_note += 1

        return rows

    def _outcomes(
        self,
        rows: dict[str, list[tuple]],
        *,
        eid: int,
        convs: list[list],
        conv_base: int,
        start_conv: int,
        during: list[int],
        end_conv: int,
        start: int,
        concluded_day: int,
        achieved: str,
        self_neglect: bool,
        text_group: str,
        gender: str,
        lacks: bool,
        rep_kind: str,
        recorder: int,
    ) -> None:
        """Desired outcomes of one enquiry, every version of each, and the conversations
        that discussed them. Indexes into `convs` are -1 for "none"; `concluded_day` is -1
        while the enquiry is open."""
        rng = self.rng
        rnd = rng.random
        bits = rng.getrandbits
        iso = self.days.iso
        stamps = self.days.stamps
        versions = rows["outcome_versions"]
        vid = self.next_version

        def pick_text(options: tuple):
            return options[bits(16) % len(options)]

        # What they want: 1-5 outcomes at the start, sometimes one more later.
        categories = (P.OUTCOME_CATEGORY_SELF_NEGLECT if self_neglect else P.OUTCOME_CATEGORY).table
        n0 = P.OUTCOME_COUNT.table[bits(TB)]
        cats: list[str] = []
        while len(cats) < n0:
            cat = categories[bits(TB)]
            if cat not in cats:
                cats.append(cat)
        added_at = [start_conv] * n0
        if during and rnd() < 0.12:
            cat = categories[bits(TB)]
            if cat not in cats:
                cats.append(cat)
                added_at.append(during[int(rnd() * len(during))])
        # Said by the person, or by their representative when they lack capacity.
        speaker = rep_kind if (lacks and rep_kind and rnd() < 0.7) else "person"

        active_left = len(cats)
        outcomes: list[list] = []
        linked: set[tuple[int, int]] = set()
        for position, (cat, at) in enumerate(zip(cats, added_at, strict=True), start=1):
            oid = self.next_outcome
            self.next_outcome = oid + 1
            by = speaker
            if by == "person" and rep_kind and rnd() < 0.1:
                by = rep_kind
            if by == "person":
                pool = T.OWN_WORDS[cat][text_group]
            else:
                pool = T.REPRESENTATIVE_WORDS[cat][gender]
            words = pick_text(pool)
            if at >= 0:
                added_day, at_cid = convs[at][0], conv_base + at
                linked.add((at_cid, oid))
            else:
                added_day, at_cid = start, NULL
            vno = 1
            versions.append(
                (
                    vid,
                    oid,
                    1,
                    "added",
                    NULL,
                    iso[added_day],
                    at_cid,
                    cat,
                    words,
                    by,
                    "active",
                    NULL,
                    NULL,
                    NULL,
                    recorder,
                    stamps[added_day][bits(7)],
                )
            )
            vid += 1

            # Later changes, each at a conversation after the outcome was added:
            # (conversation index, order on the day, kind).
            later = during if at <= start_conv else [j for j in during if j > at]
            where = later or ([at] if at >= 0 else [])
            events: list[tuple[int, int, str]] = []
            if later and rnd() < 0.12:
                events.append((later[int(rnd() * len(later))], 0, "reworded"))
            if (
                where
                and achieved != "fully"
                and ((cat == "prosecute" and rnd() < 0.55) or rnd() < 0.04)
            ):
                events.append((where[int(rnd() * len(where))], 1, "not_achievable"))
            elif where and rnd() < 0.06:
                events.append((where[int(rnd() * len(where))], 1, "partly"))
            if later and active_left > 1 and rnd() < 0.05:
                latest = max([e[0] for e in events], default=later[0])
                options = [j for j in later if j >= latest]
                events.append((options[int(rnd() * len(options))], 2, "withdrawn"))
                active_left -= 1
            events.sort()
            status = "active"
            achv = expl = expl_cid = NULL
            for j, _, kind in events:
                cid, day = conv_base + j, convs[j][0]
                if kind == "reworded":
                    reason = "reworded"
                    note = pick_text(T.REWORD_NOTES)
                    for _ in range(3):
                        new_words = pick_text(pool)
                        if new_words != words:
                            break
                    words = new_words
                elif kind == "withdrawn":
                    reason = "withdrawn"
                    status = "withdrawn"
                    note = pick_text(T.WITHDRAW_NOTES)
                elif kind == "not_achievable":
                    reason = "achievability"
                    achv = "not_achievable"
                    note = pick_text(T.ACHIEVABILITY_NOTES)
                    if concluded_day < 0 and rnd() < 0.3:
                        expl = expl_cid = NULL  # not explained yet: the app prompts for it
                    else:
                        options = T.ACHIEVABILITY_EXPLANATIONS.get(cat)
                        expl = pick_text(options or T.ACHIEVABILITY_EXPLANATIONS["*"])
                        expl_cid = cid
                else:
                    reason = "achievability"
                    achv = "partly"
                    note = pick_text(T.ACHIEVABILITY_NOTES)
                    expl = pick_text(T.PARTLY_EXPLANATIONS)
                    expl_cid = cid
                vno += 1
                versions.append(
                    (
                        vid,
                        oid,
                        vno,
                        reason,
                        note,
                        iso[day],
                        cid,
                        cat,
                        words,
                        by,
                        status,
                        achv,
                        expl,
                        NULL,
                        recorder,
                        stamps[day][bits(7)],
                    )
                )
                vid += 1
                linked.add((cid, oid))
            outcomes.append(
                [
                    oid,
                    position,
                    cat,
                    words,
                    by,
                    added_day,
                    status,
                    achv,
                    expl,
                    expl_cid,
                    vno,
                    NULL,
                    NULL,
                ]
            )

        # Ratings at conclusion, consistent with the enquiry's national answer.
        if concluded_day >= 0:
            active = [o for o in outcomes if o[O_STATUS] == "active"]
            if achieved == "fully":
                ratings = ["fully"] * len(active)
            elif achieved == "not_achieved":
                ratings = ["not_achieved"] * len(active)
            elif len(active) == 1:
                ratings = ["partially"]
            else:
                ratings = [
                    "not_achieved"
                    if o[O_ACHV] == "not_achievable"
                    else P.RATING_IN_PARTIAL.table[bits(TB)]
                    for o in active
                ]
                if all(r == "fully" for r in ratings) or all(r == "not_achieved" for r in ratings):
                    achievable = [k for k, o in enumerate(active) if o[O_ACHV] != "not_achievable"]
                    ratings[achievable[-1] if achievable else -1] = "partially"
            end_cid = conv_base + end_conv if end_conv >= 0 else NULL
            note = pick_text(RATED_NOTES)
            stamp = stamps[concluded_day][bits(7)]
            for o, rating in zip(active, ratings, strict=True):
                o[O_VNO] += 1
                o[O_RATING] = rating
                if rnd() < 0.35:
                    o[O_VIEW] = pick_text(T.PERSON_VIEWS[rating])
                versions.append(
                    (
                        vid,
                        o[O_ID],
                        o[O_VNO],
                        "rated",
                        note,
                        iso[concluded_day],
                        end_cid,
                        o[O_CAT],
                        o[O_WORDS],
                        o[O_BY],
                        "active",
                        o[O_ACHV],
                        o[O_EXPL],
                        rating,
                        recorder,
                        stamp,
                    )
                )
                vid += 1
                if end_conv >= 0:
                    linked.add((end_cid, o[O_ID]))

        # Some conversations during the enquiry come back to one of the outcomes.
        for j in during:
            if rnd() < 0.4:
                day = convs[j][0]
                candidates = [o[O_ID] for o in outcomes if o[O_DAY] <= day]
                if candidates:
                    linked.add((conv_base + j, candidates[int(rnd() * len(candidates))]))

        self.next_version = vid
        out = rows["desired_outcomes"]
        for o in outcomes:
            day = o[O_DAY]
            out.append(
                (
                    o[O_ID],
                    eid,
                    o[O_POS],
                    o[O_CAT],
                    o[O_WORDS],
                    o[O_BY],
                    iso[day],
                    o[O_STATUS],
                    o[O_ACHV],
                    o[O_EXPL],
                    o[O_EXPL_CID],
                    o[O_RATING],
                    o[O_VIEW],
                    o[O_VNO],
                    stamps[day][bits(7)],
                )
            )
        rows["conversation_outcomes"].extend(sorted(linked))


def _present(rnd, rep_kind: str, lacks: bool) -> tuple[int, str]:
    """Who took part in a conversation: (1 if the person did, representative kind or NULL)."""
    if not rep_kind:
        return 1, NULL
    u = rnd()
    if lacks:
        if u < 0.45:
            return 0, rep_kind
        return (1, rep_kind) if u < 0.8 else (1, NULL)
    return (1, rep_kind) if u < 0.2 else (1, NULL)
