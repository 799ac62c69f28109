"""Loads the demo's 2022 social contracts (app/demo/contract_data.py) with the models directly:
the community meetings and their questions, then each contract in force with version 1 frozen
at its first signature, its priorities linked to their sources, and the forums' signatures."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.demo.contract_data import CONTRACTS, MEETINGS, TERM_END, TERM_START, ContractSpec
from app.models import (
    Candidate,
    Commitment,
    ContractOrganization,
    ContractPriority,
    ContractSignature,
    ContractStatus,
    ContractVersion,
    Election,
    Event,
    EventKind,
    EventStatus,
    Municipality,
    Organization,
    PriorityCommitment,
    PriorityPoint,
    PriorityQuestion,
    Question,
    QuestionStatus,
    SignatureStatus,
    SocialContract,
    Topic,
)

TIRANE = ZoneInfo("Europe/Tirane")
SIGNED_AFTER = timedelta(minutes=100)  # signed at the end of the forum


def _id(value: int | None) -> int:
    if value is None:
        raise RuntimeError("row has no id; flush first")
    return value


async def seed_contracts(*, session: AsyncSession, election: Election) -> int:
    """Adds the meetings, questions and contracts of the 2022 election; how many contracts."""
    municipalities = {m.slug: m for m in (await session.execute(select(Municipality))).scalars()}
    organizations = {o.slug: o for o in (await session.execute(select(Organization))).scalars()}
    topics = {t.slug: _id(t.id) for t in (await session.execute(select(Topic))).scalars()}
    questions = await _meetings(session, election, municipalities, organizations, topics)
    for spec in CONTRACTS:
        await _contract(
            session, spec, election, municipalities[spec.municipality], organizations, topics,
            questions[spec.municipality],
        )  # fmt: skip
    return len(CONTRACTS)


async def _meetings(
    session: AsyncSession,
    election: Election,
    municipalities: dict[str, Municipality],
    organizations: dict[str, Organization],
    topics: dict[str, int],
) -> dict[str, list[Question]]:
    """The December 2021 community meetings, held, with their questions approved and voted."""
    asked: dict[str, list[Question]] = {}
    for spec in MEETINGS:
        starts = datetime.combine(spec.day, spec.start, tzinfo=TIRANE).astimezone(UTC)
        event = Event(
            kind=EventKind.community_meeting,
            title=spec.title,
            description="Qytetarët vlerësojnë shërbimet e bashkisë dhe votojnë çështjet që do "
            "të bëhen prioritete të Kontratës Sociale para zgjedhjeve.",
            municipality_id=_id(municipalities[spec.municipality].id),
            organization_id=_id(organizations[spec.organization].id),
            election_id=_id(election.id),
            venue=spec.venue,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=120),
            status=EventStatus.held,
            report_attendees=spec.attendees,
            report_summary=spec.summary,
            report_participants="Banorë, grupe të rinjsh e të moshuarish, media vendore.",
        )
        session.add(event)
        await session.flush()
        rows = [
            Question(
                event_id=_id(event.id),
                body=body,
                topic_id=topics.get(topic),
                status=QuestionStatus.approved,
                votes=votes,
                created_at=starts + timedelta(minutes=15 + 5 * n),
                updated_at=starts + timedelta(minutes=20 + 5 * n),
                approved_at=starts + timedelta(minutes=20 + 5 * n),
            )
            for n, (topic, body, votes) in enumerate(spec.questions)
        ]
        session.add_all(rows)
        asked[spec.municipality] = rows
    await session.flush()
    return asked


async def _contract(
    session: AsyncSession,
    spec: ContractSpec,
    election: Election,
    municipality: Municipality,
    organizations: dict[str, Organization],
    topics: dict[str, int],
    questions: list[Question],
) -> None:
    m_id, e_id = _id(municipality.id), _id(election.id)
    candidates = {
        c.full_name: c
        for c in (
            await session.execute(
                select(Candidate).where(
                    Candidate.municipality_id == m_id,  # type: ignore[arg-type]
                    Candidate.election_id == e_id,  # type: ignore[arg-type]
                )
            )
        ).scalars()
    }
    ids = [_id(c.id) for c in candidates.values()]
    commitments = {
        (c.candidate_id, c.topic_id): _id(c.id)
        for c in (
            await session.execute(select(Commitment).where(col(Commitment.candidate_id).in_(ids)))
        ).scalars()
    }
    forums = {
        e.title: e
        for e in (
            await session.execute(
                select(Event).where(
                    Event.municipality_id == m_id,  # type: ignore[arg-type]
                    Event.election_id == e_id,  # type: ignore[arg-type]
                    Event.kind == EventKind.forum,  # type: ignore[arg-type]
                )
            )
        ).scalars()
    }
    signed_at = {s.candidate: forums[s.event].starts_at + SIGNED_AFTER for s in spec.signatures}
    first = min(signed_at.values())
    adopted = spec.adoption
    contract = SocialContract(
        municipality_id=m_id,
        election_id=e_id,
        title=spec.title,
        term_start=TERM_START,
        term_end=TERM_END,
        status=ContractStatus.in_force,
        adoption_decision_number=adopted[0] if adopted else None,
        adopted_on=adopted[1] if adopted else None,
        created_at=first - timedelta(days=30),
        updated_at=datetime.combine(election.election_date, time(20), TIRANE).astimezone(UTC),
    )
    session.add(contract)
    await session.flush()
    session.add(
        ContractOrganization(
            contract_id=_id(contract.id), organization_id=_id(organizations[spec.organization].id)
        )
    )
    version = ContractVersion(
        contract_id=_id(contract.id),
        number=1,
        introduction=spec.introduction,
        frozen_at=first,
        created_at=first - timedelta(days=30),
    )
    session.add(version)
    await session.flush()
    for position, p in enumerate(spec.priorities, start=1):
        priority = ContractPriority(
            version_id=_id(version.id),
            position=position,
            title=p.title,
            description=p.description,
            topic_id=topics.get(p.topic) if p.topic else None,
            written_by_hand=p.by_hand,
        )
        session.add(priority)
        await session.flush()
        pid = _id(priority.id)
        session.add_all(
            PriorityPoint(priority_id=pid, number=n, text=text)
            for n, text in enumerate(p.points, start=1)
        )
        made = [
            commitments.get((_id(candidates[name].id), topics.get(t))) for name, t in p.commitments
        ]
        session.add_all(  # a topic removed from the reference list leaves its link out
            PriorityCommitment(priority_id=pid, commitment_id=c) for c in made if c is not None
        )
        session.add_all(
            PriorityQuestion(priority_id=pid, question_id=_id(questions[n].id)) for n in p.questions
        )
    for s in spec.signatures:
        at = signed_at[s.candidate]
        session.add(
            ContractSignature(
                version_id=_id(version.id),
                candidate_id=_id(candidates[s.candidate].id),
                event_id=_id(forums[s.event].id),
                signed_on=at.astimezone(TIRANE).date(),
                status=SignatureStatus.declined if s.reason else SignatureStatus.signed,
                reason=s.reason,
                created_at=at,
                updated_at=at,
            )
        )
    await session.flush()
