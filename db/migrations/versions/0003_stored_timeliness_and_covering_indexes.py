"""stored timeliness and covering indexes for the dashboards

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 01:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Plain ALTER TABLE / CREATE INDEX rather than batch operations: nothing here needs SQLite
# to rebuild a table.

OLD_REPORTING = [
    "concluded_fy",
    "concluded_quarter",
    "team_id",
    "enquiry_type",
    "is_deleted",
    "msp_asked",
    "msp_achieved",
]
NEW_REPORTING = OLD_REPORTING + [
    "concluded_month",
    "worker_id",
    "location_of_risk",
    "source_of_risk",
    "risk_assessment_outcome",
    "risk_outcome",
    "lacked_capacity",
    "capacity_support_provided",
    "first_conversation_working_days",
    "longest_gap_working_days",
    "first_feedback_days",
]


def upgrade() -> None:
    for name in (
        "first_conversation_working_days",
        "longest_gap_working_days",
        "first_feedback_days",
    ):
        op.add_column("enquiries", sa.Column(name, sa.Integer(), nullable=True))
    op.drop_index("ix_enquiries_reporting", table_name="enquiries")
    op.create_index("ix_enquiries_reporting", "enquiries", NEW_REPORTING)
    op.create_index(
        "ix_desired_outcomes_enquiry_status",
        "desired_outcomes",
        ["enquiry_id", "status", "category", "rating"],
    )
    op.drop_index("ix_feedback_responses_enquiry_id", table_name="feedback_responses")
    op.create_index(
        "ix_feedback_responses_enquiry_id",
        "feedback_responses",
        ["enquiry_id", "declined", "respondent", "days_after_conclusion"],
    )
    op.create_index(
        "ix_feedback_answers_response",
        "feedback_answers",
        ["response_id", "question_version_id", "answer"],
    )
    # Fill the new columns for enquiries that already exist.
    from msp.timeliness import refresh

    refresh(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_feedback_answers_response", table_name="feedback_answers")
    op.drop_index("ix_feedback_responses_enquiry_id", table_name="feedback_responses")
    op.create_index("ix_feedback_responses_enquiry_id", "feedback_responses", ["enquiry_id"])
    op.drop_index("ix_desired_outcomes_enquiry_status", table_name="desired_outcomes")
    op.drop_index("ix_enquiries_reporting", table_name="enquiries")
    op.create_index("ix_enquiries_reporting", "enquiries", OLD_REPORTING)
    for name in (
        "first_feedback_days",
        "longest_gap_working_days",
        "first_conversation_working_days",
    ):
        op.drop_column("enquiries", name)
