"""The candidate portal: what a candidate sees, and their answers to commitments.

The links are app/services/portal_links.py; the organizers' decision on a dispute is
app/services/disputes.py."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    Candidate,
    Commitment,
    CommitmentAnswer,
    Confirmation,
    Event,
    EventCandidate,
    InvitationStatus,
    Question,
    QuestionCandidate,
    Topic,
    utcnow,
)
from app.models.events import PUBLIC_EVENT_STATUSES
from app.models.portal import DISPUTE_MAX_LENGTH
from app.services import notices, questions
from app.services.errors import InvalidInput, NotFound
from app.services.questions import QuestionView

# --- what the candidate sees -----------------------------------------------------------------


@dataclass(frozen=True)
class CommitmentItem:
    """A commitment with its topic, the public question it answered, and every answer."""

    commitment: Commitment
    topic: Topic | None
    question: Question | None
    answers: list[CommitmentAnswer]


@dataclass(frozen=True)
class PortalEvent:
    """An event the candidate was on the list of, what they promised there, what they were asked."""

    event: Event
    status: InvitationStatus | None
    commitments: list[CommitmentItem]
    questions: list[QuestionView]


async def commitments_of(*, session: AsyncSession, candidate_id: int) -> list[Commitment]:
    statement = (
        select(Commitment)
        .where(col(Commitment.candidate_id) == candidate_id)
        .order_by(col(Commitment.created_at), col(Commitment.id))
    )
    return list((await session.execute(statement)).scalars())


async def portal_events(*, session: AsyncSession, candidate: Candidate) -> list[PortalEvent]:
    """The candidate's public events, newest first, each with its commitments and questions."""
    rows = (
        await session.execute(
            select(Event, EventCandidate.status)  # type: ignore[call-overload]
            .join(EventCandidate, col(EventCandidate.event_id) == col(Event.id))
            .where(
                col(EventCandidate.candidate_id) == candidate.id,
                col(Event.status).in_(PUBLIC_EVENT_STATUSES),
            )
        )
    ).all()
    statuses: dict[int, InvitationStatus | None] = {e.id: s for e, s in rows}
    found: dict[int, Event] = {e.id: e for e, _s in rows}
    commitments = await commitments_of(session=session, candidate_id=candidate.id or 0)
    for event_id in {c.event_id for c in commitments} - found.keys():
        event = await session.get(Event, event_id)
        if event is not None:
            found[event_id] = event
            statuses[event_id] = None
    items = await portal_items(session=session, commitments=commitments)
    by_event: dict[int, list[CommitmentItem]] = defaultdict(list)
    for item in items:
        by_event[item.commitment.event_id].append(item)
    asked = await _questions_to(session, candidate.id or 0, list(found))
    events = sorted(found.values(), key=lambda e: e.starts_at, reverse=True)
    return [
        PortalEvent(
            event=e,
            status=statuses[e.id or 0],
            commitments=by_event[e.id or 0],
            questions=asked[e.id or 0],
        )
        for e in events
    ]


async def portal_items(
    *, session: AsyncSession, commitments: list[Commitment]
) -> list[CommitmentItem]:
    """Each commitment with its topic, its question (if public) and its answers, oldest first."""
    ids = [c.id for c in commitments]
    answers: dict[int, list[CommitmentAnswer]] = defaultdict(list)
    if ids:
        found = await session.execute(
            select(CommitmentAnswer)
            .where(col(CommitmentAnswer.commitment_id).in_(ids))
            .order_by(col(CommitmentAnswer.answered_at), col(CommitmentAnswer.id))
        )
        for answer in found.scalars():
            answers[answer.commitment_id].append(answer)
    topic_ids = {c.topic_id for c in commitments if c.topic_id}
    topics = {}
    if topic_ids:
        rows = await session.execute(select(Topic).where(col(Topic.id).in_(topic_ids)))
        topics = {t.id: t for t in rows.scalars()}
    question_ids = {c.question_id for c in commitments if c.question_id}
    public: dict[int | None, Question] = {}
    if question_ids:
        rows2 = await session.execute(select(Question).where(col(Question.id).in_(question_ids)))
        public = {q.id: q for q in rows2.scalars() if questions.is_public(q)}
    return [
        CommitmentItem(
            commitment=c,
            topic=topics.get(c.topic_id),
            question=public.get(c.question_id),
            answers=answers[c.id or 0],
        )
        for c in commitments
    ]


