"""Shared topics, citizens' questions to candidates, and votes on them."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import Id, Input, UTCDateTime, enum_type, utcnow

QUESTION_MAX_LENGTH = 500


class QuestionStatus(enum.StrEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"
    answered = "answered"


class Topic(SQLModel, table=True):
    """A shared theme (roads, water, …) for questions, commitments and priorities."""

    __tablename__ = "topic"
    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=50, unique=True)
    name_sq: str = Field(max_length=100)
    name_en: str = Field(max_length=100)
    position: int = Field(default=0)


class Question(SQLModel, table=True):
    """A citizen's question at an event, moderated before it is public."""

    __tablename__ = "question"
    __table_args__ = (
        sa.CheckConstraint("votes >= 0", name="votes_not_negative"),
        sa.CheckConstraint(f"length(body) <= {QUESTION_MAX_LENGTH}", name="body_length"),
        sa.CheckConstraint(
            "merged_into_id IS NULL OR merged_into_id <> id", name="not_self_merged"
        ),
        sa.Index("ix_question_event_id_status_votes", "event_id", "status", "votes"),
        sa.Index("ix_question_event_id_status_created_at", "event_id", "status", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    body: str = Field(sa_type=sa.Text)
    original_body: str | None = Field(default=None, sa_type=sa.Text)
    author_name: str | None = Field(default=None, max_length=100)
    registration_id: int | None = Field(
        default=None, foreign_key="registration.id", ondelete="SET NULL", index=True
    )
    topic_id: int | None = Field(
        default=None, foreign_key="topic.id", ondelete="RESTRICT", index=True
    )
    status: QuestionStatus = Field(
        default=QuestionStatus.pending, sa_type=enum_type(QuestionStatus, "question_status")
    )
    merged_into_id: int | None = Field(
        default=None, foreign_key="question.id", ondelete="SET NULL", index=True
    )
    votes: int = Field(default=0)
    rejection_reason: str | None = Field(default=None, sa_type=sa.Text)
    # the asking browser (a keyed hash of its cookie) and the private link's token hash
    asker: str | None = Field(default=None, max_length=64, index=True)
    token_hash: str | None = Field(default=None, max_length=64, unique=True)
    approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    answered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    on_screen_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QuestionCandidate(SQLModel, table=True):
    """A candidate a question is addressed to, or who answered it."""

    __tablename__ = "question_candidate"
    question_id: int = Field(foreign_key="question.id", ondelete="CASCADE", primary_key=True)
    candidate_id: int = Field(
        foreign_key="candidate.id", ondelete="RESTRICT", primary_key=True, index=True
    )
    addressed: bool = Field(default=True)
    answered: bool = Field(default=False)


class QuestionVote(SQLModel, table=True):
    """One browser's upvote; the primary key makes it one per question per browser."""

    __tablename__ = "question_vote"
    question_id: int = Field(foreign_key="question.id", ondelete="CASCADE", primary_key=True)
    voter: str = Field(max_length=64, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class QuestionCreate(Input):
    """A citizen's question as the form and the API take it."""

    body: str = Field(min_length=1, max_length=QUESTION_MAX_LENGTH)
    author_name: str | None = Field(default=None, max_length=100)
    topic_id: Id | None = None
    candidate_ids: list[Id] = Field(default_factory=list, max_length=20)


class QuestionModeration(Input):
    """An organizer's change: status, a spelling fix (the original is kept), who answered."""

    status: QuestionStatus | None = None
    body: str | None = Field(default=None, min_length=1, max_length=QUESTION_MAX_LENGTH)
    answered_by_ids: list[Id] | None = Field(default=None, max_length=20)
    rejection_reason: str | None = Field(default=None, max_length=1000)


class QuestionMerge(Input):
    into_id: Id


class QuestionPublic(SQLModel):
    """A published question; `status` is shown to organizers and on the asker's own link."""

    id: int
    body: str
    author_name: str | None
    topic_id: int | None
    candidate_ids: list[int]
    answered_by_ids: list[int]
    votes: int
    status: QuestionStatus
    created_at: datetime


class QuestionAsked(SQLModel):
    id: int
    status: QuestionStatus
    url: str | None = None


class VoteResult(SQLModel):
    question_id: int
    votes: int
    voted: bool
