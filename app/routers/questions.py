"""Citizens' questions on the event page: ask, follow your own, vote, and the live list.

The event page's `questions` block is loaded from GET /events/{id}/questions with htmx; without
JavaScript its link opens that address, the event page with the questions filled in. The list
asks GET /events/{id}/questions/live?v=VERSION every 2 s and gets 204 while nothing changed.
The page and the list are composed in app/pages/event_page.py.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app import private
from app.config import Settings
from app.deps import DatabaseDep, SessionDep, SettingsDep, client_ip, get_principal
from app.i18n import gettext as _
from app.models import Id, Question
from app.models.questions import QUESTION_MAX_LENGTH, QuestionCreate
from app.pages.event_page import (
    page_url,
    remember_question,
    section_context,
    shared_live_list,
    sort_of,
)
from app.routers.forms import form_values, parse_input, see_other
from app.services import events, questions, ratelimit
from app.services.errors import Conflict, InvalidInput
from app.services.ratelimit import RateLimited
from app.templating import is_htmx, render
from app.voters import VoterDep

router = APIRouter(include_in_schema=False)
# full pages show who is signed in; the live check and the vote fragments do not need to
PAGE = [Depends(get_principal)]

FIELDS = ("body", "author_name", "topic_id", "candidate_ids")
HONEYPOT = "website"
Sort = Annotated[str, Query(max_length=10)]


async def _limit(
    request: Request, db: DatabaseDep, settings: Settings, voter: str, kind: str
) -> RateLimited | None:
    """Per IP and per browser, counted in the database (shared with the JSON API's counters)."""
    try:
        await ratelimit.guard(
            db=db, settings=settings, kind=kind, ip=client_ip(request), browser=voter
        )
    except RateLimited as error:
        return error
    return None


# --- the page and the live list --------------------------------------------------------------


@router.get("/events/{event_id}/questions", name="event_questions", dependencies=PAGE)
async def questions_page(
    request: Request,
    event_id: Id,
    session: SessionDep,
    voter: VoterDep,
    sort: Sort = "votes",
    sent: bool = False,
) -> Response:
    """The event page with its questions (no JavaScript), or just its `questions` block (htmx)."""
    listing = await events.visible_event(session=session, event_id=event_id)
    context = await section_context(
        request=request,
        session=session,
        listing=listing,
        voter=voter,
        sort=sort_of(sort),
        sent=sent,
    )
    return render(request, "public/event.html", context, block="questions")


@router.get("/events/{event_id}/questions/live", name="questions_live")
async def questions_live(
    request: Request,
    event_id: Id,
    db: DatabaseDep,
    voter: VoterDep,
    v: Annotated[str, Query(max_length=64)] = "",
    sort: Sort = "votes",
) -> Response:
    """204 while the list is as the browser has it (version `v`), else the fresh list."""
    return await shared_live_list(request, db, event_id, voter, sort_of(sort), v)


# --- asking ----------------------------------------------------------------------------------


@router.post("/events/{event_id}/questions", name="ask_question", dependencies=PAGE)
async def ask_question(
    request: Request,
    event_id: Id,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    voter: VoterDep,
) -> Response:
    """A new question, pending until approved; the asker sees it in "Your questions"."""
    # first: the limits count in sessions of their own, before this request's session is used
    limited = await _limit(request, db, settings, voter, "question")
    values = form_values(await request.form(), lists=("candidate_ids",))
    listing = await events.visible_event(session=session, event_id=event_id)
    again = (request, session, event_id, voter)
    if limited is not None:
        message = _(
            "You have sent many questions in a short time. Please wait %(minutes)s minutes "
            "and try again.",
            minutes=limited.minutes,
        )
        headers = {"Retry-After": str(limited.retry_after)}
        return await _form_again(
            *again, values=values, message=message, status=429, headers=headers
        )
    if values.get(HONEYPOT):  # a robot: it is told what a person is told, and nothing is kept
        return await _asked(request, session, listing, voter, settings=settings, token=None)
    try:
        data = parse_input(QuestionCreate, {k: values.get(k) for k in FIELDS})
        _question, token = await questions.ask(
            session=session, event_id=event_id, data=data, asker=voter
        )
    except InvalidInput as error:
        await session.rollback()
        errors = _messages(error.errors, values)
        return await _form_again(*again, values=values, errors=errors, status=400)
    except Conflict as error:  # the question period is closed
        await session.rollback()
        return await _form_again(*again, values=values, message=error.message, status=409)
    await session.commit()
    return await _asked(request, session, listing, voter, settings=settings, token=token)


def _messages(errors: dict[str, str], values: dict[str, Any]) -> dict[str, str]:
    """Says what to do, in the words of this form."""
    found = {}
    for field, message in errors.items():
        if field == "body" and not values.get("body"):
            message = _("Write your question.")
        elif field == "body" and len(values.get("body") or "") > QUESTION_MAX_LENGTH:
            message = _(
                "At most %(max)s characters: yours has %(count)s. Please shorten it.",
                max=QUESTION_MAX_LENGTH,
                count=len(values["body"]),
            )
        elif field == "topic_id":
            message = _("Choose a topic from the list.")
        elif field == "candidate_ids":
            message = _("Choose candidates who confirmed they take part.")
        found[field] = message
    return found


async def _form_again(
    request: Request,
    session: AsyncSession,
    event_id: int,
    voter: str,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    message: str | None = None,
    status: int,
    headers: dict[str, str] | None = None,
) -> Response:
    """The section once more, with the message next to the field and everything typed kept."""
    # afresh: a rollback expired what was read
    listing = await events.visible_event(session=session, event_id=event_id)
    values = {**values, HONEYPOT: None}
    context = await section_context(
        request=request,
        session=session,
        listing=listing,
        voter=voter,
        values=values,
        errors=errors,
        message=message,
    )
    headers = {**(headers or {}), "HX-Reswap": "outerHTML show:#ask:top"}
    return render(
        request,
        "public/event.html",
        context,
        block="questions",
        status_code=status,
        headers=headers,
    )


async def _asked(
    request: Request,
    session: AsyncSession,
    listing: events.EventListing,
    voter: str,
    *,
    settings: Settings,
    token: str | None,
) -> Response:
    """Back to the event page at "Your questions" (htmx: the fresh section, saying thank you)."""
    event_id = listing.event.id or 0
    if is_htmx(request):
        context = await section_context(
            request=request,
            session=session,
            listing=listing,
            voter=voter,
            sent=True,
            new_token=token,
        )
        headers = {"HX-Reswap": "outerHTML show:#questions:top"}
        response: Response = render(
            request, "public/event.html", context, block="questions", headers=headers
        )
    else:
        response = see_other(page_url(event_id, anchor="my-questions", sent=True))
    if token is not None:
        remember_question(response, request, settings, event_id, token)
    return response


# --- voting ----------------------------------------------------------------------------------


@router.post("/questions/{question_id}/vote", name="vote")
async def vote(
    request: Request,
    question_id: Id,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    voter: VoterDep,
) -> Response:
    """One vote per browser: the service refuses a second one, whatever the page shows."""
    return await _vote(request, question_id, session, db, settings, voter, take_back=False)


@router.post("/questions/{question_id}/unvote", name="unvote")
async def unvote(
    request: Request,
    question_id: Id,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    voter: VoterDep,
) -> Response:
    """Takes this browser's vote back."""
    return await _vote(request, question_id, session, db, settings, voter, take_back=True)


async def _vote(
    request: Request,
    question_id: Id,
    session: AsyncSession,
    db: DatabaseDep,
    settings: Settings,
    voter: str,
    *,
    take_back: bool,
) -> Response:
    limited = await _limit(request, db, settings, voter, "vote")  # first, see ask_question
    # the sort rides in the button's address (formaction), or in a form of an older page
    sort = sort_of(str((await request.form()).get("sort") or request.query_params.get("sort")))
    if limited is not None:
        if not is_htmx(request):
            raise limited  # the error page says how long to wait
        return await _vote_refused(request, session, question_id, voter, sort, limited)
    votes, voted = await questions.set_vote(
        session=session, question_id=question_id, voter=voter, voted=not take_back
    )
    await session.commit()
    if is_htmx(request):
        context = {"question_id": question_id, "votes": votes, "voted": voted, "sort": sort}
        return render(request, "public/questions/_vote.html", context)
    question = await session.get(Question, question_id)  # read by the service already
    event_id = question.event_id if question else 0
    return see_other(page_url(event_id, sort=sort, anchor=f"q-{question_id}"))


async def _vote_refused(
    request: Request,
    session: AsyncSession,
    question_id: Id,
    voter: str,
    sort: str,
    limited: RateLimited,
) -> Response:
    """The vote button as it stands, with the reason it did not change."""
    question = await session.get(Question, question_id)
    if question is None:
        raise HTTPException(status_code=404)
    voted = question_id in await questions.voted_by(
        session=session, event_id=question.event_id, voter=voter
    )
    message = _(
        "You have voted many times in a short time. Please wait %(minutes)s minutes and try again.",
        minutes=limited.minutes,
    )
    context = {
        "question_id": question_id,
        "votes": question.votes,
        "voted": voted,
        "sort": sort,
        "message": message,
    }
    headers = {"Retry-After": str(limited.retry_after)}
    return render(request, "public/questions/_vote.html", context, status_code=429, headers=headers)


# --- the private link ------------------------------------------------------------------------


@router.get("/q/{question_token}", name="question_status", dependencies=PAGE)
async def question_status(request: Request, question_token: str, session: SessionDep) -> Response:
    """One question and what became of it, for whoever holds its private link."""
    missing = _("We could not find this question.")
    question = await private.lookup(
        request, questions.question_by_token(session=session, token=question_token), missing=missing
    )
    if isinstance(question, Response):
        return question
    listing = await events.get_event(session=session, event_id=question.event_id)
    if listing is None:
        return private.not_valid(request, missing)
    view = (await questions.views(session=session, questions=[question]))[0]
    context = {"view": view, "item": listing, "event": listing.event}
    return private.render(request, "public/questions/status.html", context)
