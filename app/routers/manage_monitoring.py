"""Organizer pages of the yearly monitoring: the contracts in force to monitor, a contract's
rounds and the new-round form, a round's page (each priority's assessment, correction and reply
forms, the community meetings, publishing).

Plain forms, 303 after a POST, bad input re-renders the page with the message next to the field
and everything typed kept. The rules are app/services/monitoring.py's, as the JSON API's.
"""

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.deps import CurrentPrincipal, SessionDep
from app.i18n import gettext as _
from app.models import (
    ContractOrganization,
    ContractStatus,
    Event,
    EventKind,
    EventStatus,
    Id,
    Municipality,
    SocialContract,
    User,
)
from app.models.monitoring import AssessmentInput, CorrectionInput, ReplyInput, RoundCreate
from app.pages.monitoring import reason_names, status_names
from app.routers.forms import form_values, parse_input, see_other
from app.services import contract_access, monitoring, monitoring_meetings, monitoring_views
from app.services.access import is_admin
from app.services.errors import InvalidInput, NotAllowed, NotFound, ServiceError
from app.templating import render

router = APIRouter(prefix="/manage/monitoring", include_in_schema=False)


def _refused(error: ServiceError) -> HTTPException:
    return HTTPException(status_code=error.status_code, detail=error.message)


async def _writable_contract(session: AsyncSession, user: User, contract_id: int) -> SocialContract:
    contract = await session.get(SocialContract, contract_id)
    if contract is None:
        raise HTTPException(status_code=404)
    try:
        await contract_access.require_writer(session=session, user=user, contract=contract)
    except NotAllowed as error:
        raise _refused(error) from error
    return contract


@router.get("", name="manage_monitoring")
async def contracts(request: Request, principal: CurrentPrincipal, session: SessionDep) -> Response:
    """The contracts in force this organizer monitors (every one, for an admin)."""
    query = (
        select(SocialContract, Municipality)
        .join(Municipality, col(Municipality.id) == SocialContract.municipality_id)
        .where(col(SocialContract.status) == ContractStatus.in_force)
        .order_by(col(Municipality.name), col(SocialContract.term_start).desc())
    )
    if not is_admin(principal.user):
        query = query.join(
            ContractOrganization, col(ContractOrganization.contract_id) == SocialContract.id
        ).where(col(ContractOrganization.organization_id) == principal.user.organization_id)
    listed = []
    for contract, municipality in await session.execute(query):
        rounds = await monitoring_views.rounds_of(
            session=session, contract_id=contract.id or 0, drafts=True
        )
        listed.append((contract, municipality, rounds))
    return render(request, "manage/monitoring/contracts.html", {"contracts": listed})


