"""Importing enquiries from the pilot spreadsheet: all or nothing, idempotent, audited.

Each test runs on SQLite and (with MSP_TEST_POSTGRES_URL) PostgreSQL.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

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
)
from msp.cli import main
from msp.errors import NotAllowed
from msp.importer import (
    ALREADY_IMPORTED,
    COLUMNS,
    EXAMPLE_TEAM,
    EXAMPLE_WORKER,
    IMPORT_ACTION,
    NEW,
    REMOVED,
    SUMMARY_ACTION,
    Problem,
    import_file,
    service,
    template_csv,
    template_xlsx,
)
from tests.integration.journey_helpers import TODAY, make_world, snapshot

HEADING = {c.key: c.heading for c in COLUMNS}


@pytest.fixture
def world(engine):
    return make_world(engine)


def open_row(**overrides) -> dict[str, str]:
    """An open enquiry with one outcome (no rating), as people type it."""
    row = {
        "case_reference": "CS-1001",
        "preferred_name": "Mrs B",
        "age_band": "75-84",
        "gender": "Female",
        "ethnicity": "White",
        "primary_support_reason": "Physical Support",
        "team_id": "North",
        "worker_id": "alex",
        "enquiry_type": "Section 42",
        "concern_received_on": "2026-09-01",
        "decision_on": "2026-09-02",
        "started_on": "2026-09-03",
        "risk_types": "Financial or Material Abuse; Psychological Abuse",
        "location_of_risk": "Own Home",
        "source_of_risk": "Other - Known to individual",
        "pre_concern_discussed": "Yes",
        "pre_concern_with": "The person",
        "pre_concern_view": "Agreed to the concern being raised",
        "outcome_1_category": "For the abuse to stop and to feel safer",
        "outcome_1_own_words": "I want my nephew to stop taking my pension",
        "outcome_1_expressed_by": "The person",
    }
    row.update(overrides)
    return row


def concluded_row(**overrides) -> dict[str, str]:
    """A concluded enquiry with two rated outcomes and the national answers."""
    row = open_row(
        case_reference="CS-2002",
        preferred_name="Mr K",
        gender="Male",
        team_id="South",
        worker_id="bea",
        enquiry_type="Other",
        concern_received_on="2026-08-10",
        decision_on="",
        started_on="2026-08-12",
        concluded_on="2026-10-20",
        risk_types="Neglect and Acts of Omission",
        location_of_risk="Care Home - Residential",
        source_of_risk="Service Provider",
        lacked_capacity="Yes, they lacked capacity",
        capacity_support_provided="Yes",
        msp_asked="Yes they were asked and outcomes were expressed",
        msp_achieved="Partially Achieved",
        risk_assessment_outcome="Risk identified and action taken",
        risk_outcome="Risk reduced",
        outcome_1_category="To be involved in what happens next",
        outcome_1_own_words="Tell me what is going on",
        outcome_1_expressed_by="Family member",
        outcome_1_rating="Fully achieved",
        outcome_2_category="Something else",
        outcome_2_own_words="I want my own chair back",
        outcome_2_expressed_by="",
        outcome_2_rating="Not achieved",
    )
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict[str, str]], headings: list[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    keys = [c.key for c in COLUMNS]
    writer.writerow(headings or [HEADING[k] for k in keys])
    for row in rows:
        writer.writerow([row.get(k, "") for k in keys])
    return buffer.getvalue().encode("utf-8")


def run(engine, rows_or_bytes, actor=None, *, dry_run=False, filename="pilot.csv"):
    data = rows_or_bytes if isinstance(rows_or_bytes, bytes) else csv_bytes(rows_or_bytes)
    return import_file(engine, actor, data, filename=filename, dry_run=dry_run, today=TODAY)


def enquiries(engine) -> dict[str, Enquiry]:
    with unit_of_work(engine) as session:
        found = session.scalars(sa.select(Enquiry).join(Person)).all()
        return {
            e.person.case_reference: {
                "enquiry": e,
                "risk_types": sorted(r.risk_type for r in e.risk_types),
                "outcomes": [
                    (o.position, o.category, o.own_words, o.expressed_by, o.rating, o.status)
                    for o in e.outcomes
                ],
                "versions": [
                    [(v.version_no, v.reason, v.rating, v.effective_on) for v in o.versions]
                    for o in e.outcomes
                ],
                "person": e.person,
            }
            for e in found
        }


def events(engine, action: str | None = None) -> list[AuditEvent]:
    with unit_of_work(engine) as session:
        query = sa.select(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.where(AuditEvent.action == action)
        found = session.scalars(query).all()
        session.expunge_all()
        return found


# --- Happy paths ---


def test_csv_import_creates_people_enquiries_outcomes_and_history(engine, world):
    report = run(engine, [open_row(), concluded_row()])

    assert report.ok and report.written, report.lines()
    assert (report.imported, report.skipped, report.people_created, report.outcomes_added) == (
        2,
        0,
        2,
        3,
    )
    assert [r.status for r in report.rows] == [NEW, NEW]
    assert all(r.public_id for r in report.rows)
    assert report.lines() == ["Imported 2 enquiries from pilot.csv (2 new people, 3 outcomes)."]

    found = enquiries(engine)
    first = found["CS-1001"]
    e = first["enquiry"]
    assert (e.team_id, e.worker_id, e.enquiry_type, e.status) == (
        world.north,
        world.alex.id,
        "s42",
        "open",
    )
    assert (e.concern_received_on, e.decision_on, e.started_on, e.concluded_on) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 2),
        dt.date(2026, 9, 3),
        None,
    )
    assert (e.concluded_fy, e.concluded_quarter, e.concluded_month) == (None, None, None)
    assert first["risk_types"] == ["financial", "psychological"]
    assert (e.location_of_risk, e.source_of_risk) == ("own_home", "known")
    assert (e.pre_concern_discussed, e.pre_concern_with, e.pre_concern_view) == (
        True,
        "person",
        "agreed",
    )
    # Outcomes given but no answer: the person was asked and expressed them (as the screens do).
    assert e.msp_asked == "asked_expressed"
    assert e.msp_achieved is None and e.risk_assessment_outcome is None
    assert first["outcomes"] == [
        (
            1,
            "abuse_stop",
            "I want my nephew to stop taking my pension",
            "person",
            None,
            "active",
        )
    ]
    assert first["versions"] == [[(1, "added", None, dt.date(2026, 9, 3))]]
    person = first["person"]
    assert (person.preferred_name, person.age_band, person.gender, person.ethnicity) == (
        "Mrs B",
        "75-84",
        "female",
        "white",
    )
    assert person.primary_support_reason == "physical"

    second = found["CS-2002"]
    e = second["enquiry"]
    assert (e.team_id, e.worker_id, e.enquiry_type, e.status) == (
        world.south,
        world.bea.id,
        "other",
        "concluded",
    )
    assert e.concluded_on == dt.date(2026, 10, 20)
    # October 2026 is in 2026-27, quarter 3.
    assert (e.concluded_fy, e.concluded_quarter, e.concluded_month) == (2026, 3, 202610)
    assert (e.msp_asked, e.msp_achieved, e.msp_achieved_reason) == (
        "asked_expressed",
        "partially",
        None,
    )
    assert (e.risk_assessment_outcome, e.risk_outcome) == ("identified_action", "reduced")
    assert (e.lacked_capacity, e.capacity_support_provided) == ("yes", True)
    assert e.decision_on is None and e.version == 1
    assert [o[1:5] for o in second["outcomes"]] == [
        ("involved", "Tell me what is going on", "family_member", "fully"),
        ("something_else", "I want my own chair back", "person", "not_achieved"),
    ]
    assert second["versions"] == [
        [(1, "added", None, dt.date(2026, 8, 12)), (2, "rated", "fully", dt.date(2026, 10, 20))],
        [
            (1, "added", None, dt.date(2026, 8, 12)),
            (2, "rated", "not_achieved", dt.date(2026, 10, 20)),
        ],
    ]
    with unit_of_work(engine) as session:
        current = session.scalars(
            sa.select(DesiredOutcome.current_version).order_by(DesiredOutcome.id)
        ).all()
        assert current == [1, 2, 2]


def _xlsx(rows: list[list], headings: list[str] | None = None, title: str = "Enquiries") -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(headings or [c.heading for c in COLUMNS])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _xlsx_row(row: dict) -> list:
    return [row.get(c.key) if row.get(c.key) != "" else None for c in COLUMNS]


def test_xlsx_import_reads_real_dates_uk_dates_serials_and_codes(engine, world):
    first = open_row(
        concern_received_on=dt.datetime(2026, 9, 1),  # an Excel date cell
        decision_on="02/09/2026",  # typed the British way
        started_on=46268,  # an Excel serial number: 2026-09-03
        # Codes work as well as labels, ignoring case and spaces.
        enquiry_type=" S42 ",
        location_of_risk="own_home",
        pre_concern_discussed=True,
    )
    second = concluded_row(
        concluded_on=dt.date(2026, 10, 20),
        lacked_capacity="Don’t know",  # a spreadsheet's curly apostrophe
        capacity_support_provided="",
        msp_achieved="partially achieved",
    )
    report = run(engine, _xlsx([_xlsx_row(first), [], _xlsx_row(second)]), filename="pilot.xlsx")

    assert report.ok, report.lines()
    # The blank row 3 is skipped but still counts in the numbering.
    assert [(r.row, r.status) for r in report.rows] == [(2, NEW), (4, NEW)]
    found = enquiries(engine)
    e = found["CS-1001"]["enquiry"]
    assert (e.concern_received_on, e.decision_on, e.started_on) == (
        dt.date(2026, 9, 1),
        dt.date(2026, 9, 2),
        dt.date(2026, 9, 3),
    )
    assert (e.enquiry_type, e.location_of_risk, e.pre_concern_discussed) == (
        "s42",
        "own_home",
        True,
    )
    e = found["CS-2002"]["enquiry"]
    assert (e.concluded_on, e.lacked_capacity, e.msp_achieved) == (
        dt.date(2026, 10, 20),
        "dont_know",
        "partially",
    )


def test_a_supervisor_imports_for_their_teams_and_is_recorded(engine, world):
    report = run(engine, [open_row()], world.sam)
    assert report.ok, report.lines()
    (event,) = events(engine, IMPORT_ACTION)
    assert (event.user_id, event.username) == (world.sam.id, "sam")
    with unit_of_work(engine) as session:
        assert session.scalar(sa.select(OutcomeVersion.recorded_by_id)) == world.sam.id


def test_an_administrator_may_import_for_any_team(engine, world):
    assert run(engine, [open_row(), concluded_row()], world.ada).ok


@pytest.mark.parametrize("who", ["alex", "cal"])
def test_practitioners_and_commissioners_may_not_import(engine, world, who):
    before = snapshot(engine)
    with pytest.raises(NotAllowed):
        run(engine, [open_row()], getattr(world, who))
    assert snapshot(engine) == before


def test_a_supervisor_cannot_import_for_another_team(engine, world):
    with unit_of_work(engine) as session:
        session.add(Team(name="East"))
    before = snapshot(engine)
    report = run(engine, [open_row(team_id="East", worker_id="")], world.sam)
    assert [str(p) for p in report.problems] == [
        "Row 2, Team: You can only import enquiries for the teams you supervise"
    ]
    assert snapshot(engine) == before


# --- Every refusal: one problem, by row and column, and nothing written ---

REFUSALS = [
    pytest.param(
        open_row(case_reference=""),
        "case_reference",
        "Enter the person's case reference",
        id="case-reference-missing",
    ),
    pytest.param(
        open_row(case_reference="CS 1001!"),
        "case_reference",
        "Enter the case reference as it appears in the case system",
        id="case-reference-bad",
    ),
    pytest.param(
        open_row(team_id=""),
        "team_id",
        "Enter the team's name as it appears in the app",
        id="team-missing",
    ),
    pytest.param(
        open_row(team_id="Nowhere"),
        "team_id",
        "There is no team with this name",
        id="team-unknown",
    ),
    pytest.param(
        open_row(worker_id="bea"),
        "worker_id",
        "Enter the username of an active practitioner or supervisor in this team",
        id="worker-not-in-team",
    ),
    pytest.param(
        open_row(worker_id="ada"),
        "worker_id",
        "Enter the username of an active practitioner or supervisor in this team",
        id="worker-not-a-caseworker",
    ),
    pytest.param(
        open_row(worker_id="nobody"),
        "worker_id",
        "There is no user with this username",
        id="worker-unknown",
    ),
    pytest.param(
        open_row(enquiry_type=""),
        "enquiry_type",
        "Enter section 42 or Other",
        id="type-missing",
    ),
    pytest.param(
        open_row(enquiry_type="Section 44"),
        "enquiry_type",
        "Enter one of the allowed values",
        id="type-not-a-label",
    ),
    pytest.param(
        open_row(concern_received_on=""),
        "concern_received_on",
        "Enter the date the concern was received",
        id="concern-missing",
    ),
    pytest.param(
        open_row(concern_received_on="2026/09/01"),
        "concern_received_on",
        "Enter the date as YYYY-MM-DD",
        id="date-unreadable",
    ),
    pytest.param(
        open_row(concern_received_on="31/02/2026"),
        "concern_received_on",
        "Enter the date as YYYY-MM-DD (like 2026-04-30) or DD/MM/YYYY (like 30/04/2026): "
        "this date does not exist",
        id="date-impossible",
    ),
    pytest.param(
        open_row(decision_on="2026-08-31"),
        "decision_on",
        "The decision date must be on or after the date the concern was received",
        id="decision-before-concern",
    ),
    pytest.param(
        open_row(decision_on="", started_on="2026-08-31"),
        "started_on",
        "The enquiry cannot start before the concern was received",
        id="started-before-concern",
    ),
    pytest.param(
        open_row(started_on="2026-09-01"),
        "started_on",
        "The enquiry cannot start before the decision",
        id="started-before-decision",
    ),
    pytest.param(
        concluded_row(concluded_on="2026-11-27"),
        "concluded_on",
        "The date the enquiry concluded must be today or in the past",
        id="concluded-in-future",
    ),
    pytest.param(
        concluded_row(concluded_on="2026-08-11"),
        "concluded_on",
        "The enquiry cannot end before it started",
        id="concluded-before-started",
    ),
    pytest.param(
        open_row(risk_types=""),
        "risk_types",
        "Enter at least one type of risk",
        id="risk-types-missing",
    ),
    pytest.param(
        open_row(risk_types="Physical Abuse; Being shouted at"),
        "risk_types",
        "Enter each value from the allowed list",
        id="risk-type-not-a-label",
    ),
    pytest.param(
        open_row(risk_types="Physical Abuse; physical"),
        "risk_types",
        "Enter each type of risk only once",
        id="risk-type-twice",
    ),
    pytest.param(
        open_row(location_of_risk=""),
        "location_of_risk",
        "Enter where the risk is",
        id="location-missing",
    ),
    pytest.param(
        open_row(source_of_risk="Stranger"),
        "source_of_risk",
        "Enter one of the allowed values",
        id="source-not-a-label",
    ),
    pytest.param(
        open_row(pre_concern_discussed="Maybe"),
        "pre_concern_discussed",
        "Enter Yes or No",
        id="yes-no-unreadable",
    ),
    pytest.param(
        open_row(pre_concern_with=""),
        "pre_concern_with",
        "Enter who it was discussed with",
        id="discussed-with-missing",
    ),
    pytest.param(
        open_row(pre_concern_view="Did not want the concern raised"),
        "against_view_reason",
        "Enter why the concern was raised against their view",
        id="against-view-without-reason",
    ),
    pytest.param(
        open_row(
            pre_concern_view="Did not want the concern raised",
            against_view_reason="Other reason",
            against_view_explained="Yes",
        ),
        "against_view_reason_other",
        "Enter the other reason",
        id="other-reason-without-words",
    ),
    pytest.param(
        open_row(
            pre_concern_view="Did not want the concern raised",
            against_view_reason="Serious risk to life",
        ),
        "against_view_explained",
        "Enter whether the reason was explained to them",
        id="reason-not-said-if-explained",
    ),
    pytest.param(
        open_row(outcome_1_category="Something else", outcome_1_own_words=""),
        "outcome_1_own_words",
        "Enter what the person wants, in their own words (needed for “Something else”)",
        id="something-else-without-words",
    ),
    pytest.param(
        open_row(outcome_3_own_words="I want to go home"),
        "outcome_3_category",
        "Enter the kind of outcome",
        id="outcome-without-category",
    ),
    pytest.param(
        open_row(outcome_1_expressed_by="The neighbour"),
        "outcome_1_expressed_by",
        "Enter one of the allowed values",
        id="outcome-speaker-not-a-label",
    ),
    pytest.param(
        open_row(outcome_1_rating="Fully achieved"),
        "outcome_1_rating",
        "Only rate outcomes of concluded enquiries",
        id="rating-on-open-enquiry",
    ),
    pytest.param(
        open_row(lacked_capacity="No, they did not lack capacity"),
        "lacked_capacity",
        "Leave this empty while the enquiry is open",
        id="conclusion-answer-on-open-enquiry",
    ),
    pytest.param(
        concluded_row(outcome_2_rating=""),
        "outcome_2_rating",
        "Rate this outcome (Fully achieved, Partially achieved or Not achieved)",
        id="outcome-unrated-at-conclusion",
    ),
    pytest.param(
        concluded_row(outcome_1_rating="Mostly achieved"),
        "outcome_1_rating",
        "Enter one of the allowed values",
        id="rating-not-a-label",
    ),
    pytest.param(
        open_row(msp_asked="No"),
        "msp_asked",
        "The person expressed outcomes (this row has some)",
        id="asked-no-but-outcomes",
    ),
    pytest.param(
        open_row(
            msp_asked="Yes they were asked and outcomes were expressed",
            outcome_1_category="",
            outcome_1_own_words="",
            outcome_1_expressed_by="",
        ),
        "msp_asked",
        "Enter the outcomes the person expressed in the outcome columns",
        id="asked-expressed-without-outcomes",
    ),
    pytest.param(
        concluded_row(
            msp_asked="Yes they were asked but no outcomes were expressed",
            msp_achieved="Fully Achieved",
            **{
                f"outcome_{n}_{k}": ""
                for n in (1, 2)
                for k in ("category", "own_words", "expressed_by", "rating")
            },
        ),
        "msp_achieved",
        "Leave this empty: the person did not express outcomes",
        id="achieved-without-expressed-outcomes",
    ),
    pytest.param(
        concluded_row(msp_achieved=""),
        "msp_achieved",
        "Enter how far the outcomes were achieved",
        id="achieved-missing",
    ),
    pytest.param(
        concluded_row(msp_achieved="Fully Achieved"),
        "msp_achieved_reason",
        "Enter why the answer differs from the outcome ratings (Partially Achieved)",
        id="achieved-differs-from-ratings-without-reason",
    ),
    pytest.param(
        concluded_row(risk_assessment_outcome="", risk_outcome=""),
        "risk_assessment_outcome",
        "Enter the risk assessment outcome",
        id="risk-assessment-missing",
    ),
    pytest.param(
        concluded_row(risk_assessment_outcome="No risk identified and no action taken"),
        "risk_outcome",
        "Only record the risk outcome where a risk was identified and action taken",
        id="risk-outcome-without-risk-identified-and-action",
    ),
    pytest.param(
        concluded_row(risk_outcome=""),
        "risk_outcome",
        "Enter whether the risk remained, was reduced or removed",
        id="risk-outcome-missing",
    ),
    pytest.param(
        concluded_row(lacked_capacity="", capacity_support_provided=""),
        "lacked_capacity",
        "Enter whether the person lacked capacity",
        id="lacked-capacity-missing",
    ),
    pytest.param(
        concluded_row(capacity_support_provided=""),
        "capacity_support_provided",
        "Enter whether an advocate, family or friend supported them",
        id="capacity-support-missing",
    ),
    pytest.param(
        concluded_row(lacked_capacity="Don't know"),
        "capacity_support_provided",
        "Only answer this when the person lacked capacity",
        id="capacity-support-without-lacking-capacity",
    ),
    pytest.param(
        open_row(gender="Woman"),
        "gender",
        "Enter one of the allowed values",
        id="gender-not-a-label",
    ),
]


@pytest.mark.parametrize(("row", "column", "message"), REFUSALS)
def test_each_refusal_names_row_and_column_and_writes_nothing(engine, world, row, column, message):
    before = snapshot(engine)
    report = run(engine, [open_row(case_reference="CS-0001", started_on="2026-09-04"), row])
    assert len(report.problems) == 1, report.lines()
    (problem,) = report.problems
    assert (problem.row, problem.column) == (3, HEADING[column])
    assert problem.message.startswith(message), problem.message
    assert not report.written and report.rows == []
    assert report.lines()[-1].endswith(
        "Nothing was imported: correct the file and import it again."
    )
    assert snapshot(engine) == before


def test_the_message_reads_as_in_the_brief(engine, world):
    report = run(
        engine,
        [open_row(), open_row(case_reference="CS-7", decision_on="", started_on="2026-08-30")],
    )
    assert str(report.problems[0]) == (
        "Row 3, Enquiry started: The enquiry cannot start before the concern was received"
    )


def test_every_problem_in_every_row_is_reported(engine, world):
    rows = [
        open_row(team_id="Nowhere", location_of_risk="Garden"),
        open_row(case_reference="CS-3"),
        concluded_row(outcome_1_rating="", risk_outcome=""),
    ]
    report = run(engine, rows)
    assert [(p.row, p.column) for p in report.problems] == [
        (2, "Team"),
        (2, "Location of risk"),
        (4, "Risk outcome"),
        (4, "Outcome 1 rating"),
    ]


def test_future_dates_are_refused(engine, world):
    report = run(
        engine,
        [open_row(concern_received_on="2026-11-27", decision_on="", started_on="2026-11-28")],
    )
    assert [str(p) for p in report.problems] == [
        "Row 2, Concern received: The date the concern was received must be today or in the past",
        "Row 2, Enquiry started: The date the enquiry started must be today or in the past",
    ]


def test_one_bad_row_among_good_ones_imports_nothing(engine, world):
    before = snapshot(engine)
    rows = [open_row(case_reference=f"CS-{n}", started_on=f"2026-09-{n:02d}") for n in range(3, 9)]
    rows.insert(4, concluded_row(concluded_on="2026-08-01"))
    report = run(engine, rows)
    assert [str(p) for p in report.problems] == [
        "Row 6, Enquiry concluded: The enquiry cannot end before it started"
    ]
    assert report.imported == 0 and not report.written
    assert snapshot(engine) == before


def test_the_same_enquiry_twice_in_a_file_is_a_problem(engine, world):
    report = run(engine, [open_row(), open_row(worker_id="")])
    assert [str(p) for p in report.problems] == [
        "Row 3, Case reference: Row 2 has the same case reference and start date: an enquiry "
        "can be in the file only once"
    ]


def test_rows_for_one_new_person_must_agree_about_them(engine, world):
    report = run(engine, [open_row(), open_row(started_on="2026-09-05", gender="Male")])
    assert [str(p) for p in report.problems] == [
        "Row 3, Gender: Row 2 gives a different gender for this case reference: use the same "
        "value in every row for this person, or leave it empty"
    ]
    # Leaving it empty is fine, and a second enquiry for the person is imported.
    report = run(engine, [open_row(), open_row(started_on="2026-09-05", gender="")])
    assert report.ok and report.people_created == 1 and report.imported == 2


def test_a_recorded_person_is_never_overwritten(engine, world):
    assert run(engine, [open_row()]).ok
    before = snapshot(engine)
    report = run(engine, [open_row(started_on="2026-09-10", ethnicity="Mixed / Multiple")])
    assert [str(p) for p in report.problems] == [
        "Row 2, Ethnicity: This person is already recorded with a different ethnicity: enter "
        "the value recorded in the app, or leave this empty"
    ]
    assert snapshot(engine) == before


def test_an_existing_persons_new_enquiry_is_added_to_them(engine, world):
    assert run(engine, [open_row()]).ok
    report = run(
        engine,
        [
            open_row(
                started_on="2026-09-10",
                **dict.fromkeys(
                    ("preferred_name", "age_band", "gender", "ethnicity", "primary_support_reason"),
                    "",
                ),
            )
        ],
    )
    assert report.ok and report.imported == 1 and report.people_created == 0
    with unit_of_work(engine) as session:
        assert session.scalar(sa.select(sa.func.count(Person.id))) == 1
        assert session.scalar(sa.select(sa.func.count(Enquiry.id))) == 2


# --- File and heading problems ---


def test_headings_must_be_the_templates(engine, world):
    headings = [c.heading for c in COLUMNS]
    headings[headings.index("Location of risk")] = "Where"
    headings[headings.index("Outcome 5 rating")] = "Outcome 1 rating"
    report = run(engine, csv_bytes([open_row()], headings))
    assert [str(p) for p in report.problems] == [
        "Row 1, Where: This heading is not one of the template's: correct it, or delete the column",
        "Row 1, Outcome 1 rating: This column appears twice: keep only one",
        "Row 1, Location of risk: Add this column, with its heading as in the template: it is "
        "needed for every enquiry",
    ]


def test_optional_columns_may_be_left_out_and_headings_ignore_case(engine, world):
    keys = [
        "case_reference",
        "team_id",
        "enquiry_type",
        "concern_received_on",
        "started_on",
        "risk_types",
        "location_of_risk",
        "source_of_risk",
        "pre_concern_discussed",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([HEADING[k].upper() for k in keys])
    row = open_row(pre_concern_discussed="No")
    writer.writerow([row[k] for k in keys])
    report = run(engine, buffer.getvalue().encode())
    assert report.ok, report.lines()


def test_values_under_no_heading_are_a_problem(engine, world):
    data = csv_bytes([open_row()]).decode().splitlines()
    data = [data[0] + ",", data[1] + ",surprise"]
    report = run(engine, "\n".join(data).encode())
    assert [str(p) for p in report.problems] == [
        "Row 1, Column AX: This column has values but no heading: give it one of the "
        "template's headings, or delete it"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The first row must hold the template's column headings"),
        (csv_bytes([]), "The file has no enquiries: add one row per enquiry"),
        (b"\xd0\xcf\x11\xe0 old excel", "Save the file as an Excel workbook (.xlsx) or as CSV"),
        (b"PK\x03\x04 not really a zip", "The Excel file could not be opened"),
    ],
)
def test_unreadable_files_are_reported_not_raised(engine, world, data, message):
    report = run(engine, data)
    assert len(report.problems) == 1 and report.problems[0].row is None
    assert str(report.problems[0]).startswith(message)


# --- Re-importing ---


def test_reimporting_the_same_file_changes_nothing(engine, world):
    data = csv_bytes([open_row(), concluded_row()])
    assert run(engine, data).ok
    before = snapshot(engine)

    report = run(engine, data)

    assert report.ok and report.written
    assert [(r.row, r.status, r.public_id) for r in report.rows] == [
        (2, ALREADY_IMPORTED, None),
        (3, ALREADY_IMPORTED, None),
    ]
    assert report.lines() == [
        "Rows 2 to 3: already imported, skipped",
        "Nothing new to import from pilot.csv. 2 rows skipped.",
    ]
    after = snapshot(engine)
    # Only the import itself is recorded: one summary event, nothing imported.
    assert {k: v for k, v in after.items() if k != "audit_events"} == {
        k: v for k, v in before.items() if k != "audit_events"
    }
    assert len(after["audit_events"]) == len(before["audit_events"]) + 1
    summary = events(engine, SUMMARY_ACTION)[-1]
    assert summary.details["imported"] == 0 and summary.details["skipped"] == 2


def test_reimport_with_new_rows_adds_only_those(engine, world):
    assert run(engine, [open_row()]).ok
    report = run(engine, [open_row(), concluded_row()])
    assert [(r.row, r.status) for r in report.rows] == [(2, ALREADY_IMPORTED), (3, NEW)]
    assert report.imported == 1 and report.skipped == 1
    assert len(enquiries(engine)) == 2


def test_a_changed_row_on_reimport_is_a_problem_never_an_overwrite(engine, world):
    assert run(engine, [open_row(), concluded_row()]).ok
    before = snapshot(engine)
    changed = concluded_row(
        location_of_risk="Own Home",
        outcome_2_own_words="I want my chair back now",
        outcome_2_rating="Partially achieved",
        msp_achieved="Partially Achieved",
    )
    report = run(engine, [open_row(), changed])
    message = (
        "An enquiry with this case reference and start date is already recorded with a "
        "different value here. The app's record is not overwritten: make the cell match it, or "
        "delete the row"
    )
    assert [(p.row, p.column, p.message) for p in report.problems] == [
        (3, "Location of risk", message),
        (3, "Outcome 2 own words", message),
        (3, "Outcome 2 rating", message),
    ]
    assert snapshot(engine) == before


def test_an_enquiry_concluded_in_the_app_differs_from_the_open_row(engine, world):
    assert run(engine, [open_row()]).ok
    with unit_of_work(engine) as session:
        session.execute(
            sa.update(Enquiry).values(
                status="concluded",
                concluded_on=dt.date(2026, 10, 1),
                concluded_fy=2026,
                concluded_quarter=3,
                concluded_month=202610,
            )
        )
    report = run(engine, [open_row()])
    assert [(p.row, p.column) for p in report.problems] == [(2, "Enquiry concluded")]


def test_an_enquiry_removed_as_entered_in_error_is_not_brought_back(engine, world):
    assert run(engine, [open_row()]).ok
    with unit_of_work(engine) as session:
        session.execute(sa.update(Enquiry).values(is_deleted=True, deleted_reason="test"))
    before = snapshot(engine)
    report = run(engine, [open_row()])
    assert report.ok and [r.status for r in report.rows] == [REMOVED]
    assert report.lines()[0] == "Row 2: removed from the app as entered in error, skipped"
    assert {k: v for k, v in snapshot(engine).items() if k != "audit_events"} == {
        k: v for k, v in before.items() if k != "audit_events"
    }


def test_a_clash_with_someone_saving_at_the_same_moment_imports_nothing(engine, world, monkeypatch):
    """Someone else creates the person between our check and our write: the database's
    unique reference refuses the second copy, and the whole import is rolled back."""
    assert run(engine, [open_row()]).ok
    looked_too_early = service._load_known

    def before_they_saved(session, references, *, lock):
        known = looked_too_early(session, references, lock=lock)
        known.people.clear()
        known.enquiries.clear()
        return known

    monkeypatch.setattr(service, "_load_known", before_they_saved)
    before = snapshot(engine)
    report = run(engine, [concluded_row(), open_row(started_on="2026-09-10")])
    assert [str(p) for p in report.problems] == [
        "Someone else recorded some of these enquiries at the same moment, so nothing was "
        "imported. Import the file again to see what is left to import."
    ]
    assert not report.written and report.rows == []
    assert snapshot(engine) == before


# --- Dry run and audit ---


def test_a_dry_run_reports_and_writes_nothing(engine, world):
    assert run(engine, [open_row()]).ok
    before = snapshot(engine)
    report = run(engine, [open_row(), concluded_row()], dry_run=True)
    assert report.ok and not report.written
    assert [(r.row, r.status, r.public_id) for r in report.rows] == [
        (2, ALREADY_IMPORTED, None),
        (3, NEW, None),
    ]
    assert (report.imported, report.people_created, report.outcomes_added) == (1, 1, 2)
    assert report.summary() == (
        "File checked: 1 enquiry from pilot.csv would be imported (1 new person, 2 outcomes). "
        "1 row would be skipped. Nothing was written."
    )
    assert snapshot(engine) == before
    # A dry run with problems reports them the same way.
    report = run(engine, [open_row(team_id="Nowhere")], dry_run=True)
    assert [p.column for p in report.problems] == ["Team"]
    assert snapshot(engine) == before


def test_one_audit_event_per_enquiry_and_a_summary_without_free_text(engine, world):
    report = run(engine, [open_row(), concluded_row()], filename="C:\\pilot\\North pilot.csv")
    assert report.ok and report.filename == "North pilot.csv"

    imported = events(engine, IMPORT_ACTION)
    by_id = {r.public_id: r.row for r in report.rows}
    assert len(imported) == 2
    for event in imported:
        assert event.record_type == "enquiry"
        assert event.details == {"source": "North pilot.csv", "row": by_id[event.record_id]}
        assert event.username == "command line" and event.user_id is None
    assert sorted(e.team_id for e in imported) == sorted([world.north, world.south])

    (summary,) = events(engine, SUMMARY_ACTION)
    assert summary.details == {
        "source": "North pilot.csv",
        "rows": 2,
        "imported": 2,
        "skipped": 0,
        "people_created": 2,
        "outcomes_added": 3,
    }
    assert len(events(engine)) == 3
    everything = json.dumps([e.details for e in events(engine)])
    for free_text in ("nephew", "chair", "Mrs B", "CS-1001", "going on"):
        assert free_text not in everything


# --- The template ---


def _example_world(engine):
    with unit_of_work(engine) as session:
        team = Team(name=EXAMPLE_TEAM)
        session.add(
            User(username=EXAMPLE_WORKER, display_name="Example", role="practitioner", teams=[team])
        )


def test_the_templates_example_row_imports_cleanly_from_csv_and_xlsx(engine):
    _example_world(engine)
    report = import_file(engine, None, template_csv(), filename="template.csv", today=TODAY)
    assert report.ok and report.imported == 1 and report.outcomes_added == 2, report.lines()
    e = next(iter(enquiries(engine).values()))
    assert e["enquiry"].status == "concluded" and e["enquiry"].msp_achieved == "partially"
    # The XLSX template holds the same row: importing it too finds it already imported.
    report = import_file(engine, None, template_xlsx(), filename="template.xlsx", today=TODAY)
    assert report.ok and [r.status for r in report.rows] == [ALREADY_IMPORTED], report.lines()


def test_a_left_in_example_row_is_refused_where_no_example_team_exists(engine, world):
    report = import_file(engine, None, template_xlsx(), filename="template.xlsx", today=TODAY)
    assert [str(p) for p in report.problems] == [
        "Row 2, Team: There is no team with this name: enter it as it appears in the app",
        "Row 2, Worker username: There is no user with this username: enter it as it appears "
        "in the app",
    ]


def test_a_filled_in_xlsx_template_imports(engine, world):
    book = load_workbook(io.BytesIO(template_xlsx()))
    sheet = book["Enquiries"]
    sheet.delete_rows(2)
    sheet.append(_xlsx_row(open_row()))
    buffer = io.BytesIO()
    book.save(buffer)
    report = run(engine, buffer.getvalue(), filename="filled.xlsx")
    assert report.ok and report.imported == 1, report.lines()


# --- The command line ---


def test_cli_imports_then_skips(engine, world, db_url, tmp_path, capsys):
    path = tmp_path / "pilot.csv"
    path.write_bytes(csv_bytes([open_row(), concluded_row()]))

    assert main(["--database-url", db_url, "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "File checked: 2 enquiries from pilot.csv would be imported" in out
    assert len(enquiries(engine)) == 0

    assert main(["--database-url", db_url, "import", str(path)]) == 0
    out = capsys.readouterr().out
    assert out == "Imported 2 enquiries from pilot.csv (2 new people, 3 outcomes).\n"
    assert "CS-1001" not in out

    assert main(["--database-url", db_url, "import", str(path), "--as", "sam"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Rows 2 to 3: already imported, skipped",
        "Nothing new to import from pilot.csv. 2 rows skipped.",
    ]


def test_cli_prints_problems_plainly_and_exits_1(engine, world, db_url, tmp_path, capsys):
    path = tmp_path / "pilot.csv"
    path.write_bytes(
        csv_bytes(
            [open_row(), open_row(case_reference="CS-9", decision_on="", started_on="2026-08-20")]
        )
    )
    before = snapshot(engine)
    assert main(["--database-url", db_url, "import", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "Row 3, Enquiry started: The enquiry cannot start before the concern was received",
        "1 problem found in pilot.csv. Nothing was imported: correct the file and import it again.",
    ]
    assert snapshot(engine) == before


def test_cli_refuses_a_user_who_may_not_import(engine, world, db_url, tmp_path, capsys):
    path = tmp_path / "pilot.csv"
    path.write_bytes(csv_bytes([open_row()]))
    assert main(["--database-url", db_url, "import", str(path), "--as", "alex"]) == 1
    assert "Only supervisors" in capsys.readouterr().err
    assert main(["--database-url", db_url, "import", str(path), "--as", "nobody"]) == 1
    assert "No active user called 'nobody'" in capsys.readouterr().err
    assert main(["--database-url", db_url, "import", str(tmp_path / "missing.csv")]) == 1
    assert "There is no file called" in capsys.readouterr().err
    assert len(enquiries(engine)) == 0


# --- Size ---


def test_five_thousand_rows_import_well_within_a_minute(engine, world):
    rows = []
    for n in range(5000):
        started = (dt.date(2025, 4, 2) + dt.timedelta(days=n // 4000)).isoformat()
        row = open_row(
            case_reference=f"P-{n % 4000:05d}",
            concern_received_on="2025-04-01",
            decision_on="",
            started_on=started,
            outcome_2_category="Something else",
            outcome_2_own_words="Synthetic words",
        )
        if n % 2:
            row.update(
                concluded_on="2025-10-01",
                outcome_1_rating="Fully achieved",
                outcome_2_rating="Fully achieved",
                msp_achieved="Fully Achieved",
                risk_assessment_outcome="Risk identified and action taken",
                risk_outcome="Risk reduced",
                lacked_capacity="Not recorded",
            )
        rows.append(row)
    data = csv_bytes(rows)

    started = time.perf_counter()
    report = run(engine, data)
    took = time.perf_counter() - started

    assert report.ok and report.imported == 5000 and report.people_created == 4000
    assert took < 60, f"5,000 rows took {took:.1f} s"
    with unit_of_work(engine) as session:
        assert session.scalar(sa.select(sa.func.count(EnquiryRiskType.enquiry_id))) == 10000
        assert session.scalar(sa.select(sa.func.count(OutcomeVersion.id))) == 15000
        assert (
            session.scalar(
                sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == IMPORT_ACTION)
            )
            == 5000
        )
        assert (
            session.scalar(sa.select(sa.func.count(Enquiry.id)).where(Enquiry.concluded_fy == 2025))
            == 2500
        )

    started = time.perf_counter()
    again = run(engine, data)
    assert again.ok and again.skipped == 5000 and again.imported == 0
    assert time.perf_counter() - started < 60


def test_problem_text():
    assert str(Problem(7, "Enquiry started", "Fix it")) == "Row 7, Enquiry started: Fix it"
    assert str(Problem(None, None, "Whole file")) == "Whole file"
    assert str(Problem(4, None, "Whole row")) == "Row 4: Whole row"
