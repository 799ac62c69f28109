"""Moderating citizens' questions: the queue, approve, reject, fix the spelling, who answered,
merge a duplicate, put one on the screen, and open or close the question period.

Every function checks that the actor organizes the question's event (NotAllowed otherwise),
records what it changed in the audit trail, and leaves the commit to the caller.
"""

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    Event,
    Question,
    QuestionCandidate,
    QuestionStatus,
    QuestionVote,
    User,
    utcnow,
)
from app.models.questions import QuestionModeration
from app.services import audit, events
from app.services.access import require_event_writer
from app.services.errors import Conflict, InvalidInput, NotFound
from app.services.questions import PUBLIC, QuestionView, present_candidate_ids, views


async def queue(
    *, session: AsyncSession, actor: User, event_id: int, include_merged: bool = False
) -> dict[QuestionStatus, list[QuestionView]]:
    """Every question of the event by status, for its organizers (merged ones on request)."""
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound(_("No such event."))
    require_event_writer(actor, event)
    statement = select(Question).where(col(Question.event_id) == event_id)
    if not include_merged:
        statement = statement.where(col(Question.merged_into_id).is_(None))
    statement = statement.order_by(col(Question.created_at))
    found = await views(
        session=session, questions=list((await session.execute(statement)).scalars())
    )
    grouped: dict[QuestionStatus, list[QuestionView]] = {s: [] for s in QuestionStatus}
    for view in found:
        grouped[view.question.status].append(view)
    grouped[QuestionStatus.approved].sort(key=lambda v: (-v.question.votes, v.question.created_at))
    return grouped


async def _for_moderation(session: AsyncSession, actor: User, question_id: int) -> Question:
    question = await session.scalar(
        select(Question).where(col(Question.id) == question_id).with_for_update()
    )
    if question is None:
        raise NotFound(_("No such question."))
    event = await session.get(Event, question.event_id)
    assert event is not None  # foreign key
    if not events.is_visible(event, actor):  # another organization's draft: none for them
        raise NotFound(_("No such question."))
    require_event_writer(actor, event)
    return question


async def moderate(
    *, session: AsyncSession, actor: User, question_id: int, data: QuestionModeration
) -> Question:
    """Approve, reject (with a private reason), fix spelling (keeping the original), answer."""
    question = await _for_moderation(session, actor, question_id)
    now = utcnow()
    changes: dict[str, object] = {}
    if data.body is not None and data.body != question.body:
        if question.original_body is None:
            question.original_body = question.body
        changes["body"] = [question.body, data.body]
        question.body = data.body
    if data.answered_by_ids is not None:
        await _set_answered_by(session, question, data.answered_by_ids)
        changes["answered_by_ids"] = data.answered_by_ids
        if data.status is None and data.answered_by_ids:
            data = data.model_copy(update={"status": QuestionStatus.answered})
    if data.status is not None and data.status != question.status:
        if question.merged_into_id is not None:
            raise Conflict(_("This question was merged into another one."), field="status")
        changes["status"] = [question.status, data.status]
        question.status = data.status
        if data.status == QuestionStatus.approved and question.approved_at is None:
            question.approved_at = now
        if data.status == QuestionStatus.answered:
            question.approved_at = question.approved_at or now
            question.answered_at = now
        if data.status == QuestionStatus.rejected:
            question.rejection_reason = data.rejection_reason or None
            question.on_screen_at = None
    if changes:
        question.updated_at = now
        audit.record(
            session=session,
            user=actor,
            action="question.moderate",
            entity_id=question_id,
            details=changes,
        )
    return question


async def _set_answered_by(
    session: AsyncSession, question: Question, candidate_ids: list[int]
) -> None:
    present = await present_candidate_ids(session=session, event_id=question.event_id)
    if not set(candidate_ids) <= present:
        raise InvalidInput(
            {"answered_by_ids": _("Choose candidates who confirmed they take part.")}
        )
    links = {
        link.candidate_id: link
        for link in (
            await session.execute(
                select(QuestionCandidate).where(col(QuestionCandidate.question_id) == question.id)
            )
        ).scalars()
    }
    for candidate_id, link in links.items():
        link.answered = candidate_id in candidate_ids
    for candidate_id in set(candidate_ids) - set(links):
        session.add(
            QuestionCandidate(
                question_id=question.id,  # type: ignore[arg-type]
                candidate_id=candidate_id,
                addressed=False,
                answered=True,
            )
        )


