"""Issue 14, what a first-time user tripped on (forms): every error at once, capacity 0, the page
asking first before a probable slip (the API does not), tickets of a withdrawn event."""

import re
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import col

from app.db import Database
from app.models import Event, EventKind, EventStatus, Registration, utcnow
from app.models.attendance import RegistrationCreate
from app.services import attendance
from tests.conftest import Browser, Stage, World, api_token_for
from tests.test_manage_events import form, post


def tirana(value: datetime) -> str:
    """A UTC time as the datetime-local field takes it (Tirana is UTC+1 in winter, +2 in summer)."""
    return value.astimezone(ZoneInfo("Europe/Tirane")).strftime("%Y-%m-%dT%H:%M")


async def add_event(db: Database, world: World, **values: Any) -> int:
    start = values.pop("starts_at", utcnow() + timedelta(days=14))
    fields: dict[str, Any] = {
        "kind": EventKind.forum,
        "title": "Forumi për ujin",
        "municipality_id": world.municipality.id,
        "organization_id": world.organization.id,
        "venue": "Salla e Këshillit",
        "status": EventStatus.scheduled,
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
        **values,
    }
    async with db.write() as s:
        event = Event(**fields)
        s.add(event)
        await s.commit()
    return event.id or 0


async def register_someone(db: Database, event_id: int, name: str = "Arta Hoxha") -> str:
    async with db.write() as s:
        ticket = await attendance.register(
            session=s,
            event_id=event_id,
            data=RegistrationCreate(name=name, consent=True),
            secret="x" * 40,
        )
        await s.commit()
    return ticket.token


def field_errors(page: str) -> set[str]:
    return set(re.findall(r'<p class="error" id="f-(\w+)-error"', page))


async def status_of(db: Database, event_id: int) -> EventStatus:
    async with db.read() as s:
        event = await s.get(Event, event_id)
        assert event is not None
        return event.status


# --- every error at once ---------------------------------------------------------------------


async def test_the_event_form_reports_every_error_in_one_round(
    client: Browser, stage: Stage, db: Database
) -> None:
    await client.sign_in(stage.world.organizer.email)
    response = await post(
        client,
        "/manage/events",
        form(stage, title="", venue="", ends_at="2030-03-01T17:00", capacity="0"),
    )
    assert response.status_code == 400
    # the empty fields (the model) and the end before the start and capacity 0 (the service's
    # rules) together: before, the end and capacity came only once the rest was fixed
    assert {"title", "venue", "ends_at", "capacity"} <= field_errors(response.text)
    assert 'value="2030-03-01T17:00"' in response.text  # what was typed is kept
    async with db.read() as s:
        assert (await s.execute(select(Event))).first() is None


async def test_the_registration_form_says_consent_with_the_other_errors(
    citizen: Browser, world: World, db: Database
) -> None:
    event_id = await add_event(db, world)
    page = await citizen.get(f"/events/{event_id}/register")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page.text)
    assert token
    assert key
    response = await citizen.post(
        f"/events/{event_id}/register",
        data={
            "csrf_token": token.group(1),
            "idempotency_key": key.group(1),
            "name": "",
            "email": "not-an-address",
        },  # no consent ticked
    )
    assert response.status_code == 400
    assert {"name", "email", "consent"} <= field_errors(response.text)
    assert "Please agree to the privacy notice to register." in response.text


async def test_required_fields_are_marked_and_description_says_optional(
    client: Browser, stage: Stage
) -> None:
    await client.sign_in(stage.world.organizer.email)
    page = (await client.get("/manage/events/new")).text
    for name in ("title", "venue", "starts_at", "ends_at"):
        assert re.search(rf'<label for="f-{name}">[^<]*<span class="required"', page), name
        assert re.search(rf'id="f-{name}"[^>]*\brequired\b', page, re.S), name
    assert "Description (optional)" in page or "Përshkrimi (jo i detyrueshëm)" in page
    assert re.search(r'id="f-capacity"[^>]*min="1"', page, re.S)


