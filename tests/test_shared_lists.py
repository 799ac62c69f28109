"""The home page and the event list are rendered once per version and shared by every anonymous
visitor, each with their own token: a change to the events shows at once on the worker that
made it and within the second a worker keeps the version on the others; the language, the
filters and the page each have their own copy; a signed-in organizer's list is never shared.
Both databases."""

import asyncio
import re
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import update

from app import pagecache
from app.config import Settings
from app.db import Database
from app.models import Event, EventCandidate, EventStatus, InvitationStatus, utcnow
from app.pages import event_list
from app.services import events
from tests.conftest import Browser, Stage, World
from tests.test_public_events import (
    DAY,
    HOUR,
    add_events,
    counting_statements,
    invite,
    make_event,
    selects,
)

PATHS = ("/", "/events", "/events?kind=forum")
TOKEN_IN = re.compile(r'name="csrf_token" value="([^"]+)"')


class Clock:
    """The clock by which a worker keeps the version of the events (pagecache.monotonic)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def next_second(self) -> None:
        """As a visitor sees the list once the version is read again."""
        self.now += pagecache.VERSION_SECONDS


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    ticking = Clock()
    monkeypatch.setattr(pagecache, "monotonic", ticking)
    return ticking


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The filters of every list rendered (not served from the shared copy)."""
    seen: list[dict[str, Any]] = []
    real = events.list_public_events

    async def counting(**kwargs: Any) -> events.Page[events.EventListing]:
        seen.append(kwargs)
        return await real(**kwargs)

    monkeypatch.setattr(events, "list_public_events", counting)
    return seen


def tokens(html: str) -> set[str]:
    return set(TOKEN_IN.findall(html))


async def edit_event(db: Database, event_id: int, **values: Any) -> None:
    async with db.write() as session:
        await session.execute(
            update(Event)
            .where(Event.id == event_id)  # type: ignore[arg-type]
            .values(**values, updated_at=utcnow())
        )
        await session.commit()


@pytest.mark.parametrize("path", ["/", "/events"])
async def test_one_render_serves_every_visitor_each_with_their_own_token(
    citizen: Browser, neighbour: Browser, db: Database, world: World, renders: list[Any], path: str
) -> None:
    await add_events(db, make_event(world, "Forumi për ujin", utcnow() + DAY))
    pages = [await b.get(path) for b in (citizen, neighbour, citizen)]
    assert [p.status_code for p in pages] == [200, 200, 200]
    assert all("Forumi për ujin" in p.text for p in pages)
    assert len(renders) == 1
    mine, theirs, mine_again = (tokens(p.text) for p in pages)
    assert len(mine) == len(theirs) == 1
    assert mine == mine_again
    assert mine != theirs  # each browser its own token, none left as a placeholder
    assert "csrf-" not in pages[1].text
    assert "private" in pages[1].headers["cache-control"]


@pytest.mark.parametrize("path", ["/", "/events"])
async def test_a_new_edited_or_cancelled_event_shows_at_once_on_this_worker(
    citizen: Browser, db: Database, world: World, path: str
) -> None:
    assert "No events are scheduled right now" in (await citizen.get(path)).text
    (event_id,) = await add_events(db, make_event(world, "Forumi për ujin", utcnow() + DAY))
    assert "Forumi për ujin" in (await citizen.get(path)).text  # the clock has not moved
    await edit_event(db, event_id, title="Forumi për rrugët")
    html = (await citizen.get(path)).text
    assert "Forumi për rrugët" in html
    assert "Forumi për ujin" not in html
    await edit_event(db, event_id, status=EventStatus.cancelled, cancel_reason="Shi i madh")
    html = (await citizen.get(path)).text
    assert "is-cancelled" in html
    assert "Shi i madh" in html


@pytest.mark.parametrize("path", ["/", "/events"])
async def test_a_change_made_on_another_worker_shows_within_a_second(
    citizen: Browser, db: Database, settings: Settings, world: World, clock: Clock, path: str
) -> None:
    other_worker = Database(settings)
    try:
        assert "No events are scheduled right now" in (await citizen.get(path)).text
        (event_id,) = await add_events(other_worker, make_event(world, "Forumi", utcnow() + DAY))
        assert "Forumi" not in (await citizen.get(path)).text  # this worker's version: 1 s old
        clock.next_second()
        assert "Forumi" in (await citizen.get(path)).text
        await edit_event(other_worker, event_id, title="Forumi për rrugët")
        clock.next_second()
        assert "Forumi për rrugët" in (await citizen.get(path)).text
    finally:
        await other_worker.dispose()


async def test_a_confirmed_candidate_shows_within_a_second(
    citizen: Browser, db: Database, stage: Stage, clock: Clock
) -> None:
    (event_id,) = await add_events(db, make_event(stage.world, "Forumi", utcnow() + DAY))
    await invite(db, event_id, (stage.anila, InvitationStatus.invited))
    assert "Anila Toska" not in (await citizen.get("/events")).text
    async with db.write() as session:
        await session.execute(
            update(EventCandidate)
            .where(EventCandidate.event_id == event_id)  # type: ignore[arg-type]
            .values(status=InvitationStatus.confirmed, updated_at=utcnow())
        )
        await session.commit()
    clock.next_second()
    assert "Anila Toska" in (await citizen.get("/events")).text
    await invite(db, event_id, (stage.besa, InvitationStatus.confirmed))  # one more: the count
    clock.next_second()
    assert "Besa Çuni" in (await citizen.get("/events")).text


