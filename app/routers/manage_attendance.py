"""Organizer pages for attendance: the registrations list and its CSV, the check-in desk with
walk-ins, and the live counts fragment.

Registrations are personal data: every route here is for the organizing organization and
network admins only, checked (404, then 403; app/deps.py) before any input is read. The domain
logic is app/services/ (attendance, checkins, registrants, tickets); these handlers only parse
input and render. The attendance card of the organizer's event page is app/pages/manage_event.py.
"""

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import CurrentPrincipal, RegistrationsEvent, SessionDep, get_principal
from app.i18n import gettext as _
from app.labels import label
from app.models import AgeGroup, Event, Gender, Registration, RegistrationStatus
from app.models.attendance import RegistrationCreate
from app.routers.forms import form_values, parse_input, see_other
from app.services import attendance, checkins, registrants, tickets
from app.services.errors import Conflict, InvalidInput, NeedsConfirmation, NotAllowed, NotFound
from app.templating import is_htmx, render

router = APIRouter(
    prefix="/manage/events", dependencies=[Depends(get_principal)], include_in_schema=False
)
Search = Annotated[str, Query(max_length=100)]
Filter = Annotated[str, Query(max_length=20)]
STATUS_TABS = ("", "confirmed", "waitlisted", "checked_in", "cancelled")
STATUSES = {s.value for s in RegistrationStatus}
PERSONAL = {"Cache-Control": "no-store"}  # names and contacts: kept by no cache, not even ours
WALK_IN_FIELDS = ("name", "gender", "age_group", "consent")


@dataclass(frozen=True)
class DeskResult:
    """What the big box on the desk says after a code or a walk-in."""

    outcome: Literal["checked_in", "already", "walk_in", "unknown", "cancelled", "missing", "early"]
    registration: Registration | None = None
    code: str = ""
    message: str = ""


# --- the registrations list and its CSV ------------------------------------------------------


@router.get("/{event_id}/registrations", name="event_registrations")
async def registrations(
    request: Request,
    event: RegistrationsEvent,
    principal: CurrentPrincipal,
    session: SessionDep,
    q: Search = "",
    status: Filter = "",
) -> Response:
    """Every registration, by status tab and search; htmx swaps only the results."""
    status = status if status in STATUS_TABS else ""
    rows = await registrants.list_registrations(
        session=session,
        actor=principal.user,
        event_id=event.id or 0,
        query=q.strip() or None,
        status=RegistrationStatus(status) if status in STATUSES else None,
    )
    if status == "checked_in":  # not a status of its own: the present, whatever they held
        rows = [r for r in rows if r.checked_in_at is not None]
    context = {
        "event": event,
        "rows": rows,
        "q": q.strip(),
        "status": status,
        "tabs": STATUS_TABS,
        "counts": await attendance.counts(session=session, event_id=event.id or 0),
    }
    return render(
        request, "manage/attendance/registrations.html", context, block="results", headers=PERSONAL
    )


@router.get("/{event_id}/registrations.csv", name="event_registrations_csv")
async def registrations_csv(
    event: RegistrationsEvent, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """All registrations as a spreadsheet (UTF-8 with a BOM, so Excel shows ë and ç)."""
    rows = await registrants.list_registrations(
        session=session, actor=principal.user, event_id=event.id or 0
    )
    return Response(
        registrants.registrations_csv(rows).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="registrations-{event.id}.csv"',
            **PERSONAL,
        },
    )


# --- the check-in desk -----------------------------------------------------------------------


@router.get("/{event_id}/checkin", name="checkin_desk")
async def checkin_desk(
    request: Request,
    event: RegistrationsEvent,
    principal: CurrentPrincipal,
    session: SessionDep,
    walk_in: Filter = "",
) -> Response:
    """The desk at the door; after a walk-in without JavaScript, says who was let in."""
    result = None
    if walk_in:
        code = tickets.normalize_code(walk_in)
        found = await registrants.list_registrations(
            session=session, actor=principal.user, event_id=event.id or 0, query=code
        )
        match = next((r for r in found if r.code == code), None)
        result = DeskResult("walk_in", match, code) if match else None
    return await _desk(request, session, event, result=result)


