"""Marking the winner: who may be marked elected, and what it does to the social contract.

A candidate is marked elected only from the election day on (422 before), and a municipality
has one elected mayor per election (422 for a second; unmark the first). Marking the mayor
elected puts that municipality's contract for the election in force if it is open for
signature, and freezes its current version (the text monitored from then on), signed or not. A
draft stays a draft: opening it later puts it straight in force (services/contracts.py).
Unmarking is allowed (a correction); the contract stays in force: monitoring has begun, and
marking the right winner keeps it so.
"""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    Candidate,
    ContractStatus,
    ContractVersion,
    Election,
    Office,
    SocialContract,
    User,
    utcnow,
)
from app.services import audit
from app.services.errors import InvalidInput

TIRANA = ZoneInfo("Europe/Tirane")


def today() -> date:
    return datetime.now(TIRANA).date()


async def check_elected(*, session: AsyncSession, candidate: Candidate) -> None:
    """Refuses marking this candidate elected before election day, or as a second mayor."""
    election = await session.get(Election, candidate.election_id)
    assert election is not None  # foreign key
    if today() < election.election_date:
        raise InvalidInput(
            {"elected": _("A candidate can be marked elected only from the election day on.")}
        )
    if candidate.office == Office.mayor:
        other = await session.scalar(
            select(Candidate.full_name).where(  # type: ignore[call-overload]
                col(Candidate.municipality_id) == candidate.municipality_id,
                col(Candidate.election_id) == candidate.election_id,
                col(Candidate.office) == Office.mayor,
                col(Candidate.elected).is_(True),
                col(Candidate.id) != candidate.id,
            )
        )
        if other is not None:
            raise InvalidInput(
                {
                    "elected": _(
                        "%(name)s is marked as the elected mayor already: unmark them first.",
                        name=other,
                    )
                }
            )


async def mayor_elected(*, session: AsyncSession, election_id: int, municipality_id: int) -> bool:
    found = await session.scalar(
        select(func.count()).where(
            col(Candidate.municipality_id) == municipality_id,
            col(Candidate.election_id) == election_id,
            col(Candidate.office) == Office.mayor,
            col(Candidate.elected).is_(True),
        )
    )
    return bool(found)


async def put_in_force(
    *, session: AsyncSession, actor: User | None, contract: SocialContract
) -> None:
    """open_for_signature → in_force; the current version is frozen (it is what is monitored)."""
    version = await session.scalar(
        select(ContractVersion)
        .where(col(ContractVersion.contract_id) == contract.id)
        .order_by(col(ContractVersion.number).desc())
        .limit(1)
    )
    assert version is not None
    details: dict[str, object] = {"status": [contract.status.value, ContractStatus.in_force.value]}
    if version.frozen_at is None:
        version.frozen_at = utcnow()
        details["frozen_version"] = version.number
    contract.status = ContractStatus.in_force
    contract.updated_at = utcnow()
    audit.record(
        session=session,
        user=actor,
        action="social_contract.in_force",
        entity_id=contract.id,
        details=details,
    )


async def after_elected(*, session: AsyncSession, actor: User, candidate: Candidate) -> None:
    """The mayor is elected: their municipality's open contract for the election is in force."""
    if candidate.office != Office.mayor:
        return
    contract = await session.scalar(
        select(SocialContract)
        .where(
            col(SocialContract.municipality_id) == candidate.municipality_id,
            col(SocialContract.election_id) == candidate.election_id,
        )
        .with_for_update()
    )
    if contract is not None and contract.status == ContractStatus.open_for_signature:
        await put_in_force(session=session, actor=actor, contract=contract)
