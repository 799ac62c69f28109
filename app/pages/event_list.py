"""The public lists of events (/ and /events): their context, the addresses of the filters,
and the shared copies every anonymous visitor gets.

A list is the same for every visitor who is not signed in but for the CSRF token, so it is
rendered once per version of the events (services/events.py `list_version`) and kept in
`app.state.list_pages` (app/pagecache.py). A worker reads the version at most once a second
(`app.state.list_versions`, as the event page's) and again after any commit of its own, so a
change to the events shows at once on the worker that made it and within the second on the
others; the names of places, organizations, elections and candidates the lists show may be as
old as the cache's time to live.
"""

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app import i18n
from app.db import Database
from app.models import EventKind, utcnow
from app.pagecache import RecentVersions, SharedHtml
from app.services import events
from app.services.events import EventFilters
from app.templating import is_htmx, render, render_shared, shared_response

# what a list's page shows, read in this session as of this moment
ContextMaker = Callable[[AsyncSession, datetime], Awaitable[dict[str, Any]]]


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
    *, session: AsyncSession, filters: EventFilters, page: int, now: datetime | None = None
) -> dict[str, Any]:
    """One page of the list, the filter form's choices and the links that change them."""
    found = await events.list_public_events(
        session=session, filters=filters, page=page, per_page=PER_PAGE, now=now
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


async def list_page(
    request: Request,
    db: Database,
    template: str,
    make_context: ContextMaker,
    *,
    block: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The list rendered for whoever is signed in; for everyone else, the shared copy of this
    version, language, address and kind of request (a whole page, or the block for htmx)."""
    if getattr(request.state, "principal", None) is not None:  # never shared, never cached
        async with db.read() as session:
            context = await make_context(session, utcnow())
        return render(request, template, context, block=block, headers=headers)
    versions: RecentVersions = request.app.state.list_versions
    versions.follow(db.engine.sync_engine)  # its own changes: at once
    version = await versions.read("events", lambda: _read_version(db))

    async def render_page() -> SharedHtml:
        async with db.read() as session:  # as of now: never older than the version
            context = await make_context(session, utcnow())
        return render_shared(request, template, context, block=block)

    # the whole page shows its own address (the language form comes back to it)
    htmx = block is not None and is_htmx(request)
    key = (request.url.path, request.url.query, htmx, i18n.get_locale(), version)
    page = await request.app.state.list_pages.get(key, render_page)
    return shared_response(request, page, None, headers=headers)


async def _read_version(db: Database) -> str:
    async with db.snapshot() as connection:
        return await events.list_version(connection=connection, now=utcnow())
