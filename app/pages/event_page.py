"""The public event page and its live question list, as every area fills them.

app/routers/events.py serves the page, app/routers/questions.py its questions section and the
live list; both compose them here. No account: the browser is the voter (the `pf_voter`
cookie, app/voters.py), and the private links of the questions it asked are kept in an
HttpOnly cookie, so the page can list them.

The page and its live list are the same for every anonymous visitor but for their votes, their
own questions and their token: rendered once per version (app/pagecache.py), then filled in
per request from one statement (the version, this browser's votes, whether it asked; its own
questions are read only if it asked).
"""

import gzip
import re
from collections.abc import Sequence
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import Response
from jinja2 import pass_context
from jinja2.runtime import Context
from jinja2.utils import missing
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from app import i18n
from app.config import Settings
from app.db import Database
from app.models import Event, Question
from app.models.events import EventStatus
from app.models.questions import QUESTION_MAX_LENGTH
from app.pagecache import (
    CSRF_PLACEHOLDER,
    Overrides,
    RecentVersions,
    SharedHtml,
    SlotRecorder,
)
from app.security import hash_token
from app.services import commitments, events, questions, topics
from app.services.errors import NotFound
from app.sizedcache import SizedCache
from app.templating import (
    accepts_gzip,
    environment,
    gzipped_response,
    html_response,
    is_htmx,
    render,
    render_fragment,
    render_shared,
    shared_response,
)

MY_QUESTIONS_COOKIE = "pf_my_questions"
MY_QUESTIONS_KEEP = 20
MY_QUESTIONS_DAYS = 365
_ENTRY = re.compile(r"(\d{1,12}):([A-Za-z0-9_-]{20,100})")
SORTS = ("votes", "newest")
SHAREABLE_QUERIES = frozenset({"", "sort=votes", "sort=newest"})


def sort_of(value: str | None) -> str:
    """The list's order as asked for, most voted unless "newest"."""
    return value if value in SORTS else "votes"


def page_url(event_id: int, *, sort: str = "votes", anchor: str = "", sent: bool = False) -> str:
    """The event page with its questions (sorted), at `anchor`; `sent` says thank you."""
    params = [p for p, on in (("sort=newest", sort == "newest"), ("sent=1", sent)) if on]
    query = "?" + "&".join(params) if params else ""
    return f"/events/{event_id}{query}" + (f"#{anchor}" if anchor else "")


# --- the browser's own questions -------------------------------------------------------------


def my_tokens(request: Request) -> list[tuple[int, str]]:
    """(event id, token) of the questions this browser asked, newest first, from its cookie."""
    raw = request.cookies.get(MY_QUESTIONS_COOKIE, "")
    found = (_ENTRY.fullmatch(entry) for entry in raw.split("."))
    return [(int(m.group(1)), m.group(2)) for m in found if m][:MY_QUESTIONS_KEEP]


def remember_question(
    response: Response, request: Request, settings: Settings, event_id: int, token: str
) -> None:
    """Keeps the private link of a question just asked in this browser's cookie."""
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


# --- the public question list, item by item ----------------------------------------------------
# An item's HTML depends only on the question's state, the names it shows (candidates, topic),
# the language, the sort and whether this browser voted; the visitor's CSRF token is put in
# after. So the 200 items of a busy forum page are rendered once per change, not once per render.
# (an item is ~0.5 KB: 8 MB holds some 16,000 of them, many busy forums' worth)
_items: SizedCache[str] = SizedCache(8 * 1024 * 1024, lambda _key, html: 2 * len(html) + 200)


def question_item_html(
    view: questions.QuestionView,
    voted: bool,
    sort: str,
    answers: Sequence[commitments.CommitmentView] = (),
) -> str:
    """One public question as HTML (with the CSRF placeholder), from the cache when unchanged;
    `answers`: the commitments that answered it."""
    q = view.question
    locale = i18n.get_locale()
    topic = view.topic
    names = (
        tuple(c.full_name for c in view.addressed),
        tuple(c.full_name for c in view.answered_by),
        (topic.name_sq, topic.name_en) if topic else None,
        tuple((a.commitment.id, a.commitment.updated_at, a.candidate.full_name) for a in answers),
    )
    key = (q.id, q.updated_at, q.votes, q.status, q.body, q.author_name, names, locale, sort, voted)
    html = _items.get(key)
    if html is None:
        macros = environment.get_template("public/questions/_macros.html").make_module(
            {"csrf_token": CSRF_PLACEHOLDER, "sort": sort, "locale": locale}
        )
        html = str(macros.question_item(view, {q.id} if voted else set(), answers))  # type: ignore[attr-defined]
        _items.put(key, html)
    return html


