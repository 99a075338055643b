"""Enquiries: starting one, finding and listing them, capacity and advocacy, concluding.

Every function takes the acting user and refuses records outside their teams; every write
validates all of its input first (a refused form writes nothing) and leaves one audit event.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.engine import unit_of_work
from db.models import (
    Conversation,
    DesiredOutcome,
    Enquiry,
    EnquiryRiskType,
    FeedbackResponse,
    Person,
    Team,
    User,
    team_memberships,
)
from msp import vocab
from msp.access import case_team_ids, require_case_role
from msp.auth import CurrentUser
from msp.casework import audit_case, case_write, describe_change, load_case, touch
from msp.errors import NotAllowed
from msp.outcomes import new_version
from msp.periods import financial_year, fy_quarter, month_key
from msp.prompts import CaseFacts, next_action
from msp.settings import Targets, get_targets
from msp.timeliness import refresh as refresh_timeliness
from msp.validation import MAX_SHORT_TEXT, Checker

CASE_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.-]{0,39}$")
NOT_BEFORE_CONCERN = "must be on or after the date the concern was received"


# --- Input ------------------------------------------------------------------------------------


@dataclass
class PersonDetails:
    case_reference: str = ""
    preferred_name: str | None = None
    birth_year: int | None = None
    age_band: str | None = None
    gender: str = "not_known"
    ethnicity: str = "not_known"
    primary_support_reason: str = "not_known"


@dataclass
class NewEnquiry:
    person: PersonDetails
    team_id: int | None = None
    worker_id: int | None = None
    enquiry_type: str | None = None
    concern_received_on: dt.date | None = None
    decision_on: dt.date | None = None
    started_on: dt.date | None = None
    risk_types: list[str] = field(default_factory=list)
    location_of_risk: str | None = None
    source_of_risk: str | None = None
    pre_concern_discussed: bool | None = None
    pre_concern_with: str | None = None
    pre_concern_view: str | None = None
    against_view_reason: str | None = None
    against_view_reason_other: str | None = None
    against_view_explained: bool | None = None


@dataclass
class CapacityAdvocacy:
    capacity_considered: bool = False
    capacity_decision: str | None = None
    capacity_assessed_on: dt.date | None = None
    capacity_result: str | None = None
    capacity_assessed_by: str | None = None
    substantial_difficulty: bool | None = None
    appropriate_individual: bool | None = None
    advocacy_referred_on: dt.date | None = None
    advocate_kind: str | None = None
    representative_kind: str | None = None
    representative_details: str | None = None


# --- Output -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonSummary:
    case_reference: str
    preferred_name: str | None
    age_band: str | None
    birth_year: int | None
    gender: str
    ethnicity: str
    primary_support_reason: str


@dataclass(frozen=True)
class EnquiryRow:
    public_id: str
    case_reference: str
    preferred_name: str | None
    team_name: str
    worker_name: str | None
    enquiry_type: str
    status: str
    started_on: dt.date
    concluded_on: dt.date | None
    last_conversation_on: dt.date | None
    next_action: str


@dataclass(frozen=True)
class StaffMember:
    id: int
    display_name: str


# --- Validation -------------------------------------------------------------------------------


def _check_person(c: Checker, p: PersonDetails, today: dt.date) -> None:
    reference = (p.case_reference or "").strip() if isinstance(p.case_reference, str) else ""
    if not reference:
        c.add("case_reference", "Enter the person's case reference")
    elif not CASE_REFERENCE.match(reference):
        c.add(
            "case_reference",
            "Enter the case reference as it appears in the case system: up to 40 letters, "
            "digits, slashes, dots, hyphens or underscores",
        )
    c.text(
        "preferred_name",
        p.preferred_name,
        required=False,
        what="initials or a preferred name",
        max_length=60,
    )
    if p.birth_year is not None:
        if not isinstance(p.birth_year, int) or isinstance(p.birth_year, bool):
            c.add("birth_year", "Enter the year of birth as 4 digits, like 1948")
        elif not 1900 <= p.birth_year <= today.year - 18:
            c.add("birth_year", f"Enter a year of birth between 1900 and {today.year - 18}")
    c.code("age_band", p.age_band, vocab.AGE_BANDS, required=False, what="an age band")
    c.code("gender", p.gender, vocab.GENDERS, required=True, what="a gender")
    c.code("ethnicity", p.ethnicity, vocab.ETHNICITIES, required=True, what="an ethnicity")
    c.code(
        "primary_support_reason",
        p.primary_support_reason,
        vocab.PRIMARY_SUPPORT_REASONS,
        required=True,
        what="a primary support reason",
    )


def _check_pre_concern(c: Checker, e: NewEnquiry) -> None:
    c.boolean(
        "pre_concern_discussed",
        e.pre_concern_discussed,
        required=True,
        what="whether the concern was discussed with the person or their advocate before it "
        "was raised",
    )
    if e.pre_concern_discussed:
        c.code(
            "pre_concern_with",
            e.pre_concern_with,
            vocab.SPEAKERS,
            required=True,
            what="who it was discussed with",
        )
        c.code(
            "pre_concern_view",
            e.pre_concern_view,
            vocab.PRE_CONCERN_VIEWS,
            required=True,
            what="the person's view",
        )
    elif e.pre_concern_discussed is False:
        for name in ("pre_concern_with", "pre_concern_view"):
            if getattr(e, name):
                c.add(name, "Leave this empty when the concern was not discussed beforehand")
    went_against_view = e.pre_concern_view == "disagreed"
    if went_against_view or e.pre_concern_discussed is False:
        c.code(
            "against_view_reason",
            e.against_view_reason,
            vocab.AGAINST_VIEW_REASONS,
            required=went_against_view,
            what="why the concern was raised against their view"
            if went_against_view
            else "why the concern was raised without discussing it",
        )
        if e.against_view_reason == "other":
            c.text(
                "against_view_reason_other",
                e.against_view_reason_other,
                required=True,
                what="the other reason",
                max_length=MAX_SHORT_TEXT,
            )
        if e.against_view_reason:
            c.boolean(
                "against_view_explained",
                e.against_view_explained,
                required=True,
                what="whether the reason was explained to them",
            )
    elif e.against_view_reason or e.against_view_explained is not None:
        c.add(
            "against_view_reason",
            "Leave the reason empty: the person agreed or gave no view",
        )


def _check_new_enquiry(
    session: Session, c: Checker, actor: CurrentUser, e: NewEnquiry, today: dt.date
) -> None:
    _check_person(c, e.person, today)
    teams = case_team_ids(actor)
    if e.team_id is None:
        c.add("team_id", "Choose the team")
    elif e.team_id not in teams:
        c.add("team_id", "Choose one of your teams")
    if e.worker_id is not None and c.ok("team_id"):
        in_team = session.scalar(
            sa.select(User.id)
            .join(team_memberships, team_memberships.c.user_id == User.id)
            .where(
                User.id == e.worker_id,
                User.is_active.is_(True),
                User.role.in_(("practitioner", "supervisor")),
                team_memberships.c.team_id == e.team_id,
            )
        )
        if in_team is None:
            c.add("worker_id", "Choose a worker in this team")
    c.code(
        "enquiry_type",
        e.enquiry_type,
        vocab.ENQUIRY_TYPES,
        required=True,
        what="section 42 or Other",
    )
    concern = c.date(
        "concern_received_on",
        e.concern_received_on,
        required=True,
        what="the date the concern was received",
        today=today,
    )
    decision = c.date(
        "decision_on",
        e.decision_on,
        required=False,
        what="the decision date",
        today=today,
        not_before=(concern, f"The decision date {NOT_BEFORE_CONCERN}"),
    )
    c.date(
        "started_on",
        e.started_on,
        required=True,
        what="the date the enquiry started",
        today=today,
        not_before=(
            decision or concern,
            "The enquiry cannot start before the "
            + ("decision" if decision else "concern was received"),
        ),
    )
    c.codes("risk_types", e.risk_types, vocab.RISK_TYPES, minimum=1, what="type of risk")
    c.code(
        "location_of_risk",
        e.location_of_risk,
        vocab.LOCATIONS,
        required=True,
        what="where the risk is",
    )
    c.code(
        "source_of_risk",
        e.source_of_risk,
        vocab.SOURCES_OF_RISK,
        required=True,
        what="the source of risk",
    )
    _check_pre_concern(c, e)


def _check_capacity_advocacy(
    c: Checker, data: CapacityAdvocacy, enquiry: Enquiry, today: dt.date
) -> None:
    c.boolean(
        "capacity_considered",
        data.capacity_considered,
        required=True,
        what="whether capacity has been considered",
    )
    if data.capacity_considered:
        c.text(
            "capacity_decision",
            data.capacity_decision,
            required=True,
            what="the decision the capacity question is about",
            max_length=MAX_SHORT_TEXT,
        )
        c.date(
            "capacity_assessed_on",
            data.capacity_assessed_on,
            required=True,
            what="the date capacity was considered",
            today=today,
            not_before=(
                enquiry.concern_received_on,
                f"The date capacity was considered {NOT_BEFORE_CONCERN}",
            ),
        )
        c.code(
            "capacity_result",
            data.capacity_result,
            vocab.CAPACITY_RESULTS,
            required=True,
            what="the result",
        )
        c.text(
            "capacity_assessed_by",
            data.capacity_assessed_by,
            required=True,
            what="who considered it",
            max_length=120,
        )
    else:
        for name in (
            "capacity_decision",
            "capacity_assessed_on",
            "capacity_result",
            "capacity_assessed_by",
        ):
            if getattr(data, name):
                c.add(name, "Tick 'Capacity has been considered' to record this")
    c.boolean(
        "substantial_difficulty",
        data.substantial_difficulty,
        required=False,
        what="whether the person has substantial difficulty being involved",
    )
    c.boolean(
        "appropriate_individual",
        data.appropriate_individual,
        required=False,
        what="whether there is an appropriate individual to support them",
    )
    referred = c.date(
        "advocacy_referred_on",
        data.advocacy_referred_on,
        required=False,
        what="the advocacy referral date",
        today=today,
        not_before=(enquiry.concern_received_on, f"The referral date {NOT_BEFORE_CONCERN}"),
    )
    c.code(
        "advocate_kind",
        data.advocate_kind,
        vocab.ADVOCATE_KINDS,
        required=referred is not None,
        what="the kind of advocate",
    )
    if data.advocate_kind and data.advocacy_referred_on is None and c.ok("advocacy_referred_on"):
        c.add("advocacy_referred_on", "Enter the date of the advocacy referral")
    c.code(
        "representative_kind",
        data.representative_kind,
        vocab.REPRESENTATIVE_KINDS,
        required=False,
        what="the kind of representative",
    )
    c.text(
        "representative_details",
        data.representative_details,
        required=False,
        what="the representative's details",
        max_length=MAX_SHORT_TEXT,
    )


# --- Reading ------------------------------------------------------------------------------


def find_person(engine: Engine, actor: CurrentUser, case_reference: str) -> PersonSummary | None:
    """The person with this case reference, for starting a new enquiry about them."""
    require_case_role(actor)
    reference = (case_reference or "").strip()
    if not reference:
        return None
    with unit_of_work(engine) as session:
        p = session.scalar(sa.select(Person).where(Person.case_reference == reference))
        if p is None:
            return None
        return PersonSummary(
            p.case_reference,
            p.preferred_name,
            p.age_band,
            p.birth_year,
            p.gender,
            p.ethnicity,
            p.primary_support_reason,
        )


def team_workers(engine: Engine, actor: CurrentUser, team_id: int) -> list[StaffMember]:
    """Active practitioners and supervisors of one of the actor's teams."""
    if team_id not in case_team_ids(actor):
        raise NotAllowed("You do not have access to this team")
    with unit_of_work(engine) as session:
        rows = session.execute(
            sa.select(User.id, User.display_name)
            .join(team_memberships, team_memberships.c.user_id == User.id)
            .where(
                team_memberships.c.team_id == team_id,
                User.is_active.is_(True),
                User.role.in_(("practitioner", "supervisor")),
            )
            .order_by(User.display_name)
        ).all()
        return [StaffMember(r.id, r.display_name) for r in rows]


