"""The candidate portal (issue 11): private links, the candidate's answers, the organizers'
decision on a dispute, through the service, the JSON API and the pages."""

import asyncio
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select

from app.db import Database
from app.models import (
    AuditEntry,
    CandidatePortalLink,
    Commitment,
    CommitmentAnswer,
    Confirmation,
    Event,
    EventCandidate,
    EventKind,
    EventStatus,
    InvitationStatus,
    Organization,
    Question,
    QuestionCandidate,
    QuestionStatus,
    Role,
    User,
)
from app.security import hash_token
from app.services import disputes, portal, portal_links
from app.services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from tests.conftest import PASSWORD_HASH, Browser, Stage

SECRET_ASKER = "Qytetarja Sekrete"


@dataclass
class Forum:
    stage: Stage
    event: Event
    water: Commitment  # Anila's, answering the approved question
    school: Commitment  # Anila's
    besa_roads: Commitment  # Besa's
    question: Question


@pytest.fixture
async def forum(stage: Stage, db: Database) -> Forum:
    """A held forum of the organizer's organization: Anila and Besa attended, three commitments,
    and questions to Anila (one public, one pending, one merged)."""
    world = stage.world
    start = datetime(2030, 4, 1, 16, tzinfo=UTC)
    async with db.write() as s:
        event = Event(
            kind=EventKind.forum,
            title="Forumi për ujin",
            municipality_id=world.municipality.id or 0,
            organization_id=world.organization.id or 0,
            election_id=stage.election.id,
            venue="Pallati i Kulturës",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            status=EventStatus.held,
        )
        s.add(event)
        await s.flush()
        s.add_all(
            EventCandidate(event_id=event.id, candidate_id=c.id, status=InvitationStatus.attended)
            for c in (stage.anila, stage.besa)
        )
        question = Question(
            event_id=event.id or 0,
            body="Kur do të kemi ujë 24 orë?",
            author_name=SECRET_ASKER,
            status=QuestionStatus.answered,
            votes=17,
        )
        pending = Question(event_id=event.id or 0, body="Pyetje ende pa miratim", votes=0)
        merged = Question(
            event_id=event.id or 0, body="Pyetje e bashkuar", status=QuestionStatus.approved
        )
        s.add_all([question, pending, merged])
        await s.flush()
        merged.merged_into_id = question.id
        s.add_all(
            QuestionCandidate(question_id=q.id, candidate_id=stage.anila.id)
            for q in (question, pending, merged)
        )
        water = Commitment(
            candidate_id=stage.anila.id or 0,
            event_id=event.id or 0,
            question_id=question.id,
            text="Ujë 24 orë në të gjitha lagjet brenda dy vjetësh.",
            target="100% e lagjeve",
        )
        school = Commitment(
            candidate_id=stage.anila.id or 0,
            event_id=event.id or 0,
            text="Një shkollë e re në Shkozet.",
        )
        roads = Commitment(
            candidate_id=stage.besa.id or 0, event_id=event.id or 0, text="Asfaltim i rrugëve."
        )
        s.add_all([water, school, roads])
        await s.commit()
    return Forum(stage, event, water, school, roads, question)


async def issue(db: Database, actor: User, candidate_id: int, **kwargs: object) -> str:
    async with db.write() as s:
        issued = await portal_links.issue_link(
            session=s, actor=actor, candidate_id=candidate_id, **kwargs
        )  # type: ignore[arg-type]
        await s.commit()
    return issued.token


async def answers_of(db: Database, commitment_id: int) -> list[CommitmentAnswer]:
    async with db.read() as s:
        rows = await s.execute(
            select(CommitmentAnswer)
            .where(CommitmentAnswer.commitment_id == commitment_id)  # type: ignore[arg-type]
            .order_by(CommitmentAnswer.id)  # type: ignore[arg-type]
        )
        return list(rows.scalars())


