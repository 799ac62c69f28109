"""Citizens' questions on the event page: ask, follow your own, vote, and the live list.

No account: the browser is the voter (the `pf_voter` cookie, app/voters.py), and the private
links of the questions it asked are kept in an HttpOnly cookie, so the page can list them.

The event page's `questions` block is loaded from GET /events/{id}/questions with htmx; without
JavaScript its link opens that address, the event page with the questions filled in. The list
asks GET /events/{id}/questions/live?v=VERSION every 2 s and gets 204 while nothing changed.
"""

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app import i18n
from app.config import Settings
from app.db import Database
from app.deps import DatabaseDep, SessionDep, SettingsDep, client_ip, get_principal
from app.i18n import gettext as _
from app.models import Event, InvitationStatus, Question, Topic
from app.models.events import PUBLIC_EVENT_STATUSES, EventStatus
from app.models.questions import QUESTION_MAX_LENGTH, QuestionCreate
from app.pagecache import Filler, SharedHtml, Slot
from app.routers.forms import form_values, parse_input, see_other
from app.security import hash_token
from app.services import events, questions, ratelimit
from app.services.errors import Conflict, InvalidInput
from app.services.ratelimit import RateLimited
from app.templating import (
    is_htmx,
    question_item_html,
    render,
    render_fragment,
    render_shared,
    shared_response,
)
from app.voters import VoterDep

router = APIRouter(include_in_schema=False)
# full pages show who is signed in; the live check and the vote fragments do not need to
PAGE = [Depends(get_principal)]

MY_QUESTIONS_COOKIE = "pf_my_questions"
MY_QUESTIONS_KEEP = 20
MY_QUESTIONS_DAYS = 365
_ENTRY = re.compile(r"(\d{1,12}):([A-Za-z0-9_-]{20,100})")
FIELDS = ("body", "author_name", "topic_id", "candidate_ids")
HONEYPOT = "website"
SORTS = ("votes", "newest")
Sort = Annotated[str, Query(max_length=10)]
# the private link is the key to one question: never cached, never sent on, never indexed
PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


def page_url(event_id: int, *, sort: str = "votes", anchor: str = "", sent: bool = False) -> str:
    """The event page with its questions (sorted), at `anchor`; `sent` says thank you."""
    params = [p for p, on in (("sort=newest", sort == "newest"), ("sent=1", sent)) if on]
    query = "?" + "&".join(params) if params else ""
    return f"/events/{event_id}{query}" + (f"#{anchor}" if anchor else "")


def _sort(value: str | None) -> str:
    return value if value in SORTS else "votes"


# --- the browser's own questions -------------------------------------------------------------


def my_tokens(request: Request) -> list[tuple[int, str]]:
    """(event id, token) of the questions this browser asked, newest first, from its cookie."""
    raw = request.cookies.get(MY_QUESTIONS_COOKIE, "")
    found = (_ENTRY.fullmatch(entry) for entry in raw.split("."))
    return [(int(m.group(1)), m.group(2)) for m in found if m][:MY_QUESTIONS_KEEP]


def _remember(
    response: Response, request: Request, settings: Settings, event_id: int, token: str
) -> None:
    entries = [(event_id, token), *[e for e in my_tokens(request) if e[1] != token]]
    value = ".".join(f"{e}:{t}" for e, t in entries[:MY_QUESTIONS_KEEP])
    response.set_cookie(
        MY_QUESTIONS_COOKIE,
        value,
        max_age=60 * 60 * 24 * MY_QUESTIONS_DAYS,
        httponly=True,
        samesite="lax",
        secure=settings.https,
    )


async def _mine(
    session: AsyncSession, event_id: int, voter: str, tokens: list[str]
) -> list[tuple[Question, str | None]]:
    """This browser's questions to the event with their private link's token where it has it."""
    by_hash = {hash_token(t): t for t in tokens}
    asked = await questions.asked_by(session=session, event_id=event_id, asker=voter)
    mine = [(q, by_hash.pop(q.token_hash or "", None)) for q in asked]
    for token in by_hash.values():  # asked before this browser's voter cookie changed
        question = await questions.question_by_token(session=session, token=token)
        if question is not None and question.event_id == event_id:
            mine.append((question, token))
    return sorted(mine, key=lambda m: (m[0].created_at, m[0].id or 0), reverse=True)


# --- what the templates need -----------------------------------------------------------------


