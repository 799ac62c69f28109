"""The organizer's contract pages without JavaScript: create, draft from the sources, open,
record signatures (one with a scanned page), errors kept next to their fields, the winner."""

import re
from datetime import date

from sqlalchemy import select, update

from app.models import AuditEntry, ContractSignature, Election, SocialContract, StoredDocument
from tests.conftest import Browser, Stage
from tests.test_contracts import PDF, _sources, app, settings  # noqa: F401 (fixtures)


async def _organizer(client: Browser, stage: Stage) -> Browser:
    client.cookies.set("pf_lang", "en")
    await client.sign_in(stage.world.organizer.email)
    return client


async def test_drafting_flow_without_javascript(  # type: ignore[no-untyped-def]
    client: Browser,
    neighbour: Browser,
    db,
    stage: Stage,
    settings,  # noqa: F811 (the fixture of tests/test_contracts.py)
) -> None:
    src = await _sources(db, stage)
    browser = await _organizer(client, stage)
    assert "Social contracts" in (await browser.get("/manage/contracts")).text
    new = await browser.get("/manage/contracts/new")
    assert new.status_code == 200
    form = {
        "municipality_id": str(stage.world.municipality.id),
        "election_id": str(stage.election.id),
        "title": "Kontrata Sociale Durrës 2030–2034",
        "term_start": "2030-06-01",
        "term_end": "2029-05-31",
        "introduction": "Hyrja e kontratës",
    }
    refused = await browser.post_form("/manage/contracts", form)
    assert refused.status_code == 400
    assert "The term ends after it starts." in refused.text
    assert "Hyrja e kontratës" in refused.text
    assert "Kontrata Sociale Durrës 2030–2034" in refused.text
    created = await browser.post_form("/manage/contracts", {**form, "term_end": "2034-05-31"})
    assert created.status_code == 303
    url = created.headers["location"]
    contract_id = int(url.rsplit("/", 1)[1])
    page = await browser.get(url)
    assert page.status_code == 200
    # the sources beside: this municipality's and election's only
    assert "Pyetja forum" in page.text
    assert "Premtimi forum" in page.text
    assert "Pyetja later" not in page.text
    assert "Premtimi elsewhere" not in page.text
    token = await browser.csrf_token(url)
    # a priority from another election's question: refused, what was typed kept
    bad = await browser.post(
        f"/manage/contracts/{contract_id}/priorities",
        data={
            "csrf_token": token,
            "title": "Uji",
            "points": "Pika një\nPika dy",
            "question_ids": [str(src["later_question"])],
        },
    )
    assert bad.status_code == 400
    assert "questions of this municipality&#39;s events" in bad.text
    assert "Pika një\nPika dy" in bad.text
    added = await browser.post(
        f"/manage/contracts/{contract_id}/priorities",
        data={
            "csrf_token": token,
            "title": "Uji",
            "points": "Pika një\n\nPika dy",
            "question_ids": [str(src["forum_question"])],
            "commitment_ids": [str(src["forum_commitment"])],
        },
    )
    assert added.status_code == 303
    hand = await browser.post(
        f"/manage/contracts/{contract_id}/priorities",
        data={"csrf_token": token, "title": "Rrugët", "points": "Asfaltim"},
    )
    assert hand.status_code == 303
    page = (await browser.get(url)).text
    assert "Priority 1: Uji" in page
    assert "Priority 2: Rrugët" in page
    assert "Written by hand" in page
    second_id = re.findall(r'id="priority-(\d+)"', page)[1]
    moved = await browser.post(
        f"/manage/priorities/{second_id}/move", data={"csrf_token": token, "direction": "up"}
    )
    assert moved.status_code == 303
    assert "Priority 1: Rrugët" in (await browser.get(url)).text
    edit = await browser.get(f"/manage/priorities/{second_id}/edit")
    assert edit.status_code == 200
    assert "Asfaltim" in edit.text
    saved = await browser.post(
        f"/manage/priorities/{second_id}",
        data={"csrf_token": token, "title": "Rrugët e lagjeve", "points": "Asfaltim\nNdriçim"},
    )
    assert saved.status_code == 303
    # open, then two answers: one declined with a reason, one signed with the scanned page
    assert (
        await browser.post(f"/manage/contracts/{contract_id}/open", data={"csrf_token": token})
    ).status_code == 303
    declined = await browser.post(
        "/manage/contract-signatures",
        data={
            "csrf_token": token,
            "contract_id": str(contract_id),
            "candidate_id": str(stage.besa.id),
            "signed_on": "2026-11-20",
            "status": "declined",
            "reason": "Nuk jam dakord me afatet.",
        },
    )
    assert declined.status_code == 303, declined.text
    wrong = await browser.post(
        "/manage/contract-signatures",
        data={
            "csrf_token": token,
            "contract_id": str(contract_id),
            "candidate_id": str(stage.other_town.id),
            "signed_on": "2026-11-20",
            "status": "signed",
        },
    )
    assert wrong.status_code == 400
    assert "Choose a candidate of this municipality in this election." in wrong.text
    signed = await browser.post(
        "/manage/contract-signatures",
        data={
            "csrf_token": token,
            "contract_id": str(contract_id),
            "candidate_id": str(stage.anila.id),
            "event_id": str(src["forum_event"]),
            "signed_on": "2026-11-20",
            "status": "signed",
        },
        files={"file": ("faqja.pdf", PDF, "application/pdf")},
    )
    assert signed.status_code == 303, signed.text
    page = (await browser.get(url)).text
    assert "signed: its text is frozen" in page
    assert "Nuk jam dakord me afatet." in page
    assert "Scanned page" in page
    async with db.read() as s:
        document = (await s.execute(select(StoredDocument))).scalar_one()
        assert document.original_name == "faqja.pdf"
        assert (settings.uploads / document.path).read_bytes() == PDF
        answers = (await s.execute(select(ContractSignature))).scalars().all()
        assert len(answers) == 2
        actions = {e.action for e in (await s.execute(select(AuditEntry))).scalars()}
    assert {
        "social_contract.create",
        "contract_priority.create",
        "contract_priority.update",
        "social_contract.open",
        "contract_signature.create",
    } <= actions
    # another organization's organizer may not record an answer on this contract (the route
    # is open to every organizer: the contract is a field of the form, checked inside)
    other = neighbour
    await other.sign_in(stage.world.other_organizer.email)
    refused = await other.post(
        "/manage/contract-signatures",
        data={
            "csrf_token": await other.csrf_token("/manage"),
            "contract_id": str(contract_id),
            "candidate_id": str(stage.besa.id),
            "signed_on": "2026-11-21",
            "status": "signed",
        },
    )
    assert refused.status_code in {403, 404}
    async with db.read() as s:
        assert len((await s.execute(select(ContractSignature))).scalars().all()) == 2
    # frozen: the text form refuses, saying to make a new version
    frozen = await browser.post(
        f"/manage/contracts/{contract_id}",
        data={
            "csrf_token": token,
            "title": "Tjetër",
            "term_start": "2030-06-01",
            "term_end": "2034-05-31",
        },
    )
    assert frozen.status_code == 409
    assert "make a new version" in frozen.text
    assert (
        await browser.post(f"/manage/contracts/{contract_id}/versions", data={"csrf_token": token})
    ).status_code == 303
    assert "Version 2" in (await browser.get(url)).text
    # marking the winner on the candidate's page: before the election day refused
    form_url = f"/manage/candidates/{stage.anila.id}"
    candidate = {
        "csrf_token": token,
        "full_name": "Anila Toska",
        "office": "mayor",
        "elected": "true",
    }
    early = await browser.post(form_url, data=candidate)
    assert early.status_code == 400
    assert "only from the election day on" in early.text
    async with db.write() as s:
        await s.execute(update(Election).values(election_date=date(2020, 1, 1)))
        await s.commit()
    assert (await browser.post(form_url, data=candidate)).status_code == 303
    async with db.read() as s:
        contract = await s.get(SocialContract, contract_id)
        assert contract is not None
        assert contract.status.value == "in_force"
    adopted = await browser.post(
        f"/manage/contracts/{contract_id}/adoption",
        data={
            "csrf_token": token,
            "adoption_decision_number": "Nr. 45",
            "adopted_on": "2030-09-01",
            "adoption_url": "not a link",
        },
    )
    assert adopted.status_code == 400
    assert 'value="Nr. 45"' in adopted.text


