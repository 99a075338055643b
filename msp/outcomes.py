"""Desired outcomes: adding them in the person's own words, rewording, withdrawing, assessing
achievability, and the national answer on being asked.

An outcome's row holds its current state; every change also adds a dated version with its
reason, so earlier versions stay visible and history is never rewritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.models import Conversation, DesiredOutcome, Enquiry, OutcomeVersion
from msp import vocab
from msp.auth import CurrentUser
from msp.casework import audit_case, case_write, load_case, touch
from msp.validation import MAX_SHORT_TEXT, Checker

OWN_WORDS_MAX = 1000
NOT_OUTCOMES_HELP = (
    "Desired outcomes are what the person wants to happen, in their words. Process "
    "conclusions such as “allegation substantiated” or “increased monitoring” are not the "
    "person's outcomes."
)


@dataclass
class NewOutcome:
    category: str | None = None
    own_words: str | None = None
    expressed_by: str | None = "person"
    expressed_on: dt.date | None = None


@dataclass
class OutcomeChange:
    """A change to one outcome: 'reworded' (new words), 'withdrawn', or 'achievability'."""

    outcome_id: int
    kind: str
    own_words: str | None = None
    achievability: str | None = None
    explanation: str | None = None
    explained_in_id: int | None = None
    note: str | None = None


CHANGE_KINDS = ("reworded", "withdrawn", "achievability")


def new_version(
    outcome: DesiredOutcome,
    reason: str,
    effective_on: dt.date,
    actor: CurrentUser,
    *,
    note: str | None = None,
    conversation_id: int | None = None,
) -> OutcomeVersion:
    """Snapshot the outcome's current state as its next version."""
    version = OutcomeVersion(
        version_no=len(outcome.versions) + 1,
        reason=reason,
        change_note=note,
        effective_on=effective_on,
        conversation_id=conversation_id,
        category=outcome.category,
        own_words=outcome.own_words,
        expressed_by=outcome.expressed_by,
        status=outcome.status,
        achievability=outcome.achievability,
        achievability_explanation=outcome.achievability_explanation,
        rating=outcome.rating,
        recorded_by_id=actor.id,
    )
    outcome.versions.append(version)
    outcome.current_version = version.version_no
    return version


# --- Validation (shared with conversations, which can carry outcome changes) ----------------


def check_new_outcome(
    c: Checker, prefix: str, item: NewOutcome, enquiry: Enquiry, today: dt.date
) -> None:
    c.code(
        f"{prefix}category",
        item.category,
        vocab.STANDARD_OUTCOMES,
        required=True,
        what="the kind of outcome",
    )
    words_needed = "the outcome in the person's own words"
    if item.category == vocab.SOMETHING_ELSE:
        words_needed = "what the person wants, in their own words (needed for “Something else”)"
    c.text(
        f"{prefix}own_words",
        item.own_words,
        required=True,
        what=words_needed,
        max_length=OWN_WORDS_MAX,
    )
    c.code(
        f"{prefix}expressed_by",
        item.expressed_by,
        vocab.SPEAKERS,
        required=True,
        what="who expressed it",
    )
    c.date(
        f"{prefix}expressed_on",
        item.expressed_on,
        required=True,
        what="the date it was expressed",
        today=today,
        not_before=(
            enquiry.concern_received_on,
            "The date it was expressed must be on or after the concern was received",
        ),
    )


def check_change(
    c: Checker,
    prefix: str,
    change: OutcomeChange,
    outcome: DesiredOutcome | None,
    conversation_ids: set[int],
) -> None:
    """`conversation_ids`: this enquiry's conversations (an explanation must link to one)."""
    if outcome is None:
        c.add(f"{prefix}outcome", "Choose one of this enquiry's outcomes")
        return
    if change.kind not in CHANGE_KINDS:
        c.add(f"{prefix}kind", "Choose reword, withdraw or achievability")
        return
    if outcome.status == "withdrawn":
        c.add(f"{prefix}outcome", "This outcome has been withdrawn and cannot be changed")
        return
    if change.kind == "reworded":
        words = c.text(
            f"{prefix}own_words",
            change.own_words,
            required=True,
            what="the new wording in the person's own words",
            max_length=OWN_WORDS_MAX,
        )
        if words is not None and words == outcome.own_words:
            c.add(f"{prefix}own_words", "Enter the new wording: it is the same as before")
        c.text(
            f"{prefix}note",
            change.note,
            required=True,
            what="why it was reworded",
            max_length=MAX_SHORT_TEXT,
        )
    elif change.kind == "withdrawn":
        c.text(
            f"{prefix}note",
            change.note,
            required=True,
            what="why it was withdrawn",
            max_length=MAX_SHORT_TEXT,
        )
    else:
        c.code(
            f"{prefix}achievability",
            change.achievability,
            vocab.ACHIEVABILITY,
            required=True,
            what="how achievable it is",
        )
        needs_explanation = change.achievability in {"not_achievable", "partly"}
        c.text(
            f"{prefix}explanation",
            change.explanation,
            required=needs_explanation,
            what="why it may not be achievable",
            max_length=MAX_SHORT_TEXT * 5,
        )
        if change.explained_in_id is not None and change.explained_in_id not in conversation_ids:
            c.add(f"{prefix}explained_in_id", "Choose a conversation of this enquiry")


