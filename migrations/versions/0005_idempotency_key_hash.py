"""registration idempotency keys kept only as keyed hashes, with a fingerprint of the request

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 09:00:00.000000

The keys stored in clear until now are dropped, not hashed: a key matters only while its
submission may be retried (seconds), and hashing them would need the secret key here. Tickets are
untouched (they are found by the hash of their token).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_registration_event_id_idempotency_key"), type_="unique"
        )
        batch_op.drop_column("idempotency_key")
        batch_op.add_column(sa.Column("idempotency_key_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("request_fingerprint", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_registration_event_id_idempotency_key_hash"),
            ["event_id", "idempotency_key_hash"],
        )


def downgrade() -> None:
    # the keys cannot come back from their hashes: the old column returns empty
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_registration_event_id_idempotency_key_hash"), type_="unique"
        )
        batch_op.drop_column("request_fingerprint")
        batch_op.drop_column("idempotency_key_hash")
        batch_op.add_column(sa.Column("idempotency_key", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_registration_event_id_idempotency_key"), ["event_id", "idempotency_key"]
        )
