"""JSON API for the candidate portal: the organizers issue and revoke a candidate's private link;
whoever holds it reads the candidate's commitments and confirms or disputes them.

A wrong, revoked or expired token, and a commitment of another candidate, all answer the same
404: nothing tells them apart.
"""

from fastapi import APIRouter, HTTPException, Response

from app.api_answers import NO_STORE, SIGNED_IN_WRITE, answers
from app.deps import CurrentPrincipal, SessionDep, SettingsDep
from app.i18n import gettext as _
from app.models import Candidate, Id
from app.models.commitments import CommitmentPublic
from app.models.elections import CandidatePublic
from app.models.portal import (
    AnswerResult,
    CommitmentDispute,
    PortalLinkCreate,
    PortalLinkIssued,
    PortalPublic,
)
from app.services import portal, portal_links
from app.services.errors import NotFound

router = APIRouter(prefix="/api/v1", tags=["candidate portal"])

TOKEN_READ = answers(404, 422)
TOKEN_WRITE = answers(403, 404, 422)  # 403: a cookie-authorized call without its CSRF token
TOKEN_BODY_WRITE = answers(400, 403, 404, 413, 422)  # the same, with a body (400, 413)


def not_found() -> HTTPException:
    """The one answer to a link that opens nothing, whatever the reason."""
    return HTTPException(
        status_code=404,
        detail=_("We could not find this link or commitment."),
        headers={"Cache-Control": "no-store"},
    )


async def _candidate(session: SessionDep, token: str) -> Candidate:
    candidate = await portal_links.candidate_by_token(session=session, token=token)
    if candidate is None:
        raise not_found()
    return candidate


@router.post(
    "/candidates/{candidate_id}/portal-link",
    response_model=PortalLinkIssued,
    status_code=201,
    responses=SIGNED_IN_WRITE,
    dependencies=NO_STORE,
)
async def issue_portal_link(
    candidate_id: Id,
    principal: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    data: PortalLinkCreate | None = None,
) -> PortalLinkIssued:
    """A new private link for the candidate, shown this once (only its hash is kept); the old
    link stops working. Default expiry: a year after the candidate's election (a year from now
    once that has passed)."""
    issued = await portal_links.issue_link(
        session=session,
        actor=principal.user,
        candidate_id=candidate_id,
        expires_at=data.expires_at if data else None,
    )
    await session.commit()
    return PortalLinkIssued(
        url=f"{settings.base_url}/c/{issued.token}", expires_at=issued.link.expires_at
    )


@router.delete(
    "/candidates/{candidate_id}/portal-link",
    status_code=204,
    response_class=Response,
    responses=SIGNED_IN_WRITE,
    dependencies=NO_STORE,
)
async def revoke_portal_link(
    candidate_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """The candidate's link stops working at once (204 also when there was none)."""
    await portal_links.revoke_link(session=session, actor=principal.user, candidate_id=candidate_id)
    await session.commit()
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


@router.get(
    "/candidate-portal/{token}",
    response_model=PortalPublic,
    responses=TOKEN_READ,
    dependencies=NO_STORE,
)
async def read_portal(token: str, session: SessionDep) -> PortalPublic:
    """The candidate the link belongs to, and every commitment credited to them."""
    candidate = await _candidate(session, token)
    commitments = await portal.commitments_of(session=session, candidate_id=candidate.id or 0)
    return PortalPublic(
        candidate=CandidatePublic.model_validate(candidate, from_attributes=True),
        commitments=[CommitmentPublic.model_validate(c, from_attributes=True) for c in commitments],
    )


@router.post(
    "/candidate-portal/{token}/commitments/{commitment_id}/confirm",
    response_model=AnswerResult,
    responses=TOKEN_WRITE,
    dependencies=NO_STORE,
)
async def confirm_commitment(token: str, commitment_id: Id, session: SessionDep) -> AnswerResult:
    """ "This is what I committed to." Again on a confirmed commitment: the same answer, no new
    entry in its history."""
    candidate = await _candidate(session, token)
    try:
        commitment = await portal.confirm(
            session=session, candidate=candidate, commitment_id=commitment_id
        )
    except NotFound as error:
        raise not_found() from error
    await session.commit()
    return AnswerResult(confirmation=commitment.confirmation)


@router.post(
    "/candidate-portal/{token}/commitments/{commitment_id}/dispute",
    response_model=AnswerResult,
    responses=TOKEN_BODY_WRITE,
    dependencies=NO_STORE,
)
async def dispute_commitment(
    token: str, commitment_id: Id, data: CommitmentDispute, session: SessionDep
) -> AnswerResult:
    """ "This is not what I committed to", with the wording the candidate proposes."""
    candidate = await _candidate(session, token)
    try:
        commitment = await portal.dispute(
            session=session,
            candidate=candidate,
            commitment_id=commitment_id,
            comment=data.comment,
        )
    except NotFound as error:
        raise not_found() from error
    await session.commit()
    return AnswerResult(confirmation=commitment.confirmation)
