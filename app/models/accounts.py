"""Organizer accounts, their server-side sessions and personal API tokens."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, enum_type, utcnow


class Role(enum.StrEnum):
    admin = "admin"
    organizer = "organizer"


class User(SQLModel, table=True):
    """A person who organizes: an admin of the network or an organizer of one organization."""

    __tablename__ = "app_user"
    __table_args__ = (
        sa.CheckConstraint(
            "role = 'admin' OR organization_id IS NOT NULL", name="organizer_has_organization"
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    role: Role = Field(sa_type=enum_type(Role, "role"))
    organization_id: int | None = Field(
        default=None, foreign_key="organization.id", ondelete="RESTRICT", index=True
    )
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class UserSession(SQLModel, table=True):
    """A signed-in browser; deleting the row signs it out."""

    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)


class ApiToken(SQLModel, table=True):
    """A personal token for the JSON API; only its hash is kept."""

    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", ondelete="CASCADE", index=True)
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
