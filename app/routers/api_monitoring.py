"""JSON API of the yearly monitoring: rounds, assessments, publishing, corrections, replies,
community meetings; the network's figures and the open data of every published assessment.

The rules are app/services/monitoring.py's; nothing here carries anyone's personal data.
"""

from fastapi import APIRouter, Response

from app.api_answers import (
    NO_STORE_WHEN_SIGNED_IN,
    OPTIONAL_TOKEN,
    PUBLIC,
    PUBLIC_ITEM,
    SIGNED_IN_WRITE,
    answers,
)
from app.deps import CurrentPrincipal, MaybePrincipal, SessionDep
from app.models import Id, MonitoringRound, SocialContract
from app.models.monitoring import (
    AssessmentInput,
    AssessmentPublic,
    CorrectionInput,
    CorrectionPublic,
    NetworkFigures,
    OpenAssessment,
    ReplyInput,
    RoundCreate,
    RoundPublic,
)
from app.services import monitoring, monitoring_figures, monitoring_meetings, monitoring_views

router = APIRouter(prefix="/api/v1", tags=["monitoring"])
CACHE = {"Cache-Control": "public, max-age=60"}
# a write with no body: 404, 403 (or CSRF), 409, an impossible id 422
ACTION = answers(401, 403, 404, 409, 422)


async def _round(session: SessionDep, round_: MonitoringRound) -> RoundPublic:
    """The round as its writer sees it, right after their change."""
    contract = await session.get(SocialContract, round_.contract_id)
    assert contract is not None
    view = await monitoring_views.round_view(session=session, round_=round_, contract=contract)
    return monitoring_views.round_public(view)


@router.post(
    "/social-contracts/{contract_id}/rounds",
    response_model=RoundPublic,
    status_code=201,
    responses=SIGNED_IN_WRITE,
)
async def create_round(
    contract_id: Id, data: RoundCreate, principal: CurrentPrincipal, session: SessionDep
) -> RoundPublic:
    """A draft round of a contract in force (409 otherwise): label unique per contract, a period
    of any dates (the network uses Aug–Aug or Sep–Sep)."""
    round_ = await monitoring.create_round(
        session=session, actor=principal.user, contract_id=contract_id, data=data
    )
    await session.commit()
    return await _round(session, round_)


@router.put(
    "/monitoring-rounds/{round_id}/assessments/{priority_id}",
    response_model=AssessmentPublic,
    responses=SIGNED_IN_WRITE,
)
async def assess(
    round_id: Id,
    priority_id: Id,
    data: AssessmentInput,
    principal: CurrentPrincipal,
    session: SessionDep,
) -> AssessmentPublic:
    """Sets the priority's assessment (with `point_id`: one point's) in a draft round. Evidence
    text always, and `evidence_url` for fully or partially addressed (422). A published round:
    409 (use the correction route)."""
    assessment = await monitoring.assess(
        session=session, actor=principal.user, round_id=round_id, priority_id=priority_id, data=data
    )
    await session.commit()
    return AssessmentPublic(
        priority_id=assessment.priority_id,
        point_id=assessment.point_id,
        status=assessment.status,
        evidence=assessment.evidence,
        evidence_url=assessment.evidence_url,
        assessed_at=assessment.assessed_at,
        reply=None,
        corrections=[],
    )


@router.post("/monitoring-rounds/{round_id}/publish", response_model=RoundPublic, responses=ACTION)
async def publish(round_id: Id, principal: CurrentPrincipal, session: SessionDep) -> RoundPublic:
    """Publishes the round: only once its period has ended and every priority is assessed
    (409, naming those that are not). One-way."""
    round_ = await monitoring.publish(session=session, actor=principal.user, round_id=round_id)
    await session.commit()
    return await _round(session, round_)


@router.post(
    "/monitoring-rounds/{round_id}/assessments/{priority_id}/corrections",
    response_model=CorrectionPublic,
    status_code=201,
    responses=SIGNED_IN_WRITE,
)
async def correct(
    round_id: Id,
    priority_id: Id,
    data: CorrectionInput,
    principal: CurrentPrincipal,
    session: SessionDep,
) -> CorrectionPublic:
    """Corrects a published assessment: the same evidence rules, and a `reason` (shown publicly
    with the date, the earlier status and evidence). A draft round → 409."""
    correction = await monitoring.correct(
        session=session, actor=principal.user, round_id=round_id, priority_id=priority_id, data=data
    )
    await session.commit()
    return CorrectionPublic.model_validate(correction, from_attributes=True)


