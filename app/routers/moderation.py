"""Question moderation for the event's organizers, and the screen the room sees.

Every organizer route checks that the signed-in person organizes the event (404, then 403)
before it reads any input. The domain logic is app/services/questions.py: these handlers parse
a form, call it, and answer with a 303 (plain form) or the fresh queue (htmx). The live
endpoints compare the page's `v` with questions.version() and answer 204 when nothing changed.
"""

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlsplit

import segno
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import Database
from app.deps import CurrentPrincipal, DatabaseDep, SessionDep, SettingsDep
from app.i18n import gettext as _
from app.models import Event, EventStatus, Question, QuestionStatus, User
from app.models.questions import QuestionMerge, QuestionModeration
from app.routers.forms import form_values, parse_input, see_other
from app.services import events, questions
from app.services.access import can_write_for_organization
from app.services.errors import InvalidInput, NotAllowed, ServiceError
from app.services.questions import QuestionView
from app.templating import is_htmx, render

router = APIRouter(include_in_schema=False)
Version = Annotated[str, Query(max_length=32)]
NO_STORE = {"Cache-Control": "no-store"}  # live answers: never reused by any cache
ON_SCREEN_TOP = 5  # the most voted approved questions listed under the current one
SUGGESTED = 2  # likely duplicates offered on a pending card as one-click merges


# --- who may moderate ------------------------------------------------------------------------


async def moderated_event(event_id: int, principal: CurrentPrincipal, session: SessionDep) -> Event:
    """The event, for its organizing organization and admins only: 404 unknown, 403 others."""
    event = await session.get(Event, event_id)
    if event is None:
        raise HTTPException(status_code=404)
    _require_moderator(principal.user, event)
    return event


async def moderated_question(
    question_id: int, principal: CurrentPrincipal, session: SessionDep
) -> Question:
    """The question, for its event's organizers only, checked before any input is read."""
    question = await session.get(Question, question_id)
    if question is None:
        raise HTTPException(status_code=404)
    event = await session.get(Event, question.event_id)
    assert event is not None  # foreign key
    _require_moderator(principal.user, event)
    return question


def _require_moderator(user: User, event: Event) -> None:
    if not can_write_for_organization(user, event.organization_id):
        raise HTTPException(
            status_code=403, detail=_("Only the organizing organization moderates its questions.")
        )


async def public_event(event_id: int, session: SessionDep) -> Event:
    """A published event (drafts are nobody's business but their organizers')."""
    event = await session.get(Event, event_id)
    if event is None or event.status == EventStatus.draft:
        raise HTTPException(status_code=404)
    return event


ModeratedEvent = Annotated[Event, Depends(moderated_event)]
ModeratedQuestion = Annotated[Question, Depends(moderated_question)]
PublicEvent = Annotated[Event, Depends(public_event)]


# --- the moderation page ---------------------------------------------------------------------


