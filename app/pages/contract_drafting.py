"""The organizer's drafting page of a contract: its current version with the priorities, every
source side by side (app/services/contract_sources.py), the signatures per version, the
adoption. Rendered by app/routers/manage_contracts.py and manage_signatures.py, which re-render
it with the failed form's values and errors (`failed` names that form)."""

from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app import i18n
from app.i18n import gettext as _
from app.labels import label
from app.models import (
    Candidate,
    ContractStatus,
    Election,
    Event,
    Municipality,
    Organization,
    SignatureStatus,
    SocialContract,
    User,
)
from app.services import contract_sources, contract_versions, topics
from app.services.contract_access import can_write, organization_ids
from app.services.contract_versions import PriorityView
from app.services.errors import InvalidInput, NotAllowed, ServiceError
from app.templating import render


async def writable_contract(session: AsyncSession, user: User, contract_id: int) -> SocialContract:
    """The contract of the path for its writers: 404 if this user may not see it, then 403."""
    try:
        contract = await contract_versions.visible(
            session=session, contract_id=contract_id, viewer=user
        )
    except ServiceError as error:
        raise HTTPException(status_code=404) from error
    ids = await organization_ids(session=session, contract_id=contract_id)
    if not can_write(user, ids):
        raise HTTPException(
            status_code=403, detail=_("Only the organizations behind this contract may change it.")
        )
    return contract


def refusal(error: ServiceError) -> tuple[dict[str, str], int]:
    """The messages for the form, and the status: 400 invalid, 403, 409, 413."""
    if isinstance(error, InvalidInput):
        return error.errors, 400
    status = 403 if isinstance(error, NotAllowed) else error.status_code
    return {error.field or "__all__": error.message}, status


def lines(text: str | None) -> list[str]:
    """A textarea's points, one a line, empty lines skipped."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


async def drafting_page(
    request: Request,
    session: AsyncSession,
    user: User,
    contract: SocialContract,
    *,
    failed: str | None = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    view = await contract_versions.view(session=session, contract=contract)
    locale = i18n.get_locale()
    municipality = await session.get(Municipality, contract.municipality_id)
    election = await session.get(Election, contract.election_id)
    candidates = list(
        (
            await session.execute(
                select(Candidate)
                .where(
                    col(Candidate.municipality_id) == contract.municipality_id,
                    col(Candidate.election_id) == contract.election_id,
                )
                .order_by(col(Candidate.office), col(Candidate.full_name))
            )
        ).scalars()
    )
    groups = await contract_sources.by_topic(session=session, contract=contract, locale=locale)
    events: dict[int, Event] = {}
    for group in groups:
        for q in group.questions:
            events[q.event.id or 0] = q.event
        for c in group.commitments:
            events[c.event.id or 0] = c.event
    for signature, _n in view.signatures:
        if signature.event_id and signature.event_id not in events:
            event = await session.get(Event, signature.event_id)
            if event is not None:
                events[event.id or 0] = event
    organizations = [
        o
        for o in (await session.execute(select(Organization).order_by(Organization.name))).scalars()
        if o.id in view.organization_ids
    ]
    all_topics = await topics.list_topics(session=session)
    context = {
        "view": view,
        "contract": contract,
        "municipality": municipality,
        "election": election,
        "organizations": organizations,
        "can_write": can_write(user, view.organization_ids),
        "groups": groups,
        "question_sources": {q.question.id: q for g in groups for q in g.questions},
        "commitment_sources": {c.commitment.id: c for g in groups for c in g.commitments},
        "events": events,
        "event_options": [(e.id, f"{e.title} · {e.starts_at:%d.%m.%Y}") for e in events.values()],
        "candidates": {c.id: c for c in candidates},
        "candidate_options": [(c.id, f"{c.full_name} ({label(c.office)})") for c in candidates],
        "topic_options": [(t.id, topics.topic_name(t, locale)) for t in all_topics],
        "topic_names": {t.id: topics.topic_name(t, locale) for t in all_topics},
        "status_options": [(s.value, label(s)) for s in SignatureStatus],
        "in_force": contract.status == ContractStatus.in_force,
        "failed": failed,
        "values": values or {},
        "errors": errors or {},
    }
    return render(request, "manage/contracts/drafting.html", context, status_code=status_code)


async def priority_page(
    request: Request,
    session: AsyncSession,
    contract: SocialContract,
    item: PriorityView,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """One priority's edit form, with the contract's sources to tick."""
    locale = i18n.get_locale()
    p = item.priority
    context = {
        "contract": contract,
        "item": item,
        "values": values
        or {
            "title": p.title,
            "description": p.description,
            "topic_id": p.topic_id,
            "points": "\n".join(point.text for point in item.points),
            "commitment_ids": item.commitment_ids,
            "question_ids": item.question_ids,
        },
        "errors": errors or {},
        "groups": await contract_sources.by_topic(
            session=session, contract=contract, locale=locale
        ),
        "topic_options": [
            (t.id, topics.topic_name(t, locale)) for t in await topics.list_topics(session=session)
        ],
    }
    return render(request, "manage/contracts/priority.html", context, status_code=status_code)