async def _questions_to(
    session: AsyncSession, candidate_id: int, event_ids: list[int]
) -> dict[int, list[QuestionView]]:
    """The public questions addressed to the candidate at those events, most voted first."""
    by_event: dict[int, list[QuestionView]] = defaultdict(list)
    if not event_ids:
        return by_event
    statement = (
        select(Question)
        .join(QuestionCandidate, col(QuestionCandidate.question_id) == col(Question.id))
        .where(
            col(Question.event_id).in_(event_ids),
            col(Question.status).in_(questions.PUBLIC),
            col(Question.merged_into_id).is_(None),
            col(QuestionCandidate.candidate_id) == candidate_id,
            col(QuestionCandidate.addressed).is_(True),
        )
        .order_by(col(Question.votes).desc(), col(Question.created_at), col(Question.id))
    )
    found = list((await session.execute(statement)).scalars())
    for view in await questions.views(session=session, questions=found):
        by_event[view.question.event_id].append(view)
    return by_event


async def own_commitment(
    *, session: AsyncSession, candidate: Candidate, commitment_id: int, lock: bool = False
) -> Commitment:
    """One of the candidate's commitments; another candidate's is as unknown as a made-up one."""
    statement = select(Commitment).where(
        col(Commitment.id) == commitment_id, col(Commitment.candidate_id) == candidate.id
    )
    if lock:  # two answers at once: the second waits for the first (SQLite: BEGIN IMMEDIATE)
        statement = statement.with_for_update()
    commitment = await session.scalar(statement)
    if commitment is None:
        raise NotFound(_("No such commitment."))
    return commitment


async def commitment_item(
    *, session: AsyncSession, candidate: Candidate, commitment_id: int
) -> CommitmentItem:
    commitment = await own_commitment(
        session=session, candidate=candidate, commitment_id=commitment_id
    )
    return (await portal_items(session=session, commitments=[commitment]))[0]


# --- the candidate's answers -----------------------------------------------------------------


async def _latest_answer(session: AsyncSession, commitment_id: int) -> CommitmentAnswer | None:
    return await session.scalar(
        select(CommitmentAnswer)
        .where(col(CommitmentAnswer.commitment_id) == commitment_id)
        .order_by(col(CommitmentAnswer.answered_at).desc(), col(CommitmentAnswer.id).desc())
        .limit(1)
    )


async def _answer(
    session: AsyncSession,
    candidate: Candidate,
    commitment_id: int,
    answer: Confirmation,
    comment: str | None,
    now: datetime | None,
) -> Commitment:
    """Records the answer, unless it is the candidate's last answer to this very text again."""
    commitment = await own_commitment(
        session=session, candidate=candidate, commitment_id=commitment_id, lock=True
    )
    latest = await _latest_answer(session, commitment_id)
    unchanged = (
        commitment.confirmation == answer
        and latest is not None
        and (latest.answer, latest.comment, latest.text_answered)
        == (answer, comment, commitment.text)
    )
    if unchanged:
        return commitment
    now = now or utcnow()
    session.add(
        CommitmentAnswer(
            commitment_id=commitment_id,
            answer=answer,
            comment=comment,
            text_answered=commitment.text,
            answered_at=now,
        )
    )
    commitment.confirmation = answer
    commitment.candidate_comment = comment
    commitment.candidate_answered_at = now
    # a new answer ends the organizers' earlier decision: a new dispute needs a new one
    commitment.organizer_note = None
    commitment.updated_at = now
    session.add(commitment)
    await session.flush()
    return commitment


async def confirm(
    *,
    session: AsyncSession,
    candidate: Candidate,
    commitment_id: int,
    now: datetime | None = None,
) -> Commitment:
    """ "This is what I committed to." Confirming again what stands confirmed adds nothing."""
    return await _answer(session, candidate, commitment_id, Confirmation.confirmed, None, now)


async def dispute(
    *,
    session: AsyncSession,
    candidate: Candidate,
    commitment_id: int,
    comment: str,
    now: datetime | None = None,
) -> Commitment:
    """ "This is not what I committed to", with the candidate's own wording (1–2,000 chars)."""
    comment = comment.strip()
    if not comment:
        raise InvalidInput({"comment": _("Write the wording you propose.")})
    if len(comment) > DISPUTE_MAX_LENGTH:
        raise InvalidInput(
            {"comment": _("At most %(count)s characters.", count=DISPUTE_MAX_LENGTH)}
        )
    current = await own_commitment(
        session=session, candidate=candidate, commitment_id=commitment_id, lock=True
    )
    answered_before = current.candidate_answered_at
    commitment = await _answer(
        session, candidate, commitment_id, Confirmation.disputed, comment, now
    )
    if commitment.candidate_answered_at != answered_before:  # a new answer: the organizers hear
        await notices.disputed(session=session, commitment=commitment)
    return commitment