async def commitment(db: Database, commitment_id: int) -> Commitment:
    async with db.read() as s:
        found = await s.get(Commitment, commitment_id)
        assert found is not None
        return found


# --- links -----------------------------------------------------------------------------------


async def test_a_link_is_random_stored_only_as_a_hash_and_expires_a_year_after_the_election(
    forum: Forum, db: Database
) -> None:
    token = await issue(db, forum.stage.world.organizer, forum.stage.anila.id or 0)
    assert len(token) >= 43  # 32 random bytes
    async with db.read() as s:
        links = list((await s.execute(select(CandidatePortalLink))).scalars())
    assert len(links) == 1
    assert links[0].token_hash == hash_token(token)
    assert token not in json.dumps([link.model_dump(mode="json") for link in links])
    # the election is on 12 May 2030: midnight in Tirana (UTC+2 in May) a year later
    assert links[0].expires_at == datetime(2031, 5, 11, 22, tzinfo=UTC)
    async with db.read() as s:
        found = await portal_links.candidate_by_token(session=s, token=token)
    assert found is not None
    assert found.id == forum.stage.anila.id


async def test_the_default_expiry_of_a_past_election_is_a_year_from_now() -> None:
    now = datetime(2026, 12, 1, 10, tzinfo=UTC)
    assert portal_links.default_expiry(datetime(2022, 3, 6).date(), now=now) == now + timedelta(365)


async def test_reissuing_revokes_the_old_link_and_revoking_stops_it(
    forum: Forum, db: Database
) -> None:
    organizer = forum.stage.world.organizer
    anila = forum.stage.anila.id or 0
    old = await issue(db, organizer, anila)
    new = await issue(db, organizer, anila)
    async with db.read() as s:
        assert await portal_links.candidate_by_token(session=s, token=old) is None
        assert await portal_links.candidate_by_token(session=s, token=new) is not None
    async with db.write() as s:
        assert await portal_links.revoke_link(session=s, actor=organizer, candidate_id=anila) == 1
        await s.commit()
    async with db.read() as s:
        assert await portal_links.candidate_by_token(session=s, token=new) is None
        assert await portal_links.live_link(session=s, candidate_id=anila) is None
        actions = (await s.execute(select(AuditEntry.action))).scalars().all()  # type: ignore[call-overload]
    assert sorted(actions) == ["portal_link.issue", "portal_link.issue", "portal_link.revoke"]


async def test_who_may_issue_a_link(forum: Forum, db: Database) -> None:
    """Admins; the organization that invited the candidate; the one of their municipality."""
    world = forum.stage.world
    anila = forum.stage.anila.id or 0
    far = forum.stage.other_town.id or 0  # in Shkodër, invited nowhere
    with pytest.raises(NotAllowed):
        await issue(db, world.other_organizer, anila)
    await issue(db, world.other_organizer, far)  # their municipality
    await issue(db, world.organizer, anila)  # invited (and their municipality)
    await issue(db, world.admin, far)
    with pytest.raises(NotAllowed):
        await issue(db, world.organizer, far)
    # an organization elsewhere that invited the candidate to one of its events
    async with db.write() as s:
        org = Organization(
            name="Rrjeti", slug="rrjeti", municipality_id=world.other_organization.municipality_id
        )
        s.add(org)
        await s.flush()
        guest = User(
            email="guest@example.org",
            name="Guest",
            password_hash=PASSWORD_HASH,
            role=Role.organizer,
            organization_id=org.id,
        )
        start = datetime(2030, 4, 2, 16, tzinfo=UTC)
        meeting = Event(
            kind=EventKind.meeting,
            title="Takim",
            municipality_id=world.municipality.id or 0,
            organization_id=org.id or 0,
            venue="Zyra",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            status=EventStatus.held,
        )
        s.add_all([guest, meeting])
        await s.flush()
        s.add(EventCandidate(event_id=meeting.id, candidate_id=anila))
        await s.commit()
    await issue(db, guest, anila)
    with pytest.raises(NotFound):
        await issue(db, world.admin, 999_999)


