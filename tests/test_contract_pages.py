"""The public side of social contracts: the contract's page (current and earlier versions, the
path back from each priority, who signed and who declined, the elected mayor who did not sign),
drafts private to their writers, the print view always in Albanian, the municipality's top
section and the candidate's list."""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from app.db import Database
from app.models import (
    Commitment,
    ContractOrganization,
    ContractPriority,
    ContractSignature,
    ContractStatus,
    ContractVersion,
    Event,
    EventKind,
    EventStatus,
    PriorityCommitment,
    PriorityPoint,
    PriorityQuestion,
    Question,
    QuestionStatus,
    SignatureStatus,
    SocialContract,
)
from tests.conftest import Browser, Stage

TITLE = "Kontrata Sociale Durrës 2030–2034"
QUESTION = "Kur do të ketë ujë 24 orë në lagjen Shkozë?"
HIDDEN = "Pyetje që ende pret miratimin e moderatorit"
REJECTED = "Pyetje e refuzuar nga moderatori"
COMMITMENT = "Brenda dy vitesh çdo lagje do të ketë ujë 24 orë në ditë."
REASON = "Nuk nënshkruaj afate pa e parë buxhetin."
OLD_POINT = "Harta e orareve të ujit brenda gjashtë muajve."
NEW_POINT = "Harta e orareve të ujit brenda tre muajve."


@dataclass
class Made:
    contract_id: int
    meeting_id: int
    forum_id: int
    question_id: int
    commitment_id: int


async def make_contract(
    db: Database, stage: Stage, *, status: ContractStatus = ContractStatus.in_force
) -> Made:
    """A contract in two versions: Anila signed version 1 at the forum, Besa (marked elected)
    declined version 2; priority 1 grew out of a community-meeting question and Anila's
    commitment (and out of two questions never public)."""
    world = stage.world
    start = datetime(2030, 3, 10, 16, tzinfo=UTC)
    async with db.write() as s:
        meeting, forum = (
            Event(
                kind=kind,
                title=title,
                municipality_id=world.municipality.id or 0,
                organization_id=world.organization.id or 0,
                election_id=stage.election.id,
                venue="Salla e Këshillit",
                starts_at=start + timedelta(days=days),
                ends_at=start + timedelta(days=days, hours=2),
                status=EventStatus.held,
            )
            for kind, title, days in [
                (EventKind.community_meeting, "Takim me banorët e Shkozës", 0),
                (EventKind.forum, "Forum me kandidatët për kryetar", 30),
            ]
        )
        s.add_all([meeting, forum])
        await s.flush()
        asked = [
            Question(event_id=meeting.id or 0, body=body, status=state, votes=votes)
            for body, state, votes in [
                (QUESTION, QuestionStatus.approved, 31),
                (HIDDEN, QuestionStatus.pending, 0),
                (REJECTED, QuestionStatus.rejected, 0),
            ]
        ]
        promised = Commitment(
            candidate_id=stage.anila.id or 0, event_id=forum.id or 0, text=COMMITMENT
        )
        contract = SocialContract(
            municipality_id=world.municipality.id or 0,
            election_id=stage.election.id or 0,
            title=TITLE,
            term_start=date(2030, 5, 13),
            term_end=date(2034, 5, 31),
            status=status,
            adoption_decision_number="112",
            adopted_on=date(2030, 9, 20),
        )
        s.add_all([*asked, promised, contract])
        await s.flush()
        s.add(
            ContractOrganization(
                contract_id=contract.id or 0, organization_id=world.organization.id or 0
            )
        )
        signed_at = forum.starts_at + timedelta(hours=1)
        for number, point in [(1, OLD_POINT), (2, NEW_POINT)]:
            version = ContractVersion(
                contract_id=contract.id or 0,
                number=number,
                introduction=f"Hyrja e versionit {number}.",
                frozen_at=signed_at + timedelta(days=number - 1),
            )
            s.add(version)
            await s.flush()
            priority = ContractPriority(
                version_id=version.id or 0, position=1, title="Ujë i pijshëm 24 orë në ditë"
            )
            s.add(priority)
            await s.flush()
            pid = priority.id or 0
            s.add_all(
                [
                    PriorityPoint(priority_id=pid, number=1, text=point),
                    PriorityPoint(priority_id=pid, number=2, text="Rrjet i ri në Shkozë."),
                    PriorityCommitment(priority_id=pid, commitment_id=promised.id or 0),
                    *(PriorityQuestion(priority_id=pid, question_id=q.id or 0) for q in asked),
                ]
            )
            answer = (
                (stage.anila.id, SignatureStatus.signed, None)
                if number == 1
                else (stage.besa.id, SignatureStatus.declined, REASON)
            )
            s.add(
                ContractSignature(
                    version_id=version.id or 0,
                    candidate_id=answer[0] or 0,
                    event_id=forum.id,
                    signed_on=(signed_at + timedelta(days=number - 1)).date(),
                    status=answer[1],
                    reason=answer[2],
                    document_url="https://example.org/nenshkrimi.pdf" if number == 1 else None,
                )
            )
        besa = await s.get(type(stage.besa), stage.besa.id)
        assert besa is not None
        besa.elected = True
        await s.commit()
    ids = [contract.id, meeting.id, forum.id, asked[0].id, promised.id]
    return Made(*(i or 0 for i in ids))


