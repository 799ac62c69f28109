"""The scheduling JSON API: field names are a contract other tools depend on."""

from datetime import UTC, datetime, timedelta

import pytest

from app.models import Candidate, Election, ElectionKind, ElectionMunicipality, Office
from tests.conftest import Browser, World, api_token_for

START = datetime(2031, 4, 2, 16, 0, tzinfo=UTC)


@pytest.fixture
async def tokens(world: World, db) -> dict[str, dict[str, str]]:
    return {
        role: {"Authorization": f"Bearer {await api_token_for(db, user)}"}
        for role, user in [
            ("organizer", world.organizer),
            ("other", world.other_organizer),
            ("admin", world.admin),
        ]
    }


@pytest.fixture
async def election(world: World, db) -> Election:
    async with db.write() as s:
        election = Election(
            name="Zgjedhjet vendore 2031",
            kind=ElectionKind.local,
            election_date=START.date() + timedelta(days=40),
        )
        s.add(election)
        await s.flush()
        s.add(ElectionMunicipality(election_id=election.id, municipality_id=world.municipality.id))
        await s.commit()
    return election


async def make_candidate(db, world: World, election: Election, name: str) -> int:  # type: ignore[no-untyped-def]
    async with db.write() as s:
        candidate = Candidate(
            full_name=name,
            election_id=election.id,
            municipality_id=world.municipality.id,
            office=Office.mayor,
        )
        s.add(candidate)
        await s.commit()
    return candidate.id or 0


def event_body(world: World, election: Election, candidate_ids: list[int], **extra):  # type: ignore[no-untyped-def]
    return {
        "kind": "forum",
        "title": "Forum publik: uji në Durrës",
        "description": "Pyetje për ujin & kanalizimet <b>tani</b>",
        "municipality_id": world.municipality.id,
        "organization_id": world.organization.id,
        "election_id": election.id,
        "venue": "Salla e Këshillit",
        "starts_at": START.isoformat(),
        "ends_at": (START + timedelta(hours=2)).isoformat(),
        "capacity": 120,
        "candidate_ids": candidate_ids,
        **extra,
    }


async def test_reference_lists_have_ids_names_and_slugs(client: Browser, world: World) -> None:
    municipalities = (await client.get("/api/v1/municipalities")).json()
    assert {"id", "name", "slug"} <= municipalities[0].keys()
    assert "Durrës" in {m["name"] for m in municipalities}
    organizations = (await client.get("/api/v1/organizations")).json()
    assert {o["slug"] for o in organizations} == {"csdc", "irsh"}


async def test_create_and_read_elections_parties_candidates(
    client: Browser, world: World, tokens
) -> None:
    election = {
        "name": "Zgjedhjet 2032",
        "kind": "local",
        "election_date": "2032-05-09",
        "municipality_ids": [world.municipality.id],
    }
    assert (
        await client.post("/api/v1/elections", json=election, headers=tokens["organizer"])
    ).status_code == 403
    created = await client.post("/api/v1/elections", json=election, headers=tokens["admin"])
    assert created.status_code == 201
    body = created.json()
    assert body["municipality_ids"] == [world.municipality.id]
    assert body["kind"] == "local"

    party = await client.post(
        "/api/v1/parties",
        json={"name": "Partia e Urave", "abbreviation": "PU", "color": "#AA3300"},
        headers=tokens["admin"],
    )
    assert party.status_code == 201
    assert party.json()["color"] == "#aa3300"
    bad = await client.post(
        "/api/v1/parties",
        json={"name": "X", "abbreviation": "X", "color": "red"},
        headers=tokens["admin"],
    )
    assert bad.status_code == 422

    candidate = {
        "full_name": "Elira Çaushi",
        "party_id": party.json()["id"],
        "election_id": body["id"],
        "municipality_id": world.municipality.id,
        "office": "mayor",
    }
    made = await client.post("/api/v1/candidates", json=candidate, headers=tokens["organizer"])
    assert made.status_code == 201
    assert made.json()["full_name"] == "Elira Çaushi"
    elsewhere = await client.post("/api/v1/candidates", json=candidate, headers=tokens["other"])
    assert elsewhere.status_code == 403
    listed = (await client.get(f"/api/v1/candidates?election_id={body['id']}")).json()
    assert [c["full_name"] for c in listed] == ["Elira Çaushi"]


