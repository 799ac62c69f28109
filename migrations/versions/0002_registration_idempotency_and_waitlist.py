"""registration idempotency, promotion time, waitlist capacity

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 04:18:52.631796
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("waitlist_capacity", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_event_waitlist_capacity_not_negative"),
            "waitlist_capacity IS NULL OR waitlist_capacity >= 0",
        )

    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_registration_event_id_idempotency_key"), ["event_id", "idempotency_key"]
        )


def downgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_registration_event_id_idempotency_key"), type_="unique"
        )
        batch_op.drop_column("idempotency_key")
        batch_op.drop_column("promoted_at")

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_event_waitlist_capacity_not_negative"), type_="check")
        batch_op.drop_column("waitlist_capacity")
