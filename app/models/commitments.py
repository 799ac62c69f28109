"""What candidates promised, word for word, and whether they confirmed it."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from pydantic import ConfigDict
from sqlmodel import Field, SQLModel

from app.models.base import Id, Input, UTCDateTime, enum_type, kept, utcnow


class Confirmation(enum.StrEnum):
    recorded = "recorded"
    confirmed = "confirmed"
    disputed = "disputed"


class CommitmentBase(SQLModel):
    """Who promised what, where: the fields a commitment's table, input and output share."""

    candidate_id: int = Field(foreign_key="candidate.id", ondelete="RESTRICT", index=True)
    event_id: int = Field(foreign_key="event.id", ondelete="RESTRICT", index=True)
    question_id: int | None = Field(
        default=None, foreign_key="question.id", ondelete="SET NULL", index=True
    )
    topic_id: int | None = Field(
        default=None, foreign_key="topic.id", ondelete="RESTRICT", index=True
    )
    text: str = Field(min_length=1, max_length=5_000, sa_type=sa.Text)  # verbatim
    target: str | None = Field(default=None, max_length=1_000, sa_type=sa.Text)  # measurable
    deadline: date | None = Field(default=None)


class Commitment(CommitmentBase, table=True):
    """A candidate's promise at an event, possibly answering a citizen's question."""

    __tablename__ = "commitment"
    id: int | None = Field(default=None, primary_key=True)
    confirmation: Confirmation = Field(
        default=Confirmation.recorded, sa_type=enum_type(Confirmation, "confirmation")
    )
    # the candidate's proposed wording when they dispute it (the latest answer; all are kept in
    # CommitmentAnswer), and when they last answered
    candidate_comment: str | None = Field(default=None, sa_type=sa.Text)
    candidate_answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # shown publicly next to a dispute when the organizers keep their recorded wording
    organizer_note: str | None = Field(default=None, sa_type=sa.Text)
    recorded_by_id: int | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CommitmentCreate(CommitmentBase, Input):
    """A commitment as the organizer records it: the candidate's words, at an event."""

    candidate_id: Id
    event_id: Id
    question_id: Id | None = None
    topic_id: Id | None = None


class CommitmentUpdate(Input):
    """A partial change: only the fields sent are changed (candidate and event stay)."""

    question_id: Id | None = None
    topic_id: Id | None = None
    text: str = kept(min_length=1, max_length=5_000)  # words, never null
    target: str | None = Field(default=None, max_length=1_000)
    deadline: date | None = None


class CommitmentEdit(CommitmentUpdate):
    """An edit as the API and the forms take it: once the candidate has answered, a change of
    the text is a correction, and says why (`reason`, kept in the audit trail)."""

    reason: str | None = Field(default=None, min_length=1, max_length=1_000)


class CommitmentPublic(CommitmentBase):
    # a commitment as the API shows it, with the candidate's answer; every field always present
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)  # type: ignore[assignment]

    id: int
    confirmation: Confirmation
    candidate_comment: str | None
    created_at: datetime


class CommitmentAnswer(SQLModel, table=True):
    """One answer of the candidate to a commitment (confirmed, or disputed with a wording)."""

    __tablename__ = "commitment_answer"
    __table_args__ = (
        sa.CheckConstraint(
            "answer = 'confirmed' OR comment IS NOT NULL", name="dispute_has_comment"
        ),
        sa.Index("ix_commitment_answer_commitment_id_answered_at", "commitment_id", "answered_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    commitment_id: int = Field(foreign_key="commitment.id", ondelete="CASCADE")
    # confirmed or disputed (never recorded: that is the organizer's state, not an answer)
    answer: Confirmation = Field(sa_type=enum_type(Confirmation, "commitment_answer_kind"))
    comment: str | None = Field(default=None, sa_type=sa.Text)
    # the text the candidate answered to: an edit afterwards does not change what they confirmed
    text_answered: str = Field(sa_type=sa.Text)
    answered_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
