"""The public list of events (/events): its context, and the addresses of its filters."""

from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import EventKind
from app.services import events
from app.services.events import EventFilters

PER_PAGE = 20


def events_url(filters: EventFilters, page: int = 1) -> str:
    """/events with these filters and this page, leaving out what is the default."""
    params = {
        "municipality": filters.municipality or "",
        "kind": filters.kind.value if filters.kind else "",
        "election": str(filters.election_id or ""),
        "when": "past" if filters.past else "",
        "page": str(page) if page > 1 else "",
    }
    query = urlencode({key: value for key, value in params.items() if value})
    return "/events" + (f"?{query}" if query else "")


async def list_context(
    *, session: AsyncSession, filters: EventFilters, page: int
) -> dict[str, Any]:
    """One page of the list, the filter form's choices and the links that change them."""
    found = await events.list_public_events(
        session=session, filters=filters, page=page, per_page=PER_PAGE
    )
    return {
        "found": found,
        "filters": filters,
        "municipalities": await events.list_municipalities(session=session),
        "elections": await events.list_elections(session=session),
        "kinds": list(EventKind),
        "page_url": lambda number: events_url(filters, number),
        "when_url": lambda past: events_url(replace(filters, past=past)),
        "clear_url": events_url(EventFilters(past=filters.past)),
        "any_filter": bool(filters.municipality or filters.kind or filters.election_id),
    }
