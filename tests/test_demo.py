"""The demo data: the bulletin's network, elections and events, the demo users, the rules."""

import re
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from itertools import combinations
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlmodel import col

from app import demo
from app.db import Database
from app.models import (
    AuditEntry,
    Candidate,
    Election,
    ElectionKind,
    ElectionMunicipality,
    Event,
    EventCandidate,
    EventKind,
    EventStatus,
    InvitationStatus,
    Municipality,
    Organization,
    Party,
    Role,
    Topic,
)
from app.services import accounts

TIRANE = ZoneInfo("Europe/Tirane")
TODAY = date(2026, 3, 2)
SLUGS = {
    "tirane": "Tiranë",
    "durres": "Durrës",
    "vlore": "Vlorë",
    "kamez": "Kamëz",
    "fier": "Fier",
    "shkoder": "Shkodër",
    "puke": "Pukë",
    "kukes": "Kukës",
    "pogradec": "Pogradec",
    "korce": "Korçë",
    "vau-i-dejes": "Vau i Dejës",
    "elbasan": "Elbasan",
}


async def seeded(db: Database, today: date | None = TODAY) -> demo.DemoSummary:
    async with db.write() as session:
        summary = await demo.seed(session=session, today=today)
        await session.commit()
    return summary


async def events_with_places(db: Database) -> list[tuple[Event, str, str]]:
    """Every event with its municipality's and organization's slugs."""
    async with db.read() as session:
        rows = await session.execute(
            select(Event, col(Municipality.slug), col(Organization.slug))
            .join(Municipality, col(Municipality.id) == col(Event.municipality_id))
            .join(Organization, col(Organization.id) == col(Event.organization_id))
        )
        return [(event, m, o) for event, m, o in rows.all()]


async def test_database_is_empty_before_the_seed_and_not_after(db: Database) -> None:
    async with db.read() as session:
        assert await demo.database_is_empty(session=session)
    await seeded(db)
    async with db.read() as session:
        assert not await demo.database_is_empty(session=session)


async def test_seed_loads_the_twelve_municipalities_and_organizations(db: Database) -> None:
    summary = await seeded(db)
    assert "12 municipalities" in summary.describe()
    async with db.read() as session:
        municipalities = (await session.execute(select(Municipality))).scalars().all()
        assert {m.slug: m.name for m in municipalities} == SLUGS
        korce = await session.scalar(select(Municipality).where(col(Municipality.slug) == "korce"))
        assert korce is not None
        assert korce.name == "Korçë"
        dejes = await session.scalar(
            select(Municipality).where(col(Municipality.name) == "Vau i Dejës")
        )
        assert dejes is not None
        assert dejes.slug == "vau-i-dejes"
        rows = await session.execute(
            select(Organization, col(Municipality.slug)).join(
                Municipality, col(Municipality.id) == col(Organization.municipality_id)
            )
        )
        by_municipality = {m: o for o, m in rows.all()}
    assert set(by_municipality) == set(SLUGS)
    assert by_municipality["durres"].slug == "csdc-durres"
    assert by_municipality["durres"].name == "Qendra për Zhvillimin e Shoqërisë Civile"
    assert by_municipality["shkoder"].slug == "irsh-shkoder"
    assert by_municipality["shkoder"].name == "Intelektualët e Rinj Shpresë"
    assert by_municipality["korce"].name == "Gruaja në Zhvillim"
    assert by_municipality["vau-i-dejes"].name == "Hapa të Lehtë"
    assert all((o.contact or "").endswith(".example") for o in by_municipality.values())


