"""Feedback at the end of an enquiry: the question bank in the right wording for who is
answering, and recording a response (or that the person declined)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.engine import unit_of_work
from db.models import FeedbackAnswer, FeedbackQuestion, FeedbackQuestionVersion, FeedbackResponse
from msp import vocab
from msp.auth import CurrentUser
from msp.casework import audit_case, case_write, load_case, touch
from msp.settings import get_targets
from msp.timeliness import refresh as refresh_timeliness
from msp.validation import Checker


@dataclass(frozen=True)
class Question:
    question_version_id: int
    key: str
    person_wording: str
    representative_wording: str

    def wording_for(self, respondent: str) -> str:
        return self.person_wording if respondent == vocab.PERSON else self.representative_wording


@dataclass
class NewFeedback:
    respondent: str | None = vocab.PERSON
    asked_by: str | None = "enquiry_lead"
    method: str | None = None
    given_on: dt.date | None = None
    declined: bool = False
    answers: dict[int, str] = field(default_factory=dict)  # question_version_id -> answer code
    comments: str | None = None


def _current_questions(session: Session) -> list[Question]:
    latest = (
        sa.select(
            FeedbackQuestionVersion.question_id,
            sa.func.max(FeedbackQuestionVersion.version_no).label("version_no"),
        )
        .group_by(FeedbackQuestionVersion.question_id)
        .subquery()
    )
    rows = session.execute(
        sa.select(FeedbackQuestionVersion, FeedbackQuestion.key)
        .join(FeedbackQuestion, FeedbackQuestion.id == FeedbackQuestionVersion.question_id)
        .join(
            latest,
            sa.and_(
                latest.c.question_id == FeedbackQuestionVersion.question_id,
                latest.c.version_no == FeedbackQuestionVersion.version_no,
            ),
        )
        .where(FeedbackQuestion.is_active.is_(True))
        .order_by(FeedbackQuestion.position)
    ).all()
    return [Question(v.id, key, v.person_wording, v.representative_wording) for v, key in rows]


def question_bank(engine: Engine) -> list[Question]:
    """The active questions, each in its latest wording."""
    with unit_of_work(engine) as session:
        return _current_questions(session)


def feedback_window_warning(
    concluded_on: dt.date | None, given_on: dt.date | None, window_days: int
) -> str | None:
    if concluded_on is None or given_on is None:
        return None
    late = (given_on - concluded_on).days - window_days
    if late > 0:
        return (
            f"This feedback was given {late} day{'s' if late != 1 else ''} after the "
            f"{window_days // 7}-week window after conclusion closed. It will be saved, and "
            "counted as late."
        )
    return None


def record_feedback(
    engine: Engine,
    actor: CurrentUser,
    public_id: str,
    data: NewFeedback,
    *,
    expected_version: int,
    today: dt.date,
) -> tuple[int, str | None]:
    """Record feedback on a concluded enquiry; returns the new version and a warning when it
    falls outside the feedback window."""
    c = Checker()
    window = get_targets(engine).feedback_window_days
    with case_write(engine) as session:
        enquiry = load_case(session, actor, public_id, expected_version=expected_version)
        if enquiry.status != "concluded":
            c.add("given_on", "Feedback is recorded after the enquiry has been concluded")
            c.raise_if_any()
        c.code(
            "respondent",
            data.respondent,
            vocab.SPEAKERS,
            required=True,
            what="who gave the feedback",
        )
        c.code(
            "asked_by",
            data.asked_by,
            vocab.FEEDBACK_ASKERS,
            required=True,
            what="who asked for the feedback",
        )
        c.code(
            "method",
            data.method,
            vocab.CONTACT_METHODS,
            required=True,
            what="how the feedback was given",
        )
        given_on = c.date(
            "given_on",
            data.given_on,
            required=True,
            what="the date the feedback was given",
            today=today,
            not_before=(
                enquiry.concluded_on,
                "Feedback cannot be given before the enquiry concluded",
            ),
        )
        if not isinstance(data.declined, bool):
            c.add("declined", "Choose whether the person declined to give feedback")
        questions = {q.question_version_id: q for q in _current_questions(session)}
        answers = dict(data.answers or {})
        if data.declined:
            if any(a != "not_answered" for a in answers.values()):
                c.add("answers", "Leave the answers empty when the person declined")
        else:
            unknown = set(answers) - set(questions)
            if unknown:
                c.add("answers", "Answer the current questions only")
            for qid, answer in answers.items():
                if qid in questions and answer not in vocab.FEEDBACK_ANSWERS:
                    c.add(f"answer_{qid}", "Choose an answer from the list")
            given = [a for q, a in answers.items() if q in questions and a != "not_answered"]
            if not given and not (data.comments or "").strip():
                c.add(
                    "answers",
                    "Record at least one answer or comment, or that the person "
                    "declined to give feedback",
                )
        c.text("comments", data.comments, required=False, what="comments in their own words")
        c.raise_if_any()

        response = FeedbackResponse(
            enquiry_id=enquiry.id,
            respondent=data.respondent,
            asked_by=data.asked_by,
            method=data.method,
            given_on=given_on,
            declined=data.declined,
            comments=(data.comments or "").strip() or None,
            days_after_conclusion=(given_on - enquiry.concluded_on).days,
            recorded_by_id=actor.id,
            answers=[]
            if data.declined
            else [
                FeedbackAnswer(question_version_id=qid, answer=answers.get(qid, "not_answered"))
                for qid in questions
            ],
        )
        session.add(response)
        session.flush()
        touch(enquiry)
        audit_case(
            session,
            actor,
            enquiry,
            "feedback_recorded",
            {
                "response": response.id,
                "respondent": data.respondent,
                "asked_by": data.asked_by,
                "declined": data.declined,
                "days_after_conclusion": response.days_after_conclusion,
            },
        )
        session.flush()
        refresh_timeliness(session, [enquiry.id])
        return enquiry.version, feedback_window_warning(enquiry.concluded_on, given_on, window)