def case_fact_columns():
    """Per-enquiry aggregates for the prompts (`case_facts` reads them from a row), as
    correlated scalar subqueries: the enquiry lists and the supervision caseload use them."""
    active = sa.and_(DesiredOutcome.enquiry_id == Enquiry.id, DesiredOutcome.status == "active")
    return (
        sa.select(sa.func.count(DesiredOutcome.id))
        .where(active)
        .scalar_subquery()
        .label("active_outcomes"),
        sa.select(sa.func.count(DesiredOutcome.id))
        .where(
            active,
            DesiredOutcome.achievability == "not_achievable",
            DesiredOutcome.explained_in_id.is_(None),
        )
        .scalar_subquery()
        .label("unexplained_unachievable"),
        sa.select(sa.func.max(Conversation.held_on))
        .where(Conversation.enquiry_id == Enquiry.id)
        .scalar_subquery()
        .label("last_conversation_on"),
        sa.exists().where(FeedbackResponse.enquiry_id == Enquiry.id).label("has_feedback"),
    )


def case_facts(row) -> CaseFacts:
    """What the prompts need to know of an enquiry, from a row with `case_fact_columns()`."""
    return CaseFacts(
        status=row.status,
        started_on=row.started_on,
        concluded_on=row.concluded_on,
        msp_asked=row.msp_asked,
        active_outcomes=row.active_outcomes,
        unexplained_unachievable=row.unexplained_unachievable,
        capacity_considered=bool(row.capacity_considered),
        substantial_difficulty=row.substantial_difficulty,
        appropriate_individual=row.appropriate_individual,
        advocacy_referred_on=row.advocacy_referred_on,
        last_conversation_on=row.last_conversation_on,
        has_feedback=bool(row.has_feedback),
    )


