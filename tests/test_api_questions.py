"""The questions JSON API: public asking and voting, organizer moderation."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from app.models import Event, EventCandidate, EventKind, EventStatus, InvitationStatus, Topic
from tests.conftest import Browser, Stage, api_token_for

SOON = datetime.now(UTC) + timedelta(days=2)


@pytest.fixture
async def event_id(db, stage: Stage) -> int:  # type: ignore[no-untyped-def]
    async with db.write() as s:
        event = Event(
            kind=EventKind.forum,
            title="Forum",
            municipality_id=stage.world.municipality.id,
            organization_id=stage.world.organization.id,
            venue="Salla",
            starts_at=SOON,
            ends_at=SOON + timedelta(hours=2),
            status=EventStatus.scheduled,
        )
        s.add(event)
        await s.flush()
        s.add(
            EventCandidate(
                event_id=event.id,
                candidate_id=stage.anila.id,
                status=InvitationStatus.confirmed,  # only they are asked (issue 14)
            )
        )
        await s.commit()
    return event.id or 0


@pytest.fixture
async def organizer(db, stage: Stage) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {await api_token_for(db, stage.world.organizer)}"}


async def test_ask_moderate_vote_through_the_api(
    client: Browser, app, stage: Stage, event_id: int, organizer: dict[str, str], db
) -> None:
    async with db.read() as s:
        from sqlalchemy import select

        roads = await s.scalar(select(Topic).where(Topic.slug == "roads"))  # type: ignore[arg-type]
    assert roads is not None
    asked = await client.post(
        f"/api/v1/events/{event_id}/questions",
        json={
            "body": "Kur rregullohet rruga?",
            "author_name": "Ana",
            "topic_id": roads.id,
            "candidate_ids": [stage.anila.id],
        },
    )
    assert asked.status_code == 201, asked.text
    assert asked.json()["status"] == "pending"
    assert asked.json()["url"].startswith("http://testserver/q/")
    question_id = asked.json()["id"]
    assert (await client.get(f"/api/v1/events/{event_id}/questions")).json() == []
    listed = await client.get(f"/api/v1/events/{event_id}/questions", headers=organizer)
    assert [(q["id"], q["status"]) for q in listed.json()] == [(question_id, "pending")]

    approved = await client.patch(
        f"/api/v1/questions/{question_id}", json={"status": "approved"}, headers=organizer
    )
    assert approved.status_code == 200
    assert approved.json()["candidate_ids"] == [stage.anila.id]

    first = await client.post(f"/api/v1/questions/{question_id}/votes")
    again = await client.post(f"/api/v1/questions/{question_id}/votes")
    assert first.json() == {"question_id": question_id, "votes": 1, "voted": True}
    assert again.json()["votes"] == 1
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as other_browser:
        other = await other_browser.post(f"/api/v1/questions/{question_id}/votes")
    assert other.json()["votes"] == 2
    taken_back = await client.delete(f"/api/v1/questions/{question_id}/votes")
    assert taken_back.json() == {"question_id": question_id, "votes": 1, "voted": False}
    public = (await client.get(f"/api/v1/events/{event_id}/questions")).json()
    assert public[0]["votes"] == 1
    assert "asker" not in public[0]

    answered = await client.patch(
        f"/api/v1/questions/{question_id}",
        json={"answered_by_ids": [stage.anila.id]},
        headers=organizer,
    )
    assert answered.json()["status"] == "answered"
    assert answered.json()["answered_by_ids"] == [stage.anila.id]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": ""}, "body"),
        ({"body": "x" * 10_000}, "body"),
        ({"body": "A?", "topic_id": 999_999}, "topic_id"),
        ({"body": "A?", "candidate_ids": [999_999]}, "candidate_ids"),
        ({}, "body"),
    ],
)
async def test_bad_questions_answer_422(client: Browser, event_id: int, body, field) -> None:  # type: ignore[no-untyped-def]
    response = await client.post(f"/api/v1/events/{event_id}/questions", json=body)
    assert response.status_code == 422
    assert field in [e["loc"][-1] for e in response.json()["detail"]]


async def test_a_closed_period_answers_409(client: Browser, event_id: int, db) -> None:
    async with db.write() as s:
        event = await s.get(Event, event_id)
        assert event is not None
        event.questions_closed_at = datetime.now(UTC)
        await s.commit()
    response = await client.post(f"/api/v1/events/{event_id}/questions", json={"body": "A?"})
    assert response.status_code == 409


async def test_moderation_is_for_the_events_organizers(
    client: Browser, stage: Stage, event_id: int, db
) -> None:
    asked = await client.post(f"/api/v1/events/{event_id}/questions", json={"body": "A?"})
    other = {"Authorization": f"Bearer {await api_token_for(db, stage.world.other_organizer)}"}
    response = await client.patch(
        f"/api/v1/questions/{asked.json()['id']}", json={"status": "approved"}, headers=other
    )
    assert response.status_code == 403
    anonymous = await client.patch(
        f"/api/v1/questions/{asked.json()['id']}", json={"status": "approved"}
    )
    assert anonymous.status_code == 401


async def test_merge_through_the_api(client: Browser, event_id: int, organizer) -> None:  # type: ignore[no-untyped-def]
    a = (await client.post(f"/api/v1/events/{event_id}/questions", json={"body": "Uji?"})).json()
    b = (await client.post(f"/api/v1/events/{event_id}/questions", json={"body": "uji"})).json()
    for q in (a, b):
        await client.patch(
            f"/api/v1/questions/{q['id']}", json={"status": "approved"}, headers=organizer
        )
    await client.post(f"/api/v1/questions/{b['id']}/votes")
    merged = await client.post(
        f"/api/v1/questions/{b['id']}/merge", json={"into_id": a["id"]}, headers=organizer
    )
    assert merged.status_code == 200
    assert merged.json()["id"] == a["id"]
    assert merged.json()["votes"] == 1
    self_merge = await client.post(
        f"/api/v1/questions/{a['id']}/merge", json={"into_id": a["id"]}, headers=organizer
    )
    assert self_merge.status_code == 422


async def test_the_first_api_call_sets_the_voter_cookie(client: Browser, event_id: int) -> None:
    response = await client.get(f"/api/v1/events/{event_id}/questions")
    assert "pf_voter=" in response.headers.get("set-cookie", "")
    assert "HttpOnly" in response.headers["set-cookie"]
