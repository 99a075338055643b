"""Importing enquiries from a pilot spreadsheet (CSV or XLSX): every row checked with the
screens' rules, then all written in one transaction — or nothing at all.

An enquiry is identified by its case reference and start date. A row whose enquiry is
already recorded exactly as the row says is skipped ("already imported"), so importing the
same file twice changes nothing; a row whose enquiry is recorded differently is a problem,
because the app's record is never silently overwritten.

The rules are the screens' own: `_check_new_enquiry` (msp.enquiries) and `check_new_outcome`
(msp.outcomes) run unchanged on each row; the conclusion rules mirror `conclude_enquiry`,
which has no separate check function to share.

Writing is done in bulk (PostgreSQL COPY, SQLite executemany: a few statements for the whole
file, not one per row), so thousands of rows import in seconds.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.engine import unit_of_work
from db.models import (
    AuditEvent,
    DesiredOutcome,
    Enquiry,
    EnquiryRiskType,
    OutcomeVersion,
    Person,
    Team,
    User,
    new_public_id,
    team_memberships,
    utcnow,
)
from msp import audit, vocab
from msp.auth import CurrentUser
from msp.enquiries import (
    NewEnquiry,
    PersonDetails,
    _check_new_enquiry,
    check_conclusion_answers,
)
from msp.errors import NotAllowed
from msp.importer.columns import (
    BY_KEY,
    CODES,
    COLUMNS,
    MAX_OUTCOMES,
    MAX_ROWS,
    POSITION,
    CellError,
    Column,
    FileError,
    Sheet,
    cell_text,
    is_blank,
    match_heading,
    normalise,
    parse_cell,
    read_sheet,
)
from msp.outcomes import NewOutcome, check_new_outcome
from msp.periods import financial_year, fy_quarter, month_key
from msp.timeliness import refresh as refresh_timeliness
from msp.validation import Checker

IMPORT_ACTION = "enquiry_imported"
SUMMARY_ACTION = "import_completed"
COMMAND_LINE = "command line"
CASE_ROLES = ("practitioner", "supervisor")
CHUNK = 500

# What happens to a row that has no problems.
NEW = "new"
ALREADY_IMPORTED = "already_imported"
REMOVED = "removed"
ROW_STATUS_TEXT = {
    ALREADY_IMPORTED: "already imported, skipped",
    REMOVED: "removed from the app as entered in error, skipped",
}

PERSON_FIELDS = ("preferred_name", "age_band", "gender", "ethnicity", "primary_support_reason")
CONCLUSION_ONLY = (
    "lacked_capacity",
    "capacity_support_provided",
    "msp_achieved",
    "msp_achieved_reason",
    "risk_assessment_outcome",
    "risk_outcome",
)
# Enquiry fields compared with an enquiry already recorded (besides risk types and outcomes).
COMPARED = (
    "team_id",
    "worker_id",
    "enquiry_type",
    "concern_received_on",
    "decision_on",
    "concluded_on",
    "location_of_risk",
    "source_of_risk",
    "pre_concern_discussed",
    "pre_concern_with",
    "pre_concern_view",
    "against_view_reason",
    "against_view_reason_other",
    "against_view_explained",
    "lacked_capacity",
    "capacity_support_provided",
    "msp_asked",
    "msp_achieved",
    "msp_achieved_reason",
    "risk_assessment_outcome",
    "risk_outcome",
)
DIFFERS = (
    "An enquiry with this case reference and start date is already recorded with a different "
    "value here. The app's record is not overwritten: make the cell match it, or delete the row"
)


# --- The report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing to correct. `row` is the row number the spreadsheet shows (the heading row
    is 1; None for the file as a whole); `column` is the column's heading (None: the row)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [f"Row {self.row}"] if self.row is not None else []
        if self.column:
            where.append(self.column)
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True)
class RowResult:
    """What happened (or, in a dry run, would happen) to one row without problems."""

    row: int
    status: str  # NEW, ALREADY_IMPORTED or REMOVED
    public_id: str | None = None  # the new enquiry's id, once written


@dataclass
class ImportReport:
    filename: str
    dry_run: bool
    rows_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    people_created: int = 0
    outcomes_added: int = 0
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def imported(self) -> int:
        """Enquiries imported (in a dry run: that would be imported)."""
        return sum(1 for r in self.rows if r.status == NEW)

    @property
    def skipped(self) -> int:
        return sum(1 for r in self.rows if r.status != NEW)

    def summary(self) -> str:
        if self.problems:
            n = len(self.problems)
            return (
                f"{n} problem{'s' if n != 1 else ''} found in {self.filename}. Nothing was "
                "imported: correct the file and import it again."
            )
        people = f"{self.people_created} new {'person' if self.people_created == 1 else 'people'}"
        outcomes = f"{self.outcomes_added} outcome{'s' if self.outcomes_added != 1 else ''}"
        skipped = (
            f" {self.skipped} row{'s' if self.skipped != 1 else ''} "
            f"{'would be ' if self.dry_run else ''}skipped."
            if self.skipped
            else ""
        )
        n = self.imported
        enquiries = f"{n} enquir{'ies' if n != 1 else 'y'}"
        if self.dry_run:
            return (
                f"File checked: {enquiries} from {self.filename} would be imported ({people}, "
                f"{outcomes}).{skipped} Nothing was written."
            )
        if not n:
            return f"Nothing new to import from {self.filename}.{skipped}"
        return f"Imported {enquiries} from {self.filename} ({people}, {outcomes}).{skipped}"

    def lines(self) -> list[str]:
        """The report as plain lines: each problem, each skipped row, then the summary."""
        out = [str(p) for p in self.problems]
        if not self.problems:
            for status, text in ROW_STATUS_TEXT.items():
                numbers = [r.row for r in self.rows if r.status == status]
                out += [f"{span}: {text}" for span in _spans(numbers)]
        out.append(self.summary())
        return out


def _spans(numbers: list[int]) -> list[str]:
    """ "Row 3", "Rows 5 to 9" for runs of consecutive row numbers."""
    spans: list[str] = []
    start = previous = None
    for n in [*sorted(numbers), None]:
        if start is not None and n is not None and n == previous + 1:
            previous = n
            continue
        if start is not None:
            spans.append(f"Row {start}" if start == previous else f"Rows {start} to {previous}")
        start = previous = n
    return spans


# --- Permissions ----------------------------------------------------------------------------


def require_importer(actor: CurrentUser | None) -> None:
    """None is the server's operator on the command line; otherwise a supervisor (for their
    teams) or an administrator."""
    if actor is None or actor.role == "administrator":
        return
    if actor.role == "supervisor" and actor.team_ids:
        return
    raise NotAllowed("Only supervisors (for their own teams) and administrators can import")


def importer_by_username(engine: Engine, username: str) -> CurrentUser | None:
    """The active user with this username (for `msp import --as`), or None."""
    from msp.auth import load_user

    with unit_of_work(engine) as session:
        user_id = session.scalar(
            sa.select(User.id).where(
                User.username == (username or "").strip().lower(), User.is_active.is_(True)
            )
        )
    return load_user(engine, user_id) if user_id is not None else None


# --- Rows -------------------------------------------------------------------------------------


@dataclass
class _Outcome:
    slot: int
    category: str | None
    own_words: str | None
    expressed_by: str
    rating: str | None


@dataclass
class _Row:
    number: int
    values: dict[str, Any]
    given: set[str]
    checker: Checker = field(default_factory=Checker)
    outcomes: list[_Outcome] = field(default_factory=list)
    team_id: int | None = None
    worker_id: int | None = None
    msp_asked: str | None = None

    def get(self, key: str) -> Any:
        return self.values.get(key)

    @property
    def reference(self) -> str | None:
        ref = self.values.get("case_reference")
        return ref.strip() if isinstance(ref, str) and ref.strip() else None

    @property
    def key(self) -> tuple[str, dt.date] | None:
        started = self.values.get("started_on")
        if self.reference is None or started is None:
            return None
        return self.reference, started


def column_letter(index: int) -> str:
    """The spreadsheet's letter for a 1-based column number (1 -> A, 28 -> AB)."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _headings(sheet: Sheet) -> tuple[dict[int, Column], list[Problem]]:
    index: dict[int, Column] = {}
    problems: list[Problem] = []
    seen: set[str] = set()
    width = max([len(sheet.headings)] + [len(v) for _, v in sheet.rows])
    for i in range(width):
        raw = sheet.headings[i] if i < len(sheet.headings) else None
        text = cell_text(raw)
        if text is None:
            if any(i < len(v) and cell_text(v[i]) is not None for _, v in sheet.rows):
                problems.append(
                    Problem(
                        1,
                        f"Column {column_letter(i + 1)}",
                        "This column has values but no heading: give it one of the template's "
                        "headings, or delete it",
                    )
                )
            continue
        column = match_heading(text)
        if column is None:
            problems.append(
                Problem(
                    1,
                    text[:80],
                    "This heading is not one of the template's: correct it, or delete the column",
                )
            )
        elif column.key in seen:
            problems.append(Problem(1, column.heading, "This column appears twice: keep only one"))
        else:
            seen.add(column.key)
            index[i] = column
    for column in COLUMNS:
        if column.needed and column.key not in seen:
            problems.append(
                Problem(
                    1,
                    column.heading,
                    "Add this column, with its heading as in the template: it is needed for "
                    "every enquiry",
                )
            )
    return index, problems


