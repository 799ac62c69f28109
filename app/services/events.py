"""Reading events for the public site (scheduling itself comes with its own issue)."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.models import Event, EventStatus, Municipality, Organization, utcnow


@dataclass(frozen=True)
class EventListing:
    """An event with the names a list shows next to it."""

    event: Event
    municipality: Municipality
    organization: Organization


async def upcoming_events(
    *, session: AsyncSession, limit: int = 20, now: datetime | None = None
) -> list[EventListing]:
    """Public events that have not ended yet, soonest first."""
    statement = (
        select(Event, Municipality, Organization)
        .join(Municipality, col(Municipality.id) == col(Event.municipality_id))
        .join(Organization, col(Organization.id) == col(Event.organization_id))
        .where(
            col(Event.status).in_([EventStatus.scheduled, EventStatus.cancelled]),
            col(Event.ends_at) >= (now or utcnow()),
        )
        .order_by(col(Event.starts_at), col(Event.id))
        .limit(limit)
    )
    rows = (await session.execute(statement)).all()
    return [EventListing(event=e, municipality=m, organization=o) for e, m, o in rows]
