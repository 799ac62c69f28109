"""The monitoring's demo data: the 2019 contracts' rounds land on the network's own figures, and
the Durrës and Shkodër 2022 contracts in force get their "Viti 1"."""

from datetime import date

from sqlalchemy import select
from sqlmodel import col

from app import demo
from app.db import Database
from app.demo.monitoring import _rounds_2022
from app.models import (
    Election,
    MonitoringRound,
    RoundStatus,
    SocialContract,
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
    of_2019 = [e for e in contracts if e.contract.election_id == election.id]
    assert {e.municipality.slug for e in of_2019} == {"tirane", "kukes", "korce", "vlore"}
    assert all(2 <= len(e.rounds) <= 4 for e in of_2019)
    term = next(t for t in figures.terms if t.election_id == election.id)
    assert (term.assessments, term.addressed, term.addressed_percent) == (55, 41, 74.5)
    year_one = [s for e in of_2019 for s in e.statuses[e.rounds[0].id or 0].values()]
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
    assert len(figures.municipalities) == 6  # and Durrës and Shkodër 2022


async def test_the_2022_contracts_get_their_first_year(db: Database) -> None:
    async with db.write() as session:
        await demo.seed(session=session, today=TODAY)
        assert await _rounds_2022(session) == 0  # once: the seed gave them theirs
        await session.commit()
    async with db.read() as session:
        rows = (
            await session.execute(
                select(SocialContract, MonitoringRound)
                .join(MonitoringRound, col(MonitoringRound.contract_id) == SocialContract.id)
                .join(Election, col(Election.id) == SocialContract.election_id)
                .where(col(Election.election_date) == date(2022, 3, 6))
            )
        ).all()
        assert len(rows) == 2
        for contract, round_ in rows:
            assert (round_.label, round_.status) == ("Viti 1", RoundStatus.published)
            assert round_.period_start == contract.term_start
            statuses = await monitoring_views.latest_statuses(
                session=session, contract_id=contract.id or 0
            )
            assert statuses
            assert None not in statuses.values()
            assert {s.value for s in statuses.values() if s} >= {
                "fully_addressed",
                "partially_addressed",
                "not_addressed",
            }
