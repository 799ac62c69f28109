"""question period, asker, private link, moderation times

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 04:23:48.895022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The shared topics every question, commitment and priority can carry (reference data).
TOPICS = [
    ("roads", "Rrugët", "Roads"),
    ("water", "Uji", "Water supply"),
    ("waste", "Mbetjet", "Waste"),
    ("education", "Arsimi", "Education"),
    ("health", "Shëndetësia", "Health"),
    ("youth", "Të rinjtë", "Youth"),
    ("environment", "Mjedisi", "Environment"),
    ("transparency", "Transparenca", "Transparency"),
    ("economy", "Ekonomia dhe punësimi", "Economy and jobs"),
    ("social_care", "Kujdesi social", "Social care"),
    ("culture", "Kultura dhe sporti", "Culture and sport"),
    ("urban_planning", "Urbanistika", "Urban planning"),
]


def upgrade() -> None:
    topic = sa.table(
        "topic",
        sa.column("slug", sa.String),
        sa.column("name_sq", sa.String),
        sa.column("name_en", sa.String),
        sa.column("position", sa.Integer),
    )
    existing = {row[0] for row in op.get_bind().execute(sa.text("SELECT slug FROM topic"))}
    op.bulk_insert(
        topic,
        [
            {"slug": slug, "name_sq": sq, "name_en": en, "position": position}
            for position, (slug, sq, en) in enumerate(TOPICS)
            if slug not in existing
        ],
    )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("questions_closed_at", sa.DateTime(timezone=True), nullable=True)
        )

    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(sa.Column("asker", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("token_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("on_screen_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_question_asker"), ["asker"], unique=False)
        batch_op.create_index(
            "ix_question_event_id_status_created_at",
            ["event_id", "status", "created_at"],
            unique=False,
        )
        batch_op.create_unique_constraint(batch_op.f("uq_question_token_hash"), ["token_hash"])


def downgrade() -> None:
    # the topics stay: questions, commitments and priorities may refer to them
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_question_token_hash"), type_="unique")
        batch_op.drop_index("ix_question_event_id_status_created_at")
        batch_op.drop_index(batch_op.f("ix_question_asker"))
        batch_op.drop_column("on_screen_at")
        batch_op.drop_column("answered_at")
        batch_op.drop_column("approved_at")
        batch_op.drop_column("token_hash")
        batch_op.drop_column("asker")

    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("questions_closed_at")
