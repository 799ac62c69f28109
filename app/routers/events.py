"""The public event pages: the filtered list, one event, and the calendar feeds.

The pages are composed in app/pages/ (event_list.py, event_page.py); the municipality page is
app/routers/municipalities.py. The .ics routes are declared before `/events/{event_id}` so
that they match first.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import DatabaseDep, SessionDep, SettingsDep, get_principal
from app.models import ID_MAX, EventKind, Id
from app.pages.event_list import events_url, list_context, list_page
from app.pages.event_page import event_page as personal_event_page
from app.pages.event_page import shareable, shared_event_page, sort_of
from app.services import calendar, events
from app.services.events import EventFilters
from app.voters import VoterDep

router = APIRouter(dependencies=[Depends(get_principal)], include_in_schema=False)

Text = Annotated[str, Query(max_length=100)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdigit() and 1 <= int(text) <= ID_MAX


def _filters(municipality: str, kind: str, election: str, when: str) -> EventFilters:
    """Reads the filter form leniently: an empty or unknown value means "any"."""
    return EventFilters(
        municipality=municipality.strip() or None,
        kind=EventKind(kind) if kind in EventKind._value2member_map_ else None,
        election_id=int(election) if _is_id(election) else None,
        past=when == "past",
    )


def _calendar_response(body: bytes, filename: str | None = None) -> Response:
    # the descriptions are in the visitor's language
    headers = {"Cache-Control": "public, max-age=300", "Vary": "Accept-Language, Cookie"}
    if filename:
        headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(body, media_type=calendar.CONTENT_TYPE, headers=headers)


@router.get("/events.ics", name="events_feed")
async def events_feed(session: SessionDep, settings: SettingsDep) -> Response:
    body = await calendar.public_feed(
        session=session, base_url=settings.base_url, timezone=settings.timezone
    )
    return _calendar_response(body)


@router.get("/events", name="events")
async def event_list(
    request: Request,
    db: DatabaseDep,
    municipality: Text = "",
    kind: Text = "",
    election: Text = "",
    when: Text = "",
    page: PageNumber = 1,
) -> Response:
    filters = _filters(municipality, kind, election, when)

    async def context(session: AsyncSession, now: datetime) -> dict[str, Any]:
        return await list_context(session=session, filters=filters, page=page, now=now)

    # htmx pushes this tidy address instead of the form's, which sends its empty fields too
    headers = {"HX-Push-Url": events_url(filters, page)}
    return await list_page(
        request, db, "public/events.html", context, block="results", headers=headers
    )


@router.get("/events/{event_id}.ics", name="event_calendar")
async def event_ics(event_id: Id, session: SessionDep, settings: SettingsDep) -> Response:
    listing = await events.visible_event(session=session, event_id=event_id)
    body = calendar.event_calendar(
        listing=listing, base_url=settings.base_url, timezone=settings.timezone
    )
    return _calendar_response(body, filename=f"pop-event-{event_id}.ics")


@router.get("/events/{event_id}", name="event")
async def event_page(
    request: Request,
    event_id: Id,
    db: DatabaseDep,
    voter: VoterDep,
    sort: str = "votes",
    sent: bool = False,
) -> Response:
    """The event, with its questions in the page (they work without JavaScript too).

    Visitors get the page every visitor shares, with their own parts put in; whoever is signed
    in, or has just sent a question, gets it rendered for them alone.
    """
    sort = sort_of(sort)
    if shareable(request) and not sent:
        return await shared_event_page(request, db, event_id, voter, sort)
    async with db.read() as session:
        return await personal_event_page(request, session, event_id, voter, sort, sent)


@router.get("/municipalities/{slug}/events.ics", name="municipality_feed")
async def municipality_feed(slug: str, session: SessionDep, settings: SettingsDep) -> Response:
    municipality = await events.municipality_by_slug(session=session, slug=slug)
    if municipality is None:
        raise HTTPException(status_code=404)
    body = await calendar.public_feed(
        session=session,
        base_url=settings.base_url,
        municipality=municipality,
        timezone=settings.timezone,
    )
    return _calendar_response(body)
