"""Candidates' commitments: recording what they promised at an event, correcting it, reading it.

Rules (each refusal names the field at fault, 422): only a candidate on the event's list and not
`declined`; only once the event has started (a promise is made at the event) and not at a
cancelled one; the question, if any, is one of the same event; the topic exists (none given:
the question's). Recording a
commitment for a candidate still `invited` or `confirmed` marks them `attended`: they were there
to promise. Once the candidate has confirmed or disputed, a change of the text is a correction:
it needs a reason, puts the commitment back to `recorded` (the candidate is asked again), and the
audit trail keeps the old text. Deleting is allowed only while nobody has answered (409 after).

Every write checks the actor organizes the event (NotAllowed), is audited, and leaves the commit
to the caller.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    AuditEntry,
    Candidate,
    Commitment,
    Confirmation,
    Election,
    Event,
    EventCandidate,
    EventStatus,
    InvitationStatus,
    Party,
    PriorityCommitment,
    Question,
    Topic,
    User,
    utcnow,
)
from app.models.commitments import CommitmentCreate, CommitmentEdit
from app.models.events import PUBLIC_EVENT_STATUSES
from app.services import audit, notices
from app.services.access import require_event_writer
from app.services.errors import Conflict, InvalidInput, NotFound
from app.services.questions import is_public
from app.services.registrants import csv_cell


@dataclass(frozen=True)
class CommitmentView:
    """A commitment with who made it, where, on what topic, answering which question."""

    commitment: Commitment
    candidate: Candidate
    party: Party | None
    event: Event
    topic: Topic | None
    question: Question | None

    @property
    def needs_reason(self) -> bool:
        """A change of the text is a correction: the candidate has answered it already."""
        return needs_reason(self.commitment)

    @property
    def deletable(self) -> bool:
        return deletable(self.commitment)


def needs_reason(commitment: Commitment) -> bool:
    return commitment.confirmation != Confirmation.recorded


def deletable(commitment: Commitment) -> bool:
    """Only while the candidate has neither confirmed nor disputed it."""
    return commitment.confirmation == Confirmation.recorded


# --- writing ---------------------------------------------------------------------------------


async def _check_links(
    session: AsyncSession,
    event_id: int,
    *,
    question_id: int | None,
    topic_id: int | None,
    errors: dict[str, str],
) -> None:
    """The question is one of the event's; the topic exists."""
    if question_id is not None:
        question = await session.get(Question, question_id)
        if question is None or question.event_id != event_id:
            errors["question_id"] = _("Choose a question of this event, or none.")
    if topic_id is not None and await session.get(Topic, topic_id) is None:
        errors["topic_id"] = _("Choose a topic from the list.")


async def record(
    *, session: AsyncSession, actor: User, data: CommitmentCreate, now: datetime | None = None
) -> Commitment:
    """A new commitment, `recorded` until the candidate confirms or disputes it."""
    now = now or utcnow()
    event = await session.get(Event, data.event_id)
    if event is None:
        raise InvalidInput({"event_id": _("Choose an event from the list.")})
    require_event_writer(actor, event)
    errors: dict[str, str] = {}
    invitation = await session.get(EventCandidate, (data.event_id, data.candidate_id))
    if invitation is None:
        errors["candidate_id"] = _("Only a candidate on this event's list can be credited.")
    elif invitation.status == InvitationStatus.declined:
        errors["candidate_id"] = _("This candidate declined the invitation to this event.")
    if event.status == EventStatus.cancelled:
        errors["event_id"] = _("This event was cancelled: nobody promised anything there.")
    elif event.starts_at > now:
        errors["event_id"] = _(
            "Commitments are recorded once the event has started: a promise is made at the event."
        )
    await _check_links(
        session, data.event_id, question_id=data.question_id, topic_id=data.topic_id, errors=errors
    )
    if errors:
        raise InvalidInput(errors)
    assert invitation is not None
    commitment = Commitment(
        **data.model_dump(), recorded_by_id=actor.id, created_at=now, updated_at=now
    )
    if commitment.topic_id is None and commitment.question_id is not None:
        question = await session.get(Question, commitment.question_id)
        commitment.topic_id = question.topic_id if question else None  # the question's topic
    session.add(commitment)
    details: dict[str, Any] = data.model_dump(mode="json")
    if invitation.status in (InvitationStatus.invited, InvitationStatus.confirmed):
        details["invitation"] = [invitation.status.value, InvitationStatus.attended.value]
        invitation.status = InvitationStatus.attended
        invitation.updated_at = now
        event.updated_at = now  # the event's pages show who attended
    await session.flush()
    audit.record(
        session=session,
        user=actor,
        action="commitment.create",
        entity_id=commitment.id,
        details=details,
    )
    await notices.commitment_recorded(session=session, commitment=commitment, actor=actor)
    return commitment


