"""No input gives a 500 (issue 10, item 1), on both engines: ids out of range, NUL characters,
nulls where an event needs a value, years no calendar can hold, and 405s that name every method."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from app.db import Database
from app.models import Event, EventKind, EventStatus
from tests.conftest import Browser, Stage, World, api_token_for
from tests.test_manage_events import form, plan, post

HUGE = "99999999999999999999"
SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=10)


async def public_event(db: Database, world: World, **overrides: object) -> int:
    values: dict[str, object] = {
        "kind": EventKind.forum,
        "title": "Forumi i provës",
        "municipality_id": world.municipality.id,
        "organization_id": world.organization.id,
        "venue": "Salla e Këshillit",
        "starts_at": SOON,
        "ends_at": SOON + timedelta(hours=2),
        "status": EventStatus.scheduled,
    }
    values.update(overrides)
    async with db.write() as session:
        event = Event(**values)  # type: ignore[arg-type]
        session.add(event)
        await session.commit()
    return event.id or 0


async def bearer(db: Database, world: World) -> dict[str, str]:
    return {"Authorization": f"Bearer {await api_token_for(db, world.organizer)}"}


# --- ids ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("event_id", ["2147483648", HUGE, "0", "-1"])
async def test_an_id_out_of_range_answers_422_on_the_api(
    citizen: Browser, world: World, db: Database, event_id: str
) -> None:
    headers = await bearer(db, world)
    for method, path in [
        ("GET", f"/api/v1/events/{event_id}"),
        ("GET", f"/api/v1/events/{event_id}/questions"),
        ("GET", f"/api/v1/events/{event_id}/registrations"),
        ("POST", f"/api/v1/questions/{event_id}/votes"),
        ("GET", f"/api/v1/candidates?election_id={event_id}"),
        ("GET", f"/api/v1/candidates?municipality_id={event_id}"),
        ("GET", f"/api/v1/events?election_id={event_id}"),
    ]:
        response = await citizen.request(method, path, headers=headers)
        assert response.status_code == 422, (method, path, response.text)
        assert response.json()["detail"][0]["loc"][0] in {"path", "query"}


async def test_an_id_out_of_range_in_a_body_answers_422(
    citizen: Browser, stage: Stage, db: Database
) -> None:
    headers = await bearer(db, stage.world)
    body = {"full_name": "X", "election_id": 2**31, "municipality_id": 1, "office": "mayor"}
    response = await citizen.post("/api/v1/candidates", json=body, headers=headers)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "election_id"]
    event_id = await public_event(db, stage.world)
    huge = {"body": "Pyetja ime", "candidate_ids": [2**40]}
    response = await citizen.post(f"/api/v1/events/{event_id}/questions", json=huge)
    assert response.status_code == 422


@pytest.mark.parametrize("event_id", ["abc", HUGE, "2147483648", "0"])
async def test_a_page_with_an_impossible_id_is_not_found(
    citizen: Browser, world: World, event_id: str
) -> None:
    for path in [f"/events/{event_id}", f"/events/{event_id}/questions", f"/events/{event_id}.ics"]:
        response = await citizen.get(path)
        assert response.status_code == 404, (path, response.status_code)
        assert "We could not find this page." in response.text
    await citizen.sign_in(world.organizer.email)
    response = await citizen.get(f"/manage/events/{event_id}")
    assert response.status_code == 404
    assert "We could not find this page." in response.text


async def test_the_event_list_ignores_an_election_beyond_the_range(citizen: Browser) -> None:
    for election in [HUGE, "2147483648", "²"]:
        response = await citizen.get(f"/events?election={election}")
        assert response.status_code == 200, election


async def test_the_event_forms_candidate_choices_ignore_impossible_ids(
    citizen: Browser, stage: Stage
) -> None:
    await citizen.sign_in(stage.world.organizer.email)
    response = await citizen.get(
        f"/manage/events/candidate-options?municipality_id={HUGE}&election_id=-{HUGE}"
    )
    assert response.status_code == 200


# --- NUL characters ----------------------------------------------------------------------------


async def test_a_nul_in_a_query_or_path_answers_422_on_both_engines(citizen: Browser) -> None:
    page = await citizen.get("/events?municipality=%00")
    assert page.status_code == 422
    assert "Some of what was sent is not valid." in page.text
    api = await citizen.get("/api/v1/events?municipality=a%00b")
    assert api.status_code == 422
    assert api.json()["detail"][0]["loc"] == ["query", "municipality"]
    assert (await citizen.get("/municipalities/%00")).status_code == 404


async def test_a_nul_in_a_body_answers_422_on_both_engines(
    citizen: Browser, stage: Stage, db: Database
) -> None:
    event_id = await public_event(db, stage.world)
    question = await citizen.post(
        f"/api/v1/events/{event_id}/questions", json={"body": "Pyetja\u0000 ime"}
    )
    assert question.status_code == 422
    assert question.json()["detail"][0]["loc"] == ["body", "body"]
    registration = {"name": "Arta\u0000", "consent": True}
    answer = await citizen.post(f"/api/v1/events/{event_id}/registrations", json=registration)
    assert answer.status_code == 422
    # the same through the page's form
    typed = await citizen.post_form(
        f"/events/{event_id}/questions", {"body": "Pyetja\x00 ime", "author_name": "Ana"}
    )
    assert typed.status_code == 422
    named = await citizen.post_form(
        f"/events/{event_id}/register", {"name": "Arta\x00", "consent": "on"}
    )
    assert named.status_code == 422
    await citizen.sign_in(stage.world.organizer.email)
    planned = await post(citizen, "/manage/events", form(stage, title="Forumi\x00"))
    assert planned.status_code == 422


# --- nulls -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["title", "kind", "venue", "starts_at", "ends_at", "description", "municipality_id"]
)
async def test_patching_a_required_field_to_null_answers_422(
    citizen: Browser, world: World, db: Database, field: str
) -> None:
    event_id = await public_event(db, world)
    headers = await bearer(db, world)
    response = await citizen.patch(
        f"/api/v1/events/{event_id}", json={field: None}, headers=headers
    )
    assert response.status_code == 422, response.text
    assert response.json()["detail"][0]["loc"] == ["body", field]


async def test_the_edit_form_with_a_required_field_emptied_says_so_next_to_it(
    citizen: Browser, stage: Stage
) -> None:
    await citizen.sign_in(stage.world.organizer.email)
    event_id = await plan(citizen, stage)
    response = await post(
        citizen,
        f"/manage/events/{event_id}",
        form(stage, title="", venue="Salla e re e Bashkisë", description=""),
    )
    assert response.status_code == 400, response.text
    assert "Something went wrong" not in response.text
    assert re.search(r'id="f-title"[^>]*aria-invalid="true"', response.text)
    assert "This field is required." in response.text
    assert 'value="Salla e re e Bashkisë"' in response.text  # what was typed is kept
    # an emptied description is an empty one, not a refusal
    saved = await post(citizen, f"/manage/events/{event_id}", form(stage, description=""))
    assert saved.status_code == 303


# --- years -------------------------------------------------------------------------------------


@pytest.mark.parametrize("start", ["9999-01-01T10:00:00Z", "0001-01-01T00:00", "1999-12-31T10:00"])
async def test_an_event_outside_the_years_events_may_have_answers_422(
    citizen: Browser, stage: Stage, db: Database, start: str
) -> None:
    headers = await bearer(db, stage.world)
    body = {
        "kind": "forum",
        "title": "Forumi i largët",
        "municipality_id": stage.world.municipality.id,
        "organization_id": stage.world.organization.id,
        "venue": "Salla",
        "starts_at": start,
        "ends_at": "2030-01-01T10:00:00Z",
    }
    response = await citizen.post("/api/v1/events", json=body, headers=headers)
    assert response.status_code == 422, response.text
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", "starts_at"]
    assert "between the years 2000 and 2100" in detail["msg"]
    event_id = await public_event(db, stage.world)
    patched = await citizen.patch(
        f"/api/v1/events/{event_id}", json={"ends_at": start}, headers=headers
    )
    assert patched.status_code == 422


async def test_the_form_says_which_years_events_may_have(citizen: Browser, stage: Stage) -> None:
    await citizen.sign_in(stage.world.organizer.email)
    response = await post(
        citizen, "/manage/events", form(stage, starts_at="9999-03-01T18:00", ends_at="")
    )
    assert response.status_code == 400
    assert "Events take place between the years 2000 and 2100." in response.text


@pytest.mark.parametrize(
    "bound",
    [
        "0001-01-01T00:00",
        "0001-01-01T00:00:00%2B14:00",
        "9999-12-31T23:59:59",
        "9999-12-31T23:59:59-12:00",
    ],
)
async def test_a_listing_from_or_to_the_ends_of_time_is_no_500(
    citizen: Browser, bound: str
) -> None:
    for name in ("from", "to"):
        response = await citizen.get(f"/api/v1/events?{name}={bound}")
        assert response.status_code in {200, 422}, (name, bound, response.text)


async def test_the_feeds_leave_out_an_event_no_calendar_can_hold(
    citizen: Browser, world: World, db: Database
) -> None:
    # written straight to the table, as an older version of the app allowed
    far = datetime(9999, 12, 31, 20, tzinfo=UTC)
    await public_event(
        db, world, title="Forumi i largët", starts_at=far, ends_at=far + timedelta(hours=2)
    )
    kept = await public_event(db, world, title="Forumi i afërt")
    for path in ["/events.ics", "/municipalities/durres/events.ics"]:
        response = await citizen.get(path)
        assert response.status_code == 200, path
        assert "Forumi i afërt" in response.text
        assert "Forumi i largët" not in response.text
    assert (await citizen.get(f"/events/{kept}.ics")).status_code == 200


# --- 405 ---------------------------------------------------------------------------------------


async def test_a_405_names_every_method_the_path_takes(citizen: Browser) -> None:
    response = await citizen.options("/api/v1/elections")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}
    response = await citizen.request("PUT", "/api/v1/questions/1/votes")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"POST", "DELETE"}
    page = await citizen.request("DELETE", "/events")
    assert page.status_code == 405
    assert page.headers["allow"] == "GET, HEAD"


# --- 413 and 503 are documented ----------------------------------------------------------------


async def test_the_document_declares_413_and_503_where_they_can_come(app, citizen: Browser) -> None:  # type: ignore[no-untyped-def]
    document = app.openapi()
    wrong = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            if path.startswith("/api/") and "Retry-After" not in responses.get("503", {}).get(
                "headers", {}
            ):
                wrong.append(f"{method} {path}: no 503 with Retry-After")
            if "requestBody" in operation and "413" not in responses:
                wrong.append(f"{method} {path}: takes a body, no 413")
    assert not wrong, "\n".join(wrong)
    health = document["paths"]["/healthz"]["get"]["responses"]["503"]
    assert health["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Health"
    }
    big = await citizen.post(
        "/api/v1/events", content=b"x" * 2_000_000, headers={"Content-Type": "application/json"}
    )
    assert big.status_code == 413
    assert "413" in document["paths"]["/api/v1/events"]["post"]["responses"]


async def test_a_time_is_iso_text_not_a_number(
    citizen: Browser, world: World, db: Database
) -> None:
    for bound in ["0", "1700000000", "2030-05-12", "true"]:
        response = await citizen.get(f"/api/v1/events?to={bound}")
        assert response.status_code == 422, bound
    event_id = await public_event(db, world)
    headers = await bearer(db, world)
    patched = await citizen.patch(
        f"/api/v1/events/{event_id}", json={"starts_at": 1900000000}, headers=headers
    )
    assert patched.status_code == 422
    assert patched.json()["detail"][0]["loc"] == ["body", "starts_at"]
