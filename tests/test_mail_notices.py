"""What each change enqueues, in the same transaction, on both engines: promotion, cancellation,
the event moved or cancelled, reminders once, the candidate's invitation with a portal link
that opens (and lets them answer), a commitment to confirm, a dispute to the organizers."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import col

from app.db import Database
from app.models import (
    Candidate,
    Commitment,
    EventCandidate,
    InvitationStatus,
    OutboxMessage,
    Registration,
)
from app.models.commitments import CommitmentCreate
from app.models.events import EventUpdate
from app.services import attendance, commitments, notices, portal
from tests.conftest import Browser, Stage, World
from tests.test_attendance import make_event, person
from tests.test_scheduling import create, forum


async def outbox_rows(db: Database, kind: str | None = None) -> list[OutboxMessage]:
    async with db.read() as session:
        statement = select(OutboxMessage).order_by(col(OutboxMessage.id))
        if kind:
            statement = statement.where(col(OutboxMessage.kind) == kind)
        return list((await session.execute(statement)).scalars())


async def sign_up(db: Database, event_id: int, name: str, email: str | None) -> attendance.Ticket:
    async with db.write() as session:
        ticket = await attendance.register(
            session=session, event_id=event_id, data=person(name, email=email), secret="s" * 40
        )
        await session.commit()
    return ticket


def link_in(text: str, prefix: str) -> str:
    match = re.search(rf"http://testserver({re.escape(prefix)}[^\s\"<]+)", text)
    assert match, f"no {prefix} link in {text!r}"
    return match.group(1)


async def test_cancelling_tells_the_person_and_the_one_who_moves_up(
    db: Database, world: World
) -> None:
    event_id = await make_event(db, world, capacity=1)
    first = await sign_up(db, event_id, "Ana Çela", "ana@example.org")
    await sign_up(db, event_id, "Besa Dema", "besa@example.org")
    assert [m.kind for m in await outbox_rows(db)] == [
        "registration_confirmed",
        "registration_waitlisted",
    ]
    async with db.write() as session:
        registration = await session.get(Registration, first.registration.id)
        assert registration is not None
        await attendance.cancel(session=session, registration=registration)
        await session.commit()
    [receipt] = await outbox_rows(db, "registration_cancelled")
    assert receipt.recipient == "ana@example.org"
    [moved] = await outbox_rows(db, "registration_promoted")
    assert moved.recipient == "besa@example.org"
    assert "u konfirmua" in moved.text_body
    assert moved.attachments


async def test_a_rolled_back_change_leaves_no_message(db: Database, world: World) -> None:
    event_id = await make_event(db, world)
    async with db.write() as session:
        await attendance.register(
            session=session, event_id=event_id, data=person(email="a@example.org"), secret="s" * 40
        )
        await session.rollback()
    assert await outbox_rows(db) == []


async def test_moving_or_cancelling_an_event_tells_everyone_registered(stage: Stage, db) -> None:  # type: ignore[no-untyped-def]
    event = await create(db, stage.world.organizer, forum(stage, candidate_ids=[], capacity=10))
    await sign_up(db, event.id, "Ana Çela", "ana@example.org")
    await sign_up(db, event.id, "Pa Email", None)
    later = event.starts_at + timedelta(days=1)
    async with db.write() as session:
        from app.services import scheduling

        await scheduling.update_event(
            session=session,
            actor=stage.world.organizer,
            event_id=event.id,
            data=EventUpdate(starts_at=later, ends_at=later + timedelta(hours=2)),
        )
        await scheduling.update_event(
            session=session,
            actor=stage.world.organizer,
            event_id=event.id,
            data=EventUpdate(title="Një titull tjetër"),  # nothing that moves it: no message
        )
        await session.commit()
    [changed] = await outbox_rows(db, "event_changed")
    assert changed.recipient == "ana@example.org"
    assert "Do të fillonte më" in changed.text_body
    assert changed.attachments
    async with db.write() as session:
        await scheduling.update_event(
            session=session,
            actor=stage.world.organizer,
            event_id=event.id,
            data=EventUpdate(status="cancelled", cancel_reason="Salla u mbyll për riparime"),
        )
        await session.commit()
    [cancelled] = await outbox_rows(db, "event_cancelled")
    assert "Salla u mbyll për riparime" in cancelled.text_body


async def test_reminders_are_enqueued_once_for_confirmed_places_of_events_within_24_hours(
    db: Database, world: World
) -> None:
    soon = datetime.now(UTC) + timedelta(hours=20)
    event_id = await make_event(db, world, starts_at=soon, ends_at=soon + timedelta(hours=2))
    far = await make_event(db, world, title="Më vonë")
    gone = await make_event(
        db, world, starts_at=soon, ends_at=soon + timedelta(hours=2), title="Anuluar"
    )
    keep = await sign_up(db, event_id, "Ana Çela", "ana@example.org")
    left = await sign_up(db, event_id, "Besa Dema", "besa@example.org")
    await sign_up(db, far, "Ana Çela", "ana@example.org")
    await sign_up(db, gone, "Ana Çela", "ana@example.org")
    async with db.write() as session:
        registration = await session.get(Registration, left.registration.id)
        assert registration is not None
        await attendance.cancel(session=session, registration=registration)
        from app.models import Event, EventStatus

        await session.execute(
            update(Event).where(col(Event.id) == gone).values(status=EventStatus.cancelled)
        )
        await session.commit()
    for _round in range(2):
        async with db.write() as session:
            await notices.reminders(session=session)
            await session.commit()
    [reminder] = await outbox_rows(db, "reminder")
    assert reminder.registration_id == keep.registration.id
    assert keep.registration.code in reminder.text_body
    assert reminder.dedupe_key == f"reminder:{keep.registration.id}"


async def test_the_invitation_carries_a_portal_link_where_the_candidate_answers(
    stage: Stage, db: Database, client: Browser
) -> None:
    async with db.write() as session:
        await session.execute(
            update(Candidate)
            .where(col(Candidate.id) == stage.anila.id)
            .values(contact="+355 69 000 0000, anila.toska@example.al")
        )
        await session.commit()
    event = await create(db, stage.world.organizer, forum(stage))
    [invitation] = await outbox_rows(db, "candidate_invited")  # Besa has no e-mail
    assert invitation.recipient == "anila.toska@example.al"
    assert invitation.subject == "Ftesë: Forum publik për ujin në Durrës"
    portal_path = link_in(invitation.text_body, "/c/")
    page = await client.get(portal_path)
    assert page.status_code == 200
    assert "Anila Toska" in page.text
    step = await client.get(f"{portal_path}/events/{event.id}/confirm")
    assert step.status_code == 200
    answered = await client.post_form(f"{portal_path}/events/{event.id}/confirm")
    assert answered.status_code == 303
    async with db.read() as session:
        link = await session.get(EventCandidate, (event.id, stage.anila.id))
        assert link is not None
        assert link.status == InvitationStatus.confirmed
    declined = await client.post_form(f"{portal_path}/events/{event.id}/decline")
    assert declined.status_code == 303
    async with db.read() as session:
        link = await session.get(EventCandidate, (event.id, stage.anila.id))
        assert link is not None
        assert link.status == InvitationStatus.declined
    # a second invitation (another event) reuses the same live link: the card keeps working
    other = await create(
        db,
        stage.world.organizer,
        forum(
            stage,
            title="Forumi i dytë",
            starts_at=event.starts_at + timedelta(days=3),
            ends_at=event.ends_at + timedelta(days=3),
        ),
    )
    second = [m for m in await outbox_rows(db, "candidate_invited") if m.event_id == other.id]
    assert link_in(second[0].text_body, "/c/") == portal_path
    assert (await client.get(portal_path)).status_code == 200


async def test_a_recorded_commitment_asks_the_candidate_and_a_dispute_tells_the_organizers(
    stage: Stage, db: Database
) -> None:
    async with db.write() as session:
        await session.execute(
            update(Candidate)
            .where(col(Candidate.id) == stage.anila.id)
            .values(contact="anila.toska@example.al")
        )
        await session.commit()
    started = datetime.now(UTC) - timedelta(hours=1)
    event = await create(
        db,
        stage.world.organizer,
        forum(stage, starts_at=started, ends_at=started + timedelta(hours=3)),
    )
    async with db.write() as session:
        commitment = await commitments.record(
            session=session,
            actor=stage.world.organizer,
            data=CommitmentCreate(
                event_id=event.id,
                candidate_id=stage.anila.id,
                text="Do të ndërtoj një çerdhe të re në lagjen 13.",
            ),
        )
        await session.commit()
    [asked] = await outbox_rows(db, "commitment_recorded")
    assert asked.recipient == "anila.toska@example.al"
    assert "Do të ndërtoj një çerdhe të re në lagjen 13." in asked.text_body
    assert "/c/" in asked.text_body
    async with db.write() as session:
        candidate = await session.get(Candidate, stage.anila.id)
        assert candidate is not None
        for _twice in range(2):  # the same answer again adds nothing, and tells nobody again
            await portal.dispute(
                session=session,
                candidate=candidate,
                commitment_id=commitment.id or 0,
                comment="Thashë një çerdhe, jo dy.",
            )
        await session.commit()
    [told] = await outbox_rows(db, "commitment_disputed")
    assert told.recipient == stage.world.organizer.email  # the organization's users only
    assert "Thashë një çerdhe, jo dy." in told.text_body
    async with db.read() as session:
        assert (await session.get(Commitment, commitment.id)) is not None


async def test_a_drafts_invitations_go_out_when_it_is_scheduled_once(stage: Stage, db) -> None:  # type: ignore[no-untyped-def]
    from app.services import scheduling

    async with db.write() as session:
        await session.execute(
            update(Candidate)
            .where(col(Candidate.id) == stage.besa.id)
            .values(contact="besa.cuni@example.al")
        )
        await session.commit()
    event = await create(db, stage.world.organizer, forum(stage, status="draft"))
    assert await outbox_rows(db, "candidate_invited") == []
    for status in ("scheduled", "draft", "scheduled"):
        async with db.write() as session:
            await scheduling.update_event(
                session=session,
                actor=stage.world.organizer,
                event_id=event.id,
                data=EventUpdate(status=status),
            )
            await session.commit()
    [sent] = await outbox_rows(db, "candidate_invited")
    assert sent.recipient == "besa.cuni@example.al"


async def test_the_candidates_own_answer_keeps_the_invitation_rules(stage: Stage, db) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from app.services import invitation_answers
    from app.services.errors import Conflict, InvalidInput

    first = await create(db, stage.world.organizer, forum(stage))
    overlapping = await create(
        db,
        stage.world.organizer,
        forum(stage, title="Një tjetër", venue="Pallati i Kulturës"),
    )

    async def answer(event_id: int, status: InvitationStatus, **kwargs: object) -> None:
        async with db.write() as session:
            await invitation_answers.answer_invitation(
                session=session,
                candidate_id=stage.anila.id or 0,
                event_id=event_id,
                status=status,
                **kwargs,  # type: ignore[arg-type]
            )
            await session.commit()

    await answer(first.id, InvitationStatus.confirmed)
    with pytest.raises(Conflict):  # confirmed at an overlapping event already
        await answer(overlapping.id, InvitationStatus.confirmed)
    await answer(overlapping.id, InvitationStatus.declined)
    with pytest.raises(InvalidInput):  # "attended" is the organizers' to say
        await answer(first.id, InvitationStatus.attended)
    with pytest.raises(Conflict):  # once the event has started, the organizers' record stands
        await answer(
            first.id, InvitationStatus.declined, now=first.starts_at + timedelta(minutes=5)
        )
