"""Loads the monitoring's demo data (app/demo/monitoring_data.py) after the rest of the demo:
the 2019 local elections with four contracts in force and their published yearly rounds, and a
published "Viti 1" for the Durrës and Shkodër 2022 contracts if they were seeded.

Written against the tables, in the caller's transaction (flushed, not committed).
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.demo.monitoring_data import (
    CONTRACTS_2019,
    CORRECTION,
    ELECTION_2019,
    ELECTION_2019_DATE,
    EVIDENCE,
    ROUND_2022,
    STATUSES_2022,
    DemoContract,
)
from app.models import (
    AssessmentCorrection,
    AssessmentStatus,
    Candidate,
    ContractOrganization,
    ContractPriority,
    ContractSignature,
    ContractStatus,
    ContractVersion,
    Election,
    ElectionKind,
    ElectionMunicipality,
    Event,
    EventKind,
    EventStatus,
    MonitoringRound,
    Municipality,
    Office,
    Organization,
    Party,
    PriorityAssessment,
    PriorityPoint,
    RoundEvent,
    RoundStatus,
    SignatureStatus,
    SocialContract,
)
from app.services.monitoring import priorities

TIRANE = ZoneInfo("Europe/Tirane")
LABELS = ["Viti 1", "Viti i dytë", "Viti i tretë", "Viti i katërt"]
ORDINAL_SQ = ["parë", "dytë", "tretë", "katërt"]


def _id(value: int | None) -> int:
    if value is None:
        raise RuntimeError("row has no id; flush first")
    return value


def _at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=TIRANE).astimezone(UTC)


def _url(slug: str, year: int, position: int) -> str:
    return f"https://monitorimi.pop-forums.example/{slug}/{year}/prioriteti-{position}.pdf"


async def add_demo_monitoring(*, session: AsyncSession) -> int:
    """The monitoring demo; the number of published rounds it added."""
    municipalities = {m.slug: m for m in (await session.execute(select(Municipality))).scalars()}
    organizations = {
        o.municipality_id: o for o in (await session.execute(select(Organization))).scalars()
    }
    parties = {p.abbreviation: p for p in (await session.execute(select(Party))).scalars()}
    election = Election(
        name=ELECTION_2019, kind=ElectionKind.local, election_date=ELECTION_2019_DATE
    )
    session.add(election)
    await session.flush()
    rounds = 0
    for spec in CONTRACTS_2019:
        municipality = municipalities.get(spec.municipality)
        if municipality is None:
            continue
        organization = organizations[_id(municipality.id)]
        rounds += await _contract_2019(session, spec, election, municipality, organization, parties)
    rounds += await _rounds_2022(session)
    await session.flush()
    return rounds


async def _contract_2019(
    session: AsyncSession,
    spec: DemoContract,
    election: Election,
    municipality: Municipality,
    organization: Organization,
    parties: dict[str, Party],
) -> int:
    session.add(
        ElectionMunicipality(election_id=_id(election.id), municipality_id=_id(municipality.id))
    )
    party = parties.get(spec.party)
    mayor = Candidate(
        full_name=spec.mayor,
        party_id=party.id if party else None,
        election_id=_id(election.id),
        municipality_id=_id(municipality.id),
        office=Office.mayor,
        elected=True,
    )
    contract = SocialContract(
        municipality_id=_id(municipality.id),
        election_id=_id(election.id),
        title=f"Kontrata Sociale {municipality.name} 2019–2023",
        term_start=date(2019, 7, 1),
        term_end=date(2023, 6, 30),
        status=ContractStatus.in_force,
        created_at=_at(date(2019, 4, 15)),
        updated_at=_at(date(2019, 7, 1)),
    )
    session.add_all([mayor, contract])
    await session.flush()
    session.add(
        ContractOrganization(contract_id=_id(contract.id), organization_id=_id(organization.id))
    )
    version = ContractVersion(
        contract_id=_id(contract.id),
        number=1,
        introduction=(
            f"Prioritetet e qytetarëve të {municipality.name}, të dala nga takimet me grupet e "
            "komunitetit dhe forumet me kandidatët për kryetar, pranvera 2019."
        ),
        frozen_at=_at(date(2019, 6, 5)),
        created_at=_at(date(2019, 4, 15)),
    )
    session.add(version)
    await session.flush()
    session.add(
        ContractSignature(
            version_id=_id(version.id),
            candidate_id=_id(mayor.id),
            signed_on=date(2019, 6, 5),
            status=SignatureStatus.signed,
        )
    )
    listed = []
    for position, item in enumerate(spec.priorities, start=1):
        priority = ContractPriority(version_id=_id(version.id), position=position, title=item.title)
        session.add(priority)
        await session.flush()
        session.add_all(
            PriorityPoint(priority_id=_id(priority.id), number=n, text=text)
            for n, text in enumerate(item.points, start=1)
        )
        listed.append((priority, item))
    count = len(spec.priorities[0].statuses)
    for n in range(count):
        start = date(2019 + n, spec.first_month, 1)
        end = date(2020 + n, spec.first_month, 1) - timedelta(days=1)
        published = _at(end + timedelta(days=75))
        round_ = MonitoringRound(
            contract_id=_id(contract.id),
            label=LABELS[n],
            period_start=start,
            period_end=end,
            status=RoundStatus.published,
            published_at=published,
            created_at=_at(end - timedelta(days=20)),
        )
        session.add(round_)
        await session.flush()
        if n == 0 and spec.meeting[0]:
            await _meeting(session, spec, municipality, organization, round_, end)
        for priority, item in listed:
            status = item.statuses[n]
            await _assess(
                session, spec, round_, priority, item.points[0], status, n, end, published
            )
    return count


async def _meeting(
    session: AsyncSession,
    spec: DemoContract,
    municipality: Municipality,
    organization: Organization,
    round_: MonitoringRound,
    end: date,
) -> None:
    group, venue, citizens = spec.meeting
    day = end - timedelta(days=30)
    event = Event(
        kind=EventKind.community_meeting,
        title=f"Takim me {group}: si po zbatohet kontrata sociale",
        description=(
            f"Monitorimi i vitit të parë të Kontratës Sociale në {municipality.name}: qytetarët "
            "thonë çfarë ka ndryshuar në lagjen e tyre."
        ),
        municipality_id=_id(municipality.id),
        organization_id=_id(organization.id),
        venue=venue,
        starts_at=_at(day, 17),
        ends_at=_at(day, 19),
        status=EventStatus.held,
        report_attendees=citizens,
        report_summary="Qytetarët vlerësuan prioritetet një nga një; shënimet hynë në raport.",
    )
    session.add(event)
    await session.flush()
    session.add(RoundEvent(round_id=_id(round_.id), event_id=_id(event.id)))


async def _assess(
    session: AsyncSession,
    spec: DemoContract,
    round_: MonitoringRound,
    priority: ContractPriority,
    point: str,
    status: str,
    n: int,
    end: date,
    published: datetime,
) -> None:
    year = end.year
    corrected = (spec.municipality, n + 1, priority.position) == CORRECTION[:3]
    first = AssessmentStatus(CORRECTION[3] if corrected else status)
    assessment = PriorityAssessment(
        round_id=_id(round_.id),
        priority_id=_id(priority.id),
        status=first,
        evidence=EVIDENCE[first.value].format(point=point),
        evidence_url=None
        if first == AssessmentStatus.not_addressed
        else _url(spec.municipality, year, priority.position),
        assessed_at=_at(end + timedelta(days=20)),
    )
    reply = spec.replies.get((n + 1, priority.position))
    if reply:
        assessment.municipality_reply = reply
        assessment.municipality_replied_on = end + timedelta(days=100)
    session.add(assessment)
    await session.flush()
    if corrected:
        new = AssessmentStatus(status)
        correction = AssessmentCorrection(
            assessment_id=_id(assessment.id),
            previous_status=assessment.status,
            previous_evidence=assessment.evidence,
            previous_evidence_url=assessment.evidence_url,
            new_status=new,
            new_evidence=EVIDENCE[new.value].format(point=point),
            new_evidence_url=_url(spec.municipality, year, priority.position),
            reason=CORRECTION[4],
            corrected_at=published + timedelta(days=40),
        )
        session.add(correction)
        assessment.status = new
        assessment.evidence = correction.new_evidence
        assessment.evidence_url = correction.new_evidence_url


async def _rounds_2022(session: AsyncSession) -> int:
    """A "Viti 1" for each Durrës and Shkodër contract of the 2022 elections in force, if any."""
    rows = await session.execute(
        select(SocialContract, Municipality)
        .join(Municipality, col(Municipality.id) == SocialContract.municipality_id)
        .join(Election, col(Election.id) == SocialContract.election_id)
        .where(
            col(Municipality.slug).in_(["durres", "shkoder"]),
            col(Election.election_date) == date(2022, 3, 6),
            col(SocialContract.status) == ContractStatus.in_force,
        )
    )
    added = 0
    for contract, municipality in list(rows):
        return_value = await add_year_one(
            session=session, contract=contract, slug=municipality.slug
        )
        added += return_value
    return added


async def add_year_one(*, session: AsyncSession, contract: SocialContract, slug: str) -> int:
    """A published "Viti 1" over the contract's first year, every priority assessed (1), or
    nothing if the contract has one, has no priorities, or its first year has not ended (0)."""
    existing = await session.scalar(
        select(MonitoringRound.id).where(  # type: ignore[call-overload]
            col(MonitoringRound.contract_id) == contract.id,
            col(MonitoringRound.label) == ROUND_2022,
        )
    )
    listed = await priorities(session=session, contract_id=_id(contract.id))
    start = contract.term_start
    end = min(date(start.year + 1, start.month, 1) - timedelta(days=1), contract.term_end)
    if existing or not listed or end >= datetime.now(TIRANE).date():
        return 0
    round_ = MonitoringRound(
        contract_id=_id(contract.id),
        label=ROUND_2022,
        period_start=start,
        period_end=end,
        status=RoundStatus.published,
        published_at=_at(end + timedelta(days=60)),
    )
    session.add(round_)
    await session.flush()
    for n, priority in enumerate(listed):
        status = AssessmentStatus(STATUSES_2022[n % len(STATUSES_2022)])
        point = priority.title
        session.add(
            PriorityAssessment(
                round_id=_id(round_.id),
                priority_id=_id(priority.id),
                status=status,
                evidence=EVIDENCE[status.value].format(point=point),
                evidence_url=None
                if status == AssessmentStatus.not_addressed
                else _url(slug, end.year, priority.position),
                assessed_at=_at(end + timedelta(days=20)),
                municipality_reply="Bashkia e ka përfshirë në planin e punës për vitin e ardhshëm."
                if n == 2
                else None,
                municipality_replied_on=end + timedelta(days=90) if n == 2 else None,
            )
        )
    await session.flush()
    return 1