async def test_other_organizations_cannot_write(client: Browser, db, stage: Stage) -> None:
    await _sources(db, stage)
    browser = await _organizer(client, stage)
    created = await browser.post_form(
        "/manage/contracts",
        {
            "municipality_id": str(stage.world.municipality.id),
            "election_id": str(stage.election.id),
            "title": "K",
            "term_start": "2030-06-01",
            "term_end": "2034-05-31",
        },
    )
    url = created.headers["location"]
    await browser.post("/logout", data={"csrf_token": await browser.csrf_token()})
    await browser.sign_in(stage.world.other_organizer.email)
    assert (await browser.get(url)).status_code == 404  # a draft: not theirs to see


async def test_the_page_form_takes_a_scan_above_the_small_body_limit(  # type: ignore[no-untyped-def]
    client: Browser,
    db,
    stage: Stage,
    app,  # noqa: F811
) -> None:
    import httpx

    from tests.conftest import api_token_for
    from tests.test_contracts import PNG, _draft

    src = await _sources(db, stage)
    async with Browser(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as api:
        api.headers["Authorization"] = f"Bearer {await api_token_for(db, stage.world.organizer)}"
        contract_id = await _draft(api, stage, src)
        await api.post(f"/api/v1/social-contracts/{contract_id}/open")
        signature = await api.post(
            f"/api/v1/social-contracts/{contract_id}/signatures",
            json={"candidate_id": stage.anila.id, "signed_on": "2026-11-20", "status": "signed"},
        )
    browser = await _organizer(client, stage)
    token = await browser.csrf_token(f"/manage/contracts/{contract_id}")
    url = f"/manage/contract-signatures/{signature.json()['id']}/document"
    html = await browser.post(
        url,
        data={"csrf_token": token},
        files={"file": ("x.pdf", b"<html></html>", "application/pdf")},
    )
    assert html.status_code == 400
    assert "Upload the scanned page as a PDF, JPEG or PNG file." in html.text
    big = PNG + b"\x00" * (2 * 1_048_576)  # above the 1 MB every other form is held to
    answer = await browser.post(
        url, data={"csrf_token": token}, files={"file": ("scan.png", big, "image/png")}
    )
    assert answer.status_code == 303
    async with db.read() as s:
        document = (await s.execute(select(StoredDocument))).scalar_one()
    assert document.content_type == "image/png"
    assert document.size == len(big)
    elsewhere = await browser.post(
        f"/manage/contracts/{contract_id}", data={"csrf_token": token, "title": "x" * 1_100_000}
    )
    assert elsewhere.status_code == 413
