"""The organizers' decision on a commitment the candidate disputes: accept the candidate's
wording, or keep the recorded one with a public note."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    Candidate,
    Commitment,
    Confirmation,
    Event,
    User,
    utcnow,
)
from app.models.portal import DISPUTE_MAX_LENGTH
from app.services import audit
from app.services.access import is_admin, require_event_writer
from app.services.errors import Conflict, InvalidInput, NotFound


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