def main(html: str) -> str:
    match = re.search(r"<main.*?</main>", html, re.S)
    assert match
    return match.group(0)


async def test_the_public_page_shows_the_text_the_signatures_and_the_path_back(
    db: Database, stage: Stage, citizen: Browser
) -> None:
    made = await make_contract(db, stage)
    response = await citizen.get(f"/contracts/{made.contract_id}")
    assert response.status_code == 200
    page = main(response.text)
    assert TITLE in page
    assert "Hyrja e versionit 2." in page
    assert NEW_POINT in page
    assert OLD_POINT not in page
    assert "Priority 1" in page
    assert 'id="priority-1-point-2"' in page
    # who signed which version, who declined and why, where
    assert "Signed version 1" in page
    assert "Declined version 2" in page
    assert REASON in page
    assert f'href="/events/{made.forum_id}"' in page
    assert "https://example.org/nenshkrimi.pdf" in page
    assert "The elected mayor, Besa Çuni, did not sign this contract." in page
    assert "Council decision no. 112" in page
    assert stage.world.organization.name in page
    # the path back: the question (anchored on its event's questions), the commitment
    assert QUESTION in page
    assert f'href="/events/{made.meeting_id}/questions#q-{made.question_id}"' in page
    assert COMMITMENT in page
    assert f'href="/candidates/{stage.anila.id}#commitment-{made.commitment_id}"' in page
    # never a question that is not public
    assert HIDDEN not in page
    assert REJECTED not in page
    # earlier versions are listed and readable with their own text and signatures
    assert f'href="/contracts/{made.contract_id}/versions/1"' in page
    earlier = await citizen.get(f"/contracts/{made.contract_id}/versions/1")
    assert earlier.status_code == 200
    old = main(earlier.text)
    assert OLD_POINT in old
    assert NEW_POINT not in old
    assert "Hyrja e versionit 1." in old
    assert "an earlier text of this contract" in old
    assert "Signed version 1" in old
    assert HIDDEN not in old
    assert (await citizen.get(f"/contracts/{made.contract_id}/versions/3")).status_code == 404
    assert (await citizen.get("/contracts/999999")).status_code == 404
    listing = await citizen.get("/contracts")
    assert TITLE in listing.text


async def test_the_page_reads_the_same_in_albanian(
    db: Database, stage: Stage, client: Browser
) -> None:
    made = await make_contract(db, stage)
    page = main((await client.get(f"/contracts/{made.contract_id}")).text)
    assert "Prioriteti 1" in page
    assert "Kryetarja e zgjedhur" in page or "Kryetari i zgjedhur" in page


async def test_a_draft_is_its_writers_own(
    db: Database,
    stage: Stage,
    app,
    citizen: Browser,  # type: ignore[no-untyped-def]
) -> None:
    import httpx

    made = await make_contract(db, stage, status=ContractStatus.draft)
    paths = [
        f"/contracts/{made.contract_id}",
        f"/contracts/{made.contract_id}/versions/1",
        f"/contracts/{made.contract_id}/print",
    ]
    for path in paths:
        assert (await citizen.get(path)).status_code == 404
    assert TITLE not in (await citizen.get("/contracts")).text
    transport = httpx.ASGITransport(app=app)
    for user, expected in [
        (stage.world.other_organizer, 404),
        (stage.world.organizer, 200),
        (stage.world.admin, 200),
    ]:
        async with Browser(transport=transport, base_url="http://testserver") as browser:
            browser.cookies.set("pf_lang", "en")
            await browser.sign_in(user.email)
            for path in paths:
                response = await browser.get(path)
                assert response.status_code == expected, (user.email, path)
            if expected == 200:
                page = (await browser.get(paths[0])).text
                assert "Draft, not public" in page
                assert "no-store" in response.headers["cache-control"]


