"""Public pages about e-mail: "send me my ticket link" and unsubscribing (the link every message
carries, and the one-click POST of mail clients: List-Unsubscribe-Post)."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from app import private
from app.deps import DatabaseDep, SessionDep, SettingsDep, client_ip
from app.i18n import gettext as _
from app.models import Id
from app.routers.forms import see_other
from app.services import events, lost_tickets, outbox, ratelimit
from app.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/events/{event_id}/ticket-link", name="ticket_link_form")
async def ticket_link_form(
    request: Request, event_id: Id, session: SessionDep, sent: bool = False
) -> Response:
    listing = await events.visible_event(session=session, event_id=event_id)
    context = {"item": listing, "sent": sent, "values": {}, "errors": {}}
    return render(request, "public/ticket_link.html", context)


@router.post("/events/{event_id}/ticket-link", name="ticket_link")
async def ticket_link(
    request: Request,
    event_id: Id,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    """Sends the address's ticket links if it registered; the answer is the same if not."""
    address = lost_tickets.normalized(email)
    if not outbox.valid_address(address):
        listing = await events.visible_event(session=session, event_id=event_id)
        context = {
            "item": listing,
            "sent": False,
            "values": {"email": email},
            "errors": {"email": _("Write the e-mail address you gave when you registered.")},
        }
        return render(request, "public/ticket_link.html", context, status_code=422)
    await ratelimit.guard(
        db=db,
        settings=settings,
        kind="ticket_mail",
        ip=client_ip(request),
        address=f"{event_id}|{address}",
    )
    await events.visible_event(session=session, event_id=event_id)
    await lost_tickets.send_ticket_links(session=session, event_id=event_id, address=address)
    await session.commit()
    url = request.app.url_path_for("ticket_link_form", event_id=event_id)
    return see_other(f"{url}?sent=true")


def _address(settings: SettingsDep, token: str) -> tuple[str, str] | None:
    return outbox.read_unsubscribe_token(secret=settings.secret_key, token=token)


def _not_valid(request: Request) -> Response:
    return private.not_valid(request, _("This unsubscribe link is not valid."))


@router.get("/unsubscribe/{unsubscribe_token}", name="unsubscribe_form")
async def unsubscribe_form(
    request: Request,
    unsubscribe_token: str,
    session: SessionDep,
    settings: SettingsDep,
    done: bool = False,
) -> Response:
    """A confirm button, never a link that acts (mail apps open links to preview them)."""
    token = unsubscribe_token
    found = _address(settings, token)
    if found is None:
        return _not_valid(request)
    address, scope = found
    context = {
        "address": address,
        "token": token,
        "done": done or await outbox.unsubscribed(session=session, address=address, scope=scope),
    }
    return private.render(request, "public/unsubscribe.html", context)


@router.post("/unsubscribe/{unsubscribe_token}", name="unsubscribe")
async def unsubscribe(
    request: Request, unsubscribe_token: str, session: SessionDep, settings: SettingsDep
) -> Response:
    """The form's button and a mail client's one-click POST alike; no CSRF token (the signed
    token authorizes it: app/security.py CSRF_EXEMPT_PREFIXES)."""
    token = unsubscribe_token
    found = _address(settings, token)
    if found is None:
        return _not_valid(request)
    address, scope = found
    await outbox.unsubscribe(session=session, address=address, scope=scope)
    await session.commit()
    url = request.app.url_path_for("unsubscribe_form", unsubscribe_token=token)
    return private.protect(see_other(f"{url}?done=true"))
