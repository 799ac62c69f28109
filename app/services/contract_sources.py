"""What a contract's priorities are built from: the citizens' questions and the candidates'
commitments of its municipality for its election, and the check that a link is one of them.

An event counts for a contract when it is in the contract's municipality and either belongs to
the contract's election, or belongs to no election (community meetings usually do not) and
started in the twelve months up to the election day. Questions count when they are public
(approved or answered, not merged); commitments whatever the candidate answered.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    Candidate,
    Commitment,
    Election,
    Event,
    EventStatus,
    Question,
    SocialContract,
    Topic,
)
from app.services.questions import PUBLIC
from app.services.topics import topic_name

LOOKBACK = timedelta(days=365)


@dataclass(frozen=True)
class QuestionSource:
    question: Question
    event: Event


@dataclass(frozen=True)
class CommitmentSource:
    commitment: Commitment
    candidate: Candidate
    event: Event


@dataclass
class TopicGroup:
    """The sources of one topic (None: no topic), in the order the drafting page shows them."""

    topic: Topic | None
    name: str
    questions: list[QuestionSource] = field(default_factory=list)
    commitments: list[CommitmentSource] = field(default_factory=list)


async def _events_of(session: AsyncSession, contract: SocialContract) -> ColumnElement[bool]:
    """The condition an event of this contract's municipality and election meets."""
    election = await session.get(Election, contract.election_id)
    assert election is not None  # foreign key
    day_after = datetime.combine(election.election_date + timedelta(days=1), time(), tzinfo=UTC)
    return and_(
        col(Event.municipality_id) == contract.municipality_id,
        col(Event.status) != EventStatus.draft,
        or_(
            col(Event.election_id) == contract.election_id,
            and_(
                col(Event.election_id).is_(None),
                col(Event.starts_at) < day_after,
                col(Event.starts_at) >= day_after - LOOKBACK,
            ),
        ),
    )


async def questions_for(
    *, session: AsyncSession, contract: SocialContract, ids: list[int] | None = None
) -> list[QuestionSource]:
    """The public questions of the contract's events, most voted first (or those of `ids`)."""
    statement = (
        select(Question, Event)
        .join(Event, col(Event.id) == col(Question.event_id))
        .where(await _events_of(session, contract))
        .where(col(Question.status).in_(PUBLIC), col(Question.merged_into_id).is_(None))
        .order_by(col(Question.votes).desc(), col(Question.id))
    )
    if ids is not None:
        statement = statement.where(col(Question.id).in_(ids))
    return [QuestionSource(q, e) for q, e in (await session.execute(statement)).all()]


async def commitments_for(
    *, session: AsyncSession, contract: SocialContract, ids: list[int] | None = None
) -> list[CommitmentSource]:
    """The commitments made at the contract's events by its election's candidates."""
    statement = (
        select(Commitment, Candidate, Event)
        .join(Candidate, col(Candidate.id) == col(Commitment.candidate_id))
        .join(Event, col(Event.id) == col(Commitment.event_id))
        .where(await _events_of(session, contract))
        .where(col(Candidate.election_id) == contract.election_id)
        .where(col(Candidate.municipality_id) == contract.municipality_id)
        .order_by(col(Event.starts_at), col(Commitment.id))
    )
    if ids is not None:
        statement = statement.where(col(Commitment.id).in_(ids))
    return [CommitmentSource(c, k, e) for c, k, e in (await session.execute(statement)).all()]


async def check_links(
    *,
    session: AsyncSession,
    contract: SocialContract,
    commitment_ids: list[int],
    question_ids: list[int],
) -> dict[str, str]:
    """The errors of links to questions or commitments that are not the contract's sources."""
    errors: dict[str, str] = {}
    if commitment_ids:
        found = await commitments_for(session=session, contract=contract, ids=commitment_ids)
        if len(found) != len(set(commitment_ids)):
            errors["commitment_ids"] = _(
                "Choose commitments made in this municipality for this election."
            )
    if question_ids:
        questions = await questions_for(session=session, contract=contract, ids=question_ids)
        if len(questions) != len(set(question_ids)):
            errors["question_ids"] = _(
                "Choose citizens' questions of this municipality's events for this election."
            )
    return errors


async def event_counts(*, session: AsyncSession, contract: SocialContract, event_id: int) -> bool:
    """Whether the event is one of the contract's municipality and election."""
    found = await session.scalar(
        select(Event.id).where(col(Event.id) == event_id, await _events_of(session, contract))  # type: ignore[call-overload]
    )
    return found is not None


async def by_topic(
    *, session: AsyncSession, contract: SocialContract, locale: str
) -> list[TopicGroup]:
    """Every source side by side, grouped by topic (in the topics' order, none last)."""
    topics = {t.id: t for t in (await session.execute(select(Topic))).scalars()}
    groups: dict[int | None, TopicGroup] = defaultdict(lambda: TopicGroup(None, ""))
    for q in await questions_for(session=session, contract=contract):
        groups[q.question.topic_id].questions.append(q)
    for c in await commitments_for(session=session, contract=contract):
        groups[c.commitment.topic_id].commitments.append(c)
    result = []
    for topic_id, group in groups.items():
        topic = topics.get(topic_id) if topic_id is not None else None
        group.topic = topic
        group.name = topic_name(topic, locale) if topic else _("No topic")
        result.append(group)
    result.sort(key=lambda g: (g.topic is None, g.topic.position if g.topic else 0, g.name))
    return result