async def test_an_expiry_must_be_in_the_future_and_at_most_five_years_away(
    forum: Forum, db: Database
) -> None:
    now = datetime.now(UTC)
    for wrong in (now - timedelta(minutes=1), now + timedelta(days=6 * 365)):
        with pytest.raises(InvalidInput) as refused:
            await issue(db, forum.stage.world.admin, forum.stage.anila.id or 0, expires_at=wrong)
        assert set(refused.value.errors) == {"expires_at"}


# --- the 404s: nothing tells them apart ------------------------------------------------------


async def _expired_token(db: Database, forum: Forum) -> str:
    token = await issue(db, forum.stage.world.admin, forum.stage.besa.id or 0)
    async with db.write() as s:
        link = await s.scalar(
            select(CandidatePortalLink).where(CandidatePortalLink.token_hash == hash_token(token))  # type: ignore[arg-type]
        )
        assert link is not None
        link.created_at = datetime(2020, 1, 1, tzinfo=UTC)
        link.expires_at = datetime(2021, 1, 1, tzinfo=UTC)
        await s.commit()
    return token


async def test_wrong_revoked_expired_and_another_candidates_answer_the_same_404(
    forum: Forum, db: Database, client: Browser
) -> None:
    admin = forum.stage.world.admin
    revoked = await issue(db, admin, forum.stage.anila.id or 0)
    live = await issue(db, admin, forum.stage.anila.id or 0)  # revokes the first
    expired = await _expired_token(db, forum)
    own, others = forum.water.id, forum.besa_roads.id
    cases = {
        "made up": ("A" * 43, own),
        "revoked": (revoked, own),
        "expired": (expired, others),
        "another candidate's commitment": (live, others),
        "no such commitment": (live, 999_999),
    }
    csrf = await client.csrf_token("/")
    seen: dict[str, set[str]] = {}
    for name, (token, commitment_id) in cases.items():
        requests = {
            "api confirm": (
                "POST",
                f"/api/v1/candidate-portal/{token}/commitments/{commitment_id}/confirm",
                None,
            ),
            "api dispute": (
                "POST",
                f"/api/v1/candidate-portal/{token}/commitments/{commitment_id}/dispute",
                {"comment": "Jo kështu."},
            ),
            "page confirm step": ("GET", f"/c/{token}/commitments/{commitment_id}/confirm", None),
            "page dispute step": ("GET", f"/c/{token}/commitments/{commitment_id}/dispute", None),
            "page confirm": ("POST", f"/c/{token}/commitments/{commitment_id}/confirm", "form"),
        }
        if name in {"made up", "revoked", "expired"}:
            requests["api read"] = ("GET", f"/api/v1/candidate-portal/{token}", None)
            requests["page"] = ("GET", f"/c/{token}", None)
        for kind, (method, url, body) in requests.items():
            if body == "form":
                response = await client.post(url, data={"csrf_token": csrf})
            elif body is not None:
                async with httpx.AsyncClient(
                    transport=client._transport, base_url="http://testserver"
                ) as api:
                    response = await api.request(method, url, json=body)
            elif method == "POST":
                async with httpx.AsyncClient(
                    transport=client._transport, base_url="http://testserver"
                ) as api:
                    response = await api.request(method, url)
            else:
                response = await client.request(method, url)
            assert response.status_code == 404, (name, kind, response.text[:200])
            headers = {
                k: v
                for k, v in response.headers.items()
                if k not in {"content-length", "set-cookie"}
            }
            text = same_page(response.text)
            family = kind.split(" ")[0]
            seen.setdefault(family, set()).add(text + json.dumps(headers, sort_keys=True))
    assert len(seen["api"]) == 1, seen["api"]
    assert len(seen["page"]) == 1
    (api_answer,) = seen["api"]
    assert '"cache-control": "no-store"' in api_answer
    (page,) = seen["page"]
    for header in (
        '"cache-control": "no-store"',
        '"referrer-policy": "strict-origin"',
        '"x-robots-tag": "noindex, nofollow"',
    ):
        assert header in page
    # and nothing was answered
    assert await answers_of(db, own or 0) == []
    assert await answers_of(db, others or 0) == []


