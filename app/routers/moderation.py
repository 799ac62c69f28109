"""Question moderation for the event's organizers (the screen the room sees is screen.py).

Every organizer route checks that the signed-in person organizes the event (404, then 403;
app/deps.py) before it reads any input. The domain logic is app/services/moderation.py: these
handlers parse a form, call it, and answer with a 303 (plain form) or the fresh queue (htmx).
The live endpoint compares the page's `v` with questions.version() and answers 204 when
nothing changed.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.deps import (
    CurrentPrincipal,
    DatabaseDep,
    ModeratedEvent,
    ModeratedQuestion,
    SessionDep,
)
from app.models import Event, Question, QuestionStatus, User
from app.models.commitments import CommitmentCreate
from app.models.questions import QuestionMerge, QuestionModeration
from app.pages import commitments as commitment_pages
from app.routers.forms import form_values, parse_input, see_other
from app.services import commitments, events, moderation, questions
from app.services.errors import InvalidInput, NotAllowed, ServiceError
from app.services.questions import QuestionView
from app.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
Version = Annotated[str, Query(max_length=32)]
NO_STORE = {"Cache-Control": "no-store"}  # live answers: never reused by any cache
SUGGESTED = 2  # likely duplicates offered on a pending card as one-click merges


# --- the moderation page ---------------------------------------------------------------------


@router.get("/manage/events/{event_id}/questions", name="moderation")
async def moderation_page(
    request: Request, event: ModeratedEvent, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Pending, approved, answered and rejected questions, with every action on each, and
    the box to record a commitment (`saved`: the one just recorded, without JavaScript)."""
    context = await _queue_context(session, principal.user, event.id or 0)
    saved = request.query_params.get("saved", "")
    context |= await _box(session, event.id or 0, saved=int(saved) if saved.isdigit() else None)
    return render(request, "manage/questions/moderation.html", context, headers=NO_STORE)


@router.get("/manage/events/{event_id}/questions/live", name="moderation_live")
async def moderation_live(
    request: Request,
    event: ModeratedEvent,
    principal: CurrentPrincipal,
    session: SessionDep,
    v: Version = "",
) -> Response:
    """204 while `v` is current; else the queue again, carrying the new version."""
    version = await questions.version(session=session, event_id=event.id or 0)
    if v == version:
        return Response(status_code=204, headers=NO_STORE)
    context = await _queue_context(session, principal.user, event.id or 0, version=version)
    return render(request, "manage/questions/_queue.html", context, headers=NO_STORE)


@router.post("/manage/events/{event_id}/questions/open", name="open_questions")
async def open_questions(
    request: Request,
    event: ModeratedEvent,
    principal: CurrentPrincipal,
    session: SessionDep,
    db: DatabaseDep,
) -> Response:
    return await _set_period(request, event, principal.user, session, db, open_=True)


@router.post("/manage/events/{event_id}/questions/close", name="close_questions")
async def close_questions(
    request: Request,
    event: ModeratedEvent,
    principal: CurrentPrincipal,
    session: SessionDep,
    db: DatabaseDep,
) -> Response:
    return await _set_period(request, event, principal.user, session, db, open_=False)


@router.post("/manage/events/{event_id}/screen/clear", name="clear_screen")
async def clear_screen(
    request: Request,
    event: ModeratedEvent,
    principal: CurrentPrincipal,
    session: SessionDep,
    db: DatabaseDep,
) -> Response:
    """ "Hiqe nga ekrani": no question on the projector, which shows its idle state."""
    event_id = event.id or 0
    await moderation.clear_screen(session=session, actor=principal.user, event_id=event_id)
    await session.commit()
    if not is_htmx(request):
        return see_other(f"/manage/events/{event_id}/questions")
    return await _queue_answer(request, db, principal.user, event_id)


async def _set_period(
    request: Request,
    event: Event,
    actor: User,
    session: AsyncSession,
    db: Database,
    *,
    open_: bool,
) -> Response:
    event_id = event.id or 0
    await moderation.set_question_period(
        session=session, actor=actor, event_id=event_id, open_=open_
    )
    await session.commit()
    if not is_htmx(request):
        return see_other(f"/manage/events/{event_id}/questions")
    return await _queue_answer(request, db, actor, event_id)


# --- recording a commitment, beside the queue ------------------------------------------------


@router.post("/manage/events/{event_id}/commitments", name="record_commitment")
async def record_commitment(
    request: Request,
    event: ModeratedEvent,
    principal: CurrentPrincipal,
    session: SessionDep,
    db: DatabaseDep,
) -> Response:
    """Records what a candidate promised (app/services/commitments.py). htmx gets the box
    again, for the next one (same candidate and question); a plain form a 303 to the page.
    A refusal shows each message by its field, with everything typed kept."""
    event_id = event.id or 0
    values = form_values(await request.form())
    try:
        data = parse_input(CommitmentCreate, {**values, "event_id": event_id})
        commitment = await commitments.record(session=session, actor=principal.user, data=data)
    except NotAllowed as error:
        raise HTTPException(status_code=403, detail=error.message) from error
    except ServiceError as error:
        await session.rollback()
        errors = error.errors if isinstance(error, InvalidInput) else {"__all__": error.message}
        return await _box_answer(
            request, db, principal.user, event_id, values=values, errors=errors, status=422
        )
    await session.commit()
    saved = commitment.id or 0
    if not is_htmx(request):
        return see_other(f"/manage/events/{event_id}/questions?saved={saved}#commitment-box")
    keep = {k: values.get(k) for k in ("candidate_id", "question_id", "topic_id")}
    return await _box_answer(request, db, principal.user, event_id, values=keep, saved=saved)


