"""A contract's priorities: add, change, move, delete, in the current version while it is not
frozen (409 after: make a new version).

Priorities are numbered from 1 in their order ("priority 1"), their points from 1 ("point 5");
both are renumbered on every change, so there is never a gap. A priority's sources are citizens'
questions and candidates' commitments of the contract's municipality and election (another →
422 naming `question_ids` or `commitment_ids`); one without any says it was written by hand.
"""

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    ContractPriority,
    ContractVersion,
    PriorityCommitment,
    PriorityPoint,
    PriorityQuestion,
    SocialContract,
    Topic,
    User,
)
from app.models.contracts import ContractPriorityCreate, ContractPriorityUpdate
from app.services import audit, contract_sources
from app.services.contract_versions import PriorityView, current_version, priorities_of
from app.services.contracts import for_writing, require_unfrozen, touch
from app.services.errors import InvalidInput, NotFound


async def _check(
    session: AsyncSession,
    contract: SocialContract,
    values: dict[str, Any],
) -> None:
    errors = await contract_sources.check_links(
        session=session,
        contract=contract,
        commitment_ids=values.get("commitment_ids") or [],
        question_ids=values.get("question_ids") or [],
    )
    topic_id = values.get("topic_id")
    if topic_id is not None and await session.get(Topic, topic_id) is None:
        errors["topic_id"] = _("Choose a topic from the list.")
    if errors:
        raise InvalidInput(errors)


async def _set_points(session: AsyncSession, priority_id: int, points: list[str]) -> None:
    await session.execute(
        delete(PriorityPoint).where(col(PriorityPoint.priority_id) == priority_id)
    )
    await session.flush()
    session.add_all(
        PriorityPoint(priority_id=priority_id, number=n, text=text)
        for n, text in enumerate(points, start=1)
    )


async def _set_sources(
    session: AsyncSession, priority: ContractPriority, commitments: list[int], questions: list[int]
) -> None:
    pid = priority.id or 0
    await session.execute(
        delete(PriorityCommitment).where(col(PriorityCommitment.priority_id) == pid)
    )
    await session.execute(delete(PriorityQuestion).where(col(PriorityQuestion.priority_id) == pid))
    await session.flush()
    session.add_all(
        PriorityCommitment(priority_id=pid, commitment_id=c) for c in sorted(set(commitments))
    )
    session.add_all(
        PriorityQuestion(priority_id=pid, question_id=q) for q in sorted(set(questions))
    )
    priority.written_by_hand = not commitments and not questions


async def _renumber(session: AsyncSession, version_id: int, order: list[int]) -> None:
    """Positions 1 … n in the order of `order` (priority ids)."""
    rows = {
        p.id: p
        for p in (
            await session.execute(
                select(ContractPriority).where(col(ContractPriority.version_id) == version_id)
            )
        ).scalars()
    }
    for position, pid in enumerate(order, start=1):
        rows[pid].position = position


async def add(
    *, session: AsyncSession, actor: User, contract_id: int, data: ContractPriorityCreate
) -> PriorityView:
    """A new priority at the end of the current version's list."""
    contract = await for_writing(session=session, actor=actor, contract_id=contract_id)
    version = await current_version(session=session, contract_id=contract_id)
    require_unfrozen(version)
    await _check(session, contract, data.model_dump())
    existing = await priorities_of(session=session, version_id=version.id or 0)
    priority = ContractPriority(
        version_id=version.id or 0,
        position=len(existing) + 1,
        title=data.title,
        description=data.description,
        topic_id=data.topic_id,
    )
    session.add(priority)
    await session.flush()
    await _set_points(session, priority.id or 0, data.points)
    await _set_sources(session, priority, data.commitment_ids, data.question_ids)
    await session.flush()
    touch(contract)
    audit.record(
        session=session,
        user=actor,
        action="contract_priority.create",
        entity_id=priority.id,
        details={"contract_id": contract_id, **data.model_dump(mode="json")},
    )
    return await get(session=session, priority_id=priority.id or 0)


async def get(*, session: AsyncSession, priority_id: int) -> PriorityView:
    priority = await session.get(ContractPriority, priority_id)
    if priority is None:
        raise NotFound(_("No such priority."))
    views = await priorities_of(session=session, version_id=priority.version_id)
    return next(v for v in views if v.priority.id == priority_id)


async def _for_writing(
    session: AsyncSession, actor: User, priority_id: int
) -> tuple[SocialContract, ContractVersion, ContractPriority]:
    priority = await session.get(ContractPriority, priority_id)
    if priority is None:
        raise NotFound(_("No such priority."))
    version = await session.get(ContractVersion, priority.version_id)
    assert version is not None  # foreign key
    contract = await for_writing(session=session, actor=actor, contract_id=version.contract_id)
    require_unfrozen(version)
    return contract, version, priority


async def update(
    *, session: AsyncSession, actor: User, priority_id: int, data: ContractPriorityUpdate
) -> PriorityView:
    """Changes the fields sent; points and sources sent replace the old ones; a position moves
    it (1 is the top; past the end is the end)."""
    contract, version, priority = await _for_writing(session, actor, priority_id)
    values = data.model_dump(exclude_unset=True)
    for name in ("title", "description", "points", "commitment_ids", "question_ids", "position"):
        if name in values and values[name] is None:
            raise InvalidInput({name: _("This field is required.")})
    await _check(session, contract, values)
    before = await get(session=session, priority_id=priority_id)
    changes: dict[str, Any] = {}
    for name in ("title", "description", "topic_id"):
        if name in values and getattr(priority, name) != values[name]:
            changes[name] = [getattr(priority, name), values[name]]
            setattr(priority, name, values[name])
    if "points" in values and [p.text for p in before.points] != values["points"]:
        changes["points"] = [[p.text for p in before.points], values["points"]]
        await _set_points(session, priority_id, values["points"])
    commitments = values.get("commitment_ids", before.commitment_ids)
    questions = values.get("question_ids", before.question_ids)
    if sorted(set(commitments)) != before.commitment_ids or sorted(set(questions)) != (
        before.question_ids
    ):
        changes["sources"] = {"commitment_ids": commitments, "question_ids": questions}
        await _set_sources(session, priority, commitments, questions)
    if "position" in values and values["position"] != priority.position:
        order = [
            v.priority.id or 0
            for v in await priorities_of(session=session, version_id=version.id or 0)
            if v.priority.id != priority_id
        ]
        order.insert(min(values["position"], len(order) + 1) - 1, priority_id)
        changes["position"] = [priority.position, order.index(priority_id) + 1]
        await _renumber(session, version.id or 0, order)
    if changes:
        await session.flush()
        touch(contract)
        audit.record(
            session=session,
            user=actor,
            action="contract_priority.update",
            entity_id=priority_id,
            details=changes,
        )
    return await get(session=session, priority_id=priority_id)


async def delete_priority(*, session: AsyncSession, actor: User, priority_id: int) -> None:
    """Removes it with its points and links; the ones after it move up."""
    contract, version, priority = await _for_writing(session, actor, priority_id)
    before = await get(session=session, priority_id=priority_id)
    await _set_points(session, priority_id, [])
    await _set_sources(session, priority, [], [])
    await session.delete(priority)
    await session.flush()
    order = [
        v.priority.id or 0 for v in await priorities_of(session=session, version_id=version.id or 0)
    ]
    await _renumber(session, version.id or 0, order)
    touch(contract)
    audit.record(
        session=session,
        user=actor,
        action="contract_priority.delete",
        entity_id=priority_id,
        details={
            "contract_id": contract.id,
            "title": priority.title,
            "points": [p.text for p in before.points],
        },
    )
