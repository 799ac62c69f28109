"""JSON API for scheduling: places, elections, parties, candidates, events, invitations."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.api_answers import (
    NO_STORE_WHEN_SIGNED_IN,
    OPTIONAL_TOKEN,
    PUBLIC,
    PUBLIC_ITEM,
    PUBLIC_LIST,
    SIGNED_IN_CREATE,
    SIGNED_IN_WRITE,
)
from app.deps import CurrentPrincipal, MaybePrincipal, SessionDep
from app.models import Event, EventKind, Id, InvitationStatus
from app.models.base import LocalDatetime
from app.models.elections import (
    CandidateCreate,
    CandidatePublic,
    ElectionCreate,
    ElectionPublic,
    PartyCreate,
    PartyPublic,
)
from app.models.events import (
    EventCandidatePublic,
    EventCreate,
    EventPublic,
    EventUpdate,
    InvitationUpdate,
)
from app.models.places import MunicipalityPublic, OrganizationPublic
from app.services import elections, events, scheduling

router = APIRouter(prefix="/api/v1", tags=["scheduling"])


@router.get("/municipalities", response_model=list[MunicipalityPublic], responses=PUBLIC)
async def list_municipalities(session: SessionDep) -> list[MunicipalityPublic]:
    rows = await elections.list_municipalities(session=session)
    return [MunicipalityPublic.model_validate(m, from_attributes=True) for m in rows]


@router.get("/organizations", response_model=list[OrganizationPublic], responses=PUBLIC)
async def list_organizations(session: SessionDep) -> list[OrganizationPublic]:
    rows = await elections.list_organizations(session=session)
    return [OrganizationPublic.model_validate(o, from_attributes=True) for o in rows]


@router.get("/elections", response_model=list[ElectionPublic], responses=PUBLIC)
async def list_elections(session: SessionDep) -> list[ElectionPublic]:
    rows = await elections.list_elections(session=session)
    return [_election(row) for row in rows]


@router.post(
    "/elections", response_model=ElectionPublic, status_code=201, responses=SIGNED_IN_CREATE
)
async def create_election(
    data: ElectionCreate, principal: CurrentPrincipal, session: SessionDep
) -> ElectionPublic:
    election = await elections.create_election(session=session, actor=principal.user, data=data)
    await session.commit()
    return _election(elections.ElectionWithMunicipalities(election, sorted(data.municipality_ids)))


def _election(row: elections.ElectionWithMunicipalities) -> ElectionPublic:
    return ElectionPublic(
        id=row.election.id or 0,
        name=row.election.name,
        kind=row.election.kind,
        election_date=row.election.election_date,
        municipality_ids=row.municipality_ids,
    )


@router.get("/parties", response_model=list[PartyPublic], responses=PUBLIC)
async def list_parties(session: SessionDep) -> list[PartyPublic]:
    rows = await elections.list_parties(session=session)
    return [PartyPublic.model_validate(p, from_attributes=True) for p in rows]


@router.post("/parties", response_model=PartyPublic, status_code=201, responses=SIGNED_IN_CREATE)
async def create_party(
    data: PartyCreate, principal: CurrentPrincipal, session: SessionDep
) -> PartyPublic:
    party = await elections.create_party(session=session, actor=principal.user, data=data)
    await session.commit()
    return PartyPublic.model_validate(party, from_attributes=True)


@router.get("/candidates", response_model=list[CandidatePublic], responses=PUBLIC_LIST)
async def list_candidates(
    session: SessionDep, election_id: Id | None = None, municipality_id: Id | None = None
) -> list[CandidatePublic]:
    rows = await elections.list_candidates(
        session=session, election_id=election_id, municipality_id=municipality_id
    )
    return [CandidatePublic.model_validate(r.candidate, from_attributes=True) for r in rows]


@router.post(
    "/candidates", response_model=CandidatePublic, status_code=201, responses=SIGNED_IN_CREATE
)
async def create_candidate(
    data: CandidateCreate, principal: CurrentPrincipal, session: SessionDep
) -> CandidatePublic:
    candidate = await elections.create_candidate(session=session, actor=principal.user, data=data)
    await session.commit()
    return CandidatePublic.model_validate(candidate, from_attributes=True)


@router.get("/events", response_model=list[EventPublic], responses=PUBLIC_LIST)
async def list_events(
    session: SessionDep,
    response: Response,
    municipality: Annotated[str | None, Query(description="municipality slug")] = None,
    kind: EventKind | None = None,
    election_id: Id | None = None,
    starts_from: Annotated[LocalDatetime | None, Query(alias="from")] = None,
    starts_to: Annotated[LocalDatetime | None, Query(alias="to")] = None,
    past: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 50,
) -> list[EventPublic]:
    """Public events (never drafts): upcoming by default, `past=true` for the archive."""
    filters = events.EventFilters(
        municipality=municipality,
        kind=kind,
        election_id=election_id,
        starts_from=starts_from,
        starts_to=starts_to,
        past=past,
    )
    result = await events.list_public_events(
        session=session, filters=filters, page=page, per_page=per_page
    )
    response.headers["X-Total-Count"] = str(result.total)
    return [
        _event(item.event, {c.candidate.id or 0: c.status for c in item.candidates})
        for item in result.items
    ]


@router.post("/events", response_model=EventPublic, status_code=201, responses=SIGNED_IN_CREATE)
async def create_event(
    data: EventCreate, principal: CurrentPrincipal, session: SessionDep
) -> EventPublic:
    """A new event; `scheduled` (public) unless `status: "draft"` is sent."""
    event = await scheduling.create_event(session=session, actor=principal.user, data=data)
    await session.commit()
    return _event(event, await scheduling.invitations(session=session, event_id=event.id or 0))


@router.get(
    "/events/{event_id}",
    response_model=EventPublic,
    responses=PUBLIC_ITEM,
    dependencies=NO_STORE_WHEN_SIGNED_IN,
    openapi_extra=OPTIONAL_TOKEN,
)
async def get_event(event_id: Id, session: SessionDep, principal: MaybePrincipal) -> EventPublic:
    item = await events.visible_event(
        session=session, event_id=event_id, viewer=principal.user if principal else None
    )
    return _event(item.event, {c.candidate.id or 0: c.status for c in item.candidates})


@router.patch("/events/{event_id}", response_model=EventPublic, responses=SIGNED_IN_WRITE)
async def update_event(
    event_id: Id, data: EventUpdate, principal: CurrentPrincipal, session: SessionDep
) -> EventPublic:
    """Changes only the fields sent: details, candidates, status, the closing report."""
    event = await scheduling.update_event(
        session=session, actor=principal.user, event_id=event_id, data=data
    )
    await session.commit()
    return _event(event, await scheduling.invitations(session=session, event_id=event_id))


@router.patch(
    "/events/{event_id}/candidates/{candidate_id}",
    response_model=EventCandidatePublic,
    responses=SIGNED_IN_WRITE,
)
async def set_invitation(
    event_id: Id,
    candidate_id: Id,
    data: InvitationUpdate,
    principal: CurrentPrincipal,
    session: SessionDep,
) -> EventCandidatePublic:
    """Invited, confirmed, declined or attended; a clash with another event answers 409."""
    link = await scheduling.set_invitation(
        session=session,
        actor=principal.user,
        event_id=event_id,
        candidate_id=candidate_id,
        status=data.status,
    )
    await session.commit()
    return EventCandidatePublic(candidate_id=link.candidate_id, status=link.status)


def _event(event: Event, statuses: dict[int, InvitationStatus]) -> EventPublic:
    return EventPublic(
        **event.model_dump(
            include={
                "id",
                "kind",
                "title",
                "description",
                "municipality_id",
                "organization_id",
                "election_id",
                "venue",
                "starts_at",
                "ends_at",
                "capacity",
                "status",
                "cancel_reason",
            }
        ),
        candidates=[
            EventCandidatePublic(candidate_id=cid, status=status)
            for cid, status in sorted(statuses.items())
        ],
    )
