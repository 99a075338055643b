"""The audit trail: one append-only row per thing done (the database refuses edits)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from db.models import AuditEvent


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
        )
    )
