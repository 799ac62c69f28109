"""Organizer pages for one commitment: edit (a correction, with a reason, once the candidate
has answered) and delete (only while nobody answered). Recording one is on the moderation
page (app/routers/moderation.py); the list is a card of the organizer's event page.

The rules are app/services/commitments.py's, the same the JSON API obeys.
"""

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app import i18n
from app.deps import CurrentPrincipal, SessionDep
from app.i18n import gettext as _
from app.models import Id
from app.models.commitments import CommitmentEdit
from app.routers.forms import form_values, parse_input, see_other
from app.services import commitments, questions, topics
from app.services.access import require_event_writer
from app.services.commitments import CommitmentView
from app.services.errors import InvalidInput, NotAllowed, ServiceError
from app.templating import render

router = APIRouter(prefix="/manage/commitments", include_in_schema=False)
FIELDS = ("text", "topic_id", "question_id", "target", "deadline")


async def organized_commitment(
    commitment_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> CommitmentView:
    """The commitment of the path, for its event's organizers (and admins): 404, then 403."""
    view = await commitments.get(session=session, commitment_id=commitment_id)
    if view is None:
        raise HTTPException(status_code=404)
    try:
        require_event_writer(principal.user, view.event)
    except NotAllowed as error:
        raise HTTPException(status_code=403, detail=error.message) from error
    return view


OrganizedCommitment = Annotated[CommitmentView, Depends(organized_commitment)]


async def _edit_page(
    request: Request,
    session: AsyncSession,
    view: CommitmentView,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    c = view.commitment
    event_id = c.event_id
    published = await questions.public_questions(session=session, event_id=event_id, limit=500)
    question_options = [(v.question.id, v.question.body) for v in published]
    if view.question is not None and view.question.id not in {q for q, _b in question_options}:
        question_options.insert(0, (view.question.id, view.question.body))
    locale = i18n.get_locale()
    context = {
        "view": view,
        "values": values if values is not None else {f: getattr(c, f) for f in FIELDS},
        "errors": errors or {},
        "question_options": question_options,
        "topic_options": [
            (t.id, topics.topic_name(t, locale)) for t in await topics.list_topics(session=session)
        ],
        "history": [
            (entry, json.loads(entry.details))
            for entry in await commitments.history(session=session, commitment_id=c.id or 0)
        ],
    }
    return render(request, "manage/commitments/edit.html", context, status_code=status_code)


@router.get("/{commitment_id}/edit", name="edit_commitment")
async def edit_commitment(
    request: Request, view: OrganizedCommitment, session: SessionDep
) -> Response:
    return await _edit_page(request, session, view)


@router.post("/{commitment_id}", name="update_commitment")
async def update_commitment(
    request: Request, view: OrganizedCommitment, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """The fields of the form (all of them: an emptied one is cleared), through the API's model."""
    values = form_values(await request.form())
    commitment_id, event_id = view.commitment.id or 0, view.commitment.event_id
    try:
        data = parse_input(CommitmentEdit, {f: values.get(f) for f in (*FIELDS, "reason")})
        await commitments.update(
            session=session, actor=principal.user, commitment_id=commitment_id, data=data
        )
    except ServiceError as error:
        await session.rollback()
        errors = error.errors if isinstance(error, InvalidInput) else {"__all__": error.message}
        fresh = await commitments.get(session=session, commitment_id=commitment_id)
        assert fresh is not None
        return await _edit_page(
            request, session, fresh, values=values, errors=errors, status_code=422
        )
    await session.commit()
    return see_other(f"/manage/events/{event_id}#commitment-{commitment_id}")


@router.post("/{commitment_id}/delete", name="delete_commitment")
async def delete_commitment(
    request: Request, view: OrganizedCommitment, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Only while the candidate has not answered; afterwards the edit page says why not."""
    commitment_id, event_id = view.commitment.id or 0, view.commitment.event_id
    try:
        await commitments.delete(session=session, actor=principal.user, commitment_id=commitment_id)
    except ServiceError as error:
        await session.rollback()
        fresh = await commitments.get(session=session, commitment_id=commitment_id)
        assert fresh is not None
        message = error.message or _("This commitment cannot be deleted.")
        return await _edit_page(
            request, session, fresh, errors={"__all__": message}, status_code=409
        )
    await session.commit()
    return see_other(f"/manage/events/{event_id}#commitments")
