"""Loads the demo data of `app.demo.data` in the caller's transaction."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.demo.contracts import seed_contracts
from app.demo.data import (
    CANDIDATES,
    COMMITMENTS_2022,
    DEMO_ADMIN_EMAIL,
    DEMO_ADMIN_PASSWORD,
    DEMO_ORGANIZER_EMAIL,
    DEMO_ORGANIZER_ORGANIZATION,
    DEMO_ORGANIZER_PASSWORD,
    MUNICIPALITIES,
    NAMED_ORGANIZATIONS,
    NEXT,
    PARTIES,
    PAST,
    past_events,
    upcoming_events,
)
from app.demo.monitoring import add_demo_monitoring
from app.demo.monitoring_data import CONTRACTS_2019
from app.demo.portal import DEMO_PORTAL_CANDIDATE, add_demo_portal_link
from app.models import (
    Candidate,
    Commitment,
    CommitmentAnswer,
    Confirmation,
    Election,
    ElectionKind,
    ElectionMunicipality,
    Event,
    EventCandidate,
    Municipality,
    Organization,
    Party,
    Role,
    Topic,
    User,
)
from app.services import accounts

TIRANE = ZoneInfo("Europe/Tirane")


@dataclass
class DemoSummary:
    """What `seed` loaded."""

    municipalities: int
    organizations: int
    elections: int
    parties: int
    candidates: int
    past_events: int
    upcoming_events: int
    commitments: int = 0
    contracts: int = 0
    # the monitoring's: the 2019 term's contracts (their election and mayors) and every round
    monitored_contracts: int = 0
    rounds: int = 0

    def describe(self) -> str:
        events = self.past_events + self.upcoming_events
        return "\n".join(
            [
                "Demo data loaded:",
                f"  {self.municipalities} municipalities, {self.organizations} organizations",
                f"  {self.elections} elections, {self.parties} parties, "
                f"{self.candidates} candidates",
                f"  {events} events ({self.past_events} past, {self.upcoming_events} upcoming)",
                f"  {self.commitments} commitments made at the 2022 forums",
                f"  {self.contracts} social contracts in force (2022), "
                f"{self.monitored_contracts} of the 2019–2023 term",
                f"  {self.rounds} published monitoring rounds",
            ]
        )


def local_today() -> date:
    return datetime.now(TIRANE).date()


def next_election_date(today: date) -> date:
    """About five months on, on a Sunday (Albania votes on Sundays)."""
    day = today + timedelta(days=150)
    return day + timedelta(days=(6 - day.weekday()) % 7)


def _utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=TIRANE).astimezone(UTC)


def _id(value: int | None) -> int:
    if value is None:
        raise RuntimeError("row has no id; flush first")
    return value


def _contact(full_name: str) -> str:
    ascii_name = full_name.lower().replace("ë", "e").replace("ç", "c").replace(" ", ".")
    return f"{ascii_name}@kandidat.example"


async def database_is_empty(*, session: AsyncSession) -> bool:
    """True when there are no municipalities and no users."""
    municipalities = await session.scalar(select(func.count()).select_from(Municipality))
    users = await session.scalar(select(func.count()).select_from(User))
    return not municipalities and not users


async def seed(*, session: AsyncSession, today: date | None = None) -> DemoSummary:
    """Adds the demo data to the caller's transaction (flushed, not committed)."""
    today = today or local_today()

    municipalities = {slug: Municipality(name=name, slug=slug) for slug, name in MUNICIPALITIES}
    session.add_all(municipalities.values())
    await session.flush()
    m_id = {slug: _id(m.id) for slug, m in municipalities.items()}

    organizations = []
    for slug, _name in MUNICIPALITIES:
        org_slug, org_name = NAMED_ORGANIZATIONS[slug]
        organizations.append(
            Organization(
                name=org_name,
                slug=org_slug,
                municipality_id=m_id[slug],
                contact=f"kontakt@{org_slug}.example",
            )
        )
    session.add_all(organizations)

    elections = {
        PAST: Election(
            name="Zgjedhjet e pjesshme vendore 2022",
            kind=ElectionKind.partial_local,
            election_date=date(2022, 3, 6),
        ),
        NEXT: Election(
            name=f"Zgjedhjet vendore {next_election_date(today).year}",
            kind=ElectionKind.local,
            election_date=next_election_date(today),
        ),
    }
    parties = {abbr: Party(name=name, abbreviation=abbr, color=c) for name, abbr, c in PARTIES}
    session.add_all([*elections.values(), *parties.values()])
    await session.flush()
    o_id = {o.slug: _id(o.id) for o in organizations}
    e_id = {key: _id(e.id) for key, e in elections.items()}

    voting = {PAST: ["durres", "shkoder"], NEXT: [slug for slug, _name in MUNICIPALITIES]}
    session.add_all(
        ElectionMunicipality(election_id=e_id[key], municipality_id=m_id[slug])
        for key, slugs in voting.items()
        for slug in slugs
    )
    candidates = {
        (election, name): Candidate(
            full_name=name,
            party_id=_id(parties[abbr].id) if abbr else None,
            election_id=e_id[election],
            municipality_id=m_id[municipality],
            office=office,
            contact=_contact(name),
            elected=elected,
        )
        for election, municipality, name, abbr, office, elected in CANDIDATES
    }
    session.add_all(candidates.values())
    await session.flush()

    past, upcoming = past_events(), upcoming_events(today)
    held: dict[str, Event] = {}
    for spec in past + upcoming:
        event = Event(
            kind=spec.kind,
            title=spec.title,
            description=spec.description,
            municipality_id=m_id[spec.municipality],
            organization_id=o_id[spec.organization],
            election_id=e_id[spec.election] if spec.election else None,
            venue=spec.venue,
            starts_at=_utc(spec.day, spec.start),
            ends_at=_utc(spec.day, spec.start) + timedelta(minutes=spec.minutes),
            capacity=spec.capacity,
            status=spec.status,
            cancel_reason=spec.cancel_reason,
            report_attendees=spec.attendees,
            report_summary=spec.summary,
            report_participants=spec.participants,
        )
        session.add(event)
        await session.flush()
        if spec in past:
            held[spec.title] = event
        session.add_all(
            EventCandidate(
                event_id=_id(event.id),
                candidate_id=_id(candidates[(spec.election or "", name)].id),
                status=status,
            )
            for name, status in spec.candidates
        )

    made = await _commitments(session, held, candidates)
    contracts = await seed_contracts(session=session, election=elections[PAST])

    await accounts.create_user(
        session=session,
        email=DEMO_ADMIN_EMAIL,
        name="Administratori i demos",
        password=DEMO_ADMIN_PASSWORD,
        role=Role.admin,
        actor="seed-demo",
    )
    await accounts.create_user(
        session=session,
        email=DEMO_ORGANIZER_EMAIL,
        name="Organizatori i demos (CSDC Durrës)",
        password=DEMO_ORGANIZER_PASSWORD,
        role=Role.organizer,
        organization_slug=DEMO_ORGANIZER_ORGANIZATION,
        actor="seed-demo",
    )
    await add_demo_portal_link(
        session=session, candidate_id=_id(candidates[(PAST, DEMO_PORTAL_CANDIDATE)].id)
    )
    # the yearly monitoring: after the social contracts, whose 2022 ones it gives a round
    rounds = await add_demo_monitoring(session=session)
    await session.flush()
    # and the community meetings the contracts and the monitoring add, all past
    events = await session.scalar(select(func.count()).select_from(Event)) or 0
    monitored = len(CONTRACTS_2019)
    return DemoSummary(
        municipalities=len(municipalities),
        organizations=len(organizations),
        elections=len(elections) + 1,  # and the 2019 local elections, the monitoring's
        parties=len(parties),
        candidates=len(candidates) + monitored,  # and the 2019 mayors
        past_events=events - len(upcoming),
        upcoming_events=len(upcoming),
        commitments=made,
        contracts=contracts,
        monitored_contracts=monitored,
        rounds=rounds,
    )


