"""A social contract in force, inserted with the models (the contracts' services live elsewhere):
the world's organization behind it, a frozen version 1 with priorities and points, and a
community meeting, a forum commitment and a citizen question to link to."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from app.db import Database
from app.models import (
    Candidate,
    Commitment,
    ContractOrganization,
    ContractPriority,
    ContractStatus,
    ContractVersion,
    Election,
    ElectionKind,
    Event,
    EventKind,
    EventStatus,
    Office,
    PriorityCommitment,
    PriorityPoint,
    PriorityQuestion,
    Question,
    QuestionStatus,
    SocialContract,
    utcnow,
)
from tests.conftest import World

PRIORITIES = [
    ("Ujë i pijshëm 24 orë", ["Rrjeti i ri në Shkozet", "Depozita e Spitallës"]),
    ("Transport publik për fshatrat", ["Linja Durrës–Manëz"]),
    ("Kopshte dhe çerdhe", []),
]


@dataclass
class Monitored:
    contract_id: int
    priority_ids: list[int]
    point_ids: list[int]
    meeting_id: int
    forum_id: int
    question_id: int
    candidate_id: int


def _id(value: int | None) -> int:
    assert value is not None
    return value


async def contract_in_force(
    db: Database,
    world: World,
    *,
    status: ContractStatus = ContractStatus.in_force,
    year: int = 2019,
    municipality_id: int | None = None,
    organization_id: int | None = None,
) -> Monitored:
    """A contract of the world's municipality (or the one given) for an election of `year`."""
    municipality_id = municipality_id or _id(world.municipality.id)
    organization_id = organization_id or _id(world.organization.id)
    async with db.write() as s:
        election = Election(
            name=f"Zgjedhjet vendore {year}",
            kind=ElectionKind.local,
            election_date=date(year, 6, 30),
        )
        s.add(election)
        await s.flush()
        contract = SocialContract(
            municipality_id=municipality_id,
            election_id=_id(election.id),
            title=f"Kontrata Sociale {year}–{year + 4}",
            term_start=date(year, 7, 1),
            term_end=date(year + 4, 6, 30),
            status=status,
        )
        candidate = Candidate(
            full_name="Elira Dervishi",
            election_id=_id(election.id),
            municipality_id=municipality_id,
            office=Office.mayor,
            elected=True,
        )
        start = datetime(year, 5, 10, 16, tzinfo=UTC)
        forum = Event(
            kind=EventKind.forum,
            title="Forumi i kandidatëve",
            municipality_id=municipality_id,
            organization_id=organization_id,
            election_id=_id(election.id),
            venue="Salla e Bashkisë",
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            status=EventStatus.held,
        )
        meeting = Event(
            kind=EventKind.community_meeting,
            title="Takim me grupet e grave",
            municipality_id=municipality_id,
            organization_id=organization_id,
            venue="Qendra Kulturore",
            starts_at=start + timedelta(days=400),
            ends_at=start + timedelta(days=400, hours=2),
            status=EventStatus.held,
            report_attendees=23,
        )
        s.add_all([contract, candidate, forum, meeting])
        await s.flush()
        s.add(ContractOrganization(contract_id=_id(contract.id), organization_id=organization_id))
        version = ContractVersion(contract_id=_id(contract.id), number=1, frozen_at=utcnow())
        s.add(version)
        await s.flush()
        priority_ids, point_ids = [], []
        for position, (title, points) in enumerate(PRIORITIES, start=1):
            priority = ContractPriority(version_id=_id(version.id), position=position, title=title)
            s.add(priority)
            await s.flush()
            priority_ids.append(_id(priority.id))
            for number, text in enumerate(points, start=1):
                point = PriorityPoint(priority_id=_id(priority.id), number=number, text=text)
                s.add(point)
                await s.flush()
                point_ids.append(_id(point.id))
        question = Question(
            event_id=_id(forum.id),
            body="Kur do të kemi ujë gjithë ditën në Shkozet?",
            status=QuestionStatus.approved,
            approved_at=utcnow(),
        )
        commitment = Commitment(
            event_id=_id(forum.id),
            candidate_id=_id(candidate.id),
            text="Brenda dy vjetësh uji do të vijë 24 orë në Shkozet.",
        )
        s.add_all([question, commitment])
        await s.flush()
        s.add_all(
            [
                PriorityQuestion(priority_id=priority_ids[0], question_id=_id(question.id)),
                PriorityCommitment(priority_id=priority_ids[0], commitment_id=_id(commitment.id)),
            ]
        )
        await s.commit()
    return Monitored(
        _id(contract.id),
        priority_ids,
        point_ids,
        _id(meeting.id),
        _id(forum.id),
        _id(question.id),
        _id(candidate.id),
    )
