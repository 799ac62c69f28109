"""Citizens who register for an event and are checked in at the door."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, enum_type, utcnow


class RegistrationStatus(enum.StrEnum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    cancelled = "cancelled"


class RegistrationSource(enum.StrEnum):
    online = "online"
    walk_in = "walk_in"


class Gender(enum.StrEnum):
    female = "female"
    male = "male"
    other = "other"


class AgeGroup(enum.StrEnum):
    under_18 = "under_18"
    age_18_29 = "18_29"
    age_30_44 = "30_44"
    age_45_64 = "45_64"
    age_65_plus = "65_plus"


class Registration(SQLModel, table=True):
    """One citizen's place at an event; the personal fields are never public."""

    __tablename__ = "registration"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "code"),
        sa.Index("ix_registration_event_id_status_created_at", "event_id", "status", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE")
    name: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    gender: Gender | None = Field(default=None, sa_type=enum_type(Gender, "gender"))
    age_group: AgeGroup | None = Field(default=None, sa_type=enum_type(AgeGroup, "age_group"))
    status: RegistrationStatus = Field(
        default=RegistrationStatus.confirmed,
        sa_type=enum_type(RegistrationStatus, "registration_status"),
    )
    source: RegistrationSource = Field(
        default=RegistrationSource.online,
        sa_type=enum_type(RegistrationSource, "registration_source"),
    )
    code: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    consent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    checked_in_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
