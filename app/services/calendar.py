"""Calendar feeds (RFC 5545) of public events, in the app's timezone with its VTIMEZONE."""

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import EventStatus, Municipality, utcnow
from app.models.events import EVENT_YEARS
from app.services import events
from app.services.events import EventListing

logger = logging.getLogger("app")
CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//POP network//pop-forums//EN"
REFRESH = timedelta(hours=1)  # how often subscribed calendars should look again


def event_uid(*, event_id: int, base_url: str) -> str:
    """The stable UID of an event in every feed: event-{id}@{host of BASE_URL}."""
    return f"event-{event_id}@{urlsplit(base_url).hostname or 'localhost'}"


def event_url(*, event_id: int, base_url: str) -> str:
    """The public page of an event."""
    return f"{base_url.rstrip('/')}/events/{event_id}"


def _description(listing: EventListing, url: str) -> str:
    event = listing.event
    parts = [event.description.strip()] if event.description.strip() else []
    if event.status == EventStatus.cancelled:
        reason = (event.cancel_reason or "").strip()
        parts.append(_("Cancelled") + (f": {reason}" if reason else ""))
    present = [
        c.candidate.full_name + (f" ({c.party.abbreviation})" if c.party else "")
        for c in listing.present
    ]
    if present:
        parts.append(_("Candidates: %(names)s", names=", ".join(present)))
    parts.append(_("Organized by: %(organization)s", organization=listing.organization.name))
    parts.append(url)
    return "\n\n".join(parts)


def _vevent(
    listing: EventListing, *, base_url: str, zone: ZoneInfo, now: datetime
) -> icalendar.Event:
    event = listing.event
    event_id = event.id or 0
    url = event_url(event_id=event_id, base_url=base_url)
    cancelled = event.status == EventStatus.cancelled
    item = icalendar.Event()
    item.add("uid", event_uid(event_id=event_id, base_url=base_url))
    item.add("dtstamp", now)
    item.add("dtstart", event.starts_at.astimezone(zone))
    item.add("dtend", event.ends_at.astimezone(zone))
    item.add("created", event.created_at)
    item.add("last-modified", event.updated_at)
    title = _("Cancelled: %(title)s", title=event.title) if cancelled else event.title
    item.add("summary", title)
    item.add("location", f"{event.venue}, {listing.municipality.name}")
    item.add("description", _description(listing, url))
    item.add("url", url)
    item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return item


def _representable(listing: EventListing) -> bool:
    """An event in the years events may have (an older row outside them is left out of the
    feeds: its local time or the VTIMEZONE around it may not exist, and one such row must not
    break the feed for everyone)."""
    first, last = EVENT_YEARS
    return all(
        first <= moment.year <= last for moment in (listing.event.starts_at, listing.event.ends_at)
    )


def build_calendar(
    *,
    listings: Sequence[EventListing],
    base_url: str,
    name: str,
    timezone: str = "Europe/Tirane",
    now: datetime | None = None,
) -> bytes:
    """An iCalendar document of these events, local times with TZID and a VTIMEZONE."""
    zone = ZoneInfo(timezone)
    stamp = now or utcnow()
    skipped = [item.event.id for item in listings if not _representable(item)]
    if skipped:
        logger.warning("events %s left out of a calendar: their times are out of range", skipped)
        listings = [item for item in listings if _representable(item)]
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", timezone)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for listing in listings:
        calendar.add_component(_vevent(listing, base_url=base_url, zone=zone, now=stamp))
    if listings:
        first = min(item.event.starts_at for item in listings).astimezone(zone).date()
        last = max(item.event.ends_at for item in listings).astimezone(zone).date()
        calendar.add_missing_timezones(
            first_date=first - timedelta(days=366), last_date=last + timedelta(days=366)
        )
    return calendar.to_ical()


async def public_feed(
    *,
    session: AsyncSession,
    base_url: str,
    municipality: Municipality | None = None,
    timezone: str = "Europe/Tirane",
    now: datetime | None = None,
) -> bytes:
    """The feed of public events from 90 days ago onward, of one municipality or all."""
    listings = await events.feed_events(
        session=session, municipality_id=municipality.id if municipality else None, now=now
    )
    name = _("POP forums")
    if municipality is not None:
        name = f"{name} · {municipality.name}"
    return build_calendar(
        listings=listings, base_url=base_url, name=name, timezone=timezone, now=now
    )


def event_calendar(
    *,
    listing: EventListing,
    base_url: str,
    timezone: str = "Europe/Tirane",
    now: datetime | None = None,
) -> bytes:
    """A one-event calendar, for "Add to calendar"."""
    return build_calendar(
        listings=[listing],
        base_url=base_url,
        name=listing.event.title,
        timezone=timezone,
        now=now,
    )