async def _box(
    session: AsyncSession,
    event_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    saved: int | None = None,
) -> dict[str, Any]:
    listing = await events.get_event(session=session, event_id=event_id)
    assert listing is not None  # its organizers were checked a moment ago; events stay
    return await commitment_pages.box_context(
        session=session, listing=listing, values=values, errors=errors, saved=saved
    )


async def _box_answer(
    request: Request,
    db: Database,
    actor: User,
    event_id: int,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    saved: int | None = None,
    status: int = 200,
) -> Response:
    """The box alone for htmx, else the whole page; read in a read session of its own."""
    async with db.read() as session:
        context = await _box(session, event_id, values=values, errors=errors, saved=saved)
        if not is_htmx(request):
            context |= await _queue_context(session, actor, event_id)
    template = "commitments/_box.html" if is_htmx(request) else "questions/moderation.html"
    return render(request, f"manage/{template}", context, status_code=status, headers=NO_STORE)


# --- one action per route, each a plain form that htmx enhances ------------------------------


@dataclass
class Moderating:
    """One moderator acting on one question: the request, who, the question, the sessions."""

    request: Request
    question: Question
    actor: User
    session: AsyncSession
    db: Database

    async def form(self, *, lists: Sequence[str] = ()) -> dict[str, Any]:
        return form_values(await self.request.form(), lists=lists)

    async def moderate(
        self, name: str, fields: dict[str, Any], values: dict[str, Any] | None = None
    ) -> Response:
        """questions.moderate() with the form's fields, validated by the API's own input model."""

        async def action() -> None:
            data = parse_input(QuestionModeration, fields)
            await moderation.moderate(
                session=self.session, actor=self.actor, question_id=self.question_id, data=data
            )

        return await self.run(name, values or {}, action)

    @property
    def question_id(self) -> int:
        return self.question.id or 0

    async def run(
        self, name: str, values: dict[str, Any], action: Callable[[], Awaitable[None]]
    ) -> Response:
        """Does it and commits: 303 back to the page, or the fresh queue for htmx. A refusal
        shows on the question's card, with what was typed kept in the form it came from."""
        # read before acting: a rollback expires the question
        event_id, question_id = self.question.event_id, self.question_id
        try:
            await action()
        except NotAllowed as error:
            raise HTTPException(status_code=403, detail=error.message) from error
        except ServiceError as error:
            await self.session.rollback()
            if isinstance(error, InvalidInput):
                message, status = "; ".join(error.errors.values()), 400
            else:
                message, status = error.message, (409 if error.status_code == 409 else 400)
            failed = {"id": question_id, "action": name, "message": message, "values": values}
            return await _queue_answer(
                self.request, self.db, self.actor, event_id, failed=failed, status=status
            )
        await self.session.commit()
        if not is_htmx(self.request):
            return see_other(f"/manage/events/{event_id}/questions#q-{question_id}")
        return await _queue_answer(self.request, self.db, self.actor, event_id)


async def moderating(
    request: Request,
    question: ModeratedQuestion,
    principal: CurrentPrincipal,
    session: SessionDep,
    db: DatabaseDep,
) -> Moderating:
    return Moderating(request, question, principal.user, session, db)


ModeratingDep = Annotated[Moderating, Depends(moderating)]


@router.post("/manage/questions/{question_id}/approve", name="approve_question")
async def approve_question(it: ModeratingDep) -> Response:
    return await it.moderate("approve", {"status": "approved"})


@router.post("/manage/questions/{question_id}/reject", name="reject_question")
async def reject_question(it: ModeratingDep) -> Response:
    """Not published; the reason (optional) is for the organizers only."""
    values = await it.form()
    fields = {"status": "rejected", "rejection_reason": values.get("rejection_reason")}
    return await it.moderate("reject", fields, values)


@router.post("/manage/questions/{question_id}/edit", name="edit_question")
async def edit_question(it: ModeratingDep) -> Response:
    """A spelling fix; the service keeps the text as the citizen sent it."""
    values = await it.form()
    return await it.moderate("edit", {"body": values.get("body") or ""}, values)


@router.post("/manage/questions/{question_id}/answer", name="answer_question")
async def answer_question(it: ModeratingDep) -> Response:
    """Who answered it: the ticked candidates (ticking one marks the question answered)."""
    values = await it.form(lists=["answered_by_ids"])
    return await it.moderate("answer", {"answered_by_ids": values["answered_by_ids"]}, values)