async def live_context(
    *,
    request: Request,
    session: AsyncSession,
    event: Event,
    voter: str | None,
    sort: str,
    version: str | None = None,
    new_token: str | None = None,
) -> dict[str, Any]:
    """The live part: this browser's questions and the public list, with the version they show.

    With no voter, the part every visitor shares: nobody's votes, nobody's questions.
    """
    event_id = event.id or 0
    if version is None:  # read first: a change made meanwhile shows at the next check
        version = await questions.version(session=session, event_id=event_id)
    context = {
        "event": event,
        "version": version,
        "sort": sort,
        "live": event.status == EventStatus.scheduled,
        "public_questions": await questions.public_questions(
            session=session, event_id=event_id, sort=sort
        ),
        "voted": frozenset(),
        "my_questions": [],
    }
    if voter is not None:
        tokens = [t for e, t in my_tokens(request) if e == event_id]
        context["voted"] = await questions.voted_by(session=session, event_id=event_id, voter=voter)
        context["my_questions"] = await _mine(
            session, event_id, voter, [new_token, *tokens] if new_token else tokens
        )
    return context


# --- shared pages --------------------------------------------------------------------------
# The event page and its live list are the same for every anonymous visitor but for their
# votes, their own questions and their token: rendered once per version (app/pagecache.py),
# then filled in per request from one statement (the version, this browser's votes, whether it
# asked; its own questions are read only if it asked).

SHAREABLE_QUERIES = frozenset({"", "sort=votes", "sort=newest"})


def shareable(request: Request) -> bool:
    """Nobody signed in, and no query but the sort."""
    return (
        getattr(request.state, "principal", None) is None and request.url.query in SHAREABLE_QUERIES
    )


async def visitor_fill(
    request: Request, db: Database, event_id: int, voter: str, state: questions.PageState
) -> Filler | None:
    """What goes in the slots of a shared questions section for this browser (None: what
    goes there for most visitors, who neither voted here nor asked)."""
    tokens = [t for e, t in my_tokens(request) if e == event_id]
    mine_html = ""
    if state.asked or tokens:
        async with db.read() as session:
            mine = await _mine(session, event_id, voter, tokens)
        if mine:
            context = {"event_id": event_id, "my_questions": mine}
            mine_html = render_fragment("public/questions/_mine.html", context)
    if not (state.voted or mine_html):
        return None

    def fill(slot: Slot) -> str:
        if slot.kind == "question":
            view, sort = slot.value
            if view.question.id in state.voted:
                return question_item_html(view, True, sort)
            return slot.default
        if slot.kind == "mine":
            return mine_html
        if slot.kind == "ask-open":
            return "" if mine_html else slot.default
        raise ValueError(f"no such slot: {slot.kind}")

    return fill


async def shared_event_page(
    request: Request, db: Database, event_id: int, voter: str, sort: str
) -> Response:
    """The public event page with its questions, from the shared page of this version."""
    async with db.snapshot() as connection:
        state = await questions.page_state(connection=connection, event_id=event_id, voter=voter)

    async def render_page() -> SharedHtml:
        async with db.read() as session:
            listing = await events.visible_event(session=session, event_id=event_id)
            if listing.event.status == EventStatus.cancelled:
                return render_shared(request, "public/event.html", {"item": listing})
            context = await section_context(
                request=request,
                session=session,
                listing=listing,
                voter=None,
                sort=sort,
                version=state.version,
            )
        return render_shared(request, "public/event.html", context)

    key = (event_id, request.url.query, i18n.get_locale(), state.version)
    page = await request.app.state.event_pages.get(key, render_page)
    return await _for_this_visitor(request, db, page, event_id, voter, state)


async def _for_this_visitor(
    request: Request,
    db: Database,
    page: SharedHtml,
    event_id: int,
    voter: str,
    state: questions.PageState,
) -> Response:
    fill = await visitor_fill(request, db, event_id, voter, state)
    return shared_response(request, page, fill)


async def section_context(
    *,
    request: Request,
    session: AsyncSession,
    listing: events.EventListing,
    voter: str | None,
    sort: str = "votes",
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    sent: bool = False,
    new_token: str | None = None,
    version: str | None = None,
) -> dict[str, Any]:
    """Everything the event page's `questions` block shows: the form and the live part."""
    event = listing.event
    topics = await session.execute(select(Topic).order_by(col(Topic.position), col(Topic.id)))
    return {
        **await live_context(
            request=request,
            session=session,
            event=event,
            voter=voter,
            sort=sort,
            version=version,
            new_token=new_token,
        ),
        "item": listing,
        "questions_open": await questions.questions_open(session=session, event=event),
        "topic_options": [
            (t.id, t.name_en if i18n.get_locale() == "en" else t.name_sq) for t in topics.scalars()
        ],
        "candidate_options": [
            (
                c.candidate.id,
                c.candidate.full_name + (f" ({c.party.abbreviation})" if c.party else ""),
            )
            for c in listing.candidates
            if c.status != InvitationStatus.declined
        ],
        "values": values or {},
        "errors": errors or {},
        "message": message,
        "sent": sent,
        "max_length": QUESTION_MAX_LENGTH,
    }


