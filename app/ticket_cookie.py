"""This browser's tickets for one event, so that the event page can lead back to a lost ticket.

Registering sets a cookie holding the new ticket's token (with those registered before from
this browser for the same event, at most MAX_TICKETS: a parent registering the family):

- signed (HMAC with the secret key): a cookie that was not set here is ignored whole;
- HttpOnly (no script reads it), SameSite=Lax, Secure under https;
- path-limited to /events/{id}: sent only to that event's pages, never to the rest of the site;
- kept until a week after the event ends, then the browser drops it.

Privacy on a shared phone: whoever holds the phone can open the ticket, as whoever holds the
link can. The event page therefore shows only the code and a link, never the name, and offers
"forget it on this phone" (POST /events/{id}/forget-tickets), which the ticket page offers too.
A ticket that is cancelled, or not found any more (personal data purged), is not offered.
"""

import hashlib
import hmac
import re
from datetime import datetime, timedelta

from fastapi import Request, Response

from app.models import utcnow

TICKET_COOKIE = "pf_tickets"
MAX_TICKETS = 5
KEPT_AFTER_EVENT = timedelta(days=7)
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,128}")


def cookie_path(event_id: int) -> str:
    return f"/events/{event_id}"


def _signature(secret: str, event_id: int, tokens: list[str]) -> str:
    message = "|".join(["tickets", str(event_id), *tokens]).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()[:32]


def read(request: Request, *, secret: str, event_id: int) -> list[str]:
    """The ticket tokens this browser holds for the event (none when unsigned or malformed)."""
    value = request.cookies.get(TICKET_COOKIE) or ""
    *tokens, signature = value.split(".") if value else [""]
    if not tokens or len(tokens) > MAX_TICKETS or not all(_TOKEN.fullmatch(t) for t in tokens):
        return []
    if not hmac.compare_digest(signature, _signature(secret, event_id, tokens)):
        return []
    return tokens


def remember(
    response: Response,
    request: Request,
    *,
    secret: str,
    event_id: int,
    token: str,
    ends_at: datetime,
    secure: bool,
    now: datetime | None = None,
) -> None:
    """Adds the ticket to the browser's cookie for the event (the newest kept first)."""
    held = [t for t in read(request, secret=secret, event_id=event_id) if t != token]
    tokens = [token, *held][:MAX_TICKETS]
    value = ".".join([*tokens, _signature(secret, event_id, tokens)])
    max_age = int(max((ends_at + KEPT_AFTER_EVENT - (now or utcnow())).total_seconds(), 3600))
    response.set_cookie(
        TICKET_COOKIE,
        value,
        max_age=max_age,
        path=cookie_path(event_id),
        secure=secure,
        httponly=True,
        samesite="lax",
    )


def forget(response: Response, *, event_id: int, secure: bool) -> None:
    """Removes every ticket of the event from this browser."""
    response.delete_cookie(
        TICKET_COOKIE, path=cookie_path(event_id), secure=secure, httponly=True, samesite="lax"
    )
