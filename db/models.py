"""The one shared SQLAlchemy model of MSP Outcomes.

Coded columns hold stable codes from `msp.vocab` and are checked by the database against the
vocabulary (a CHECK constraint), so nothing outside the national lists can be stored even by
a bug. Dates of events are `date`; when something was recorded is a UTC `datetime`.

Reporting columns (`concluded_fy`, `concluded_quarter`, `concluded_month`) are written with
the conclusion date so dashboards count by them with an index, never converting dates per row.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from msp import vocab

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        dt.datetime: sa.DateTime(timezone=True),
        dict[str, Any]: sa.JSON,
    }


def in_vocab(
    column: str, vocabulary: vocab.Vocabulary, name: str | None = None
) -> sa.CheckConstraint:
    """CHECK that `column` is NULL or one of the vocabulary's codes."""
    codes = ", ".join("'" + c.replace("'", "''") + "'" for c in vocabulary.codes)
    return sa.CheckConstraint(f"{column} IS NULL OR {column} IN ({codes})", name=name or column)


def new_public_id() -> str:
    return uuid.uuid4().hex


# --- Teams and users -----------------------------------------------------------------------

team_memberships = sa.Table(
    "team_memberships",
    Base.metadata,
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("team_id", sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_team_memberships_team_id", "team_id"),
)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    members: Mapped[list[User]] = relationship(secondary=team_memberships, back_populates="teams")


class User(Base):
    __tablename__ = "users"
    __table_args__ = (in_vocab("role", vocab.ROLES),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(80), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(120))
    # For single sign-on: the identity provider's email is matched to this column.
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    role: Mapped[str] = mapped_column(sa.String(20))
    # argon2id hash; NULL for accounts that only sign in through single sign-on.
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    teams: Mapped[list[Team]] = relationship(secondary=team_memberships, back_populates="members")


# --- People and enquiries ------------------------------------------------------------------


class Person(Base):
    """The minimum about the adult at risk: a reference into the council's case system."""

    __tablename__ = "people"
    __table_args__ = (
        in_vocab("age_band", vocab.AGE_BANDS),
        in_vocab("gender", vocab.GENDERS),
        in_vocab("ethnicity", vocab.ETHNICITIES),
        in_vocab("primary_support_reason", vocab.PRIMARY_SUPPORT_REASONS),
        sa.CheckConstraint(
            "birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100", name="birth_year"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_reference: Mapped[str] = mapped_column(sa.String(40), unique=True)
    preferred_name: Mapped[str | None] = mapped_column(sa.String(60))
    birth_year: Mapped[int | None]
    age_band: Mapped[str | None] = mapped_column(sa.String(10))
    gender: Mapped[str] = mapped_column(sa.String(20), default="not_known")
    ethnicity: Mapped[str] = mapped_column(sa.String(20), default="not_known")
    primary_support_reason: Mapped[str] = mapped_column(sa.String(30), default="not_known")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    enquiries: Mapped[list[Enquiry]] = relationship(back_populates="person")


class Enquiry(Base):
    __tablename__ = "enquiries"
    __table_args__ = (
        in_vocab("enquiry_type", vocab.ENQUIRY_TYPES),
        in_vocab("status", vocab.ENQUIRY_STATUSES),
        in_vocab("location_of_risk", vocab.LOCATIONS),
        in_vocab("source_of_risk", vocab.SOURCES_OF_RISK),
        in_vocab("risk_assessment_outcome", vocab.RISK_ASSESSMENT_OUTCOMES),
        in_vocab("risk_outcome", vocab.RISK_OUTCOMES),
        in_vocab("pre_concern_with", vocab.SPEAKERS),
        in_vocab("pre_concern_view", vocab.PRE_CONCERN_VIEWS),
        in_vocab("against_view_reason", vocab.AGAINST_VIEW_REASONS),
        in_vocab("capacity_result", vocab.CAPACITY_RESULTS),
        in_vocab("advocate_kind", vocab.ADVOCATE_KINDS),
        in_vocab("representative_kind", vocab.REPRESENTATIVE_KINDS),
        in_vocab("msp_asked", vocab.MSP_ASKED),
        in_vocab("msp_achieved", vocab.MSP_ACHIEVED),
        in_vocab("lacked_capacity", vocab.LACKED_CAPACITY),
        sa.CheckConstraint(
            "decision_on IS NULL OR decision_on >= concern_received_on",
            name="decision_after_concern",
        ),
        sa.CheckConstraint("started_on >= concern_received_on", name="started_after_concern"),
        sa.CheckConstraint(
            "concluded_on IS NULL OR concluded_on >= started_on", name="concluded_after_started"
        ),
        sa.CheckConstraint(
            "(status = 'concluded') = (concluded_on IS NOT NULL)", name="concluded_status_has_date"
        ),
        sa.CheckConstraint(
            "(concluded_on IS NULL AND concluded_fy IS NULL AND concluded_quarter IS NULL "
            "AND concluded_month IS NULL) OR (concluded_on IS NOT NULL "
            "AND concluded_fy IS NOT NULL AND concluded_quarter BETWEEN 1 AND 4 "
            "AND concluded_month IS NOT NULL)",
            name="reporting_columns",
        ),
        sa.CheckConstraint("version >= 1", name="version_positive"),
        # The dashboards count concluded enquiries by year, quarter, team and the MSP answers.
        # A covering index: every dashboard and SAC count reads only this index.
        sa.Index(
            "ix_enquiries_reporting",
            "concluded_fy",
            "concluded_quarter",
            "team_id",
            "enquiry_type",
            "is_deleted",
            "msp_asked",
            "msp_achieved",
            "concluded_month",
            "worker_id",
            "location_of_risk",
            "source_of_risk",
            "risk_assessment_outcome",
            "risk_outcome",
            "lacked_capacity",
            "capacity_support_provided",
            "first_conversation_working_days",
            "longest_gap_working_days",
            "first_feedback_days",
        ),
        sa.Index("ix_enquiries_team_status", "team_id", "status", "is_deleted"),
        sa.Index("ix_enquiries_worker_status", "worker_id", "status"),
        sa.Index("ix_enquiries_person_id", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Opaque id for URLs and screens; never the database id or anything about the person.
    public_id: Mapped[str] = mapped_column(sa.String(32), unique=True, default=new_public_id)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="RESTRICT"))
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id", ondelete="RESTRICT"))
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    enquiry_type: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(12), default="open")

    concern_received_on: Mapped[dt.date]
    decision_on: Mapped[dt.date | None]
    started_on: Mapped[dt.date]
    concluded_on: Mapped[dt.date | None]
    # Reporting columns, written with concluded_on (see msp.periods).
    concluded_fy: Mapped[int | None]
    concluded_quarter: Mapped[int | None]
    concluded_month: Mapped[int | None]

    location_of_risk: Mapped[str | None] = mapped_column(sa.String(30))
    source_of_risk: Mapped[str | None] = mapped_column(sa.String(20))
    risk_assessment_outcome: Mapped[str | None] = mapped_column(sa.String(30))
    risk_outcome: Mapped[str | None] = mapped_column(sa.String(10))

    # The conversation before the concern was raised.
    pre_concern_discussed: Mapped[bool | None]
    pre_concern_with: Mapped[str | None] = mapped_column(sa.String(20))
    pre_concern_view: Mapped[str | None] = mapped_column(sa.String(12))
    against_view_reason: Mapped[str | None] = mapped_column(sa.String(30))
    against_view_reason_other: Mapped[str | None] = mapped_column(sa.Text)
    against_view_explained: Mapped[bool | None]

    # Mental capacity: decision- and time-specific.
    capacity_considered: Mapped[bool] = mapped_column(default=False)
    capacity_decision: Mapped[str | None] = mapped_column(sa.Text)
    capacity_assessed_on: Mapped[dt.date | None]
    capacity_result: Mapped[str | None] = mapped_column(sa.String(20))
    capacity_assessed_by: Mapped[str | None] = mapped_column(sa.String(120))

    # Care Act advocacy duty: substantial difficulty and no appropriate individual.
    substantial_difficulty: Mapped[bool | None]
    appropriate_individual: Mapped[bool | None]
    advocacy_referred_on: Mapped[dt.date | None]
    advocate_kind: Mapped[str | None] = mapped_column(sa.String(20))
    representative_kind: Mapped[str | None] = mapped_column(sa.String(20))
    representative_details: Mapped[str | None] = mapped_column(sa.Text)

    # Timeliness, kept up to date by msp.timeliness whenever conversations, the conclusion or
    # feedback change, so the dashboard counts them without reading every conversation.
    first_conversation_working_days: Mapped[int | None]
    longest_gap_working_days: Mapped[int | None]
    first_feedback_days: Mapped[int | None]

    # The national MSP answers (SG4a) and SG3a, recorded at conclusion.
    msp_asked: Mapped[str | None] = mapped_column(sa.String(20))
    msp_achieved: Mapped[str | None] = mapped_column(sa.String(20))
    msp_achieved_reason: Mapped[str | None] = mapped_column(sa.Text)
    lacked_capacity: Mapped[str | None] = mapped_column(sa.String(20))
    capacity_support_provided: Mapped[bool | None]

    # "Entered in error": hidden from lists and counts, never destroyed by the app.
    is_deleted: Mapped[bool] = mapped_column(default=False)
    deleted_reason: Mapped[str | None] = mapped_column(sa.Text)
    deleted_at: Mapped[dt.datetime | None]
    deleted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT")
    )

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Optimistic locking: a save that started from an older version is refused.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    person: Mapped[Person] = relationship(back_populates="enquiries")
    team: Mapped[Team] = relationship()
    worker: Mapped[User | None] = relationship(foreign_keys=[worker_id])
    risk_types: Mapped[list[EnquiryRiskType]] = relationship(
        back_populates="enquiry", cascade="all, delete-orphan"
    )
    outcomes: Mapped[list[DesiredOutcome]] = relationship(
        back_populates="enquiry", cascade="all, delete-orphan", order_by="DesiredOutcome.position"
    )
    conversations: Mapped[list[Conversation]] = relationship(
        back_populates="enquiry", cascade="all, delete-orphan", order_by="Conversation.held_on"
    )


class EnquiryRiskType(Base):
    """One row per type of risk in an enquiry (SG2a counts an enquiry once per type)."""

    __tablename__ = "enquiry_risk_types"
    __table_args__ = (
        in_vocab("risk_type", vocab.RISK_TYPES),
        sa.Index("ix_enquiry_risk_types_risk_type", "risk_type", "enquiry_id"),
    )

    enquiry_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enquiries.id", ondelete="CASCADE"), primary_key=True
    )
    risk_type: Mapped[str] = mapped_column(sa.String(30), primary_key=True)

    enquiry: Mapped[Enquiry] = relationship(back_populates="risk_types")