async def test_capacity_zero_is_refused_by_the_api_too(
    client: Browser, stage: Stage, db: Database
) -> None:
    headers = {"Authorization": f"Bearer {await api_token_for(db, stage.world.organizer)}"}
    start = datetime(2030, 3, 1, 17, tzinfo=UTC)
    body = {
        "kind": "forum",
        "title": "Forum",
        "municipality_id": stage.world.municipality.id,
        "organization_id": stage.world.organization.id,
        "venue": "Salla",
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "capacity": 0,
    }
    refused = await client.post("/api/v1/events", json=body, headers=headers)
    assert refused.status_code == 422, refused.text
    assert "capacity" in refused.text
    created = await client.post("/api/v1/events", json={**body, "capacity": 1}, headers=headers)
    assert created.status_code == 201
    event_id = created.json()["id"]
    patched = await client.patch(
        f"/api/v1/events/{event_id}", json={"capacity": 0}, headers=headers
    )
    assert patched.status_code == 422
    # no limit at all is still "leave it empty"
    unlimited = await client.patch(
        f"/api/v1/events/{event_id}", json={"capacity": None}, headers=headers
    )
    assert unlimited.status_code == 200


# --- the page asks first; the API does not ---------------------------------------------------


async def test_publishing_a_past_event_asks_first_on_the_page_not_in_the_api(
    client: Browser, stage: Stage, db: Database
) -> None:
    await client.sign_in(stage.world.organizer.email)
    start = utcnow() - timedelta(days=3)
    values = form(
        stage,
        starts_at=tirana(start),
        ends_at=tirana(start + timedelta(hours=2)),
        election_id="",
        candidate_ids=[],
    )
    asked = await post(client, "/manage/events", values)
    assert asked.status_code == 409
    assert "started in the past" in asked.text or "ka filluar në të kaluarën" in asked.text
    assert 'name="confirm"' in asked.text
    async with db.read() as s:
        assert (await s.execute(select(Event))).first() is None  # nothing saved yet
    done = await post(client, "/manage/events", {**values, "confirm": "true"})
    assert done.status_code == 303

    headers = {"Authorization": f"Bearer {await api_token_for(db, stage.world.organizer)}"}
    body = {
        "kind": "forum",
        "title": "Forumi i vitit të kaluar",
        "municipality_id": stage.world.municipality.id,
        "organization_id": stage.world.organization.id,
        "venue": "Salla",
        "starts_at": (start - timedelta(days=300)).isoformat(),
        "ends_at": (start - timedelta(days=300) + timedelta(hours=2)).isoformat(),
    }
    entered = await client.post("/api/v1/events", json=body, headers=headers)
    assert entered.status_code == 201, entered.text  # entering past forums is a real use
    assert entered.json()["status"] == "scheduled"


async def test_publishing_a_past_draft_and_marking_held_without_a_report_ask_first(
    client: Browser, stage: Stage, db: Database
) -> None:
    await client.sign_in(stage.world.organizer.email)
    start = utcnow() - timedelta(hours=5)
    event_id = await add_event(db, stage.world, starts_at=start, status=EventStatus.draft)
    path = f"/manage/events/{event_id}/status"

    asked = await post(client, path, {"status": "scheduled"})
    assert asked.status_code == 409
    assert 'id="confirm"' in asked.text
    assert re.search(r'<input type="hidden" name="status" value="scheduled">', asked.text)
    assert await status_of(db, event_id) == EventStatus.draft
    published = await post(client, path, {"status": "scheduled", "confirm": "true"})
    assert published.status_code == 303
    assert await status_of(db, event_id) == EventStatus.scheduled

    empty = await post(client, path, {"status": "held"})
    assert empty.status_code == 409
    assert "closing report is empty" in empty.text or "Raporti përmbyllës është bosh" in empty.text
    assert await status_of(db, event_id) == EventStatus.scheduled
    with_report = await post(client, path, {"status": "held", "report_attendees": "40"})
    assert with_report.status_code == 303  # a report: nothing to ask
    assert await status_of(db, event_id) == EventStatus.held


