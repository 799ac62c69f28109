"""Organizer pages for events: list, plan, edit, invitations, publish, cancel, closing report.

The event's own page (and its cards from other areas) is composed in app/pages/manage_event.py.
"""

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import CurrentPrincipal, OrganizedEvent, Principal, SessionDep, get_principal
from app.i18n import format_datetime
from app.i18n import gettext as _
from app.labels import label
from app.models import ID_MAX, EventKind, Id, InvitationStatus, Organization
from app.models.events import EventCreate, EventUpdate
from app.pages.manage_event import event_context, invitation_context
from app.routers.forms import form_values, parse_input, see_other
from app.services import elections, event_rules, events, scheduling
from app.services.access import can_write_for_organization
from app.services.errors import Conflict, InvalidInput, NeedsConfirmation, NotAllowed, ServiceError
from app.templating import is_htmx, render

router = APIRouter(
    prefix="/manage/events", dependencies=[Depends(get_principal)], include_in_schema=False
)
EVENT_FIELDS = (
    "kind",
    "title",
    "description",
    "municipality_id",
    "organization_id",
    "election_id",
    "venue",
    "starts_at",
    "ends_at",
    "capacity",
    "candidate_ids",
    "status",
    "confirm_venue_overlap",
)


@router.get("", name="manage_events")
async def list_events(
    request: Request, principal: CurrentPrincipal, session: SessionDep, when: str = "upcoming"
) -> Response:
    upcoming = when != "past"
    rows = await scheduling.managed_events(session=session, actor=principal.user, upcoming=upcoming)
    return render(
        request,
        "manage/events/list.html",
        {"rows": rows, "when": "upcoming" if upcoming else "past"},
    )


async def _form_context(
    *, session: AsyncSession, principal: Principal, values: dict[str, Any]
) -> dict[str, Any]:
    """Everything the event form offers: municipalities, organizations, elections, candidates."""
    organizations = [
        o
        for o in await elections.list_organizations(session=session)
        if can_write_for_organization(principal.user, o.id)
    ]
    municipality_id = _int(values.get("municipality_id"))
    if municipality_id is None and not principal.is_admin and organizations:
        municipality_id = organizations[0].municipality_id
    candidates = await elections.list_candidates(
        session=session,
        municipality_id=municipality_id,
        election_id=_int(values.get("election_id")),
    )
    return {
        "values": values,
        "kind_options": [(k.value, label(k)) for k in EventKind],
        "municipality_options": [
            (m.id, m.name) for m in await elections.list_municipalities(session=session)
        ],
        "organization_options": [(o.id, o.name) for o in organizations],
        "election_options": [
            (row.election.id, row.election.name)
            for row in await elections.list_elections(session=session)
        ],
        "candidate_options": [(row.candidate.id, _candidate_label(row)) for row in candidates],
    }


def _candidate_label(row: elections.CandidateListing) -> str:
    party = row.party.abbreviation if row.party else _("independent")
    office = label(row.candidate.office)
    return (
        f"{row.candidate.full_name} ({party}) · {office}, {row.municipality.name}"
        f" · {row.election.name}"
    )


def _int(value: Any) -> int | None:
    """An id typed into the form, or None (empty, not a number, or no id of ours)."""
    try:
        number = int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None
    return number if number is not None and 1 <= number <= ID_MAX else None