async def _contract_page(
    request: Request,
    session: AsyncSession,
    contract: SocialContract,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    municipality = await session.get(Municipality, contract.municipality_id)
    context = {
        "contract": contract,
        "municipality": municipality,
        "rounds": await monitoring_views.rounds_of(
            session=session, contract_id=contract.id or 0, drafts=True
        ),
        "values": values or {},
        "errors": errors or {},
    }
    return render(request, "manage/monitoring/contract.html", context, status_code=status_code)


@router.get("/contracts/{contract_id}", name="manage_monitoring_contract")
async def contract_page(
    request: Request, contract_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    contract = await _writable_contract(session, principal.user, contract_id)
    return await _contract_page(request, session, contract)


@router.post("/contracts/{contract_id}/rounds", name="manage_monitoring_create_round")
async def create_round(
    request: Request, contract_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    contract = await _writable_contract(session, principal.user, contract_id)
    values = form_values(await request.form())
    try:
        data = parse_input(RoundCreate, values)
        round_ = await monitoring.create_round(
            session=session, actor=principal.user, contract_id=contract_id, data=data
        )
    except ServiceError as error:
        await session.rollback()
        errors = error.errors if isinstance(error, InvalidInput) else {"__all__": error.message}
        contract = await _writable_contract(session, principal.user, contract_id)
        status = 422 if isinstance(error, InvalidInput) else error.status_code
        return await _contract_page(
            request, session, contract, values=values, errors=errors, status_code=status
        )
    await session.commit()
    return see_other(f"/manage/monitoring/rounds/{round_.id}")


# --- a round ---------------------------------------------------------------------------------


async def _round_page(
    request: Request,
    session: AsyncSession,
    user: User,
    round_id: int,
    *,
    form: str | None = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The round's page; `form` names the form that failed ("assess-3", "publish", …)."""
    try:
        round_, contract = await monitoring.writable_round(
            session=session, actor=user, round_id=round_id
        )
    except (NotFound, NotAllowed) as error:
        raise _refused(error) from error
    view = await monitoring_views.round_view(session=session, round_=round_, contract=contract)
    linked = {m.event.id for m in view.meetings}
    options = (
        await session.execute(
            select(Event)
            .where(
                col(Event.kind) == EventKind.community_meeting,
                col(Event.municipality_id) == contract.municipality_id,
                col(Event.status).in_([EventStatus.scheduled, EventStatus.held]),
            )
            .order_by(col(Event.starts_at).desc())
        )
    ).scalars()
    context = {
        "view": view,
        "status_names": status_names(),
        "reason_names": reason_names(),
        "meeting_options": [
            (e.id, f"{e.title} · {e.starts_at:%Y-%m-%d}") for e in options if e.id not in linked
        ],
        "form": form,
        "values": values or {},
        "errors": errors or {},
        "period_over": round_.period_end < monitoring.local_today(),
    }
    return render(request, "manage/monitoring/round.html", context, status_code=status_code)


@router.get("/rounds/{round_id}", name="manage_monitoring_round")
async def round_page(
    request: Request, round_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    return await _round_page(request, session, principal.user, round_id)


async def _post(
    request: Request,
    session: AsyncSession,
    user: User,
    round_id: int,
    form: str,
    action: Any,
    anchor: str,
) -> Response:
    """Runs one form's change; on a refusal, the round's page again with the form's errors."""
    try:  # who may write comes first: 404, 403, before the form is read
        await monitoring.writable_round(session=session, actor=user, round_id=round_id)
    except (NotFound, NotAllowed) as error:
        raise _refused(error) from error
    values = form_values(await request.form())
    try:
        await action(values)
    except ServiceError as error:
        await session.rollback()
        if isinstance(error, NotFound | NotAllowed):
            raise _refused(error) from error
        errors = error.errors if isinstance(error, InvalidInput) else {"__all__": error.message}
        status = 422 if isinstance(error, InvalidInput) else error.status_code
        return await _round_page(
            request,
            session,
            user,
            round_id,
            form=form,
            values=values,
            errors=errors,
            status_code=status,
        )
    await session.commit()
    return see_other(f"/manage/monitoring/rounds/{round_id}#{anchor}")


@router.post("/rounds/{round_id}/assessments/{priority_id}", name="manage_monitoring_assess")
async def assess(
    request: Request,
    round_id: Id,
    priority_id: Id,
    principal: CurrentPrincipal,
    session: SessionDep,
) -> Response:
    async def action(values: dict[str, Any]) -> None:
        data = parse_input(AssessmentInput, values)
        await monitoring.assess(
            session=session,
            actor=principal.user,
            round_id=round_id,
            priority_id=priority_id,
            data=data,
        )

    return await _post(
        request,
        session,
        principal.user,
        round_id,
        f"assess-{priority_id}",
        action,
        f"priority-{priority_id}",
    )


@router.post(
    "/rounds/{round_id}/assessments/{priority_id}/corrections", name="manage_monitoring_correct"
)
async def correct(
    request: Request,
    round_id: Id,
    priority_id: Id,
    principal: CurrentPrincipal,
    session: SessionDep,
) -> Response:
    async def action(values: dict[str, Any]) -> None:
        data = parse_input(CorrectionInput, values)
        await monitoring.correct(
            session=session,
            actor=principal.user,
            round_id=round_id,
            priority_id=priority_id,
            data=data,
        )

    return await _post(
        request,
        session,
        principal.user,
        round_id,
        f"correct-{priority_id}",
        action,
        f"priority-{priority_id}",
    )


@router.post("/rounds/{round_id}/assessments/{priority_id}/reply", name="manage_monitoring_reply")
async def reply(
    request: Request,
    round_id: Id,
    priority_id: Id,
    principal: CurrentPrincipal,
    session: SessionDep,
) -> Response:
    async def action(values: dict[str, Any]) -> None:
        data = parse_input(ReplyInput, values)
        await monitoring.reply(
            session=session,
            actor=principal.user,
            round_id=round_id,
            priority_id=priority_id,
            data=data,
        )

    return await _post(
        request,
        session,
        principal.user,
        round_id,
        f"reply-{priority_id}",
        action,
        f"priority-{priority_id}",
    )


@router.post("/rounds/{round_id}/publish", name="manage_monitoring_publish")
async def publish(
    request: Request, round_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    async def action(values: dict[str, Any]) -> None:
        await monitoring.publish(session=session, actor=principal.user, round_id=round_id)

    return await _post(request, session, principal.user, round_id, "publish", action, "publish")


@router.post("/rounds/{round_id}/events", name="manage_monitoring_link_event")
async def link_event(
    request: Request, round_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    async def action(values: dict[str, Any]) -> None:
        event_id = values.get("event_id")
        if not event_id or not str(event_id).isdigit():
            raise InvalidInput({"event_id": _("Choose a community meeting from the list.")})
        await monitoring_meetings.link_event(
            session=session, actor=principal.user, round_id=round_id, event_id=int(event_id)
        )

    return await _post(request, session, principal.user, round_id, "meetings", action, "meetings")


@router.post("/rounds/{round_id}/events/{event_id}/remove", name="manage_monitoring_unlink_event")
async def unlink_event(
    request: Request, round_id: Id, event_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    async def action(values: dict[str, Any]) -> None:
        await monitoring_meetings.unlink_event(
            session=session, actor=principal.user, round_id=round_id, event_id=event_id
        )

    return await _post(request, session, principal.user, round_id, "meetings", action, "meetings")