@router.post("/{event_id}/checkin", name="checkin")
async def checkin(
    request: Request, event: RegistrationsEvent, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Checks a code in; the big box says who, or why not. A second time says when."""
    values = form_values(await request.form())
    typed = values.get("code") or ""
    if not typed:
        result = DeskResult("missing", message=_("Type the code from the ticket."))
        return await _desk_answer(request, session, event, result, status=400)
    code = tickets.normalize_code(typed)[:16]
    try:
        done = await checkins.check_in(
            session=session,
            actor=principal.user,
            event_id=event.id or 0,
            code=code,
            ask_first=values.get("confirm") != "true",  # "check in anyway" once asked
        )
    except NotAllowed as error:
        raise HTTPException(status_code=403, detail=error.message) from error
    except NeedsConfirmation as error:  # more than a day early: the desk asks first
        await session.rollback()
        await session.refresh(event)
        result = DeskResult("early", code=code, message=error.message)
    except NotFound as error:
        result = DeskResult("unknown", code=code, message=error.message)
    except Conflict as error:
        result = DeskResult("cancelled", code=code, message=error.message)
    else:
        outcome: Literal["already", "checked_in"] = "already" if done.already else "checked_in"
        result = DeskResult(outcome, done.registration, done.registration.code)
        await session.commit()
    return await _desk_answer(request, session, event, result)


@router.post("/{event_id}/walk-in", name="walk_in")
async def walk_in(
    request: Request, event: RegistrationsEvent, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Someone who came without registering: registered and checked in, in one step."""
    event_id = event.id or 0
    values = form_values(await request.form())
    values["consent"] = values.get("consent") == "true"
    try:
        data = parse_input(
            RegistrationCreate, {k: v for k, v in values.items() if k in WALK_IN_FIELDS}
        )
        registration = await checkins.walk_in(
            session=session, actor=principal.user, event_id=event_id, data=data
        )
    except NotAllowed as error:
        raise HTTPException(status_code=403, detail=error.message) from error
    except (InvalidInput, NotFound, Conflict) as error:
        await session.rollback()
        errors = error.errors if isinstance(error, InvalidInput) else {"name": error.message}
        await session.refresh(event)  # the rollback expired it
        if not is_htmx(request):
            return await _desk(request, session, event, values=values, errors=errors, status=400)
        context = {"event": event, "values": values, "errors": errors, **_walk_in_options()}
        return render(request, "manage/attendance/_walk_in_answer.html", context, status_code=400)
    await session.commit()
    if not is_htmx(request):
        return see_other(f"/manage/events/{event_id}/checkin?walk_in={registration.code}")
    context = {
        "event": event,
        "values": {},
        "errors": {},
        "result": DeskResult("walk_in", registration, registration.code),
        "counts": await attendance.counts(session=session, event_id=event_id),
        **_walk_in_options(),
    }
    return render(request, "manage/attendance/_walk_in_answer.html", context, headers=PERSONAL)


@router.get("/{event_id}/counts", name="event_counts")
async def event_counts(
    request: Request, event: RegistrationsEvent, session: SessionDep
) -> Response:
    """The live counts, on their own (the desk and the event page poll them)."""
    counts = await attendance.counts(session=session, event_id=event.id or 0)
    return render(request, "manage/attendance/_counts.html", {"event": event, "counts": counts})


async def _desk(
    request: Request,
    session: AsyncSession,
    event: Event,
    *,
    result: DeskResult | None = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The desk page; for htmx only the result box, with the counts out of band."""
    context = {
        "event": event,
        "result": result,
        "counts": await attendance.counts(session=session, event_id=event.id or 0),
        "values": values or {},
        "errors": errors or {},
        "oob": is_htmx(request),
        **_walk_in_options(),
    }
    return render(
        request,
        "manage/attendance/desk.html",
        context,
        block="result",
        status_code=status,
        headers=PERSONAL,
    )


async def _desk_answer(
    request: Request, session: AsyncSession, event: Event, result: DeskResult, *, status: int = 200
) -> Response:
    """The answer to a code: 200 whatever the box says (an unknown code too, so that htmx
    swaps it in); 400 only when no code came."""
    response = await _desk(request, session, event, result=result, status=status)
    await session.rollback()  # nothing left to write; ends the lock on the event's row
    return response


def _walk_in_options() -> dict[str, list[tuple[str, str]]]:
    return {
        "gender_options": [(m.value, label(m)) for m in Gender],
        "age_group_options": [(m.value, label(m)) for m in AgeGroup],
    }
