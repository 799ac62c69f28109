"""JSON API for attendance: register, list, check in, cancel."""

from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Request, Response

from app.api_answers import (
    CITIZEN_CANCEL,
    CITIZEN_WRITE,
    NO_STORE,
    SIGNED_IN_READ,
    SIGNED_IN_WRITE,
)
from app.deps import (
    CurrentPrincipal,
    DatabaseDep,
    OrganizedEvent,
    SessionDep,
    SettingsDep,
    client_ip,
)
from app.i18n import gettext as _
from app.models import Id
from app.models.attendance import (
    CheckInRequest,
    RegistrationCreate,
    RegistrationDetail,
    RegistrationPublic,
)
from app.services import attendance, checkins, ratelimit, registrants, tickets

router = APIRouter(prefix="/api/v1", tags=["attendance"])


@router.post(
    "/events/{event_id}/registrations",
    response_model=RegistrationPublic,
    status_code=201,
    responses={
        200: {"model": RegistrationPublic, "description": "A retry (same key, same body)"},
        **CITIZEN_WRITE,
    },
    dependencies=NO_STORE,
)
async def register(
    event_id: Id,
    data: RegistrationCreate,
    request: Request,
    response: Response,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            pattern=rf"^{tickets.KEY_PATTERN.pattern}$",
            description="20 to 64 random URL-safe characters (A-Z, a-z, 0-9, - and _), "
            "new for each registration.",
        ),
    ] = None,
) -> RegistrationPublic:
    """Registers a citizen: `confirmed` while places last, then `waitlisted`.

    Send an `Idempotency-Key` header to make retries safe: the same key with the same body
    returns the same registration (200 instead of 201); the same key with another body is
    refused (422). A full event with no waitlist space, or a closed registration, answers 409;
    missing consent 422.
    """
    await ratelimit.guard(db=db, settings=settings, kind="registration", ip=client_ip(request))
    ticket = await attendance.register(
        session=session,
        event_id=event_id,
        data=data,
        secret=settings.secret_key,
        idempotency_key=idempotency_key,
    )
    await session.commit()
    if not ticket.created:
        response.status_code = 200
    return RegistrationPublic(
        id=ticket.registration.id or 0,
        status=ticket.registration.status,
        code=ticket.registration.code,
        ticket_url=f"{settings.base_url}/r/{ticket.token}",
    )


@router.get(
    "/events/{event_id}/registrations",
    response_model=list[RegistrationDetail],
    responses=SIGNED_IN_READ,
    dependencies=NO_STORE,
)
async def list_registrations(
    organized: OrganizedEvent, principal: CurrentPrincipal, session: SessionDep
) -> list[RegistrationDetail]:
    """Every registration of the event, personal data included: its organizers only (another
    organization's draft is not found)."""
    rows = await registrants.list_registrations(
        session=session, actor=principal.user, event_id=organized.id or 0
    )
    return [RegistrationDetail.model_validate(r, from_attributes=True) for r in rows]


@router.post(
    "/events/{event_id}/checkins",
    response_model=RegistrationDetail,
    responses=SIGNED_IN_WRITE,
    dependencies=NO_STORE,
)
async def check_in(
    event_id: Id, data: CheckInRequest, principal: CurrentPrincipal, session: SessionDep
) -> RegistrationDetail:
    """Checks in the holder of `code`; checking in twice is not an error (see checked_in_at)."""
    result = await checkins.check_in(
        session=session, actor=principal.user, event_id=event_id, code=data.code
    )
    await session.commit()
    return RegistrationDetail.model_validate(result.registration, from_attributes=True)


@router.delete(
    "/registrations/{token}",
    response_model=RegistrationPublic,
    responses=CITIZEN_CANCEL,
    dependencies=NO_STORE,
)
async def cancel(token: str, session: SessionDep) -> RegistrationPublic:
    """Cancels with the citizen's private token; the first on the waitlist takes the place."""
    registration = await tickets.registration_by_token(session=session, token=token)
    if registration is None:
        raise HTTPException(status_code=404, detail=_("No such registration."))
    await attendance.cancel(session=session, registration=registration)
    await session.commit()
    return RegistrationPublic(
        id=registration.id or 0, status=registration.status, code=registration.code
    )