async def _public_event(session: AsyncSession, event_id: int) -> events.EventListing:
    return await events.visible_event(session=session, event_id=event_id)


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
    event_id: int,
    session: SessionDep,
    voter: VoterDep,
    sort: Sort = "votes",
    sent: bool = False,
) -> Response:
    """The event page with its questions (no JavaScript), or just its `questions` block (htmx)."""
    listing = await _public_event(session, event_id)
    context = await section_context(
        request=request, session=session, listing=listing, voter=voter, sort=_sort(sort), sent=sent
    )
    return render(request, "public/event.html", context, block="questions")


@router.get("/events/{event_id}/questions/live", name="questions_live")
async def questions_live(
    request: Request,
    event_id: int,
    db: DatabaseDep,
    voter: VoterDep,
    v: Annotated[str, Query(max_length=64)] = "",
    sort: Sort = "votes",
) -> Response:
    """204 while the list is as the browser has it (version `v`), else the fresh list."""
    sort = _sort(sort)
    async with db.snapshot() as connection:
        state = await questions.page_state(connection=connection, event_id=event_id, voter=voter)
    if v == state.version:
        return Response(status_code=204, headers={"Cache-Control": "no-store"})

    async def render_list() -> SharedHtml:
        async with db.read() as session:
            event = await session.get(Event, event_id)
            if event is None or event.status not in PUBLIC_EVENT_STATUSES:
                raise HTTPException(status_code=404)
            context = await live_context(
                request=request,
                session=session,
                event=event,
                voter=None,
                sort=sort,
                version=state.version,
            )
        return render_shared(request, "public/questions/_live.html", context)

    key = (event_id, sort, i18n.get_locale(), state.version)
    page = await request.app.state.question_lists.get(key, render_list)
    return await _for_this_visitor(request, db, page, event_id, voter, state)


# --- asking ----------------------------------------------------------------------------------


@router.post("/events/{event_id}/questions", name="ask_question", dependencies=PAGE)
async def ask_question(
    request: Request,
    event_id: int,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    voter: VoterDep,
) -> Response:
    """A new question, pending until approved; the asker sees it in "Your questions"."""
    # first: the limits count in sessions of their own, before this request's session is used
    limited = await _limit(request, db, settings, voter, "question")
    values = form_values(await request.form(), lists=("candidate_ids",))
    listing = await _public_event(session, event_id)
    again = (request, session, event_id, voter)
    if limited is not None:
        message = _(
            "You have sent many questions in a short time. Please wait %(minutes)s minutes "
            "and try again.",
            minutes=max(1, round(limited.retry_after / 60)),
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
            message = _("Choose candidates of this event.")
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
    listing = await _public_event(session, event_id)  # afresh: a rollback expired what was read
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
        _remember(response, request, settings, event_id, token)
    return response


# --- voting ----------------------------------------------------------------------------------


@router.post("/questions/{question_id}/vote", name="vote")
async def vote(
    request: Request,
    question_id: int,
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
    question_id: int,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    voter: VoterDep,
) -> Response:
    """Takes this browser's vote back."""
    return await _vote(request, question_id, session, db, settings, voter, take_back=True)


async def _vote(
    request: Request,
    question_id: int,
    session: AsyncSession,
    db: DatabaseDep,
    settings: Settings,
    voter: str,
    *,
    take_back: bool,
) -> Response:
    limited = await _limit(request, db, settings, voter, "vote")  # first, see ask_question
    sort = _sort(str((await request.form()).get("sort") or ""))
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
    question_id: int,
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
        minutes=max(1, round(limited.retry_after / 60)),
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
    question = await questions.question_by_token(session=session, token=question_token)
    listing = (
        await events.get_event(session=session, event_id=question.event_id) if question else None
    )
    if question is None or listing is None:
        return render(
            request,
            "errors/error.html",
            {"status": 404, "message": _("We could not find this question."), "detail": None},
            status_code=404,
            headers=PRIVATE_HEADERS,
        )
    view = (await questions.views(session=session, questions=[question]))[0]
    context = {"view": view, "item": listing, "event": listing.event}
    return render(request, "public/questions/status.html", context, headers=PRIVATE_HEADERS)
