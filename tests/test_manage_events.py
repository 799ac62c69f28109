"""Organizer event pages: plan through the form, errors keep the input, invitations, lifecycle."""

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.models import Event, EventCandidate, EventStatus
from app.services import scheduling
from tests.conftest import Browser, Stage


def form(stage: Stage, **overrides: object) -> dict[str, object]:
    values: dict[str, object] = {
        "kind": "forum",
        "title": "Forum publik: uji dhe kanalizimet në Durrës",
        "description": "Çfarë do të bëjë bashkia për ujin?",
        "municipality_id": str(stage.world.municipality.id),
        "organization_id": str(stage.world.organization.id),
        "election_id": str(stage.election.id),
        "venue": "Salla e Këshillit Bashkiak",
        "starts_at": "2030-03-01T18:00",
        "ends_at": "2030-03-01T20:00",
        "capacity": "120",
        "candidate_ids": [str(stage.anila.id), str(stage.besa.id)],
        "status": "scheduled",
    }
    values.update(overrides)
    return values


async def post(client: Browser, path: str, data: dict[str, object], **headers: str):  # type: ignore[no-untyped-def]
    token = await client.csrf_token()
    return await client.post(path, data={"csrf_token": token, **data}, headers=headers)  # type: ignore[dict-item]


async def plan(client: Browser, stage: Stage, **overrides: object) -> int:
    response = await post(client, "/manage/events", form(stage, **overrides))
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


async def test_an_organizer_plans_a_forum_through_the_form(
    client: Browser, stage: Stage, db
) -> None:
    await client.sign_in(stage.world.organizer.email)
    new = await client.get("/manage/events/new")
    assert new.status_code == 200
    assert "Anila Toska" in new.text  # the organizer's municipality's candidates are offered
    event_id = await plan(client, stage)
    async with db.read() as s:
        event = await s.get(Event, event_id)
        invited = (await s.execute(select(EventCandidate))).scalars().all()
    assert event is not None
    assert event.starts_at == datetime(2030, 3, 1, 17, 0, tzinfo=UTC)  # 18:00 in Tirana
    assert event.status == EventStatus.scheduled
    assert len(invited) == 2
    page = await client.get(f"/manage/events/{event_id}")
    assert "Forum publik: uji dhe kanalizimet në Durrës" in page.text
    assert "Anila Toska" in page.text
    edit = await client.get(f"/manage/events/{event_id}/edit")
    assert 'value="2030-03-01T18:00"' in edit.text


async def test_an_invalid_form_keeps_everything_typed(client: Browser, stage: Stage, db) -> None:
    await client.sign_in(stage.world.organizer.email)
    response = await post(
        client,
        "/manage/events",
        form(stage, ends_at="2030-03-01T17:00", capacity="njëqind", title="Forumi <b>i madh</b> ë"),
    )
    assert response.status_code == 400
    html = response.text
    assert 'value="Forumi &lt;b&gt;i madh&lt;/b&gt; ë"' in html
    assert 'value="2030-03-01T17:00"' in html
    assert re.search(r'id="f-capacity"[^>]*aria-invalid="true"', html)
    assert 'value="njëqind"' in html
    assert "Çfarë do të bëjë bashkia për ujin?" in html
    assert re.search(rf'value="{stage.anila.id}"\s+checked', html)
    async with db.read() as s:
        assert (await s.execute(select(Event))).first() is None


async def test_the_end_before_the_start_is_refused_on_the_field(
    client: Browser, stage: Stage
) -> None:
    await client.sign_in(stage.world.organizer.email)
    response = await post(client, "/manage/events", form(stage, ends_at="2030-03-01T17:00"))
    assert response.status_code == 400
    assert re.search(r'id="f-ends_at"[^>]*aria-invalid="true"', response.text)


async def test_a_meeting_with_two_candidates_is_refused(client: Browser, stage: Stage) -> None:
    await client.sign_in(stage.world.organizer.email)
    response = await post(client, "/manage/events", form(stage, kind="meeting"))
    assert response.status_code == 400
    assert 'id="f-candidate_ids-error"' in response.text


async def test_the_same_venue_at_the_same_time_asks_for_confirmation(
    client: Browser, stage: Stage
) -> None:
    await client.sign_in(stage.world.organizer.email)
    await plan(client, stage, candidate_ids=[])
    again = form(stage, title="Takim tjetër", candidate_ids=[])
    warned = await post(client, "/manage/events", again)
    assert warned.status_code == 409
    assert 'name="confirm_venue_overlap"' in warned.text
    assert "Forum publik: uji dhe kanalizimet" in warned.text
    assert 'value="Takim tjetër"' in warned.text
    confirmed = await post(client, "/manage/events", {**again, "confirm_venue_overlap": "true"})
    assert confirmed.status_code == 303


