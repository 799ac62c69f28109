"""The citizen's side of attendance: the registration form, the private ticket page, cancelling,
and the privacy notice. No account: the ticket's link is the key (app/private.py).

The event page (app/routers/events.py) loads the form into its `registration` block with htmx;
without JavaScript its "Register" link opens GET /events/{id}/register, a page of its own.
"""

import re
import secrets
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from app import private, ticket_cookie
from app.deps import DatabaseDep, SessionDep, SettingsDep, client_ip, get_principal
from app.i18n import format_datetime
from app.i18n import gettext as _
from app.labels import label
from app.models import AgeGroup, Event, EventStatus, Gender, Id, Registration, RegistrationStatus
from app.models.attendance import RegistrationCreate
from app.qr import qr_svg
from app.routers.forms import form_values, parse_input, see_other
from app.services import attendance, events, ratelimit, tickets
from app.services.errors import Conflict, InvalidInput
from app.services.ratelimit import RateLimited
from app.share import ShareLink, share_links
from app.templating import is_htmx, render

router = APIRouter(dependencies=[Depends(get_principal)], include_in_schema=False)

FIELDS = ("name", "phone", "email", "gender", "age_group", "consent")
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def gender_options() -> list[tuple[str, str]]:
    return [(gender.value, label(gender)) for gender in Gender]


def age_group_options() -> list[tuple[str, str]]:
    return [(group.value, label(group)) for group in AgeGroup]


async def form_context(
    *,
    session: AsyncSession,
    event: Event,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
) -> dict[str, Any]:
    """What the registration block needs: the state, a fresh (or kept) one-time key, the options."""
    values = dict(values or {})
    if not KEY_PATTERN.fullmatch(values.get("idempotency_key") or ""):
        values["idempotency_key"] = secrets.token_urlsafe(24)
    counts = await attendance.counts(session=session, event_id=event.id or 0)
    return {
        "event": event,
        "state": attendance.registration_state(event, counts),
        "counts": counts,
        "values": values,
        "errors": errors or {},
        "message": message,
        "gender_options": gender_options(),
        "age_group_options": age_group_options(),
    }


@router.get("/events/{event_id}/register", name="register_form")
async def register_form(
    request: Request, event_id: Id, session: SessionDep, settings: SettingsDep
) -> Response:
    """The form on a page of its own (no JavaScript), or the event page's block (htmx); with
    a link to the tickets this browser registered for the event (app/ticket_cookie.py)."""
    listing = await events.visible_event(session=session, event_id=event_id)
    context = await form_context(session=session, event=listing.event)
    mine = await _my_tickets(request, session, settings.secret_key, event_id)
    return render(
        request,
        "public/register.html",
        {"item": listing, **context, "my_tickets": mine},
        block="registration",
        # a ticket's link is in it: private, as the ticket itself (app/private.py)
        headers=private.PRIVATE_HEADERS if mine else None,
    )


async def _my_tickets(
    request: Request, session: AsyncSession, secret: str, event_id: int
) -> list[tuple[str, Registration]]:
    """This browser's live tickets for the event: (token, registration), newest first."""
    found = []
    for token in ticket_cookie.read(request, secret=secret, event_id=event_id):
        registration = await tickets.registration_by_token(session=session, token=token)
        if (
            registration is not None
            and registration.event_id == event_id
            and registration.status != RegistrationStatus.cancelled
        ):
            found.append((token, registration))
    return found


@router.post("/events/{event_id}/forget-tickets", name="forget_tickets")
async def forget_tickets(request: Request, event_id: Id, settings: SettingsDep) -> Response:
    """Forgets this event's tickets on this browser (a shared phone): the links stay valid."""
    response: Response = see_other(f"/events/{event_id}")
    if is_htmx(request):
        response = Response(status_code=204, headers={"HX-Redirect": f"/events/{event_id}"})
    ticket_cookie.forget(response, event_id=event_id, secure=settings.https)
    return response


@router.post("/events/{event_id}/register", name="register")
async def register(
    request: Request,
    event_id: Id,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
) -> Response:
    """Registers, then goes to the ticket; a retry with the same key gets the same ticket."""
    limited: RateLimited | None = None
    try:  # first: it counts in a session of its own, before this request's session is used
        await ratelimit.guard(db=db, settings=settings, kind="registration", ip=client_ip(request))
    except RateLimited as error:
        limited = error
    values = form_values(await request.form())
    await events.visible_event(session=session, event_id=event_id)
    if limited is not None:
        message = _(
            "Too many registrations from this network. Please wait %(minutes)s minutes and "
            "try again.",
            minutes=limited.minutes,
        )
        headers = {"Retry-After": str(limited.retry_after)}
        return await _form_again(request, session, event_id, values, {}, message, 429, headers)
    key = values.get("idempotency_key")
    try:
        fields = {k: v for k, v in values.items() if k in FIELDS}
        fields["consent"] = values.get("consent") == "true"  # an unticked box sends nothing
        data = parse_input(RegistrationCreate, fields, rules=[attendance.consent_errors])
        ticket = await attendance.register(
            session=session,
            event_id=event_id,
            data=data,
            secret=settings.secret_key,
            idempotency_key=key if key and KEY_PATTERN.fullmatch(key) else None,
        )
    except attendance.KeyReused:  # this form was sent before with other details: a fresh form
        await session.rollback()
        values.pop("idempotency_key", None)
        message = _("This form was already sent with other details. Check them and send again.")
        return await _form_again(request, session, event_id, values, {}, message, 422)
    except InvalidInput as error:
        await session.rollback()
        return await _form_again(request, session, event_id, values, _messages(error.errors))
    except Conflict as error:  # RegistrationClosed, EventFull
        await session.rollback()
        return await _form_again(request, session, event_id, values, {}, error.message, 409)
    event = await session.get(Event, event_id)  # locked by the registration: no new query
    assert event is not None  # it was just registered for
    ends_at = event.ends_at  # read before the commit expires it
    await session.commit()
    url = request.app.url_path_for("ticket", token=ticket.token)
    response: Response = see_other(url)
    if is_htmx(request):  # the whole page goes to the ticket, so its address is the one to keep
        response = Response(status_code=204, headers={"HX-Redirect": url})
    ticket_cookie.remember(
        response,
        request,
        secret=settings.secret_key,
        event_id=event_id,
        token=ticket.token,
        ends_at=ends_at,
        secure=settings.https,
    )
    return private.protect(response)


