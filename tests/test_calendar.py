"""Calendar feeds (RFC 5545): what they hold, their UIDs and statuses, and local times."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar

from app.db import Database
from app.models import EventKind, EventStatus, InvitationStatus, utcnow
from app.services import calendar, events
from tests.conftest import Browser, World
from tests.test_public_events import DAY, add_events, invite, make_cast, make_event

TIRANE = ZoneInfo("Europe/Tirane")


def parse(body: bytes | str) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def by_uid(feed: icalendar.Calendar) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in feed.walk("VEVENT")}


async def test_the_feed_lists_public_events_with_stable_uids_and_statuses(
    client: Browser, db: Database, world: World
) -> None:
    cast = await make_cast(db, world)
    now = utcnow()
    scheduled, cancelled, held, draft = await add_events(
        db,
        make_event(world, "Forumi për ujin", now + 2 * DAY, description="Rendi:\n1. Uji"),
        make_event(
            world,
            "Takimi i anuluar",
            now + 3 * DAY,
            kind=EventKind.meeting,
            status=EventStatus.cancelled,
            cancel_reason="Salla nuk është e lirë.",
        ),
        make_event(world, "Forumi i mbajtur", now - 10 * DAY, status=EventStatus.held),
        make_event(world, "Drafti", now + 4 * DAY, status=EventStatus.draft),
    )
    await invite(db, scheduled, (cast.candidates[0], InvitationStatus.confirmed))
    response = await client.get("/events.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    feed = parse(response.content)
    assert str(feed["VERSION"]) == "2.0"
    assert feed["PRODID"]
    events = by_uid(feed)
    assert set(events) == {f"event-{i}@testserver" for i in (scheduled, cancelled, held)}
    assert f"event-{draft}@testserver" not in events
    assert "Drafti" not in response.text

    forum = events[f"event-{scheduled}@testserver"]
    assert str(forum["SUMMARY"]) == "Forumi për ujin"
    assert str(forum["STATUS"]) == "CONFIRMED"
    assert str(forum["LOCATION"]) == "Salla e Këshillit, Durrës"
    assert str(forum["URL"]) == f"http://testserver/events/{scheduled}"
    assert "Rendi:\n1. Uji" in str(forum["DESCRIPTION"])
    assert "Ana Hoxha (PU)" in str(forum["DESCRIPTION"])
    assert forum["DTSTAMP"].dt.tzinfo is not None

    meeting = events[f"event-{cancelled}@testserver"]
    assert str(meeting["STATUS"]) == "CANCELLED"
    assert "Takimi i anuluar" in str(meeting["SUMMARY"])
    assert "Salla nuk është e lirë." in str(meeting["DESCRIPTION"])
    assert "STATUS:CANCELLED" in response.text

    again = by_uid(parse((await client.get("/events.ics")).content))
    assert set(again) == set(events)  # the same UIDs every time


async def test_times_are_local_with_tzid_across_the_dst_change(
    client: Browser, db: Database, world: World
) -> None:
    before, after = await add_events(
        db,
        # Saturday before the clocks go forward (CET, UTC+1) and Monday after (CEST, UTC+2)
        make_event(world, "Para ndryshimit", datetime(2026, 3, 28, 17, 0, tzinfo=UTC)),
        make_event(world, "Pas ndryshimit", datetime(2026, 3, 30, 16, 0, tzinfo=UTC)),
    )
    async with db.read() as session:
        body = await calendar.public_feed(
            session=session, base_url="https://pop.example", now=datetime(2026, 3, 1, tzinfo=UTC)
        )
    singles = [(await client.get(f"/events/{i}.ics")).content for i in (before, after)]
    for document in [body, *singles]:
        text = document.decode()
        feed = parse(document)
        assert [tz["TZID"] for tz in feed.walk("VTIMEZONE")] == ["Europe/Tirane"]
        for vevent in feed.walk("VEVENT"):
            start, end = vevent["DTSTART"], vevent["DTEND"]
            assert start.params["TZID"] == "Europe/Tirane"
            assert (start.dt.hour, start.dt.minute) == (18, 0)
            assert (end.dt.hour, end.dt.minute) == (20, 0)
            assert str(start.dt.tzinfo) == "Europe/Tirane"
        assert "DTSTART;TZID=Europe/Tirane:20260328T180000" in text or (
            "DTSTART;TZID=Europe/Tirane:20260330T180000" in text
        )
    starts = {str(e["UID"]): e["DTSTART"].dt.astimezone(UTC) for e in parse(body).walk("VEVENT")}
    assert starts == {
        f"event-{before}@pop.example": datetime(2026, 3, 28, 17, 0, tzinfo=UTC),
        f"event-{after}@pop.example": datetime(2026, 3, 30, 16, 0, tzinfo=UTC),
    }


async def test_the_feed_starts_ninety_days_back(db: Database, world: World) -> None:
    now = utcnow()
    await add_events(
        db,
        make_event(world, "Para 100 ditësh", now - 100 * DAY, status=EventStatus.held),
        make_event(world, "Para 80 ditësh", now - 80 * DAY, status=EventStatus.held),
        *[make_event(world, f"E ardhshme {n}", now + (n + 1) * DAY) for n in range(4)],
    )
    async with db.read() as session:
        body = await calendar.public_feed(session=session, base_url="http://x.example", now=now)
        listings = await events.feed_events(session=session, now=now, limit=3)
    summaries = [str(e["SUMMARY"]) for e in parse(body).walk("VEVENT")]
    assert summaries == ["Para 80 ditësh", *[f"E ardhshme {n}" for n in range(4)]]
    assert len(listings) == 3  # bounded


async def test_the_municipality_feed_has_only_its_events(
    client: Browser, db: Database, world: World
) -> None:
    shkoder = world.other_organization.municipality_id
    durres_id, shkoder_id = await add_events(
        db,
        make_event(world, "Në Durrës", utcnow() + DAY),
        make_event(
            world,
            "Në Shkodër",
            utcnow() + DAY,
            municipality_id=shkoder,
            organization_id=world.other_organization.id,
        ),
    )
    response = await client.get("/municipalities/shkoder/events.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert set(by_uid(parse(response.content))) == {f"event-{shkoder_id}@testserver"}
    assert "Shkodër" in str(parse(response.content)["X-WR-CALNAME"])
    assert (await client.get("/municipalities/atlantis/events.ics")).status_code == 404
    durres = by_uid(parse((await client.get("/municipalities/durres/events.ics")).content))
    assert set(durres) == {f"event-{durres_id}@testserver"}


async def test_one_event_as_a_calendar_file(client: Browser, db: Database, world: World) -> None:
    title = "Forum: çfarë premtojnë kandidatët për qytetarët/qytetaret?"
    [event_id] = await add_events(db, make_event(world, title, utcnow() + DAY))
    response = await client.get(f"/events/{event_id}.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert f"pop-event-{event_id}.ics" in response.headers["content-disposition"]
    [vevent] = parse(response.content).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == title  # Albanian letters and punctuation round-trip
    assert str(vevent["UID"]) == f"event-{event_id}@testserver"
    assert (await client.get(f"/events/{event_id + 1000}.ics")).status_code == 404


async def test_an_empty_feed_is_still_a_valid_calendar(client: Browser, db: Database) -> None:
    response = await client.get("/events.ics")
    assert response.status_code == 200
    feed = parse(response.content)
    assert list(feed.walk("VEVENT")) == []
    assert feed["PRODID"]


def test_uids_use_the_host_of_base_url() -> None:
    assert calendar.event_uid(event_id=7, base_url="https://forums.example.org:8443/x") == (
        "event-7@forums.example.org"
    )
    assert calendar.event_url(event_id=7, base_url="https://forums.example.org/") == (
        "https://forums.example.org/events/7"
    )