def same_page(text: str) -> str:
    """A page without what differs by itself: the visitor's CSRF token and the address the
    language switch comes back to."""
    text = re.sub(r'formaction="/lang\?next=[^"]*"', 'formaction="/lang?next=HERE"', text)
    return re.sub(r"[0-9a-f]{64}", "CSRF", text)


# --- the candidate's answers -----------------------------------------------------------------


async def test_confirm_twice_is_idempotent_and_every_answer_is_kept(
    forum: Forum, db: Database, client: Browser
) -> None:
    token = await issue(db, forum.stage.world.organizer, forum.stage.anila.id or 0)
    base = f"/api/v1/candidate-portal/{token}/commitments/{forum.water.id}"
    first = await client.post(f"{base}/confirm")
    assert (first.status_code, first.json()) == (200, {"confirmation": "confirmed"})
    assert first.headers["cache-control"] == "no-store"
    again = await client.post(f"{base}/confirm")
    assert again.json() == {"confirmation": "confirmed"}
    assert len(await answers_of(db, forum.water.id or 0)) == 1  # nothing changed: no new row
    disputed = await client.post(
        f"{base}/dispute", json={"comment": "  Ujë 24 orë brenda tre vjetësh.  "}
    )
    assert disputed.json() == {"confirmation": "disputed"}
    back = await client.post(f"{base}/confirm")
    assert back.json() == {"confirmation": "confirmed"}
    history = await answers_of(db, forum.water.id or 0)
    assert [(a.answer, a.comment) for a in history] == [
        (Confirmation.confirmed, None),
        (Confirmation.disputed, "Ujë 24 orë brenda tre vjetësh."),
        (Confirmation.confirmed, None),
    ]
    assert {a.text_answered for a in history} == {forum.water.text}
    stored = await commitment(db, forum.water.id or 0)
    assert stored.confirmation == Confirmation.confirmed
    assert stored.candidate_comment is None
    assert stored.candidate_answered_at == history[-1].answered_at


async def test_a_dispute_needs_a_wording_of_at_most_2000_characters(
    forum: Forum, db: Database, client: Browser
) -> None:
    token = await issue(db, forum.stage.world.organizer, forum.stage.anila.id or 0)
    url = f"/api/v1/candidate-portal/{token}/commitments/{forum.water.id}/dispute"
    for body in ({}, {"comment": ""}, {"comment": "   "}, {"comment": "x" * 2001}):
        response = await client.post(url, json=body)
        assert response.status_code == 422, body
    assert (await client.post(url, json={"comment": "x" * 2000})).status_code == 200
    stored = await commitment(db, forum.water.id or 0)
    assert stored.candidate_comment == "x" * 2000


async def test_the_api_reads_the_candidate_and_their_commitments_only(
    forum: Forum, db: Database, client: Browser
) -> None:
    token = await issue(db, forum.stage.world.organizer, forum.stage.anila.id or 0)
    response = await client.get(f"/api/v1/candidate-portal/{token}")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["candidate"]["full_name"] == "Anila Toska"
    assert "contact" not in body["candidate"]
    assert {c["id"] for c in body["commitments"]} == {forum.water.id, forum.school.id}
    assert body["commitments"][0]["confirmation"] == "recorded"


