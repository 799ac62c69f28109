"""The municipality page: its upcoming and past events (its social contracts and their
monitoring come next, each as one more part of this context)."""

from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Municipality
from app.pages.event_list import events_url
from app.pages.monitoring import municipality_monitoring
from app.services import events
from app.services.events import EventFilters

UPCOMING = 10
PAST = 5


async def municipality_context(
    *, session: AsyncSession, municipality: Municipality
) -> dict[str, Any]:
    """Everything the municipality page shows."""
    upcoming_filters = EventFilters(municipality=municipality.slug)
    past_filters = replace(upcoming_filters, past=True)
    return {
        "municipality": municipality,
        "upcoming": await events.list_public_events(
            session=session, filters=upcoming_filters, per_page=UPCOMING
        ),
        "past": await events.list_public_events(
            session=session, filters=past_filters, per_page=PAST
        ),
        "upcoming_url": events_url(upcoming_filters),
        "past_url": events_url(past_filters),
        **await municipality_monitoring(session=session, municipality=municipality),
    }
