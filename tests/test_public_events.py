"""The public side of scheduling: the event list and its filters, one event, a municipality."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.models import (
    Candidate,
    Election,
    ElectionKind,
    Event,
    EventCandidate,
    EventKind,
    EventStatus,
    InvitationStatus,
    Office,
    Party,
    utcnow,
)
from app.services import events
from app.services.events import EventFilters
from tests.conftest import Browser, World

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@dataclass
class Cast:
    """An election with two parties and four candidates in Durrës."""

    election: Election
    other_election: Election
    parties: list[Party]
    candidates: list[Candidate]  # Ana (PU), Besa (AL), Çlirim (independent), Dea (PU)


def make_event(world: World, title: str, start: datetime, **values: Any) -> Event:
    """A public forum in Durrës, two hours long, unless told otherwise."""
    fields: dict[str, Any] = {
        "kind": EventKind.forum,
        "municipality_id": world.municipality.id,
        "organization_id": world.organization.id,
        "venue": "Salla e Këshillit",
        "status": EventStatus.scheduled,
        "ends_at": start + 2 * HOUR,
        **values,
    }
    return Event(title=title, starts_at=start, **fields)


async def add_events(db: Database, *new: Event) -> list[int]:
    async with db.write() as session:
        session.add_all(new)
        await session.commit()
    return [e.id or 0 for e in new]


async def make_cast(db: Database, world: World) -> Cast:
    async with db.write() as session:
        election = Election(
            name="Zgjedhjet vendore 2027", kind=ElectionKind.local, election_date=date(2027, 5, 9)
        )
        other = Election(
            name="Zgjedhjet e pjesshme 2022",
            kind=ElectionKind.partial_local,
            election_date=date(2022, 3, 6),
        )
        parties = [
            Party(name="Partia e Urave", abbreviation="PU", color="#1F6FEB"),
            Party(name="Aleanca e Lumenjve", abbreviation="AL", color="#0E7490"),
        ]
        session.add_all([election, other, *parties])
        await session.flush()
        candidates = [
            Candidate(
                full_name=name,
                party_id=party.id if party else None,
                election_id=election.id or 0,
                municipality_id=world.municipality.id or 0,
                office=Office.mayor,
            )
            for name, party in [
                ("Ana Hoxha", parties[0]),
                ("Besa Lika", parties[1]),
                ("Çlirim Daci", None),
                ("Dea Muça", parties[0]),
            ]
        ]
        session.add_all(candidates)
        await session.commit()
    return Cast(election, other, parties, candidates)


async def invite(db: Database, event_id: int, *pairs: tuple[Candidate, InvitationStatus]) -> None:
    async with db.write() as session:
        session.add_all(
            EventCandidate(event_id=event_id, candidate_id=c.id or 0, status=status)
            for c, status in pairs
        )
        await session.commit()


async def public_titles(db: Database, filters: EventFilters, **kwargs: Any) -> list[str]:
    async with db.read() as session:
        found = await events.list_public_events(session=session, filters=filters, **kwargs)
    return [item.event.title for item in found.items]


@contextmanager
def counting_statements(db: Database) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    sa_event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(db.engine.sync_engine, "before_cursor_execute", count)


def selects(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("SELECT")]


# --- the service --------------------------------------------------------------------------


async def test_upcoming_soonest_first_and_the_archive_newest_first_never_drafts(
    db: Database, world: World
) -> None:
    now = utcnow()
    await add_events(
        db,
        make_event(world, "later", now + 5 * DAY),
        make_event(world, "sooner", now + 2 * DAY),
        make_event(world, "going on now", now - HOUR),  # not ended: still upcoming
        make_event(world, "cancelled soon", now + 3 * DAY, status=EventStatus.cancelled),
        make_event(world, "draft soon", now + DAY, status=EventStatus.draft),
        make_event(world, "held long ago", now - 30 * DAY, status=EventStatus.held),
        make_event(world, "held last week", now - 7 * DAY, status=EventStatus.held),
        make_event(world, "ended, never reported", now - 3 * DAY),
        make_event(world, "draft of the past", now - 2 * DAY, status=EventStatus.draft),
    )
    upcoming = await public_titles(db, EventFilters())
    assert upcoming == ["going on now", "sooner", "cancelled soon", "later"]
    past = await public_titles(db, EventFilters(past=True))
    assert past == ["ended, never reported", "held last week", "held long ago"]


async def test_filters_by_municipality_kind_election_and_start(db: Database, world: World) -> None:
    cast = await make_cast(db, world)
    shkoder = world.other_organization.municipality_id
    start = utcnow() + DAY
    await add_events(
        db,
        make_event(world, "Durrës forum", start, election_id=cast.election.id),
        make_event(world, "Durrës fair", start + DAY, kind=EventKind.fair),
        make_event(
            world,
            "Shkodër forum",
            start + 2 * DAY,
            municipality_id=shkoder,
            organization_id=world.other_organization.id,
            election_id=cast.other_election.id,
        ),
    )
    assert await public_titles(db, EventFilters(municipality="durres")) == [
        "Durrës forum",
        "Durrës fair",
    ]
    assert await public_titles(db, EventFilters(municipality="shkoder")) == ["Shkodër forum"]
    assert await public_titles(db, EventFilters(municipality="nowhere")) == []
    assert await public_titles(db, EventFilters(kind=EventKind.forum)) == [
        "Durrës forum",
        "Shkodër forum",
    ]
    assert await public_titles(db, EventFilters(election_id=cast.election.id)) == ["Durrës forum"]
    both = EventFilters(municipality="durres", kind=EventKind.fair)
    assert await public_titles(db, both) == ["Durrës fair"]
    window = EventFilters(starts_from=start + HOUR, starts_to=start + 2 * DAY)
    assert await public_titles(db, window) == ["Durrës fair"]  # from inclusive, to exclusive


async def test_pages_count_across_the_whole_list(db: Database, world: World) -> None:
    start = utcnow() + DAY
    await add_events(
        db, *[make_event(world, f"event {n:02d}", start + n * HOUR) for n in range(45)]
    )
    seen: list[str] = []
    async with db.read() as session:
        for number, size in [(1, 20), (2, 20), (3, 5)]:
            page = await events.list_public_events(
                session=session, filters=EventFilters(), page=number
            )
            assert (page.page, page.per_page, page.total, page.pages) == (number, 20, 45, 3)
            assert len(page.items) == size
            assert page.has_previous == (number > 1)
            assert page.has_next == (number < 3)
            seen += [item.event.title for item in page.items]
        beyond = await events.list_public_events(session=session, filters=EventFilters(), page=9)
    assert seen == [f"event {n:02d}" for n in range(45)]
    assert beyond.items == []
    assert beyond.total == 45


async def test_an_event_carries_every_invitation_by_name_with_party(
    db: Database, world: World
) -> None:
    cast = await make_cast(db, world)
    ana, besa, clirim, dea = cast.candidates
    [event_id] = await add_events(db, make_event(world, "Forum", utcnow() + DAY))
    await invite(
        db,
        event_id,
        (dea, InvitationStatus.declined),
        (clirim, InvitationStatus.confirmed),
        (besa, InvitationStatus.invited),
        (ana, InvitationStatus.confirmed),
    )
    async with db.read() as session:
        listing = await events.get_event(session=session, event_id=event_id)
        missing = await events.get_event(session=session, event_id=event_id + 1000)
    assert missing is None
    assert listing is not None
    assert listing.municipality.slug == "durres"
    assert listing.organization.id == world.organization.id
    assert [(c.candidate.full_name, c.status) for c in listing.candidates] == [
        ("Ana Hoxha", InvitationStatus.confirmed),
        ("Besa Lika", InvitationStatus.invited),
        ("Çlirim Daci", InvitationStatus.confirmed),
        ("Dea Muça", InvitationStatus.declined),
    ]
    assert [c.party.abbreviation if c.party else None for c in listing.candidates] == [
        "PU",
        "AL",
        None,
        "PU",
    ]
    assert [c.candidate.full_name for c in listing.present] == ["Ana Hoxha", "Çlirim Daci"]


async def _page_statements(db: Database, world: World, cast: Cast, count: int) -> list[str]:
    start = utcnow() + DAY
    ids = await add_events(
        db,
        *[
            make_event(world, f"n{n}", start + n * HOUR, election_id=cast.election.id)
            for n in range(count)
        ],
    )
    for event_id in ids:
        await invite(db, event_id, *[(c, InvitationStatus.confirmed) for c in cast.candidates[:3]])
    with counting_statements(db) as statements:
        async with db.read() as session:
            page = await events.list_public_events(session=session, filters=EventFilters())
    assert len(page.items) == count
    assert all(len(item.candidates) == 3 for item in page.items)
    return statements


async def test_a_page_of_events_takes_a_fixed_number_of_statements(
    db: Database, world: World, client: Browser
) -> None:
    cast = await make_cast(db, world)
    few = await _page_statements(db, world, cast, 2)
    async with db.write() as session:
        await _delete_events(session)
    many = await _page_statements(db, world, cast, 20)
    assert len(selects(many)) == len(selects(few)) == 3  # count, the page, its candidates
    assert len(many) == len(few)

    with counting_statements(db) as whole_page:
        response = await client.get("/events")
    assert response.status_code == 200
    assert response.text.count('class="event-item') == 20
    assert len(selects(whole_page)) <= 6  # plus the filter choices


async def _delete_events(session: AsyncSession) -> None:
    from sqlalchemy import delete

    await session.execute(delete(EventCandidate))
    await session.execute(delete(Event))
    await session.commit()


# --- the pages ----------------------------------------------------------------------------


async def test_the_list_filters_paginates_and_keeps_the_filters_in_its_links(
    client: Browser, db: Database, world: World
) -> None:
    shkoder = world.other_organization.municipality_id
    start = utcnow() + DAY
    await add_events(
        db,
        *[make_event(world, f"Forum i Durrësit nr. {n:02d}", start + n * HOUR) for n in range(25)],
        make_event(world, "Panair në Durrës", start, kind=EventKind.fair),
        make_event(
            world,
            "Forum në Shkodër",
            start,
            municipality_id=shkoder,
            organization_id=world.other_organization.id,
        ),
    )
    first = await client.get("/events?municipality=durres&kind=forum")
    assert first.status_code == 200
    html = first.text
    assert html.count('class="event-item') == 20
    assert "Panair në Durrës" not in html
    assert "Forum në Shkodër" not in html
    assert ": 25" in html  # "Upcoming events found: 25" in either language
    assert 'href="/events?municipality=durres&amp;kind=forum&amp;page=2"' in html
    assert '<option value="durres" selected>' in html
    assert '<option value="forum" selected>' in html
    assert 'href="/events?municipality=durres&amp;kind=forum&amp;when=past"' in html  # the tab

    second = (await client.get("/events?municipality=durres&kind=forum&page=2")).text
    assert second.count('class="event-item') == 5
    assert "Forum i Durrësit nr. 24" in second
    assert "Forum i Durrësit nr. 00" not in second
    assert 'href="/events?municipality=durres&amp;kind=forum"' in second  # back to page 1
    assert "page=3" not in second

    everything = (await client.get("/events")).text
    assert ": 27" in everything
    assert 'href="/events?page=2"' in everything


async def test_unknown_filter_values_mean_any(client: Browser, db: Database, world: World) -> None:
    await add_events(db, make_event(world, "Forum", utcnow() + DAY))
    response = await client.get("/events?kind=bogus&election=abc&municipality=&when=whenever")
    assert response.status_code == 200
    assert "Forum" in response.text
    empty = await client.get("/events?municipality=atlantis")
    assert empty.status_code == 200
    assert 'class="event-item' not in empty.text
    assert 'class="empty"' in empty.text


async def test_an_empty_list_says_so(client: Browser, db: Database, world: World) -> None:
    html = (await client.get("/events", headers={"Accept-Language": "en"})).text
    assert "No events are scheduled right now" in html
    past = (await client.get("/events?when=past", headers={"Accept-Language": "en"})).text
    assert "No past events match these filters" in past


async def test_past_and_upcoming_are_split(client: Browser, db: Database, world: World) -> None:
    now = utcnow()
    await add_events(
        db,
        make_event(world, "Forumi që vjen", now + DAY),
        make_event(world, "Forumi që u mbajt", now - 10 * DAY, status=EventStatus.held),
    )
    upcoming = (await client.get("/events")).text
    past = (await client.get("/events?when=past")).text
    assert "Forumi që vjen" in upcoming
    assert "Forumi që u mbajt" not in upcoming
    assert "Forumi që u mbajt" in past
    assert "Forumi që vjen" not in past
    assert '<input type="hidden" name="when" value="past">' in past


async def test_drafts_are_never_public(client: Browser, db: Database, world: World) -> None:
    now = utcnow()
    public_id, draft_id, old_draft_id = await add_events(
        db,
        make_event(world, "Forumi publik", now + DAY),
        make_event(world, "Drafti sekret", now + 2 * DAY, status=EventStatus.draft),
        make_event(world, "Drafti i vjetër", now - 2 * DAY, status=EventStatus.draft),
    )
    for path in ["/", "/events", "/events?when=past", "/municipalities/durres"]:
        html = (await client.get(path)).text
        assert "Drafti" not in html, path
    assert "Forumi publik" in (await client.get("/events")).text
    assert (await client.get(f"/events/{public_id}")).status_code == 200
    for event_id in (draft_id, old_draft_id):
        assert (await client.get(f"/events/{event_id}")).status_code == 404
        assert (await client.get(f"/events/{event_id}.ics")).status_code == 404
    assert (await client.get("/events/999999")).status_code == 404


async def test_a_cancelled_event_is_marked_with_its_reason(
    client: Browser, db: Database, world: World
) -> None:
    [event_id] = await add_events(
        db,
        make_event(
            world,
            "Forumi i anuluar",
            utcnow() + DAY,
            status=EventStatus.cancelled,
            cancel_reason="Salla u përmbyt; data e re do të njoftohet.",
        ),
    )
    english = {"Accept-Language": "en"}
    listing = (await client.get("/events", headers=english)).text
    assert "is-cancelled" in listing
    assert "badge-cancelled" in listing
    assert "Salla u përmbyt; data e re do të njoftohet." in listing
    page = (await client.get(f"/events/{event_id}", headers=english)).text
    assert "This event has been cancelled." in page
    assert "Salla u përmbyt; data e re do të njoftohet." in page
    assert f"/events/{event_id}.ics" not in page  # nothing to add to a calendar
    albanian = (await client.get(f"/events/{event_id}")).text
    assert "Anuluar" in albanian


async def test_html_from_the_database_is_shown_as_text(
    client: Browser, db: Database, world: World
) -> None:
    [event_id] = await add_events(
        db,
        make_event(
            world,
            '<script>alert("x")</script> Forum',
            utcnow() + DAY,
            description='<b>Rendi i ditës</b>\n1. Uji\n2. <a href="https://evil.example">Rrugët</a>',
            venue="<i>Salla</i>",
        ),
    )
    for path in ["/events", f"/events/{event_id}", "/", "/municipalities/durres"]:
        html = (await client.get(path)).text
        assert '<script>alert("x")' not in html, path
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Forum" in html, path
        assert "<i>Salla</i>" not in html
    page = (await client.get(f"/events/{event_id}")).text
    assert "<b>Rendi" not in page
    assert 'href="https://evil.example"' not in page
    # the line breaks are kept as text, shown by CSS (white-space: pre-line)
    assert '<div class="text">&lt;b&gt;Rendi i ditës&lt;/b&gt;\n1. Uji\n2. &lt;a' in page


async def test_albanian_text_round_trips(client: Browser, db: Database, world: World) -> None:
    title = "Çështjet e ujësjellësit: çfarë premtojnë kandidatët për qytetarët/qytetaret?"
    description = "Pyetje për ujin, rrugët dhe mbetjet.\nHyrja është e lirë për të gjithë."
    [event_id] = await add_events(
        db,
        make_event(world, title, utcnow() + DAY, description=description, venue="Sheshi Liria"),
    )
    for path in ["/events", f"/events/{event_id}", "/municipalities/durres"]:
        assert title in (await client.get(path)).text, path
    page = (await client.get(f"/events/{event_id}")).text
    assert description in page
    assert "Sheshi Liria, Durrës" in page or "Sheshi Liria, <a" in page


async def test_the_event_page_shows_confirmed_candidates_with_their_party(
    client: Browser, db: Database, world: World
) -> None:
    cast = await make_cast(db, world)
    ana, besa, clirim, dea = cast.candidates
    start = utcnow() + 3 * DAY
    [event_id] = await add_events(
        db,
        make_event(world, "Forumi me kandidatët", start, election_id=cast.election.id, capacity=80),
    )
    await invite(
        db,
        event_id,
        (ana, InvitationStatus.confirmed),
        (besa, InvitationStatus.invited),
        (clirim, InvitationStatus.confirmed),
        (dea, InvitationStatus.declined),
    )
    html = (await client.get(f"/events/{event_id}", headers={"Accept-Language": "en"})).text
    confirmed = html[html.index("candidates-heading") : html.index("invitations")]
    assert "Ana Hoxha" in confirmed
    assert "Çlirim Daci" in confirmed
    assert "Besa Lika" not in confirmed
    assert "Dea Muça" not in confirmed
    assert '<abbr title="Partia e Urave">PU</abbr>' in confirmed
    assert 'fill="#1F6FEB"' in confirmed  # the party colour, as an SVG attribute
    assert "Independent" in confirmed
    rest = html[html.index("invitations") :]
    assert "Besa Lika (AL)" in rest
    assert "Dea Muça (PU)" in rest
    assert "Zgjedhjet vendore 2027" in html
    assert world.organization.name in html
    assert f'href="/events/{event_id}.ics"' in html
    assert "{% block" not in html
    listing = (await client.get("/events")).text
    who = listing[listing.index("Forumi me kandidatët") :]
    assert "Ana Hoxha" in who
    assert "Çlirim Daci" in who
    assert "Besa Lika" not in who


async def test_an_event_without_confirmed_candidates_says_so(
    client: Browser, db: Database, world: World
) -> None:
    cast = await make_cast(db, world)
    [event_id] = await add_events(db, make_event(world, "Forumi pa kandidatë", utcnow() + DAY))
    await invite(db, event_id, (cast.candidates[0], InvitationStatus.invited))
    english = {"Accept-Language": "en"}
    assert "No candidates confirmed yet" in (await client.get("/events", headers=english)).text
    page = (await client.get(f"/events/{event_id}", headers=english)).text
    assert "No candidates confirmed yet" in page


async def test_a_held_event_shows_its_closing_report(
    client: Browser, db: Database, world: World
) -> None:
    [event_id] = await add_events(
        db,
        make_event(
            world,
            "Forumi i mbajtur",
            utcnow() - 5 * DAY,
            status=EventStatus.held,
            report_attendees=92,
            report_summary="Qytetarët pyetën për ujin.\nKandidatët u zotuan.",
            report_participants="Media vendore, Qendra Rinore",
        ),
    )
    html = (await client.get(f"/events/{event_id}", headers={"Accept-Language": "en"})).text
    assert "How it went" in html
    assert "92" in html
    assert "Qytetarët pyetën për ujin.\nKandidatët u zotuan." in html
    assert "Media vendore, Qendra Rinore" in html


async def test_htmx_gets_only_the_results_fragment(
    client: Browser, db: Database, world: World
) -> None:
    await add_events(db, make_event(world, "Forumi", utcnow() + DAY))
    fragment = await client.get(
        "/events?municipality=&kind=forum&election=", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    assert fragment.headers["hx-push-url"] == "/events?kind=forum"  # without the empty fields
    assert "HX-Request" in fragment.headers["vary"]
    assert "<html" not in fragment.text
    assert "<form" not in fragment.text
    assert 'class="event-list"' in fragment.text
    assert "Forumi" in fragment.text
    full = await client.get("/events?kind=forum")
    assert "HX-Request" in full.headers["vary"]
    assert "<html" in full.text
    assert 'hx-get="/events"' in full.text
    assert 'id="event-results"' in full.text
    restore = await client.get(
        "/events", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.text


async def test_the_municipality_page_has_its_events_and_archive(
    client: Browser, db: Database, world: World
) -> None:
    now = utcnow()
    shkoder = world.other_organization.municipality_id
    await add_events(
        db,
        make_event(world, "Forumi i Durrësit", now + DAY),
        make_event(
            world,
            "Forumi i Shkodrës",
            now + DAY,
            municipality_id=shkoder,
            organization_id=world.other_organization.id,
        ),
        *[
            make_event(world, f"I mbajtur {n}", now - (n + 1) * DAY, status=EventStatus.held)
            for n in range(7)
        ],
    )
    response = await client.get("/municipalities/durres", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    html = response.text
    assert "Durrës" in html
    assert "Forumi i Durrësit" in html
    assert "Forumi i Shkodrës" not in html
    assert "I mbajtur 0" in html
    assert "I mbajtur 6" not in html  # the archive is limited …
    assert 'href="/events?municipality=durres&amp;when=past"' in html  # … with a link to all
    assert "Social contract" in html
    assert 'href="/municipalities/durres/events.ics"' in html
    assert (await client.get("/municipalities/atlantis")).status_code == 404


async def test_the_home_page_shows_the_next_six_and_links_to_all(
    client: Browser, db: Database, world: World
) -> None:
    start = utcnow() + DAY
    await add_events(db, *[make_event(world, f"Ngjarja {n}", start + n * DAY) for n in range(8)])
    html = (await client.get("/")).text
    assert html.count('class="event-item') == 6
    assert "Ngjarja 5" in html
    assert "Ngjarja 6" not in html
    assert 'href="/events"' in html
    assert "(8)" in html


async def test_public_pages_have_no_inline_script_or_style(
    client: Browser, db: Database, world: World
) -> None:
    cast = await make_cast(db, world)
    [event_id] = await add_events(db, make_event(world, "Forumi", utcnow() + DAY))
    await invite(db, event_id, (cast.candidates[0], InvitationStatus.confirmed))
    for path in ["/events", f"/events/{event_id}", "/municipalities/durres", "/"]:
        html = (await client.get(path)).text
        assert "style=" not in html, path
        assert "<style" not in html, path
        assert re.search(r"<script[^>]*>\s*[^<\s]", html) is None, path
        assert re.search(r"\son[a-z]+=", html) is None, path  # no inline event handlers
