"""Every route × every role, checked against the declared table in tests/access.py."""

import re
from dataclasses import dataclass

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from tests.access import BODIES, DRAFT_ROUTES, ROUTES, TOKEN_PATHS, Access
from tests.conftest import Browser, World, api_token_for

ROLES = ("anonymous", "other_organizer", "organizer", "admin", "token")
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def app_routes(app) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """(method, path) of every route, included routers too; mounted static files are not routes."""
    found = set()
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, Mount):
            continue
        for method in context.methods or ():
            if method != "HEAD":
                found.add((method, context.path))
    return found


async def test_every_route_is_declared_in_the_access_table(app) -> None:
    routes = app_routes(app)
    undeclared = sorted(routes - ROUTES.keys())
    stale = sorted(ROUTES.keys() - routes)
    assert not undeclared, f"routes missing from tests/access.py: {undeclared}"
    assert not stale, f"tests/access.py names routes the app does not have: {stale}"


def allowed(role: str, access: Access) -> bool:
    return {
        "public": True,
        "signed_in": role != "anonymous",
        "admin": role == "admin",
        "own": role in {"organizer", "token", "admin"},
        "scoped": role in {"organizer", "token", "admin"},
        "session": role in {"organizer", "other_organizer", "admin"},
        "own_session": role in {"organizer", "admin"},
        "token": True,  # with a live link; a wrong one: test_a_wrong_token_opens_nothing
    }[access]


@dataclass
class Clients:
    browsers: dict[str, Browser]
    path_values: dict[str, str]
    body_values: dict[str, object]

    def body(self, method: str, path: str) -> dict[str, object]:
        body = dict(BODIES.get((method, path), {}))
        return {k: self.body_values.get(k, v) for k, v in body.items()}


@pytest.fixture
async def clients(app, world: World, db) -> Clients:  # type: ignore[no-untyped-def]
    return await make_clients(app, world, db)


async def make_clients(app, world: World, db) -> Clients:  # type: ignore[no-untyped-def]
    """A browser per role, and the values that fill the routes' paths and bodies."""
    transport = httpx.ASGITransport(app=app)
    browsers: dict[str, Browser] = {}
    for role in ROLES:
        browser = Browser(transport=transport, base_url="http://testserver")
        if role in {"organizer", "other_organizer", "admin"}:
            user = {"organizer": world.organizer, "other_organizer": world.other_organizer}.get(
                role, world.admin
            )
            await browser.sign_in(user.email)
        browsers[role] = browser
    browsers["token"].headers["Authorization"] = (
        f"Bearer {await api_token_for(db, world.organizer)}"
    )
    organizer_token = await api_token_for(db, world.organizer)
    async with db.read() as session:
        from sqlalchemy import select

        from app.models import ApiToken
        from app.security import hash_token

        token_id = await session.scalar(
            select(ApiToken.id).where(ApiToken.token_hash == hash_token(organizer_token))  # type: ignore[arg-type]
        )
    event_id, candidate_id, election_id = await _scheduled_event(db, world)
    party_id = await _party(db)
    ticket_token, ticket_code = await _registration(db, event_id)
    question_id = await _approved_question(db, event_id)
    question_token, asked_id = await _asked_question(db, event_id)
    portal_token, portal_commitment_id = await _portal(db, world, event_id, election_id)
    commitment_id = await _confirmed_commitment(db, event_id, candidate_id)
    contract = await _signed_contract(app, db, world, election_id, event_id)
    round_id = await _monitoring_round(db, contract["contract_id"], contract["priority_id"])
    values = {
        "token_id": str(token_id),
        "event_id": str(event_id),
        "candidate_id": str(candidate_id),
        "slug": world.municipality.slug,
        "election_id": str(election_id),
        "party_id": str(party_id),
        "token": ticket_token,
        "question_id": str(question_id),
        "question_token": question_token,
        "portal_token": portal_token,
        "portal_commitment_id": str(portal_commitment_id),
        "commitment_id": str(commitment_id),
        **{name: str(value) for name, value in contract.items()},
        "number": "1",
        "round_id": str(round_id),
        "unsubscribe_token": _unsubscribe_token(),
        "message_id": str(await _failed_message(db)),
        "answer": "confirm",
    }
    body_values = {
        "municipality_ids": [world.municipality.id],
        "code": ticket_code,
        "into_id": asked_id,
        "candidate_id": candidate_id,
        "event_id": event_id,
        "municipality_id": world.municipality.id,
        "election_id": election_id,
    }
    return Clients(browsers, values, body_values)