async def test_an_event_leaves_the_upcoming_list_once_it_has_ended(
    citizen: Browser, db: Database, world: World, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    start = utcnow() + HOUR
    await add_events(db, make_event(world, "Forumi i sotëm", start))
    assert "Forumi i sotëm" in (await citizen.get("/events")).text
    later: datetime = start + 3 * HOUR  # it ended an hour ago
    monkeypatch.setattr(event_list, "utcnow", lambda: later)
    clock.next_second()
    assert "Forumi i sotëm" not in (await citizen.get("/events")).text
    assert "Forumi i sotëm" in (await citizen.get("/events?when=past")).text
    assert "Forumi i sotëm" not in (await citizen.get("/")).text


async def test_a_signed_in_organizer_sees_a_change_at_once(
    client: Browser, neighbour: Browser, db: Database, world: World
) -> None:
    await client.sign_in(world.organizer.email)
    assert "Forumi për ujin" not in (await neighbour.get("/events")).text
    await add_events(db, make_event(world, "Forumi për ujin", utcnow() + DAY))
    assert "Forumi për ujin" in (await client.get("/events")).text  # their own, as of now


@pytest.mark.parametrize("path", ["/", "/events"])
async def test_each_language_has_its_own_copy(
    client: Browser, db: Database, world: World, renders: list[Any], path: str
) -> None:
    await add_events(db, make_event(world, "Forumi", utcnow() + DAY))
    albanian = await client.get(path, headers={"Accept-Language": "sq"})
    english = await client.get(path, headers={"Accept-Language": "en"})
    again = await client.get(path, headers={"Accept-Language": "sq"})
    assert '<html lang="sq">' in albanian.text
    assert '<html lang="en">' in english.text
    assert "Upcoming events" in english.text
    assert "Upcoming events" not in albanian.text
    assert again.text.replace(next(iter(tokens(again.text))), "") == albanian.text.replace(
        next(iter(tokens(albanian.text))), ""
    )
    assert len(renders) == 2


async def test_each_filter_page_and_fragment_has_its_own_copy(
    citizen: Browser, db: Database, world: World
) -> None:
    now = utcnow()
    shkoder = world.other_organization.municipality_id
    await add_events(
        db,
        *[make_event(world, f"Forumi {n:02}", now + (n + 1) * DAY) for n in range(22)],
        make_event(
            world,
            "Forumi i Shkodrës",
            now + 30 * DAY,
            municipality_id=shkoder,
            organization_id=world.other_organization.id,
        ),
        make_event(world, "Forumi i kaluar", now - DAY, status=EventStatus.held),
    )
    everything = (await citizen.get("/events")).text
    assert "Forumi 00" in everything
    assert "Forumi 21" not in everything  # on the second page
    assert "Forumi i kaluar" not in everything
    durres = (await citizen.get("/events?municipality=durres")).text
    assert "Forumi i Shkodrës" not in durres
    assert 'value="durres" selected' in durres
    shkodra = (await citizen.get("/events?municipality=shkoder")).text
    assert "Forumi i Shkodrës" in shkodra
    assert "Forumi 00" not in shkodra
    second = (await citizen.get("/events?page=2")).text
    assert "Forumi 21" in second
    assert "Forumi 00" not in second
    past = (await citizen.get("/events?when=past")).text
    assert "Forumi i kaluar" in past
    assert "Forumi 00" not in past
    # the form's address, with its empty fields, comes back to itself through the language form
    untidy = (await citizen.get("/events?municipality=&kind=&election=")).text
    back = "/lang?next=%2Fevents%3Fmunicipality%3D%26kind%3D%26election%3D"
    assert f'formaction="{back}"' in untidy
    fragment = await citizen.get(
        "/events?municipality=shkoder&kind=", headers={"HX-Request": "true"}
    )
    assert fragment.headers["hx-push-url"] == "/events?municipality=shkoder"
    assert "<html" not in fragment.text
    assert "Forumi i Shkodrës" in fragment.text
    full = await citizen.get("/events?municipality=shkoder&kind=")
    assert "<html" in full.text  # the fragment's copy is not the page's
    assert full.headers["hx-push-url"] == "/events?municipality=shkoder"


@pytest.mark.parametrize("path", ["/", "/events"])
async def test_a_signed_in_organizer_never_gets_or_leaves_a_shared_page(
    citizen: Browser,
    neighbour: Browser,
    db: Database,
    world: World,
    renders: list[Any],
    path: str,
) -> None:
    await add_events(db, make_event(world, "Forumi", utcnow() + DAY))
    before = (await neighbour.get(path)).text
    assert "Sign out" not in before
    await citizen.sign_in(world.organizer.email)
    renders.clear()
    organizer = (await citizen.get(path)).text
    assert "Sign out" in organizer
    assert "Organizer area" in organizer
    assert len(renders) == 1  # rendered for them, not the copy the neighbour got
    after = (await neighbour.get(path)).text
    assert "Sign out" not in after
    assert "Organizer area" not in after
    assert tokens(after) == tokens(before)
    assert len(renders) == 1  # the neighbour's from the shared copy, which is still theirs


async def test_visitors_at_once_share_one_read_of_the_version(
    citizen: Browser, neighbour: Browser, db: Database, world: World, clock: Clock
) -> None:
    await add_events(db, make_event(world, "Forumi", utcnow() + DAY))
    await citizen.get("/events")
    clock.next_second()
    with counting_statements(db) as statements:
        pages = await asyncio.gather(*(b.get(p) for b in (citizen, neighbour) for p in PATHS * 5))
    assert [p.status_code for p in pages] == [200] * len(pages), [
        p.text[:300] for p in pages if p.status_code != 200
    ]
    assert all("Forumi" in p.text for p in pages)
    versions = [s for s in selects(statements) if "count(event_candidate.event_id)" in s]
    assert len(versions) == 1
    with counting_statements(db) as statements:
        await neighbour.get("/events")
    assert statements == []  # within the second: no database at all
