"""Citizens who register for an event and are checked in at the door."""

import enum
import re
from datetime import datetime

import sqlalchemy as sa
from pydantic import field_validator
from sqlmodel import Field, SQLModel

from app.models.base import Flag, Input, UTCDateTime, enum_type, utcnow


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
        sa.UniqueConstraint("event_id", "idempotency_key_hash"),
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
    promoted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # keyed hashes (HMAC with the secret key) of the Idempotency-Key and of what was sent with
    # it: a retry is recognised, but neither the key nor the ticket can be had from the row
    idempotency_key_hash: str | None = Field(default=None, max_length=64)
    request_fingerprint: str | None = Field(default=None, max_length=64)
    # the language the person used when registering: their e-mails are written in it
    language: str | None = Field(default=None, max_length=8)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RegistrationCreate(Input):
    """A citizen's registration as the form and the API take it."""

    name: str = Field(min_length=1, max_length=200)
    phone: str | None = Field(default=None, max_length=40)
    email: str | None = Field(default=None, max_length=254)
    gender: Gender | None = None
    age_group: AgeGroup | None = None
    consent: Flag = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value and ("@" not in value or "." not in value.rsplit("@", 1)[-1]):
            raise ValueError("not an e-mail address")
        return value or None

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"\+?[0-9 ()./-]{6,40}", value):
            raise ValueError("not a phone number")
        return value or None


class RegistrationPublic(SQLModel):
    """What the person who registered (and the API) sees of a registration."""

    id: int
    status: RegistrationStatus
    code: str
    ticket_url: str | None = None


class RegistrationDetail(SQLModel):
    """A registration as its organizers see it (personal data included)."""

    id: int
    event_id: int
    name: str
    phone: str | None
    email: str | None
    gender: Gender | None
    age_group: AgeGroup | None
    status: RegistrationStatus
    source: RegistrationSource
    code: str
    checked_in_at: datetime | None
    created_at: datetime


class CheckInRequest(Input):
    code: str = Field(min_length=3, max_length=16)