async def _signed_contract(
    app, db, world: World, election_id: int, event_id: int
) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A contract of the organizer's organization, in force, with a priority and its version 1
    signed by a second candidate (frozen), whose scanned page is stored."""
    from datetime import date

    from app.models import (
        Candidate,
        ContractOrganization,
        ContractPriority,
        ContractSignature,
        ContractStatus,
        ContractVersion,
        Office,
        SignatureStatus,
        SocialContract,
        utcnow,
    )
    from app.services import documents

    async with db.write() as session:
        signer = Candidate(
            full_name="Kandidatja e Kontratës",
            election_id=election_id,
            municipality_id=world.municipality.id,
            office=Office.mayor,
        )
        contract = SocialContract(
            municipality_id=world.municipality.id,
            election_id=election_id,
            title="Kontrata Sociale e matricës",
            term_start=date(2040, 6, 1),
            term_end=date(2044, 5, 31),
            status=ContractStatus.in_force,
        )
        session.add_all([signer, contract])
        await session.flush()
        session.add(
            ContractOrganization(
                contract_id=contract.id or 0, organization_id=world.organization.id or 0
            )
        )
        version = ContractVersion(contract_id=contract.id or 0, number=1, frozen_at=utcnow())
        session.add(version)
        await session.flush()
        priority = ContractPriority(version_id=version.id or 0, position=1, title="Rrugët")
        document = await documents.store(
            session=session,
            actor=None,
            upload=documents.Upload(name="faqja.pdf", content=b"%PDF-1.4 matrica"),
            upload_dir=app.state.settings.uploads,
        )
        signature = ContractSignature(
            version_id=version.id or 0,
            candidate_id=signer.id or 0,
            event_id=event_id,
            signed_on=date(2026, 11, 20),
            status=SignatureStatus.signed,
            document_id=document.id,
        )
        session.add_all([priority, signature])
        await session.commit()
    return {
        "contract_id": contract.id or 0,
        "priority_id": priority.id or 0,
        "signature_id": signature.id or 0,
    }


async def _monitoring_round(db, contract_id: int, priority_id: int) -> int:  # type: ignore[no-untyped-def]
    """A published round of the matrix's contract in which its one priority is assessed."""
    from datetime import date

    from app.models import MonitoringRound, PriorityAssessment, RoundStatus, utcnow

    async with db.write() as session:
        round_ = MonitoringRound(
            contract_id=contract_id,
            label="Viti 1",
            period_start=date(2019, 9, 1),
            period_end=date(2020, 8, 31),
            status=RoundStatus.published,
            published_at=utcnow(),
        )
        session.add(round_)
        await session.flush()
        session.add(
            PriorityAssessment(
                round_id=round_.id or 0,
                priority_id=priority_id,
                status="not_addressed",
                evidence="Asgjë nuk u bë.",
            )
        )
        await session.commit()
    return round_.id or 0


async def _party(db) -> int:  # type: ignore[no-untyped-def]
    from app.models import Party

    async with db.write() as session:
        party = Party(name="Partia e Matricës", abbreviation="PMA", color="#123456")
        session.add(party)
        await session.commit()
    return party.id or 0


async def _registration(db, event_id: int) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """A citizen's registration for the event; its private ticket token and its code."""
    from app.models.attendance import RegistrationCreate
    from app.services import attendance

    async with db.write() as session:
        ticket = await attendance.register(
            session=session,
            event_id=event_id,
            data=RegistrationCreate(name="Qytetari i Matricës", consent=True),
            secret="access-matrix",
        )
        await session.commit()
    return ticket.token, ticket.registration.code


async def _approved_question(db, event_id: int) -> int:  # type: ignore[no-untyped-def]
    """An approved question of the event (public routes vote on it, organizers moderate it)."""
    from app.models import Question, QuestionStatus, utcnow

    async with db.write() as session:
        question = Question(
            event_id=event_id,
            body="Kur do të ketë ujë 24 orë në lagjen tonë?",
            status=QuestionStatus.approved,
            approved_at=utcnow(),
        )
        session.add(question)
        await session.commit()
    return question.id or 0


async def _confirmed_commitment(db, event_id: int, candidate_id: int) -> int:  # type: ignore[no-untyped-def]
    """A commitment the candidate confirmed: organizers may correct it, not delete it (409)."""
    from app.models import Commitment, Confirmation, utcnow

    async with db.write() as session:
        commitment = Commitment(
            event_id=event_id,
            candidate_id=candidate_id,
            text="Do të ndërtoj një kopsht të ri në lagjen 5.",
            confirmation=Confirmation.confirmed,
            candidate_answered_at=utcnow(),
        )
        session.add(commitment)
        await session.commit()
    return commitment.id or 0


