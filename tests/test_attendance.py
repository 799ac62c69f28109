"""Attendance rules on both databases: capacity, waitlist, idempotency, promotion, check-in."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.db import Database
from app.models import (
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from app.models.attendance import RegistrationCreate
from app.services import attendance, checkins, registrants
from app.services.errors import InvalidInput, NotAllowed, NotFound
from app.services.tickets import CODE_ALPHABET, registration_by_token
from tests.conftest import TEST_SECRET, World

SOON = datetime.now(UTC) + timedelta(days=7)


async def make_event(db: Database, world: World, **overrides: object) -> int:
    values: dict[str, object] = {
        "kind": EventKind.forum,
        "title": "Forum publik në Durrës",
        "municipality_id": world.municipality.id,
        "organization_id": world.organization.id,
        "venue": "Salla e Këshillit",
        "starts_at": SOON,
        "ends_at": SOON + timedelta(hours=2),
        "status": EventStatus.scheduled,
        "capacity": 2,
    }
    values.update(overrides)
    async with db.write() as s:
        event = Event(**values)  # type: ignore[arg-type]
        s.add(event)
        await s.commit()
    return event.id or 0


def person(name: str = "Ana Çela", **extra: object) -> RegistrationCreate:
    return RegistrationCreate(name=name, consent=True, **extra)  # type: ignore[arg-type]


async def register(db: Database, event_id: int, name: str = "Ana Çela", key: str | None = None):  # type: ignore[no-untyped-def]
    async with db.write() as s:
        ticket = await attendance.register(
            session=s,
            event_id=event_id,
            data=person(name),
            secret=TEST_SECRET,
            idempotency_key=key,
        )
        await s.commit()
    return ticket


async def statuses(db: Database, event_id: int) -> dict[str, int]:
    async with db.read() as s:
        rows = await s.execute(
            select(Registration.status, func.count())  # type: ignore[call-overload]
            .where(Registration.event_id == event_id)
            .group_by(Registration.status)
        )
        return {status.value: n for status, n in rows.all()}


async def test_places_then_waitlist_in_order(db: Database, world: World) -> None:
    event_id = await make_event(db, world)
    tickets = [await register(db, event_id, f"Qytetar {i}") for i in range(4)]
    assert [t.registration.status for t in tickets] == [
        RegistrationStatus.confirmed,
        RegistrationStatus.confirmed,
        RegistrationStatus.waitlisted,
        RegistrationStatus.waitlisted,
    ]
    async with db.read() as s:
        positions = [
            await attendance.waitlist_position(session=s, registration=t.registration)
            for t in tickets
        ]
    assert positions == [None, None, 1, 2]
    codes = {t.registration.code for t in tickets}
    assert len(codes) == 4
    assert all(len(c) == 7 and c[3] == "-" for c in codes)
    assert all(set(c.replace("-", "")) <= set(CODE_ALPHABET) for c in codes)


async def test_the_same_key_returns_the_same_registration(db: Database, world: World) -> None:
    event_id = await make_event(db, world)
    first = await register(db, event_id, key="one-form-one-key-0001")
    again = await register(db, event_id, key="one-form-one-key-0001")
    assert first.created
    assert not again.created
    assert again.registration.id == first.registration.id
    assert again.token == first.token
    assert await statuses(db, event_id) == {"confirmed": 1}
    async with db.read() as s:
        found = await registration_by_token(session=s, token=first.token)
    assert found is not None
    assert found.id == first.registration.id
    assert found.token_hash != first.token


async def test_consent_is_required(db: Database, world: World) -> None:
    event_id = await make_event(db, world)
    with pytest.raises(InvalidInput) as error:
        async with db.write() as s:
            await attendance.register(
                session=s, event_id=event_id, data=RegistrationCreate(name="X"), secret=TEST_SECRET
            )
    assert "consent" in error.value.errors


@pytest.mark.parametrize(
    "overrides",
    [
        {"status": EventStatus.cancelled, "cancel_reason": "Shi"},
        {"starts_at": datetime.now(UTC) - timedelta(minutes=5)},
    ],
)
async def test_registration_closes_when_the_event_starts_or_is_cancelled(
    db: Database, world: World, overrides: dict[str, object]
) -> None:
    event_id = await make_event(db, world, **overrides)
    with pytest.raises(attendance.RegistrationClosed):
        await register(db, event_id)


async def test_drafts_do_not_exist_for_citizens(db: Database, world: World) -> None:
    event_id = await make_event(db, world, status=EventStatus.draft)
    with pytest.raises(NotFound):
        await register(db, event_id)


async def test_a_full_waitlist_refuses(db: Database, world: World) -> None:
    event_id = await make_event(db, world, capacity=1, waitlist_capacity=1)
    await register(db, event_id, "A")
    await register(db, event_id, "B")
    with pytest.raises(attendance.EventFull):
        await register(db, event_id, "C")


async def test_cancelling_promotes_the_first_in_line_once(db: Database, world: World) -> None:
    event_id = await make_event(db, world)
    a, _b, c, d = [await register(db, event_id, n) for n in "ABCD"]
    async with db.write() as s:
        registration = await registration_by_token(session=s, token=a.token)
        assert registration is not None
        promoted = await attendance.cancel(session=s, registration=registration)
        await s.commit()
    assert promoted is not None
    assert promoted.id == c.registration.id
    assert promoted.promoted_at is not None
    async with db.write() as s:
        registration = await registration_by_token(session=s, token=a.token)
        assert registration is not None
        assert await attendance.cancel(session=s, registration=registration) is None  # twice
        await s.commit()
    assert await statuses(db, event_id) == {"confirmed": 2, "waitlisted": 1, "cancelled": 1}
    async with db.read() as s:
        waiting = await s.get(Registration, d.registration.id)
        assert waiting is not None
        assert await attendance.waitlist_position(session=s, registration=waiting) == 1


async def test_concurrent_registrations_never_overbook(db: Database, world: World) -> None:
    event_id = await make_event(db, world, capacity=10)
    results = await asyncio.gather(*(register(db, event_id, f"Q{i}") for i in range(40)))
    assert sum(t.registration.status == RegistrationStatus.confirmed for t in results) == 10
    assert await statuses(db, event_id) == {"confirmed": 10, "waitlisted": 30}


async def test_concurrent_cancellations_promote_exactly_the_freed_places(
    db: Database, world: World
) -> None:
    event_id = await make_event(db, world, capacity=10)
    tickets = [await register(db, event_id, f"Q{i}") for i in range(25)]
    confirmed = [t for t in tickets if t.registration.status == RegistrationStatus.confirmed]

    async def cancel(token: str) -> None:
        async with db.write() as s:
            registration = await registration_by_token(session=s, token=token)
            assert registration is not None
            await attendance.cancel(session=s, registration=registration)
            await s.commit()

    # each of 6 confirmed people cancels twice at once (double taps on a bad connection)
    await asyncio.gather(*(cancel(t.token) for t in confirmed[:6] for _ in range(2)))
    assert await statuses(db, event_id) == {"confirmed": 10, "waitlisted": 9, "cancelled": 6}
    async with db.read() as s:
        promoted = (
            (
                await s.execute(
                    select(Registration.name).where(  # type: ignore[call-overload]
                        Registration.event_id == event_id, Registration.promoted_at.is_not(None)
                    )
                )
            )
            .scalars()
            .all()
        )
    assert sorted(promoted) == sorted(f"Q{i}" for i in range(10, 16))  # first come, first served


async def test_check_in_by_code_and_twice(db: Database, world: World) -> None:
    event_id = await make_event(db, world)
    ticket = await register(db, event_id)
    typed = ticket.registration.code.lower().replace("-", " ")
    async with db.write() as s:
        first = await checkins.check_in(
            session=s, actor=world.organizer, event_id=event_id, code=typed
        )
        await s.commit()
    assert not first.already
    async with db.write() as s:
        second = await checkins.check_in(
            session=s, actor=world.organizer, event_id=event_id, code=ticket.registration.code
        )
        with pytest.raises(NotFound):
            await checkins.check_in(
                session=s, actor=world.organizer, event_id=event_id, code="AAA-AAA"
            )
        with pytest.raises(NotAllowed):
            await checkins.check_in(
                session=s,
                actor=world.other_organizer,
                event_id=event_id,
                code=ticket.registration.code,
            )
    assert second.already
    assert second.registration.checked_in_at == first.registration.checked_in_at


async def test_walk_ins_count_and_figures(db: Database, world: World) -> None:
    event_id = await make_event(db, world, capacity=1)
    await register(db, event_id)
    async with db.write() as s:
        walk = await checkins.walk_in(
            session=s,
            actor=world.organizer,
            event_id=event_id,
            data=RegistrationCreate(name="Besnik", gender="male", age_group="18_29"),
        )
        await s.commit()
    assert walk.source == RegistrationSource.walk_in
    assert walk.checked_in_at is not None
    async with db.read() as s:
        counts = await attendance.counts(session=s, event_id=event_id)
        figures = await attendance.attendance_figures(session=s, event_id=event_id)
    assert (counts.confirmed, counts.checked_in, counts.walk_ins) == (2, 1, 1)
    assert figures.by_gender == {"male": 1}
    assert figures.by_age_group == {"18_29": 1}


async def test_csv_has_a_bom_and_defuses_formulas(db: Database, world: World) -> None:
    event_id = await make_event(db, world)
    await register(db, event_id, "Çlirim Ëngjëlli")
    await register(db, event_id, '=HYPERLINK("http://x")')
    async with db.read() as s:
        rows = await registrants.list_registrations(
            session=s, actor=world.organizer, event_id=event_id
        )
    text = registrants.registrations_csv(rows)
    assert text.startswith("\ufeffKodi,Emri,")  # in the exporter's language: Albanian by default
    assert "Çlirim Ëngjëlli" in text
    assert "'=HYPERLINK" in text


async def test_purge_blanks_people_of_old_events_and_keeps_counts(
    db: Database, world: World
) -> None:
    old = await make_event(
        db,
        world,
        starts_at=datetime.now(UTC) + timedelta(hours=1),
        ends_at=datetime.now(UTC) + timedelta(hours=2),
    )
    await register(db, old, "Ana")
    recent = await make_event(db, world, title="I ri", venue="Tjetër")
    await register(db, recent, "Besa")
    async with db.write() as s:
        blanked = await registrants.purge_personal_data(
            session=s, older_than_days=30, now=datetime.now(UTC) + timedelta(days=31)
        )
        await s.commit()
    assert blanked == 1
    async with db.read() as s:
        names = dict((await s.execute(select(Registration.event_id, Registration.name))).all())  # type: ignore[call-overload]
    assert names == {old: "", recent: "Besa"}
    assert await statuses(db, old) == {"confirmed": 1}


async def test_more_places_move_the_waitlist_up(db: Database, world: World) -> None:
    from app.models.events import EventUpdate
    from app.services import scheduling

    event_id = await make_event(db, world, capacity=1)
    for name in "ABCD":
        await register(db, event_id, name)
    async with db.write() as s:
        await scheduling.update_event(
            session=s, actor=world.organizer, event_id=event_id, data=EventUpdate(capacity=3)
        )
        await s.commit()
    assert await statuses(db, event_id) == {"confirmed": 3, "waitlisted": 1}
