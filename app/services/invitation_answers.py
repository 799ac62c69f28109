"""A candidate's own answer to an invitation, from their portal: confirmed or declined, under
the rules an organizer's change keeps (app/services/scheduling.py)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import Event, EventCandidate, EventStatus, InvitationStatus, utcnow
from app.models.events import PRESENT_STATUSES
from app.services import audit, event_rules, scheduling
from app.services.errors import Conflict, InvalidInput, NotFound

CANDIDATE_ANSWERS = (InvitationStatus.confirmed, InvitationStatus.declined)


def candidate_may_answer(
    event: Event, status: InvitationStatus | None, now: datetime | None = None
) -> bool:
    """The candidate answers an invitation themselves until the (public) event starts; once
    they attended, the organizers' record stands."""
    return (
        event.status == EventStatus.scheduled
        and event.starts_at > (now or utcnow())
        and status in (InvitationStatus.invited, *CANDIDATE_ANSWERS)
    )


async def answer_invitation(
    *,
    session: AsyncSession,
    candidate_id: int,
    event_id: int,
    status: InvitationStatus,
    now: datetime | None = None,
) -> EventCandidate:
    """The candidate confirms or declines an invitation from their portal, under the rules an
    organizer's change keeps (a confirmation checks their other events)."""
    now = now or utcnow()
    if status not in CANDIDATE_ANSWERS:
        raise InvalidInput({"status": _("Confirm or decline the invitation.")})
    event = await session.scalar(select(Event).where(col(Event.id) == event_id).with_for_update())
    link = await session.get(EventCandidate, (event_id, candidate_id)) if event else None
    if event is None or link is None or event.status == EventStatus.draft:
        raise NotFound(_("This candidate is not invited to this event."))
    if not candidate_may_answer(event, link.status, now):
        raise Conflict(
            _("This invitation can no longer be answered here: ask the organizers."),
            field="status",
        )
    refusal = scheduling.invitation_refusal(event, status, now)
    if refusal is not None:
        raise refusal
    if status in PRESENT_STATUSES and link.status not in PRESENT_STATUSES:
        await event_rules.raise_on_candidate_clash(
            session=session, candidate_id=candidate_id, event=event, viewer=None
        )
    if link.status != status:
        audit.record(
            session=session,
            user=None,
            actor=f"candidate:{candidate_id}",
            action="event.invitation",
            entity_id=event_id,
            details={"candidate_id": candidate_id, "status": [link.status, status], "by": "portal"},
        )
        link.status = status
        link.updated_at = now
        event.updated_at = now  # the event's pages show who comes
    return link