@dataclass
class EnquiryFilters:
    mine_only: bool = False
    search: str = ""
    status: str | None = None
    worker_id: int | None = None
    enquiry_type: str | None = None
    limit: int = 200


def list_enquiries(
    engine: Engine,
    actor: CurrentUser,
    filters: EnquiryFilters,
    *,
    today: dt.date,
    targets: Targets | None = None,
) -> list[EnquiryRow]:
    """The actor's (or their teams') enquiries, newest first, each with what to do next."""
    require_case_role(actor)
    targets = targets or get_targets(engine)
    worker = sa.orm.aliased(User)
    query = (
        sa.select(
            Enquiry.public_id,
            Enquiry.status,
            Enquiry.enquiry_type,
            Enquiry.started_on,
            Enquiry.concluded_on,
            Enquiry.msp_asked,
            Enquiry.capacity_considered,
            Enquiry.substantial_difficulty,
            Enquiry.appropriate_individual,
            Enquiry.advocacy_referred_on,
            Person.case_reference,
            Person.preferred_name,
            Team.name.label("team_name"),
            worker.display_name.label("worker_name"),
            *case_fact_columns(),
        )
        .join(Person, Person.id == Enquiry.person_id)
        .join(Team, Team.id == Enquiry.team_id)
        .outerjoin(worker, worker.id == Enquiry.worker_id)
        .where(Enquiry.team_id.in_(case_team_ids(actor)), Enquiry.is_deleted.is_(False))
        .order_by(Enquiry.status.desc(), Enquiry.started_on.desc(), Enquiry.id.desc())
        .limit(max(1, min(filters.limit, 1000)))
    )
    if filters.mine_only:
        query = query.where(Enquiry.worker_id == actor.id)
    if filters.worker_id is not None:
        query = query.where(Enquiry.worker_id == filters.worker_id)
    if filters.status in vocab.ENQUIRY_STATUSES:
        query = query.where(Enquiry.status == filters.status)
    if filters.enquiry_type in vocab.ENQUIRY_TYPES:
        query = query.where(Enquiry.enquiry_type == filters.enquiry_type)
    search = (filters.search or "").strip()
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Person.case_reference.ilike(f"%{escaped}%", escape="\\"))
    with unit_of_work(engine) as session:
        rows = session.execute(query).all()
    return [
        EnquiryRow(
            public_id=r.public_id,
            case_reference=r.case_reference,
            preferred_name=r.preferred_name,
            team_name=r.team_name,
            worker_name=r.worker_name,
            enquiry_type=r.enquiry_type,
            status=r.status,
            started_on=r.started_on,
            concluded_on=r.concluded_on,
            last_conversation_on=r.last_conversation_on,
            next_action=next_action(case_facts(r), targets, today),
        )
        for r in rows
    ]