async def _for_writing(session: AsyncSession, actor: User, commitment_id: int) -> Commitment:
    commitment = await session.scalar(
        select(Commitment).where(col(Commitment.id) == commitment_id).with_for_update()
    )
    if commitment is None:
        raise NotFound(_("No such commitment."))
    event = await session.get(Event, commitment.event_id)
    assert event is not None  # foreign key
    require_event_writer(actor, event)
    return commitment


async def update(
    *, session: AsyncSession, actor: User, commitment_id: int, data: CommitmentEdit
) -> Commitment:
    """Changes the fields sent; a new text of an answered commitment is a correction."""
    commitment = await _for_writing(session, actor, commitment_id)
    values = data.model_dump(exclude_unset=True, exclude={"reason"})
    if "text" in values and values["text"] is None:
        raise InvalidInput({"text": _("This field is required.")})
    errors: dict[str, str] = {}
    await _check_links(
        session,
        commitment.event_id,
        question_id=values.get("question_id"),
        topic_id=values.get("topic_id"),
        errors=errors,
    )
    text_changes = "text" in values and values["text"] != commitment.text
    if text_changes and needs_reason(commitment) and not data.reason:
        errors["reason"] = _("The candidate has already answered: say why the text is corrected.")
    if errors:
        raise InvalidInput(errors)
    changes: dict[str, Any] = {}
    for field, new in values.items():
        old = getattr(commitment, field)
        if old != new:
            changes[field] = [old, new]
            setattr(commitment, field, new)
    if not changes:
        return commitment
    if text_changes and needs_reason(commitment):
        changes["confirmation"] = [commitment.confirmation.value, Confirmation.recorded.value]
        changes["reason"] = data.reason
        commitment.confirmation = Confirmation.recorded
        commitment.candidate_comment = None  # their answer to the old text stays in the history
    commitment.updated_at = utcnow()
    audit.record(
        session=session,
        user=actor,
        action="commitment.correct" if "reason" in changes else "commitment.update",
        entity_id=commitment_id,
        details=changes,
    )
    return commitment


async def delete(*, session: AsyncSession, actor: User, commitment_id: int) -> None:
    """Removes a commitment nobody answered yet; afterwards only a correction is possible."""
    commitment = await _for_writing(session, actor, commitment_id)
    if not deletable(commitment):
        raise Conflict(
            _("The candidate has answered this commitment: correct it instead of deleting it."),
            field="confirmation",
        )
    if await session.scalar(
        select(PriorityCommitment.priority_id)  # type: ignore[call-overload]
        .where(col(PriorityCommitment.commitment_id) == commitment_id)
        .limit(1)
    ):
        raise Conflict(
            _("A social contract's priority grew out of this commitment: correct it instead."),
            field="confirmation",
        )
    audit.record(
        session=session,
        user=actor,
        action="commitment.delete",
        entity_id=commitment_id,
        details=CommitmentCreate.model_validate(commitment, from_attributes=True).model_dump(
            mode="json"
        ),
    )
    await session.delete(commitment)


# --- reading ---------------------------------------------------------------------------------


def _statement() -> Select[Any]:
    """The columns of a CommitmentView, in the order the lists show them."""
    statement = (
        select(Commitment, Candidate, Party, Event, Topic, Question)
        .join(Candidate, col(Candidate.id) == col(Commitment.candidate_id))
        .outerjoin(Party, col(Party.id) == col(Candidate.party_id))
        .join(Event, col(Event.id) == col(Commitment.event_id))
        .outerjoin(Topic, col(Topic.id) == col(Commitment.topic_id))
        .outerjoin(Question, col(Question.id) == col(Commitment.question_id))
        .order_by(
            col(Event.starts_at),
            col(Candidate.full_name),
            col(Commitment.created_at),
            col(Commitment.id),
        )
    )
    return cast(Select[Any], statement)


