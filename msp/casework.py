"""What every service that writes to an enquiry shares: loading it for the acting user,
refusing a stale save, bumping the enquiry's version, and describing a change for the audit
trail without copying free text."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db.engine import unit_of_work
from db.models import Enquiry, utcnow
from msp import audit
from msp.access import require_case_access, require_case_role
from msp.auth import CurrentUser
from msp.errors import ConcurrentEdit, NotFound

CONCURRENT_MESSAGE = (
    "Someone else saved this enquiry after you opened it. Your changes have not been saved: "
    "they are still on the screen. Reload the enquiry to see the latest version, then apply "
    "your changes again."
)


@contextmanager
def case_write(engine: Engine) -> Iterator[Session]:
    """A unit of work in which a version clash becomes a polite ConcurrentEdit."""
    try:
        with unit_of_work(engine) as session:
            yield session
    except StaleDataError:
        raise ConcurrentEdit(CONCURRENT_MESSAGE) from None


def load_case(
    session: Session,
    actor: CurrentUser,
    public_id: str,
    *,
    expected_version: int | None = None,
    for_update: bool = False,
) -> Enquiry:
    """The enquiry, if this user may work on it; ConcurrentEdit when it changed since
    `expected_version` was read."""
    require_case_role(actor)
    if not isinstance(public_id, str) or not public_id:
        raise NotFound("No enquiry was chosen")
    query = sa.select(Enquiry).where(Enquiry.public_id == public_id)
    if for_update:
        query = query.with_for_update()
    enquiry = session.scalar(query)
    if enquiry is None or enquiry.is_deleted:
        raise NotFound("That enquiry does not exist or has been removed")
    require_case_access(actor, enquiry.team_id)
    if expected_version is not None and enquiry.version != expected_version:
        raise ConcurrentEdit(CONCURRENT_MESSAGE)
    return enquiry


def touch(enquiry: Enquiry) -> None:
    """Mark the enquiry changed, so its version goes up even when only its parts changed."""
    enquiry.updated_at = utcnow()


def describe_change(
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    *,
    coded: frozenset[str] | set[str],
) -> dict[str, Any]:
    """Field names that changed; old -> new only for coded fields (and dates, numbers and
    flags); free text is recorded as "changed", never copied."""
    changed: dict[str, Any] = {}
    for name in after:
        old, new = before.get(name), after[name]
        if old == new:
            continue
        if name in coded or isinstance(new, bool | int | dt.date) or new is None:
            changed[name] = [_plain(old), _plain(new)]
        else:
            changed[name] = "changed"
    return changed


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return sorted(_plain(v) for v in value)
    return value


def audit_case(
    session: Session,
    actor: CurrentUser,
    enquiry: Enquiry,
    action: str,
    details: dict[str, Any] | None = None,
    *,
    record_type: str = "enquiry",
    record_id: str | int | None = None,
) -> None:
    if enquiry.id is None:
        session.flush()
    audit.record(
        session,
        actor_id=actor.id,
        actor_username=actor.username,
        action=action,
        record_type=record_type,
        record_id=enquiry.public_id if record_id is None else record_id,
        team_id=enquiry.team_id,
        details=details,
    )