async def _asked_question(db, event_id: int) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """A citizen's pending question to the event; the token of its private link, its id."""
    from app.models.questions import QuestionCreate
    from app.services import questions

    async with db.write() as session:
        question, token = await questions.ask(
            session=session, event_id=event_id, data=QuestionCreate(body="Pyetja ime"), asker=None
        )
        await session.commit()
    return token, question.id or 0


async def _scheduled_event(db, world: World) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """A public event of the organizer's organization with one invited candidate; its election."""
    from datetime import UTC, date, datetime, timedelta

    from app.models import (
        Candidate,
        Election,
        ElectionKind,
        Event,
        EventCandidate,
        EventKind,
        EventStatus,
        Office,
    )

    async with db.write() as session:
        election = Election(name="E", kind=ElectionKind.local, election_date=date(2040, 1, 1))
        session.add(election)
        await session.flush()
        candidate = Candidate(
            full_name="Kandidati i Matricës",
            election_id=election.id,
            municipality_id=world.municipality.id,
            office=Office.mayor,
        )
        start = datetime(2039, 12, 1, 17, tzinfo=UTC)
        event = Event(
            kind=EventKind.forum,
            title="Forumi i matricës",
            municipality_id=world.municipality.id,
            organization_id=world.organization.id,
            venue="Salla",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            status=EventStatus.scheduled,
        )
        session.add_all([candidate, event])
        await session.flush()
        session.add(EventCandidate(event_id=event.id, candidate_id=candidate.id))
        await session.commit()
    return event.id or 0, candidate.id or 0, election.id or 0


async def _portal(db, world: World, event_id: int, election_id: int) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """A second candidate of the event with a commitment and a live portal link (its token).

    Not the matrix's candidate: the routes that issue and revoke that one's link leave this
    link working for the portal's routes."""
    from app.models import Candidate, Commitment, EventCandidate, InvitationStatus, Office
    from app.services import portal_links

    async with db.write() as session:
        candidate = Candidate(
            full_name="Kandidatja e Portalit",
            election_id=election_id,
            municipality_id=world.municipality.id,
            office=Office.mayor,
        )
        session.add(candidate)
        await session.flush()
        session.add(
            EventCandidate(
                event_id=event_id, candidate_id=candidate.id, status=InvitationStatus.attended
            )
        )
        commitment = Commitment(
            candidate_id=candidate.id or 0,
            event_id=event_id,
            text="Do të ndërtoj një çerdhe të re në lagjen 5 brenda vitit të parë.",
        )
        session.add(commitment)
        issued = await portal_links.issue_link(
            session=session, actor=world.admin, candidate_id=candidate.id or 0
        )
        await session.commit()
    return issued.token, commitment.id or 0


def _unsubscribe_token() -> str:
    from app.services import outbox
    from tests.conftest import TEST_SECRET

    return outbox.unsubscribe_token(secret=TEST_SECRET, address="matrix@example.org")


async def _failed_message(db) -> int:  # type: ignore[no-untyped-def]
    """A message of the outbox that failed (an admin may retry it)."""
    from app.models import OutboxMessage, OutboxStatus

    async with db.write() as session:
        message = OutboxMessage(
            kind="test",
            recipient="matrix@example.org",
            language="sq",
            subject="Provë",
            text_body="Provë",
            html_body="<p>Provë</p>",
            message_id="<matrix@testserver>",
            status=OutboxStatus.failed,
            attempts=8,
        )
        session.add(message)
        await session.commit()
    return message.id or 0


def fill(clients: Clients, path: str, *, token: str | None = None) -> str:
    """The route's path with its parameters filled in (the matrix's event, candidate, ...);
    a portal route's {token} with the live portal link's (or `token`, if given)."""
    values = dict(clients.path_values)
    if path in TOKEN_PATHS:  # the portal's candidate, and a commitment of theirs
        values["token"] = token if token is not None else values["portal_token"]
        values["commitment_id"] = values["portal_commitment_id"]
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


async def request_as(
    clients: Clients, role: str, method: str, path: str, *, token: str | None = None
) -> httpx.Response:
    browser = clients.browsers[role]
    url = fill(clients, path, token=token)
    if method not in UNSAFE:
        return await browser.get(url) if method == "GET" else await browser.request(method, url)
    body = clients.body(method, path)
    if role == "token":
        return await browser.request(method, url, json=body)
    token = await browser.csrf_token("/")
    if path.startswith("/api/"):
        return await browser.request(method, url, json=body, headers={"X-CSRF-Token": token})
    return await browser.request(method, url, data={"csrf_token": token})


