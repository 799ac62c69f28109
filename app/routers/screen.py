"""The projector screen of a live forum: the question on screen, the most voted ones, and a QR
code to join. Public data only; the screen/_live.html part asks every 2 s whether anything
changed, and gets 204 while nothing did (compared with questions.version())."""

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import PublicEvent, SessionDep, SettingsDep
from app.models import QuestionStatus
from app.qr import qr_svg
from app.services import questions
from app.services.events import EventListing
from app.templating import render

router = APIRouter(include_in_schema=False)
Version = Annotated[str, Query(max_length=32)]
NO_STORE = {"Cache-Control": "no-store"}  # live answers: never reused by any cache
ON_SCREEN_TOP = 5  # the most voted approved questions listed under the current one


@router.get("/events/{event_id}/screen", name="screen")
async def screen(
    request: Request, listing: PublicEvent, session: SessionDep, settings: SettingsDep
) -> Response:
    """For the projector: the question on screen, the most voted ones, a QR code to join."""
    url = f"{settings.base_url}/events/{listing.event.id}"
    parts = urlsplit(url)
    context = {
        **await _screen_context(session, listing),
        "event_url": url,
        "short_url": parts.netloc.removeprefix("www.") + parts.path,
        "short_host": parts.netloc.removeprefix("www."),
        "short_path": parts.path,
        "qr": qr_svg(url, css_class="screen-qr-code"),
    }
    return render(request, "screen/screen.html", context)


@router.get("/events/{event_id}/screen/live", name="screen_live")
async def screen_live(
    request: Request, listing: PublicEvent, session: SessionDep, v: Version = ""
) -> Response:
    """204 while `v` is current; else the screen's changing part, carrying the new version."""
    version = await questions.version(session=session, event_id=listing.event.id or 0)
    if v == version:
        return Response(status_code=204, headers=NO_STORE)
    context = await _screen_context(session, listing, version=version)
    return render(request, "screen/_live.html", {**context, "oob": True}, headers=NO_STORE)


async def _screen_context(
    session: AsyncSession, listing: EventListing, *, version: str | None = None
) -> dict[str, Any]:
    """Public data only: the current question and the most voted approved ones."""
    event = listing.event
    event_id = event.id or 0
    if version is None:
        version = await questions.version(session=session, event_id=event_id)
    await session.refresh(event)  # after the version: a change meanwhile shows at the next poll
    current = await questions.on_screen(session=session, event_id=event_id)
    published = await questions.public_questions(session=session, event_id=event_id)
    top = [
        v
        for v in published
        if v.question.status == QuestionStatus.approved
        and (current is None or v.question.id != current.question.id)
    ][:ON_SCREEN_TOP]
    return {
        "event": event,
        "version": version,
        "current": current,
        "top": top,
        "parties": {c.candidate.id: c.party for c in listing.candidates},
        "questions_open": await questions.questions_open(session=session, event=event),
    }