@pytest.mark.parametrize("round_", range(3))
async def test_two_answers_racing_leave_one_state_and_both_in_the_history(
    forum: Forum,
    db: Database,
    app,
    round_: int,  # type: ignore[no-untyped-def]
) -> None:
    token = await issue(db, forum.stage.world.organizer, forum.stage.anila.id or 0)
    base = f"/api/v1/candidate-portal/{token}/commitments/{forum.water.id}"
    transport = httpx.ASGITransport(app=app)
    async with (
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as phone,
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as laptop,
    ):
        confirmed, disputed = await asyncio.gather(
            phone.post(f"{base}/confirm"),
            laptop.post(f"{base}/dispute", json={"comment": f"Brenda tre vjetësh ({round_})."}),
        )
    assert confirmed.status_code == disputed.status_code == 200
    history = await answers_of(db, forum.water.id or 0)
    assert sorted(a.answer for a in history) == [Confirmation.confirmed, Confirmation.disputed]
    stored = await commitment(db, forum.water.id or 0)
    last = max(history, key=lambda a: (a.answered_at, a.id or 0))
    assert stored.confirmation == last.answer  # the state is the last answer's
    assert stored.candidate_comment == last.comment


# --- the pages -------------------------------------------------------------------------------


async def test_the_portal_page_shows_events_commitments_and_public_questions_to_the_candidate(
    forum: Forum, db: Database, citizen: Browser
) -> None:
    token = await issue(db, forum.stage.world.organizer, forum.stage.anila.id or 0)
    page = await citizen.get(f"/c/{token}")
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "strict-origin"
    assert page.headers["x-robots-tag"] == "noindex, nofollow"
    html = page.text
    assert "Forumi për ujin" in html
    assert "Attended" in html
    assert forum.water.text in html
    assert forum.school.text in html
    assert forum.besa_roads.text not in html
    assert "100% e lagjeve" in html  # the target
    assert "Kur do të kemi ujë 24 orë?" in html  # the question it answered, and to her
    assert "17 votes" in html
    assert "Pyetje ende pa miratim" not in html  # pending
    assert "Pyetje e bashkuar" not in html  # merged
    assert SECRET_ASKER not in html  # no citizen's name


async def test_no_get_changes_anything_and_the_forms_post_with_csrf(
    forum: Forum, db: Database, citizen: Browser
) -> None:
    token = await issue(db, forum.stage.world.organizer, forum.stage.anila.id or 0)
    water = forum.water.id
    for path in (
        f"/c/{token}",
        f"/c/{token}/commitments/{water}/confirm",
        f"/c/{token}/commitments/{water}/dispute",
        f"/api/v1/candidate-portal/{token}",
    ):
        assert (await citizen.get(path)).status_code == 200
    assert await answers_of(db, water or 0) == []
    assert (await commitment(db, water or 0)).confirmation == Confirmation.recorded
    step = await citizen.get(f"/c/{token}/commitments/{water}/confirm")
    assert f'action="/c/{token}/commitments/{water}/confirm"' in step.text
    # without the CSRF token: refused
    refused = await citizen.post(f"/c/{token}/commitments/{water}/confirm", data={})
    assert refused.status_code == 403
    done = await citizen.post_form(f"/c/{token}/commitments/{water}/confirm")
    assert done.status_code == 303
    assert done.headers["location"] == f"/c/{token}?answered={water}#commitment-{water}"
    assert done.headers["cache-control"] == "no-store"
    # a dispute without a wording: the form again, saying so
    empty = await citizen.post_form(f"/c/{token}/commitments/{water}/dispute", {"comment": ""})
    assert empty.status_code == 400
    assert "Write the wording you propose" in empty.text
    disputed = await citizen.post_form(
        f"/c/{token}/commitments/{water}/dispute", {"comment": "Brenda tre vjetësh."}
    )
    assert disputed.status_code == 303
    page = await citizen.get(disputed.headers["location"])
    assert "Your answer is saved" in page.text or "your answer is saved" in page.text
    assert "Brenda tre vjetësh." in page.text
    assert [a.answer for a in await answers_of(db, water or 0)] == [
        Confirmation.confirmed,
        Confirmation.disputed,
    ]


# --- the organizers' decision ----------------------------------------------------------------