# --- Writing ------------------------------------------------------------------------------


def start_enquiry(engine: Engine, actor: CurrentUser, data: NewEnquiry, *, today: dt.date) -> str:
    """Create the enquiry (and the person, when the case reference is new); returns its
    opaque id."""
    require_case_role(actor)
    c = Checker()
    with case_write(engine) as session:
        _check_new_enquiry(session, c, actor, data, today)
        c.raise_if_any()
        reference = data.person.case_reference.strip()
        person = session.scalar(sa.select(Person).where(Person.case_reference == reference))
        new_person = person is None
        if new_person:
            p = data.person
            person = Person(
                case_reference=reference,
                preferred_name=(p.preferred_name or "").strip() or None,
                birth_year=p.birth_year,
                age_band=p.age_band or None,
                gender=p.gender,
                ethnicity=p.ethnicity,
                primary_support_reason=p.primary_support_reason,
            )
            session.add(person)
        enquiry = Enquiry(
            person=person,
            team_id=data.team_id,
            worker_id=data.worker_id,
            enquiry_type=data.enquiry_type,
            status="open",
            concern_received_on=data.concern_received_on,
            decision_on=data.decision_on,
            started_on=data.started_on,
            location_of_risk=data.location_of_risk,
            source_of_risk=data.source_of_risk,
            pre_concern_discussed=data.pre_concern_discussed,
            pre_concern_with=data.pre_concern_with or None,
            pre_concern_view=data.pre_concern_view or None,
            against_view_reason=data.against_view_reason or None,
            against_view_reason_other=(data.against_view_reason_other or "").strip() or None,
            against_view_explained=data.against_view_explained,
            risk_types=[EnquiryRiskType(risk_type=r) for r in dict.fromkeys(data.risk_types)],
        )
        session.add(enquiry)
        session.flush()
        audit_case(
            session,
            actor,
            enquiry,
            "enquiry_created",
            {
                "enquiry_type": data.enquiry_type,
                "risk_types": sorted(set(data.risk_types)),
                "new_person": new_person,
            },
        )
        return enquiry.public_id