async def merge(*, session: AsyncSession, actor: User, question_id: int, into_id: int) -> Question:
    """Folds a duplicate into the question kept: its votes move (once per browser), it hides."""
    if question_id == into_id:
        raise InvalidInput({"into_id": _("A question cannot be merged into itself.")})
    source = await _for_moderation(session, actor, question_id)
    target = await _for_moderation(session, actor, into_id)
    if source.event_id != target.event_id:
        raise InvalidInput({"into_id": _("Both questions must belong to the same event.")})
    if target.merged_into_id is not None:
        raise InvalidInput({"into_id": _("That question was itself merged into another one.")})
    voters = set(
        (
            await session.execute(
                select(QuestionVote.voter).where(col(QuestionVote.question_id) == question_id)  # type: ignore[call-overload]
            )
        ).scalars()
    )
    already = set(
        (
            await session.execute(
                select(QuestionVote.voter).where(col(QuestionVote.question_id) == into_id)  # type: ignore[call-overload]
            )
        ).scalars()
    )
    now = utcnow()
    session.add_all(
        QuestionVote(question_id=into_id, voter=v, created_at=now) for v in voters - already
    )
    await session.execute(delete(QuestionVote).where(col(QuestionVote.question_id) == question_id))
    target.votes += len(voters - already)
    target.updated_at = now
    if target.status == QuestionStatus.pending and source.status in PUBLIC:
        target.status = QuestionStatus.approved
        target.approved_at = now
    source.merged_into_id = into_id
    source.votes = 0
    source.status = QuestionStatus.rejected
    source.on_screen_at = None
    source.updated_at = now
    audit.record(
        session=session,
        user=actor,
        action="question.merge",
        entity_id=question_id,
        details={"into_id": into_id, "votes_moved": len(voters - already)},
    )
    return target


async def put_on_screen(*, session: AsyncSession, actor: User, question_id: int) -> Question:
    """Makes this the question the room sees (approving it if it was pending)."""
    question = await _for_moderation(session, actor, question_id)
    if question.status in (QuestionStatus.rejected,) or question.merged_into_id:
        raise Conflict(_("Only a published question can go on the screen."), field="status")
    now = utcnow()
    if question.status == QuestionStatus.pending:
        question.status = QuestionStatus.approved
        question.approved_at = now
    question.on_screen_at = now
    question.updated_at = now
    audit.record(
        session=session,
        user=actor,
        action="question.on_screen",
        entity_id=question_id,
    )
    return question


async def clear_screen(*, session: AsyncSession, actor: User, event_id: int) -> int:
    """Takes the question off the screen: the projector shows its idle state; returns how many."""
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound(_("No such event."))
    require_event_writer(actor, event)
    shown = list(
        (
            await session.execute(
                select(Question)
                .where(col(Question.event_id) == event_id, col(Question.on_screen_at).is_not(None))
                .with_for_update()
            )
        ).scalars()
    )
    now = utcnow()
    for question in shown:
        question.on_screen_at = None
        question.updated_at = now  # the screen's version changes: it clears at its next poll
    if shown:
        audit.record(
            session=session,
            user=actor,
            action="screen.clear",
            entity_id=event_id,
            details={"question_ids": [q.id for q in shown]},
        )
    return len(shown)


async def set_question_period(
    *, session: AsyncSession, actor: User, event_id: int, open_: bool
) -> Event:
    """Opens or closes the question period of an event."""
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound(_("No such event."))
    require_event_writer(actor, event)
    event.questions_closed_at = None if open_ else utcnow()
    audit.record(
        session=session,
        user=actor,
        action="event.questions_open" if open_ else "event.questions_closed",
        entity_id=event_id,
    )
    return event
