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

from app import private
from app.deps import DatabaseDep, SessionDep, SettingsDep, client_ip, get_principal
from app.i18n import gettext as _
from app.labels import label
from app.models import AgeGroup, Event, Gender, Id, Registration, RegistrationStatus
from app.models.attendance import RegistrationCreate
from app.qr import qr_svg
from app.routers.forms import form_values, parse_input, see_other
from app.services import attendance, events, ratelimit, tickets
from app.services.errors import Conflict, InvalidInput
from app.services.ratelimit import RateLimited
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
async def register_form(request: Request, event_id: Id, session: SessionDep) -> Response:
    """The form on a page of its own (no JavaScript), or the event page's block (htmx)."""
    listing = await events.visible_event(session=session, event_id=event_id)
    context = await form_context(session=session, event=listing.event)
    return render(
        request, "public/register.html", {"item": listing, **context}, block="registration"
    )


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
    await session.commit()
    url = request.app.url_path_for("ticket", token=ticket.token)
    if is_htmx(request):  # the whole page goes to the ticket, so its address is the one to keep
        return Response(status_code=204, headers={"HX-Redirect": url})
    return see_other(url)


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
async def ticket(request: Request, token: str, session: SessionDep) -> Response:
    found = await _registration(request, session, token)
    if isinstance(found, Response):
        return found
    listing = await events.get_event(session=session, event_id=found.event_id)
    context = {
        "registration": found,
        "item": listing,
        "token": token,
        "position": await attendance.waitlist_position(session=session, registration=found),
        "qr": _ticket_qr(found.code) if found.status != RegistrationStatus.cancelled else None,
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
async def privacy(request: Request) -> Response:
    return render(request, "public/privacy.html")