def apply_change(
    outcome: DesiredOutcome,
    change: OutcomeChange,
    effective_on: dt.date,
    actor: CurrentUser,
    *,
    conversation_id: int | None = None,
) -> dict:
    """Apply a validated change and add its version; returns what changed, for the audit."""
    note = (change.note or "").strip() or None
    if change.kind == "reworded":
        outcome.own_words = change.own_words.strip()
        detail = {"own_words": "changed"}
    elif change.kind == "withdrawn":
        outcome.status = "withdrawn"
        detail = {"status": ["active", "withdrawn"]}
    else:
        old = outcome.achievability
        outcome.achievability = change.achievability
        outcome.achievability_explanation = (change.explanation or "").strip() or None
        explained_in = conversation_id if conversation_id is not None else change.explained_in_id
        if explained_in is not None:
            outcome.explained_in_id = explained_in
        detail = {"achievability": [old, change.achievability]}
        if explained_in is not None:
            detail["explained_in"] = explained_in
    new_version(
        outcome, change.kind, effective_on, actor, note=note, conversation_id=conversation_id
    )
    return detail


def enquiry_conversation_ids(session: Session, enquiry: Enquiry) -> set[int]:
    return set(
        session.scalars(sa.select(Conversation.id).where(Conversation.enquiry_id == enquiry.id))
    )


def _refuse_if_concluded(c: Checker, enquiry: Enquiry, field: str) -> None:
    if enquiry.status == "concluded":
        c.add(field, "This enquiry has been concluded: its outcomes can no longer change")
        c.raise_if_any()


# --- Services ------------------------------------------------------------------------------


def add_outcomes(
    engine: Engine,
    actor: CurrentUser,
    public_id: str,
    items: list[NewOutcome],
    *,
    expected_version: int,
    today: dt.date,
) -> int:
    """Add one or more desired outcomes; returns the enquiry's new version."""
    c = Checker()
    with case_write(engine) as session:
        enquiry = load_case(session, actor, public_id, expected_version=expected_version)
        _refuse_if_concluded(c, enquiry, "outcomes")
        if not items:
            c.add("outcomes", "Add at least one outcome")
        for i, item in enumerate(items):
            check_new_outcome(c, f"outcomes.{i}.", item, enquiry, today)
        c.raise_if_any()
        added = add_validated_outcomes(session, enquiry, items, actor)
        if enquiry.msp_asked is None:
            enquiry.msp_asked = "asked_expressed"
        touch(enquiry)
        audit_case(
            session,
            actor,
            enquiry,
            "outcomes_added",
            {"categories": [o.category for o in added], "own_words": "changed"},
        )
        session.flush()
        return enquiry.version


def add_validated_outcomes(
    session: Session,
    enquiry: Enquiry,
    items: list[NewOutcome],
    actor: CurrentUser,
    *,
    conversation_id: int | None = None,
) -> list[DesiredOutcome]:
    position = max((o.position for o in enquiry.outcomes), default=0)
    added = []
    for item in items:
        position += 1
        outcome = DesiredOutcome(
            enquiry=enquiry,
            position=position,
            category=item.category,
            own_words=item.own_words.strip(),
            expressed_by=item.expressed_by,
            expressed_on=item.expressed_on,
            status="active",
        )
        session.add(outcome)
        new_version(outcome, "added", item.expressed_on, actor, conversation_id=conversation_id)
        added.append(outcome)
    session.flush()
    return added


def change_outcome(
    engine: Engine,
    actor: CurrentUser,
    public_id: str,
    change: OutcomeChange,
    *,
    effective_on: dt.date | None,
    expected_version: int,
    today: dt.date,
) -> int:
    """Reword, withdraw or assess the achievability of one outcome (a new version each time);
    returns the enquiry's new version."""
    c = Checker()
    with case_write(engine) as session:
        enquiry = load_case(session, actor, public_id, expected_version=expected_version)
        _refuse_if_concluded(c, enquiry, "outcome")
        outcome = next((o for o in enquiry.outcomes if o.id == change.outcome_id), None)
        check_change(c, "", change, outcome, enquiry_conversation_ids(session, enquiry))
        c.date(
            "effective_on",
            effective_on,
            required=True,
            what="the date of the change",
            today=today,
            not_before=(
                outcome.expressed_on if outcome else None,
                "The change cannot be before the outcome was expressed",
            ),
        )
        c.raise_if_any()
        detail = apply_change(outcome, change, effective_on, actor)
        touch(enquiry)
        audit_case(
            session,
            actor,
            enquiry,
            f"outcome_{change.kind}",
            {"changed": detail},
            record_type="desired_outcome",
            record_id=outcome.id,
        )
        session.flush()
        return enquiry.version


def record_msp_asked(
    engine: Engine,
    actor: CurrentUser,
    public_id: str,
    answer: str | None,
    *,
    expected_version: int,
) -> int:
    """The national answer on being asked about desired outcomes (SG4a)."""
    c = Checker()
    with case_write(engine) as session:
        enquiry = load_case(session, actor, public_id, expected_version=expected_version)
        _refuse_if_concluded(c, enquiry, "msp_asked")
        c.code(
            "msp_asked",
            answer,
            vocab.MSP_ASKED,
            required=True,
            what="whether the person was asked about their desired outcomes",
        )
        active = sum(1 for o in enquiry.outcomes if o.status == "active")
        if answer == "asked_expressed" and not active:
            c.add("msp_asked", "Add the outcomes the person expressed first")
        if answer in vocab.MSP_ASKED and answer != "asked_expressed" and active:
            c.add(
                "msp_asked",
                "This enquiry has outcomes the person expressed: withdraw them "
                "first, or choose “Yes they were asked and outcomes were expressed”",
            )
        c.raise_if_any()
        old = enquiry.msp_asked
        enquiry.msp_asked = answer
        touch(enquiry)
        audit_case(
            session, actor, enquiry, "msp_asked_recorded", {"changed": {"msp_asked": [old, answer]}}
        )
        session.flush()
        return enquiry.version
