"""versioned contracts: a contract's text in versions, its signatures, its monitoring

The contract and monitoring tables of 0001 were never written to: they are dropped and built again
for versioned contracts (versions, priorities with numbered points and their sources, signatures
per candidate and version, monitoring rounds with assessments and corrections, uploaded documents).
A database whose tables to drop hold rows is refused, in both directions, rather than emptied.
The enum columns are VARCHAR with a CHECK constraint (no native PostgreSQL types to drop).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:28:27.306778
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import context, op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# in the order they can be dropped (who refers to a table goes first)
TABLES_OF_0001 = (
    "priority_commitment",
    "priority_assessment",
    "monitoring_round",
    "contract_priority",
    "social_contract",
)
TABLES_OF_0004 = (
    "priority_commitment",
    "assessment_correction",
    "priority_question",
    "priority_assessment",
    "priority_point",
    "contract_signature",
    "stored_document",
    "round_event",
    "contract_priority",
    "monitoring_round",
    "contract_version",
    "contract_organization",
    "social_contract",
)


def _drop_empty_tables(tables: Sequence[str]) -> None:
    """Drops the tables, or refuses (before dropping any) when one of them holds a row."""
    if not context.is_offline_mode():
        bind = op.get_bind()
        query = sa.select(sa.literal(1)).limit(1)
        full = [t for t in tables if bind.execute(query.select_from(sa.table(t))).first()]
        if full:
            raise RuntimeError(
                f"migration 0004 would drop rows of {', '.join(full)}; move them out first"
            )
    for table in tables:
        op.drop_table(table)


def upgrade() -> None:
    _drop_empty_tables(TABLES_OF_0001)
    op.create_table(
        "social_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "open_for_signature",
                "in_force",
                name="contract_status",
                native_enum=False,
                create_constraint=True,
                length=22,
            ),
            nullable=False,
        ),
        sa.Column("adoption_decision_number", sa.String(length=100), nullable=True),
        sa.Column("adopted_on", sa.Date(), nullable=True),
        sa.Column("adoption_url", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("term_end > term_start", name=op.f("ck_social_contract_term_in_order")),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["election.id"],
            name=op.f("fk_social_contract_election_id_election"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_social_contract_municipality_id_municipality"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_contract")),
        sa.UniqueConstraint(
            "municipality_id",
            "election_id",
            name=op.f("uq_social_contract_municipality_id_election_id"),
        ),
    )
    with op.batch_alter_table("social_contract", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_social_contract_election_id"), ["election_id"], unique=False
        )

    op.create_table(
        "contract_organization",
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["social_contract.id"],
            name=op.f("fk_contract_organization_contract_id_social_contract"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_contract_organization_organization_id_organization"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "contract_id", "organization_id", name=op.f("pk_contract_organization")
        ),
    )
    with op.batch_alter_table("contract_organization", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_organization_organization_id"),
            ["organization_id"],
            unique=False,
        )

    op.create_table(
        "contract_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("introduction", sa.Text(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_contract_version_number_positive")),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["social_contract.id"],
            name=op.f("fk_contract_version_contract_id_social_contract"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_version")),
        sa.UniqueConstraint(
            "contract_id", "number", name=op.f("uq_contract_version_contract_id_number")
        ),
    )
    op.create_table(
        "monitoring_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "published",
                name="round_status",
                native_enum=False,
                create_constraint=True,
                length=13,
            ),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status = 'draft' OR published_at IS NOT NULL",
            name=op.f("ck_monitoring_round_published_has_date"),
        ),
        sa.CheckConstraint(
            "period_end > period_start", name=op.f("ck_monitoring_round_period_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["social_contract.id"],
            name=op.f("fk_monitoring_round_contract_id_social_contract"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_round")),
        sa.UniqueConstraint(
            "contract_id", "label", name=op.f("uq_monitoring_round_contract_id_label")
        ),
    )
    op.create_table(
        "contract_priority",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("written_by_hand", sa.Boolean(), nullable=False),
        sa.CheckConstraint("position >= 1", name=op.f("ck_contract_priority_position_positive")),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topic.id"],
            name=op.f("fk_contract_priority_topic_id_topic"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["contract_version.id"],
            name=op.f("fk_contract_priority_version_id_contract_version"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_priority")),
    )
    with op.batch_alter_table("contract_priority", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_priority_topic_id"), ["topic_id"], unique=False
        )
        batch_op.create_index(
            "ix_contract_priority_version_id_position", ["version_id", "position"], unique=False
        )

    op.create_table(
        "round_event",
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_round_event_event_id_event"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["monitoring_round.id"],
            name=op.f("fk_round_event_round_id_monitoring_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("round_id", "event_id", name=op.f("pk_round_event")),
    )
    with op.batch_alter_table("round_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_round_event_event_id"), ["event_id"], unique=False)

    op.create_table(
        "stored_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=500), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("size > 0", name=op.f("ck_stored_document_size_positive")),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["app_user.id"],
            name=op.f("fk_stored_document_uploaded_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_document")),
        sa.UniqueConstraint("path", name=op.f("uq_stored_document_path")),
    )
    with op.batch_alter_table("stored_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stored_document_uploaded_by_id"), ["uploaded_by_id"], unique=False
        )

    op.create_table(
        "contract_signature",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "signed",
                "declined",
                name="signature_status",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("document_url", sa.String(length=1000), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "document_id IS NULL OR document_url IS NULL",
            name=op.f("ck_contract_signature_one_document"),
        ),
        sa.ForeignKeyConstraint(
            ["candidate_id"],
            ["candidate.id"],
            name=op.f("fk_contract_signature_candidate_id_candidate"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["stored_document.id"],
            name=op.f("fk_contract_signature_document_id_stored_document"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["event.id"],
            name=op.f("fk_contract_signature_event_id_event"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"],
            ["app_user.id"],
            name=op.f("fk_contract_signature_recorded_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["contract_version.id"],
            name=op.f("fk_contract_signature_version_id_contract_version"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_signature")),
        sa.UniqueConstraint(
            "version_id", "candidate_id", name=op.f("uq_contract_signature_version_id_candidate_id")
        ),
    )
    with op.batch_alter_table("contract_signature", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_signature_candidate_id"), ["candidate_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_signature_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_signature_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_signature_recorded_by_id"), ["recorded_by_id"], unique=False
        )

    op.create_table(
        "priority_point",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.CheckConstraint("number >= 1", name=op.f("ck_priority_point_number_positive")),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["contract_priority.id"],
            name=op.f("fk_priority_point_priority_id_contract_priority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_point")),
        sa.UniqueConstraint(
            "priority_id", "number", name=op.f("uq_priority_point_priority_id_number")
        ),
    )
    op.create_table(
        "priority_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("point_id", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "fully_addressed",
                "partially_addressed",
                "not_addressed",
                name="assessment_status",
                native_enum=False,
                create_constraint=True,
                length=23,
            ),
            nullable=False,
        ),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("evidence_url", sa.String(length=1000), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("assessed_by_id", sa.Integer(), nullable=True),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("municipality_reply", sa.Text(), nullable=True),
        sa.Column("municipality_replied_on", sa.Date(), nullable=True),
        sa.Column("municipality_reply_url", sa.String(length=1000), nullable=True),
        sa.CheckConstraint("evidence <> ''", name=op.f("ck_priority_assessment_evidence_given")),
        sa.CheckConstraint(
            "(municipality_reply IS NULL) = (municipality_replied_on IS NULL)",
            name=op.f("ck_priority_assessment_reply_has_date"),
        ),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"],
            ["app_user.id"],
            name=op.f("fk_priority_assessment_assessed_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["stored_document.id"],
            name=op.f("fk_priority_assessment_document_id_stored_document"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["priority_point.id"],
            name=op.f("fk_priority_assessment_point_id_priority_point"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["contract_priority.id"],
            name=op.f("fk_priority_assessment_priority_id_contract_priority"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["monitoring_round.id"],
            name=op.f("fk_priority_assessment_round_id_monitoring_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_assessment")),
    )
    with op.batch_alter_table("priority_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_priority_assessment_assessed_by_id"), ["assessed_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_priority_assessment_document_id"), ["document_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_priority_assessment_point_id"), ["point_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_priority_assessment_priority_id"), ["priority_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_priority_assessment_round_id"), ["round_id"], unique=False
        )
        batch_op.create_index(
            "uq_priority_assessment_round_id_point_id",
            ["round_id", "point_id"],
            unique=True,
            sqlite_where=sa.text("point_id IS NOT NULL"),
            postgresql_where=sa.text("point_id IS NOT NULL"),
        )
        batch_op.create_index(
            "uq_priority_assessment_round_id_priority_id",
            ["round_id", "priority_id"],
            unique=True,
            sqlite_where=sa.text("point_id IS NULL"),
            postgresql_where=sa.text("point_id IS NULL"),
        )

    op.create_table(
        "priority_question",
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["contract_priority.id"],
            name=op.f("fk_priority_question_priority_id_contract_priority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["question.id"],
            name=op.f("fk_priority_question_question_id_question"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("priority_id", "question_id", name=op.f("pk_priority_question")),
    )
    with op.batch_alter_table("priority_question", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_priority_question_question_id"), ["question_id"], unique=False
        )

    op.create_table(
        "assessment_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column(
            "previous_status",
            sa.Enum(
                "fully_addressed",
                "partially_addressed",
                "not_addressed",
                name="previous_status",
                native_enum=False,
                create_constraint=True,
                length=23,
            ),
            nullable=False,
        ),
        sa.Column("previous_evidence", sa.Text(), nullable=False),
        sa.Column("previous_evidence_url", sa.String(length=1000), nullable=True),
        sa.Column("previous_document_id", sa.Integer(), nullable=True),
        sa.Column(
            "new_status",
            sa.Enum(
                "fully_addressed",
                "partially_addressed",
                "not_addressed",
                name="new_status",
                native_enum=False,
                create_constraint=True,
                length=23,
            ),
            nullable=False,
        ),
        sa.Column("new_evidence", sa.Text(), nullable=False),
        sa.Column("new_evidence_url", sa.String(length=1000), nullable=True),
        sa.Column("new_document_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("corrected_by_id", sa.Integer(), nullable=True),
        sa.Column("corrected_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("reason <> ''", name=op.f("ck_assessment_correction_reason_given")),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["priority_assessment.id"],
            name=op.f("fk_assessment_correction_assessment_id_priority_assessment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["corrected_by_id"],
            ["app_user.id"],
            name=op.f("fk_assessment_correction_corrected_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["new_document_id"],
            ["stored_document.id"],
            name=op.f("fk_assessment_correction_new_document_id_stored_document"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["previous_document_id"],
            ["stored_document.id"],
            name=op.f("fk_assessment_correction_previous_document_id_stored_document"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_correction")),
    )
    with op.batch_alter_table("assessment_correction", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_assessment_correction_assessment_id"), ["assessment_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_correction_corrected_by_id"),
            ["corrected_by_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_correction_new_document_id"),
            ["new_document_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_assessment_correction_previous_document_id"),
            ["previous_document_id"],
            unique=False,
        )

    op.create_table(
        "priority_commitment",
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_priority_commitment_commitment_id_commitment"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["contract_priority.id"],
            name=op.f("fk_priority_commitment_priority_id_contract_priority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "priority_id", "commitment_id", name=op.f("pk_priority_commitment")
        ),
    )
    with op.batch_alter_table("priority_commitment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_priority_commitment_commitment_id"), ["commitment_id"], unique=False
        )


def downgrade() -> None:
    _drop_empty_tables(TABLES_OF_0004)
    # the tables of 0001, as 0001 made them
    op.create_table(
        "social_contract",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("election_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "signed",
                "published",
                name="contract_status",
                native_enum=False,
                create_constraint=True,
                length=13,
            ),
            nullable=False,
        ),
        sa.Column("signed_by", sa.String(length=200), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["election_id"],
            ["election.id"],
            name=op.f("fk_social_contract_election_id_election"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipality.id"],
            name=op.f("fk_social_contract_municipality_id_municipality"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_contract")),
        sa.UniqueConstraint(
            "municipality_id",
            "election_id",
            name=op.f("uq_social_contract_municipality_id_election_id"),
        ),
    )
    with op.batch_alter_table("social_contract", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_social_contract_election_id"), ["election_id"], unique=False
        )

    op.create_table(
        "contract_priority",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "position >= 0", name=op.f("ck_contract_priority_position_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["social_contract.id"],
            name=op.f("fk_contract_priority_contract_id_social_contract"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topic.id"],
            name=op.f("fk_contract_priority_topic_id_topic"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_priority")),
    )
    with op.batch_alter_table("contract_priority", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_priority_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_contract_priority_topic_id"), ["topic_id"], unique=False
        )

    op.create_table(
        "monitoring_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=100), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "published",
                name="round_status",
                native_enum=False,
                create_constraint=True,
                length=13,
            ),
            nullable=False,
        ),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "period_end >= period_start", name=op.f("ck_monitoring_round_period_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["social_contract.id"],
            name=op.f("fk_monitoring_round_contract_id_social_contract"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_round")),
    )
    with op.batch_alter_table("monitoring_round", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_round_contract_id"), ["contract_id"], unique=False
        )

    op.create_table(
        "priority_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "met",
                "partially_met",
                "in_progress",
                "not_addressed",
                name="assessment_status",
                native_enum=False,
                create_constraint=True,
                length=17,
            ),
            nullable=False,
        ),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("evidence_url", sa.String(length=1000), nullable=True),
        sa.Column("assessed_by_id", sa.Integer(), nullable=True),
        sa.Column("assessed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessed_by_id"],
            ["app_user.id"],
            name=op.f("fk_priority_assessment_assessed_by_id_app_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["contract_priority.id"],
            name=op.f("fk_priority_assessment_priority_id_contract_priority"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["monitoring_round.id"],
            name=op.f("fk_priority_assessment_round_id_monitoring_round"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_priority_assessment")),
        sa.UniqueConstraint(
            "round_id", "priority_id", name=op.f("uq_priority_assessment_round_id_priority_id")
        ),
    )
    with op.batch_alter_table("priority_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_priority_assessment_assessed_by_id"), ["assessed_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_priority_assessment_priority_id"), ["priority_id"], unique=False
        )

    op.create_table(
        "priority_commitment",
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("commitment_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["commitment_id"],
            ["commitment.id"],
            name=op.f("fk_priority_commitment_commitment_id_commitment"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["priority_id"],
            ["contract_priority.id"],
            name=op.f("fk_priority_commitment_priority_id_contract_priority"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "priority_id", "commitment_id", name=op.f("pk_priority_commitment")
        ),
    )
    with op.batch_alter_table("priority_commitment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_priority_commitment_commitment_id"), ["commitment_id"], unique=False
        )
