"""The candidate portal: a private link per candidate, no password."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


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