def _messages(errors: dict[str, str]) -> dict[str, str]:
    """Says what a valid phone number or e-mail address looks like."""
    better = {
        "phone": _("Write a phone number, e.g. 069 123 4567."),
        "email": _("Write an e-mail address, e.g. name@example.com."),
    }
    invalid = _("This value is not valid.")
    return {k: better[k] if k in better and v == invalid else v for k, v in errors.items()}


async def _form_again(
    request: Request,
    session: AsyncSession,
    event_id: int,
    values: dict[str, Any],
    errors: dict[str, str],
    message: str | None = None,
    status_code: int = 400,
    headers: dict[str, str] | None = None,
) -> Response:
    """The form once more, with everything typed (and the same one-time key) kept."""
    listing = await events.visible_event(
        session=session, event_id=event_id
    )  # afresh: a rollback expired what was read
    context = await form_context(
        session=session, event=listing.event, values=values, errors=errors, message=message
    )
    return render(
        request,
        "public/register.html",
        {"item": listing, **context},
        block="registration",
        status_code=status_code,
        headers=headers,
    )


# --- the ticket ----------------------------------------------------------------------------


def _share(listing: events.EventListing, url: str) -> list[ShareLink]:
    """The ticket's link, to send from this phone (to oneself, to the person it is for)."""
    event = listing.event
    text = _(
        "Ticket for “%(event)s”, %(when)s, %(place)s:",
        event=event.title,
        when=format_datetime(event.starts_at, "d MMMM, HH:mm"),
        place=f"{event.venue}, {listing.municipality.name}",
    )
    return share_links(text, url)


def _ticket_qr(code: str) -> Markup:
    return qr_svg(code, label=_("QR code of your code %(code)s", code=code))


async def _registration(
    request: Request, session: AsyncSession, token: str
) -> Registration | Response:
    """The registration the ticket's link opens, or the private 404."""
    return await private.lookup(
        request,
        tickets.registration_by_token(session=session, token=token),
        missing=_("We could not find this ticket."),
    )


@router.get("/r/{token}", name="ticket")
async def ticket(
    request: Request, token: str, session: SessionDep, settings: SettingsDep
) -> Response:
    found = await _registration(request, session, token)
    if isinstance(found, Response):
        return found
    listing = await events.get_event(session=session, event_id=found.event_id)
    assert listing is not None  # foreign key
    # a cancelled registration, or an event withdrawn (back to draft) or cancelled: no pass
    holds_place = found.status != RegistrationStatus.cancelled and listing.event.status not in (
        EventStatus.draft,
        EventStatus.cancelled,
    )
    context = {
        "registration": found,
        "item": listing,
        "token": token,
        "position": await attendance.waitlist_position(session=session, registration=found),
        "qr": _ticket_qr(found.code) if holds_place else None,
        "share": _share(listing, f"{settings.base_url}/r/{token}") if holds_place else [],
    }
    return private.render(request, "public/ticket.html", context)


@router.get("/r/{token}/cancel", name="cancel_registration_form")
async def cancel_form(request: Request, token: str, session: SessionDep) -> Response:
    found = await _registration(request, session, token)
    if isinstance(found, Response):
        return found
    if found.status == RegistrationStatus.cancelled:
        return private.protect(see_other(request.app.url_path_for("ticket", token=token)))
    listing = await events.get_event(session=session, event_id=found.event_id)
    context = {"registration": found, "item": listing, "token": token}
    return private.render(request, "public/ticket_cancel.html", context)


@router.post("/r/{token}/cancel", name="cancel_registration")
async def cancel(request: Request, token: str, session: SessionDep) -> Response:
    found = await _registration(request, session, token)
    if isinstance(found, Response):
        return found
    await attendance.cancel(session=session, registration=found)
    await session.commit()
    return private.protect(see_other(request.app.url_path_for("ticket", token=token)))


@router.get("/privacy", name="privacy")
async def privacy(request: Request, session: SessionDep) -> Response:
    """The privacy notice, with whom to ask: every organization's public contact."""
    entries = await events.municipality_directory(session=session)
    organizers = [
        (organization, entry.municipality)
        for entry in entries
        for organization in entry.organizations
        if organization.contact
    ]
    return render(request, "public/privacy.html", {"organizers": organizers})
