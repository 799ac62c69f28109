"""Social contracts, reading: a contract with its current version (the last), every version,
its priorities with their points and sources, and its signatures; which contracts a viewer sees
(a draft only its writers: services/contract_access.py)."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    ContractPriority,
    ContractSignature,
    ContractStatus,
    ContractVersion,
    Election,
    PriorityCommitment,
    PriorityPoint,
    PriorityQuestion,
    SocialContract,
    User,
)
from app.services.contract_access import can_write, is_visible, organization_ids
from app.services.errors import NotFound


@dataclass(frozen=True)
class PriorityView:
    priority: ContractPriority
    points: list[PriorityPoint]
    commitment_ids: list[int]
    question_ids: list[int]


@dataclass(frozen=True)
class ContractView:
    """A contract with its current version (the last), every version, and what it holds."""

    contract: SocialContract
    version: ContractVersion
    versions: list[ContractVersion]
    organization_ids: set[int]
    priorities: list[PriorityView]
    # every version's signatures, each with the number of the version signed
    signatures: list[tuple[ContractSignature, int]]

    @property
    def frozen(self) -> bool:
        return self.version.frozen_at is not None


# --- reading -----------------------------------------------------------------------------------


async def versions_of(*, session: AsyncSession, contract_id: int) -> list[ContractVersion]:
    statement = (
        select(ContractVersion)
        .where(col(ContractVersion.contract_id) == contract_id)
        .order_by(col(ContractVersion.number))
    )
    return list((await session.execute(statement)).scalars())


async def current_version(*, session: AsyncSession, contract_id: int) -> ContractVersion:
    """The last version: the one presented and signed now."""
    versions = await versions_of(session=session, contract_id=contract_id)
    assert versions, "every contract has its version 1"
    return versions[-1]


async def priorities_of(*, session: AsyncSession, version_id: int) -> list[PriorityView]:
    """A version's priorities in their order, with their points and sources."""
    priorities = list(
        (
            await session.execute(
                select(ContractPriority)
                .where(col(ContractPriority.version_id) == version_id)
                .order_by(col(ContractPriority.position), col(ContractPriority.id))
            )
        ).scalars()
    )
    ids = [p.id or 0 for p in priorities]
    points = await points_of(session=session, priority_ids=ids)
    commitments: dict[int, list[int]] = {i: [] for i in ids}
    questions: dict[int, list[int]] = {i: [] for i in ids}
    if ids:
        for pid, cid in await session.execute(
            select(PriorityCommitment.priority_id, PriorityCommitment.commitment_id)  # type: ignore[call-overload]
            .where(col(PriorityCommitment.priority_id).in_(ids))
            .order_by(col(PriorityCommitment.commitment_id))
        ):
            commitments[pid].append(cid)
        for pid, qid in await session.execute(
            select(PriorityQuestion.priority_id, PriorityQuestion.question_id)  # type: ignore[call-overload]
            .where(col(PriorityQuestion.priority_id).in_(ids))
            .order_by(col(PriorityQuestion.question_id))
        ):
            questions[pid].append(qid)
    return [
        PriorityView(p, points[p.id or 0], commitments[p.id or 0], questions[p.id or 0])
        for p in priorities
    ]


async def points_of(
    *, session: AsyncSession, priority_ids: list[int]
) -> defaultdict[int, list[PriorityPoint]]:
    """The numbered points of these priorities, in their order, by priority."""
    points: defaultdict[int, list[PriorityPoint]] = defaultdict(list)
    if priority_ids:
        statement = (
            select(PriorityPoint)
            .where(col(PriorityPoint.priority_id).in_(priority_ids))
            .order_by(col(PriorityPoint.number))
        )
        for point in (await session.execute(statement)).scalars():
            points[point.priority_id].append(point)
    return points


async def view(*, session: AsyncSession, contract: SocialContract) -> ContractView:
    assert contract.id is not None
    versions = await versions_of(session=session, contract_id=contract.id)
    numbers = {v.id: v.number for v in versions}
    signatures = (
        await session.execute(
            select(ContractSignature)
            .where(col(ContractSignature.version_id).in_(list(numbers)))
            .order_by(col(ContractSignature.signed_on), col(ContractSignature.id))
        )
    ).scalars()
    return ContractView(
        contract=contract,
        version=versions[-1],
        versions=versions,
        organization_ids=await organization_ids(session=session, contract_id=contract.id),
        priorities=await priorities_of(session=session, version_id=versions[-1].id or 0),
        signatures=[(s, numbers[s.version_id]) for s in signatures],
    )


async def visible(
    *, session: AsyncSession, contract_id: int, viewer: User | None
) -> SocialContract:
    """The contract, if this viewer may see it; a draft is NotFound to everyone else."""
    contract = await session.get(SocialContract, contract_id)
    if contract is None or not is_visible(
        contract, viewer, await organization_ids(session=session, contract_id=contract_id)
    ):
        raise NotFound(_("No such contract."))
    return contract


async def list_contracts(
    *,
    session: AsyncSession,
    viewer: User | None = None,
    municipality_id: int | None = None,
    election_id: int | None = None,
    drafts: bool = False,
) -> list[tuple[SocialContract, int]]:
    """Contracts with their current version's number, newest election first; the drafts the
    viewer writes too when `drafts`."""
    latest = (
        select(ContractVersion.contract_id, func.max(ContractVersion.number).label("number"))  # type: ignore[call-overload]
        .group_by(ContractVersion.contract_id)
        .subquery()
    )
    statement = (
        select(SocialContract, latest.c.number)
        .join(latest, latest.c.contract_id == col(SocialContract.id))
        .join(Election, col(Election.id) == col(SocialContract.election_id))
        .order_by(col(Election.election_date).desc(), col(SocialContract.id))
    )
    if municipality_id is not None:
        statement = statement.where(col(SocialContract.municipality_id) == municipality_id)
    if election_id is not None:
        statement = statement.where(col(SocialContract.election_id) == election_id)
    rows = [(c, n) for c, n in (await session.execute(statement)).all()]
    result = []
    for contract, number in rows:
        if contract.status == ContractStatus.draft and (
            not drafts
            or not can_write(
                viewer, await organization_ids(session=session, contract_id=contract.id or 0)
            )
        ):
            continue
        result.append((contract, number))
    return result
