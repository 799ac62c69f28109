"""The dashboard's "needs doing" beyond the events' own state (scheduling.dashboard): questions
waiting for moderation and invitations no candidate has answered, for the actor's organization
(admins: every organization's). Disputed commitments come from disputes.open_disputes()."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.models import (
    Candidate,
    Event,
    EventCandidate,
    EventStatus,
    InvitationStatus,
    Question,
    QuestionStatus,
    User,
    utcnow,
)
from app.services.access import is_admin

LIMIT = 20  # lines per list; the rest is on the events' own pages


@dataclass(frozen=True)
class WaitingQuestions:
    event: Event
    pending: int  # questions no moderator has approved or rejected yet


@dataclass(frozen=True)
class OpenInvitation:
    event: Event
    candidate: Candidate


async def waiting_questions(*, session: AsyncSession, actor: User) -> list[WaitingQuestions]:
    """Events whose questions wait for moderation, the most waiting first."""
    pending = func.count(col(Question.id))
    statement = (
        select(Event, pending)
        .join(Question, col(Question.event_id) == col(Event.id))
        .where(
            col(Question.status) == QuestionStatus.pending,
            col(Question.merged_into_id).is_(None),
            col(Event.status).in_((EventStatus.scheduled, EventStatus.held)),
        )
        .group_by(col(Event.id))
        .order_by(pending.desc(), col(Event.starts_at))
        .limit(LIMIT)
    )
    if not is_admin(actor):
        statement = statement.where(col(Event.organization_id) == actor.organization_id)
    return [WaitingQuestions(e, int(n)) for e, n in (await session.execute(statement)).all()]


async def open_invitations(
    *, session: AsyncSession, actor: User, now: datetime | None = None
) -> list[OpenInvitation]:
    """Invitations to events still to come that the candidate has not answered, soonest first."""
    statement = (
        select(Event, Candidate)
        .join(EventCandidate, col(EventCandidate.event_id) == col(Event.id))
        .join(Candidate, col(Candidate.id) == col(EventCandidate.candidate_id))
        .where(
            col(EventCandidate.status) == InvitationStatus.invited,
            col(Event.status).in_((EventStatus.draft, EventStatus.scheduled)),
            col(Event.ends_at) >= (now or utcnow()),
        )
        .order_by(col(Event.starts_at), col(Event.id), col(Candidate.full_name))
        .limit(LIMIT)
    )
    if not is_admin(actor):
        statement = statement.where(col(Event.organization_id) == actor.organization_id)
    return [OpenInvitation(e, c) for e, c in (await session.execute(statement)).all()]