CAPACITY_FIELDS = (
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
)
CAPACITY_CODED = frozenset({"capacity_result", "advocate_kind", "representative_kind"})


def record_capacity_advocacy(
    engine: Engine,
    actor: CurrentUser,
    public_id: str,
    data: CapacityAdvocacy,
    *,
    expected_version: int,
    today: dt.date,
) -> int:
    """Record mental capacity and advocacy; returns the enquiry's new version."""
    c = Checker()
    with case_write(engine) as session:
        enquiry = load_case(session, actor, public_id, expected_version=expected_version)
        _check_capacity_advocacy(c, data, enquiry, today)
        c.raise_if_any()
        before = {name: getattr(enquiry, name) for name in CAPACITY_FIELDS}
        after = {}
        for name in CAPACITY_FIELDS:
            value = getattr(data, name)
            if isinstance(value, str):
                value = value.strip() or None
            after[name] = value
            setattr(enquiry, name, value)
        touch(enquiry)
        audit_case(
            session,
            actor,
            enquiry,
            "capacity_advocacy_recorded",
            {"changed": describe_change(before, after, coded=CAPACITY_CODED)},
        )
        session.flush()
        return enquiry.version


def _set_concluded(enquiry: Enquiry, concluded_on: dt.date) -> None:
    enquiry.status = "concluded"
    enquiry.concluded_on = concluded_on
    enquiry.concluded_fy = financial_year(concluded_on)
    enquiry.concluded_quarter = fy_quarter(concluded_on)
    enquiry.concluded_month = month_key(concluded_on)


