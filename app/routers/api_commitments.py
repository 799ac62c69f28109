"""JSON API for commitments (record, list, correct, delete) and for one candidate (read, change).

The rules are app/services/commitments.py's; these answers carry no citizen's personal data.
"""

from fastapi import APIRouter, HTTPException, Response

from app.api_answers import (
    NO_STORE_WHEN_SIGNED_IN,
    OPTIONAL_TOKEN,
    PUBLIC_ITEM,
    SIGNED_IN_CREATE,
    SIGNED_IN_WRITE,
    answers,
)
from app.deps import CurrentPrincipal, MaybePrincipal, SessionDep
from app.models import Commitment, Id
from app.models.commitments import CommitmentCreate, CommitmentEdit, CommitmentPublic
from app.models.elections import CandidatePublic, CandidateUpdate
from app.services import commitments, elections, events
from app.services.access import can_write_for_organization

router = APIRouter(prefix="/api/v1", tags=["commitments"])
PUBLIC_READ = answers(404, 422)


def _public(commitment: Commitment) -> CommitmentPublic:
    return CommitmentPublic.model_validate(commitment, from_attributes=True)


@router.post(
    "/commitments", response_model=CommitmentPublic, status_code=201, responses=SIGNED_IN_CREATE
)
async def record_commitment(
    data: CommitmentCreate, principal: CurrentPrincipal, session: SessionDep
) -> CommitmentPublic:
    """The candidate's words, verbatim, at an event that has started; `recorded` until they
    confirm it. A candidate not on the event's list, or who declined → 422."""
    commitment = await commitments.record(session=session, actor=principal.user, data=data)
    await session.commit()
    return _public(commitment)


@router.get(
    "/events/{event_id}/commitments",
    response_model=list[CommitmentPublic],
    responses=PUBLIC_ITEM,
    dependencies=NO_STORE_WHEN_SIGNED_IN,
    openapi_extra=OPTIONAL_TOKEN,
)
async def event_commitments(
    event_id: Id, session: SessionDep, principal: MaybePrincipal
) -> list[CommitmentPublic]:
    """The commitments made at a published event (its organizers: at a draft too)."""
    viewer = principal.user if principal else None
    event = (await events.visible_event(session=session, event_id=event_id, viewer=viewer)).event
    organizer = viewer is not None and can_write_for_organization(viewer, event.organization_id)
    views = await commitments.for_event(session=session, event_id=event_id, public=not organizer)
    return [_public(v.commitment) for v in views]


@router.get(
    "/candidates/{candidate_id}/commitments",
    response_model=list[CommitmentPublic],
    responses=PUBLIC_READ,
)
async def candidate_commitments(candidate_id: Id, session: SessionDep) -> list[CommitmentPublic]:
    """Everything the candidate promised at published events, oldest event first."""
    await _candidate(session, candidate_id)
    views = await commitments.for_candidate(session=session, candidate_id=candidate_id)
    return [_public(v.commitment) for v in views]


@router.get("/candidates/{candidate_id}", response_model=CandidatePublic, responses=PUBLIC_READ)
async def get_candidate(candidate_id: Id, session: SessionDep) -> CandidatePublic:
    """A candidate: party, election, municipality, office, whether elected (no contact)."""
    return await _candidate(session, candidate_id)


@router.patch(
    "/candidates/{candidate_id}", response_model=CandidatePublic, responses=SIGNED_IN_WRITE
)
async def update_candidate(
    candidate_id: Id, data: CandidateUpdate, principal: CurrentPrincipal, session: SessionDep
) -> CandidatePublic:
    """Changes the fields sent (`elected` too): organizers of the candidate's municipality,
    admins."""
    candidate = await elections.update_candidate(
        session=session, actor=principal.user, candidate_id=candidate_id, data=data
    )
    await session.commit()
    return CandidatePublic.model_validate(candidate, from_attributes=True)


@router.patch(
    "/commitments/{commitment_id}", response_model=CommitmentPublic, responses=SIGNED_IN_WRITE
)
async def update_commitment(
    commitment_id: Id, data: CommitmentEdit, principal: CurrentPrincipal, session: SessionDep
) -> CommitmentPublic:
    """Changes the fields sent. Once the candidate has answered, a new `text` is a correction:
    `reason` is required, and the commitment is `recorded` again (the candidate is asked again)."""
    commitment = await commitments.update(
        session=session, actor=principal.user, commitment_id=commitment_id, data=data
    )
    await session.commit()
    return _public(commitment)


@router.delete("/commitments/{commitment_id}", status_code=204, responses=SIGNED_IN_WRITE)
async def delete_commitment(
    commitment_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Only while the candidate has not answered (409 after: correct it instead)."""
    await commitments.delete(session=session, actor=principal.user, commitment_id=commitment_id)
    await session.commit()
    return Response(status_code=204)


async def _candidate(session: SessionDep, candidate_id: int) -> CandidatePublic:
    listing = await elections.get_candidate(session=session, candidate_id=candidate_id)
    if listing is None:
        raise HTTPException(status_code=404)
    return CandidatePublic.model_validate(listing.candidate, from_attributes=True)