@pass_context
def question_item(context: Context, view: questions.QuestionView, voted: bool, sort: str) -> Markup:
    """The item in a page: a slot in a shared render (the visitor's vote goes in later)."""
    # resolve_or_missing, not get(): a missing name costs a KeyError each time, 200 times a page
    shared = context.resolve_or_missing("shared")
    by_question = context.resolve_or_missing("answers")
    answers = by_question.get(view.question.id, ()) if by_question not in (missing, None) else ()
    html = question_item_html(view, voted, sort, answers)
    if isinstance(shared, SlotRecorder):  # as if not voted; the slot keeps what it takes to say so
        return shared.slot("question", (view, sort, answers), default=html, key=view.question.id)
    return Markup(html.replace(CSRF_PLACEHOLDER, context["csrf_token"]))  # noqa: S704 (autoescaped)


# public/questions/_live.html calls it; whatever renders that template composes it here
environment.globals["question_item"] = question_item


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
    """The live part: this browser's questions, the public list, and the commitments made at
    the event (per candidate, and by the question they answer), with the version they show.

    With no voter, the part every visitor shares: nobody's votes, nobody's questions.
    """
    event_id = event.id or 0
    if version is None:  # read first: a change made meanwhile shows at the next check
        version = await questions.version(session=session, event_id=event_id)
    made = await commitments.for_event(session=session, event_id=event_id)
    context = {
        "commitment_groups": commitments.by_candidate(made),
        "answers": commitments.by_question(made),
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
    locale = i18n.get_locale()
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
            (t.id, topics.topic_name(t, locale)) for t in await topics.list_topics(session=session)
        ],
        "candidate_options": [
            (
                c.candidate.id,
                c.candidate.full_name + (f" ({c.party.abbreviation})" if c.party else ""),
            )
            for c in listing.present  # only they can be asked (services/questions.py)
        ],
        "values": values or {},
        "errors": errors or {},
        "message": message,
        "sent": sent,
        "max_length": QUESTION_MAX_LENGTH,
    }


# --- the page, for one visitor or shared by all ----------------------------------------------


def shareable(request: Request) -> bool:
    """No query but the sort. (Whoever is signed in gets a shared page of their own.)"""
    return request.url.query in SHAREABLE_QUERIES


async def event_page(
    request: Request, session: AsyncSession, event_id: int, voter: str, sort: str, sent: bool
) -> Response:
    """The public event page with its questions, rendered for this visitor alone."""
    context = await _page_context(request, session, event_id, voter=voter, sort=sort, sent=sent)
    return render(request, "public/event.html", context)


async def _page_context(
    request: Request,
    session: AsyncSession,
    event_id: int,
    *,
    voter: str | None,
    sort: str,
    sent: bool = False,
    version: str | None = None,
) -> dict[str, Any]:
    """What the event page shows: a cancelled event only itself, else its questions too."""
    listing = await events.visible_event(session=session, event_id=event_id)
    if listing.event.status == EventStatus.cancelled:
        return {"item": listing}
    return await section_context(
        request=request,
        session=session,
        listing=listing,
        voter=voter,
        sort=sort,
        sent=sent,
        version=version,
    )


async def shared_event_page(
    request: Request, db: Database, event_id: int, voter: str, sort: str
) -> Response:
    """The public event page with its questions, from the shared page of this version (read
    less than a second ago, as the live list's, or now)."""
    versions: RecentVersions = request.app.state.question_versions
    versions.follow(db.engine.sync_engine)
    version = versions.get(event_id)
    if version is not None:
        state = await questions.visitor_state(
            db=db, event_id=event_id, voter=voter, version=version
        )
    else:
        state = await questions.page_state(db=db, event_id=event_id, voter=voter)
        versions.put(event_id, state.version)

    # a signed-in organizer's page differs from a visitor's (the menu): theirs alone, by user
    principal = getattr(request.state, "principal", None)

    async def render_page() -> SharedHtml:
        async with db.read() as session:
            context = await _page_context(
                request, session, event_id, voter=None, sort=sort, version=state.version
            )
        return render_shared(request, "public/event.html", context, principal=principal)

    viewer = principal.user.id if principal is not None else None
    key = (event_id, request.url.query, i18n.get_locale(), state.version, viewer)
    page = await request.app.state.event_pages.get(key, render_page)
    _remember_counts(event_id, state.version, page)
    overrides = await _visitor_parts(request, db, page, event_id, voter, state)
    return shared_response(request, page, overrides)


def _nothing_new() -> Response:
    return Response(status_code=204, headers={"Cache-Control": "no-store"})