@dataclass
class OutcomeRating:
    rating: str | None
    person_view: str | None = None


@dataclass
class Conclusion:
    concluded_on: dt.date | None = None
    ratings: dict[int, OutcomeRating] = field(default_factory=dict)
    msp_asked: str | None = None
    msp_achieved: str | None = None
    msp_achieved_reason: str | None = None
    risk_assessment_outcome: str | None = None
    risk_outcome: str | None = None
    lacked_capacity: str | None = None
    capacity_support_provided: bool | None = None


def propose_achieved(ratings: list[str]) -> str | None:
    """The national 'achieved' answer the outcome ratings suggest: Fully when every outcome
    was fully achieved, Not when none was achieved at all, otherwise Partially."""
    if not ratings:
        return None
    if all(r == "fully" for r in ratings):
        return "fully"
    if all(r == "not_achieved" for r in ratings):
        return "not_achieved"
    return "partially"


def check_conclusion_answers(
    c: Checker,
    *,
    asked: str | None,
    achieved: object,
    achieved_reason: object,
    ratings: list[str],
    all_rated: bool,
    risk_assessment_outcome: object,
    risk_outcome: object,
    lacked_capacity: object,
    capacity_support_provided: object,
    given: Callable[[str], bool],
) -> None:
    """The rules for the national answers recorded when an enquiry concludes: how far the
    outcomes were achieved (and why, when that differs from the outcome ratings), the risk
    assessment and risk outcome, and capacity. One place for them: the Conclude screen
    (`conclude_enquiry`) and the spreadsheet import both check them here. `given(field)`
    says whether a field that must be left empty was filled in."""
    reason_needed = False
    if asked == "asked_expressed":
        c.code(
            "msp_achieved",
            achieved,
            vocab.MSP_ACHIEVED,
            required=True,
            what="how far the outcomes were achieved",
        )
        proposal = propose_achieved(ratings)
        if c.ok("msp_achieved") and proposal is not None and all_rated and achieved != proposal:
            reason_needed = True
            c.text(
                "msp_achieved_reason",
                achieved_reason,
                required=True,
                what="why the answer differs from the outcome ratings "
                f"({vocab.MSP_ACHIEVED.label(proposal)})",
                max_length=MAX_SHORT_TEXT,
            )
    elif given("msp_achieved"):
        c.add("msp_achieved", "Leave this empty: the person did not express outcomes")
    if not reason_needed:
        c.text(
            "msp_achieved_reason",
            achieved_reason,
            required=False,
            what="why the answer differs from the outcome ratings",
            max_length=MAX_SHORT_TEXT,
        )
    c.code(
        "risk_assessment_outcome",
        risk_assessment_outcome,
        vocab.RISK_ASSESSMENT_OUTCOMES,
        required=True,
        what="the risk assessment outcome",
    )
    if risk_assessment_outcome == "identified_action":
        c.code(
            "risk_outcome",
            risk_outcome,
            vocab.RISK_OUTCOMES,
            required=True,
            what="whether the risk remained, was reduced or removed",
        )
    elif given("risk_outcome"):
        c.add(
            "risk_outcome",
            "Only record the risk outcome where a risk was identified and action taken",
        )
    c.code(
        "lacked_capacity",
        lacked_capacity,
        vocab.LACKED_CAPACITY,
        required=True,
        what="whether the person lacked capacity",
    )
    if lacked_capacity == "yes":
        c.boolean(
            "capacity_support_provided",
            capacity_support_provided,
            required=True,
            what="whether an advocate, family or friend supported them",
        )
    elif given("capacity_support_provided"):
        c.add("capacity_support_provided", "Only answer this when the person lacked capacity")


