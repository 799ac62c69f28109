"""No organization reads another's drafts (issue 10, item 3): the organizer's event page, a
status change (refused before its form is read), and the clash messages, which do not name
another organization's draft. The routes × roles on a draft are in tests/access.py (DRAFT_ROUTES).
"""

import re

from app.models import Event, EventStatus
from tests.access import ROUTES
from tests.conftest import Browser, Stage
from tests.test_manage_events import form, plan, post

SECRET_TITLE = "Forumi sekret i planifikuar"


async def draft_of_the_organizer(citizen: Browser, stage: Stage, **overrides: object) -> int:
    await citizen.sign_in(stage.world.organizer.email)
    event_id = await plan(citizen, stage, title=SECRET_TITLE, status="draft", **overrides)
    await citizen.post_form("/logout")
    return event_id


def other_form(stage: Stage, **overrides: object) -> dict[str, object]:
    """The other organization plans in the same town, venue and time."""
    values: dict[str, object] = {
        "title": "Forumi i organizatës tjetër",
        "organization_id": str(stage.world.other_organization.id),
        "candidate_ids": [],
    }
    return form(stage, **{**values, **overrides})


async def test_another_organizations_draft_is_not_found(citizen: Browser, stage: Stage) -> None:
    event_id = await draft_of_the_organizer(citizen, stage)
    await citizen.sign_in(stage.world.other_organizer.email)
    page = await citizen.get(f"/manage/events/{event_id}")
    unknown = await citizen.get("/manage/events/999999")
    assert page.status_code == unknown.status_code == 404
    assert SECRET_TITLE not in page.text
    assert "Anila Toska" not in page.text
    assert "We could not find this page." in page.text
    await citizen.post_form("/logout")
    await citizen.sign_in(stage.world.admin.email)
    assert SECRET_TITLE in (await citizen.get(f"/manage/events/{event_id}")).text


async def test_a_status_change_on_anothers_event_is_refused_before_its_form_is_read(
    citizen: Browser, stage: Stage
) -> None:
    await citizen.sign_in(stage.world.organizer.email)
    public = await plan(citizen, stage, title="Forumi publik i organizatës")
    await citizen.post_form("/logout")
    await citizen.sign_in(stage.world.other_organizer.email)
    for data in [{"status": "bogus"}, {"status": "held", "report_attendees": "shumë"}, {}]:
        response = await citizen.post_form(f"/manage/events/{public}/status", data)
        assert response.status_code == 403, (data, response.status_code)
        assert "Forumi publik i organizatës" not in response.text


async def test_every_scoped_form_refuses_another_organization_before_reading_it(
    citizen: Browser, stage: Stage
) -> None:
    """A row of the matrix for each scoped organizer form: garbage in, 403 out, nothing shown."""
    await citizen.sign_in(stage.world.organizer.email)
    public = await plan(citizen, stage, title="Forumi publik i organizatës")
    await citizen.post_form("/logout")
    await citizen.sign_in(stage.world.other_organizer.email)
    garbage = {"status": "bogus", "title": "", "starts_at": "dje", "capacity": "-1", "code": ""}
    routes = [
        path
        for (method, path), access in ROUTES.items()
        if method == "POST" and access == "scoped" and path.startswith("/manage/events/{event_id}")
    ]
    assert "/manage/events/{event_id}/status" in routes
    for path in routes:
        url = path.replace("{event_id}", str(public)).replace("{candidate_id}", str(stage.anila.id))
        response = await citizen.post_form(url, garbage)
        assert response.status_code == 403, (path, response.status_code)
        assert "Forumi publik i organizatës" not in response.text, path


async def test_the_venue_clash_does_not_name_another_organizations_draft(
    citizen: Browser, stage: Stage
) -> None:
    await draft_of_the_organizer(citizen, stage)
    await citizen.sign_in(stage.world.other_organizer.email)
    warned = await post(citizen, "/manage/events", other_form(stage))
    assert warned.status_code == 409
    assert "Another organization has an event there at that time." in warned.text
    assert SECRET_TITLE not in warned.text
    assert 'name="confirm_venue_overlap"' in warned.text


async def test_the_venue_clash_names_a_public_event(citizen: Browser, stage: Stage) -> None:
    await citizen.sign_in(stage.world.organizer.email)
    await plan(citizen, stage, title="Forumi publik i organizatës")
    await citizen.post_form("/logout")
    await citizen.sign_in(stage.world.other_organizer.email)
    warned = await post(citizen, "/manage/events", other_form(stage))
    assert warned.status_code == 409
    assert "Forumi publik i organizatës" in warned.text


async def test_the_candidate_clash_does_not_name_another_organizations_draft(
    citizen: Browser, stage: Stage, db
) -> None:  # type: ignore[no-untyped-def]
    draft = await draft_of_the_organizer(citizen, stage)
    await citizen.sign_in(stage.world.organizer.email)
    confirmed = await post(
        citizen, f"/manage/events/{draft}/candidates/{stage.anila.id}", {"status": "confirmed"}
    )
    assert confirmed.status_code == 303
    await citizen.post_form("/logout")
    await citizen.sign_in(stage.world.other_organizer.email)
    theirs = await post(
        citizen,
        "/manage/events",
        other_form(stage, venue="Pedonalja", candidate_ids=[str(stage.anila.id)], election_id=""),
    )
    assert theirs.status_code == 303, theirs.text
    event_id = int(theirs.headers["location"].rsplit("/", 1)[1])
    refused = await post(
        citizen, f"/manage/events/{event_id}/candidates/{stage.anila.id}", {"status": "confirmed"}
    )
    assert refused.status_code == 409
    text = re.sub(r"\s+", " ", refused.text)
    assert "Anila Toska is already confirmed at another organization" in text
    assert SECRET_TITLE not in refused.text
    async with db.read() as session:
        event = await session.get(Event, draft)
    assert event is not None
    assert event.status == EventStatus.draft