async def _commitments(
    session: AsyncSession, held: dict[str, Event], candidates: dict[tuple[str, str], Candidate]
) -> int:
    """The 2022 forums' commitments, each recorded during its forum; the candidates' answers
    (confirmed, or disputed with their own wording) a few days later, each kept as an answer."""
    topics = {t.slug: t for t in (await session.execute(select(Topic))).scalars()}
    for n, spec in enumerate(COMMITMENTS_2022):
        event = held[spec.event]
        recorded = event.starts_at + timedelta(minutes=30 + 5 * n % 80)
        answered = event.starts_at + timedelta(days=spec.answered_after_days)
        topic = topics.get(spec.topic) if spec.topic else None
        commitment = Commitment(
            candidate_id=_id(candidates[(PAST, spec.candidate)].id),
            event_id=_id(event.id),
            topic_id=topic.id if topic else None,
            text=spec.text,
            target=spec.target,
            deadline=spec.deadline,
            created_at=recorded,
            updated_at=answered if spec.answer else recorded,
        )
        if spec.answer:
            commitment.confirmation = Confirmation(spec.answer)
            commitment.candidate_comment = spec.proposed
            commitment.candidate_answered_at = answered
        session.add(commitment)
        await session.flush()
        if spec.answer:
            session.add(
                CommitmentAnswer(
                    commitment_id=_id(commitment.id),
                    answer=Confirmation(spec.answer),
                    comment=spec.proposed,
                    text_answered=spec.text,
                    answered_at=answered,
                )
            )
    return len(COMMITMENTS_2022)