@router.put(
    "/monitoring-rounds/{round_id}/assessments/{priority_id}/reply",
    response_model=AssessmentPublic,
    responses=SIGNED_IN_WRITE,
)
async def reply(
    round_id: Id,
    priority_id: Id,
    data: ReplyInput,
    principal: CurrentPrincipal,
    session: SessionDep,
) -> AssessmentPublic:
    """The municipality's reply to the priority's assessment (text, date, a link to its
    document), shown next to it. No assessment yet → 409."""
    await monitoring.reply(
        session=session, actor=principal.user, round_id=round_id, priority_id=priority_id, data=data
    )
    await session.commit()
    found = await _round_public(session, round_id, principal)
    return next(a for a in found.assessments if a.priority_id == priority_id and a.point_id is None)


@router.put(
    "/monitoring-rounds/{round_id}/events/{event_id}", response_model=RoundPublic, responses=ACTION
)
async def link_event(
    round_id: Id, event_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> RoundPublic:
    """Links a community meeting of the contract's municipality (held or scheduled) to the round;
    any other event → 422."""
    await monitoring_meetings.link_event(
        session=session, actor=principal.user, round_id=round_id, event_id=event_id
    )
    await session.commit()
    return await _round_public(session, round_id, principal)


@router.delete("/monitoring-rounds/{round_id}/events/{event_id}", status_code=204, responses=ACTION)
async def unlink_event(
    round_id: Id, event_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Takes a community meeting off the round."""
    await monitoring_meetings.unlink_event(
        session=session, actor=principal.user, round_id=round_id, event_id=event_id
    )
    await session.commit()
    return Response(status_code=204)


async def _round_public(
    session: SessionDep, round_id: int, principal: MaybePrincipal
) -> RoundPublic:
    viewer = principal.user if principal else None
    round_, contract = await monitoring_views.visible_round(
        session=session, round_id=round_id, viewer=viewer
    )
    view = await monitoring_views.round_view(session=session, round_=round_, contract=contract)
    return monitoring_views.round_public(view)


@router.get(
    "/monitoring-rounds/{round_id}",
    response_model=RoundPublic,
    responses=PUBLIC_ITEM,
    dependencies=NO_STORE_WHEN_SIGNED_IN,
    openapi_extra=OPTIONAL_TOKEN,
)
async def get_round(round_id: Id, session: SessionDep, principal: MaybePrincipal) -> RoundPublic:
    """A published round: every assessment with its reply and corrections, the community
    meetings, the figures. A draft: only for the contract's organizations (404 to others)."""
    return await _round_public(session, round_id, principal)


@router.get("/monitoring", response_model=NetworkFigures, responses=PUBLIC)
async def network(session: SessionDep, response: Response) -> NetworkFigures:
    """The network over published rounds: each municipality's latest round (its contract in
    force), the totals with shares rounded by the largest remainder (they add up to 100), and
    per term the share of priorities addressed (fully + partially) over all its rounds."""
    response.headers.update(CACHE)
    contracts = await monitoring_figures.published(session=session)
    return monitoring_figures.network_figures(contracts)


@router.get("/monitoring/assessments.json", response_model=list[OpenAssessment], responses=PUBLIC)
async def open_data_json(session: SessionDep, response: Response) -> list[OpenAssessment]:
    """Open data: every assessment of every published round, with its reply and how many times
    it was corrected (the corrections themselves: `GET /api/v1/monitoring-rounds/{id}`)."""
    response.headers.update(CACHE)
    return await monitoring_figures.open_assessments(session=session)


@router.get(
    "/monitoring/assessments.csv",
    responses={**PUBLIC, 200: {"content": {"text/csv": {}}, "description": "CSV, UTF-8"}},
    response_class=Response,
)
async def open_data_csv(session: SessionDep) -> Response:
    """The same open data as CSV, one row per assessment."""
    rows = await monitoring_figures.open_assessments(session=session)
    return Response(
        monitoring_views.open_data_csv(rows).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="monitoring-assessments.csv"',
            **CACHE,
        },
    )