async def test_seed_loads_elections_parties_candidates_and_topics(db: Database) -> None:
    await seeded(db)
    async with db.read() as session:
        elections = {
            e.kind: e
            for e in (await session.execute(select(Election))).scalars()
            if e.election_date.year != 2019  # the monitored term's (app/demo/monitoring.py)
        }
        voting: dict[int | None, set[str]] = defaultdict(set)
        for election_id, slug in await session.execute(
            select(col(ElectionMunicipality.election_id), col(Municipality.slug)).join(
                Municipality, col(Municipality.id) == col(ElectionMunicipality.municipality_id)
            )
        ):
            voting[election_id].add(slug)
        parties = (await session.execute(select(Party))).scalars().all()
        candidates = (await session.execute(select(Candidate))).scalars().all()
        topics = (await session.execute(select(col(Topic.slug), col(Topic.name_sq)))).all()
        slug_of = dict(
            (await session.execute(select(col(Municipality.id), col(Municipality.slug)))).all()
        )

    partial, local = elections[ElectionKind.partial_local], elections[ElectionKind.local]
    assert partial.name == "Zgjedhjet e pjesshme vendore 2022"
    assert partial.election_date == date(2022, 3, 6)
    assert voting[partial.id] == {"durres", "shkoder"}
    assert 140 <= (local.election_date - TODAY).days <= 160
    assert local.name == f"Zgjedhjet vendore {local.election_date.year}"
    assert voting[local.id] == set(SLUGS)

    assert 4 <= len(parties) <= 5
    assert all(p.name.endswith(" (demo)") for p in parties)
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", p.color) for p in parties)

    def mayors(election: Election, slug: str) -> list[Candidate]:
        return [
            c
            for c in candidates
            if c.election_id == election.id
            and slug_of[c.municipality_id] == slug
            and c.office == "mayor"
        ]

    for slug in ("durres", "shkoder"):
        assert len(mayors(partial, slug)) == 3
        assert sum(c.elected for c in mayors(partial, slug)) == 1
    for slug in ("durres", "shkoder", "tirane", "kukes", "vlore"):
        assert mayors(local, slug)
    assert any(c.office == "council" and c.election_id == local.id for c in candidates)
    assert any(c.party_id is None for c in candidates)
    assert not any("demo" in c.full_name.lower() for c in candidates)
    assert dict(topics)["social_care"] == "Kujdesi social"
    assert len(topics) == 12


async def test_the_bulletins_past_events_are_held_with_reports(db: Database) -> None:
    await seeded(db)
    events = await events_with_places(db)
    async with db.read() as session:
        attended = set(
            (
                await session.execute(
                    select(col(EventCandidate.event_id)).where(
                        col(EventCandidate.status) == InvitationStatus.attended
                    )
                )
            ).scalars()
        )
    past = [(e, m, o) for e, m, o in events if e.starts_at.year == 2022]
    assert all(e.status == EventStatus.held for e, _m, _o in past)
    assert all(e.report_attendees and e.report_summary for e, _m, _o in past)

    forums = [(e, m, o) for e, m, o in past if e.kind == EventKind.forum]
    durres = [e for e, m, o in forums if m == "durres" and o == "csdc-durres"]
    shkoder = [e for e, m, o in forums if m == "shkoder" and o == "irsh-shkoder"]
    assert len(durres) == 3
    assert len(shkoder) == 2
    assert len(forums) == 5
    election_day = datetime(2022, 3, 6, tzinfo=TIRANE)
    assert all(e.ends_at < election_day and e.id in attended for e in durres + shkoder)
    assert all(e.starts_at.month == 2 for e in durres)

    fairs = [(e, m) for e, m, _o in past if e.kind == EventKind.fair]
    local_days = {e.starts_at.astimezone(TIRANE).date(): m for e, m in fairs}
    assert local_days == {
        date(2022, 5, 3): "shkoder",
        date(2022, 5, 5): "vlore",
        date(2022, 5, 9): "tirane",
    }
    assert 1000 < sum(e.report_attendees or 0 for e, _m in fairs) < 1100

    meetings = [(e, m) for e, m, _o in past if e.kind == EventKind.community_meeting]
    assert 4 <= len(meetings) <= 6
    assert len({m for _e, m in meetings}) == len(meetings)
    assert all(date(2022, 1, 1) <= e.starts_at.date() <= date(2022, 6, 30) for e, _m in meetings)


async def test_upcoming_events_are_placed_after_today(db: Database) -> None:
    await seeded(db)
    events = [e for e, _m, _o in await events_with_places(db) if e.starts_at.year > 2022]
    start_of_today = datetime(TODAY.year, TODAY.month, TODAY.day, tzinfo=TIRANE)
    assert all(e.starts_at > start_of_today for e in events)
    scheduled = [e for e in events if e.status == EventStatus.scheduled]
    assert len(scheduled) >= 5
    assert all(14 <= (e.starts_at.astimezone(TIRANE).date() - TODAY).days <= 42 for e in scheduled)
    assert {e.kind for e in scheduled} == set(EventKind)
    assert len({e.municipality_id for e in scheduled}) >= 3
    assert {e.capacity for e in scheduled} >= {None, 80, 120}
    assert all(e.starts_at.astimezone(TIRANE).hour >= 17 for e in scheduled)
    assert [e.status for e in events].count(EventStatus.draft) == 1
    cancelled = [e for e in events if e.status == EventStatus.cancelled]
    assert len(cancelled) == 1
    assert cancelled[0].cancel_reason


