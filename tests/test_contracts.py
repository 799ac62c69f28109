"""Social contracts through the JSON API: drafting, priorities, opening, signatures and the
freeze, versions, the scanned page, marking the winner, drafts kept private."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from app.main import create_app
from app.models import (
    Candidate,
    Commitment,
    Election,
    ElectionKind,
    ElectionMunicipality,
    Event,
    EventCandidate,
    EventKind,
    EventStatus,
    InvitationStatus,
    Office,
    Question,
    QuestionStatus,
)
from tests.conftest import Browser, Stage, api_token_for, make_settings

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HTML = b"<!doctype html><script>alert(1)</script>"


@pytest.fixture
async def settings(database_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_settings(database_url, upload_dir=tmp_path / "uploads")


@pytest.fixture
async def app(settings, db):  # type: ignore[no-untyped-def]
    application = create_app(settings)
    await application.state.db.dispose()
    application.state.db = db
    return application


async def _bearer(client: Browser, db, user) -> Browser:  # type: ignore[no-untyped-def]
    client.headers["Authorization"] = f"Bearer {await api_token_for(db, user)}"
    return client


@pytest.fixture
async def api(client: Browser, db, stage: Stage) -> Browser:  # type: ignore[no-untyped-def]
    client.cookies.set("pf_lang", "en")  # the messages the tests look for
    return await _bearer(client, db, stage.world.organizer)


async def _sources(db, stage: Stage) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A held forum in Durrës for the election with a question and a commitment; the same at a
    forum of another election (and the Shkodër candidate's)."""
    w = stage.world
    start = datetime(2030, 4, 1, 16, tzinfo=UTC)
    async with db.write() as s:
        later = Election(name="E2034", kind=ElectionKind.local, election_date=date(2034, 5, 1))
        s.add(later)
        await s.flush()
        s.add(ElectionMunicipality(election_id=later.id, municipality_id=w.municipality.id))
        outsider = Candidate(
            full_name="Ilir Tjetri",
            election_id=later.id,
            municipality_id=w.municipality.id,
            office=Office.mayor,
        )
        s.add(outsider)
        events = {}
        for key, election_id, municipality_id, org in [
            ("forum", stage.election.id, w.municipality.id, w.organization.id),
            ("later", later.id, w.municipality.id, w.organization.id),
            (
                "elsewhere",
                stage.other_election.id,
                w.other_organization.municipality_id,
                w.other_organization.id,
            ),
        ]:
            event = Event(
                kind=EventKind.forum,
                title=f"Forumi {key}",
                municipality_id=municipality_id,
                organization_id=org,
                election_id=election_id,
                venue="Salla",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                status=EventStatus.held,
            )
            s.add(event)
            events[key] = event
        await s.flush()
        out = {"later_candidate": 0}
        for key, event in events.items():
            candidate = {"forum": stage.anila, "later": outsider, "elsewhere": stage.other_town}[
                key
            ]
            s.add(
                EventCandidate(
                    event_id=event.id, candidate_id=candidate.id, status=InvitationStatus.attended
                )
            )
            question = Question(
                event_id=event.id, body=f"Pyetja {key}", votes=3, status=QuestionStatus.approved
            )
            commitment = Commitment(
                candidate_id=candidate.id, event_id=event.id, text=f"Premtimi {key}"
            )
            s.add_all([question, commitment])
            await s.flush()
            out[f"{key}_event"] = event.id
            out[f"{key}_question"] = question.id
            out[f"{key}_commitment"] = commitment.id
        out["later_candidate"] = outsider.id
        await s.commit()
    return out


def _contract_body(stage: Stage) -> dict[str, object]:
    return {
        "municipality_id": stage.world.municipality.id,
        "election_id": stage.election.id,
        "title": "Kontrata Sociale Durrës 2030–2034",
        "term_start": "2030-06-01",
        "term_end": "2034-05-31",
        "introduction": "Qytetarët e Durrësit kërkojnë …",
    }


