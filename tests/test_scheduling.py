"""Scheduling rules on both databases: validation, conflicts, lifecycle and who may write."""

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from app.db import Database
from app.models import (
    AuditEntry,
    EventCandidate,
    EventStatus,
    InvitationStatus,
    User,
)
from app.models.elections import (
    CandidateCreate,
    CandidateUpdate,
    ElectionCreate,
    ElectionUpdate,
    PartyCreate,
    PartyUpdate,
)
from app.models.events import EventCreate, EventUpdate
from app.services import elections, scheduling
from app.services.errors import Conflict, InvalidInput, NeedsConfirmation, NotAllowed
from tests.conftest import Stage

T0 = datetime(2030, 3, 1, 17, 0, tzinfo=UTC)


def forum(stage: Stage, **overrides) -> EventCreate:  # type: ignore[no-untyped-def]
    values = {
        "kind": "forum",
        "title": "Forum publik për ujin në Durrës",
        "municipality_id": stage.world.municipality.id,
        "organization_id": stage.world.organization.id,
        "election_id": stage.election.id,
        "venue": "Salla e Këshillit Bashkiak",
        "starts_at": T0,
        "ends_at": T0 + timedelta(hours=2),
        "candidate_ids": [stage.anila.id, stage.besa.id],
    }
    values.update(overrides)
    return EventCreate(**values)


async def create(db: Database, actor: User, data: EventCreate):  # type: ignore[no-untyped-def]
    async with db.write() as s:
        event = await scheduling.create_event(session=s, actor=actor, data=data)
        await s.commit()
    return event


async def confirm(db: Database, actor: User, event_id: int, candidate_id: int) -> None:
    async with db.write() as s:
        await scheduling.set_invitation(
            session=s,
            actor=actor,
            event_id=event_id,
            candidate_id=candidate_id,
            status=InvitationStatus.confirmed,
        )
        await s.commit()


async def test_a_forum_is_scheduled_with_invited_candidates_and_audited(stage: Stage, db) -> None:
    event = await create(db, stage.world.organizer, forum(stage))
    assert event.status == EventStatus.scheduled
    async with db.read() as s:
        links = (await s.execute(select(EventCandidate))).scalars().all()
        audit = (await s.execute(select(AuditEntry))).scalars().all()
    assert {(link.candidate_id, link.status) for link in links} == {
        (stage.anila.id, InvitationStatus.invited),
        (stage.besa.id, InvitationStatus.invited),
    }
    assert [a.action for a in audit] == ["event.create"]
    assert "Forum publik për ujin" in audit[0].details


async def test_naive_times_are_tirana_time(stage: Stage, db) -> None:
    event = await create(
        db,
        stage.world.organizer,
        forum(stage, starts_at="2030-07-01T18:00", ends_at="2030-07-01T20:00", candidate_ids=[]),
    )
    assert event.starts_at == datetime(2030, 7, 1, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ends_at": T0 - timedelta(minutes=1)}, "ends_at"),
        ({"kind": "meeting"}, "candidate_ids"),
        ({"kind": "meeting", "candidate_ids": []}, "candidate_ids"),
        ({"municipality_id": 999_999}, "municipality_id"),
        ({"election_id": 999_999}, "election_id"),
        ({"candidate_ids": [999_999]}, "candidate_ids"),
    ],
)
async def test_invalid_events_are_refused_on_the_field(stage: Stage, db, overrides, field) -> None:
    with pytest.raises(InvalidInput) as error:
        await create(db, stage.world.organizer, forum(stage, **overrides))
    assert field in error.value.errors


async def test_an_event_outside_the_elections_municipalities_is_refused(stage: Stage, db) -> None:
    data = forum(stage, election_id=stage.other_election.id, candidate_ids=[])
    with pytest.raises(InvalidInput) as error:
        await create(db, stage.world.organizer, data)
    assert "Zgjedhjet e pjesshme 2031" in error.value.errors["municipality_id"]


async def test_candidates_must_run_here_and_in_this_election(stage: Stage, db) -> None:
    with pytest.raises(InvalidInput) as error:
        await create(db, stage.world.organizer, forum(stage, candidate_ids=[stage.other_town.id]))
    assert "Gentian Lleshi" in error.value.errors["candidate_ids"]