async def shared_live_list(
    request: Request, db: Database, event_id: int, voter: str, sort: str, seen: str
) -> Response:
    """204 while the list is as the browser has it (version `seen`), else the fresh list."""
    versions: RecentVersions = request.app.state.question_versions
    versions.follow(db.engine.sync_engine)
    if versions.get(event_id) == seen:
        return _nothing_new()
    state = await questions.page_state(db=db, event_id=event_id, voter=voter)
    versions.put(event_id, state.version)
    if seen == state.version:
        return _nothing_new()

    async def render_list() -> SharedHtml:
        async with db.read() as session:
            try:
                listing = await events.visible_event(session=session, event_id=event_id)
            except NotFound as error:
                raise HTTPException(status_code=404) from error
            context = await live_context(
                request=request,
                session=session,
                event=listing.event,
                voter=None,
                sort=sort,
                version=state.version,
            )
        return render_shared(request, "public/questions/_live.html", context)

    if is_htmx(request) and questions.same_list(seen, state.version):
        counts = _counts_seen.get((event_id, state.version))
        if counts is None:  # read, not rendered: a storm of votes renders no list
            counts = await questions.vote_counts(db=db, event_id=event_id)
            _counts_seen.put((event_id, state.version), counts)
        return _new_counts(request, event_id, sort, seen, state.version, counts)
    key = (event_id, sort, i18n.get_locale(), state.version)
    page = await request.app.state.question_lists.get(key, render_list)
    _remember_counts(event_id, state.version, page)
    overrides = await _visitor_parts(request, db, page, event_id, voter, state)
    return shared_response(request, page, overrides)


# --- when only vote counts changed: the counts alone -------------------------------------------
# A room of 250 phones polling while people vote would each fetch the whole list after every
# vote; they get the new version and the counts that changed since the one they have (all of
# them if this worker never saw that one), swapped in by id, a few hundred bytes. The order of
# the list is left as it is until the list itself changes: nothing moves under a thumb.
_counts_seen: SizedCache[dict[int, int]] = SizedCache(
    2 * 1024 * 1024, lambda _key, counts: 64 + 40 * len(counts)
)


def _remember_counts(event_id: int, version: str, page: SharedHtml) -> None:
    """Each listed question's votes at `version`, as its shared page or list shows them: what
    the browsers that got it will ask about."""
    if _counts_seen.get((event_id, version)) is None:
        views = (slot.value[0] for slot in page.slots if slot.kind == "question")
        _counts_seen.put((event_id, version), {v.question.id: v.question.votes for v in views})


def _new_counts(
    request: Request,
    event_id: int,
    sort: str,
    seen: str,
    version: str,
    counts: dict[int, int],
) -> Response:
    """The poll's next version, and the counts that changed since `seen` (out of band)."""
    before = _counts_seen.get((event_id, seen)) or {}
    changed = {qid: votes for qid, votes in counts.items() if before.get(qid) != votes}
    context = {"event": {"id": event_id}, "version": version, "sort": sort, "changed": changed}
    html = render_fragment("public/questions/_counts.html", context).encode()
    headers = {"HX-Retarget": "this", "HX-Reswap": "outerHTML", "Cache-Control": "no-store"}
    if len(html) < 1024 or not accepts_gzip(request):  # a few counts: not worth compressing
        return html_response(request, html, headers=headers)
    return gzipped_response(request, gzip.compress(html, compresslevel=4, mtime=0), headers)


# "your questions", as rendered for a browser at a version of the event's questions (a
# question of theirs moderated, merged or asked makes a new version): read and rendered again
# only when it may have changed, not at each of their page loads and polls
_mine_seen: SizedCache[str] = SizedCache(4 * 1024 * 1024, lambda _key, html: 2 * len(html) + 300)


async def _mine_html(
    db: Database, event_id: int, voter: str, tokens: list[str], version: str
) -> str:
    key = (event_id, voter, tuple(tokens), version, i18n.get_locale())
    html = _mine_seen.get(key)
    if html is None:
        async with db.read() as session:
            mine = await _mine(session, event_id, voter, tokens)
        context = {"event_id": event_id, "my_questions": mine}
        html = render_fragment("public/questions/_mine.html", context) if mine else ""
        _mine_seen.put(key, html)
    return html


async def _visitor_parts(
    request: Request,
    db: Database,
    page: SharedHtml,
    event_id: int,
    voter: str,
    state: questions.PageState,
) -> Overrides | None:
    """What goes in the slots of a shared questions section for this browser, by slot (None:
    what goes there for most visitors, who neither voted here nor asked)."""
    tokens = [t for e, t in my_tokens(request) if e == event_id]
    mine_html = ""
    if state.asked or tokens:
        mine_html = await _mine_html(db, event_id, voter, tokens, state.version)
    if not (state.voted or mine_html):
        return None
    overrides: dict[int, str] = {}
    for question_id in state.voted:
        n = page.slot_at("question", question_id)
        if n is not None:  # a question no longer listed has no slot
            view, sort, answers = page.slots[n].value
            overrides[n] = question_item_html(view, True, sort, answers)
    if mine_html:
        for kind, html in (("mine", mine_html), ("ask-open", "")):
            n = page.slot_at(kind)
            if n is not None:
                overrides[n] = html
    return overrides