async def _disputed(
    db: Database, forum: Forum, wording: str = "Ujë 24 orë brenda tre vjetësh."
) -> None:
    async with db.write() as s:
        anila = await s.get(type(forum.stage.anila), forum.stage.anila.id)
        assert anila is not None
        await portal.dispute(
            session=s, candidate=anila, commitment_id=forum.water.id or 0, comment=wording
        )
        await s.commit()


async def test_accepting_the_candidates_wording_makes_it_the_text_confirmed(
    forum: Forum, db: Database
) -> None:
    await _disputed(db, forum)
    world = forum.stage.world
    async with db.read() as s:
        disputed = await disputes.open_disputes(session=s, actor=world.organizer)
        assert [d.commitment.id for d in disputed] == [forum.water.id]
        assert await disputes.open_disputes(session=s, actor=world.other_organizer) == []
    async with db.write() as s:
        with pytest.raises(NotAllowed):
            await disputes.accept_wording(
                session=s, actor=world.other_organizer, commitment_id=forum.water.id or 0
            )
    async with db.write() as s:
        await disputes.accept_wording(
            session=s, actor=world.organizer, commitment_id=forum.water.id or 0
        )
        await s.commit()
    stored = await commitment(db, forum.water.id or 0)
    assert stored.text == "Ujë 24 orë brenda tre vjetësh."
    assert stored.confirmation == Confirmation.confirmed
    async with db.read() as s:
        entry = await s.scalar(
            select(AuditEntry).where(AuditEntry.action == "commitment.accept_wording")
        )  # type: ignore[arg-type]
        assert entry is not None
        assert entry.entity_id == forum.water.id
        assert json.loads(entry.details)["text"] == [forum.water.text, stored.text]
        assert await disputes.open_disputes(session=s, actor=world.organizer) == []
    async with db.write() as s:
        with pytest.raises(Conflict):  # nothing to decide any more
            await disputes.accept_wording(
                session=s, actor=world.organizer, commitment_id=forum.water.id or 0
            )


async def test_keeping_the_recorded_wording_takes_a_public_note_and_stays_disputed(
    forum: Forum,
    db: Database,
    app,  # type: ignore[no-untyped-def]
) -> None:
    await _disputed(db, forum)
    world = forum.stage.world
    transport = httpx.ASGITransport(app=app)
    async with Browser(transport=transport, base_url="http://testserver") as organizer:
        await organizer.sign_in(world.organizer.email)
        organizer.cookies.set("pf_lang", "en")
        dashboard = await organizer.get("/manage")
        assert f"/manage/commitments/{forum.water.id}/dispute" in dashboard.text
        page = await organizer.get(f"/manage/commitments/{forum.water.id}/dispute")
        assert page.status_code == 200
        assert "Ujë 24 orë brenda tre vjetësh." in page.text
        empty = await organizer.post_form(
            f"/manage/commitments/{forum.water.id}/keep", {"note": ""}
        )
        assert empty.status_code == 400
        kept = await organizer.post_form(
            f"/manage/commitments/{forum.water.id}/keep",
            {"note": "Regjistrimi i forumit tregon këto fjalë."},
        )
        assert kept.status_code == 303
        dashboard = await organizer.get("/manage")
        assert f"/manage/commitments/{forum.water.id}/dispute" not in dashboard.text
    async with Browser(transport=transport, base_url="http://testserver") as other:
        await other.sign_in(world.other_organizer.email)
        refused = await other.get(f"/manage/commitments/{forum.water.id}/dispute")
        assert refused.status_code == 403
    stored = await commitment(db, forum.water.id or 0)
    assert stored.confirmation == Confirmation.disputed
    assert stored.organizer_note == "Regjistrimi i forumit tregon këto fjalë."
    assert stored.text == forum.water.text
    async with db.read() as s:
        count = await s.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "commitment.keep_wording")  # type: ignore[arg-type]
        )
    assert count == 1
    # a new dispute (another wording) asks the organizers again
    await _disputed(db, forum, "Brenda katër vjetësh.")
    assert (await commitment(db, forum.water.id or 0)).organizer_note is None


