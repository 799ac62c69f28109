"""The audit log of organizer writes, and the counters behind rate limits."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, utcnow


class AuditEntry(SQLModel, table=True):
    """Who changed what, and when."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_entity", "entity_type", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int | None = Field(
        default=None, foreign_key="app_user.id", ondelete="SET NULL", index=True
    )
    actor: str = Field(max_length=254)
    action: str = Field(max_length=100)
    entity_type: str = Field(max_length=50)
    entity_id: int | None = Field(default=None)
    details: str = Field(default="{}", sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)


class RateLimitCounter(SQLModel, table=True):
    """Hits on one rate-limit key in one fixed window; shared by every worker."""

    __tablename__ = "rate_limit_counter"
    key: str = Field(max_length=200, primary_key=True)
    window_start: int = Field(primary_key=True, sa_type=sa.BigInteger)
    count: int = Field(default=0)