async def test_organizers_schedule_only_for_their_own_organization(stage: Stage, db) -> None:
    with pytest.raises(NotAllowed):
        await create(db, stage.world.other_organizer, forum(stage))
    event = await create(db, stage.world.admin, forum(stage))
    with pytest.raises(NotAllowed):
        async with db.write() as s:
            await scheduling.update_event(
                session=s,
                actor=stage.world.other_organizer,
                event_id=event.id,
                data=EventUpdate(title="x"),
            )


async def test_a_candidate_cannot_be_confirmed_at_two_overlapping_events(stage: Stage, db) -> None:
    first = await create(db, stage.world.organizer, forum(stage, title="Forumi i parë"))
    second = await create(
        db,
        stage.world.organizer,
        forum(
            stage,
            title="Forumi i dytë",
            venue="Qendra Kulturore",
            starts_at=T0 + timedelta(hours=1),
            ends_at=T0 + timedelta(hours=3),
        ),
    )
    await confirm(db, stage.world.organizer, first.id, stage.anila.id)
    with pytest.raises(Conflict) as error:
        await confirm(db, stage.world.organizer, second.id, stage.anila.id)
    assert "Forumi i parë" in error.value.message
    assert "Anila Toska" in error.value.message
    # another candidate, or the same one at a later event, is fine
    await confirm(db, stage.world.organizer, second.id, stage.besa.id)
    later = await create(
        db,
        stage.world.organizer,
        forum(
            stage,
            title="Forumi i tretë",
            starts_at=T0 + timedelta(hours=2),
            ends_at=T0 + timedelta(hours=4),
            venue="Pedonalja",
        ),
    )
    await confirm(db, stage.world.organizer, later.id, stage.anila.id)


async def test_moving_an_event_onto_a_confirmed_candidates_other_event_is_refused(
    stage: Stage, db
) -> None:
    first = await create(db, stage.world.organizer, forum(stage, title="Forumi i parë"))
    second = await create(
        db,
        stage.world.organizer,
        forum(
            stage,
            title="Forumi i dytë",
            venue="Pedonalja",
            starts_at=T0 + timedelta(days=1),
            ends_at=T0 + timedelta(days=1, hours=2),
        ),
    )
    await confirm(db, stage.world.organizer, first.id, stage.anila.id)
    await confirm(db, stage.world.organizer, second.id, stage.anila.id)
    with pytest.raises(Conflict):
        async with db.write() as s:
            await scheduling.update_event(
                session=s,
                actor=stage.world.organizer,
                event_id=second.id,
                data=EventUpdate(
                    starts_at=T0 + timedelta(minutes=30), ends_at=T0 + timedelta(hours=1)
                ),
            )


async def test_a_cancelled_event_frees_its_candidates(stage: Stage, db) -> None:
    first = await create(db, stage.world.organizer, forum(stage, title="Forumi i parë"))
    second = await create(
        db, stage.world.organizer, forum(stage, title="Forumi i dytë", venue="Pedonalja")
    )
    await confirm(db, stage.world.organizer, first.id, stage.anila.id)
    with pytest.raises(Conflict):  # while the first event stands, she is taken at that hour
        await confirm(db, stage.world.organizer, second.id, stage.anila.id)
    async with db.write() as s:
        await scheduling.update_event(
            session=s,
            actor=stage.world.organizer,
            event_id=first.id,
            data=EventUpdate(status="cancelled", cancel_reason="Shi i madh"),
        )
        await s.commit()
    await confirm(db, stage.world.organizer, second.id, stage.anila.id)
    async with db.read() as s:
        statuses = {
            link.event_id: link.status
            for link in (
                await s.execute(
                    select(EventCandidate).where(EventCandidate.candidate_id == stage.anila.id)  # type: ignore[arg-type]
                )
            ).scalars()
        }
    assert statuses[second.id] == InvitationStatus.confirmed


