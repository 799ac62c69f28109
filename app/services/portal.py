"""The candidate portal: private links, what a candidate sees, their answers to commitments, and
the organizers' decision on a dispute.

Who issues a link: an admin, or an organizer whose organization invited the candidate to one of
its events or whose municipality is the candidate's (the organization that adds them).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    Candidate,
    CandidatePortalLink,
    Commitment,
    CommitmentAnswer,
    Confirmation,
    Election,
    Event,
    EventCandidate,
    InvitationStatus,
    Organization,
    Question,
    QuestionCandidate,
    Topic,
    User,
    utcnow,
)
from app.models.base import DEFAULT_TIMEZONE
from app.models.events import PUBLIC_EVENT_STATUSES
from app.models.portal import DISPUTE_MAX_LENGTH
from app.security import hash_token, new_token
from app.services import audit, questions
from app.services.access import is_admin, require_event_writer
from app.services.errors import Conflict, InvalidInput, NotAllowed, NotFound
from app.services.questions import QuestionView

LONGEST_LINK = timedelta(days=5 * 366)


# --- links -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    """A new link with its token: the only time the token is known."""

    link: CandidatePortalLink
    token: str


def _one_year_after(day: date) -> date:
    if (day.month, day.day) == (2, 29):
        return day + timedelta(days=365)
    return day.replace(year=day.year + 1)


def default_expiry(candidate_election_day: date, *, now: datetime) -> datetime:
    """Midnight (Tirana) one year after the election; once that has passed, a year from now."""
    day = _one_year_after(candidate_election_day)
    expiry = datetime.combine(day, time(0), tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
    return expiry if expiry > now else now + timedelta(days=365)


async def may_issue_links(*, session: AsyncSession, actor: User, candidate: Candidate) -> bool:
    """The rule of this module's docstring."""
    if is_admin(actor):
        return True
    if actor.organization_id is None:
        return False
    organization = await session.get(Organization, actor.organization_id)
    if organization is not None and organization.municipality_id == candidate.municipality_id:
        return True
    invited = await session.scalar(
        select(
            exists().where(
                col(EventCandidate.candidate_id) == candidate.id,
                col(EventCandidate.event_id) == col(Event.id),
                col(Event.organization_id) == actor.organization_id,
            )
        )
    )
    return bool(invited)


async def _candidate_for_issuer(session: AsyncSession, actor: User, candidate_id: int) -> Candidate:
    candidate = await session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("No such candidate."))
    if not await may_issue_links(session=session, actor=actor, candidate=candidate):
        raise NotAllowed(
            _(
                "Only an organization that invited this candidate, or works in their "
                "municipality, may give them a portal link."
            )
        )
    return candidate


