"""The monitoring's JSON API on both engines: rounds, evidence rules, one-way publishing,
corrections, replies, drafts private, the network's figures and the open data."""

import csv
import io

import pytest

from app.db import Database
from app.models import ContractStatus
from tests.conftest import Browser, World, api_token_for
from tests.monitoring_fixtures import Monitored, contract_in_force

URL = "https://bashkia.example/vendim-12.pdf"
YEAR_1 = {"label": "Viti 1", "period_start": "2019-09-01", "period_end": "2020-08-31"}


@pytest.fixture
async def monitored(db: Database, world: World) -> Monitored:
    return await contract_in_force(db, world)


@pytest.fixture
async def organizer(client: Browser, db: Database, world: World) -> Browser:
    client.headers["Authorization"] = f"Bearer {await api_token_for(db, world.organizer)}"
    return client


async def _round(organizer: Browser, monitored: Monitored, **body: str) -> int:
    response = await organizer.post(
        f"/api/v1/social-contracts/{monitored.contract_id}/rounds", json={**YEAR_1, **body}
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "draft"
    return int(response.json()["id"])


async def _assess(
    organizer: Browser, round_id: int, priority_id: int, status: str, **extra: object
) -> int:
    body: dict[str, object] = {"status": status, "evidence": "Vendimi i Këshillit nr. 12."}
    if status != "not_addressed":
        body["evidence_url"] = URL
    response = await organizer.put(
        f"/api/v1/monitoring-rounds/{round_id}/assessments/{priority_id}", json={**body, **extra}
    )
    return response.status_code


async def _published(
    organizer: Browser, monitored: Monitored, statuses: list[str], **body: str
) -> int:
    round_id = await _round(organizer, monitored, **body)
    for priority_id, status in zip(monitored.priority_ids, statuses, strict=True):
        assert await _assess(organizer, round_id, priority_id, status) == 200
    response = await organizer.post(f"/api/v1/monitoring-rounds/{round_id}/publish")
    assert response.status_code == 200, response.text
    return round_id


async def test_a_round_only_for_a_contract_in_force(
    organizer: Browser, db: Database, world: World
) -> None:
    other = await contract_in_force(db, world, status=ContractStatus.open_for_signature, year=2023)
    response = await organizer.post(
        f"/api/v1/social-contracts/{other.contract_id}/rounds", json=YEAR_1
    )
    assert response.status_code == 409


async def test_label_unique_and_period_in_order(organizer: Browser, monitored: Monitored) -> None:
    await _round(organizer, monitored)
    url = f"/api/v1/social-contracts/{monitored.contract_id}/rounds"
    again = await organizer.post(url, json=YEAR_1)
    assert again.status_code == 422
    backwards = await organizer.post(
        url, json={"label": "Viti 2", "period_start": "2021-09-01", "period_end": "2020-09-01"}
    )
    assert backwards.status_code == 422


async def test_evidence_rules(organizer: Browser, monitored: Monitored) -> None:
    round_id = await _round(organizer, monitored)
    priority = monitored.priority_ids[0]
    url = f"/api/v1/monitoring-rounds/{round_id}/assessments/{priority}"
    for body in [
        {"status": "not_addressed"},
        {"status": "not_addressed", "evidence": "  "},
        {"status": "fully_addressed", "evidence": "U ndërtua."},
        {"status": "partially_addressed", "evidence": "Pjesërisht.", "evidence_url": ""},
        {"status": "partially_addressed", "evidence": "Pjesërisht.", "evidence_url": "ftp://x"},
    ]:
        response = await organizer.put(url, json=body)
        assert response.status_code == 422, body
    ok = await organizer.put(url, json={"status": "not_addressed", "evidence": "Asgjë nuk u bë."})
    assert ok.status_code == 200
    assert ok.json()["status"] == "not_addressed"
    # a point of the priority may be assessed on its own; a point of another priority not
    point = await _assess(
        organizer, round_id, priority, "fully_addressed", point_id=monitored.point_ids[0]
    )
    assert point == 200
    wrong = await _assess(
        organizer, round_id, priority, "fully_addressed", point_id=monitored.point_ids[2]
    )
    assert wrong == 422


async def test_publishing_waits_for_the_period_and_every_priority(
    organizer: Browser, monitored: Monitored
) -> None:
    future = await _round(
        organizer, monitored, label="Viti 9", period_start="2020-09-01", period_end="2999-08-31"
    )
    early = await organizer.post(f"/api/v1/monitoring-rounds/{future}/publish")
    assert early.status_code == 409
    round_id = await _round(organizer, monitored)
    await _assess(organizer, round_id, monitored.priority_ids[0], "fully_addressed")
    blocked = await organizer.post(f"/api/v1/monitoring-rounds/{round_id}/publish")
    assert blocked.status_code == 409
    assert "Transport publik për fshatrat" in blocked.json()["detail"]
    assert "Kopshte dhe çerdhe" in blocked.json()["detail"]
    await _assess(organizer, round_id, monitored.priority_ids[1], "partially_addressed")
    await _assess(organizer, round_id, monitored.priority_ids[2], "not_addressed")
    published = await organizer.post(f"/api/v1/monitoring-rounds/{round_id}/publish")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert (
        await organizer.post(f"/api/v1/monitoring-rounds/{round_id}/publish")
    ).status_code == 409
    # after publishing, PUT is refused: corrections only
    again = await _assess(organizer, round_id, monitored.priority_ids[2], "fully_addressed")
    assert again == 409


async def test_corrections_are_kept_and_public(
    organizer: Browser, monitored: Monitored, app
) -> None:  # type: ignore[no-untyped-def]
    round_id = await _published(
        organizer, monitored, ["fully_addressed", "partially_addressed", "not_addressed"]
    )
    url = (
        f"/api/v1/monitoring-rounds/{round_id}/assessments/{monitored.priority_ids[2]}/corrections"
    )
    body = {"status": "partially_addressed", "evidence": "Kopshti i ri u hap në shtator."}
    missing = await organizer.post(url, json={**body, "evidence_url": URL})
    assert missing.status_code == 422
    assert "reason" in missing.text
    no_link = await organizer.post(url, json={**body, "reason": "Gabim në vlerësim."})
    assert no_link.status_code == 422
    made = await organizer.post(
        url, json={**body, "evidence_url": URL, "reason": "Bashkia dërgoi vendimin e hapjes."}
    )
    assert made.status_code == 201
    assert made.json()["previous_status"] == "not_addressed"
    import httpx

    async with Browser(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as anyone:
        shown = (await anyone.get(f"/api/v1/monitoring-rounds/{round_id}")).json()
    corrected = next(
        a for a in shown["assessments"] if a["priority_id"] == monitored.priority_ids[2]
    )
    assert corrected["status"] == "partially_addressed"
    assert corrected["corrections"][0]["reason"] == "Bashkia dërgoi vendimin e hapjes."
    # a draft round has no corrections: it is edited directly
    draft = await _round(
        organizer, monitored, label="Viti 2", period_start="2020-09-01", period_end="2021-08-31"
    )
    await _assess(organizer, draft, monitored.priority_ids[0], "fully_addressed")
    on_draft = await organizer.post(
        f"/api/v1/monitoring-rounds/{draft}/assessments/{monitored.priority_ids[0]}/corrections",
        json={**body, "evidence_url": URL, "reason": "x"},
    )
    assert on_draft.status_code == 409


async def test_the_municipality_reply(organizer: Browser, monitored: Monitored) -> None:
    round_id = await _round(organizer, monitored)
    url = f"/api/v1/monitoring-rounds/{round_id}/assessments/{monitored.priority_ids[1]}/reply"
    reply = {"text": "Linja nis në janar.", "replied_on": "2020-10-02", "document_url": URL}
    assert (await organizer.put(url, json=reply)).status_code == 409  # nothing to answer yet
    await _assess(organizer, round_id, monitored.priority_ids[1], "not_addressed")
    future = await organizer.put(url, json={**reply, "replied_on": "2999-01-01"})
    assert future.status_code == 422
    answered = await organizer.put(url, json=reply)
    assert answered.status_code == 200, answered.text
    assert answered.json()["reply"] == {
        "text": "Linja nis në janar.",
        "replied_on": "2020-10-02",
        "document_url": URL,
    }


async def test_drafts_are_private(
    organizer: Browser, monitored: Monitored, app, db: Database, world: World
) -> None:  # type: ignore[no-untyped-def]
    import httpx

    round_id = await _round(organizer, monitored)
    assert (await organizer.get(f"/api/v1/monitoring-rounds/{round_id}")).status_code == 200
    async with Browser(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as other:
        assert (await other.get(f"/api/v1/monitoring-rounds/{round_id}")).status_code == 404
        other.headers["Authorization"] = f"Bearer {await api_token_for(db, world.other_organizer)}"
        assert (await other.get(f"/api/v1/monitoring-rounds/{round_id}")).status_code == 404
        refused = await other.put(
            f"/api/v1/monitoring-rounds/{round_id}/assessments/{monitored.priority_ids[0]}",
            json={"status": "not_addressed", "evidence": "x"},
        )
        assert refused.status_code == 403
        assert (await other.get("/api/v1/monitoring")).json()["municipalities"] == []


async def test_community_meetings_and_their_participants(
    organizer: Browser, monitored: Monitored
) -> None:
    round_id = await _round(organizer, monitored)
    forum = await organizer.put(f"/api/v1/monitoring-rounds/{round_id}/events/{monitored.forum_id}")
    assert forum.status_code == 422
    linked = await organizer.put(
        f"/api/v1/monitoring-rounds/{round_id}/events/{monitored.meeting_id}"
    )
    assert linked.status_code == 200
    assert (linked.json()["meetings"], linked.json()["participants"]) == (1, 23)
    gone = await organizer.delete(
        f"/api/v1/monitoring-rounds/{round_id}/events/{monitored.meeting_id}"
    )
    assert gone.status_code == 204


async def test_network_figures_and_open_data(organizer: Browser, monitored: Monitored) -> None:
    await _published(
        organizer, monitored, ["fully_addressed", "partially_addressed", "not_addressed"]
    )
    network = (await organizer.get("/api/v1/monitoring")).json()
    assert network["municipalities"] == [
        {
            "municipality_id": network["municipalities"][0]["municipality_id"],
            "contract_id": monitored.contract_id,
            "round_id": network["municipalities"][0]["round_id"],
            "fully_addressed": 1,
            "partially_addressed": 1,
            "not_addressed": 1,
            "total": 3,
        }
    ]
    # thirds: 33 + 33 + 33 = 99, so the largest remainder (the first, on a tie) gets the 1
    assert network["totals"]["percentages"] == {
        "fully_addressed": 34,
        "partially_addressed": 33,
        "not_addressed": 33,
    }
    assert network["terms"][0]["addressed_percent"] == 66.7
    rows = (await organizer.get("/api/v1/monitoring/assessments.json")).json()
    assert [r["status"] for r in rows] == [
        "fully_addressed",
        "partially_addressed",
        "not_addressed",
    ]
    assert rows[0]["priority_title"] == "Ujë i pijshëm 24 orë"
    response = await organizer.get("/api/v1/monitoring/assessments.csv")
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["status"] for r in table] == [
        "fully_addressed",
        "partially_addressed",
        "not_addressed",
    ]
    assert table[0]["evidence_url"] == URL


async def test_what_the_contract_answer_gains(
    organizer: Browser, monitored: Monitored, db: Database
) -> None:
    """`latest_status` per priority (None before any published round) and the rounds."""
    from app.services import monitoring_views

    async with db.read() as session:
        before = await monitoring_views.latest_statuses(
            session=session, contract_id=monitored.contract_id
        )
    assert before == dict.fromkeys(monitored.priority_ids)
    await _round(
        organizer, monitored, label="Viti 2", period_start="2020-09-01", period_end="2021-08-31"
    )
    await _published(organizer, monitored, ["fully_addressed", "not_addressed", "not_addressed"])
    async with db.read() as session:
        after = await monitoring_views.latest_statuses(
            session=session, contract_id=monitored.contract_id
        )
        public = await monitoring_views.rounds_of(
            session=session, contract_id=monitored.contract_id
        )
        every = await monitoring_views.rounds_of(
            session=session, contract_id=monitored.contract_id, drafts=True
        )
    assert [s.value if s else None for s in after.values()] == [
        "fully_addressed",
        "not_addressed",
        "not_addressed",
    ]
    assert [r.label for r in monitoring_views.summaries(public)] == ["Viti 1"]
    assert [r.label for r in every] == ["Viti 1", "Viti 2"]


async def test_the_contract_answer_carries_the_latest_statuses_and_rounds(
    organizer: Browser, monitored: Monitored
) -> None:
    """GET /api/v1/social-contracts/{id}: each priority's `latest_status` and the `rounds` —
    published ones for the public, the draft too for the contract's organization."""
    url = f"/api/v1/social-contracts/{monitored.contract_id}"
    before = (await organizer.get(url)).json()
    assert [p["latest_status"] for p in before["priorities"]] == [None, None, None]
    assert before["rounds"] == []
    await _round(
        organizer, monitored, label="Viti 2", period_start="2020-09-01", period_end="2021-08-31"
    )
    await _published(
        organizer, monitored, ["fully_addressed", "partially_addressed", "not_addressed"]
    )
    answer = (await organizer.get(url)).json()
    assert [p["latest_status"] for p in answer["priorities"]] == [
        "fully_addressed",
        "partially_addressed",
        "not_addressed",
    ]
    assert [(r["label"], r["status"]) for r in answer["rounds"]] == [
        ("Viti 1", "published"),
        ("Viti 2", "draft"),
    ]
    organizer.headers.pop("Authorization")
    public = (await organizer.get(url)).json()
    assert [(r["label"], r["status"]) for r in public["rounds"]] == [("Viti 1", "published")]
    assert public["rounds"][0]["period_start"] == "2019-09-01"
