"""The demo's social contracts: Durrës and Shkodër 2022, in force, signed at their forums."""

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlmodel import col

from app import demo
from app.db import Database
from app.models import (
    Candidate,
    Commitment,
    ContractPriority,
    ContractSignature,
    ContractStatus,
    ContractVersion,
    Event,
    EventCandidate,
    EventKind,
    InvitationStatus,
    PriorityCommitment,
    PriorityPoint,
    PriorityQuestion,
    Question,
    SignatureStatus,
    SocialContract,
)
from app.services.questions import PUBLIC
from tests.test_demo import seeded

TIRANE = ZoneInfo("Europe/Tirane")


async def _all(session, model):  # type: ignore[no-untyped-def]
    return list((await session.execute(select(model))).scalars())


async def test_the_two_2022_contracts_are_in_force_and_consistent(db: Database) -> None:
    summary = await seeded(db)
    assert summary.contracts == 2
    assert "2 social contracts" in summary.describe()
    async with db.read() as session:
        # the four 2019 contracts are the monitoring's (tests/test_demo_monitoring.py)
        contracts = [c for c in await _all(session, SocialContract) if c.term_start.year == 2022]
        ids = {c.id for c in contracts}
        versions = {v.id: v for v in await _all(session, ContractVersion) if v.contract_id in ids}
        priorities = [p for p in await _all(session, ContractPriority) if p.version_id in versions]
        kept = {p.id for p in priorities}
        points = [p for p in await _all(session, PriorityPoint) if p.priority_id in kept]
        signatures = [s for s in await _all(session, ContractSignature) if s.version_id in versions]
        candidates = {c.id: c for c in await _all(session, Candidate)}
        events = {e.id: e for e in await _all(session, Event)}
        commitments = {c.id: c for c in await _all(session, Commitment)}
        questions = {q.id: q for q in await _all(session, Question)}
        linked_c = await _all(session, PriorityCommitment)
        linked_q = await _all(session, PriorityQuestion)
        invitations = {
            (i.event_id, i.candidate_id): i.status for i in await _all(session, EventCandidate)
        }
    assert sorted(c.title for c in contracts) == [
        "Kontrata Sociale Durrës 2022–2027",
        "Kontrata Sociale Shkodër 2022–2027",
    ]
    durres = next(c for c in contracts if "Durrës" in c.title)
    assert durres.adoption_decision_number
    assert durres.adopted_on
    by_version = {v: [p for p in priorities if p.version_id == v] for v in versions}
    for contract in contracts:
        assert contract.status == ContractStatus.in_force
        assert contract.term_end.year == 2027
        (version,) = [v for v in versions.values() if v.contract_id == contract.id]
        assert version.number == 1
        mine = by_version[version.id]
        assert 5 <= len(mine) <= 7
        assert sorted(p.position for p in mine) == list(range(1, len(mine) + 1))
        for p in mine:
            assert 2 <= sum(1 for pt in points if pt.priority_id == p.id) <= 5
        signed = [s for s in signatures if s.version_id == version.id]
        assert len(signed) == 3  # every mayoral candidate answered
        first = min(events[s.event_id].starts_at for s in signed)
        assert version.frozen_at is not None
        assert version.frozen_at >= first
        assert version.frozen_at - first < timedelta(hours=3)
        for s in signed:
            candidate, event = candidates[s.candidate_id], events[s.event_id]
            assert candidate.municipality_id == contract.municipality_id
            assert candidate.election_id == contract.election_id
            assert event.kind == EventKind.forum
            assert event.municipality_id == contract.municipality_id
            assert invitations[(event.id, candidate.id)] == InvitationStatus.attended
            assert s.signed_on == event.starts_at.astimezone(TIRANE).date()
        elected = [s for s in signed if candidates[s.candidate_id].elected]
        assert len(elected) == 1
        assert elected[0].status == SignatureStatus.signed
    declined = [s for s in signatures if s.status == SignatureStatus.declined]
    assert len(declined) == 1
    assert declined[0].reason
    # each priority's sources are of the same municipality and election, and public
    by_id = {c.id: c for c in contracts}
    contract_of = {p.id: by_id[versions[p.version_id].contract_id] for p in priorities}
    assert linked_c
    assert linked_q
    for link in linked_c:
        contract = contract_of[link.priority_id]
        event = events[commitments[link.commitment_id].event_id]
        assert event.municipality_id == contract.municipality_id
        assert event.election_id == contract.election_id
    for link in linked_q:
        contract = contract_of[link.priority_id]
        question = questions[link.question_id]
        event = events[question.event_id]
        assert question.status in PUBLIC
        assert event.kind == EventKind.community_meeting
        assert event.municipality_id == contract.municipality_id
        assert event.election_id == contract.election_id
    assert all("ë" in p.title or "ç" in p.title or "Ë" in p.title for p in priorities[:3])


async def test_the_seed_if_empty_adds_no_second_contract(db: Database) -> None:
    await seeded(db)
    async with db.read() as session:
        assert not await demo.database_is_empty(session=session)
        count = len(await _all(session, SocialContract))
    assert count == 6  # Durrës and Shkodër 2022, and four of 2019 for the monitoring


async def test_the_community_meetings_come_before_the_forums(db: Database) -> None:
    await seeded(db)
    async with db.read() as session:
        meetings = list(
            (
                await session.execute(
                    select(Event).where(
                        col(Event.kind) == EventKind.community_meeting,
                        col(Event.election_id).is_not(None),
                    )
                )
            ).scalars()
        )
    before = [m for m in meetings if m.starts_at.year < 2022]
    assert len(before) == 2  # Durrës and Shkodër, December 2021
    assert len({m.municipality_id for m in before}) == 2
    assert all(m.report_summary and m.report_attendees for m in before)