async def _revoke_live(session: AsyncSession, candidate_id: int, now: datetime) -> int:
    result = await session.execute(
        update(CandidatePortalLink)
        .where(
            col(CandidatePortalLink.candidate_id) == candidate_id,
            col(CandidatePortalLink.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def issue_link(
    *,
    session: AsyncSession,
    actor: User,
    candidate_id: int,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> IssuedLink:
    """A new link for the candidate; the old one (if any) stops working at once."""
    now = now or utcnow()
    candidate = await _candidate_for_issuer(session, actor, candidate_id)
    if expires_at is None:
        election_day = await _election_day(session, candidate)
        expires_at = default_expiry(election_day, now=now)
    elif expires_at <= now:
        raise InvalidInput({"expires_at": _("Choose a date in the future.")})
    elif expires_at > now + LONGEST_LINK:
        raise InvalidInput({"expires_at": _("A link may last at most five years.")})
    revoked = await _revoke_live(session, candidate_id, now)
    token = new_token()
    link = CandidatePortalLink(
        candidate_id=candidate_id,
        token_hash=hash_token(token),
        issued_by_id=actor.id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(link)
    await session.flush()
    audit.record(
        session=session,
        user=actor,
        action="portal_link.issue",
        entity_id=link.id,
        details={"candidate_id": candidate_id, "expires_at": expires_at, "replaced": revoked},
    )
    return IssuedLink(link=link, token=token)


async def _election_day(session: AsyncSession, candidate: Candidate) -> date:
    election = await session.get(Election, candidate.election_id)
    assert election is not None  # foreign key
    return election.election_date


async def revoke_link(
    *, session: AsyncSession, actor: User, candidate_id: int, now: datetime | None = None
) -> int:
    """Stops the candidate's link at once (nothing to stop is not an error); how many stopped."""
    now = now or utcnow()
    await _candidate_for_issuer(session, actor, candidate_id)
    revoked = await _revoke_live(session, candidate_id, now)
    if revoked:
        audit.record(
            session=session,
            user=actor,
            action="portal_link.revoke",
            entity_id=None,
            details={"candidate_id": candidate_id},
        )
    return revoked


async def live_link(
    *, session: AsyncSession, candidate_id: int, now: datetime | None = None
) -> CandidatePortalLink | None:
    """The candidate's working link (its hash, dates), for the organizer's page."""
    now = now or utcnow()
    return await session.scalar(
        select(CandidatePortalLink)
        .where(
            col(CandidatePortalLink.candidate_id) == candidate_id,
            col(CandidatePortalLink.revoked_at).is_(None),
            col(CandidatePortalLink.expires_at) > now,
        )
        .order_by(col(CandidatePortalLink.created_at).desc())
        .limit(1)
    )


async def candidate_by_token(
    *, session: AsyncSession, token: str, now: datetime | None = None
) -> Candidate | None:
    """The candidate a live link opens; a wrong, revoked or expired token alike gives None."""
    if not token or len(token) > 200:
        return None
    now = now or utcnow()
    return await session.scalar(
        select(Candidate)
        .join(CandidatePortalLink, col(CandidatePortalLink.candidate_id) == col(Candidate.id))
        .where(
            col(CandidatePortalLink.token_hash) == hash_token(token),
            col(CandidatePortalLink.revoked_at).is_(None),
            col(CandidatePortalLink.expires_at) > now,
        )
    )


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
    return await _answer(session, candidate, commitment_id, Confirmation.disputed, comment, now)


# --- the organizers' decision on a dispute ---------------------------------------------------


@dataclass(frozen=True)
class Dispute:
    """A disputed commitment waiting for the organizers, with its candidate and event."""

    commitment: Commitment
    candidate: Candidate
    event: Event


async def open_disputes(*, session: AsyncSession, actor: User) -> list[Dispute]:
    """Disputes the organizers have not decided on yet: the actor's organization's (admins: all)."""
    statement = (
        select(Commitment, Candidate, Event)
        .join(Candidate, col(Candidate.id) == col(Commitment.candidate_id))
        .join(Event, col(Event.id) == col(Commitment.event_id))
        .where(
            col(Commitment.confirmation) == Confirmation.disputed,
            col(Commitment.organizer_note).is_(None),
        )
        .order_by(col(Commitment.candidate_answered_at), col(Commitment.id))
    )
    if not is_admin(actor):
        statement = statement.where(col(Event.organization_id) == actor.organization_id)
    return [Dispute(c, k, e) for c, k, e in (await session.execute(statement)).all()]


async def dispute_for_organizer(
    *, session: AsyncSession, actor: User, commitment_id: int, lock: bool = False
) -> Dispute:
    """A commitment for its event's organizers (404 unknown, 403 another organization's)."""
    statement = select(Commitment).where(col(Commitment.id) == commitment_id)
    if lock:
        statement = statement.with_for_update()
    commitment = await session.scalar(statement)
    if commitment is None:
        raise NotFound(_("No such commitment."))
    event = await session.get(Event, commitment.event_id)
    candidate = await session.get(Candidate, commitment.candidate_id)
    assert event is not None  # foreign key
    assert candidate is not None  # foreign key
    require_event_writer(actor, event)
    return Dispute(commitment, candidate, event)


def _require_disputed(commitment: Commitment) -> str:
    if commitment.confirmation != Confirmation.disputed or not commitment.candidate_comment:
        raise Conflict(_("The candidate does not dispute this commitment (any more)."))
    return commitment.candidate_comment


async def accept_wording(
    *, session: AsyncSession, actor: User, commitment_id: int, now: datetime | None = None
) -> Commitment:
    """The candidate's wording becomes the text (the old one kept in the audit log), confirmed:
    it is now their own words."""
    found = await dispute_for_organizer(
        session=session, actor=actor, commitment_id=commitment_id, lock=True
    )
    commitment = found.commitment
    wording = _require_disputed(commitment)
    old = commitment.text
    commitment.text = wording
    commitment.confirmation = Confirmation.confirmed
    commitment.candidate_comment = None
    commitment.organizer_note = None
    commitment.updated_at = now or utcnow()
    session.add(commitment)
    audit.record(
        session=session,
        user=actor,
        action="commitment.accept_wording",
        entity_id=commitment_id,
        details={"text": [old, wording], "confirmation": ["disputed", "confirmed"]},
    )
    await session.flush()
    return commitment


async def keep_wording(
    *,
    session: AsyncSession,
    actor: User,
    commitment_id: int,
    note: str,
    now: datetime | None = None,
) -> Commitment:
    """The recorded wording stays, disputed, with the organizers' public note beside it."""
    found = await dispute_for_organizer(
        session=session, actor=actor, commitment_id=commitment_id, lock=True
    )
    commitment = found.commitment
    note = note.strip()
    if not note:
        raise InvalidInput({"note": _("Write a note: why the recorded wording stays.")})
    if len(note) > DISPUTE_MAX_LENGTH:
        raise InvalidInput({"note": _("At most %(count)s characters.", count=DISPUTE_MAX_LENGTH)})
    _require_disputed(commitment)
    old_note = commitment.organizer_note
    commitment.organizer_note = note
    commitment.updated_at = now or utcnow()
    session.add(commitment)
    audit.record(
        session=session,
        user=actor,
        action="commitment.keep_wording",
        entity_id=commitment_id,
        details={"organizer_note": [old_note, note]},
    )
    await session.flush()
    return commitment
