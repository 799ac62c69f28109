"""JSON API for questions: ask, list, moderate, merge, vote."""

from fastapi import APIRouter, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.api_answers import (
    CITIZEN_WRITE,
    NO_STORE,
    NO_STORE_WHEN_SIGNED_IN,
    OPTIONAL_TOKEN,
    PUBLIC_ITEM,
    SIGNED_IN_WRITE,
)
from app.config import Settings
from app.db import Database
from app.deps import (
    CurrentPrincipal,
    DatabaseDep,
    MaybePrincipal,
    SessionDep,
    SettingsDep,
    client_ip,
)
from app.models import Id
from app.models.questions import (
    QuestionAsked,
    QuestionCreate,
    QuestionMerge,
    QuestionModeration,
    QuestionPublic,
    VoteResult,
)
from app.services import events, moderation, questions, ratelimit
from app.services.access import can_write_for_organization
from app.voters import VoterDep

router = APIRouter(prefix="/api/v1", tags=["questions"])


def _public(view: questions.QuestionView) -> QuestionPublic:
    q = view.question
    return QuestionPublic(
        id=q.id or 0,
        body=q.body,
        author_name=q.author_name,
        topic_id=q.topic_id,
        candidate_ids=[c.id or 0 for c in view.addressed],
        answered_by_ids=[c.id or 0 for c in view.answered_by],
        votes=q.votes,
        status=q.status,
        created_at=q.created_at,
    )


@router.post(
    "/events/{event_id}/questions",
    response_model=QuestionAsked,
    status_code=201,
    responses=CITIZEN_WRITE,
    dependencies=NO_STORE,  # the answer carries the question's private link
)
async def ask(
    event_id: Id,
    data: QuestionCreate,
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    voter: VoterDep,
) -> QuestionAsked:
    """A new question, `pending` until a moderator approves it. Closed period → 409."""
    await ratelimit.guard(
        db=db, settings=settings, kind="question", ip=client_ip(request), browser=voter
    )
    question, token = await questions.ask(
        session=session, event_id=event_id, data=data, asker=voter
    )
    await session.commit()
    return QuestionAsked(
        id=question.id or 0, status=question.status, url=f"{settings.base_url}/q/{token}"
    )


@router.get(
    "/events/{event_id}/questions",
    response_model=list[QuestionPublic],
    responses=PUBLIC_ITEM,
    dependencies=NO_STORE_WHEN_SIGNED_IN,
    openapi_extra=OPTIONAL_TOKEN,
)
async def list_questions(
    event_id: Id, session: SessionDep, principal: MaybePrincipal, sort: str = "votes"
) -> list[QuestionPublic]:
    """Public: approved and answered, with votes. The event's organizers: all, with status."""
    viewer = principal.user if principal else None
    event = (await events.visible_event(session=session, event_id=event_id, viewer=viewer)).event
    if viewer is not None and can_write_for_organization(viewer, event.organization_id):
        grouped = await moderation.queue(session=session, actor=viewer, event_id=event_id)
        return [_public(view) for views in grouped.values() for view in views]
    views = await questions.public_questions(session=session, event_id=event_id, sort=sort)
    return [_public(view) for view in views]


@router.patch("/questions/{question_id}", response_model=QuestionPublic, responses=SIGNED_IN_WRITE)
async def moderate(
    question_id: Id, data: QuestionModeration, principal: CurrentPrincipal, session: SessionDep
) -> QuestionPublic:
    """Approve, reject, answer (`answered_by_ids`), or fix the spelling (`body`)."""
    question = await moderation.moderate(
        session=session, actor=principal.user, question_id=question_id, data=data
    )
    await session.commit()
    return _public((await questions.views(session=session, questions=[question]))[0])


@router.post(
    "/questions/{question_id}/merge", response_model=QuestionPublic, responses=SIGNED_IN_WRITE
)
async def merge(
    question_id: Id, data: QuestionMerge, principal: CurrentPrincipal, session: SessionDep
) -> QuestionPublic:
    """Folds this question into `into_id`; its votes move there, once per browser."""
    target = await moderation.merge(
        session=session, actor=principal.user, question_id=question_id, into_id=data.into_id
    )
    await session.commit()
    return _public((await questions.views(session=session, questions=[target]))[0])


@router.post("/questions/{question_id}/votes", response_model=VoteResult, responses=CITIZEN_WRITE)
async def vote(
    question_id: Id,
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    voter: VoterDep,
) -> VoteResult:
    """One vote per browser (the `pf_voter` cookie); voting again changes nothing."""
    return await _set_vote(request, question_id, session, db, settings, voter, voted=True)


@router.delete("/questions/{question_id}/votes", response_model=VoteResult, responses=CITIZEN_WRITE)
async def unvote(
    question_id: Id,
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    voter: VoterDep,
) -> VoteResult:
    """Takes this browser's vote back."""
    return await _set_vote(request, question_id, session, db, settings, voter, voted=False)


async def _set_vote(
    request: Request,
    question_id: Id,
    session: AsyncSession,
    db: Database,
    settings: Settings,
    voter: str,
    *,
    voted: bool,
) -> VoteResult:
    await ratelimit.guard(
        db=db, settings=settings, kind="vote", ip=client_ip(request), browser=voter
    )
    votes, now_voted = await questions.set_vote(
        session=session, question_id=question_id, voter=voter, voted=voted
    )
    await session.commit()
    return VoteResult(question_id=question_id, votes=votes, voted=now_voted)