async def test_invitations_change_in_one_click_and_conflicts_name_the_other_event(
    client: Browser, stage: Stage
) -> None:
    await client.sign_in(stage.world.organizer.email)
    first = await plan(client, stage, title="Forumi i parë")
    second = await plan(client, stage, title="Forumi i dytë", venue="Pedonalja")
    row = await post(
        client,
        f"/manage/events/{first}/candidates/{stage.anila.id}",
        {"status": "confirmed"},
        **{"HX-Request": "true"},
    )
    assert row.status_code == 200
    assert row.text.lstrip().startswith(f'<li id="invitation-{stage.anila.id}"')
    assert "status-confirmed" in row.text
    public = await client.get(f"/events/{first}")
    assert "Anila Toska" in public.text

    clash = await post(
        client,
        f"/manage/events/{second}/candidates/{stage.anila.id}",
        {"status": "confirmed"},
        **{"HX-Request": "true"},
    )
    assert clash.status_code == 409
    assert "Forumi i parë" in clash.text
    assert 'role="alert"' in clash.text

    plain = await post(
        client, f"/manage/events/{second}/candidates/{stage.besa.id}", {"status": "declined"}
    )
    assert plain.status_code == 303
    assert plain.headers["location"] == f"/manage/events/{second}#candidates"


async def test_cancel_needs_a_reason_and_the_public_sees_it(
    client: Browser, stage: Stage, db
) -> None:
    await client.sign_in(stage.world.organizer.email)
    event_id = await plan(client, stage)
    refused = await post(client, f"/manage/events/{event_id}/status", {"status": "cancelled"})
    assert refused.status_code == 400
    assert 'id="f-cancel_reason-error"' in refused.text
    done = await post(
        client,
        f"/manage/events/{event_id}/status",
        {"status": "cancelled", "cancel_reason": "Salla nuk është e lirë; e shtyjmë."},
    )
    assert done.status_code == 303
    public = await client.get(f"/events/{event_id}")
    assert "Salla nuk është e lirë; e shtyjmë." in public.text


async def test_a_held_event_gets_its_closing_report(client: Browser, stage: Stage, db) -> None:
    await client.sign_in(stage.world.organizer.email)
    start = datetime.now(UTC) - timedelta(hours=3)
    local = (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    end = (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    event_id = await plan(  # it has started: "yes, publish it anyway" (issue 14)
        client,
        stage,
        starts_at=local,
        ends_at=end,
        election_id="",
        candidate_ids=[],
        confirm="true",
    )
    report = {
        "status": "held",
        "report_attendees": "87",
        "report_summary": "Qytetarët pyetën për ujin.",
        "report_participants": "Media lokale, Qendra Rinore",
    }
    response = await post(client, f"/manage/events/{event_id}/status", report)
    assert response.status_code == 303
    async with db.read() as s:
        event = await s.get(Event, event_id)
    assert event is not None
    assert event.status == EventStatus.held
    assert event.report_attendees == 87


def offered_statuses(html: str) -> set[str]:
    """The statuses the page's status forms would set."""
    return set(re.findall(r'<input type="hidden" name="status" value="(\w+)">', html))


async def test_the_page_offers_the_status_changes_the_service_allows(
    client: Browser, stage: Stage, db
) -> None:
    await client.sign_in(stage.world.organizer.email)
    start = datetime.now(UTC) - timedelta(hours=3)
    local = (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    end = (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    event_id = await plan(  # it has started: "yes, publish it anyway" (issue 14)
        client,
        stage,
        starts_at=local,
        ends_at=end,
        election_id="",
        candidate_ids=[],
        confirm="true",
    )
    page = await client.get(f"/manage/events/{event_id}")
    async with db.read() as s:
        event = await s.get(Event, event_id)
    assert event is not None
    allowed = scheduling.allowed_transitions(event, datetime.now(UTC))
    assert offered_statuses(page.text) == {status.value for status in allowed}
    # once it has started it may be marked held, and still go back to draft, as the API allows
    assert offered_statuses(page.text) == {"draft", "cancelled", "held"}
    back = await post(client, f"/manage/events/{event_id}/status", {"status": "draft"})
    assert back.status_code == 303  # nobody registered: nothing to ask
    draft = await client.get(f"/manage/events/{event_id}")
    assert offered_statuses(draft.text) == {"scheduled", "cancelled"}


async def test_another_organization_cannot_edit(client: Browser, stage: Stage) -> None:
    await client.sign_in(stage.world.organizer.email)
    event_id = await plan(client, stage)
    await post(client, "/logout", {})
    await client.sign_in(stage.world.other_organizer.email)
    assert (await client.get(f"/manage/events/{event_id}")).status_code == 200  # reads all
    assert (await client.get(f"/manage/events/{event_id}/edit")).status_code == 403
    response = await post(client, f"/manage/events/{event_id}", {"title": "Rrëmbyer"})
    assert response.status_code == 403
    invite = await post(
        client, f"/manage/events/{event_id}/candidates/{stage.anila.id}", {"status": "confirmed"}
    )
    assert invite.status_code == 403


async def test_the_dashboard_shows_what_needs_doing(client: Browser, stage: Stage) -> None:
    await client.sign_in(stage.world.organizer.email)
    event_id = await plan(
        client,
        stage,
        starts_at="2099-03-01T18:00",
        ends_at="2099-03-01T20:00",
        election_id="",
        candidate_ids=[],
    )
    page = await client.get("/manage")
    assert page.status_code == 200
    needs, _rest = page.text.split('id="next-heading"')
    assert f'href="/manage/events/{event_id}"' in needs  # no confirmed candidate yet