def _event_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The event's fields of a form; an emptied description is an empty one (the others are
    required, and an emptied one is refused next to its field)."""
    fields = {k: v for k, v in values.items() if k in EVENT_FIELDS}
    if "description" in fields and fields["description"] is None:
        fields["description"] = ""
    # a ticked box sends "true", an unticked one nothing
    fields["confirm_venue_overlap"] = values.get("confirm_venue_overlap") == "true"
    return fields


@router.get("/new", name="new_event")
async def new_event(request: Request, principal: CurrentPrincipal, session: SessionDep) -> Response:
    values: dict[str, Any] = {
        "kind": EventKind.forum.value,
        "status": "scheduled",
        "candidate_ids": [],
    }
    if principal.user.organization_id:
        values["organization_id"] = principal.user.organization_id
        organization = await session.get(Organization, principal.user.organization_id)
        if organization is not None:
            values["municipality_id"] = organization.municipality_id
    context = await _form_context(session=session, principal=principal, values=values)
    return render(request, "manage/events/form.html", {**context, "event": None, "errors": {}})


@router.get("/candidate-options", name="event_candidate_options")
async def candidate_options(
    request: Request, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """The candidate checkboxes for the municipality and election chosen (htmx)."""
    values = form_values(request.query_params, lists=["candidate_ids"])  # type: ignore[arg-type]
    context = await _form_context(session=session, principal=principal, values=values)
    return render(request, "manage/events/_candidate_choices.html", {**context, "errors": {}})


@router.post("", name="create_event")
async def create_event(
    request: Request, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    values = form_values(await request.form(), lists=["candidate_ids"])
    try:
        data = parse_input(EventCreate, _event_fields(values), rules=[event_rules.field_errors])
        event = await scheduling.create_event(
            session=session,
            actor=principal.user,
            data=data,
            ask_first=values.get("confirm") != "true",  # the box ticked once the page asked
        )
    except ServiceError as error:
        await session.rollback()
        return await _form_again(request, session, principal, values, error, event=None)
    await session.commit()
    return see_other(f"/manage/events/{event.id}")


async def _form_again(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    values: dict[str, Any],
    error: ServiceError,
    *,
    event: Any,
) -> Response:
    """The form once more, with what was typed and the message next to the field at fault."""
    context = await _form_context(session=session, principal=principal, values=values)
    asked = isinstance(error, NeedsConfirmation) and error.field == "confirm"
    errors = (
        error.errors
        if isinstance(error, InvalidInput)
        else {}
        if asked
        else {error.field or "__all__": error.message}
    )
    status = error.status_code if not isinstance(error, InvalidInput) else 400
    return render(
        request,
        "manage/events/form.html",
        {
            **context,
            "event": event,
            "errors": errors,
            "venue_warning": isinstance(error, NeedsConfirmation) and error.field == "venue",
            "ask": error.message if asked else None,
        },
        status_code=status,
    )


async def _event_or_404(session: AsyncSession, event_id: int) -> events.EventListing:
    item = await events.get_event(session=session, event_id=event_id)
    if item is None:
        raise HTTPException(status_code=404)
    return item


@router.get("/{event_id}", name="manage_event")
async def event_page(
    request: Request, event_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Any organizer reads a public event's page; a draft only its organization (and admins):
    for the others it is not found, as an unknown event."""
    item = await _event_or_404(session, event_id)
    if not events.is_visible(item.event, principal.user):
        raise HTTPException(status_code=404)
    context = await event_context(session=session, item=item, user=principal.user)
    return render(request, "manage/events/detail.html", context)


