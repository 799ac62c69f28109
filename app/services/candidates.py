"""A candidate's public record: the events they were invited to (and declined), the citizens'
questions they answered. Their commitments are app/services/commitments.py's; their party,
election and municipality app/services/elections.py's."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.models import (
    Event,
    EventCandidate,
    InvitationStatus,
    Question,
    QuestionCandidate,
)
from app.models.events import PUBLIC_EVENT_STATUSES
from app.services.questions import PUBLIC


@dataclass(frozen=True)
class Invitation:
    """A public event the candidate was invited to, and how the invitation stands."""

    event: Event
    status: InvitationStatus

    @property
    def declined(self) -> bool:
        return self.status == InvitationStatus.declined


async def invitations(*, session: AsyncSession, candidate_id: int) -> list[Invitation]:
    """The candidate's invitations to public events, newest event first."""
    rows = await session.execute(
        select(Event, EventCandidate.status)  # type: ignore[call-overload]
        .join(EventCandidate, col(EventCandidate.event_id) == col(Event.id))
        .where(
            col(EventCandidate.candidate_id) == candidate_id,
            col(Event.status).in_(PUBLIC_EVENT_STATUSES),
        )
        .order_by(col(Event.starts_at).desc(), col(Event.id))
    )
    return [Invitation(event, InvitationStatus(status)) for event, status in rows.all()]


async def answered_questions(
    *, session: AsyncSession, candidate_id: int
) -> list[tuple[Question, Event]]:
    """The public questions the candidate answered, at public events, newest event first."""
    rows = await session.execute(
        select(Question, Event)
        .join(QuestionCandidate, col(QuestionCandidate.question_id) == col(Question.id))
        .join(Event, col(Event.id) == col(Question.event_id))
        .where(
            col(QuestionCandidate.candidate_id) == candidate_id,
            col(QuestionCandidate.answered).is_(True),
            col(Question.status).in_(PUBLIC),
            col(Question.merged_into_id).is_(None),
            col(Event.status).in_(PUBLIC_EVENT_STATUSES),
        )
        .order_by(col(Event.starts_at).desc(), col(Question.votes).desc(), col(Question.id))
    )
    return [(question, event) for question, event in rows.all()]
