"""Conversations with the person or their representative, and the outcome changes agreed in
them, which flow into the outcome history in the same save."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine

from db.models import Conversation
from msp import vocab
from msp.auth import CurrentUser
from msp.casework import audit_case, case_write, load_case, touch
from msp.outcomes import (
    NewOutcome,
    OutcomeChange,
    add_validated_outcomes,
    apply_change,
    check_change,
    check_new_outcome,
    enquiry_conversation_ids,
)
from msp.timeliness import refresh as refresh_timeliness
from msp.validation import Checker


@dataclass
class NewConversation:
    held_on: dt.date | None = None
    with_person: bool = True
    representative_kind: str | None = None
    method: str | None = None
    stage: str | None = None
    summary: str | None = None
    next_steps: str | None = None
    outcome_ids: list[int] = field(default_factory=list)
    changes: list[OutcomeChange] = field(default_factory=list)
    new_outcomes: list[NewOutcome] = field(default_factory=list)


def log_conversation(
    engine: Engine,
    actor: CurrentUser,
    public_id: str,
    data: NewConversation,
    *,
    expected_version: int,
    today: dt.date,
) -> int:
    """Record a conversation and any outcome changes agreed in it; returns the enquiry's
    new version."""
    c = Checker()
    with case_write(engine) as session:
        enquiry = load_case(session, actor, public_id, expected_version=expected_version)
        held_on = c.date(
            "held_on",
            data.held_on,
            required=True,
            what="the date of the conversation",
            today=today,
            not_before=(
                enquiry.concern_received_on,
                "The conversation cannot be before the concern was received",
            ),
        )
        if not isinstance(data.with_person, bool):
            c.add("with_person", "Choose whether the person took part")
        c.code(
            "representative_kind",
            data.representative_kind,
            vocab.REPRESENTATIVE_KINDS,
            required=False,
            what="the kind of representative",
        )
        if data.with_person is False and not data.representative_kind:
            c.add(
                "with_whom",
                "Choose who the conversation was with: the person, a representative, or both",
            )
        c.code(
            "method",
            data.method,
            vocab.CONTACT_METHODS,
            required=True,
            what="how the conversation took place",
        )
        c.code(
            "stage",
            data.stage,
            vocab.CONVERSATION_STAGES,
            required=True,
            what="the stage of the enquiry",
        )
        if data.stage == "after" and enquiry.status != "concluded":
            c.add("stage", "Choose another stage: the enquiry has not been concluded")
        if (
            data.stage in {"before_concern", "start", "during"}
            and enquiry.status == "concluded"
            and held_on
            and held_on > enquiry.concluded_on
        ):
            c.add(
                "stage",
                "Choose “At conclusion” or “After conclusion”: the enquiry has been concluded",
            )
        c.text("summary", data.summary, required=True, what="a summary of the conversation")
        c.text("next_steps", data.next_steps, required=False, what="the agreed next steps")

        outcomes = {o.id: o for o in enquiry.outcomes}
        discussed = list(dict.fromkeys(data.outcome_ids))
        if any(i not in outcomes for i in discussed):
            c.add("outcome_ids", "Choose outcomes of this enquiry")
        if (data.changes or data.new_outcomes) and enquiry.status == "concluded":
            c.add("changes", "This enquiry has been concluded: its outcomes can no longer change")
        changed_ids = [ch.outcome_id for ch in data.changes]
        if len(set(changed_ids)) != len(changed_ids):
            c.add("changes", "Record one change per outcome in a conversation")
        conversation_ids = enquiry_conversation_ids(session, enquiry)
        for i, change in enumerate(data.changes):
            check_change(
                c, f"changes.{i}.", change, outcomes.get(change.outcome_id), conversation_ids
            )
            if change.outcome_id not in discussed:
                discussed.append(change.outcome_id)
        for i, item in enumerate(data.new_outcomes):
            check_new_outcome(c, f"new_outcomes.{i}.", item, enquiry, today)
        c.raise_if_any()

        conversation = Conversation(
            enquiry=enquiry,
            held_on=held_on,
            with_person=data.with_person,
            representative_kind=data.representative_kind or None,
            method=data.method,
            stage=data.stage,
            summary=data.summary.strip(),
            next_steps=(data.next_steps or "").strip() or None,
            recorded_by_id=actor.id,
            outcomes_discussed=[outcomes[i] for i in discussed if i in outcomes],
        )
        session.add(conversation)
        session.flush()
        changes = {}
        for change in data.changes:
            changes[str(change.outcome_id)] = apply_change(
                outcomes[change.outcome_id],
                change,
                held_on,
                actor,
                conversation_id=conversation.id,
            )
        added = add_validated_outcomes(
            session, enquiry, data.new_outcomes, actor, conversation_id=conversation.id
        )
        conversation.outcomes_discussed.extend(added)
        if added and enquiry.msp_asked is None:
            enquiry.msp_asked = "asked_expressed"
        touch(enquiry)
        audit_case(
            session,
            actor,
            enquiry,
            "conversation_logged",
            {
                "conversation": conversation.id,
                "stage": data.stage,
                "method": data.method,
                "outcomes_discussed": sorted(o.id for o in conversation.outcomes_discussed),
                "outcome_changes": changes,
                "outcomes_added": [o.id for o in added],
                "summary": "changed",
            },
        )
        session.flush()
        refresh_timeliness(session, [enquiry.id])
        return enquiry.version
