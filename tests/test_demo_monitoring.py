"""The monitoring's demo data: the 2019 contracts' rounds land on the network's own figures, and a
Durrës 2022 contract in force (inserted here, as the contracts' seed would) gets its "Viti 1"."""

from datetime import date

from sqlalchemy import select
from sqlmodel import col

from app import demo
from app.db import Database
from app.demo.monitoring import _rounds_2022
from app.models import (
    ContractPriority,
    ContractStatus,
    ContractVersion,
    Election,
    MonitoringRound,
    Municipality,
    RoundStatus,
    SocialContract,
    utcnow,
)
from app.services import monitoring_figures, monitoring_views

TODAY = date(2026, 3, 2)


async def test_the_2019_term_and_its_first_year(db: Database) -> None:
    async with db.write() as session:
        await demo.seed(session=session, today=TODAY)
        await session.commit()
    async with db.read() as session:
        contracts = await monitoring_figures.published(session=session)
        figures = monitoring_figures.network_figures(contracts)
        election = await session.scalar(
            select(Election).where(col(Election.name) == "Zgjedhjet vendore 2019")
        )
    assert election is not None
    assert election.election_date == date(2019, 6, 30)
    assert {e.municipality.slug for e in contracts} == {"tirane", "kukes", "korce", "vlore"}
    assert all(2 <= len(e.rounds) <= 4 for e in contracts)
    term = next(t for t in figures.terms if t.election_id == election.id)
    assert (term.assessments, term.addressed, term.addressed_percent) == (55, 41, 74.5)
    year_one = [s for e in contracts for s in e.statuses[e.rounds[0].id or 0].values()]
    assert monitoring_figures.figures_of(year_one).percentages == {
        "fully_addressed": 17,
        "partially_addressed": 58,
        "not_addressed": 25,
    }
    assert term.years[0].percentages == {
        "fully_addressed": 17,
        "partially_addressed": 58,
        "not_addressed": 25,
    }
    assert len(term.years) == 3  # Tiranë has a third round
    assert len(figures.municipalities) == 4


async def test_a_2022_contract_gets_its_first_year(db: Database) -> None:
    async with db.write() as session:
        await demo.seed(session=session, today=TODAY)
        durres = await session.scalar(
            select(Municipality).where(col(Municipality.slug) == "durres")
        )
        election = await session.scalar(
            select(Election).where(col(Election.election_date) == date(2022, 3, 6))
        )
        assert durres is not None
        assert election is not None
        contract = SocialContract(
            municipality_id=durres.id or 0,
            election_id=election.id or 0,
            title="Kontrata Sociale Durrës 2022–2023",
            term_start=date(2022, 4, 1),
            term_end=date(2023, 6, 30),
            status=ContractStatus.in_force,
        )
        session.add(contract)
        await session.flush()
        version = ContractVersion(contract_id=contract.id or 0, number=1, frozen_at=utcnow())
        session.add(version)
        await session.flush()
        session.add_all(
            ContractPriority(version_id=version.id or 0, position=n, title=title)
            for n, title in enumerate(["Ujë 24 orë", "Plazhet publike", "Transporti"], start=1)
        )
        await session.flush()
        assert await _rounds_2022(session) == 1
        assert await _rounds_2022(session) == 0  # once
        await session.commit()
    async with db.read() as session:
        round_ = await session.scalar(
            select(MonitoringRound).where(col(MonitoringRound.contract_id) == contract.id)
        )
        assert round_ is not None
        assert (round_.label, round_.status) == ("Viti 1", RoundStatus.published)
        assert (round_.period_start, round_.period_end) == (date(2022, 4, 1), date(2023, 3, 31))
        statuses = await monitoring_views.latest_statuses(
            session=session, contract_id=contract.id or 0
        )
    assert [s.value if s else None for s in statuses.values()] == [
        "partially_addressed",
        "fully_addressed",
        "not_addressed",
    ]
