"""The municipality page: its upcoming and past events (its social contracts and their
monitoring come next, each as one more part of this context)."""

from dataclasses import replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Municipality
from app.pages.event_list import events_url
from app.pages.monitoring import municipality_monitoring
from app.services import contract_lists, events
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
        **await contract_context(session=session, municipality=municipality),
        **await municipality_monitoring(session=session, municipality=municipality),
    }


async def contract_context(
    *, session: AsyncSession, municipality: Municipality, timezone: str = "Europe/Tirane"
) -> dict[str, Any]:
    """The municipality's social contracts of the current term, shown at the top."""
    assert municipality.id is not None
    today = datetime.now(ZoneInfo(timezone)).date()
    return {
        "contracts": await contract_lists.contracts_for_municipality(
            session=session, municipality_id=municipality.id, today=today
        )
    }
