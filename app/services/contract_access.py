"""Who may see and write a social contract: one rule for drafting, signing and monitoring.

A contract is written by admins and by organizers of an organization behind it; a new one by
organizers of an organization in its municipality. A draft is seen only by those writers;
`open_for_signature` and `in_force` are public.
"""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import ContractOrganization, ContractStatus, Organization, SocialContract, User
from app.services.access import is_admin
from app.services.errors import NotAllowed


async def organization_ids(*, session: AsyncSession, contract_id: int) -> set[int]:
    """The organizations behind a contract."""
    rows = await session.execute(
        select(ContractOrganization.organization_id).where(  # type: ignore[call-overload]
            col(ContractOrganization.contract_id) == contract_id
        )
    )
    return set(rows.scalars())


def can_write(user: User | None, organization_ids: set[int]) -> bool:
    """Admins write every contract; an organizer those of their own organization."""
    if user is None:
        return False
    return is_admin(user) or (
        user.organization_id is not None and user.organization_id in organization_ids
    )


def is_visible(contract: SocialContract, user: User | None, organization_ids: set[int]) -> bool:
    """Drafts are their writers' own; a contract open for signature or in force is public."""
    return contract.status != ContractStatus.draft or can_write(user, organization_ids)


async def require_writer(*, session: AsyncSession, user: User, contract: SocialContract) -> None:
    assert contract.id is not None
    if not can_write(user, await organization_ids(session=session, contract_id=contract.id)):
        raise NotAllowed(_("Only the organizations behind this contract may change it."))


async def require_drafter(*, session: AsyncSession, user: User, municipality_id: int) -> None:
    """A new contract: admins, or organizers of an organization in that municipality."""
    if is_admin(user):
        return
    if user.organization_id is not None:
        organization = await session.get(Organization, user.organization_id)
        if organization is not None and organization.municipality_id == municipality_id:
            return
    raise NotAllowed(_("Only an organization of this municipality may draft its contract."))
