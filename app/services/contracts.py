"""Social contracts, the writing side: a contract and its text in versions, opening it for
signature, new versions, the municipality's adoption.

Rules: one contract per municipality and election (409 for a second); the election votes in that
municipality; term_start < term_end. Its organizations: an organizer's own organization (which
must be of that municipality), or those an admin chooses. A contract is `draft` →
`open_for_signature` (needs a priority) → `in_force` (when its election's mayor is marked
elected, services/winners.py; opened after that, at once). The text of a version
(introduction, priorities, points) is frozen from its first signature on: a change is refused
with 409 and a new version (a copy of the last, `POST …/versions`) takes it; the title and term
are refused alike while the current version is frozen. The adoption reference is recorded only
once in force.

Reading is app/services/contract_versions.py's, priorities app/services/contract_priorities.py's.
Every write is audited and left to the caller to commit.
"""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    ContractOrganization,
    ContractPriority,
    ContractStatus,
    ContractVersion,
    Election,
    Municipality,
    Organization,
    PriorityCommitment,
    PriorityPoint,
    PriorityQuestion,
    SocialContract,
    User,
    utcnow,
)
from app.models.contracts import ContractAdoption, SocialContractCreate, SocialContractUpdate
from app.services import audit, winners
from app.services.access import is_admin
from app.services.contract_access import (
    is_visible,
    organization_ids,
    require_drafter,
    require_writer,
)
from app.services.contract_versions import ContractView, current_version, priorities_of, view
from app.services.elections import election_municipality_ids
from app.services.errors import Conflict, InvalidInput, NotFound

TEXT_FIELDS = ("title", "term_start", "term_end", "introduction")
ADOPTION_FIELDS = ("adoption_decision_number", "adopted_on", "adoption_url")


# --- writing -----------------------------------------------------------------------------------


async def for_writing(*, session: AsyncSession, actor: User, contract_id: int) -> SocialContract:
    """The contract, locked, for one of its writers (NotFound to those who may not see it)."""
    contract = await session.scalar(
        select(SocialContract).where(col(SocialContract.id) == contract_id).with_for_update()
    )
    if contract is None:
        raise NotFound(_("No such contract."))
    ids = await organization_ids(session=session, contract_id=contract_id)
    if not is_visible(contract, actor, ids):
        raise NotFound(_("No such contract."))
    await require_writer(session=session, user=actor, contract=contract)
    return contract


def require_unfrozen(version: ContractVersion) -> None:
    if version.frozen_at is not None:
        raise Conflict(
            _(
                "Version %(number)s has been signed, so its text can no longer change: "
                "make a new version and change that one.",
                number=version.number,
            )
        )


def touch(contract: SocialContract) -> None:
    contract.updated_at = utcnow()


async def _organizations(
    session: AsyncSession, actor: User, data: SocialContractCreate
) -> tuple[list[int], dict[str, str]]:
    if not is_admin(actor):
        assert actor.organization_id is not None  # require_drafter let them in
        if data.organization_ids and set(data.organization_ids) != {actor.organization_id}:
            return [], {"organization_ids": _("Organizers draft for their own organization.")}
        return [actor.organization_id], {}
    ids = sorted(set(data.organization_ids or []))
    if not ids:
        return [], {"organization_ids": _("Choose the organizations behind this contract.")}
    found = await session.scalar(select(func.count()).where(col(Organization.id).in_(ids)))
    if found != len(ids):
        return [], {"organization_ids": _("Choose organizations from the list.")}
    return ids, {}


async def create(*, session: AsyncSession, actor: User, data: SocialContractCreate) -> ContractView:
    """A new draft contract with its version 1."""
    errors: dict[str, str] = {}
    if await session.get(Municipality, data.municipality_id) is None:
        raise InvalidInput({"municipality_id": _("Choose a municipality from the list.")})
    await require_drafter(session=session, user=actor, municipality_id=data.municipality_id)
    if await session.get(Election, data.election_id) is None:
        errors["election_id"] = _("Choose an election from the list.")
    elif data.municipality_id not in await election_municipality_ids(
        session=session, election_id=data.election_id
    ):
        errors["election_id"] = _("This municipality does not vote in that election.")
    if data.term_end <= data.term_start:
        errors["term_end"] = _("The term ends after it starts.")
    org_ids, org_errors = await _organizations(session, actor, data)
    errors |= org_errors
    if errors:
        raise InvalidInput(errors)
    taken = await session.scalar(
        select(SocialContract.id).where(  # type: ignore[call-overload]
            col(SocialContract.municipality_id) == data.municipality_id,
            col(SocialContract.election_id) == data.election_id,
        )
    )
    if taken is not None:
        raise Conflict(_("This municipality has a contract for this election already."))
    contract = SocialContract(
        **data.model_dump(include={"municipality_id", "election_id", "title"}),
        term_start=data.term_start,
        term_end=data.term_end,
    )
    session.add(contract)
    try:
        await session.flush()
    except IntegrityError as error:  # a second one created at the same moment
        raise Conflict(_("This municipality has a contract for this election already.")) from error
    assert contract.id is not None
    session.add_all(
        ContractOrganization(contract_id=contract.id, organization_id=o) for o in org_ids
    )
    session.add(ContractVersion(contract_id=contract.id, number=1, introduction=data.introduction))
    await session.flush()
    details: dict[str, Any] = data.model_dump(mode="json")
    details["organization_ids"] = org_ids
    audit.record(
        session=session,
        user=actor,
        action="social_contract.create",
        entity_id=contract.id,
        details=details,
    )
    return await view(session=session, contract=contract)