def _parse_rows(sheet: Sheet, index: dict[int, Column]) -> list[_Row]:
    rows = []
    for number, values in sheet.rows:
        if is_blank(values):
            continue
        row = _Row(number, {}, set())
        for i, column in index.items():
            raw = values[i] if i < len(values) else None
            if raw is None or raw == "":
                row.values[column.key] = [] if column.kind == CODES else None
                continue
            if cell_text(raw) is not None or isinstance(raw, bool):
                row.given.add(column.key)
            try:
                row.values[column.key] = parse_cell(column, raw, spreadsheet=sheet.spreadsheet)
            except CellError as exc:
                row.checker.add(column.key, str(exc))
                row.values[column.key] = None
        rows.append(row)
    return rows


# --- What the database already holds -----------------------------------------------------------


@dataclass
class _Known:
    teams_exact: dict[str, int]
    teams_folded: dict[str, list[int]]
    users: dict[str, tuple[int, str, bool]]  # username -> (id, role, is_active)
    members: set[tuple[int, int]]  # (user_id, team_id)
    people: dict[str, dict[str, Any]]  # case reference -> id and person fields
    enquiries: dict[tuple[int, dt.date], list[dict[str, Any]]]  # (person id, started) -> rows


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _load_known(session: Session, references: Iterable[str], *, lock: bool) -> _Known:
    teams_exact: dict[str, int] = {}
    teams_folded: dict[str, list[int]] = {}
    for team_id, name in session.execute(sa.select(Team.id, Team.name)):
        teams_exact[name.strip()] = team_id
        teams_folded.setdefault(normalise(name), []).append(team_id)
    users = {
        u.username.lower(): (u.id, u.role, u.is_active)
        for u in session.execute(sa.select(User.id, User.username, User.role, User.is_active))
    }
    members = {
        (m.user_id, m.team_id)
        for m in session.execute(sa.select(team_memberships.c.user_id, team_memberships.c.team_id))
    }
    people: dict[str, dict[str, Any]] = {}
    refs = sorted(set(references))
    for chunk in _chunks(refs):
        query = sa.select(Person.id, Person.case_reference, *_person_columns()).where(
            Person.case_reference.in_(chunk)
        )
        if lock:
            # Serialises imports that touch the same people (PostgreSQL; SQLite has one writer).
            query = query.with_for_update()
        for p in session.execute(query):
            people[p.case_reference] = dict(p._mapping)
    enquiries: dict[tuple[int, dt.date], list[dict[str, Any]]] = {}
    person_ids = [p["id"] for p in people.values()]
    for chunk in _chunks(person_ids):
        query = sa.select(
            Enquiry.id, Enquiry.person_id, Enquiry.started_on, Enquiry.is_deleted
        ).where(Enquiry.person_id.in_(chunk))
        for e in session.execute(query):
            enquiries.setdefault((e.person_id, e.started_on), []).append(dict(e._mapping))
    return _Known(teams_exact, teams_folded, users, members, people, enquiries)


