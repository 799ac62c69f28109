"""commitment answers (the candidate's history), the organizer's note, candidate portal links

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:15:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("candidate_answered_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("organizer_note", sa.Text(), nullable=True))

    op.create_table(
        "commitment_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.Column(
            "answer",
            sa.Enum(
                "recorded",
                "confirmed",
                "disputed",
                name="commitment_answer_kind",
                native_enum=False,
                create_constraint=True,
                length=13,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("text_answered", sa.Text(), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "answer = 'confirmed' OR comment IS NOT NULL",
            name=op.f("ck_commitment_answer_dispute_has_comment"),
        ),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_commitment_answer_commitment_id_commitment"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commitment_answer")),
    )
    with op.batch_alter_table("commitment_answer", schema=None) as batch_op:
        batch_op.create_index(
            "ix_commitment_answer_commitment_id_answered_at",
            ["commitment_id", "answered_at"],
            unique=False,
        )

    op.create_table(
        "candidate_portal_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "expires_at > created_at", name=op.f("ck_candidate_portal_link_expires_after_issue")
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
            name=op.f("fk_candidate_portal_link_candidate_id_candidate"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"],
            ["app_user.id"],
            name=op.f("fk_candidate_portal_link_issued_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_portal_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_candidate_portal_link_token_hash")),
    )
    with op.batch_alter_table("candidate_portal_link", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_candidate_portal_link_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_candidate_portal_link_issued_by_id"), ["issued_by_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("candidate_portal_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_portal_link_issued_by_id"))
        batch_op.drop_index(batch_op.f("ix_candidate_portal_link_candidate_id"))
    op.drop_table("candidate_portal_link")
    with op.batch_alter_table("commitment_answer", schema=None) as batch_op:
        batch_op.drop_index("ix_commitment_answer_commitment_id_answered_at")
    op.drop_table("commitment_answer")
    with op.batch_alter_table("commitment", schema=None) as batch_op:
        batch_op.drop_column("organizer_note")
        batch_op.drop_column("candidate_answered_at")
