"""What candidates promised, word for word, and whether they confirmed it."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, enum_type, utcnow


class Confirmation(enum.StrEnum):
    recorded = "recorded"
    confirmed = "confirmed"
    disputed = "disputed"


class Commitment(SQLModel, table=True):
    """A candidate's promise at an event, possibly answering a citizen's question."""

    __tablename__ = "commitment"
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", ondelete="RESTRICT", index=True)
    event_id: int = Field(foreign_key="event.id", ondelete="RESTRICT", index=True)
    question_id: int | None = Field(
        default=None, foreign_key="question.id", ondelete="SET NULL", index=True
    )
    topic_id: int | None = Field(
        default=None, foreign_key="topic.id", ondelete="RESTRICT", index=True
    )
    text: str = Field(sa_type=sa.Text)
    target: str | None = Field(default=None, sa_type=sa.Text)
    deadline: date | None = Field(default=None)
    confirmation: Confirmation = Field(
        default=Confirmation.recorded, sa_type=enum_type(Confirmation, "confirmation")
    )
    candidate_comment: str | None = Field(default=None, sa_type=sa.Text)
    recorded_by_id: int | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