async def test_the_organizer_issues_the_link_once_with_its_card_and_revokes_it(
    forum: Forum,
    db: Database,
    app,  # type: ignore[no-untyped-def]
) -> None:
    world = forum.stage.world
    transport = httpx.ASGITransport(app=app)
    async with Browser(transport=transport, base_url="http://testserver") as organizer:
        await organizer.sign_in(world.organizer.email)
        organizer.cookies.set("pf_lang", "en")
        path = f"/manage/candidates/{forum.stage.anila.id}/portal"
        edit = await organizer.get(f"/manage/candidates/{forum.stage.anila.id}/edit")
        assert f'href="{path}"' in edit.text
        before = await organizer.get(path)
        assert "No working link" in before.text
        issued = await organizer.post_form(path, {"expires_on": "2031-01-31"})
        assert issued.status_code == 200
        assert issued.headers["cache-control"] == "no-store"
        match = re.search(r"http://testserver/c/([A-Za-z0-9_-]{43})", issued.text)
        assert match, issued.text
        token = match.group(1)
        assert 'class="portal-card"' in issued.text
        assert "<svg" in issued.text
        assert "Anila Toska" in issued.text
        after = await organizer.get(path)
        assert token not in after.text  # shown once
        assert "Has a working link" in after.text
        assert (await organizer.get(f"/c/{token}")).status_code == 200
        revoked = await organizer.post_form(f"{path}/revoke")
        assert revoked.status_code == 303
        assert (await organizer.get(f"/c/{token}")).status_code == 404
        wrong = await organizer.post_form(path, {"expires_on": "2001-01-01"})
        assert wrong.status_code == 400
        assert "Choose a date in the future." in wrong.text
    async with db.read() as s:
        link = await s.scalar(
            select(CandidatePortalLink).where(CandidatePortalLink.token_hash == hash_token(token))
        )  # type: ignore[arg-type]
    assert link is not None
    assert link.expires_at == datetime(2031, 1, 31, 22, 59, 59, tzinfo=UTC)  # end of day, Tirana


async def test_the_api_issues_and_revokes_links(forum: Forum, db: Database, app) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import api_token_for

    world = forum.stage.world
    transport = httpx.ASGITransport(app=app)
    bearer = {"Authorization": f"Bearer {await api_token_for(db, world.organizer)}"}
    other = {"Authorization": f"Bearer {await api_token_for(db, world.other_organizer)}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as api:
        url = f"/api/v1/candidates/{forum.stage.anila.id}/portal-link"
        assert (await api.post(url)).status_code == 401
        assert (await api.post(url, headers=other)).status_code == 403
        created = await api.post(url, headers=bearer)
        assert created.status_code == 201
        assert created.headers["cache-control"] == "no-store"
        body = created.json()
        assert set(body) == {"url", "expires_at"}
        assert body["url"].startswith("http://testserver/c/")
        chosen = await api.post(url, headers=bearer, json={"expires_at": "2028-06-01T12:00:00"})
        assert chosen.json()["expires_at"].startswith("2028-06-01T10:00:00")  # Tirana → UTC
        token = chosen.json()["url"].rsplit("/", 1)[-1]
        old = body["url"].rsplit("/", 1)[-1]
        assert (await api.get(f"/api/v1/candidate-portal/{old}")).status_code == 404
        assert (await api.get(f"/api/v1/candidate-portal/{token}")).status_code == 200
        deleted = await api.delete(url, headers=bearer)
        assert deleted.status_code == 204
        assert deleted.headers["cache-control"] == "no-store"
        assert (await api.get(f"/api/v1/candidate-portal/{token}")).status_code == 404
        assert (await api.delete(url, headers=bearer)).status_code == 204  # nothing left: fine
        assert (
            await api.post("/api/v1/candidates/0/portal-link", headers=bearer)
        ).status_code == 422
        assert (
            await api.post("/api/v1/candidates/999999/portal-link", headers=bearer)
        ).status_code == 404