def conclude_enquiry(
    engine: Engine,
    actor: CurrentUser,
    public_id: str,
    data: Conclusion,
    *,
    expected_version: int,
    today: dt.date,
) -> int:
    """Rate every active outcome and record the national answers; refuses while any active
    outcome is unrated (and says which). Returns the enquiry's new version."""
    c = Checker()
    with case_write(engine) as session:
        enquiry = load_case(session, actor, public_id, expected_version=expected_version)
        if enquiry.status == "concluded":
            c.add("concluded_on", "This enquiry has already been concluded")
            c.raise_if_any()
        active = [o for o in enquiry.outcomes if o.status == "active"]
        c.date(
            "concluded_on",
            data.concluded_on,
            required=True,
            what="the date the enquiry concluded",
            today=today,
            not_before=(enquiry.started_on, "The enquiry cannot end before it started"),
        )
        ratings: dict[int, str] = {}
        for outcome in active:
            given = data.ratings.get(outcome.id)
            key = f"rating_{outcome.id}"
            if given is None or not given.rating:
                c.add(key, f"Rate the outcome “{_short(outcome.own_words)}”")
            elif given.rating not in vocab.OUTCOME_RATINGS:
                c.add(key, "Choose fully, partially or not achieved")
            else:
                ratings[outcome.id] = given.rating
            if given is not None:
                c.text(
                    f"person_view_{outcome.id}",
                    given.person_view,
                    required=False,
                    what="the person's view",
                )
        unknown = set(data.ratings) - {o.id for o in active}
        if unknown:
            c.add("ratings", "Only active outcomes of this enquiry can be rated")
        asked = data.msp_asked or enquiry.msp_asked
        c.code(
            "msp_asked",
            asked,
            vocab.MSP_ASKED,
            required=True,
            what="whether the person was asked about their desired outcomes",
        )
        if asked == "asked_expressed" and not active:
            c.add(
                "msp_asked",
                "Record the outcomes the person expressed before concluding, or "
                "choose another answer",
            )
        if asked in vocab.MSP_ASKED and asked != "asked_expressed" and active:
            c.add(
                "msp_asked",
                "The person expressed outcomes: choose “Yes they were asked and "
                "outcomes were expressed”",
            )
        filled = {
            "msp_achieved": bool(data.msp_achieved),
            "risk_outcome": bool(data.risk_outcome),
            "capacity_support_provided": data.capacity_support_provided is not None,
        }
        check_conclusion_answers(
            c,
            asked=asked,
            achieved=data.msp_achieved,
            achieved_reason=data.msp_achieved_reason,
            ratings=list(ratings.values()),
            all_rated=len(ratings) == len(active),
            risk_assessment_outcome=data.risk_assessment_outcome,
            risk_outcome=data.risk_outcome,
            lacked_capacity=data.lacked_capacity,
            capacity_support_provided=data.capacity_support_provided,
            given=filled.__getitem__,
        )
        c.raise_if_any()

        concluded_on = data.concluded_on
        for outcome in active:
            given = data.ratings[outcome.id]
            outcome.rating = given.rating
            outcome.person_view = (given.person_view or "").strip() or None
            new_version(outcome, "rated", concluded_on, actor)
        before = {"msp_asked": enquiry.msp_asked, "status": enquiry.status}
        _set_concluded(enquiry, concluded_on)
        enquiry.msp_asked = asked
        enquiry.msp_achieved = data.msp_achieved if asked == "asked_expressed" else None
        enquiry.msp_achieved_reason = (data.msp_achieved_reason or "").strip() or None
        enquiry.risk_assessment_outcome = data.risk_assessment_outcome
        enquiry.risk_outcome = data.risk_outcome or None
        enquiry.lacked_capacity = data.lacked_capacity
        enquiry.capacity_support_provided = data.capacity_support_provided
        touch(enquiry)
        audit_case(
            session,
            actor,
            enquiry,
            "enquiry_concluded",
            {
                "changed": describe_change(
                    before,
                    {"msp_asked": asked, "status": "concluded"},
                    coded={"msp_asked", "status"},
                ),
                "msp_achieved": enquiry.msp_achieved,
                "risk_assessment_outcome": data.risk_assessment_outcome,
                "risk_outcome": enquiry.risk_outcome,
                "lacked_capacity": data.lacked_capacity,
                "ratings": {str(k): v for k, v in sorted(ratings.items())},
            },
        )
        session.flush()
        refresh_timeliness(session, [enquiry.id])
        return enquiry.version


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
