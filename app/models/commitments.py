"""What candidates promised, word for word, and whether they confirmed it."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from pydantic import ConfigDict
from sqlmodel import Field, SQLModel

from app.models.base import Input, UTCDateTime, enum_type, utcnow


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
    candidate_comment: str | None = Field(default=None, sa_type=sa.Text)
    recorded_by_id: int | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class CommitmentCreate(CommitmentBase, Input):
    """A commitment as the organizer records it: the candidate's words, at an event."""


class CommitmentUpdate(Input):
    """A partial change: only the fields sent are changed (candidate and event stay)."""

    question_id: int | None = None
    topic_id: int | None = None
    text: str | None = Field(default=None, min_length=1, max_length=5_000)
    target: str | None = Field(default=None, max_length=1_000)
    deadline: date | None = None


class CommitmentPublic(CommitmentBase):
    # a commitment as the API shows it, with the candidate's answer; every field always present
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)  # type: ignore[assignment]

    id: int
    confirmation: Confirmation
    candidate_comment: str | None
    created_at: datetime
