"""The audit trail: one append-only row per thing done (the database refuses edits)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from db.models import AuditEvent, utcnow
from msp.errors import NotAllowed


def record(
    session: Session,
    *,
    actor_id: int | None,
    actor_username: str | None,
    action: str,
    record_type: str | None = None,
    record_id: str | int | None = None,
    team_id: int | None = None,
    details: dict[str, Any] | None = None,
    occurred_at: dt.datetime | None = None,
) -> None:
    """Add an audit event to the session's unit of work (it commits with the change it
    describes, or not at all). `details` must hold field names and coded values only, never
    free text or passwords."""
    session.add(
        AuditEvent(
            user_id=actor_id,
            username=actor_username,
            action=action,
            record_type=record_type,
            record_id=None if record_id is None else str(record_id),
            team_id=team_id,
            details=details,
            occurred_at=occurred_at or utcnow(),
        )
    )


UK = ZoneInfo("Europe/London")  # the audit screen's dates are UK calendar days
AUDIT_READERS = ("administrator", "supervisor")
EXPORT_ACTION = "figures_exported"
AUDIT_EXPORT_ACTION = "audit_exported"


def record_export(
    engine: Engine, actor, what: str, *, suppressed: bool, details: dict[str, Any] | None = None
) -> None:
    """An export of figures (a file, a chart image, the national tables): what, whether
    small numbers were suppressed, and the filters or options in `details` (coded values)."""
    from db.engine import unit_of_work

    with unit_of_work(engine) as session:
        record(
            session,
            actor_id=actor.id,
            actor_username=actor.username,
            action=EXPORT_ACTION,
            record_type="figures",
            details={"what": what, "suppressed": suppressed, **(details or {})},
        )


def record_audit_export(engine: Engine, actor, filters: dict[str, str], rows: int) -> None:
    """An export of the audit trail is itself audited: which filters, how many rows."""
    from db.engine import unit_of_work

    if actor.role not in AUDIT_READERS:
        raise NotAllowed("Only administrators and supervisors can read the audit trail")
    with unit_of_work(engine) as session:
        record(
            session,
            actor_id=actor.id,
            actor_username=actor.username,
            action=AUDIT_EXPORT_ACTION,
            record_type="audit_events",
            details={"format": "csv", "filters": filters, "rows": rows},
        )


# --- Reading the trail (the Audit screen) ----------------------------------------------------


@dataclass
class AuditFilters:
    username: str | None = None
    action: str | None = None
    record_id: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    limit: int = 500


@dataclass(frozen=True)
class AuditRow:
    occurred_at: dt.datetime
    username: str | None
    action: str
    record_type: str | None
    record_id: str | None
    team_id: int | None
    details: str


def _uk_midnight(day: dt.date) -> dt.datetime:
    """The start of a UK calendar day (midnight in London, GMT or BST), in UTC as stored."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=UK).astimezone(dt.UTC)


def list_events(engine: Engine, actor, filters: AuditFilters) -> list[AuditRow]:
    """Audit events, newest first: administrators see all; supervisors the events about
    their teams' records and their teams' members. Reading the trail is itself audited."""
    from db.engine import unit_of_work
    from db.models import team_memberships

    if actor.role == "administrator":
        scope = sa.true()
    elif actor.role == "supervisor":
        members = sa.select(team_memberships.c.user_id).where(
            team_memberships.c.team_id.in_(actor.team_ids)
        )
        scope = sa.or_(AuditEvent.team_id.in_(actor.team_ids), AuditEvent.user_id.in_(members))
    else:
        raise NotAllowed("Only administrators and supervisors can read the audit trail")
    query = sa.select(AuditEvent).where(scope)
    if filters.username:
        query = query.where(AuditEvent.username == filters.username.strip().lower())
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.record_id:
        query = query.where(AuditEvent.record_id == filters.record_id.strip())
    if filters.date_from:
        query = query.where(AuditEvent.occurred_at >= _uk_midnight(filters.date_from))
    if filters.date_to:
        end = _uk_midnight(filters.date_to + dt.timedelta(days=1))
        query = query.where(AuditEvent.occurred_at < end)
    query = query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(
        max(1, min(filters.limit, 10_000))
    )
    with unit_of_work(engine) as session:
        events = session.scalars(query).all()
        rows = [
            AuditRow(
                e.occurred_at,
                e.username,
                e.action,
                e.record_type,
                e.record_id,
                e.team_id,
                json.dumps(e.details, sort_keys=True) if e.details else "",
            )
            for e in events
        ]
        record(
            session,
            actor_id=actor.id,
            actor_username=actor.username,
            action="audit_viewed",
            details={"filters": {k: str(v) for k, v in filters.__dict__.items() if v}},
        )
        return rows


def actions(engine: Engine) -> list[str]:
    from db.engine import unit_of_work

    with unit_of_work(engine) as session:
        return list(
            session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action))
        )
