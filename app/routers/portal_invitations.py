"""The candidate answers an invitation from their portal: confirm they come, or decline. A GET
shows the confirmation step, only its POST acts (mail apps open links to preview them)."""

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app import private
from app.deps import SessionDep, get_principal
from app.i18n import gettext as _
from app.models import Candidate, Event, EventCandidate, Id, InvitationStatus
from app.routers.forms import see_other
from app.services import elections, events, invitation_answers, portal_links
from app.services.errors import NotFound, ServiceError

router = APIRouter(dependencies=[Depends(get_principal)], include_in_schema=False)
Answer = Literal["confirm", "decline"]
STATUS = {"confirm": InvitationStatus.confirmed, "decline": InvitationStatus.declined}


def _missing() -> str:
    return _("This link is not valid. Ask the organizers for a new one.")


async def _invitation(
    request: Request, session: AsyncSession, token: str, event_id: int
) -> tuple[Candidate, Event, EventCandidate] | Response:
    candidate = await private.lookup(
        request, portal_links.candidate_by_token(session=session, token=token), missing=_missing()
    )
    if isinstance(candidate, Response):
        return candidate
    event = await session.get(Event, event_id)
    link = await session.get(EventCandidate, (event_id, candidate.id))
    if event is None or link is None or not events.is_visible(event):
        return private.not_valid(request, _missing())
    return candidate, event, link


async def _step(
    request: Request,
    session: AsyncSession,
    token: str,
    event_id: int,
    answer: Answer,
    *,
    error: str | None = None,
) -> Response:
    found = await _invitation(request, session, token, event_id)
    if isinstance(found, Response):
        return found
    candidate, event, link = found
    listing = await elections.get_candidate(session=session, candidate_id=candidate.id or 0)
    context = {
        "listing": listing,
        "event": event,
        "link": link,
        "token": token,
        "answer": answer,
        "error": error,
        "may_answer": invitation_answers.candidate_may_answer(event, link.status),
    }
    response = private.render(request, "portal/invitation.html", context)
    if error:
        response.status_code = 409
    return response


@router.get("/c/{token}/events/{event_id}/{answer}", name="portal_invitation_step")
async def invitation_step(
    request: Request, token: str, event_id: Id, answer: Answer, session: SessionDep
) -> Response:
    return await _step(request, session, token, event_id, answer)


@router.post("/c/{token}/events/{event_id}/{answer}", name="portal_invitation_answer")
async def answer_invitation(
    request: Request, token: str, event_id: Id, answer: Answer, session: SessionDep
) -> Response:
    found = await _invitation(request, session, token, event_id)
    if isinstance(found, Response):
        return found
    candidate, _event, _link = found
    try:
        await invitation_answers.answer_invitation(
            session=session,
            candidate_id=candidate.id or 0,
            event_id=event_id,
            status=STATUS[answer],
        )
    except NotFound:
        return private.not_valid(request, _missing())
    except ServiceError as error:
        await session.rollback()
        errors = getattr(error, "errors", None)
        message = " ".join(errors.values()) if isinstance(errors, dict) else error.message
        return await _step(request, session, token, event_id, answer, error=message)
    await session.commit()
    url = request.app.url_path_for("candidate_portal", token=token)
    return private.protect(see_other(f"{url}?invitation={event_id}#event-{event_id}"))