async def test_concurrent_confirmations_of_one_candidate_let_only_one_through(
    stage: Stage, db
) -> None:
    events = [
        await create(
            db,
            stage.world.organizer,
            forum(stage, title=f"Forumi {i}", venue=f"Salla {i}", candidate_ids=[stage.anila.id]),
        )
        for i in range(6)
    ]

    async def attempt(event_id: int) -> bool:
        try:
            await confirm(db, stage.world.organizer, event_id, stage.anila.id)
        except Conflict:
            return False
        return True

    results = await asyncio.gather(*(attempt(e.id) for e in events))
    assert results.count(True) == 1
    async with db.read() as s:
        confirmed = (
            (
                await s.execute(
                    select(EventCandidate).where(
                        EventCandidate.status == InvitationStatus.confirmed
                    )
                )
            )
            .scalars()
            .all()
        )  # type: ignore[arg-type]
    assert len(confirmed) == 1


async def test_same_venue_at_the_same_time_needs_confirmation(stage: Stage, db) -> None:
    await create(db, stage.world.organizer, forum(stage, candidate_ids=[]))
    with pytest.raises(NeedsConfirmation) as warning:
        await create(
            db,
            stage.world.organizer,
            forum(stage, title="Tjetër", venue=" salla e këshillit bashkiak ", candidate_ids=[]),
        )
    assert "Forum publik për ujin" in warning.value.message
    assert warning.value.field == "venue"
    await create(
        db,
        stage.world.organizer,
        forum(stage, title="Tjetër", candidate_ids=[], confirm_venue_overlap=True),
    )


async def test_lifecycle(stage: Stage, db) -> None:
    event = await create(db, stage.world.organizer, forum(stage, status="draft"))
    assert event.status == EventStatus.draft

    async def update(data: EventUpdate, now: datetime | None = None):  # type: ignore[no-untyped-def]
        async with db.write() as s:
            result = await scheduling.update_event(
                session=s, actor=stage.world.organizer, event_id=event.id, data=data, now=now
            )
            await s.commit()
        return result

    assert (await update(EventUpdate(status="scheduled"))).status == EventStatus.scheduled
    with pytest.raises(InvalidInput) as error:
        await update(EventUpdate(status="held"), now=T0 - timedelta(days=1))
    assert "status" in error.value.errors
    with pytest.raises(InvalidInput) as error:
        await update(EventUpdate(status="cancelled"))
    assert "cancel_reason" in error.value.errors
    with pytest.raises(InvalidInput):
        await update(EventUpdate(report_summary="Shumë pyetje për ujin."))
    held = await update(
        EventUpdate(
            status="held",
            report_attendees=87,
            report_summary="Shumë pyetje për ujin.",
            report_participants="Media lokale",
        ),
        now=T0 + timedelta(hours=3),
    )
    assert held.status == EventStatus.held
    assert held.report_attendees == 87
    with pytest.raises(InvalidInput):
        await update(EventUpdate(status="scheduled"))
    with pytest.raises(InvalidInput):
        await update(EventUpdate(title="Titull i ri"))


async def test_dashboard_lists_what_needs_doing(stage: Stage, db) -> None:
    now = datetime(2030, 2, 1, tzinfo=UTC)
    upcoming = await create(db, stage.world.organizer, forum(stage))
    past = await create(
        db,
        stage.world.organizer,
        forum(
            stage,
            title="Forumi i kaluar",
            starts_at=now - timedelta(days=3),
            ends_at=now - timedelta(days=3) + timedelta(hours=2),
            election_id=None,
            candidate_ids=[],
        ),
    )
    await create(
        db,
        stage.world.admin,
        forum(
            stage,
            title="I organizatës tjetër",
            organization_id=stage.world.other_organization.id,
            municipality_id=stage.world.other_organization.municipality_id,
            election_id=None,
            candidate_ids=[],
        ),
    )
    async with db.read() as s:
        board = await scheduling.dashboard(session=s, actor=stage.world.organizer, now=now)
        everything = await scheduling.dashboard(session=s, actor=stage.world.admin, now=now)
    assert [m.event.id for m in board.upcoming] == [upcoming.id]
    assert [m.event.id for m in board.without_confirmed_candidates] == [upcoming.id]
    assert [m.event.id for m in board.without_report] == [past.id]
    assert len(everything.upcoming) == 2