async def _views(
    session: AsyncSession, statement: Select[Any], *, public: bool = False
) -> list[CommitmentView]:
    """The rows as views; for the public, only at public events, and a question only if public."""
    if public:
        statement = statement.where(col(Event.status).in_(PUBLIC_EVENT_STATUSES))
    views = []
    for commitment, candidate, party, event, topic, question in (
        await session.execute(statement)
    ).all():
        if public and question is not None and not is_public(question):
            question = None
        views.append(CommitmentView(commitment, candidate, party, event, topic, question))
    return views


async def get(*, session: AsyncSession, commitment_id: int) -> CommitmentView | None:
    found = await _views(session, _statement().where(col(Commitment.id) == commitment_id))
    return found[0] if found else None


async def for_event(
    *, session: AsyncSession, event_id: int, public: bool = True
) -> list[CommitmentView]:
    """Every commitment made at the event (the caller checked who may see the event); for the
    public, the questions they answer only if public."""
    statement = _statement().where(col(Commitment.event_id) == event_id)
    return await _views(session, statement, public=public)


async def for_candidate(*, session: AsyncSession, candidate_id: int) -> list[CommitmentView]:
    """A candidate's commitments at public events, oldest event first."""
    statement = _statement().where(col(Commitment.candidate_id) == candidate_id)
    return await _views(session, statement, public=True)


async def for_election(*, session: AsyncSession, election_id: int) -> list[CommitmentView]:
    """Every commitment of an election's candidates at public events."""
    statement = _statement().where(col(Candidate.election_id) == election_id)
    return await _views(session, statement, public=True)


def by_candidate(views: Sequence[CommitmentView]) -> list[tuple[Candidate, list[CommitmentView]]]:
    """Grouped per candidate, by name, each group in the order given."""
    groups: dict[int, tuple[Candidate, list[CommitmentView]]] = {}
    for view in views:
        groups.setdefault(view.candidate.id or 0, (view.candidate, []))[1].append(view)
    return sorted(groups.values(), key=lambda g: (g[0].full_name, g[0].id or 0))


def by_question(views: Sequence[CommitmentView]) -> dict[int, list[CommitmentView]]:
    """The commitments answering each question, by question id."""
    found: dict[int, list[CommitmentView]] = {}
    for view in views:
        if view.commitment.question_id is not None:
            found.setdefault(view.commitment.question_id, []).append(view)
    return found


async def counts_by_candidate(*, session: AsyncSession) -> dict[int, int]:
    """How many commitments each candidate made at public events."""
    rows = await session.execute(
        select(col(Commitment.candidate_id), func.count())
        .join(Event, col(Event.id) == col(Commitment.event_id))
        .where(col(Event.status).in_(PUBLIC_EVENT_STATUSES))
        .group_by(col(Commitment.candidate_id))
    )
    return {int(candidate_id): int(number) for candidate_id, number in rows.all()}


async def history(*, session: AsyncSession, commitment_id: int) -> list[AuditEntry]:
    """The audit entries of one commitment, newest first (the recorded text stays here)."""
    statement = (
        select(AuditEntry)
        .where(col(AuditEntry.entity_type) == "commitment")
        .where(col(AuditEntry.entity_id) == commitment_id)
        .order_by(col(AuditEntry.created_at).desc(), col(AuditEntry.id).desc())
    )
    return list((await session.execute(statement)).scalars())


async def election_exists(*, session: AsyncSession, election_id: int) -> bool:
    return await session.get(Election, election_id) is not None


# --- open data -------------------------------------------------------------------------------

CSV_COLUMNS = (
    "id",
    "candidate_id",
    "candidate",
    "party",
    "office",
    "event_id",
    "event",
    "event_starts_at",
    "topic",
    "question_id",
    "question",
    "text",
    "target",
    "deadline",
    "confirmation",
    "candidate_answered_at",
    "candidate_comment",
    "organizer_note",
    "created_at",
)


def commitments_csv(views: Sequence[CommitmentView]) -> str:
    """UTF-8 with a BOM, so Excel shows ë and ç; cells that start like a formula are quoted."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for v in views:
        c = v.commitment
        row = (
            c.id,
            v.candidate.id,
            v.candidate.full_name,
            v.party.abbreviation if v.party else None,
            v.candidate.office,
            v.event.id,
            v.event.title,
            v.event.starts_at,
            v.topic.slug if v.topic else None,
            c.question_id,
            v.question.body if v.question else None,
            c.text,
            c.target,
            c.deadline,
            c.confirmation,
            c.candidate_answered_at,
            c.candidate_comment,
            c.organizer_note,
            c.created_at,
        )
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()
