"""Citizens' questions: asking, reading, voting, what changed, and likely duplicates.

Moderating them (approve, merge, the screen, the question period) is app/services/moderation.py.
"""

import hashlib
import hmac
import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any

from sqlalchemy import String, bindparam, cast, delete, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Select
from sqlmodel import col

from app.db import Database
from app.i18n import gettext as _
from app.models import (
    Candidate,
    Commitment,
    Event,
    EventCandidate,
    EventStatus,
    Question,
    QuestionCandidate,
    QuestionStatus,
    QuestionVote,
    Topic,
    User,
    utcnow,
)
from app.models.events import PRESENT_STATUSES, PUBLIC_EVENT_STATUSES
from app.models.questions import QuestionCreate
from app.security import hash_token, new_token
from app.services import events
from app.services.access import require_event_writer
from app.services.errors import Conflict, InvalidInput, NotFound

PUBLIC = (QuestionStatus.approved, QuestionStatus.answered)


def browser_id(*, secret: str, cookie: str) -> str:
    """The stored identity of a browser: a keyed hash of its cookie, never the cookie itself."""
    return hmac.new(secret.encode(), f"browser|{cookie}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class QuestionView:
    """A question with the candidates it is addressed to and those who answered it."""

    question: Question
    addressed: list[Candidate]
    answered_by: list[Candidate]
    topic: Topic | None

    @property
    def is_public(self) -> bool:
        """In the public list, where anyone may vote for it."""
        return is_public(self.question)


def is_public(question: Question) -> bool:
    """Approved or answered, and not merged into another question."""
    return question.status in PUBLIC and question.merged_into_id is None


# --- asking ----------------------------------------------------------------------------------


async def questions_open(
    *, session: AsyncSession, event: Event, now: datetime | None = None
) -> bool:
    """Questions are taken from publication until the organizer closes the period."""
    del session, now
    return event.status == EventStatus.scheduled and event.questions_closed_at is None


async def present_candidate_ids(*, session: AsyncSession, event_id: int) -> set[int]:
    """The candidates a question may be addressed to or credited to: confirmed or attended."""
    return set(
        (
            await session.execute(
                select(EventCandidate.candidate_id).where(  # type: ignore[call-overload]
                    col(EventCandidate.event_id) == event_id,
                    col(EventCandidate.status).in_(PRESENT_STATUSES),
                )
            )
        ).scalars()
    )


async def ask(
    *,
    session: AsyncSession,
    event_id: int,
    data: QuestionCreate,
    asker: str | None,
) -> tuple[Question, str]:
    """A new pending question; returns it with the token of its private link."""
    event = await session.get(Event, event_id)
    if event is None or not events.is_visible(event):
        raise NotFound(_("No such event."))
    if not await questions_open(session=session, event=event):
        raise Conflict(_("Questions for this event are closed."))
    errors: dict[str, str] = {}
    if data.topic_id is not None and await session.get(Topic, data.topic_id) is None:
        errors["topic_id"] = _("Choose a topic from the list.")
    candidate_ids = list(dict.fromkeys(data.candidate_ids))
    if candidate_ids:
        present = await present_candidate_ids(session=session, event_id=event_id)
        if not set(candidate_ids) <= present:
            errors["candidate_ids"] = _("Choose candidates who confirmed they take part.")
    if errors:
        raise InvalidInput(errors)
    token = new_token()
    question = Question(
        event_id=event_id,
        body=data.body,
        author_name=data.author_name or None,
        topic_id=data.topic_id,
        asker=asker,
        token_hash=hash_token(token),
    )
    session.add(question)
    await session.flush()
    session.add_all(
        QuestionCandidate(question_id=question.id, candidate_id=c)  # type: ignore[arg-type]
        for c in candidate_ids
    )
    return question, token


async def question_by_token(*, session: AsyncSession, token: str) -> Question | None:
    if not token or len(token) > 200:
        return None
    return await session.scalar(
        select(Question).where(col(Question.token_hash) == hash_token(token))
    )


async def asked_by(*, session: AsyncSession, event_id: int, asker: str) -> list[Question]:
    """The questions this browser sent to this event, newest first (shown only to it)."""
    statement = (
        select(Question)
        .where(col(Question.event_id) == event_id, col(Question.asker) == asker)
        .order_by(col(Question.created_at).desc())
    )
    return list((await session.execute(statement)).scalars())


# --- reading ---------------------------------------------------------------------------------


async def views(*, session: AsyncSession, questions: list[Question]) -> list[QuestionView]:
    """Attaches candidates and topics in two queries, whatever the number of questions."""
    ids = [q.id for q in questions]
    links: dict[int, list[tuple[QuestionCandidate, Candidate]]] = defaultdict(list)
    if ids:
        rows = await session.execute(
            select(QuestionCandidate, Candidate)
            .join(Candidate, col(Candidate.id) == col(QuestionCandidate.candidate_id))
            .where(col(QuestionCandidate.question_id).in_(ids))
            .order_by(col(Candidate.full_name))
        )
        for link, candidate in rows.all():
            links[link.question_id].append((link, candidate))
    topic_ids = {q.topic_id for q in questions if q.topic_id}
    topics = {}
    if topic_ids:
        found = await session.execute(select(Topic).where(col(Topic.id).in_(topic_ids)))
        topics = {t.id: t for t in found.scalars()}
    return [
        QuestionView(
            question=q,
            addressed=[c for link, c in links[q.id or 0] if link.addressed],
            answered_by=[c for link, c in links[q.id or 0] if link.answered],
            topic=topics.get(q.topic_id),
        )
        for q in questions
    ]


async def public_questions(
    *, session: AsyncSession, event_id: int, sort: str = "votes", limit: int = 200
) -> list[QuestionView]:
    """Approved and answered questions, most voted (or newest) first."""
    order = (
        [col(Question.created_at).desc(), col(Question.id).desc()]
        if sort == "newest"
        else [col(Question.votes).desc(), col(Question.created_at), col(Question.id)]
    )
    statement = (
        select(Question)
        .where(col(Question.event_id) == event_id, col(Question.status).in_(PUBLIC))
        .order_by(*order)
        .limit(limit)
    )
    return await views(
        session=session, questions=list((await session.execute(statement)).scalars())
    )


@dataclass(frozen=True)
class QuestionCounts:
    """How many of an event's questions stand at each status (merged ones too, as rejected),
    and whether citizens may still send more."""

    counts: dict[str, int]
    open: bool


async def question_counts(*, session: AsyncSession, actor: User, event: Event) -> QuestionCounts:
    """For the organizer's event page: the questions card."""
    require_event_writer(actor, event)
    rows = await session.execute(
        select(col(Question.status), func.count())
        .where(col(Question.event_id) == event.id)
        .group_by(col(Question.status))
    )
    counts = {status.value: 0 for status in QuestionStatus}
    for status, number in rows.all():
        counts[QuestionStatus(status).value] = number
    return QuestionCounts(counts=counts, open=await questions_open(session=session, event=event))


async def on_screen(*, session: AsyncSession, event_id: int) -> QuestionView | None:
    """The question the moderator put on the screen last (if still public)."""
    question = await session.scalar(
        select(Question)
        .where(
            col(Question.event_id) == event_id,
            col(Question.on_screen_at).is_not(None),
            col(Question.status).in_(PUBLIC),
        )
        .order_by(col(Question.on_screen_at).desc())
        .limit(1)
    )
    return (await views(session=session, questions=[question]))[0] if question else None


# The event's own state (status, last change, question period), the count and last change of
# its questions, and the count and last change of its commitments: whatever a page shows of the
# questions (and of the commitments that answer them) but their vote counts changes one of them.
# A vote changes only the counts' part (their sum, and their sum weighted by the question, so
# that a vote taken back here and given there changes it too): a poll can then be answered with
# the counts alone (app/pages/event_page.py).
_E = Event.__table__.c  # type: ignore[attr-defined]
_Q = Question.__table__.c  # type: ignore[attr-defined]
_V = QuestionVote.__table__.c  # type: ignore[attr-defined]
_C = Commitment.__table__.c  # type: ignore[attr-defined]
_LIST_COLUMNS = (
    _E.status,
    _E.updated_at,
    _E.questions_closed_at,
    func.count(_Q.id),
    func.max(_Q.updated_at),
    select(func.count(_C.id)).where(_C.event_id == bindparam("event_id")).scalar_subquery(),
    select(func.max(_C.updated_at)).where(_C.event_id == bindparam("event_id")).scalar_subquery(),
)
_COUNT_COLUMNS = (
    func.coalesce(func.sum(_Q.votes), 0),
    func.coalesce(func.sum(_Q.votes * _Q.id), 0),
)
_VERSION_COLUMNS = (*_LIST_COLUMNS, *_COUNT_COLUMNS)
_LIST_DIGITS, _COUNT_DIGITS = 12, 8  # a version: the list's digest, then the counts'


def _versioned(*columns: Any) -> Select[Any]:
    return (
        select(*_VERSION_COLUMNS, *columns)
        .select_from(Event.__table__.outerjoin(Question.__table__, _Q.event_id == _E.id))  # type: ignore[attr-defined]
        .where(_E.id == bindparam("event_id"))
        .group_by(_E.id)
    )


def _digest(values: Sequence[Any], size: int) -> str:
    return hashlib.sha256("|".join(map(str, values)).encode()).hexdigest()[:size]


def _version_of(row: Sequence[Any] | None) -> str:
    if row is None:
        return "-"
    listed, counts = row[: len(_LIST_COLUMNS)], row[len(_LIST_COLUMNS) : len(_VERSION_COLUMNS)]
    return _digest(listed, _LIST_DIGITS) + _digest(counts, _COUNT_DIGITS)


def same_list(version: str, other: str) -> bool:
    """Whether two versions differ in vote counts at most (see _LIST_COLUMNS)."""
    size = _LIST_DIGITS + _COUNT_DIGITS
    return len(version) == len(other) == size and version[:_LIST_DIGITS] == other[:_LIST_DIGITS]


_VERSION = _versioned()
_VOTED = (  # the browser's votes at the event, as "12,15,40"
    select(func.aggregate_strings(cast(_V.question_id, String), ","))
    .select_from(QuestionVote.__table__.join(Question.__table__, _Q.id == _V.question_id))  # type: ignore[attr-defined]
    .where(_Q.event_id == bindparam("event_id"), _V.voter == bindparam("voter"))
    .scalar_subquery()
)
_ASKED = exists().where(_Q.event_id == bindparam("event_id"), _Q.asker == bindparam("voter"))
_PAGE_STATE = _versioned(_VOTED, _ASKED)


async def version(*, session: AsyncSession, event_id: int) -> str:
    """Changes whenever anything a page shows about the event's questions changes."""
    row = (await session.execute(_VERSION, {"event_id": event_id})).first()
    return _version_of(row)


@dataclass(frozen=True)
class PageState:
    """The version of the event's questions, and what one browser did there."""

    version: str
    voted: frozenset[int]
    asked: bool


_VISITOR = select(_VOTED, _ASKED)


async def visitor_state(*, db: Database, event_id: int, voter: str, version: str) -> PageState:
    """What one browser did at the event, with a `version` read a moment ago (RecentVersions):
    half the cost of page_state, which reads the version too."""
    row = await db.read_row(_VISITOR, {"event_id": event_id, "voter": voter})
    return _state(version, row)


_COUNTS = select(_Q.id, _Q.votes).where(_Q.event_id == bindparam("event_id"), _Q.status.in_(PUBLIC))


async def vote_counts(*, db: Database, event_id: int) -> dict[int, int]:
    """The votes of each public question of the event, in one statement (Database.read_rows)."""
    rows = await db.read_rows(_COUNTS, {"event_id": event_id})
    return {int(question_id): int(votes) for question_id, votes in rows}


async def page_state(*, db: Database, event_id: int, voter: str) -> PageState:
    """All a shared event page needs per visitor, in one statement (see Database.read_row)."""
    row = await db.read_row(_PAGE_STATE, {"event_id": event_id, "voter": voter})
    return _state(_version_of(row), row)


def _state(version: str, row: Sequence[Any] | None) -> PageState:
    """The state from a row that ends with the voter's votes ("12,15,40") and whether it asked."""
    voted = row[-2] if row else None
    return PageState(
        version=version,
        voted=frozenset(int(n) for n in voted.split(",")) if voted else frozenset(),
        asked=bool(row and row[-1]),
    )


# --- voting ----------------------------------------------------------------------------------


async def _public_question(session: AsyncSession, question_id: int) -> Question:
    question = await session.get(Question, question_id)
    if question is None or not is_public(question):
        raise NotFound(_("No such question."))
    event = await session.get(Event, question.event_id)
    if event is None or event.status not in PUBLIC_EVENT_STATUSES:  # a draft's: none yet
        raise NotFound(_("No such question."))
    return question


async def set_vote(
    *, session: AsyncSession, question_id: int, voter: str, voted: bool
) -> tuple[int, bool]:
    """One vote per browser: voting twice, or taking back a vote it has not given, changes
    nothing. Returns (votes, voted)."""
    await _public_question(session, question_id)
    dialect = session.get_bind().dialect.name
    if voted:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement: Any = (
            insert(QuestionVote)
            .values(question_id=question_id, voter=voter, created_at=utcnow())
            .on_conflict_do_nothing(index_elements=["question_id", "voter"])
        )
    else:
        statement = delete(QuestionVote).where(
            col(QuestionVote.question_id) == question_id, col(QuestionVote.voter) == voter
        )
    changed = await session.execute(statement.returning(col(QuestionVote.question_id)))
    if changed.first() is not None:
        await session.execute(
            update(Question)
            .where(col(Question.id) == question_id)
            # not updated_at: a vote changes only the counts' part of the version
            .values(votes=col(Question.votes) + (1 if voted else -1))
        )
    votes = await session.scalar(select(Question.votes).where(col(Question.id) == question_id))  # type: ignore[call-overload]
    return int(votes or 0), voted


async def voted_by(*, session: AsyncSession, event_id: int, voter: str) -> set[int]:
    """The ids of this event's questions this browser voted for."""
    rows = await session.execute(
        select(QuestionVote.question_id)  # type: ignore[call-overload]
        .join(Question, col(Question.id) == col(QuestionVote.question_id))
        .where(col(Question.event_id) == event_id, col(QuestionVote.voter) == voter)
    )
    return set(rows.scalars())


# --- duplicates ------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def normalize(text: str) -> str:
    """Lower case, no punctuation, no diacritics (ë → e, ç → c), single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^\w\s]", " ", plain).split())


def _alike(a: str, b: str, threshold: float) -> bool:
    """Whether two questions, once normalized, share at least `threshold` (0..1) of their words
    or of their text (SequenceMatcher's ratio), deciding with the cheap bounds first."""
    left, right = normalize(a), normalize(b)
    if not left or not right:
        return False
    words_a, words_b = set(left.split()), set(right.split())
    if len(words_a & words_b) / len(words_a | words_b) >= threshold:
        return True
    matcher = SequenceMatcher(None, left, right)
    return (
        matcher.real_quick_ratio() >= threshold
        and matcher.quick_ratio() >= threshold
        and matcher.ratio() >= threshold
    )


def likely_duplicates(
    views: list[QuestionView], candidates: list[QuestionView], threshold: float = 0.6
) -> dict[int, list[QuestionView]]:
    """For each question in `views`, the questions among `candidates` that read alike."""
    found: dict[int, list[QuestionView]] = {}
    for view in views:
        alike = [
            other
            for other in candidates
            if other.question.id != view.question.id
            and _alike(view.question.body, other.question.body, threshold)
        ]
        if alike:
            found[view.question.id or 0] = alike
    return found
