"""Each enquiry's timeliness, stored on the enquiry so the dashboard can count it from the
reporting index instead of reading every conversation:

- `first_conversation_working_days`: working days from the start to the first conversation
  on or after it (NULL while there is none);
- `longest_gap_working_days`: the longest run of working days without a conversation, from
  the start, between conversations, to the conclusion (NULL while nothing can be measured);
- `first_feedback_days`: days from the conclusion to the first feedback (NULL while none).

One set-based implementation, run by the services for the enquiry they change, by the demo
generator and importer for everything they write, and by the migration that added the
columns. Working days are Monday to Friday, as in msp.periods.working_days_between.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from msp.metrics.sql import weekdays_through

E = sa.table(
    "enquiries",
    sa.column("id", sa.Integer),
    sa.column("started_on", sa.Date),
    sa.column("concluded_on", sa.Date),
    sa.column("first_conversation_working_days", sa.Integer),
    sa.column("longest_gap_working_days", sa.Integer),
    sa.column("first_feedback_days", sa.Integer),
)
C = sa.table(
    "conversations",
    sa.column("enquiry_id", sa.Integer),
    sa.column("held_on", sa.Date),
)
F = sa.table(
    "feedback_responses",
    sa.column("enquiry_id", sa.Integer),
    sa.column("days_after_conclusion", sa.Integer),
)


def refresh(bind: Session | Connection, enquiry_ids: Sequence[int] | None = None) -> None:
    """Recompute the three timeliness columns for these enquiries (None: every enquiry)."""
    if enquiry_ids is not None and not enquiry_ids:
        return
    in_scope = E.c.id.in_(list(enquiry_ids)) if enquiry_ids is not None else sa.true()

    first_on = (
        sa.select(sa.func.min(C.c.held_on))
        .where(C.c.enquiry_id == E.c.id, C.c.held_on >= E.c.started_on)
        .scalar_subquery()
    )
    first_feedback = (
        sa.select(sa.func.min(F.c.days_after_conclusion))
        .where(F.c.enquiry_id == E.c.id)
        .scalar_subquery()
    )
    bind.execute(
        sa.update(E)
        .where(in_scope)
        .values(
            first_conversation_working_days=weekdays_through(first_on)
            - weekdays_through(E.c.started_on),
            first_feedback_days=first_feedback,
            longest_gap_working_days=None,
        )
    )

    scope = (
        sa.select(E.c.id.label("enquiry_id"), E.c.started_on, E.c.concluded_on)
        .where(in_scope)
        .cte("timeliness_scope")
    )
    held = sa.select(scope.c.enquiry_id, C.c.held_on.label("day")).join(
        C,
        sa.and_(
            C.c.enquiry_id == scope.c.enquiry_id,
            C.c.held_on >= scope.c.started_on,
            sa.or_(scope.c.concluded_on.is_(None), C.c.held_on <= scope.c.concluded_on),
        ),
    )
    starts = sa.select(scope.c.enquiry_id, scope.c.started_on.label("day"))
    ends = sa.select(scope.c.enquiry_id, scope.c.concluded_on.label("day")).where(
        scope.c.concluded_on.is_not(None)
    )
    points = sa.union_all(held, starts, ends).subquery("timeliness_points")
    through = weekdays_through(points.c.day)
    gaps = sa.select(
        points.c.enquiry_id,
        (
            through
            - sa.func.lag(through).over(partition_by=points.c.enquiry_id, order_by=points.c.day)
        ).label("gap"),
    ).subquery("timeliness_gaps")
    longest = (
        sa.select(gaps.c.enquiry_id, sa.func.max(gaps.c.gap).label("longest"))
        .group_by(gaps.c.enquiry_id)
        .subquery("timeliness_longest")
    )
    bind.execute(
        sa.update(E)
        .where(E.c.id == longest.c.enquiry_id)
        .values(longest_gap_working_days=longest.c.longest)
    )
