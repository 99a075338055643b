"""Editing the feedback question bank (administrators): add a question, reword it as a new
version (answers already given keep the wording they were given under), retire it."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import selectinload

from db.engine import unit_of_work
from db.models import FeedbackQuestion, FeedbackQuestionVersion
from msp import audit
from msp.access import require_administrator
from msp.auth import CurrentUser
from msp.errors import ValidationError
from msp.validation import Checker

WORDING_MAX = 300


@dataclass(frozen=True)
class BankQuestion:
    id: int
    key: str
    position: int
    is_active: bool
    version_no: int
    person_wording: str
    representative_wording: str


def list_questions(engine: Engine) -> list[BankQuestion]:
    with unit_of_work(engine) as session:
        questions = session.scalars(
            sa.select(FeedbackQuestion)
            .options(selectinload(FeedbackQuestion.versions))
            .order_by(FeedbackQuestion.is_active.desc(), FeedbackQuestion.position)
        ).all()
        return [
            BankQuestion(
                q.id,
                q.key,
                q.position,
                q.is_active,
                q.versions[-1].version_no,
                q.versions[-1].person_wording,
                q.versions[-1].representative_wording,
            )
            for q in questions
        ]


def _check_wordings(c: Checker, person: str | None, representative: str | None) -> None:
    c.text(
        "person_wording",
        person,
        required=True,
        what="the question as asked of the person",
        max_length=WORDING_MAX,
    )
    c.text(
        "representative_wording",
        representative,
        required=True,
        what="the question as asked of a representative",
        max_length=WORDING_MAX,
    )


def _audit(session, actor: CurrentUser, action: str, question_id: int, details=None) -> None:
    audit.record(
        session,
        actor_id=actor.id,
        actor_username=actor.username,
        action=action,
        record_type="feedback_question",
        record_id=question_id,
        details=details,
    )


def add_question(
    engine: Engine, actor: CurrentUser, person_wording: str, representative_wording: str
) -> int:
    require_administrator(actor)
    c = Checker()
    _check_wordings(c, person_wording, representative_wording)
    c.raise_if_any()
    with unit_of_work(engine) as session:
        position = (session.scalar(sa.select(sa.func.max(FeedbackQuestion.position))) or 0) + 1
        count = session.scalar(sa.select(sa.func.count(FeedbackQuestion.id))) or 0
        question = FeedbackQuestion(key=f"local_{count + 1}", position=position, is_active=True)
        question.versions.append(
            FeedbackQuestionVersion(
                version_no=1,
                person_wording=person_wording.strip(),
                representative_wording=representative_wording.strip(),
            )
        )
        session.add(question)
        session.flush()
        _audit(session, actor, "question_added", question.id)
        return question.id


def reword_question(
    engine: Engine,
    actor: CurrentUser,
    question_id: int,
    person_wording: str,
    representative_wording: str,
) -> int:
    """A new version of the wording; returns its version number."""
    require_administrator(actor)
    c = Checker()
    _check_wordings(c, person_wording, representative_wording)
    c.raise_if_any()
    with unit_of_work(engine) as session:
        question = session.get(FeedbackQuestion, question_id)
        if question is None or not question.is_active:
            raise ValidationError({"question": "Choose a question that is in use"})
        latest = question.versions[-1]
        if (latest.person_wording, latest.representative_wording) == (
            person_wording.strip(),
            representative_wording.strip(),
        ):
            raise ValidationError({"person_wording": "Enter the new wording: it is the same"})
        version = FeedbackQuestionVersion(
            version_no=latest.version_no + 1,
            person_wording=person_wording.strip(),
            representative_wording=representative_wording.strip(),
        )
        question.versions.append(version)
        _audit(
            session,
            actor,
            "question_reworded",
            question.id,
            {"version": [latest.version_no, version.version_no]},
        )
        return version.version_no


def retire_question(engine: Engine, actor: CurrentUser, question_id: int) -> None:
    require_administrator(actor)
    with unit_of_work(engine) as session:
        question = session.get(FeedbackQuestion, question_id)
        if question is None or not question.is_active:
            raise ValidationError({"question": "Choose a question that is in use"})
        active = session.scalar(
            sa.select(sa.func.count(FeedbackQuestion.id)).where(FeedbackQuestion.is_active)
        )
        if active <= 1:
            raise ValidationError({"question": "Keep at least one question in use"})
        question.is_active = False
        _audit(session, actor, "question_retired", question.id)
