"""Forums, meetings, community meetings and fairs, and the candidates invited to them."""

import enum
from datetime import datetime
from typing import Annotated, Literal

import sqlalchemy as sa
from pydantic import AfterValidator, ConfigDict
from pydantic_core import PydanticCustomError
from sqlmodel import Field, SQLModel

from app.models.base import (
    Flag,
    Id,
    Input,
    IsoDatetime,
    LocalDatetime,
    UTCDateTime,
    as_utc,
    enum_type,
    kept,
    utcnow,
)


class EventKind(enum.StrEnum):
    forum = "forum"
    meeting = "meeting"
    community_meeting = "community_meeting"
    fair = "fair"

    @property
    def with_candidates(self) -> bool:
        """Forums and individual meetings are held with candidates; the others need none."""
        return self in (EventKind.forum, EventKind.meeting)


class EventStatus(enum.StrEnum):
    draft = "draft"
    scheduled = "scheduled"
    held = "held"
    cancelled = "cancelled"


class InvitationStatus(enum.StrEnum):
    invited = "invited"
    confirmed = "confirmed"
    declined = "declined"
    attended = "attended"


# Invitation statuses that mean "this candidate is (or was) there".
PRESENT_STATUSES = (InvitationStatus.confirmed, InvitationStatus.attended)


PUBLIC_EVENT_STATUSES = (EventStatus.scheduled, EventStatus.held, EventStatus.cancelled)


class EventBase(SQLModel):
    """What an organizer says about an event: the fields its table, input and output share."""

    kind: EventKind = Field(sa_type=enum_type(EventKind, "event_kind"))
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=10_000, sa_type=sa.Text)
    municipality_id: int = Field(foreign_key="municipality.id", ondelete="RESTRICT")
    organization_id: int = Field(foreign_key="organization.id", ondelete="RESTRICT", index=True)
    election_id: int | None = Field(
        default=None, foreign_key="election.id", ondelete="RESTRICT", index=True
    )
    venue: str = Field(min_length=1, max_length=300)
    starts_at: LocalDatetime = Field(sa_type=UTCDateTime)
    ends_at: LocalDatetime = Field(sa_type=UTCDateTime)
    capacity: int | None = Field(default=None, ge=0, le=1_000_000)


class Event(EventBase, table=True):
    """Something an organization holds in a municipality, public once scheduled."""

    __tablename__ = "event"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint(
            "waitlist_capacity IS NULL OR waitlist_capacity >= 0",
            name="waitlist_capacity_not_negative",
        ),
        sa.CheckConstraint(
            "report_attendees IS NULL OR report_attendees >= 0", name="attendees_not_negative"
        ),
        sa.Index("ix_event_status_starts_at", "status", "starts_at"),
        sa.Index("ix_event_municipality_id_starts_at", "municipality_id", "starts_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    # None: the waitlist has no limit; 0: no waitlist, a full event refuses
    waitlist_capacity: int | None = Field(default=None)
    status: EventStatus = Field(
        default=EventStatus.draft, sa_type=enum_type(EventStatus, "event_status")
    )
    cancel_reason: str | None = Field(default=None, sa_type=sa.Text)
    # citizens may send questions until the organizer closes the question period
    questions_closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    report_attendees: int | None = Field(default=None)
    report_summary: str | None = Field(default=None, sa_type=sa.Text)
    report_participants: str | None = Field(default=None, sa_type=sa.Text)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EventCandidate(SQLModel, table=True):
    """A candidate invited to an event, and how the invitation stands."""

    __tablename__ = "event_candidate"
    event_id: int = Field(foreign_key="event.id", ondelete="CASCADE", primary_key=True)
    candidate_id: int = Field(
        foreign_key="candidate.id", ondelete="RESTRICT", primary_key=True, index=True
    )
    status: InvitationStatus = Field(
        default=InvitationStatus.invited, sa_type=enum_type(InvitationStatus, "invitation_status")
    )
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


# the years an event may be in: the calendar feeds and every page can show them
EVENT_YEARS = (2000, 2100)


def _in_event_years(value: datetime) -> datetime:
    if not EVENT_YEARS[0] <= value.year <= EVENT_YEARS[1]:
        raise PydanticCustomError(
            "event_year",
            "Events take place between the years {first} and {last}.",
            {"first": EVENT_YEARS[0], "last": EVENT_YEARS[1]},
        )
    return value


# a time an event starts or ends: its year bounded before it is turned into UTC
EventTime = Annotated[IsoDatetime, AfterValidator(_in_event_years), AfterValidator(as_utc)]


class EventCreate(EventBase, Input):
    """An event as the API and the forms take it; times without an offset are Tirana time."""

    municipality_id: Id
    organization_id: Id
    election_id: Id | None = None
    starts_at: EventTime
    ends_at: EventTime
    candidate_ids: list[Id] = Field(default_factory=list, max_length=50)
    status: Literal["draft", "scheduled"] = "scheduled"
    confirm_venue_overlap: Flag = False


class EventUpdate(Input):
    """A partial change: only the fields sent are changed."""

    # what every event has may be left out, not set to null (the document says so: no null)
    kind: EventKind = kept()
    title: str = kept(min_length=1, max_length=200)
    description: str = kept(max_length=10_000)
    municipality_id: Id = kept()
    election_id: Id | None = None
    venue: str = kept(min_length=1, max_length=300)
    starts_at: EventTime = kept()
    ends_at: EventTime = kept()
    capacity: int | None = Field(default=None, ge=0, le=1_000_000)
    candidate_ids: list[Id] | None = Field(default=None, max_length=50)
    status: EventStatus | None = None
    cancel_reason: str | None = Field(default=None, max_length=2_000)
    report_attendees: int | None = Field(default=None, ge=0, le=1_000_000)
    report_summary: str | None = Field(default=None, max_length=10_000)
    report_participants: str | None = Field(default=None, max_length=2_000)
    confirm_venue_overlap: Flag = False


class EventCandidatePublic(SQLModel):
    candidate_id: int
    status: InvitationStatus


class EventPublic(EventBase):
    # an event as the API shows it: every field always present (a default does not make it optional)
    model_config = ConfigDict(json_schema_serialization_defaults_required=True)  # type: ignore[assignment]

    id: int
    status: EventStatus
    cancel_reason: str | None
    candidates: list[EventCandidatePublic]


class InvitationUpdate(Input):
    status: InvitationStatus
