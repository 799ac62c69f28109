"""Social contracts in lists: every public one, a municipality's for the current term, and the
ones a candidate signed or declined. Drafts are never in them (they are public nowhere)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.models import (
    Candidate,
    ContractSignature,
    ContractStatus,
    ContractVersion,
    Election,
    Event,
    Municipality,
    Office,
    SignatureStatus,
    SocialContract,
)
from app.models.events import PUBLIC_EVENT_STATUSES

PUBLIC_STATUSES = (ContractStatus.open_for_signature, ContractStatus.in_force)


@dataclass(frozen=True)
class ContractSummary:
    """A public contract as a list shows it: signed by x of its y mayoral candidates."""

    contract: SocialContract
    municipality: Municipality
    election: Election
    signed: int
    candidates: int


@dataclass(frozen=True)
class CandidateContract:
    """A contract version a candidate signed or declined."""

    contract: SocialContract
    version_number: int
    signature: ContractSignature
    event: Event | None


async def _summaries(
    session: AsyncSession, rows: list[tuple[SocialContract, Municipality, Election]]
) -> list[ContractSummary]:
    ids = [c.id for c, _m, _e in rows]
    if not ids:
        return []
    signed: dict[int, int] = defaultdict(int)
    for contract_id, count in (
        await session.execute(
            select(  # type: ignore[call-overload]
                ContractVersion.contract_id,
                func.count(func.distinct(ContractSignature.candidate_id)),
            )
            .join(ContractSignature, col(ContractSignature.version_id) == col(ContractVersion.id))
            .where(
                col(ContractVersion.contract_id).in_(ids),
                col(ContractSignature.status) == SignatureStatus.signed,
            )
            .group_by(col(ContractVersion.contract_id))
        )
    ).all():
        signed[contract_id] = count
    races = {(c.municipality_id, c.election_id) for c, _m, _e in rows}
    running: dict[tuple[int, int], int] = defaultdict(int)
    for municipality_id, election_id, count in (
        await session.execute(
            select(Candidate.municipality_id, Candidate.election_id, func.count())  # type: ignore[call-overload]
            .where(
                col(Candidate.office) == Office.mayor,
                col(Candidate.election_id).in_({e for _m, e in races}),
                col(Candidate.municipality_id).in_({m for m, _e in races}),
            )
            .group_by(col(Candidate.municipality_id), col(Candidate.election_id))
        )
    ).all():
        running[(municipality_id, election_id)] = count
    return [
        ContractSummary(c, m, e, signed[c.id or 0], running[(c.municipality_id, c.election_id)])
        for c, m, e in rows
    ]


def _listing() -> Select[SocialContract, Municipality, Election]:
    return (
        select(SocialContract, Municipality, Election)
        .join(Municipality, col(Municipality.id) == col(SocialContract.municipality_id))
        .join(Election, col(Election.id) == col(SocialContract.election_id))
        .where(col(SocialContract.status).in_(PUBLIC_STATUSES))
    )


async def public_contracts(*, session: AsyncSession) -> list[ContractSummary]:
    """Every contract open for signature or in force, newest election first."""
    statement = _listing().order_by(
        col(Election.election_date).desc(), col(Municipality.name), col(SocialContract.id)
    )
    rows = [(c, m, e) for c, m, e in (await session.execute(statement)).all()]
    return await _summaries(session, rows)


async def contracts_for_municipality(
    *, session: AsyncSession, municipality_id: int, today: date
) -> list[ContractSummary]:
    """The municipality's public contracts of the current term: those of the latest election
    whose term covers today, or else of the most recent election."""
    statement = _listing().where(col(SocialContract.municipality_id) == municipality_id)
    rows = [(c, m, e) for c, m, e in (await session.execute(statement)).all()]
    if not rows:
        return []
    covering = [r for r in rows if r[0].term_start <= today <= r[0].term_end]
    pool = covering or rows
    latest = max(e.election_date for _c, _m, e in pool)
    chosen = [r for r in pool if r[2].election_date == latest]
    chosen.sort(key=lambda r: r[0].id or 0)
    return await _summaries(session, chosen)


async def contracts_of_candidate(
    *, session: AsyncSession, candidate_id: int
) -> list[CandidateContract]:
    """The public contracts' versions the candidate signed or declined, newest first."""
    rows = await session.execute(
        select(SocialContract, ContractVersion.number, ContractSignature, Event)  # type: ignore[call-overload]
        .join(ContractVersion, col(ContractVersion.contract_id) == col(SocialContract.id))
        .join(ContractSignature, col(ContractSignature.version_id) == col(ContractVersion.id))
        .outerjoin(
            Event,
            (col(Event.id) == col(ContractSignature.event_id))
            & col(Event.status).in_(PUBLIC_EVENT_STATUSES),
        )
        .where(
            col(ContractSignature.candidate_id) == candidate_id,
            col(SocialContract.status).in_(PUBLIC_STATUSES),
        )
        .order_by(col(ContractSignature.signed_on).desc(), col(ContractVersion.number).desc())
    )
    return [CandidateContract(c, n, s, e) for c, n, s, e in rows.all()]