@router.get("/manage/events/{event_id}/questions", name="moderation")
async def moderation(
    request: Request, event: ModeratedEvent, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """Pending, approved, answered and rejected questions, with every action on each."""
    context = await _queue_context(session, principal.user, event)
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
    context = await _queue_context(session, principal.user, event, version=version)
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
    await questions.set_question_period(
        session=session, actor=actor, event_id=event_id, open_=open_
    )
    await session.commit()
    if not is_htmx(request):
        return see_other(f"/manage/events/{event_id}/questions")
    return await _queue_answer(request, db, actor, event_id)


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
            await questions.moderate(
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
        await questions.put_on_screen(
            session=it.session, actor=it.actor, question_id=it.question_id
        )

    return await it.run("screen", {}, action)


@router.post("/manage/questions/{question_id}/merge", name="merge_question")
async def merge_question(it: ModeratingDep) -> Response:
    """Folds this question into the one chosen; its votes move there, once per browser."""
    values = await it.form()

    async def action() -> None:
        into = parse_input(QuestionMerge, {"into_id": values.get("into_id")})
        await questions.merge(
            session=it.session, actor=it.actor, question_id=it.question_id, into_id=into.into_id
        )

    return await it.run("merge", values, action)


@router.get("/manage/questions/{question_id}/merge", name="merge_question_form")
async def merge_question_form(
    request: Request, question: ModeratedQuestion, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """The "merge into…" choice, likely duplicates first. Loaded when a moderator opens it:
    a select of every other question on every card would make the live queue heavy."""
    event = await session.get(Event, question.event_id)
    assert event is not None  # foreign key
    grouped = await questions.moderation_queue(
        session=session, actor=principal.user, event_id=event.id or 0
    )
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
        event = await session.get(Event, event_id)
        assert event is not None
        context = await _queue_context(session, actor, event, failed=failed)
    template = "_queue.html" if is_htmx(request) else "moderation.html"
    return render(
        request, f"manage/questions/{template}", context, status_code=status, headers=NO_STORE
    )


async def _queue_context(
    session: AsyncSession,
    actor: User,
    event: Event,
    *,
    version: str | None = None,
    failed: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Everything the queue shows. The version is read first: a change that lands while the
    rest is read then shows at the next poll instead of being missed."""
    event_id = event.id or 0
    if version is None:
        version = await questions.version(session=session, event_id=event_id)
    await session.refresh(event)
    grouped = await questions.moderation_queue(
        session=session, actor=actor, event_id=event_id, include_merged=True
    )
    listing = await events.get_event(session=session, event_id=event_id)
    current = await questions.on_screen(session=session, event_id=event_id)
    pending = grouped[QuestionStatus.pending]
    return {
        "event": event,
        "version": version,
        "grouped": grouped,
        "counts": {status.value: len(views) for status, views in grouped.items()},
        "candidates": listing.candidates if listing else [],
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


async def question_counts(*, session: AsyncSession, actor: User, event_id: int) -> dict[str, Any]:
    """For the organizer's event page: how many questions stand at each status."""
    grouped = await questions.moderation_queue(
        session=session, actor=actor, event_id=event_id, include_merged=True
    )
    event = await session.get(Event, event_id)
    assert event is not None
    return {
        "counts": {status.value: len(views) for status, views in grouped.items()},
        "open": await questions.questions_open(session=session, event=event),
    }


# --- the screen ------------------------------------------------------------------------------


@router.get("/events/{event_id}/screen", name="screen")
async def screen(
    request: Request, event: PublicEvent, session: SessionDep, settings: SettingsDep
) -> Response:
    """For the projector: the question on screen, the most voted ones, a QR code to join."""
    url = f"{settings.base_url}/events/{event.id}"
    parts = urlsplit(url)
    qr = segno.make(url, error="m").svg_inline(
        scale=1, dark="#000", light="#fff", border=2, omitsize=True, svgclass="screen-qr-code"
    )
    context = {
        **await _screen_context(session, event),
        "event_url": url,
        "short_url": parts.netloc.removeprefix("www.") + parts.path,
        "short_host": parts.netloc.removeprefix("www."),
        "short_path": parts.path,
        "qr": Markup(qr),  # noqa: S704 (segno's own SVG: no outside text in it)
    }
    return render(request, "screen/screen.html", context)


@router.get("/events/{event_id}/screen/live", name="screen_live")
async def screen_live(
    request: Request, event: PublicEvent, session: SessionDep, v: Version = ""
) -> Response:
    """204 while `v` is current; else the screen's changing part, carrying the new version."""
    version = await questions.version(session=session, event_id=event.id or 0)
    if v == version:
        return Response(status_code=204, headers=NO_STORE)
    context = await _screen_context(session, event, version=version)
    return render(request, "screen/_live.html", {**context, "oob": True}, headers=NO_STORE)


async def _screen_context(
    session: AsyncSession, event: Event, *, version: str | None = None
) -> dict[str, Any]:
    """Public data only: the current question and the most voted approved ones."""
    event_id = event.id or 0
    if version is None:
        version = await questions.version(session=session, event_id=event_id)
    await session.refresh(event)
    current = await questions.on_screen(session=session, event_id=event_id)
    published = await questions.public_questions(session=session, event_id=event_id)
    top = [
        v
        for v in published
        if v.question.status == QuestionStatus.approved
        and (current is None or v.question.id != current.question.id)
    ][:ON_SCREEN_TOP]
    listing = await events.get_event(session=session, event_id=event_id)
    parties = {c.candidate.id: c.party for c in listing.candidates} if listing else {}
    return {
        "event": event,
        "version": version,
        "current": current,
        "top": top,
        "parties": parties,
        "questions_open": await questions.questions_open(session=session, event=event),
    }