@pytest.mark.parametrize("role", ROLES)
async def test_access_matrix(clients: Clients, role: str) -> None:
    failures = []

    # signing out ends the session the other checks use, so it goes last; moderating may reject
    # the shared question (which then takes no votes), so it goes just before
    def order(item: tuple[tuple[str, str], Access]) -> tuple[bool, bool, object]:
        path = item[0][1]
        moderates = path.startswith("/manage/questions/") or path.endswith("/merge")
        return (path == "/logout", moderates, item)

    for (method, path), access in sorted(ROUTES.items(), key=order):
        response = await request_as(clients, role, method, path)
        status = response.status_code
        location = response.headers.get("location", "")
        if allowed(role, access):
            ok = (
                status < 500 and status not in {401, 403, 404} and not location.startswith("/login")
            )
        elif role == "anonymous":
            if path.startswith("/api/") or method in UNSAFE:
                ok = status == 401
            else:
                ok = status == 303 and location.startswith("/login?next=")
        elif role == "token" and access in {"session", "own_session"}:
            ok = status == 403
        else:
            ok = status == (404 if access in {"own", "own_session"} else 403)
        if not ok:
            failures.append(f"{role} {method} {path} ({access}) -> {status} {location}")
    for browser in clients.browsers.values():
        await browser.aclose()
    assert not failures, "\n".join(failures)


WRONG_TOKENS = {
    "made up": "c" * 43,
    "too long": "x" * 300,
}


@pytest.mark.parametrize("role", ROLES)
async def test_a_wrong_token_opens_nothing(clients: Clients, role: str) -> None:
    """Every portal route, for every role: a token no live link has gets 404, one same answer."""
    failures = []
    for method, path in sorted(TOKEN_PATHS_AND_METHODS):
        bodies = set()
        for name, token in WRONG_TOKENS.items():
            response = await request_as(clients, role, method, path, token=token)
            if response.status_code != 404:
                failures.append(f"{role} {method} {path} ({name}) -> {response.status_code}")
            bodies.add(same_page(response.text, token))
        if len(bodies) != 1:
            failures.append(f"{role} {method} {path}: the 404s differ")
    for browser in clients.browsers.values():
        await browser.aclose()
    assert not failures, "\n".join(failures)


TOKEN_PATHS_AND_METHODS = {key for key, access in ROUTES.items() if access == "token"}


def same_page(text: str, token: str) -> str:
    """A page without what differs by itself: the address it is at (the language switch comes
    back to it) and the visitor's CSRF token."""
    return re.sub(r"[0-9a-f]{64}", "CSRF", text.replace(token, "TOKEN"))


# --- another organization's draft (issue 10, item 3) -------------------------------------------


def _unknown_ids(path: str) -> str:
    return re.sub(r"\{(event_id|question_id)\}", "999999", path)


async def test_every_route_of_an_event_is_declared_for_drafts(app) -> None:  # type: ignore[no-untyped-def]
    routes = {key for key in app_routes(app) if "{event_id}" in key[1] or "{question_id}" in key[1]}
    assert routes == DRAFT_ROUTES.keys(), sorted(routes ^ DRAFT_ROUTES.keys())


@pytest.mark.parametrize("role", ROLES)
async def test_access_matrix_on_a_draft(clients: Clients, db, role: str) -> None:  # type: ignore[no-untyped-def]
    """On another organization's draft every route answers as for an unknown event."""
    from sqlalchemy import update

    from app.models import Event, EventStatus

    async with db.write() as session:
        await session.execute(update(Event).values(status=EventStatus.draft))
        await session.commit()
    failures = []
    for (method, path), access in sorted(DRAFT_ROUTES.items()):
        response = await request_as(clients, role, method, path)
        status = response.status_code
        unknown = clients.path_values.copy()
        clients.path_values.update(event_id="999999", question_id="999999")
        try:
            expected = (await request_as(clients, role, method, path)).status_code
        finally:
            clients.path_values = unknown
        location = response.headers.get("location", "")
        if role in {"organizer", "token", "admin"} and access == "organizers":
            ok = status < 500 and status not in {401, 403, 404}
        elif role == "anonymous" and not path.startswith("/api/") and method == "GET":
            ok = status == expected or (status == 303 and location.startswith("/login?next="))
        else:
            ok = status == expected
        if not ok:
            failures.append(f"{role} {method} {path} ({access}) -> {status}, unknown: {expected}")
    for browser in clients.browsers.values():
        await browser.aclose()
    assert not failures, "\n".join(failures)