@router.post("/manage/questions/{question_id}/screen", name="screen_question")
async def screen_question(it: ModeratingDep) -> Response:
    """Makes it the question on the screen (approving it if it was pending)."""

    async def action() -> None:
        await moderation.put_on_screen(
            session=it.session, actor=it.actor, question_id=it.question_id
        )

    return await it.run("screen", {}, action)


@router.post("/manage/questions/{question_id}/merge", name="merge_question")
async def merge_question(it: ModeratingDep) -> Response:
    """Folds this question into the one chosen; its votes move there, once per browser."""
    values = await it.form()

    async def action() -> None:
        into = parse_input(QuestionMerge, {"into_id": values.get("into_id")})
        await moderation.merge(
            session=it.session, actor=it.actor, question_id=it.question_id, into_id=into.into_id
        )

    return await it.run("merge", values, action)


@router.get("/manage/questions/{question_id}/merge", name="merge_question_form")
async def merge_question_form(
    request: Request, question: ModeratedQuestion, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """The "merge into…" choice, likely duplicates first. Loaded when a moderator opens it:
    a select of every other question on every card would make the live queue heavy."""
    listing = await events.get_event(session=session, event_id=question.event_id)
    assert listing is not None  # foreign key
    event = listing.event
    grouped = await moderation.queue(session=session, actor=principal.user, event_id=event.id or 0)
    targets = _merge_targets(grouped)
    this = [v for views in grouped.values() for v in views if v.question.id == question.id]
    alike = questions.likely_duplicates(this, targets).get(question.id or 0, [])
    others = [v for v in targets if v not in alike and v.question.id != question.id]
    context = {"event": event, "view": this[0] if this else None, "alike": alike, "others": others}
    return render(request, "manage/questions/merge.html", context, block="merge_form")


async def _queue_answer(
    request: Request,
    db: Database,
    actor: User,
    event_id: int,
    *,
    failed: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    """The queue for htmx, else the whole page; read in a read session of its own, so that
    the write lock is not held while it renders."""
    async with db.read() as session:
        context = await _queue_context(session, actor, event_id, failed=failed)
        if not is_htmx(request):
            context |= await _box(session, event_id)
    template = "_queue.html" if is_htmx(request) else "moderation.html"
    return render(
        request, f"manage/questions/{template}", context, status_code=status, headers=NO_STORE
    )


async def _queue_context(
    session: AsyncSession,
    actor: User,
    event_id: int,
    *,
    version: str | None = None,
    failed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the queue shows. The version is read first: a change that lands while the
    rest is read then shows at the next poll instead of being missed."""
    if version is None:
        version = await questions.version(session=session, event_id=event_id)
    listing = await events.get_event(session=session, event_id=event_id)
    assert listing is not None  # its organizers were checked a moment ago; events stay
    event = listing.event
    await session.refresh(event)  # it may have been read before the version was
    grouped = await moderation.queue(
        session=session, actor=actor, event_id=event_id, include_merged=True
    )
    current = await questions.on_screen(session=session, event_id=event_id)
    pending = grouped[QuestionStatus.pending]
    return {
        "event": event,
        "public": events.is_visible(event),  # its public page (and screen) can be opened
        "version": version,
        "grouped": grouped,
        "counts": {status.value: len(views) for status, views in grouped.items()},
        "candidates": listing.present,  # answers are credited to them only
        "on_screen": current,
        "on_screen_id": current.question.id if current else None,
        "suggestions": await _suggestions(pending, _merge_targets(grouped)),
        "questions_open": await questions.questions_open(session=session, event=event),
        "failed": failed or {},
    }


def _merge_targets(grouped: dict[QuestionStatus, list[QuestionView]]) -> list[QuestionView]:
    """What a question may be merged into: the published and the pending ones."""
    return [
        *grouped[QuestionStatus.pending],
        *grouped[QuestionStatus.approved],
        *grouped[QuestionStatus.answered],
    ]


# likely_duplicates() compares every pair of texts, which takes a while; the queue is drawn
# again at every vote, while the texts rarely change: the answer is kept per set of texts.
_SUGGESTIONS: OrderedDict[tuple[Any, ...], dict[int, list[int]]] = OrderedDict()


async def _suggestions(
    pending: list[QuestionView], targets: list[QuestionView]
) -> dict[int, list[QuestionView]]:
    """For each pending question, the questions that read like it (a few, for one-click merges)."""
    if not pending or len(targets) < 2:
        return {}
    key = (
        tuple((v.question.id, v.question.body) for v in pending),
        tuple((v.question.id, v.question.body) for v in targets),
    )
    found = _SUGGESTIONS.get(key)
    if found is None:
        alike = await asyncio.to_thread(questions.likely_duplicates, pending, targets)
        found = {qid: [v.question.id or 0 for v in views] for qid, views in alike.items()}
        _SUGGESTIONS[key] = found
        while len(_SUGGESTIONS) > 16:
            _SUGGESTIONS.popitem(last=False)
    else:
        _SUGGESTIONS.move_to_end(key)
    by_id = {v.question.id: v for v in targets}
    return {qid: [by_id[i] for i in ids if i in by_id][:SUGGESTED] for qid, ids in found.items()}
