"""The citizens' voice in a monitoring round: the community meetings held for it, linked and
unlinked by the contract's writers (their counts are read in monitoring_views.py)."""

from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import Event, EventKind, EventStatus, RoundEvent, User
from app.services import audit
from app.services.errors import InvalidInput
from app.services.monitoring import writable_round


async def link_event(
    *, session: AsyncSession, actor: User, round_id: int, event_id: int
) -> RoundEvent:
    """Links a community meeting of the contract's municipality to the round (422 otherwise)."""
    _round, contract = await writable_round(session=session, actor=actor, round_id=round_id)
    event = await session.get(Event, event_id)
    if (
        event is None
        or event.kind != EventKind.community_meeting
        or event.municipality_id != contract.municipality_id
        or event.status in (EventStatus.draft, EventStatus.cancelled)
    ):
        raise InvalidInput(
            {"event_id": _("Choose a community meeting of this municipality that took place.")}
        )
    link = await session.get(RoundEvent, (round_id, event_id))
    if link is None:
        link = RoundEvent(round_id=round_id, event_id=event_id)
        session.add(link)
        await session.flush()
        audit.record(
            session=session,
            user=actor,
            action="monitoring_round.link_event",
            entity_id=round_id,
            details={"event_id": event_id},
        )
    return link


async def unlink_event(*, session: AsyncSession, actor: User, round_id: int, event_id: int) -> None:
    """Takes a community meeting off the round (nothing happens if it was not on it)."""
    await writable_round(session=session, actor=actor, round_id=round_id)
    link = await session.get(RoundEvent, (round_id, event_id))
    if link is not None:
        await session.delete(link)
        await session.flush()
        audit.record(
            session=session,
            user=actor,
            action="monitoring_round.unlink_event",
            entity_id=round_id,
            details={"event_id": event_id},
        )
