"""Dashboard aggregates against a small hand-built dataset (SQLite and PostgreSQL).

Every expected number is worked out here from the dataset below, not from the code under
test. The dataset (financial year 2025-26 unless said otherwise):

North (practitioner Asha = W1 works here; Ben = W2)
  e1  Q1 2025-05-15 s42   expressed, fully      W1  own home   neglect + physical
      started 2025-05-01; lacked capacity, supported
  e2  Q1 2025-05-15 s42   expressed, fully      W1  own home   neglect; started 2025-04-01
  e3  Q1 2025-05-15 other expressed, partially  W2  care home (nursing)  financial
      lacked capacity, not supported
  e4  Q1 2025-05-15 s42   asked, none expressed W2  own home
  e5  Q2 2025-08-10 s42   expressed, not        W1  community  physical
  e6  Q2 2025-08-10 s42   expressed, fully      W2  own home
  e7  Q2 2025-08-10 s42   "asked" not recorded  W1
South (Cara = W3)
  e8  Q1 2025-06-01 s42   expressed, fully      W3  own home
  e9  Q1 2025-06-01 s42   expressed, partially  W3  own home
  e10 Q1 2025-06-01 s42   not asked ("No")      W3  started 2025-04-01
Other enquiries start 7 days before they conclude. Outcomes, conversations and feedback are
added in the fixture with the reason each one is counted or not.
Never counted: e11 North concluded 2025-05-20 but deleted in error; e12 North still open;
e13 North concluded 2024-12-01 (2024-25).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa

from db.engine import unit_of_work
from db.models import (
    Conversation,
    DesiredOutcome,
    Enquiry,
    EnquiryRiskType,
    FeedbackAnswer,
    FeedbackQuestion,
    FeedbackQuestionVersion,
    FeedbackResponse,
    Setting,
)
from msp import metrics
from msp.auth import CurrentUser
from msp.disclosure import SUPPRESSED
from msp.errors import NotAllowed, ValidationError
from msp.metrics import Filters, stats
from msp.metrics.dashboard import dashboard_statements
from msp.periods import financial_year, fy_quarter, month_key
from msp.timeliness import refresh as refresh_timeliness
from tests.integration import factories

FY = 2025
Q1_DAY = dt.date(2025, 5, 15)
Q1_SOUTH_DAY = dt.date(2025, 6, 1)
Q2_DAY = dt.date(2025, 8, 10)


# --- helpers to build the data --------------------------------------------------------------


def concluded(
    session,
    team,
    on: dt.date,
    *,
    started: dt.date | None = None,
    risk_types: tuple[str, ...] = (),
    deleted: bool = False,
    **values,
) -> Enquiry:
    """A concluded enquiry with its reporting columns, as the journey services write them.
    Started 7 days before conclusion unless given (any 7 days hold 5 working days)."""
    started = started or on - dt.timedelta(days=7)
    e = factories.enquiry(
        session,
        team=team,
        concern_received_on=started - dt.timedelta(days=1),
        started_on=started,
        status="concluded",
        concluded_on=on,
        concluded_fy=financial_year(on),
        concluded_quarter=fy_quarter(on),
        concluded_month=month_key(on),
        is_deleted=deleted,
        **values,
    )
    for risk in risk_types:
        session.add(EnquiryRiskType(enquiry_id=e.id, risk_type=risk))
    session.flush()
    return e


def outcome(session, enquiry, position, category, rating, status="active") -> None:
    session.add(
        DesiredOutcome(
            enquiry_id=enquiry.id,
            position=position,
            category=category,
            own_words="In my own words",
            expressed_by="person",
            expressed_on=enquiry.started_on,
            status=status,
            rating=rating,
        )
    )
    session.flush()


def conversation(session, enquiry, on: dt.date, stage="during") -> None:
    session.add(
        Conversation(
            enquiry_id=enquiry.id,
            held_on=on,
            with_person=True,
            method="in_person",
            stage=stage,
            summary="Talked about what they want",
        )
    )
    session.flush()


def feedback(session, enquiry, answers, *, respondent="person", declined=False, days=0):
    r = FeedbackResponse(
        enquiry_id=enquiry.id,
        respondent=respondent,
        asked_by="enquiry_lead",
        method="in_person",
        given_on=enquiry.concluded_on + dt.timedelta(days=days),
        declined=declined,
        days_after_conclusion=days,
    )
    session.add(r)
    session.flush()
    for version, answer in answers:
        session.add(FeedbackAnswer(response_id=r.id, question_version_id=version.id, answer=answer))
    session.flush()


def as_current(u, teams=()) -> CurrentUser:
    return CurrentUser(
        id=u.id,
        username=u.username,
        display_name=u.display_name,
        role=u.role,
        team_ids=tuple(t.id for t in teams),
        team_names=tuple(t.name for t in teams),
    )


@dataclass
class World:
    north: int
    south: int
    east: int
    w1: int
    w2: int
    w3: int
    practitioner: CurrentUser
    south_practitioner: CurrentUser
    supervisor: CurrentUser
    admin: CurrentUser
    commissioner: CurrentUser
    q_goals: int
    q_listened: int


@pytest.fixture
def world(engine) -> World:
    with unit_of_work(engine) as s:
        north = factories.team(s, "North")
        south = factories.team(s, "South")
        east = factories.team(s, "East")
        w1 = factories.user(s, teams=[north])
        w1.display_name = "Asha"
        w2 = factories.user(s, teams=[north])
        w2.display_name = "Ben"
        w3 = factories.user(s, teams=[south])
        w3.display_name = "Cara"
        sup = factories.user(s, role="supervisor", teams=[north, south])
        admin = factories.user(s, role="administrator")
        comm = factories.user(s, role="commissioner")

        e1 = concluded(
            s, north, Q1_DAY, started=dt.date(2025, 5, 1), worker_id=w1.id,
            msp_asked="asked_expressed", msp_achieved="fully", location_of_risk="own_home",
            risk_types=("neglect", "physical"), lacked_capacity="yes",
            capacity_support_provided=True,
        )  # fmt: skip
        e2 = concluded(
            s, north, Q1_DAY, started=dt.date(2025, 4, 1), worker_id=w1.id,
            msp_asked="asked_expressed", msp_achieved="fully", location_of_risk="own_home",
            risk_types=("neglect",),
        )  # fmt: skip
        e3 = concluded(
            s, north, Q1_DAY, worker_id=w2.id, enquiry_type="other",
            msp_asked="asked_expressed", msp_achieved="partially",
            location_of_risk="care_home_nursing", risk_types=("financial",),
            lacked_capacity="yes", capacity_support_provided=False,
        )  # fmt: skip
        concluded(
            s, north, Q1_DAY, worker_id=w2.id, msp_asked="asked_none",
            location_of_risk="own_home",
        )  # fmt: skip
        e5 = concluded(
            s, north, Q2_DAY, worker_id=w1.id, msp_asked="asked_expressed",
            msp_achieved="not_achieved", location_of_risk="community", risk_types=("physical",),
        )  # fmt: skip
        e6 = concluded(
            s, north, Q2_DAY, worker_id=w2.id, msp_asked="asked_expressed",
            msp_achieved="fully", location_of_risk="own_home",
        )  # fmt: skip
        concluded(s, north, Q2_DAY, worker_id=w1.id, msp_asked=None)
        e8 = concluded(
            s, south, Q1_SOUTH_DAY, worker_id=w3.id, msp_asked="asked_expressed",
            msp_achieved="fully", location_of_risk="own_home",
        )  # fmt: skip
        concluded(
            s, south, Q1_SOUTH_DAY, worker_id=w3.id, msp_asked="asked_expressed",
            msp_achieved="partially", location_of_risk="own_home",
        )  # fmt: skip
        concluded(
            s, south, Q1_SOUTH_DAY, started=dt.date(2025, 4, 1), worker_id=w3.id,
            msp_asked="no",
        )  # fmt: skip
        e11 = concluded(
            s, north, dt.date(2025, 5, 20), worker_id=w1.id, msp_asked="asked_expressed",
            msp_achieved="fully", location_of_risk="own_home", risk_types=("neglect",),
            lacked_capacity="yes", capacity_support_provided=True, deleted=True,
        )  # fmt: skip
        e12 = factories.enquiry(
            s, team=north, worker_id=w1.id, msp_asked="asked_expressed",
            started_on=dt.date(2025, 5, 4), concern_received_on=dt.date(2025, 5, 1),
        )  # fmt: skip
        concluded(
            s, north, dt.date(2024, 12, 1), worker_id=w1.id, msp_asked="asked_expressed",
            msp_achieved="fully", location_of_risk="own_home",
        )  # fmt: skip

        # Desired outcomes, rated at conclusion.
        outcome(s, e1, 1, "abuse_stop", "fully")
        outcome(s, e1, 2, "involved", "partially")
        outcome(s, e1, 3, "prosecute", "not_achieved", status="withdrawn")
        outcome(s, e2, 1, "abuse_stop", "not_achieved")
        outcome(s, e5, 1, "abuse_stop", "fully")
        outcome(s, e6, 1, "support", None)
        outcome(s, e11, 1, "abuse_stop", "fully")
        outcome(s, e12, 1, "abuse_stop", "fully")

        # Conversations (timeliness).
        conversation(s, e1, dt.date(2025, 5, 7))
        conversation(s, e1, dt.date(2025, 5, 14))
        conversation(s, e2, dt.date(2025, 3, 31), stage="before_concern")
        conversation(s, e2, dt.date(2025, 4, 9))
        conversation(s, e11, dt.date(2025, 5, 14))

        # The seeded question bank (the migration loads the default questions): "goals"
        # reworded once, so answers are under two versions of it.
        q1 = s.scalar(sa.select(FeedbackQuestion).where(FeedbackQuestion.key == "goals"))
        q2 = s.scalar(sa.select(FeedbackQuestion).where(FeedbackQuestion.key == "listened_to"))

        def version(question, no):
            return s.scalar(
                sa.select(FeedbackQuestionVersion).where(
                    FeedbackQuestionVersion.question_id == question.id,
                    FeedbackQuestionVersion.version_no == no,
                )
            )

        q1v1, q2v1 = version(q1, 1), version(q2, 1)
        q1v2 = FeedbackQuestionVersion(
            question_id=q1.id, version_no=2, person_wording="Did you get what you wanted?",
            representative_wording="Did the person get what they wanted?",
        )  # fmt: skip
        s.add(q1v2)
        s.flush()
        feedback(s, e1, [(q1v1, "yes"), (q2v1, "yes")], days=10)
        feedback(s, e2, [], declined=True, days=0)
        feedback(s, e3, [(q1v1, "no"), (q2v1, "partly")], days=70)
        feedback(s, e8, [(q1v2, "yes"), (q2v1, "dont_know")], respondent="family_member", days=56)
        feedback(s, e11, [(q1v1, "no")], days=3)
        s.flush()
        refresh_timeliness(s)  # as the services, importer and demo generator do

        return World(
            north=north.id,
            south=south.id,
            east=east.id,
            w1=w1.id,
            w2=w2.id,
            w3=w3.id,
            practitioner=as_current(w1, [north]),
            south_practitioner=as_current(w3, [south]),
            supervisor=as_current(sup, [north, south]),
            admin=as_current(admin),
            commissioner=as_current(comm),
            q_goals=q1.id,
            q_listened=q2.id,
        )


def rows(frame, *columns):
    return [tuple(r) for r in frame[list(columns)].itertuples(index=False)]


def by_group(frame, category):
    part = frame.loc[frame["category"] == category]
    return dict(zip(part["group"], zip(part["count"], part["total"], strict=True), strict=True))


# --- headline ---------------------------------------------------------------------------------


def test_headline_for_every_team(engine, world):
    h = metrics.headline(engine, world.admin, Filters(year=FY))
    assert h.concluded == 10  # e1-e10: not the deleted, the open or last year's
    assert h.asked == {
        "asked_expressed": 7,  # e1 e2 e3 e5 e6 e8 e9
        "asked_none": 1,  # e4
        "no": 1,  # e10
        "dont_know": 0,
        "not_recorded": 1,  # e7 (no answer recorded)
    }
    assert h.achieved == {"fully": 4, "partially": 2, "not_achieved": 1}
    assert h.achieved_total == 7 and h.achieved_not_recorded == 0
    assert h.asked_percent("asked_expressed") == pytest.approx(70.0)
    assert h.achieved_percent("fully") == pytest.approx(100 * 4 / 7)
    assert (h.lacked_capacity, h.capacity_supported) == (2, 1)  # e1 supported, e3 not
    assert h.capacity_supported_percent == pytest.approx(50.0)
    # Feedback recorded for e1, e3, e8 and e2 (declined: a response); answered e1, e3, e8.
    assert (h.feedback_recorded, h.feedback_given) == (4, 3)
    assert h.feedback_response_rate == pytest.approx(40.0)

    table = h.table()
    assert table.iloc[0].tolist()[:3] == ["Enquiries", "Enquiries concluded", 10]
    fully = table.loc[table["measure"] == "Fully Achieved"].iloc[0]
    assert (fully["count"], fully["out_of"]) == (4, 7)


def test_practitioner_sees_their_own_team(engine, world):
    h = metrics.headline(engine, world.practitioner, Filters(year=FY))
    assert h.concluded == 7  # e1-e7
    assert h.expressed == 5
    assert h.achieved == {"fully": 3, "partially": 1, "not_achieved": 1}
    south = metrics.headline(engine, world.south_practitioner, Filters(year=FY))
    assert south.concluded == 3


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(year=FY, quarter=1), 7),  # e1-e4, e8-e10
        (Filters(year=FY, quarter=2), 3),  # e5-e7
        (Filters(year=FY, enquiry_type="s42"), 9),  # all but e3
        (Filters(year=FY, enquiry_type="other"), 1),
        (Filters(year=FY, risk_type="neglect"), 2),  # e1, e2 (e11 deleted)
        (Filters(year=FY, risk_type="physical"), 2),  # e1, e5
        (Filters(year=FY, location="own_home"), 6),  # e1 e2 e4 e6 e8 e9
        (Filters(date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 6, 30)), 7),
        (Filters(date_from=dt.date(2025, 5, 16), date_to=dt.date(2025, 8, 9)), 3),  # e8-e10
        (Filters(date_from=dt.date(2024, 11, 1), date_to=dt.date(2025, 5, 31)), 5),  # e13+e1-e4
        (Filters(year=2024), 1),  # e13
        (Filters(year=2026), 0),
        # A council's own reporting year, counted on the month of conclusion:
        (Filters(year=2025, year_start=1), 10),  # calendar 2025: e1-e10
        (Filters(year=2024, year_start=1), 1),  # e13, December 2024
        (Filters(year=2025, quarter=2, year_start=1), 7),  # April-June 2025
        (Filters(year=2025, quarter=3, year_start=1), 3),  # July-September 2025
        (Filters(year=2025, year_start=7), 3),  # July 2025-June 2026: e5-e7
        (Filters(year=2024, year_start=7), 8),  # July 2024-June 2025: e1-e4, e8-e10, e13
        (Filters(year=2024, quarter=2, year_start=7), 1),  # October-December 2024: e13
        (Filters(year=2024, quarter=4, year_start=7), 7),  # April-June 2025
        (Filters(year=2025, year_start=6), 6),  # June 2025-May 2026: e5-e10
        (Filters(year=2024, year_start=6), 5),  # June 2024-May 2025: e1-e4, e13
    ],
)
def test_filters(engine, world, filters, expected):
    assert metrics.headline(engine, world.admin, filters).concluded == expected


def test_worker_and_team_filters(engine, world):
    by_asha = Filters(year=FY, worker_id=world.w1)
    assert metrics.headline(engine, world.admin, by_asha).concluded == 4  # e1 e2 e5 e7
    only_south = Filters(year=FY, team_ids=(world.south,))
    assert metrics.headline(engine, world.supervisor, only_south).concluded == 3
    assert metrics.headline(engine, world.admin, only_south).concluded == 3
    both = Filters(year=FY, team_ids=(world.north, world.south))
    assert metrics.headline(engine, world.admin, both).concluded == 10


def test_bad_filters_are_refused_plainly(engine, world):
    with pytest.raises(ValidationError) as err:
        metrics.headline(engine, world.admin, Filters())
    assert "financial year" in err.value.problems["year"]
    with pytest.raises(ValidationError):
        metrics.headline(engine, world.admin, Filters(year=FY, quarter=5))
    for start in (0, 13, None, "4"):
        with pytest.raises(ValidationError) as err:
            metrics.headline(engine, world.admin, Filters(year=FY, year_start=start))
        assert "month the reporting year starts" in err.value.problems["year_start"]
    with pytest.raises(ValidationError):
        metrics.headline(engine, world.admin, Filters(year=FY, risk_type="made_up"))
    with pytest.raises(ValidationError):
        metrics.headline(
            engine, world.admin, Filters(date_from=dt.date(2025, 6, 1), date_to=dt.date(2025, 5, 1))
        )


# --- access -----------------------------------------------------------------------------------


def test_practitioner_cannot_ask_for_another_team(engine, world):
    for other in ((world.south,), (world.north, world.south), (world.east,)):
        with pytest.raises(NotAllowed):
            metrics.achievement_by_team(
                engine, world.practitioner, Filters(year=FY, team_ids=other)
            )
    with pytest.raises(NotAllowed):
        metrics.headline(engine, world.supervisor, Filters(year=FY, team_ids=(world.east,)))


def test_commissioner_gets_only_suppressed_figures(engine, world):
    for fn in (
        metrics.headline,
        metrics.achievement_by_team,
        metrics.achievement_p_chart,
        metrics.achievement_funnel,
        metrics.feedback_answers,
        metrics.timeliness,
    ):
        with pytest.raises(NotAllowed):
            fn(engine, world.commissioner, Filters(year=FY))
    table = metrics.commissioner_headline(engine, world.commissioner, Filters(year=FY))
    concluded_row = table.loc[table["measure"] == "Enquiries concluded"].iloc[0]
    assert concluded_row["count"] == 10
    expressed = table.loc[table["measure"].str.startswith("Yes they were asked and")].iloc[0]
    # 7 of 10: the count is rounded to 5; the percentage comes from 7 and 10 unrounded.
    assert (expressed["count"], expressed["out_of"], expressed["percent"]) == (5, 10, 70.0)
    fully = table.loc[table["measure"] == "Fully Achieved"].iloc[0]
    assert (fully["count"], fully["out_of"], fully["percent"]) == (SUPPRESSED, 5, SUPPRESSED)
    with pytest.raises(NotAllowed):
        metrics.commissioner_headline(engine, world.practitioner, Filters(year=FY))
    with pytest.raises(NotAllowed):
        metrics.commissioner_headline(
            engine, world.commissioner, Filters(year=FY, worker_id=world.w1)
        )


def test_commissioner_tables_hold_no_small_number(engine, world):
    frames = [
        metrics.commissioner_achievement_by_team(engine, world.commissioner, Filters(year=FY)),
        metrics.commissioner_achievement_by_risk_type(engine, world.commissioner, Filters(year=FY)),
        metrics.commissioner_achievement_by_location(engine, world.commissioner, Filters(year=FY)),
        metrics.commissioner_achievement_by_outcome(engine, world.commissioner, Filters(year=FY)),
        metrics.commissioner_feedback_answers(engine, world.commissioner, Filters(year=FY)),
        metrics.commissioner_achievement_trend(engine, world.commissioner, Filters(year=FY)),
        metrics.commissioner_timeliness(engine, world.commissioner, Filters(year=FY)),
    ]
    for frame in frames:
        assert not frame.empty
        for column in ("count", "total", "n", "x", "met", "percent"):
            if column in frame:
                for value in frame[column]:
                    assert value in ("[c]", "[x]") or (value >= 5 and (
                        column == "percent" or value % 5 == 0
                    )), (column, value)  # fmt: skip
    team = frames[0]
    assert set(team["group"]) == {"North", "South"}
    own_home = (
        frames[2]
        .loc[(frames[2]["group"] == "Own Home") & (frames[2]["category"] == "fully")]
        .iloc[0]
    )
    # Own home: 4 fully of 5 -> count [c] (under 5), total 5, percentage [c] (numerator < 5).
    assert (own_home["count"], own_home["total"], own_home["percent"]) == ("[c]", 5, "[c]")


# --- breakdowns --------------------------------------------------------------------------------


def test_achievement_by_team(engine, world):
    frame = metrics.achievement_by_team(engine, world.admin, Filters(year=FY))
    assert rows(frame, "group", "category", "count", "total") == [
        ("North", "fully", 3, 5),
        ("North", "partially", 1, 5),
        ("North", "not_achieved", 1, 5),
        ("South", "fully", 1, 2),
        ("South", "partially", 1, 2),
        ("South", "not_achieved", 0, 2),
    ]
    assert frame["percent"].tolist() == pytest.approx([60, 20, 20, 50, 50, 0])
    assert frame["category_label"].tolist()[:3] == [
        "Fully Achieved",
        "Partially Achieved",
        "Not Achieved",
    ]
    mine = metrics.achievement_by_team(engine, world.practitioner, Filters(year=FY))
    assert set(mine["group"]) == {"North"}


def test_achievement_by_worker_risk_type_location_and_outcome(engine, world):
    workers = metrics.achievement_by_worker(engine, world.practitioner, Filters(year=FY))
    assert by_group(workers, "fully") == {"Asha": (2, 3), "Ben": (1, 2)}

    risks = metrics.achievement_by_risk_type(engine, world.admin, Filters(year=FY))
    assert by_group(risks, "fully") == {
        "Physical Abuse": (1, 2),  # e1 fully, e5 not
        "Financial or Material Abuse": (0, 1),  # e3 partially
        "Neglect and Acts of Omission": (2, 2),  # e1, e2 (e11 deleted)
    }
    assert risks.drop_duplicates("group")["group"].tolist() == [
        "Physical Abuse",
        "Financial or Material Abuse",
        "Neglect and Acts of Omission",
    ]  # national order

    places = metrics.achievement_by_location(engine, world.admin, Filters(year=FY))
    assert by_group(places, "fully") == {
        "Own Home": (4, 5),
        "In the Community": (0, 1),
        "Care Home - Nursing": (0, 1),
    }

    wishes = metrics.achievement_by_outcome(engine, world.admin, Filters(year=FY))
    # Active, rated outcomes of counted enquiries: e1 abuse_stop fully, e1 involved partially,
    # e2 abuse_stop not, e5 abuse_stop fully (withdrawn, unrated, deleted and open left out).
    assert rows(wishes, "group", "category", "count", "total") == [
        ("For the abuse to stop and to feel safer", "fully", 2, 3),
        ("For the abuse to stop and to feel safer", "partially", 0, 3),
        ("For the abuse to stop and to feel safer", "not_achieved", 1, 3),
        ("To be involved in what happens next", "fully", 0, 1),
        ("To be involved in what happens next", "partially", 1, 1),
        ("To be involved in what happens next", "not_achieved", 0, 1),
    ]
    assert wishes["category_label"].tolist()[:3] == [
        "Fully achieved",
        "Partially achieved",
        "Not achieved",
    ]


def test_feedback_answers_person_and_representative(engine, world):
    frame = metrics.feedback_answers(engine, world.admin, Filters(year=FY))
    shown = frame.loc[frame["count"] > 0]
    assert rows(shown, "question_key", "respondent", "category", "count", "total") == [
        ("goals", "The person", "yes", 1, 2),  # e1
        ("goals", "The person", "no", 1, 2),  # e3 (e11 deleted)
        ("goals", "A representative", "yes", 1, 1),  # e8, under the reworded version
        ("listened_to", "The person", "yes", 1, 2),
        ("listened_to", "The person", "partly", 1, 2),
        ("listened_to", "A representative", "dont_know", 1, 1),
    ]
    assert frame["question"].iloc[0] == "Did you get what you wanted?"  # current wording


def test_timeliness(engine, world):
    frame = metrics.timeliness(engine, world.admin, Filters(year=FY))
    assert frame["measure"].tolist() == [
        "First conversation about outcomes",
        "Regular conversations",
        "Feedback",
    ]
    # First conversation: e1 started Thu 1 May, first talk Wed 7 May = 4 working days (met);
    # e2 started Tue 1 April, first talk (after the start) Wed 9 April = 6 (not met); the
    # others had no conversation (not met).
    # Gaps: e2 Wed 9 April to its conclusion Thu 15 May = 26 working days; e10 Tue 1 April
    # to Sun 1 June, no conversation = 43; every other enquiry ran 7 days (5 working days).
    # Feedback within 56 days: e1 (10 days), e2 (declined on the day), e8 (56); e3 took 70.
    assert rows(frame, "met", "total") == [(1, 10), (8, 10), (3, 10)]
    assert frame["percent"].tolist() == pytest.approx([10.0, 80.0, 30.0])
    assert frame.attrs["longest_gap_working_days"] == 43
    strict = metrics.timeliness(
        engine,
        world.admin,
        Filters(year=FY),
        metrics.Targets(
            first_conversation_working_days=3, max_gap_working_days=4, feedback_window_days=10
        ),
    )
    # e1's longest gap is 5 (7 to 14 May); 7-day enquiries have 5 too, so none meet 4.
    assert rows(strict, "met", "total") == [(0, 10), (0, 10), (2, 10)]
    assert strict["target"].tolist()[2] == "Within 10 days of conclusion"


def test_timeliness_uses_the_councils_targets(engine, world):
    with unit_of_work(engine) as s:
        s.merge(Setting(key="targets", value={"first_conversation_working_days": 6}))
    frame = metrics.timeliness(engine, world.admin, Filters(year=FY))
    # e2's first conversation after 6 working days now meets the target too.
    assert rows(frame, "met", "total")[0] == (2, 10)
    assert frame["target"].iloc[0] == "Within 6 working days of the start"


# --- p-chart and funnel -----------------------------------------------------------------------


def test_p_chart_by_quarter(engine, world):
    frame = metrics.achievement_p_chart(engine, world.admin, Filters(year=FY))
    # Q1: e1 F, e2 F, e3 P, e8 F, e9 P -> 3 of 5; Q2: e5 N, e6 F -> 1 of 2.
    assert rows(frame, "period", "x", "n") == [("2025-26 Q1", 3, 5), ("2025-26 Q2", 1, 2)]
    centre = 4 / 7
    assert frame["centre"].tolist() == pytest.approx([centre, centre])
    sigma1 = math.sqrt(centre * (1 - centre) / 5)
    assert frame["ucl"].iloc[0] == pytest.approx(min(1, centre + 3 * sigma1))
    assert frame["lcl"].iloc[0] == pytest.approx(max(0, centre - 3 * sigma1))
    assert not frame["outside"].any()

    either = metrics.achievement_p_chart(
        engine, world.admin, Filters(year=FY), success=("fully", "partially")
    )
    assert either["x"].tolist() == [5, 1]


def test_p_chart_by_quarter_of_the_councils_own_year(engine, world):
    calendar = Filters(year=FY, year_start=1)
    frame = metrics.achievement_p_chart(engine, world.admin, calendar)
    # April-June 2025 is the calendar year's Q2 (e1 e2 e3 e8 e9), July-September its Q3.
    assert rows(frame, "period_key", "period", "x", "n") == [
        (20252, "2025 Q2", 3, 5),
        (20253, "2025 Q3", 1, 2),
    ]
    july = Filters(year=2024, year_start=7)
    frame = metrics.achievement_p_chart(engine, world.admin, july)
    # e13 (December 2024, fully achieved) in October-December; April-June 2025 as above.
    assert rows(frame, "period", "x", "n") == [("2024-25 Q2", 1, 1), ("2024-25 Q4", 3, 5)]
    trend = metrics.commissioner_achievement_trend(engine, world.commissioner, calendar)
    assert trend["period"].tolist() == ["2025 Q2", "2025 Q3"]


def test_p_chart_by_month(engine, world):
    frame = metrics.achievement_p_chart(engine, world.admin, Filters(year=FY), period="month")
    assert rows(frame, "period_key", "period", "x", "n") == [
        (202505, "May 2025", 2, 3),
        (202506, "Jun 2025", 1, 2),
        (202508, "Aug 2025", 1, 2),
    ]


def test_funnel_of_teams(engine, world):
    funnel = metrics.achievement_funnel(engine, world.admin, Filters(year=FY))
    assert rows(funnel.points, "unit", "n", "x") == [("North", 5, 3), ("South", 2, 1)]
    assert funnel.overall == pytest.approx(4 / 7)
    assert set(funnel.points["band"]) == {stats.WITHIN}
    assert funnel.limits["n"].max() == 5
    five = funnel.limits.loc[funnel.limits["n"] == 5].iloc[0]
    half = 1.96 * math.sqrt((4 / 7) * (3 / 7) / 5)
    assert five["lower_95"] == pytest.approx(4 / 7 - half)
    assert five["upper_95"] == 1.0  # 4/7 + 0.434 = 1.005, clipped to 1
    workers = metrics.achievement_funnel(engine, world.supervisor, Filters(year=FY), by="worker")
    assert rows(workers.points, "unit", "n", "x") == [
        ("Asha", 3, 2),
        ("Ben", 2, 1),
        ("Cara", 2, 1),
    ]


def test_nothing_to_count_gives_empty_tables(engine, world):
    empty = Filters(year=2030)
    assert metrics.achievement_by_team(engine, world.admin, empty).empty
    assert metrics.achievement_p_chart(engine, world.admin, empty).empty
    funnel = metrics.achievement_funnel(engine, world.admin, empty)
    assert funnel.points.empty and funnel.overall is None
    assert metrics.timeliness(engine, world.admin, empty)["total"].tolist() == [0, 0, 0]


# --- the query plan -----------------------------------------------------------------------------


def explain(engine, stmt) -> list[str]:
    compiled = stmt.compile(dialect=engine.dialect, compile_kwargs={"render_postcompile": True})
    params = tuple(compiled.params[name] for name in compiled.positiontup)
    with engine.connect() as conn:
        return [
            row[3] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params)
        ]


@pytest.mark.parametrize(
    ("filters", "teams"),
    [
        (Filters(year=FY), None),
        (Filters(year=FY, quarter=2), frozenset({1})),
        (Filters(year=FY, enquiry_type="s42", location="own_home"), frozenset({1, 2})),
        (Filters(date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 6, 30)), None),
        (Filters(year=FY, year_start=1), None),
        (Filters(year=FY, quarter=2, year_start=7), frozenset({1})),
    ],
)
def test_dashboard_queries_search_the_reporting_index(sqlite_url, filters, teams):
    from db.engine import make_engine

    engine = make_engine(sqlite_url)
    try:
        for name, stmt in dashboard_statements(filters, teams).items():
            plan = explain(engine, stmt)
            assert any(
                d.startswith("SEARCH enquiries USING") and "INDEX ix_enquiries_reporting" in d
                for d in plan
            ), (name, plan)
            assert not any(d.startswith("SCAN enquiries") for d in plan), (name, plan)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("filters", "teams"),
    [
        (Filters(year=FY), None),
        (Filters(year=FY, quarter=2), frozenset({1})),
        (Filters(date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 6, 30)), None),
        (Filters(year=FY, year_start=1), None),
    ],
)
def test_dashboard_queries_use_the_reporting_index_on_postgresql(db_url, filters, teams):
    """On PostgreSQL the planner picks a sequential scan for a small table, so sequential
    scans are switched off here: what is checked is that an index can answer each dashboard
    query (the reporting index; for one team's figures the planner may prefer the team
    index), and that no date is computed row by row (the reporting columns are stored)."""
    from db.engine import make_engine

    engine = make_engine(db_url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        pytest.skip("PostgreSQL only (SQLite: test_dashboard_queries_search_the_reporting_index)")
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SET enable_seqscan = off")
            for name, stmt in dashboard_statements(filters, teams).items():
                sql = stmt.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True})
                plan = "\n".join(row[0] for row in conn.exec_driver_sql(f"EXPLAIN {sql}"))
                # The reporting index, or (for one team) the team index: never the table.
                assert re.search(
                    r"Index (Only )?Scan using ix_enquiries_\w+ on enquiries", plan
                ) or ("Bitmap Index Scan on ix_enquiries_" in plan), (name, plan)
                assert "Seq Scan on enquiries" not in plan, (name, plan)
                assert not re.search(r"date_part|extract\(|to_char|date_trunc", plan, re.I), (
                    name,
                    plan,
                )
    finally:
        engine.dispose()


def test_plain_filters_keep_the_main_query_covering(sqlite_url):
    from db.engine import make_engine

    engine = make_engine(sqlite_url)
    try:
        plan = explain(engine, metrics.dashboard.achievement_cube_statement(Filters(year=FY), None))
        assert plan[0] == (
            "SEARCH enquiries USING COVERING INDEX ix_enquiries_reporting (concluded_fy=?)"
        )
    finally:
        engine.dispose()


# --- pure statistics (formulas worked out here) -------------------------------------------------


def test_p_chart_limits_follow_each_denominator():
    x, n = [10, 30, 2], [20, 60, 40]
    frame = stats.p_chart(x, n)
    p_bar = 42 / 120
    assert frame["centre"].tolist() == pytest.approx([p_bar] * 3)
    for i, ni in enumerate(n):
        sigma = math.sqrt(p_bar * (1 - p_bar) / ni)
        assert frame["ucl"][i] == pytest.approx(min(1.0, p_bar + 3 * sigma))
        assert frame["lcl"][i] == pytest.approx(max(0.0, p_bar - 3 * sigma))
    # 2/40 = 0.05 is below its lower limit 0.35 - 3*sqrt(0.35*0.65/40) = 0.1238...
    assert frame["outside"].tolist() == [False, False, True]
    assert frame["lcl"][2] == pytest.approx(0.35 - 3 * math.sqrt(0.35 * 0.65 / 40))


def test_p_chart_limits_are_clipped_to_proportions():
    frame = stats.p_chart([1, 1], [2, 2])
    assert frame["lcl"].tolist() == [0.0, 0.0]  # 0.5 - 3*sqrt(0.25/2) < 0
    assert frame["ucl"].tolist() == [1.0, 1.0]
    assert stats.p_chart([], []).empty
    with pytest.raises(ValueError):
        stats.p_chart([1], [0])
    with pytest.raises(ValueError):
        stats.p_chart([3], [2])


def test_funnel_limits_and_bands():
    p0 = 0.6
    low, high = stats.binomial_limits(p0, 100, stats.Z_95)
    assert (low, high) == pytest.approx((0.6 - 1.96 * math.sqrt(0.24 / 100), 0.6 + 0.09602))
    low, high = stats.binomial_limits(p0, 100, stats.Z_998)
    assert high == pytest.approx(0.6 + 3.09 * math.sqrt(0.24 / 100))
    # 100 enquiries: 95% limits 0.504-0.696, 99.8% limits 0.449-0.751.
    assert stats.funnel_band(0.70, p0, 100) == stats.BETWEEN
    assert stats.funnel_band(0.76, p0, 100) == stats.OUTSIDE
    assert stats.funnel_band(0.45, p0, 100) == stats.BETWEEN
    assert stats.funnel_band(0.65, p0, 100) == stats.WITHIN
    curve = stats.funnel_curve(p0, 10)
    assert curve["n"].tolist() == list(range(1, 11))
    assert curve["upper_998"][0] == 1.0  # clipped
    big = stats.funnel_curve(p0, 5000, points=50)
    assert big["n"].iloc[0] == 1 and big["n"].iloc[-1] == 5000 and len(big) <= 51


def test_funnel_points():
    import pandas as pd

    units = pd.DataFrame(
        {"unit_id": [1, 2, 3], "unit": ["A", "B", "C"], "n": [100, 100, 0], "x": [80, 40, 0]}
    )
    points, p0 = stats.funnel_points(units)
    assert p0 == pytest.approx(0.6)
    assert points["unit"].tolist() == ["A", "B"]  # no enquiries, no point
    assert points["band"].tolist() == [stats.OUTSIDE, stats.OUTSIDE]
    assert points["side"].tolist() == ["above", "below"]


def test_filters_describe_their_period():
    assert Filters(year=2025).period_label() == "2025-26"
    assert Filters(year=2025, quarter=3).period_label() == "2025-26 Q3"
    assert Filters(year=2025, year_start=1).period_label() == "2025"
    assert Filters(year=2025, quarter=2, year_start=7).period_label() == "2025-26 Q2"
    label = Filters(date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 6, 30)).period_label()
    assert label == "1 April 2025 to 30 June 2025"


def test_working_days_in_sql_match_periods(engine):
    """The SQL working-day arithmetic agrees with msp.periods over two weeks of start days."""
    from msp.metrics.sql import weekdays_through
    from msp.periods import working_days_between

    start = dt.date(2025, 3, 1)
    days = [start + dt.timedelta(days=i) for i in range(21)]
    with engine.connect() as conn:
        through = {
            d: conn.execute(sa.select(weekdays_through(sa.literal(d, sa.Date)))).scalar_one()
            for d in days
        }
    for a in days:
        for b in days:
            if b >= a:
                assert through[b] - through[a] == working_days_between(a, b), (a, b)