async def test_the_print_view_is_in_albanian_whatever_the_visitor_chose(
    db: Database, stage: Stage, citizen: Browser
) -> None:
    made = await make_contract(db, stage)
    response = await citizen.get(f"/contracts/{made.contract_id}/print")
    assert response.status_code == 200
    html = response.text
    assert '<html lang="sq">' in html
    assert response.headers["content-language"] == "sq"
    assert TITLE in html
    assert NEW_POINT in html
    assert "Prioriteti 1" in html
    assert "Nënshkrimi" in html
    assert "site-nav" not in html  # a document, not a page of the site
    assert "contract-print.css" in html
    # Anila signed version 1, not this one: both her line and Besa's are there to sign or read
    assert "Anila Toska" in html
    assert "Besa Çuni" in html
    # the visitor's own pages are still in English
    assert "Priority 1" in (await citizen.get(f"/contracts/{made.contract_id}")).text


async def test_the_municipality_page_shows_its_contract_at_the_top(
    db: Database, stage: Stage, citizen: Browser
) -> None:
    made = await make_contract(db, stage)
    page = main((await citizen.get("/municipalities/durres")).text)
    assert f'href="/contracts/{made.contract_id}"' in page
    assert page.index(TITLE) < page.index("Upcoming events")
    assert "In force" in page
    assert "Signed by 1 of 2 candidates" in page


async def test_the_municipality_page_hides_a_draft(
    db: Database, stage: Stage, citizen: Browser
) -> None:
    await make_contract(db, stage, status=ContractStatus.draft)
    page = main((await citizen.get("/municipalities/durres")).text)
    assert TITLE not in page
    assert "No social contract is public" in page


async def test_the_candidate_page_lists_what_they_signed_or_declined(
    db: Database, stage: Stage, citizen: Browser
) -> None:
    made = await make_contract(db, stage)
    anila = main((await citizen.get(f"/candidates/{stage.anila.id}")).text)
    assert TITLE in anila
    assert "Signed version 1" in anila
    assert f'href="/contracts/{made.contract_id}/versions/1"' in anila
    besa = main((await citizen.get(f"/candidates/{stage.besa.id}")).text)
    assert "Declined version 2" in besa
    assert REASON in besa
    other = main((await citizen.get(f"/candidates/{stage.other_town.id}")).text)
    assert TITLE not in other


async def test_the_page_reads_in_a_handful_of_queries_whatever_its_size(
    db: Database, stage: Stage
) -> None:
    """No query per priority, point, source or signature: the links come in IN queries."""
    from sqlalchemy import event, select

    from app.services import contract_views

    made = await make_contract(db, stage)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    async def queries() -> int:
        statements.clear()
        event.listen(db.engine.sync_engine, "before_cursor_execute", count)
        try:
            async with db.read() as s:
                contract = await s.get(SocialContract, made.contract_id)
                assert contract is not None
                page = await contract_views.contract_page(session=s, contract=contract)
                assert page is not None
        finally:
            event.remove(db.engine.sync_engine, "before_cursor_execute", count)
        return len(statements)

    small = await queries()
    async with db.write() as s:
        version = await s.scalar(
            select(ContractVersion).where(ContractVersion.number == 2)  # type: ignore[arg-type]
        )
        assert version is not None
        for position in range(2, 8):
            priority = ContractPriority(
                version_id=version.id or 0, position=position, title=f"Prioritet {position}"
            )
            s.add(priority)
            await s.flush()
            s.add_all(
                [
                    *(
                        PriorityPoint(priority_id=priority.id or 0, number=n, text=f"Pika {n}")
                        for n in range(1, 5)
                    ),
                    PriorityQuestion(priority_id=priority.id or 0, question_id=made.question_id),
                    PriorityCommitment(
                        priority_id=priority.id or 0, commitment_id=made.commitment_id
                    ),
                ]
            )
        await s.commit()
    assert await queries() == small <= 12


async def test_only_web_links_become_links(db: Database, stage: Stage, citizen: Browser) -> None:
    made = await make_contract(db, stage)
    for url, shown in [
        ("javascript:alert(1)", False),
        ("https://example.org/vendimi-112.pdf", True),
    ]:
        async with db.write() as s:
            contract = await s.get(SocialContract, made.contract_id)
            assert contract is not None
            contract.adoption_url = url
            await s.commit()
        page = main((await citizen.get(f"/contracts/{made.contract_id}")).text)
        assert (f'href="{url}"' in page) is shown
        assert "javascript:" not in page