async def _draft(api: Browser, stage: Stage, src: dict[str, int]) -> int:
    answer = await api.post("/api/v1/social-contracts", json=_contract_body(stage))
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["status"] == "draft"
    assert body["version"] == 1
    contract_id = body["id"]
    answer = await api.post(
        f"/api/v1/social-contracts/{contract_id}/priorities",
        json={
            "title": "Ujë i pijshëm 24 orë",
            "description": "",
            "topic_id": None,
            "points": ["Rrjeti i ri në lagjen 5", "Matës uji për çdo familje"],
            "commitment_ids": [src["forum_commitment"]],
            "question_ids": [src["forum_question"]],
        },
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["position"] == 1
    return contract_id


async def test_draft_open_sign_freeze_and_new_version(api: Browser, db, stage: Stage) -> None:
    src = await _sources(db, stage)
    contract_id = await _draft(api, stage, src)
    second = await api.post(
        f"/api/v1/social-contracts/{contract_id}/priorities",
        json={"title": "Rrugët", "points": ["Asfaltimi i rrugës së shkollës"]},
    )
    assert second.json()["position"] == 2
    assert second.json()["written_by_hand"] is True
    moved = await api.patch(
        f"/api/v1/contract-priorities/{second.json()['id']}", json={"position": 1}
    )
    assert moved.json()["position"] == 1
    # a signature on a draft: open it first
    sign = {
        "candidate_id": stage.anila.id,
        "event_id": src["forum_event"],
        "signed_on": "2026-11-20",
        "status": "signed",
        "reason": None,
        "document_url": None,
    }
    assert (
        await api.post(f"/api/v1/social-contracts/{contract_id}/signatures", json=sign)
    ).status_code == 409
    opened = await api.post(f"/api/v1/social-contracts/{contract_id}/open")
    assert opened.json()["status"] == "open_for_signature"
    # no new version of an unsigned one
    assert (await api.post(f"/api/v1/social-contracts/{contract_id}/versions")).status_code == 409
    signed = await api.post(f"/api/v1/social-contracts/{contract_id}/signatures", json=sign)
    assert signed.status_code == 201, signed.text
    again = await api.post(f"/api/v1/social-contracts/{contract_id}/signatures", json=sign)
    assert again.status_code == 409
    # frozen
    frozen = await api.patch(
        f"/api/v1/contract-priorities/{second.json()['id']}", json={"title": "X"}
    )
    assert frozen.status_code == 409
    assert "new version" in frozen.json()["detail"]
    assert (
        await api.patch(f"/api/v1/social-contracts/{contract_id}", json={"introduction": "Tjetër"})
    ).status_code == 409
    assert (
        await api.delete(f"/api/v1/contract-priorities/{second.json()['id']}")
    ).status_code == 409
    # a new version copies the text; the old one keeps its signature
    v2 = await api.post(f"/api/v1/social-contracts/{contract_id}/versions")
    assert v2.status_code == 201
    body = v2.json()
    assert body["version"] == 2
    assert body["status"] == "open_for_signature"
    assert not body["frozen"]
    assert [p["title"] for p in body["priorities"]] == ["Rrugët", "Ujë i pijshëm 24 orë"]
    assert body["priorities"][1]["points"] == [
        "Rrjeti i ri në lagjen 5",
        "Matës uji për çdo familje",
    ]
    assert body["priorities"][1]["commitment_ids"] == [src["forum_commitment"]]
    assert body["introduction"] == "Qytetarët e Durrësit kërkojnë …"
    assert [(s["candidate_id"], s["version"]) for s in body["signatures"]] == [(stage.anila.id, 1)]
    changed = await api.patch(
        f"/api/v1/contract-priorities/{body['priorities'][0]['id']}",
        json={"points": ["a", "b", "c"]},
    )
    assert changed.json()["points"] == ["a", "b", "c"]
    # the same candidate may answer version 2; Besa declines it with a reason
    decline = {
        **sign,
        "candidate_id": stage.besa.id,
        "status": "declined",
        "reason": "Nuk pajtohem me afatet.",
    }
    assert (
        await api.post(f"/api/v1/social-contracts/{contract_id}/signatures", json=decline)
    ).status_code == 201
    full = (await api.get(f"/api/v1/social-contracts/{contract_id}")).json()
    assert full["frozen"] is True
    assert sorted(
        (s["candidate_id"], s["version"], s["status"]) for s in full["signatures"]
    ) == sorted([(stage.anila.id, 1, "signed"), (stage.besa.id, 2, "declined")])


async def test_links_of_another_municipality_or_election_are_refused(
    api: Browser, db, stage: Stage
) -> None:
    src = await _sources(db, stage)
    contract_id = await _draft(api, stage, src)
    url = f"/api/v1/social-contracts/{contract_id}/priorities"
    for field, key in [
        ("commitment_ids", "later_commitment"),
        ("commitment_ids", "elsewhere_commitment"),
        ("question_ids", "later_question"),
        ("question_ids", "elsewhere_question"),
    ]:
        answer = await api.post(url, json={"title": "P", field: [src[key]]})
        assert answer.status_code == 422, (field, key, answer.text)
        assert field in answer.text
    await api.post(f"/api/v1/social-contracts/{contract_id}/open")
    sign = f"/api/v1/social-contracts/{contract_id}/signatures"
    base = {"signed_on": "2026-11-20", "status": "signed"}
    for body, field in [
        ({"candidate_id": src["later_candidate"]}, "candidate_id"),
        ({"candidate_id": stage.other_town.id}, "candidate_id"),
        ({"candidate_id": stage.anila.id, "event_id": src["later_event"]}, "event_id"),
        ({"candidate_id": stage.anila.id, "event_id": src["elsewhere_event"]}, "event_id"),
        ({"candidate_id": stage.anila.id, "reason": "pse"}, "reason"),
    ]:
        answer = await api.post(sign, json={**base, **body})
        assert answer.status_code == 422, answer.text
        assert field in answer.text


async def test_drafts_are_private(api: Browser, client: Browser, db, stage: Stage, app) -> None:  # type: ignore[no-untyped-def]
    src = await _sources(db, stage)
    contract_id = await _draft(api, stage, src)
    import httpx

    async with Browser(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as anon:
        assert (await anon.get(f"/api/v1/social-contracts/{contract_id}")).status_code == 404
        assert (await anon.get("/api/v1/social-contracts")).json() == []
        other = await _bearer(anon, db, stage.world.other_organizer)
        assert (await other.get(f"/api/v1/social-contracts/{contract_id}")).status_code == 404
        assert (await other.post(f"/api/v1/social-contracts/{contract_id}/open")).status_code == 404
        # a contract of Durrës is not Shkodër's organizers' to draft
        assert (
            await other.post("/api/v1/social-contracts", json=_contract_body(stage))
        ).status_code == 403
    assert (await api.get(f"/api/v1/social-contracts/{contract_id}")).status_code == 200
    await api.post(f"/api/v1/social-contracts/{contract_id}/open")
    assert (
        await api.post("/api/v1/social-contracts", json=_contract_body(stage))
    ).status_code == 409
    del client.headers["Authorization"]
    listed = (
        await client.get(f"/api/v1/social-contracts?municipality_id={stage.world.municipality.id}")
    ).json()
    assert [c["id"] for c in listed] == [contract_id]


async def test_upload_is_checked_by_content_and_size(
    api: Browser, db, stage: Stage, settings
) -> None:  # type: ignore[no-untyped-def]
    src = await _sources(db, stage)
    contract_id = await _draft(api, stage, src)
    await api.post(f"/api/v1/social-contracts/{contract_id}/open")
    signature = (
        await api.post(
            f"/api/v1/social-contracts/{contract_id}/signatures",
            json={"candidate_id": stage.anila.id, "signed_on": "2026-11-20", "status": "signed"},
        )
    ).json()
    url = f"/api/v1/contract-signatures/{signature['id']}/document"
    html = await api.post(url, files={"file": ("x.pdf", HTML, "application/pdf")})
    assert html.status_code == 422
    assert "file" in html.text
    big = await api.post(
        url, files={"file": ("big.pdf", PDF + b"0" * (10 * 1_048_576), "application/pdf")}
    )
    assert big.status_code == 413
    huge = await api.post(
        url, files={"file": ("huge.pdf", PDF + b"0" * (11 * 1_048_576), "application/pdf")}
    )
    assert huge.status_code == 413
    png = await api.post(url, files={"file": ("../../scan.pdf", PNG, "application/pdf")})
    assert png.status_code == 200, png.text
    assert png.json()["document_url"] == url
    stored = list((settings.uploads).iterdir())
    assert len(stored) == 1
    assert stored[0].suffix == ".png"
    assert "scan" not in stored[0].name
    del api.headers["Authorization"]
    download = await api.get(url)
    assert download.status_code == 200
    assert download.content == PNG
    assert download.headers["content-type"] == "image/png"
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.headers["content-disposition"] == (
        f'attachment; filename="contract-signature-{signature["id"]}.png"'
    )
    # an anonymous upload, and a 1 MB body elsewhere, are still refused
    assert (await api.post(url, files={"file": ("a.pdf", PDF, "application/pdf")})).status_code in {
        401,
        403,
    }
    assert (
        await api.post(
            "/api/v1/social-contracts",
            content=b"x" * 2_000_000,
            headers={"content-type": "application/json"},
        )
    ).status_code == 413


async def test_marking_the_winner(api: Browser, db, stage: Stage) -> None:
    src = await _sources(db, stage)
    contract_id = await _draft(api, stage, src)
    await api.post(f"/api/v1/social-contracts/{contract_id}/open")
    url = f"/api/v1/candidates/{stage.anila.id}"
    early = await api.patch(url, json={"elected": True})  # the election is in 2030
    assert early.status_code == 422
    assert "elected" in early.text
    async with db.write() as s:
        await s.execute(update(Election).values(election_date=date(2020, 1, 1)))
        await s.commit()
    assert (await api.patch(url, json={"elected": True})).status_code == 200
    contract = (await api.get(f"/api/v1/social-contracts/{contract_id}")).json()
    assert contract["status"] == "in_force"
    assert contract["frozen"] is True
    second = await api.patch(f"/api/v1/candidates/{stage.besa.id}", json={"elected": True})
    assert second.status_code == 422
    assert "Anila Toska" in second.text
    # unmarking keeps the contract in force; adoption is recorded now
    assert (await api.patch(url, json={"elected": False})).status_code == 200
    adopted = await api.patch(
        f"/api/v1/social-contracts/{contract_id}",
        json={
            "adoption_decision_number": "Nr. 45",
            "adopted_on": "2030-09-01",
            "adoption_url": "https://durres.gov.al/vendimi-45",
        },
    )
    assert adopted.status_code == 200, adopted.text
    assert adopted.json()["status"] == "in_force"
    assert adopted.json()["adoption_decision_number"] == "Nr. 45"


async def test_the_portal_shows_what_the_candidate_did(api: Browser, db, stage: Stage) -> None:  # type: ignore[no-untyped-def]
    from app.services import portal_links

    src = await _sources(db, stage)
    contract_id = await _draft(api, stage, src)
    async with db.write() as s:
        anila = await portal_links.issue_link(
            session=s, actor=stage.world.admin, candidate_id=stage.anila.id or 0
        )
        besa = await portal_links.issue_link(
            session=s, actor=stage.world.admin, candidate_id=stage.besa.id or 0
        )
        await s.commit()
    api.cookies.set("pf_lang", "en")
    assert "asked to sign" not in (await api.get(f"/c/{anila.token}")).text  # a draft
    await api.post(f"/api/v1/social-contracts/{contract_id}/open")
    sign = {
        "candidate_id": stage.anila.id,
        "event_id": src["forum_event"],
        "signed_on": "2026-11-20",
        "status": "signed",
    }
    await api.post(f"/api/v1/social-contracts/{contract_id}/signatures", json=sign)
    page = (await api.get(f"/c/{anila.token}")).text
    assert "You signed version 1 on" in page
    assert "at Forumi forum" in page
    assert "Not yet" in (await api.get(f"/c/{besa.token}")).text


async def test_a_contract_opened_after_the_winner_is_marked_is_in_force_at_once(
    api: Browser, db, stage: Stage
) -> None:
    src = await _sources(db, stage)
    async with db.write() as s:
        await s.execute(update(Election).values(election_date=date(2020, 1, 1)))
        await s.commit()
    assert (
        await api.patch(f"/api/v1/candidates/{stage.besa.id}", json={"elected": True})
    ).status_code == 200
    contract_id = await _draft(api, stage, src)  # a draft stays a draft
    assert (await api.get(f"/api/v1/social-contracts/{contract_id}")).json()["status"] == "draft"
    opened = (await api.post(f"/api/v1/social-contracts/{contract_id}/open")).json()
    assert opened["status"] == "in_force"
    assert opened["frozen"] is True


async def test_a_commitment_a_priority_grew_out_of_is_not_deleted(
    api: Browser, db, stage: Stage
) -> None:  # type: ignore[no-untyped-def]
    """DELETE of a source of a contract's priority → 409 (not a 500 from the foreign key), and
    the commitment and its link stay; an unlinked one is deleted as before."""
    src = await _sources(db, stage)
    await _draft(api, stage, src)
    refused = await api.delete(f"/api/v1/commitments/{src['forum_commitment']}")
    assert refused.status_code == 409, refused.text
    assert "priority" in refused.text
    async with db.read() as session:
        assert await session.get(Commitment, src["forum_commitment"]) is not None
    deleted = await api.delete(f"/api/v1/commitments/{src['later_commitment']}")
    assert deleted.status_code == 204, deleted.text