async def test_hiding_an_event_people_registered_for_asks_first(
    client: Browser, stage: Stage, db: Database
) -> None:
    await client.sign_in(stage.world.organizer.email)
    event_id = await add_event(db, stage.world)
    await register_someone(db, event_id)
    path = f"/manage/events/{event_id}/status"
    asked = await post(client, path, {"status": "draft"})
    assert asked.status_code == 409
    assert "1 person registered" in asked.text or "1 person është regjistruar" in asked.text
    assert await status_of(db, event_id) == EventStatus.scheduled
    hidden = await post(client, path, {"status": "draft", "confirm": "true"})
    assert hidden.status_code == 303
    assert await status_of(db, event_id) == EventStatus.draft

    # the API takes it as it is
    other = await add_event(db, stage.world, title="Tjetri")
    await register_someone(db, other)
    headers = {"Authorization": f"Bearer {await api_token_for(db, stage.world.organizer)}"}
    api = await client.patch(f"/api/v1/events/{other}", json={"status": "draft"}, headers=headers)
    assert api.status_code == 200


async def test_checking_in_more_than_a_day_early_asks_first(
    client: Browser, stage: Stage, db: Database
) -> None:
    await client.sign_in(stage.world.organizer.email)
    event_id = await add_event(db, stage.world, starts_at=utcnow() + timedelta(days=14))
    await register_someone(db, event_id, "Drita Çela")
    async with db.read() as s:
        code = (
            await s.execute(select(Registration.code).where(col(Registration.event_id) == event_id))  # type: ignore[call-overload]
        ).scalar_one()
    desk = f"/manage/events/{event_id}/checkin"
    asked = await post(client, desk, {"code": code})
    assert 'data-outcome="early"' in asked.text
    assert 'name="confirm" value="true"' in asked.text
    async with db.read() as s:
        assert (await s.scalar(select(Registration.checked_in_at))) is None  # type: ignore[call-overload]
    done = await post(client, desk, {"code": code, "confirm": "true"})
    assert 'data-outcome="checked_in"' in done.text
    assert "Drita Çela" in done.text

    soon = await add_event(db, stage.world, title="Sot", starts_at=utcnow() + timedelta(hours=3))
    token = await register_someone(db, soon, "Besa")
    del token
    async with db.read() as s:
        soon_code = (
            await s.execute(select(Registration.code).where(col(Registration.event_id) == soon))  # type: ignore[call-overload]
        ).scalar_one()
    at_once = await post(client, f"/manage/events/{soon}/checkin", {"code": soon_code})
    assert 'data-outcome="checked_in"' in at_once.text  # the same day: no question


# --- a withdrawn event's ticket --------------------------------------------------------------


async def test_the_ticket_of_a_withdrawn_or_cancelled_event_says_so(
    citizen: Browser, world: World, db: Database, settings: Any
) -> None:
    event_id = await add_event(db, world)
    async with db.write() as s:
        ticket = await attendance.register(
            session=s,
            event_id=event_id,
            data=RegistrationCreate(name="Arta", consent=True),
            secret=settings.secret_key,
        )
        await s.commit()
    live = await citizen.get(f"/r/{ticket.token}")
    assert "ticket-confirmed" in live.text
    assert "ticket-qr" in live.text

    async with db.write() as s:
        event = await s.get(Event, event_id)
        assert event is not None
        event.status = EventStatus.draft
        await s.commit()
    withdrawn = await citizen.get(f"/r/{ticket.token}")
    assert withdrawn.status_code == 200
    assert "ticket-confirmed" not in withdrawn.text
    assert "your place is confirmed" not in withdrawn.text
    assert "The organizers withdrew this event" in withdrawn.text
    assert "ticket-qr" not in withdrawn.text  # no pass to show at the door
    assert f'href="/events/{event_id}"' not in withdrawn.text  # a draft's page is not public

    async with db.write() as s:
        event = await s.get(Event, event_id)
        assert event is not None
        event.status = EventStatus.cancelled
        event.cancel_reason = "Salla u mbyll."
        await s.commit()
    cancelled = await citizen.get(f"/r/{ticket.token}")
    assert "ticket-confirmed" not in cancelled.text
    assert "the event will not take place" in cancelled.text
    assert "Salla u mbyll." in cancelled.text
