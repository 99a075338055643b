"""Records that were entered in error (hidden, never destroyed by everyday use) and the
deliberate retention job that permanently removes old concluded enquiries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from db.engine import unit_of_work
from db.models import (
    Conversation,
    DesiredOutcome,
    Enquiry,
    FeedbackResponse,
    OutcomeVersion,
    Person,
    SupervisionNote,
    Team,
    User,
    utcnow,
)
from msp import audit
from msp.auth import CurrentUser
from msp.casework import audit_case, case_write, load_case, touch
from msp.errors import NotAllowed, NotFound
from msp.validation import MAX_SHORT_TEXT, Checker

RESTORE_ROLES = frozenset({"supervisor", "administrator"})


@dataclass(frozen=True)
class RemovedEnquiry:
    public_id: str
    case_reference: str
    team_name: str
    deleted_on: dt.date | None  # None only for a record removed outside the app
    deleted_by: str | None
    reason: str


def mark_entered_in_error(
    engine: Engine, actor: CurrentUser, public_id: str, reason: str, *, expected_version: int
) -> None:
    """Hide an enquiry entered in error from every list and count (it is kept, and can be
    restored by a supervisor or administrator)."""
    c = Checker()
    with case_write(engine) as session:
        enquiry = load_case(session, actor, public_id, expected_version=expected_version)
        c.text(
            "reason",
            reason,
            required=True,
            what="why this was entered in error",
            max_length=MAX_SHORT_TEXT,
        )
        c.raise_if_any()
        enquiry.is_deleted = True
        enquiry.deleted_reason = reason.strip()
        enquiry.deleted_at = utcnow()
        enquiry.deleted_by_id = actor.id
        touch(enquiry)
        audit_case(session, actor, enquiry, "enquiry_soft_deleted", {"reason": "changed"})


def _restorable_teams(actor: CurrentUser) -> sa.ColumnElement[bool]:
    if actor.role == "administrator":
        return sa.true()
    if actor.role == "supervisor":
        return Enquiry.team_id.in_(actor.team_ids)
    raise NotAllowed("Only supervisors and administrators can see or restore removed records")


def list_removed(engine: Engine, actor: CurrentUser) -> list[RemovedEnquiry]:
    where = _restorable_teams(actor)
    with unit_of_work(engine) as session:
        rows = session.execute(
            sa.select(
                Enquiry.public_id,
                Person.case_reference,
                Team.name,
                Enquiry.deleted_at,
                User.display_name,
                Enquiry.deleted_reason,
            )
            .join(Person, Person.id == Enquiry.person_id)
            .join(Team, Team.id == Enquiry.team_id)
            .outerjoin(User, User.id == Enquiry.deleted_by_id)
            .where(Enquiry.is_deleted.is_(True), where)
            .order_by(Enquiry.deleted_at.desc().nulls_last(), Enquiry.id)
        ).all()
        return [
            RemovedEnquiry(r[0], r[1], r[2], r[3].date() if r[3] else None, r[4], r[5] or "")
            for r in rows
        ]


def restore(engine: Engine, actor: CurrentUser, public_id: str) -> None:
    where = _restorable_teams(actor)
    with case_write(engine) as session:
        enquiry = session.scalar(
            sa.select(Enquiry).where(
                Enquiry.public_id == public_id, Enquiry.is_deleted.is_(True), where
            )
        )
        if enquiry is None:
            raise NotFound("That removed record does not exist or is not one you can restore")
        enquiry.is_deleted = False
        enquiry.deleted_reason = None
        enquiry.deleted_at = None
        enquiry.deleted_by_id = None
        touch(enquiry)
        audit_case(session, actor, enquiry, "enquiry_restored")


@dataclass(frozen=True)
class RetentionCounts:
    enquiries: int
    outcomes: int
    outcome_versions: int
    conversations: int
    feedback_responses: int
    supervision_notes: int
    people: int

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


def apply_retention(
    engine: Engine, *, concluded_before: dt.date, dry_run: bool, operator: str = "command line"
) -> RetentionCounts:
    """Permanently remove enquiries concluded before the date, with their outcomes,
    conversations, feedback and supervision notes, and people left with no enquiry.
    Leaves one audit event with counts only. With `dry_run`, counts and changes nothing."""
    with unit_of_work(engine) as session:
        old = sa.select(Enquiry.id).where(
            Enquiry.concluded_on.is_not(None), Enquiry.concluded_on < concluded_before
        )
        old_ids = old.scalar_subquery()

        def count(model, column) -> int:
            return session.scalar(
                sa.select(sa.func.count()).select_from(model).where(column.in_(old_ids))
            )

        people_left = (
            sa.select(sa.func.count(Person.id))
            .where(Person.id.in_(sa.select(Enquiry.person_id).where(Enquiry.id.in_(old_ids))))
            .where(~Person.id.in_(sa.select(Enquiry.person_id).where(~Enquiry.id.in_(old_ids))))
        )
        counts = RetentionCounts(
            enquiries=session.scalar(sa.select(sa.func.count()).select_from(old.subquery())),
            outcomes=count(DesiredOutcome, DesiredOutcome.enquiry_id),
            outcome_versions=session.scalar(
                sa.select(sa.func.count(OutcomeVersion.id))
                .join(DesiredOutcome, DesiredOutcome.id == OutcomeVersion.outcome_id)
                .where(DesiredOutcome.enquiry_id.in_(old_ids))
            ),
            conversations=count(Conversation, Conversation.enquiry_id),
            feedback_responses=count(FeedbackResponse, FeedbackResponse.enquiry_id),
            supervision_notes=count(SupervisionNote, SupervisionNote.enquiry_id),
            people=session.scalar(people_left),
        )
        if dry_run:
            return counts
        person_ids = list(
            session.scalars(sa.select(Enquiry.person_id).where(Enquiry.id.in_(old_ids)).distinct())
        )
        ids = list(session.scalars(old))
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            session.execute(sa.delete(Enquiry).where(Enquiry.id.in_(chunk)))
        for start in range(0, len(person_ids), 500):
            chunk = person_ids[start : start + 500]
            session.execute(
                sa.delete(Person).where(
                    Person.id.in_(chunk),
                    ~sa.exists().where(Enquiry.person_id == Person.id),
                )
            )
        audit.record(
            session,
            actor_id=None,
            actor_username=operator,
            action="retention_applied",
            details={"concluded_before": concluded_before.isoformat(), **counts.as_dict()},
        )
        return counts