def _person_columns() -> list[Any]:
    return [getattr(Person, name) for name in PERSON_FIELDS]


def _stored_enquiries(session: Session, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The compared fields, risk types and outcomes of the enquiries with these ids."""
    stored: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(ids):
        columns = [Enquiry.id, *(getattr(Enquiry, name) for name in COMPARED)]
        for e in session.execute(sa.select(*columns).where(Enquiry.id.in_(chunk))):
            values = dict(e._mapping)
            values["risk_types"] = set()
            values["outcomes"] = []
            stored[e.id] = values
        for r in session.execute(
            sa.select(EnquiryRiskType.enquiry_id, EnquiryRiskType.risk_type).where(
                EnquiryRiskType.enquiry_id.in_(chunk)
            )
        ):
            stored[r.enquiry_id]["risk_types"].add(r.risk_type)
        for o in session.execute(
            sa.select(
                DesiredOutcome.enquiry_id,
                DesiredOutcome.category,
                DesiredOutcome.own_words,
                DesiredOutcome.expressed_by,
                DesiredOutcome.rating,
                DesiredOutcome.status,
            )
            .where(DesiredOutcome.enquiry_id.in_(chunk))
            .order_by(DesiredOutcome.enquiry_id, DesiredOutcome.position)
        ):
            stored[o.enquiry_id]["outcomes"].append(
                (o.category, o.own_words, o.expressed_by, o.rating, o.status)
            )
    return stored


# --- Checking one row --------------------------------------------------------------------------


def _scope(team_id: int | None) -> CurrentUser:
    """A stand-in user whose only team is the row's, so the screens' rule for a new enquiry
    (`_check_new_enquiry`) can run unchanged: who may import into which team is checked
    before, from the real importer."""
    return CurrentUser(
        id=0,
        username="import",
        display_name="Import",
        role="supervisor",
        team_ids=(team_id,) if team_id is not None else (),
        team_names=(),
    )


def _resolve_team(row: _Row, known: _Known, actor: CurrentUser | None) -> None:
    c = row.checker
    name = row.get("team_id")
    if not name:
        c.add("team_id", "Enter the team's name as it appears in the app")
        return
    team_id = known.teams_exact.get(name.strip())
    if team_id is None:
        folded = known.teams_folded.get(normalise(name), [])
        team_id = folded[0] if len(folded) == 1 else None
    if team_id is None:
        c.add("team_id", "There is no team with this name: enter it as it appears in the app")
    elif actor is not None and actor.role != "administrator" and team_id not in actor.team_ids:
        c.add("team_id", "You can only import enquiries for the teams you supervise")
    else:
        row.team_id = team_id


def _resolve_worker(row: _Row, known: _Known) -> None:
    username = row.get("worker_id")
    if not username:
        return
    user = known.users.get(username.strip().lower())
    if user is None:
        row.checker.add(
            "worker_id", "There is no user with this username: enter it as it appears in the app"
        )
        return
    user_id, role, active = user
    if row.team_id is None:
        return
    if not active or role not in CASE_ROLES or (user_id, row.team_id) not in known.members:
        row.checker.add(
            "worker_id", "Enter the username of an active practitioner or supervisor in this team"
        )
    else:
        row.worker_id = user_id


def _new_enquiry(row: _Row) -> NewEnquiry:
    v = row.values
    return NewEnquiry(
        person=PersonDetails(
            case_reference=v.get("case_reference") or "",
            preferred_name=v.get("preferred_name"),
            age_band=v.get("age_band"),
            gender=v.get("gender") or "not_known",
            ethnicity=v.get("ethnicity") or "not_known",
            primary_support_reason=v.get("primary_support_reason") or "not_known",
        ),
        team_id=row.team_id,
        worker_id=None,  # checked against the preloaded memberships instead
        enquiry_type=v.get("enquiry_type"),
        concern_received_on=v.get("concern_received_on"),
        decision_on=v.get("decision_on"),
        started_on=v.get("started_on"),
        risk_types=v.get("risk_types") or [],
        location_of_risk=v.get("location_of_risk"),
        source_of_risk=v.get("source_of_risk"),
        pre_concern_discussed=v.get("pre_concern_discussed"),
        pre_concern_with=v.get("pre_concern_with"),
        pre_concern_view=v.get("pre_concern_view"),
        against_view_reason=v.get("against_view_reason"),
        against_view_reason_other=v.get("against_view_reason_other"),
        against_view_explained=v.get("against_view_explained"),
    )


def _check_outcomes(row: _Row, today: dt.date) -> None:
    c = row.checker
    concern = row.get("concern_received_on")
    started = row.get("started_on")
    enquiry_dates = SimpleNamespace(concern_received_on=concern)
    for n in range(1, MAX_OUTCOMES + 1):
        prefix = f"outcome_{n}_"
        keys = [f"{prefix}{k}" for k in ("category", "own_words", "expressed_by", "rating")]
        if not any(k in row.given for k in keys):
            continue
        item = NewOutcome(
            category=row.get(keys[0]),
            own_words=row.get(keys[1]),
            expressed_by=row.get(keys[2]) or vocab.PERSON,
            expressed_on=started,
        )
        if keys[2] in row.given and row.get(keys[2]) is None:
            item.expressed_by = None  # unreadable: already a problem
        check_new_outcome(c, prefix, item, enquiry_dates, today)
        row.outcomes.append(
            _Outcome(n, item.category, item.own_words, item.expressed_by, row.get(keys[3]))
        )


def _check_asked(c: Checker, asked: str | None, outcomes: list[_Outcome]) -> None:
    if asked == "asked_expressed" and not outcomes:
        c.add(
            "msp_asked",
            "Enter the outcomes the person expressed in the outcome columns, or choose another "
            "answer",
        )
    if asked in vocab.MSP_ASKED and asked != "asked_expressed" and outcomes:
        c.add(
            "msp_asked",
            "The person expressed outcomes (this row has some): enter “Yes they were asked "
            "and outcomes were expressed”",
        )


def _check_conclusion(row: _Row, today: dt.date) -> None:
    """The conclusion rules of the screens: the dates and ratings here, the national answers
    in msp.enquiries.check_conclusion_answers (the Conclude screen checks them there too)."""
    c = row.checker
    asked = row.msp_asked
    if "concluded_on" not in row.given:
        for o in row.outcomes:
            key = f"outcome_{o.slot}_rating"
            if key in row.given:
                c.add(
                    key,
                    "Only rate outcomes of concluded enquiries: enter the date in “Enquiry "
                    "concluded”, or leave the rating empty",
                )
        for key in CONCLUSION_ONLY:
            if key in row.given:
                c.add(
                    key,
                    "Leave this empty while the enquiry is open, or enter the date in "
                    "“Enquiry concluded”",
                )
        _check_asked(c, asked, row.outcomes)
        return
    c.date(
        "concluded_on",
        row.get("concluded_on"),
        required=True,
        what="the date the enquiry concluded",
        today=today,
        not_before=(row.get("started_on"), "The enquiry cannot end before it started"),
    )
    ratings = []
    for o in row.outcomes:
        key = f"outcome_{o.slot}_rating"
        if o.rating is None:
            c.add(
                key,
                "Rate this outcome (Fully achieved, Partially achieved or Not achieved): every "
                "outcome of a concluded enquiry needs a rating",
            )
        else:
            ratings.append(o.rating)
    c.code(
        "msp_asked",
        asked,
        vocab.MSP_ASKED,
        required=True,
        what="whether the person was asked about their desired outcomes",
    )
    _check_asked(c, asked, row.outcomes)
    check_conclusion_answers(
        c,
        asked=asked,
        achieved=row.get("msp_achieved"),
        achieved_reason=row.get("msp_achieved_reason"),
        ratings=ratings,
        all_rated=len(ratings) == len(row.outcomes),
        risk_assessment_outcome=row.get("risk_assessment_outcome"),
        risk_outcome=row.get("risk_outcome"),
        lacked_capacity=row.get("lacked_capacity"),
        capacity_support_provided=row.get("capacity_support_provided"),
        given=lambda name: name in row.given,
    )


def _check_row(
    session: Session, row: _Row, known: _Known, actor: CurrentUser | None, today: dt.date
) -> None:
    c = row.checker
    _resolve_team(row, known, actor)
    _resolve_worker(row, known)
    _check_new_enquiry(session, c, _scope(row.team_id), _new_enquiry(row), today)
    if row.get("against_view_reason") != "other" and "against_view_reason_other" in row.given:
        c.add("against_view_reason_other", "Leave this empty unless the reason is “Other reason”")
    _check_outcomes(row, today)
    row.msp_asked = row.get("msp_asked") or ("asked_expressed" if row.outcomes else None)
    _check_conclusion(row, today)


def _column_of(field_name: str) -> str:
    """The column a validation field belongs to (an outcome's date is the start date)."""
    if field_name.startswith("outcome_") and field_name.endswith("_expressed_on"):
        return "started_on"
    return field_name if field_name in BY_KEY else "case_reference"


def _for_import(message: str) -> str:
    """The screens say "Choose" (from a list); a spreadsheet cell is entered."""
    return "Enter " + message[len("Choose ") :] if message.startswith("Choose ") else message


def _row_problems(row: _Row) -> list[Problem]:
    seen: dict[str, str] = {}
    for name, message in row.checker.problems.items():
        seen.setdefault(_column_of(name), _for_import(message))
    ordered = sorted(seen.items(), key=lambda kv: POSITION[kv[0]])
    return [Problem(row.number, BY_KEY[key].heading, message) for key, message in ordered]


# --- Across rows and against the database ------------------------------------------------------


def _check_people(rows: list[_Row], known: _Known) -> None:
    """Rows for one person agree with each other and with the person already recorded."""
    first: dict[str, dict[str, tuple[Any, int]]] = {}
    for row in rows:
        ref = row.reference
        if ref is None:
            continue
        stored = known.people.get(ref)
        for name in PERSON_FIELDS:
            if name not in row.given or not row.checker.ok(name):
                continue
            value = row.get(name)
            heading = BY_KEY[name].heading.lower()
            if stored is not None:
                if value != stored[name]:
                    row.checker.add(
                        name,
                        f"This person is already recorded with a different {heading}: enter "
                        "the value recorded in the app, or leave this empty",
                    )
                continue
            earlier = first.setdefault(ref, {}).setdefault(name, (value, row.number))
            if earlier[0] != value:
                row.checker.add(
                    name,
                    f"Row {earlier[1]} gives a different {heading} for this case reference: "
                    "use the same value in every row for this person, or leave it empty",
                )


def _row_values(row: _Row) -> dict[str, Any]:
    v = row.values

    def text(name: str) -> str | None:
        value = v.get(name)
        return value.strip() or None if isinstance(value, str) else value

    values = {name: text(name) for name in COMPARED}
    values.update(
        team_id=row.team_id,
        worker_id=row.worker_id,
        msp_asked=row.msp_asked,
        pre_concern_with=v.get("pre_concern_with") or None,
        pre_concern_view=v.get("pre_concern_view") or None,
        against_view_reason=v.get("against_view_reason") or None,
    )
    if "concluded_on" not in row.given:
        for name in CONCLUSION_ONLY:
            values[name] = None
    elif values["msp_asked"] != "asked_expressed":
        values["msp_achieved"] = None
    return values


def _differences(row: _Row, stored: dict[str, Any]) -> list[str]:
    """The keys of the columns in which the row differs from the stored enquiry."""
    values = _row_values(row)
    differ = [name for name in COMPARED if values[name] != stored[name]]
    if set(row.get("risk_types") or []) != stored["risk_types"]:
        differ.append("risk_types")
    mine = [(o.category, o.own_words.strip(), o.expressed_by, o.rating) for o in row.outcomes]
    theirs = [
        (cat, words, by, rating if status == "active" else "withdrawn")
        for cat, words, by, rating, status in stored["outcomes"]
    ]
    for i in range(max(len(mine), len(theirs))):
        slot = row.outcomes[i].slot if i < len(row.outcomes) else min(i + 1, MAX_OUTCOMES)
        a = mine[i] if i < len(mine) else None
        b = theirs[i] if i < len(theirs) else None
        if a == b:
            continue
        if a is None or b is None:
            differ.append(f"outcome_{slot}_category")
            continue
        parts = ("category", "own_words", "expressed_by", "rating")
        for name, x, y in zip(parts, a, b, strict=True):
            if x != y:
                differ.append(f"outcome_{slot}_{name}")
    return differ


def _classify(session: Session, rows: list[_Row], known: _Known) -> dict[int, str]:
    """NEW, ALREADY_IMPORTED or REMOVED for each good row; problems for repeats within the
    file and for rows that differ from what is recorded."""
    status: dict[int, str] = {}
    first_row: dict[tuple[str, dt.date], int] = {}
    matches: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        key = row.key
        if key is None:
            continue
        if key in first_row:
            row.checker.add(
                "case_reference",
                f"Row {first_row[key]} has the same case reference and start date: an "
                "enquiry can be in the file only once",
            )
            continue
        first_row[key] = row.number
        person = known.people.get(key[0])
        found = known.enquiries.get((person["id"], key[1]), []) if person else []
        if found:
            matches[row.number] = found
    stored = _stored_enquiries(
        session, [e["id"] for found in matches.values() for e in found if not e["is_deleted"]]
    )
    for row in rows:
        if row.checker.problems:
            continue
        found = matches.get(row.number)
        if not found:
            status[row.number] = NEW
            continue
        live = [e for e in found if not e["is_deleted"]]
        if not live:
            status[row.number] = REMOVED
            continue
        differences = [_differences(row, stored[e["id"]]) for e in live]
        if any(not d for d in differences):
            status[row.number] = ALREADY_IMPORTED
            continue
        for key in min(differences, key=len):
            row.checker.add(key, DIFFERS)
    return status


# --- Writing ----------------------------------------------------------------------------------


def _reporting(concluded: dt.date | None) -> dict[str, int | None]:
    if concluded is None:
        return {"concluded_fy": None, "concluded_quarter": None, "concluded_month": None}
    return {
        "concluded_fy": financial_year(concluded),
        "concluded_quarter": fy_quarter(concluded),
        "concluded_month": month_key(concluded),
    }


def _insert(session: Session, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    """Insert many rows at once, in the unit of work's transaction: PostgreSQL's COPY
    (psycopg's executemany would send one statement per row), SQLite's executemany. Every
    row has the same keys and gives every value explicitly (no Python-side defaults); ids
    are read back afterwards by a unique key."""
    if not rows:
        return
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        connection.execute(sa.insert(table), rows)
        return
    names = list(rows[0])
    quote = connection.dialect.identifier_preparer
    statement = (
        f"COPY {quote.format_table(table)} ({', '.join(quote.quote(n) for n in names)}) FROM STDIN"
    )
    import psycopg

    driver = connection.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([_copy_value(row[n]) for n in names])
    except psycopg.errors.IntegrityError as exc:
        raise sa.exc.IntegrityError(statement, None, exc) from exc


def _copy_value(value: Any) -> Any:
    # COPY sends JSON as its text; everything else psycopg adapts as it would any parameter.
    return json.dumps(value) if isinstance(value, dict) else value


def _ids_by(session: Session, column: sa.Column, values: Iterable[Any]) -> dict[Any, int]:
    """id by a unique column's value, for the rows just inserted."""
    table = column.table
    ids: dict[Any, int] = {}
    for chunk in _chunks(list(values)):
        for value, row_id in session.execute(
            sa.select(column, table.c.id).where(column.in_(chunk))
        ):
            ids[value] = row_id
    return ids


def _write(
    session: Session,
    rows: list[_Row],
    known: _Known,
    actor: CurrentUser | None,
    filename: str,
    report: ImportReport,
) -> dict[int, str]:
    now = utcnow()
    actor_id = actor.id if actor else None
    actor_name = actor.username if actor else COMMAND_LINE

    person_ids = {ref: p["id"] for ref, p in known.people.items()}
    new_people: dict[str, dict[str, Any]] = {}
    for row in rows:
        ref = row.reference
        if ref in person_ids:
            continue
        person = new_people.setdefault(
            ref,
            {
                "case_reference": ref,
                "preferred_name": None,
                "age_band": None,
                "gender": None,
                "ethnicity": None,
                "primary_support_reason": None,
                "created_at": now,
            },
        )
        for name in PERSON_FIELDS:
            if person[name] is None and row.get(name):
                person[name] = row.get(name).strip() if name == "preferred_name" else row.get(name)
    people_rows = list(new_people.values())
    for person in people_rows:
        for name in ("gender", "ethnicity", "primary_support_reason"):
            person[name] = person[name] or "not_known"
    _insert(session, Person.__table__, people_rows)
    person_ids.update(_ids_by(session, Person.__table__.c.case_reference, new_people))

    enquiry_rows = []
    for row in rows:
        values = _row_values(row)
        concluded = values["concluded_on"]
        enquiry_rows.append(
            {
                **values,
                **_reporting(concluded),
                "public_id": new_public_id(),
                "person_id": person_ids[row.reference],
                "status": "concluded" if concluded else "open",
                "started_on": row.get("started_on"),
                "capacity_considered": False,
                "is_deleted": False,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    _insert(session, Enquiry.__table__, enquiry_rows)
    by_public_id = _ids_by(
        session, Enquiry.__table__.c.public_id, (e["public_id"] for e in enquiry_rows)
    )
    enquiry_ids = [by_public_id[e["public_id"]] for e in enquiry_rows]

    risk_rows = [
        {"enquiry_id": enquiry_id, "risk_type": risk_type}
        for row, enquiry_id in zip(rows, enquiry_ids, strict=True)
        for risk_type in dict.fromkeys(row.get("risk_types"))
    ]
    _insert(session, EnquiryRiskType.__table__, risk_rows)

    outcome_rows = []
    for row, enquiry_id in zip(rows, enquiry_ids, strict=True):
        rated = row.get("concluded_on") is not None
        for position, o in enumerate(row.outcomes, start=1):
            outcome_rows.append(
                {
                    "enquiry_id": enquiry_id,
                    "position": position,
                    "category": o.category,
                    "own_words": o.own_words.strip(),
                    "expressed_by": o.expressed_by,
                    "expressed_on": row.get("started_on"),
                    "status": "active",
                    "rating": o.rating if rated else None,
                    "current_version": 2 if rated else 1,
                    "created_at": now,
                    "_concluded_on": row.get("concluded_on"),
                }
            )
    _insert(
        session,
        DesiredOutcome.__table__,
        [{k: v for k, v in o.items() if not k.startswith("_")} for o in outcome_rows],
    )
    by_position: dict[tuple[int, int], int] = {}
    for chunk in _chunks(enquiry_ids):
        for outcome_id, enquiry_id, position in session.execute(
            sa.select(DesiredOutcome.id, DesiredOutcome.enquiry_id, DesiredOutcome.position).where(
                DesiredOutcome.enquiry_id.in_(chunk)
            )
        ):
            by_position[(enquiry_id, position)] = outcome_id
    outcome_ids = [by_position[(o["enquiry_id"], o["position"])] for o in outcome_rows]
    # The history, as msp.outcomes.new_version would record it: 'added', then 'rated'.
    version_rows = []
    for o, outcome_id in zip(outcome_rows, outcome_ids, strict=True):
        snapshot = {
            "outcome_id": outcome_id,
            "change_note": None,
            "conversation_id": None,
            "category": o["category"],
            "own_words": o["own_words"],
            "expressed_by": o["expressed_by"],
            "status": "active",
            "achievability": None,
            "achievability_explanation": None,
            "recorded_by_id": actor_id,
            "recorded_at": now,
        }
        version_rows.append(
            {
                **snapshot,
                "version_no": 1,
                "reason": "added",
                "effective_on": o["expressed_on"],
                "rating": None,
            }
        )
        if o["current_version"] == 2:
            version_rows.append(
                {
                    **snapshot,
                    "version_no": 2,
                    "reason": "rated",
                    "effective_on": o["_concluded_on"],
                    "rating": o["rating"],
                }
            )
    _insert(session, OutcomeVersion.__table__, version_rows)
    for chunk in _chunks(enquiry_ids):
        refresh_timeliness(session, chunk)

    # One event per enquiry, as msp.audit.record writes them, in one multi-row INSERT.
    _insert(
        session,
        AuditEvent.__table__,
        [
            {
                "occurred_at": now,
                "user_id": actor_id,
                "username": actor_name,
                "action": IMPORT_ACTION,
                "record_type": "enquiry",
                "record_id": enquiry["public_id"],
                "team_id": enquiry["team_id"],
                "details": {"source": filename, "row": row.number},
            }
            for row, enquiry in zip(rows, enquiry_rows, strict=True)
        ],
    )
    report.people_created = len(people_rows)
    report.outcomes_added = len(outcome_rows)
    return {row.number: e["public_id"] for row, e in zip(rows, enquiry_rows, strict=True)}


# --- The service ------------------------------------------------------------------------------


def _source_bytes(source: str | Path | bytes, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
        name = filename or "uploaded file"
    else:
        path = Path(source)
        data = path.read_bytes()
        name = filename or path.name
    # Only the file's name (never a folder path) goes into the report and the audit trail.
    name = Path(str(name).replace("\\", "/")).name[:120] or "uploaded file"
    return data, name


def import_file(
    engine: Engine,
    actor: CurrentUser | None,
    source: str | Path | bytes,
    *,
    filename: str | None = None,
    dry_run: bool = False,
    today: dt.date,
) -> ImportReport:
    """Check every row of a CSV or XLSX file and import it all, or nothing.

    `actor` None is the server's operator on the command line (any team); otherwise a
    supervisor (their teams only) or an administrator. `source` is a path or the file's
    bytes (then give `filename`, used in the report and the audit trail). A dry run checks
    and reports what would be imported, writing nothing. Problems are returned in the report,
    never raised; NotAllowed is raised for a user who may not import.
    """
    require_importer(actor)
    data, name = _source_bytes(source, filename)
    report = ImportReport(filename=name, dry_run=dry_run)
    try:
        sheet = read_sheet(data, name)
    except FileError as exc:
        report.problems.append(Problem(None, None, str(exc)))
        return report
    if not sheet.headings or is_blank(sheet.headings):
        report.problems.append(
            Problem(None, None, "The first row must hold the template's column headings")
        )
        return report
    index, heading_problems = _headings(sheet)
    rows = _parse_rows(sheet, index)
    report.rows_read = len(rows)
    if heading_problems:
        report.problems = heading_problems
        return report
    if not rows:
        report.problems.append(
            Problem(None, None, "The file has no enquiries: add one row per enquiry")
        )
        return report
    if len(rows) > MAX_ROWS:
        report.problems.append(
            Problem(None, None, f"The file has more than {MAX_ROWS:,} rows: split it")
        )
        return report

    try:
        with unit_of_work(engine) as session:
            refs = [r.reference for r in rows if r.reference]
            lock = not dry_run and session.get_bind().dialect.name == "postgresql"
            known = _load_known(session, refs, lock=lock)
            for row in rows:
                _check_row(session, row, known, actor, today)
            status = _classify(session, rows, known)
            _check_people([r for r in rows if status.get(r.number, NEW) == NEW], known)
            for row in rows:
                report.problems.extend(_row_problems(row))
            if report.problems:
                return report
            report.rows = [RowResult(r.number, status[r.number]) for r in rows]
            new_rows = [r for r in rows if status[r.number] == NEW]
            if dry_run:
                report.people_created = len(
                    {r.reference for r in new_rows if r.reference not in known.people}
                )
                report.outcomes_added = sum(len(r.outcomes) for r in new_rows)
                return report
            ids = _write(session, new_rows, known, actor, name, report)
            audit.record(
                session,
                actor_id=actor.id if actor else None,
                actor_username=actor.username if actor else COMMAND_LINE,
                action=SUMMARY_ACTION,
                record_type="import",
                details={
                    "source": name,
                    "rows": report.rows_read,
                    "imported": len(new_rows),
                    "skipped": report.rows_read - len(new_rows),
                    "people_created": report.people_created,
                    "outcomes_added": report.outcomes_added,
                },
            )
    except sa.exc.IntegrityError:
        report.rows = []
        report.people_created = report.outcomes_added = 0
        report.problems.append(
            Problem(
                None,
                None,
                "Someone else recorded some of these enquiries at the same moment, so nothing "
                "was imported. Import the file again to see what is left to import.",
            )
        )
        return report
    report.rows = [RowResult(r.row, r.status, ids.get(r.row)) for r in report.rows]
    report.written = True
    return report