# --- Desired outcomes and their history ----------------------------------------------------


class DesiredOutcome(Base):
    """The current state of one desired outcome; every change is also kept as a version."""

    __tablename__ = "desired_outcomes"
    __table_args__ = (
        in_vocab("category", vocab.STANDARD_OUTCOMES),
        in_vocab("expressed_by", vocab.SPEAKERS),
        in_vocab("status", vocab.OUTCOME_STATUSES),
        in_vocab("achievability", vocab.ACHIEVABILITY),
        in_vocab("rating", vocab.OUTCOME_RATINGS),
        sa.CheckConstraint("length(own_words) > 0", name="own_words_present"),
        sa.CheckConstraint("current_version >= 1", name="current_version_positive"),
        sa.UniqueConstraint("enquiry_id", "position", name="uq_desired_outcomes_enquiry_position"),
        sa.Index("ix_desired_outcomes_category", "category", "status", "rating"),
        sa.Index(
            "ix_desired_outcomes_enquiry_status", "enquiry_id", "status", "category", "rating"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(sa.ForeignKey("enquiries.id", ondelete="CASCADE"))
    position: Mapped[int]
    category: Mapped[str] = mapped_column(sa.String(20))
    own_words: Mapped[str] = mapped_column(sa.Text)
    expressed_by: Mapped[str] = mapped_column(sa.String(20))
    expressed_on: Mapped[dt.date]
    status: Mapped[str] = mapped_column(sa.String(10), default="active")
    achievability: Mapped[str | None] = mapped_column(sa.String(20))
    achievability_explanation: Mapped[str | None] = mapped_column(sa.Text)
    # The conversation in which achievability was explained to the person.
    explained_in_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="SET NULL")
    )
    rating: Mapped[str | None] = mapped_column(sa.String(20))
    person_view: Mapped[str | None] = mapped_column(sa.Text)
    current_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    enquiry: Mapped[Enquiry] = relationship(back_populates="outcomes")
    versions: Mapped[list[OutcomeVersion]] = relationship(
        back_populates="outcome", cascade="all, delete-orphan", order_by="OutcomeVersion.version_no"
    )