async def test_create_read_update_an_event(
    client: Browser, world: World, election, db, tokens
) -> None:
    anila = await make_candidate(db, world, election, "Anila Toska")
    created = await client.post(
        "/api/v1/events", json=event_body(world, election, [anila]), headers=tokens["organizer"]
    )
    assert created.status_code == 201, created.text
    event = created.json()
    assert event["status"] == "scheduled"
    assert event["candidates"] == [{"candidate_id": anila, "status": "invited"}]
    assert event["description"] == "Pyetje për ujin & kanalizimet <b>tani</b>"
    assert datetime.fromisoformat(event["starts_at"]) == START

    public = await client.get(f"/api/v1/events/{event['id']}")
    assert public.status_code == 200
    listed = await client.get("/api/v1/events", params={"municipality": "durres"})
    assert [e["id"] for e in listed.json()] == [event["id"]]
    assert listed.headers["x-total-count"] == "1"
    assert (await client.get("/api/v1/events", params={"municipality": "shkoder"})).json() == []
    assert (await client.get("/api/v1/events", params={"kind": "fair"})).json() == []

    confirmed = await client.patch(
        f"/api/v1/events/{event['id']}/candidates/{anila}",
        json={"status": "confirmed"},
        headers=tokens["organizer"],
    )
    assert confirmed.json() == {"candidate_id": anila, "status": "confirmed"}
    patched = await client.patch(
        f"/api/v1/events/{event['id']}", json={"title": "Forumi i ri"}, headers=tokens["organizer"]
    )
    assert patched.status_code == 200
    assert patched.json()["title"] == "Forumi i ri"
    assert patched.json()["candidates"] == [{"candidate_id": anila, "status": "confirmed"}]

    other = await client.patch(
        f"/api/v1/events/{event['id']}", json={"title": "x"}, headers=tokens["other"]
    )
    assert other.status_code == 403
    cancelled = await client.patch(
        f"/api/v1/events/{event['id']}",
        json={"status": "cancelled", "cancel_reason": "Stuhi"},
        headers=tokens["organizer"],
    )
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["cancel_reason"] == "Stuhi"


async def test_drafts_are_never_listed_publicly(
    client: Browser, world: World, election, tokens
) -> None:
    draft = await client.post(
        "/api/v1/events",
        json=event_body(world, election, [], status="draft"),
        headers=tokens["organizer"],
    )
    assert draft.json()["status"] == "draft"
    event_id = draft.json()["id"]
    assert (await client.get("/api/v1/events")).json() == []
    assert (await client.get(f"/api/v1/events/{event_id}")).status_code == 404
    assert (
        await client.get(f"/api/v1/events/{event_id}", headers=tokens["other"])
    ).status_code == 404
    assert (
        await client.get(f"/api/v1/events/{event_id}", headers=tokens["organizer"])
    ).status_code == 200


async def test_a_candidate_conflict_answers_409_naming_the_other_event(
    client: Browser, world: World, election, db, tokens
) -> None:
    anila = await make_candidate(db, world, election, "Anila Toska")
    first = (
        await client.post(
            "/api/v1/events",
            json=event_body(world, election, [anila], title="Forumi i parë"),
            headers=tokens["organizer"],
        )
    ).json()
    second = (
        await client.post(
            "/api/v1/events",
            json=event_body(world, election, [anila], title="Forumi i dytë", venue="Pedonalja"),
            headers=tokens["organizer"],
        )
    ).json()
    await client.patch(
        f"/api/v1/events/{first['id']}/candidates/{anila}",
        json={"status": "confirmed"},
        headers=tokens["organizer"],
    )
    clash = await client.patch(
        f"/api/v1/events/{second['id']}/candidates/{anila}",
        json={"status": "confirmed"},
        headers=tokens["organizer"],
    )
    assert clash.status_code == 409
    assert "Forumi i parë" in clash.json()["detail"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_at": "2031-04-02T10:00:00+00:00"}, "ends_at"),
        ({"kind": "meeting", "candidate_ids": []}, "candidate_ids"),
        ({"capacity": -1}, "capacity"),
        ({"title": ""}, "title"),
        ({"kind": "party"}, "kind"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"surprise": 1}, "surprise"),
    ],
)
async def test_invalid_events_answer_422_naming_the_field(
    client: Browser, world: World, election, tokens, change, field
) -> None:
    response = await client.post(
        "/api/v1/events",
        json={**event_body(world, election, []), **change},
        headers=tokens["organizer"],
    )
    assert response.status_code == 422
    assert field in [error["loc"][-1] for error in response.json()["detail"]]


async def test_another_organizations_event_answers_403(
    client: Browser, world: World, election, tokens
) -> None:
    response = await client.post(
        "/api/v1/events", json=event_body(world, election, []), headers=tokens["other"]
    )
    assert response.status_code == 403
    assert response.json()["detail"]


async def test_writes_need_a_token_or_a_session(client: Browser, world: World, election) -> None:
    response = await client.post("/api/v1/events", json=event_body(world, election, []))
    assert response.status_code == 401


async def test_a_session_cookie_write_needs_the_csrf_header(
    client: Browser, world: World, election
) -> None:
    await client.sign_in(world.organizer.email)
    body = event_body(world, election, [])
    assert (await client.post("/api/v1/events", json=body)).status_code == 403
    token = await client.csrf_token()
    response = await client.post("/api/v1/events", json=body, headers={"X-CSRF-Token": token})
    assert response.status_code == 201
