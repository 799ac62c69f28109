"""The public event pages: the filtered list, one event, a municipality, calendar feeds.

The .ics routes are declared before `/events/{event_id}` so that they match first.
"""

from dataclasses import replace
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import DatabaseDep, SessionDep, SettingsDep, get_principal
from app.models import EventKind, EventStatus
from app.routers import questions as question_pages
from app.services import calendar, events
from app.services.events import EventFilters
from app.templating import render
from app.voters import VoterDep

router = APIRouter(dependencies=[Depends(get_principal)], include_in_schema=False)

PER_PAGE = 20
MUNICIPALITY_UPCOMING = 10
MUNICIPALITY_PAST = 5
Text = Annotated[str, Query(max_length=100)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]


def _filters(municipality: str, kind: str, election: str, when: str) -> EventFilters:
    """Reads the filter form leniently: an empty or unknown value means "any"."""
    return EventFilters(
        municipality=municipality.strip() or None,
        kind=EventKind(kind) if kind in EventKind._value2member_map_ else None,
        election_id=int(election) if election.isdigit() else None,
        past=when == "past",
    )


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
    session: SessionDep,
    municipality: Text = "",
    kind: Text = "",
    election: Text = "",
    when: Text = "",
    page: PageNumber = 1,
) -> Response:
    filters = _filters(municipality, kind, election, when)
    found = await events.list_public_events(
        session=session, filters=filters, page=page, per_page=PER_PAGE
    )
    context = {
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
    # htmx pushes this tidy address instead of the form's, which sends its empty fields too
    headers = {"HX-Push-Url": events_url(filters, page)}
    return render(request, "public/events.html", context, block="results", headers=headers)


@router.get("/events/{event_id}.ics", name="event_calendar")
async def event_ics(event_id: int, session: SessionDep, settings: SettingsDep) -> Response:
    listing = await events.visible_event(session=session, event_id=event_id)
    body = calendar.event_calendar(
        listing=listing, base_url=settings.base_url, timezone=settings.timezone
    )
    return _calendar_response(body, filename=f"pop-event-{event_id}.ics")


@router.get("/events/{event_id}", name="event")
async def event_page(
    request: Request,
    event_id: int,
    db: DatabaseDep,
    voter: VoterDep,
    sort: str = "votes",
    sent: bool = False,
) -> Response:
    """The event, with its questions in the page (they work without JavaScript too).

    Visitors get the page every visitor shares, with their own parts put in; whoever is signed
    in, or has just sent a question, gets it rendered for them alone.
    """
    sort = "newest" if sort == "newest" else "votes"
    if question_pages.shareable(request) and not sent:
        return await question_pages.shared_event_page(request, db, event_id, voter, sort)
    async with db.read() as session:
        return await _event_page(request, session, event_id, voter, sort, sent)


async def _event_page(
    request: Request, session: AsyncSession, event_id: int, voter: str, sort: str, sent: bool
) -> Response:
    listing = await events.visible_event(session=session, event_id=event_id)
    if listing.event.status == EventStatus.cancelled:
        return render(request, "public/event.html", {"item": listing})
    context = await question_pages.section_context(
        request=request,
        session=session,
        listing=listing,
        voter=voter,
        sort=sort,
        sent=sent,
    )
    return render(request, "public/event.html", context)


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


@router.get("/municipalities/{slug}", name="municipality")
async def municipality_page(request: Request, slug: str, session: SessionDep) -> Response:
    municipality = await events.municipality_by_slug(session=session, slug=slug)
    if municipality is None:
        raise HTTPException(status_code=404)
    upcoming_filters = EventFilters(municipality=municipality.slug)
    past_filters = replace(upcoming_filters, past=True)
    context = {
        "municipality": municipality,
        "upcoming": await events.list_public_events(
            session=session, filters=upcoming_filters, per_page=MUNICIPALITY_UPCOMING
        ),
        "past": await events.list_public_events(
            session=session, filters=past_filters, per_page=MUNICIPALITY_PAST
        ),
        "upcoming_url": events_url(upcoming_filters),
        "past_url": events_url(past_filters),
    }
    return render(request, "public/municipality.html", context)