class OutcomeVersion(Base):
    """A dated snapshot of a desired outcome, with why it changed. Never updated."""

    __tablename__ = "outcome_versions"
    __table_args__ = (
        in_vocab("reason", vocab.OUTCOME_CHANGE_REASONS),
        in_vocab("category", vocab.STANDARD_OUTCOMES),
        in_vocab("expressed_by", vocab.SPEAKERS),
        in_vocab("status", vocab.OUTCOME_STATUSES),
        in_vocab("achievability", vocab.ACHIEVABILITY),
        in_vocab("rating", vocab.OUTCOME_RATINGS),
        sa.UniqueConstraint("outcome_id", "version_no", name="uq_outcome_versions_outcome_version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[int] = mapped_column(
        sa.ForeignKey("desired_outcomes.id", ondelete="CASCADE")
    )
    version_no: Mapped[int]
    reason: Mapped[str] = mapped_column(sa.String(20))
    change_note: Mapped[str | None] = mapped_column(sa.Text)
    effective_on: Mapped[dt.date]
    conversation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("conversations.id", ondelete="SET NULL")
    )
    category: Mapped[str] = mapped_column(sa.String(20))
    own_words: Mapped[str] = mapped_column(sa.Text)
    expressed_by: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(10))
    achievability: Mapped[str | None] = mapped_column(sa.String(20))
    achievability_explanation: Mapped[str | None] = mapped_column(sa.Text)
    rating: Mapped[str | None] = mapped_column(sa.String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT")
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    outcome: Mapped[DesiredOutcome] = relationship(back_populates="versions")


# --- Conversations -------------------------------------------------------------------------

conversation_outcomes = sa.Table(
    "conversation_outcomes",
    Base.metadata,
    sa.Column(
        "conversation_id", sa.ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column(
        "outcome_id", sa.ForeignKey("desired_outcomes.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Index("ix_conversation_outcomes_outcome_id", "outcome_id"),
)


class Conversation(Base):
    __tablename__ = "conversations"
    __table_args__ = (
        in_vocab("representative_kind", vocab.REPRESENTATIVE_KINDS),
        in_vocab("method", vocab.CONTACT_METHODS),
        in_vocab("stage", vocab.CONVERSATION_STAGES),
        sa.CheckConstraint("with_person OR representative_kind IS NOT NULL", name="with_someone"),
        sa.Index("ix_conversations_enquiry_held_on", "enquiry_id", "held_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(sa.ForeignKey("enquiries.id", ondelete="CASCADE"))
    held_on: Mapped[dt.date]
    with_person: Mapped[bool]
    representative_kind: Mapped[str | None] = mapped_column(sa.String(20))
    method: Mapped[str] = mapped_column(sa.String(20))
    stage: Mapped[str] = mapped_column(sa.String(20))
    summary: Mapped[str] = mapped_column(sa.Text)
    next_steps: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT")
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    enquiry: Mapped[Enquiry] = relationship(back_populates="conversations")
    outcomes_discussed: Mapped[list[DesiredOutcome]] = relationship(secondary=conversation_outcomes)


# --- Feedback ------------------------------------------------------------------------------


class FeedbackQuestion(Base):
    """A question in the council's feedback bank; its wording lives in versions."""

    __tablename__ = "feedback_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    position: Mapped[int]
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    versions: Mapped[list[FeedbackQuestionVersion]] = relationship(
        back_populates="question", order_by="FeedbackQuestionVersion.version_no"
    )


class FeedbackQuestionVersion(Base):
    """One wording of a question. Answers point here, so each answer keeps the wording it was
    given under."""

    __tablename__ = "feedback_question_versions"
    __table_args__ = (
        sa.UniqueConstraint(
            "question_id", "version_no", name="uq_feedback_question_versions_question_version"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feedback_questions.id", ondelete="RESTRICT")
    )
    version_no: Mapped[int]
    person_wording: Mapped[str] = mapped_column(sa.Text)
    representative_wording: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    question: Mapped[FeedbackQuestion] = relationship(back_populates="versions")


class FeedbackResponse(Base):
    __tablename__ = "feedback_responses"
    __table_args__ = (
        in_vocab("respondent", vocab.SPEAKERS),
        in_vocab("asked_by", vocab.FEEDBACK_ASKERS),
        in_vocab("method", vocab.CONTACT_METHODS),
        sa.Index(
            "ix_feedback_responses_enquiry_id",
            "enquiry_id",
            "declined",
            "respondent",
            "days_after_conclusion",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(sa.ForeignKey("enquiries.id", ondelete="CASCADE"))
    respondent: Mapped[str] = mapped_column(sa.String(20))
    asked_by: Mapped[str] = mapped_column(sa.String(20))
    method: Mapped[str] = mapped_column(sa.String(20))
    given_on: Mapped[dt.date]
    declined: Mapped[bool] = mapped_column(default=False)
    comments: Mapped[str | None] = mapped_column(sa.Text)
    # Days between conclusion and feedback, stored for the timeliness dashboard.
    days_after_conclusion: Mapped[int | None]
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT")
    )
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    answers: Mapped[list[FeedbackAnswer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class FeedbackAnswer(Base):
    __tablename__ = "feedback_answers"
    __table_args__ = (
        in_vocab("answer", vocab.FEEDBACK_ANSWERS),
        sa.Index("ix_feedback_answers_question_version_id", "question_version_id", "answer"),
        sa.Index("ix_feedback_answers_response", "response_id", "question_version_id", "answer"),
    )

    response_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feedback_responses.id", ondelete="CASCADE"), primary_key=True
    )
    question_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("feedback_question_versions.id", ondelete="RESTRICT"), primary_key=True
    )
    answer: Mapped[str] = mapped_column(sa.String(20))

    response: Mapped[FeedbackResponse] = relationship(back_populates="answers")


# --- Supervision, settings and audit ------------------------------------------------------


class SupervisionNote(Base):
    __tablename__ = "supervision_notes"
    __table_args__ = (sa.Index("ix_supervision_notes_enquiry_id", "enquiry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enquiry_id: Mapped[int] = mapped_column(sa.ForeignKey("enquiries.id", ondelete="CASCADE"))
    supervisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="RESTRICT"))
    held_on: Mapped[dt.date]
    reflection: Mapped[str | None] = mapped_column(sa.Text)
    agreed_actions: Mapped[str | None] = mapped_column(sa.Text)
    lessons: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Setting(Base):
    """A council setting (timescale targets, reporting options), stored as JSON."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    value: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="RESTRICT")
    )


class AuditEvent(Base):
    """Append-only: who did what to which record, and when. The database refuses UPDATE and
    DELETE on this table (triggers created by the migrations)."""

    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_occurred_at", "occurred_at"),
        sa.Index("ix_audit_events_record", "record_type", "record_id"),
        sa.Index("ix_audit_events_user_id", "user_id", "occurred_at"),
        # Sign-in lock-out counts recent failures per username.
        sa.Index("ix_audit_events_username_action", "username", "action", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # No foreign key: an audit event outlives anything it names.
    user_id: Mapped[int | None]
    username: Mapped[str | None] = mapped_column(sa.String(80))
    action: Mapped[str] = mapped_column(sa.String(40))
    record_type: Mapped[str | None] = mapped_column(sa.String(40))
    record_id: Mapped[str | None] = mapped_column(sa.String(40))
    team_id: Mapped[int | None]
    # Field names changed, coded old -> new values; free text only as "changed".
    details: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