async def update(
    *, session: AsyncSession, actor: User, contract_id: int, data: SocialContractUpdate
) -> ContractView:
    """Changes the fields sent: the text while the current version is not frozen, the
    adoption once in force."""
    contract = await for_writing(session=session, actor=actor, contract_id=contract_id)
    values = data.model_dump(exclude_unset=True)
    for name in TEXT_FIELDS:
        if name in values and values[name] is None:
            raise InvalidInput({name: _("This field is required.")})
    version = await current_version(session=session, contract_id=contract_id)
    text = {k: v for k, v in values.items() if k in TEXT_FIELDS}
    text_changes = {
        k: v
        for k, v in text.items()
        if (getattr(version, k) if k == "introduction" else getattr(contract, k)) != v
    }
    adoption = {k: v for k, v in values.items() if k in ADOPTION_FIELDS}
    if text_changes:
        require_unfrozen(version)
        start = text.get("term_start", contract.term_start)
        end = text.get("term_end", contract.term_end)
        if end <= start:
            raise InvalidInput({"term_end": _("The term ends after it starts.")})
    changes: dict[str, Any] = {}
    for name, new in text_changes.items():
        target: Any = version if name == "introduction" else contract
        changes[name] = [getattr(target, name), new]
        setattr(target, name, new)
    changes |= _adopt(contract, adoption)
    if changes:
        touch(contract)
        audit.record(
            session=session,
            user=actor,
            action="social_contract.update",
            entity_id=contract_id,
            details=changes,
        )
    return await view(session=session, contract=contract)


def _adopt(contract: SocialContract, values: dict[str, Any]) -> dict[str, Any]:
    changes = {k: [getattr(contract, k), v] for k, v in values.items() if getattr(contract, k) != v}
    if changes and contract.status != ContractStatus.in_force:
        raise Conflict(_("The municipality adopts a contract once it is in force."))
    for name, (_old, new) in changes.items():
        setattr(contract, name, new)
    return changes


async def adopt(
    *, session: AsyncSession, actor: User, contract_id: int, data: ContractAdoption
) -> ContractView:
    """The municipality's adoption reference (the form sends all three: empty clears)."""
    return await update(
        session=session,
        actor=actor,
        contract_id=contract_id,
        data=SocialContractUpdate(**data.model_dump()),
    )


async def open_for_signature(
    *, session: AsyncSession, actor: User, contract_id: int
) -> ContractView:
    """draft → open_for_signature: public, presented at the forums; needs a priority."""
    contract = await for_writing(session=session, actor=actor, contract_id=contract_id)
    if contract.status != ContractStatus.draft:
        raise Conflict(_("This contract is no longer a draft."))
    version = await current_version(session=session, contract_id=contract_id)
    if not await priorities_of(session=session, version_id=version.id or 0):
        raise Conflict(_("Add at least one priority before opening the contract for signature."))
    contract.status = ContractStatus.open_for_signature
    touch(contract)
    audit.record(
        session=session,
        user=actor,
        action="social_contract.open",
        entity_id=contract_id,
        details={"status": [ContractStatus.draft.value, contract.status.value]},
    )
    if await winners.mayor_elected(
        session=session, election_id=contract.election_id, municipality_id=contract.municipality_id
    ):  # opened after the election: its winner is known, it binds them at once
        await winners.put_in_force(session=session, actor=actor, contract=contract)
    return await view(session=session, contract=contract)


async def new_version(*, session: AsyncSession, actor: User, contract_id: int) -> ContractView:
    """A copy of the last version (introduction, priorities, points, sources) as number n+1,
    to change; the old one stays with its signatures. Only once the last one is frozen."""
    contract = await for_writing(session=session, actor=actor, contract_id=contract_id)
    last = await current_version(session=session, contract_id=contract_id)
    if last.frozen_at is None:
        raise Conflict(_("The current version has not been signed yet: change it directly."))
    copy = ContractVersion(
        contract_id=contract_id, number=last.number + 1, introduction=last.introduction
    )
    session.add(copy)
    await session.flush()
    for item in await priorities_of(session=session, version_id=last.id or 0):
        p = item.priority
        priority = ContractPriority(
            version_id=copy.id or 0,
            position=p.position,
            title=p.title,
            description=p.description,
            topic_id=p.topic_id,
            written_by_hand=p.written_by_hand,
        )
        session.add(priority)
        await session.flush()
        pid = priority.id or 0
        session.add_all(
            PriorityPoint(priority_id=pid, number=x.number, text=x.text) for x in item.points
        )
        session.add_all(
            PriorityCommitment(priority_id=pid, commitment_id=c) for c in item.commitment_ids
        )
        session.add_all(PriorityQuestion(priority_id=pid, question_id=q) for q in item.question_ids)
    await session.flush()
    touch(contract)
    audit.record(
        session=session,
        user=actor,
        action="social_contract.new_version",
        entity_id=contract_id,
        details={"version": [last.number, copy.number]},
    )
    return await view(session=session, contract=contract)
