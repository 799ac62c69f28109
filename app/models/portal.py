"""The candidate portal: a private link per candidate, no password."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import Input, LocalDatetime, UTCDateTime, utcnow
from app.models.commitments import CommitmentPublic, Confirmation
from app.models.elections import CandidatePublic


class CandidatePortalLink(SQLModel, table=True):
    """A private link to a candidate's portal; only the hash of its token is kept.

    At most one link per candidate is live (not revoked, not expired): issuing a new one
    revokes the old one.
    """

    __tablename__ = "candidate_portal_link"
    __table_args__ = (sa.CheckConstraint("expires_at > created_at", name="expires_after_issue"),)
    id: int | None = Field(default=None, primary_key=True)
    candidate_id: int = Field(foreign_key="candidate.id", ondelete="CASCADE", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    issued_by_id: int | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


# --- what the API and the forms take and give (no tables) ------------------------------------

DISPUTE_MAX_LENGTH = 2_000


class PortalLinkCreate(Input):
    """An organizer's request for a link: when it stops working (default: see the service)."""

    expires_at: LocalDatetime | None = None


class PortalLinkIssued(SQLModel):
    """The link, shown this once: only its hash is kept."""

    url: str
    expires_at: datetime


class CommitmentDispute(Input):
    """The candidate's answer "this is not what I committed to", with their own wording."""

    comment: str = Field(min_length=1, max_length=DISPUTE_MAX_LENGTH)


class DisputeKept(Input):
    """The organizers keep their recorded wording, with a note shown next to the dispute."""

    note: str = Field(min_length=1, max_length=DISPUTE_MAX_LENGTH)


class AnswerResult(SQLModel):
    confirmation: Confirmation


class PortalPublic(SQLModel):
    """What the candidate's link opens: who they are, and every commitment credited to them."""

    candidate: CandidatePublic
    commitments: list[CommitmentPublic]
