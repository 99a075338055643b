"""One person's journey through one enquiry, as plain values for the screens: the record,
its outcomes with every version, conversations, feedback, a timeline and the prompts.
Opening it is audited (who saw which enquiry, when)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import selectinload

from db.models import (
    Conversation,
    DesiredOutcome,
    Enquiry,
    FeedbackAnswer,
    FeedbackQuestionVersion,
    FeedbackResponse,
    User,
)
from msp import vocab
from msp.auth import CurrentUser
from msp.casework import audit_case, case_write, load_case
from msp.prompts import CaseFacts, Prompt, prompts
from msp.settings import Targets, get_targets


@dataclass(frozen=True)
class VersionView:
    version_no: int
    reason: str
    effective_on: dt.date
    own_words: str
    status: str
    achievability: str | None
    achievability_explanation: str | None
    rating: str | None
    change_note: str | None
    conversation_id: int | None
    recorded_by: str | None


@dataclass(frozen=True)
class OutcomeView:
    id: int
    position: int
    category: str
    own_words: str
    expressed_by: str
    expressed_on: dt.date
    status: str
    achievability: str | None
    achievability_explanation: str | None
    explained_in_id: int | None
    rating: str | None
    person_view: str | None
    versions: tuple[VersionView, ...]

    @property
    def label(self) -> str:
        return f"{self.position}. {vocab.STANDARD_OUTCOMES.label(self.category)}"


@dataclass(frozen=True)
class ConversationView:
    id: int
    held_on: dt.date
    with_person: bool
    representative_kind: str | None
    method: str
    stage: str
    summary: str
    next_steps: str | None
    outcome_ids: tuple[int, ...]
    recorded_by: str | None

    @property
    def with_whom(self) -> str:
        parts = ["the person"] if self.with_person else []
        if self.representative_kind:
            parts.append(vocab.REPRESENTATIVE_KINDS.in_sentence(self.representative_kind))
        return " and ".join(parts)

    @property
    def label(self) -> str:
        return (
            f"{self.held_on:%d %b %Y} — {vocab.CONVERSATION_STAGES.label(self.stage)} "
            f"({vocab.CONTACT_METHODS.label(self.method).lower()}, with {self.with_whom})"
        )


@dataclass(frozen=True)
class FeedbackView:
    id: int
    respondent: str
    asked_by: str
    method: str
    given_on: dt.date
    declined: bool
    comments: str | None
    days_after_conclusion: int | None
    answers: tuple[tuple[str, str], ...]  # (wording it was asked in, answer code)


@dataclass(frozen=True)
class TimelineEntry:
    on: dt.date
    kind: str
    title: str
    detail: str | None = None


@dataclass(frozen=True)
class EnquiryView:
    public_id: str
    version: int
    status: str
    case_reference: str
    preferred_name: str | None
    age_band: str | None
    birth_year: int | None
    gender: str
    ethnicity: str
    primary_support_reason: str
    team_id: int
    team_name: str
    worker_id: int | None
    worker_name: str | None
    enquiry_type: str
    concern_received_on: dt.date
    decision_on: dt.date | None
    started_on: dt.date
    concluded_on: dt.date | None
    risk_types: tuple[str, ...]
    location_of_risk: str | None
    source_of_risk: str | None
    pre_concern_discussed: bool | None
    pre_concern_with: str | None
    pre_concern_view: str | None
    against_view_reason: str | None
    against_view_reason_other: str | None
    against_view_explained: bool | None
    capacity_considered: bool
    capacity_decision: str | None
    capacity_assessed_on: dt.date | None
    capacity_result: str | None
    capacity_assessed_by: str | None
    substantial_difficulty: bool | None
    appropriate_individual: bool | None
    advocacy_referred_on: dt.date | None
    advocate_kind: str | None
    representative_kind: str | None
    representative_details: str | None
    msp_asked: str | None
    msp_achieved: str | None
    msp_achieved_reason: str | None
    risk_assessment_outcome: str | None
    risk_outcome: str | None
    lacked_capacity: str | None
    capacity_support_provided: bool | None
    outcomes: tuple[OutcomeView, ...]
    conversations: tuple[ConversationView, ...]
    feedback: tuple[FeedbackView, ...]
    facts: CaseFacts
    prompts: tuple[Prompt, ...]
    timeline: tuple[TimelineEntry, ...]
    targets: Targets

    @property
    def active_outcomes(self) -> tuple[OutcomeView, ...]:
        return tuple(o for o in self.outcomes if o.status == "active")

    @property
    def heading(self) -> str:
        name = f" ({self.preferred_name})" if self.preferred_name else ""
        return f"{self.case_reference}{name}"


_ORDER = {
    "concern": 0,
    "decision": 1,
    "started": 2,
    "capacity": 3,
    "advocacy": 4,
    "conversation": 5,
    "outcome": 6,
    "concluded": 7,
    "feedback": 8,
}


def _timeline(e: Enquiry, outcomes, conversations, feedback) -> tuple[TimelineEntry, ...]:
    entries = [TimelineEntry(e.concern_received_on, "concern", "Concern received")]
    if e.decision_on:
        entries.append(
            TimelineEntry(
                e.decision_on,
                "decision",
                f"Decision: {vocab.ENQUIRY_TYPES.label(e.enquiry_type)} enquiry",
            )
        )
    entries.append(TimelineEntry(e.started_on, "started", "Enquiry started"))
    if e.capacity_considered and e.capacity_assessed_on:
        entries.append(
            TimelineEntry(
                e.capacity_assessed_on,
                "capacity",
                "Mental capacity considered",
                vocab.CAPACITY_RESULTS.label(e.capacity_result),
            )
        )
    if e.advocacy_referred_on:
        entries.append(
            TimelineEntry(
                e.advocacy_referred_on,
                "advocacy",
                "Referred for independent advocacy",
                vocab.ADVOCATE_KINDS.label(e.advocate_kind),
            )
        )
    for c in conversations:
        entries.append(
            TimelineEntry(
                c.held_on,
                "conversation",
                f"Conversation with {c.with_whom} "
                f"({vocab.CONTACT_METHODS.label(c.method).lower()})",
                c.summary,
            )
        )
    for o in outcomes:
        for v in o.versions:
            title = f"Outcome {o.position} {vocab.OUTCOME_CHANGE_REASONS.label(v.reason).lower()}"
            if v.reason == "achievability":
                title += f": {vocab.ACHIEVABILITY.label(v.achievability).lower()}"
            elif v.reason == "rated":
                title += f": {vocab.OUTCOME_RATINGS.label(v.rating).lower()}"
            entries.append(TimelineEntry(v.effective_on, "outcome", title, v.own_words))
    if e.concluded_on:
        entries.append(
            TimelineEntry(
                e.concluded_on,
                "concluded",
                "Enquiry concluded",
                vocab.MSP_ACHIEVED.label(e.msp_achieved) or vocab.MSP_ASKED.label(e.msp_asked),
            )
        )
    for f in feedback:
        who = vocab.SPEAKERS.in_sentence(f.respondent)
        entries.append(
            TimelineEntry(
                f.given_on,
                "feedback",
                f"Feedback from {who}" + (" (declined)" if f.declined else ""),
                f.comments,
            )
        )
    entries.sort(key=lambda t: (t.on, _ORDER[t.kind]))
    return tuple(entries)


def get_enquiry(
    engine: Engine, actor: CurrentUser, public_id: str, *, today: dt.date
) -> EnquiryView:
    """The whole enquiry for someone allowed to work on it; the view is audited."""
    targets = get_targets(engine)
    with case_write(engine) as session:
        e = load_case(session, actor, public_id)
        session.refresh(e)
        names = dict(session.execute(sa.select(User.id, User.display_name)).all())
        db_outcomes = session.scalars(
            sa.select(DesiredOutcome)
            .options(selectinload(DesiredOutcome.versions))
            .where(DesiredOutcome.enquiry_id == e.id)
            .order_by(DesiredOutcome.position)
        ).all()
        db_conversations = session.scalars(
            sa.select(Conversation)
            .options(selectinload(Conversation.outcomes_discussed))
            .where(Conversation.enquiry_id == e.id)
            .order_by(Conversation.held_on, Conversation.id)
        ).all()
        db_feedback = session.scalars(
            sa.select(FeedbackResponse)
            .where(FeedbackResponse.enquiry_id == e.id)
            .order_by(FeedbackResponse.given_on, FeedbackResponse.id)
        ).all()
        answer_rows = session.execute(
            sa.select(
                FeedbackAnswer.response_id,
                FeedbackAnswer.answer,
                FeedbackQuestionVersion.person_wording,
                FeedbackQuestionVersion.representative_wording,
            )
            .join(
                FeedbackQuestionVersion,
                FeedbackQuestionVersion.id == FeedbackAnswer.question_version_id,
            )
            .join(FeedbackResponse, FeedbackResponse.id == FeedbackAnswer.response_id)
            .where(FeedbackResponse.enquiry_id == e.id)
            .order_by(FeedbackAnswer.response_id, FeedbackQuestionVersion.question_id)
        ).all()

        outcomes = tuple(
            OutcomeView(
                o.id,
                o.position,
                o.category,
                o.own_words,
                o.expressed_by,
                o.expressed_on,
                o.status,
                o.achievability,
                o.achievability_explanation,
                o.explained_in_id,
                o.rating,
                o.person_view,
                tuple(
                    VersionView(
                        v.version_no,
                        v.reason,
                        v.effective_on,
                        v.own_words,
                        v.status,
                        v.achievability,
                        v.achievability_explanation,
                        v.rating,
                        v.change_note,
                        v.conversation_id,
                        names.get(v.recorded_by_id),
                    )
                    for v in o.versions
                ),
            )
            for o in db_outcomes
        )
        conversations = tuple(
            ConversationView(
                c.id,
                c.held_on,
                c.with_person,
                c.representative_kind,
                c.method,
                c.stage,
                c.summary,
                c.next_steps,
                tuple(sorted(o.id for o in c.outcomes_discussed)),
                names.get(c.recorded_by_id),
            )
            for c in db_conversations
        )
        by_response: dict[int, list[tuple[str, str]]] = {}
        respondent = {f.id: f.respondent for f in db_feedback}
        for r in answer_rows:
            wording = (
                r.person_wording
                if respondent[r.response_id] == vocab.PERSON
                else r.representative_wording
            )
            by_response.setdefault(r.response_id, []).append((wording, r.answer))
        feedback = tuple(
            FeedbackView(
                f.id,
                f.respondent,
                f.asked_by,
                f.method,
                f.given_on,
                f.declined,
                f.comments,
                f.days_after_conclusion,
                tuple(by_response.get(f.id, [])),
            )
            for f in db_feedback
        )
        active = [o for o in outcomes if o.status == "active"]
        facts = CaseFacts(
            status=e.status,
            started_on=e.started_on,
            concluded_on=e.concluded_on,
            msp_asked=e.msp_asked,
            active_outcomes=len(active),
            unexplained_unachievable=sum(
                1
                for o in active
                if o.achievability == "not_achievable" and o.explained_in_id is None
            ),
            capacity_considered=e.capacity_considered,
            substantial_difficulty=e.substantial_difficulty,
            appropriate_individual=e.appropriate_individual,
            advocacy_referred_on=e.advocacy_referred_on,
            last_conversation_on=max((c.held_on for c in conversations), default=None),
            has_feedback=bool(feedback),
        )
        view = EnquiryView(
            public_id=e.public_id,
            version=e.version,
            status=e.status,
            case_reference=e.person.case_reference,
            preferred_name=e.person.preferred_name,
            age_band=e.person.age_band,
            birth_year=e.person.birth_year,
            gender=e.person.gender,
            ethnicity=e.person.ethnicity,
            primary_support_reason=e.person.primary_support_reason,
            team_id=e.team_id,
            team_name=e.team.name,
            worker_id=e.worker_id,
            worker_name=names.get(e.worker_id),
            enquiry_type=e.enquiry_type,
            concern_received_on=e.concern_received_on,
            decision_on=e.decision_on,
            started_on=e.started_on,
            concluded_on=e.concluded_on,
            risk_types=tuple(
                t for t in vocab.RISK_TYPES.codes if t in {r.risk_type for r in e.risk_types}
            ),
            location_of_risk=e.location_of_risk,
            source_of_risk=e.source_of_risk,
            pre_concern_discussed=e.pre_concern_discussed,
            pre_concern_with=e.pre_concern_with,
            pre_concern_view=e.pre_concern_view,
            against_view_reason=e.against_view_reason,
            against_view_reason_other=e.against_view_reason_other,
            against_view_explained=e.against_view_explained,
            capacity_considered=e.capacity_considered,
            capacity_decision=e.capacity_decision,
            capacity_assessed_on=e.capacity_assessed_on,
            capacity_result=e.capacity_result,
            capacity_assessed_by=e.capacity_assessed_by,
            substantial_difficulty=e.substantial_difficulty,
            appropriate_individual=e.appropriate_individual,
            advocacy_referred_on=e.advocacy_referred_on,
            advocate_kind=e.advocate_kind,
            representative_kind=e.representative_kind,
            representative_details=e.representative_details,
            msp_asked=e.msp_asked,
            msp_achieved=e.msp_achieved,
            msp_achieved_reason=e.msp_achieved_reason,
            risk_assessment_outcome=e.risk_assessment_outcome,
            risk_outcome=e.risk_outcome,
            lacked_capacity=e.lacked_capacity,
            capacity_support_provided=e.capacity_support_provided,
            outcomes=outcomes,
            conversations=conversations,
            feedback=feedback,
            facts=facts,
            prompts=tuple(prompts(facts, targets, today)),
            timeline=_timeline(e, outcomes, conversations, feedback),
            targets=targets,
        )
        audit_case(session, actor, e, "enquiry_viewed")
        return view
