"""Commitments: the rules of recording, correcting and deleting them, through the JSON API."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from app.models import (
    AuditEntry,
    Commitment,
    Confirmation,
    Election,
    Event,
    EventCandidate,
    EventKind,
    EventStatus,
    InvitationStatus,
    Question,
    QuestionStatus,
    Topic,
)
from tests.conftest import Browser, Stage, api_token_for

NOW = datetime.now(UTC)


async def _event(db, stage: Stage, *, starts_at: datetime, organization_id=None) -> int:  # type: ignore[no-untyped-def]
    async with db.write() as s:
        event = Event(
            kind=EventKind.forum,
            title="Forumi për rrugët",
            municipality_id=stage.world.municipality.id,
            organization_id=organization_id or stage.world.organization.id,
            venue="Salla e Bashkisë",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            status=EventStatus.scheduled,
        )
        s.add(event)
        await s.flush()
        s.add_all(
            [
                EventCandidate(event_id=event.id, candidate_id=stage.anila.id),
                EventCandidate(
                    event_id=event.id,
                    candidate_id=stage.besa.id,
                    status=InvitationStatus.declined,
                ),
            ]
        )
        await s.commit()
    return event.id or 0


@pytest.fixture
async def live_event(db, stage: Stage) -> int:  # type: ignore[no-untyped-def]
    """A forum that started half an hour ago: Anila invited, Besa declined."""
    return await _event(db, stage, starts_at=NOW - timedelta(minutes=30))


@pytest.fixture
async def organizer(db, stage: Stage) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {await api_token_for(db, stage.world.organizer)}"}


@pytest.fixture
async def other_organizer(db, stage: Stage) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {await api_token_for(db, stage.world.other_organizer)}"}


async def _question(db, event_id: int) -> int:  # type: ignore[no-untyped-def]
    async with db.write() as s:
        question = Question(
            event_id=event_id, body="Kur rregullohet rruga?", status=QuestionStatus.approved
        )
        s.add(question)
        await s.commit()
    return question.id or 0


async def _topic_id(db, slug: str) -> int:  # type: ignore[no-untyped-def]
    async with db.read() as s:
        topic = await s.scalar(select(Topic).where(Topic.slug == slug))  # type: ignore[arg-type]
    assert topic is not None
    return topic.id or 0


def _body(stage: Stage, event_id: int, **extra: object) -> dict[str, object]:
    return {
        "candidate_id": stage.anila.id,
        "event_id": event_id,
        "text": "Brenda vitit të parë do të asfaltoj rrugën e shkollës.",
        **extra,
    }


async def test_record_answers_the_contract_and_marks_the_candidate_attended(
    client: Browser, db, stage: Stage, live_event: int, organizer: dict[str, str]
) -> None:
    question_id = await _question(db, live_event)
    roads = await _topic_id(db, "roads")
    body = _body(
        stage,
        live_event,
        question_id=question_id,
        topic_id=roads,
        target="2 km rrugë të asfaltuara",
        deadline="2031-06-30",
    )
    created = await client.post("/api/v1/commitments", json=body, headers=organizer)
    assert created.status_code == 201, created.text
    answer = created.json()
    assert set(answer) == {
        "id",
        "candidate_id",
        "event_id",
        "question_id",
        "topic_id",
        "text",
        "target",
        "deadline",
        "confirmation",
        "candidate_comment",
        "created_at",
    }
    assert answer["confirmation"] == "recorded"
    assert answer["candidate_comment"] is None
    assert (answer["question_id"], answer["topic_id"], answer["deadline"]) == (
        question_id,
        roads,
        "2031-06-30",
    )
    async with db.read() as s:
        invitation = await s.get(EventCandidate, (live_event, stage.anila.id))
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "commitment.create"))  # type: ignore[arg-type]
    assert invitation is not None
    assert invitation.status == InvitationStatus.attended
    assert entry is not None
    assert json.loads(entry.details)["invitation"] == ["invited", "attended"]

    listed = await client.get(f"/api/v1/events/{live_event}/commitments")
    assert [c["id"] for c in listed.json()] == [answer["id"]]
    mine = await client.get(f"/api/v1/candidates/{stage.anila.id}/commitments")
    assert [c["text"] for c in mine.json()] == [body["text"]]
    candidate = await client.get(f"/api/v1/candidates/{stage.anila.id}")
    assert candidate.json()["full_name"] == "Anila Toska"
    assert "contact" not in candidate.json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"candidate_id": "besa"}, "candidate_id"),  # declined
        ({"candidate_id": "far"}, "candidate_id"),  # not on the list
        ({"topic_id": 999_999}, "topic_id"),
        ({"question_id": "elsewhere"}, "question_id"),
    ],
)
async def test_the_rules_answer_422_naming_the_field(
    client: Browser,
    db,
    stage: Stage,
    live_event: int,
    organizer: dict[str, str],
    change: dict[str, object],
    field: str,
) -> None:
    values = {"besa": stage.besa.id, "far": stage.other_town.id}
    if change.get("question_id") == "elsewhere":
        other = await _event(db, stage, starts_at=NOW - timedelta(days=1))
        values["elsewhere"] = await _question(db, other)
    body = _body(stage, live_event, **{k: values.get(v, v) for k, v in change.items()})  # type: ignore[call-overload]
    refused = await client.post("/api/v1/commitments", json=body, headers=organizer)
    assert refused.status_code == 422, refused.text
    assert field in refused.text
    async with db.read() as s:
        assert (await s.scalar(select(Commitment))) is None


async def test_not_before_the_event_has_started(
    client: Browser, db, stage: Stage, organizer: dict[str, str]
) -> None:
    later = await _event(db, stage, starts_at=NOW + timedelta(hours=3))
    refused = await client.post("/api/v1/commitments", json=_body(stage, later), headers=organizer)
    assert refused.status_code == 422
    assert "event_id" in refused.text
    assert "filluar" in refused.text  # "once the event has started", in Albanian by default


async def test_who_may_record(
    client: Browser, stage: Stage, live_event: int, other_organizer: dict[str, str]
) -> None:
    anonymous = await client.post("/api/v1/commitments", json=_body(stage, live_event))
    assert anonymous.status_code == 401
    other = await client.post(
        "/api/v1/commitments", json=_body(stage, live_event), headers=other_organizer
    )
    assert other.status_code == 403


async def _answered(db, commitment_id: int, answer: Confirmation) -> None:  # type: ignore[no-untyped-def]
    async with db.write() as s:
        commitment = await s.get(Commitment, commitment_id)
        assert commitment is not None
        commitment.confirmation = answer
        commitment.candidate_answered_at = datetime.now(UTC)
        commitment.candidate_comment = "Propozoj: 1 km" if answer == "disputed" else None
        await s.commit()


async def test_delete_only_while_recorded_then_a_correction_with_a_reason(
    client: Browser, db, stage: Stage, live_event: int, organizer: dict[str, str]
) -> None:
    first = (
        await client.post("/api/v1/commitments", json=_body(stage, live_event), headers=organizer)
    ).json()
    deleted = await client.delete(f"/api/v1/commitments/{first['id']}", headers=organizer)
    assert deleted.status_code == 204
    assert (await client.get(f"/api/v1/events/{live_event}/commitments")).json() == []

    kept = (
        await client.post("/api/v1/commitments", json=_body(stage, live_event), headers=organizer)
    ).json()
    await _answered(db, kept["id"], Confirmation.disputed)
    refused = await client.delete(f"/api/v1/commitments/{kept['id']}", headers=organizer)
    assert refused.status_code == 409
    # a target may change without a reason; the text only as a correction
    target = await client.patch(
        f"/api/v1/commitments/{kept['id']}", json={"target": "1 km"}, headers=organizer
    )
    assert target.status_code == 200
    assert target.json()["confirmation"] == "disputed"
    new_text = "Brenda vitit të parë do të asfaltoj 1 km të rrugës së shkollës."
    no_reason = await client.patch(
        f"/api/v1/commitments/{kept['id']}", json={"text": new_text}, headers=organizer
    )
    assert no_reason.status_code == 422
    assert "reason" in no_reason.text
    corrected = await client.patch(
        f"/api/v1/commitments/{kept['id']}",
        json={"text": new_text, "reason": "Kandidati e tha 1 km, jo 2 km (regjistrimi audio)."},
        headers=organizer,
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["confirmation"] == "recorded"
    assert corrected.json()["text"] == new_text
    async with db.read() as s:
        entry = await s.scalar(select(AuditEntry).where(AuditEntry.action == "commitment.correct"))  # type: ignore[arg-type]
    assert entry is not None
    details = json.loads(entry.details)
    assert details["text"] == [kept["text"], new_text]  # the recorded text stays in the trail
    assert details["confirmation"] == ["disputed", "recorded"]
    assert details["reason"].startswith("Kandidati")


async def test_another_organization_may_not_change_or_delete(
    client: Browser,
    db,
    stage: Stage,
    live_event: int,
    organizer: dict[str, str],
    other_organizer: dict[str, str],
) -> None:
    made = (
        await client.post("/api/v1/commitments", json=_body(stage, live_event), headers=organizer)
    ).json()
    path = f"/api/v1/commitments/{made['id']}"
    assert (
        await client.patch(path, json={"target": "x"}, headers=other_organizer)
    ).status_code == 403
    assert (await client.delete(path, headers=other_organizer)).status_code == 403
    assert (await client.delete("/api/v1/commitments/999999", headers=organizer)).status_code == 404


async def test_patch_candidate_marks_elected(  # type: ignore[no-untyped-def]
    client: Browser, stage: Stage, organizer: dict[str, str], other_organizer: dict[str, str], db
) -> None:
    path = f"/api/v1/candidates/{stage.anila.id}"
    assert (await client.patch(path, json={"elected": True})).status_code == 401
    assert (
        await client.patch(path, json={"elected": True}, headers=other_organizer)
    ).status_code == 403
    # before election day: refused (issue 12)
    assert (await client.patch(path, json={"elected": True}, headers=organizer)).status_code == 422
    async with db.write() as s:
        await s.execute(update(Election).values(election_date=date(2020, 5, 12)))
        await s.commit()
    changed = await client.patch(path, json={"elected": True}, headers=organizer)
    assert changed.status_code == 200
    assert changed.json()["elected"] is True
    assert (await client.get(path)).json()["elected"] is True