async def test_elections_and_parties_are_for_admins(stage: Stage, db) -> None:
    data = ElectionCreate(
        name="Zgjedhjet 2033",
        kind="local",
        election_date=date(2033, 5, 1),
        municipality_ids=[stage.world.municipality.id],
    )
    async with db.write() as s:
        with pytest.raises(NotAllowed):
            await elections.create_election(session=s, actor=stage.world.organizer, data=data)
        with pytest.raises(NotAllowed):
            await elections.create_party(
                session=s, actor=stage.world.organizer, data=PartyCreate(name="P", abbreviation="P")
            )
        election = await elections.create_election(session=s, actor=stage.world.admin, data=data)
        with pytest.raises(InvalidInput) as error:
            await elections.create_party(
                session=s,
                actor=stage.world.admin,
                data=PartyCreate(name="partia e urave (demo)", abbreviation="X"),
            )
        assert "name" in error.value.errors
        await s.commit()
    assert election.id


async def test_organizers_add_candidates_in_their_municipality_and_edits_are_audited(
    stage: Stage, db
) -> None:
    data = CandidateCreate(
        full_name="Dritan Bregu",
        election_id=stage.election.id,
        municipality_id=stage.world.municipality.id,
        office="council",
    )
    async with db.write() as s:
        candidate = await elections.create_candidate(
            session=s, actor=stage.world.organizer, data=data
        )
        with pytest.raises(NotAllowed):
            await elections.create_candidate(
                session=s, actor=stage.world.other_organizer, data=data
            )
        await elections.update_candidate(
            session=s,
            actor=stage.world.organizer,
            candidate_id=candidate.id,
            data=CandidateUpdate(full_name="Dritan Bregu Jr."),
        )
        await s.commit()
    async with db.read() as s:
        entries = (
            (await s.execute(select(AuditEntry).where(AuditEntry.entity_type == "candidate")))
            .scalars()
            .all()
        )  # type: ignore[arg-type]
    update = next(e for e in entries if e.action == "candidate.update")
    assert "Dritan Bregu" in update.details
    assert "Dritan Bregu Jr." in update.details


async def test_elections_and_parties_keep_an_audit_trail_of_real_changes(stage: Stage, db) -> None:
    admin = stage.world.admin
    data = ElectionCreate(
        name="Zgjedhjet 2033",
        kind="local",
        election_date=date(2033, 5, 1),
        municipality_ids=[stage.world.municipality.id],
    )
    async with db.write() as s:
        election = await elections.create_election(session=s, actor=admin, data=data)
        party = await elections.create_party(
            session=s, actor=admin, data=PartyCreate(name="Partia e Çezmave", abbreviation="PÇ")
        )
        await elections.update_party(
            session=s, actor=admin, party_id=party.id, data=PartyUpdate(abbreviation="PÇ")
        )  # nothing changes: nothing is recorded
        await elections.update_party(
            session=s, actor=admin, party_id=party.id, data=PartyUpdate(name="Partia e Ujit")
        )
        await elections.update_election(
            session=s, actor=admin, election_id=election.id, data=ElectionUpdate(name="Vendoret")
        )
        await s.commit()
    async with db.read() as s:
        found = await s.execute(
            select(AuditEntry.action, AuditEntry.entity_type, AuditEntry.entity_id)  # type: ignore[call-overload]
            .where(AuditEntry.entity_type.in_(["election", "party"]))  # type: ignore[attr-defined]
            .order_by(AuditEntry.id)
        )
        entries = found.all()
        renamed = await s.scalar(
            select(AuditEntry.details).where(AuditEntry.action == "party.update")  # type: ignore[call-overload, arg-type]
        )
    assert entries == [
        ("election.create", "election", election.id),
        ("party.create", "party", party.id),
        ("party.update", "party", party.id),
        ("election.update", "election", election.id),
    ]
    assert "Partia e Çezmave" in renamed
    assert "Partia e Ujit" in renamed
