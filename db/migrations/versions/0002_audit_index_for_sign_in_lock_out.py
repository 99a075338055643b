"""audit index for sign-in lock-out

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 00:03:27.459532
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain CREATE INDEX, not a batch operation: rebuilding audit_events on SQLite would drop
# the triggers that keep it append-only.


def upgrade() -> None:
    op.create_index(
        "ix_audit_events_username_action", "audit_events", ["username", "action", "occurred_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_audit_events_username_action", table_name="audit_events")