async def test_the_scheduling_rules_hold_in_the_data(db: Database) -> None:
    await seeded(db)
    async with db.read() as session:
        events = {e.id: e for e in (await session.execute(select(Event))).scalars()}
        pairs = select(
            col(ElectionMunicipality.election_id), col(ElectionMunicipality.municipality_id)
        )
        votes = {(e, m) for e, m in (await session.execute(pairs)).all()}
        candidates = {c.id: c for c in (await session.execute(select(Candidate))).scalars()}
        invitations = (await session.execute(select(EventCandidate))).scalars().all()

    invited: dict[int | None, list[EventCandidate]] = defaultdict(list)
    for invitation in invitations:
        invited[invitation.event_id].append(invitation)
        event, candidate = events[invitation.event_id], candidates[invitation.candidate_id]
        assert candidate.municipality_id == event.municipality_id
        assert candidate.election_id == event.election_id
    for event in events.values():
        assert event.starts_at.tzinfo is not None
        assert event.starts_at.utcoffset() == timedelta(0)
        assert event.ends_at > event.starts_at
        if event.election_id is not None:
            assert (event.election_id, event.municipality_id) in votes
        if event.kind == EventKind.meeting:
            assert len(invited[event.id]) == 1

    busy: dict[int, list[Event]] = defaultdict(list)
    for invitation in invitations:
        event = events[invitation.event_id]
        if invitation.status in (InvitationStatus.confirmed, InvitationStatus.attended) and (
            event.status != EventStatus.cancelled
        ):
            busy[invitation.candidate_id].append(event)
    assert busy
    for candidate_events in busy.values():
        for a, b in combinations(candidate_events, 2):
            assert a.ends_at <= b.starts_at or b.ends_at <= a.starts_at, (a.title, b.title)


async def test_the_demo_users_sign_in_with_the_printed_passwords(db: Database) -> None:
    await seeded(db)
    printed = dict(re.findall(r"(\S+@\S+) / ([^;\s]+)", demo.credentials_text()))
    assert len(printed) == 2
    async with db.read() as session:
        admin = await accounts.authenticate(
            session=session, email=demo.DEMO_ADMIN_EMAIL, password=printed[demo.DEMO_ADMIN_EMAIL]
        )
        organizer = await accounts.authenticate(
            session=session,
            email=demo.DEMO_ORGANIZER_EMAIL,
            password=printed[demo.DEMO_ORGANIZER_EMAIL],
        )
        wrong = await accounts.authenticate(
            session=session, email=demo.DEMO_ADMIN_EMAIL, password="not-the-password"
        )
        assert admin is not None
        assert organizer is not None
        assert wrong is None
        organization = await session.get(Organization, organizer.organization_id)
        audited = await session.scalar(
            select(func.count()).where(
                col(AuditEntry.action) == "user.create", col(AuditEntry.actor) == "seed-demo"
            )
        )
    assert admin.role == Role.admin
    assert admin.organization_id is None
    assert organizer.role == Role.organizer
    assert organization is not None
    assert organization.slug == "csdc-durres"
    assert audited == 2


async def test_the_seed_leaves_the_migrated_topics_alone(db: Database) -> None:
    """Migration 0003 owns the topics: the seed adds none back, renames none, moves none."""
    columns = (col(Topic.slug), col(Topic.name_sq), col(Topic.name_en), col(Topic.position))
    async with db.read() as session:
        migrated = {row[0]: row for row in (await session.execute(select(*columns))).all()}
    try:
        async with db.write() as session:
            roads = await session.scalar(select(Topic).where(col(Topic.slug) == "roads"))
            assert roads is not None
            roads.name_sq = "Rrugët dhe trotuaret"
            await session.execute(delete(Topic).where(col(Topic.slug) == "culture"))
            await session.commit()
        summary = await seeded(db)
        async with db.read() as session:
            topics = {row[0]: row for row in (await session.execute(select(*columns))).all()}
        assert "topics" not in summary.describe()
        assert "culture" not in topics
        assert topics["roads"][1] == "Rrugët dhe trotuaret"
        assert {slug: row for slug, row in topics.items() if slug != "roads"} == {
            slug: row for slug, row in migrated.items() if slug not in ("roads", "culture")
        }
    finally:  # topics outlive a test: put them back as the migration made them
        async with db.write() as session:
            roads = await session.scalar(select(Topic).where(col(Topic.slug) == "roads"))
            if roads is not None:
                roads.name_sq = migrated["roads"][1]
            if await session.scalar(select(Topic).where(col(Topic.slug) == "culture")) is None:
                _slug, name_sq, name_en, position = migrated["culture"]
                session.add(
                    Topic(slug="culture", name_sq=name_sq, name_en=name_en, position=position)
                )
            await session.commit()


async def test_today_defaults_to_the_current_date(db: Database) -> None:
    await seeded(db, today=None)
    now = datetime.now(UTC)
    async with db.read() as session:
        upcoming = await session.scalar(
            select(func.count()).where(
                col(Event.status) == EventStatus.scheduled, col(Event.starts_at) > now
            )
        )
    assert upcoming is not None
    assert upcoming >= 5