@router.get("/{event_id}/edit", name="edit_event")
async def edit_event(
    request: Request, organized: OrganizedEvent, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    item = await _event_or_404(session, organized.id or 0)
    event = item.event
    values = event.model_dump()
    values["candidate_ids"] = [c.candidate.id for c in item.candidates]
    values["starts_at"] = _local_input(event.starts_at)
    values["ends_at"] = _local_input(event.ends_at)
    context = await _form_context(session=session, principal=principal, values=values)
    return render(request, "manage/events/form.html", {**context, "event": event, "errors": {}})


def _local_input(value: datetime) -> str:
    """A UTC time as a datetime-local field shows it: Tirana wall-clock time."""
    return format_datetime(value, "yyyy-MM-dd'T'HH:mm")


@router.post("/{event_id}", name="update_event")
async def update_event(
    request: Request, organized: OrganizedEvent, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    event_id = organized.id or 0
    values = form_values(await request.form(), lists=["candidate_ids"])
    changes = {
        k: v for k, v in _event_fields(values).items() if k not in {"organization_id", "status"}
    }
    try:
        data = parse_input(EventUpdate, changes, rules=[event_rules.field_errors])
        await scheduling.update_event(
            session=session, actor=principal.user, event_id=event_id, data=data
        )
    except ServiceError as error:
        await session.rollback()
        if isinstance(error, NotAllowed):
            raise HTTPException(status_code=403, detail=error.message) from error
        item = await _event_or_404(session, event_id)
        values["organization_id"] = item.event.organization_id
        return await _form_again(request, session, principal, values, error, event=item.event)
    await session.commit()
    return see_other(f"/manage/events/{event_id}")


@router.post("/{event_id}/status", name="change_event_status")
async def change_status(
    request: Request, organized: OrganizedEvent, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Publish, back to draft, cancel (with a reason), reinstate, or mark held with a report;
    who may is settled (OrganizedEvent) before the form is read."""
    event_id = organized.id or 0
    values = form_values(await request.form())
    fields = (
        "status",
        "cancel_reason",
        "report_attendees",
        "report_summary",
        "report_participants",
    )
    try:
        data = parse_input(
            EventUpdate, {k: values.get(k) for k in fields if values.get(k) is not None}
        )
        await scheduling.update_event(
            session=session,
            actor=principal.user,
            event_id=event_id,
            data=data,
            ask_first=values.get("confirm") != "true",  # "yes, do it" once the page asked
        )
    except ServiceError as error:
        await session.rollback()
        if isinstance(error, NotAllowed):
            raise HTTPException(status_code=403, detail=error.message) from error
        item = await _event_or_404(session, event_id)
        asked = isinstance(error, NeedsConfirmation) and error.field == "confirm"
        errors = error.errors if isinstance(error, InvalidInput) else {"status": error.message}
        context = await event_context(
            session=session,
            item=item,
            user=principal.user,
            errors={} if asked else errors,
            values=values,
        )
        if asked:  # the question, with the same form again and a "yes" (status 409)
            context["ask"] = {"message": error.message, "values": values}
        return render(
            request, "manage/events/detail.html", context, status_code=409 if asked else 400
        )
    await session.commit()
    return see_other(f"/manage/events/{event_id}")


@router.post("/{event_id}/candidates/{candidate_id}", name="set_event_invitation")
async def set_invitation(
    request: Request,
    organized: OrganizedEvent,
    candidate_id: Id,
    principal: CurrentPrincipal,
    session: SessionDep,
) -> Response:
    """One click (htmx swaps the row) or a plain form (303 back to the event)."""
    event_id = organized.id or 0
    values = form_values(await request.form())
    error: str | None = None
    try:
        status = InvitationStatus(values.get("status") or "")
    except ValueError:
        status, error = None, _("Choose one of the options.")
    if status is not None:
        try:
            await scheduling.set_invitation(
                session=session,
                actor=principal.user,
                event_id=event_id,
                candidate_id=candidate_id,
                status=status,
            )
            await session.commit()
        except (Conflict, InvalidInput) as refusal:
            await session.rollback()
            error = (
                refusal.message
                if isinstance(refusal, Conflict)
                else "; ".join(refusal.errors.values())
            )
        except NotAllowed as refusal:
            raise HTTPException(status_code=403, detail=refusal.message) from refusal
    item = await _event_or_404(session, event_id)
    if is_htmx(request):
        row = next((c for c in item.candidates if c.candidate.id == candidate_id), None)
        if row is None:
            raise HTTPException(status_code=404)
        return render(
            request,
            "manage/events/_invitation.html",
            {**invitation_context(item, principal.user), "row": row, "row_error": error},
            status_code=409 if error else 200,
        )
    if error:
        context = await event_context(
            session=session, item=item, user=principal.user, invitation_error=(candidate_id, error)
        )
        return render(request, "manage/events/detail.html", context, status_code=409)
    return see_other(f"/manage/events/{event_id}#candidates")
