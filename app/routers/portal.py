"""The candidate portal's pages (/c/{token}): no password, the link is the key (app/private.py).

The candidate sees their events, commitments and the questions addressed to them, and answers
each commitment: a GET shows the confirmation step, only its POST acts (mail and chat apps open
links to preview them). Everything else is read-only.
"""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app import private
from app.deps import SessionDep, get_principal
from app.i18n import gettext as _
from app.models import Candidate, Id
from app.models.portal import DISPUTE_MAX_LENGTH, CommitmentDispute
from app.routers.forms import form_values, parse_input, see_other
from app.services import contract_signatures, elections, invitation_answers, portal, portal_links
from app.services.errors import InvalidInput, NotFound

router = APIRouter(dependencies=[Depends(get_principal)], include_in_schema=False)


def _missing() -> str:
    return _("This link is not valid. Ask the organizers for a new one.")


async def _candidate(request: Request, session: AsyncSession, token: str) -> Candidate | Response:
    return await private.lookup(
        request, portal_links.candidate_by_token(session=session, token=token), missing=_missing()
    )


def _back(request: Request, token: str, commitment_id: int) -> Response:
    url = request.app.url_path_for("candidate_portal", token=token)
    return private.protect(see_other(f"{url}?answered={commitment_id}#commitment-{commitment_id}"))


@router.get("/c/{token}", name="candidate_portal")
async def portal_page(
    request: Request,
    token: str,
    session: SessionDep,
    answered: Id | None = None,
    invitation: Id | None = None,
) -> Response:
    candidate = await _candidate(request, session, token)
    if isinstance(candidate, Response):
        return candidate
    listing = await elections.get_candidate(session=session, candidate_id=candidate.id or 0)
    context = {
        "listing": listing,
        "events": await portal.portal_events(session=session, candidate=candidate),
        "contracts": await contract_signatures.for_candidate(session=session, candidate=candidate),
        "token": token,
        "answered": answered,
        "invitation": invitation,
        "may_answer": invitation_answers.candidate_may_answer,
    }
    return private.render(request, "portal/portal.html", context)


async def _step(
    request: Request,
    session: AsyncSession,
    token: str,
    commitment_id: int,
    kind: str,
    *,
    values: dict[str, str | None] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The confirmation step of an answer ("confirm" or "dispute"), or the private 404."""
    candidate = await _candidate(request, session, token)
    if isinstance(candidate, Response):
        return candidate
    try:
        item = await portal.commitment_item(
            session=session, candidate=candidate, commitment_id=commitment_id
        )
    except NotFound:
        return private.not_valid(request, _missing())
    listing = await elections.get_candidate(session=session, candidate_id=candidate.id or 0)
    context = {
        "listing": listing,
        "item": item,
        "token": token,
        "kind": kind,
        "values": values or {"comment": item.commitment.candidate_comment},
        "errors": errors or {},
        "max_length": DISPUTE_MAX_LENGTH,
    }
    response = private.render(request, "portal/answer.html", context)
    response.status_code = status_code
    return response


@router.get("/c/{token}/commitments/{commitment_id}/confirm", name="portal_confirm_step")
async def confirm_step(
    request: Request, token: str, commitment_id: Id, session: SessionDep
) -> Response:
    return await _step(request, session, token, commitment_id, "confirm")


@router.post("/c/{token}/commitments/{commitment_id}/confirm", name="portal_confirm")
async def confirm(request: Request, token: str, commitment_id: Id, session: SessionDep) -> Response:
    candidate = await _candidate(request, session, token)
    if isinstance(candidate, Response):
        return candidate
    try:
        await portal.confirm(session=session, candidate=candidate, commitment_id=commitment_id)
    except NotFound:
        return private.not_valid(request, _missing())
    await session.commit()
    return _back(request, token, commitment_id)


@router.get("/c/{token}/commitments/{commitment_id}/dispute", name="portal_dispute_step")
async def dispute_step(
    request: Request, token: str, commitment_id: Id, session: SessionDep
) -> Response:
    return await _step(request, session, token, commitment_id, "dispute")


@router.post("/c/{token}/commitments/{commitment_id}/dispute", name="portal_dispute")
async def dispute(request: Request, token: str, commitment_id: Id, session: SessionDep) -> Response:
    candidate = await _candidate(request, session, token)
    if isinstance(candidate, Response):
        return candidate
    values = form_values(await request.form())
    try:
        data = parse_input(CommitmentDispute, {"comment": values.get("comment")})
        await portal.dispute(
            session=session,
            candidate=candidate,
            commitment_id=commitment_id,
            comment=data.comment,
        )
    except NotFound:
        return private.not_valid(request, _missing())
    except InvalidInput as error:
        await session.rollback()
        message = _(
            "Write the wording you propose, in at most %(count)s characters.",
            count=DISPUTE_MAX_LENGTH,
        )
        errors = {"comment": message} if "comment" in error.errors else error.errors
        return await _step(
            request,
            session,
            token,
            commitment_id,
            "dispute",
            values={"comment": values.get("comment")},
            errors=errors,
            status_code=400,
        )
    await session.commit()
    return _back(request, token, commitment_id)
