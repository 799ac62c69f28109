"""The rules a planned event must keep: its fields (each refusal next to the field at fault),
and no clash with other events (a candidate confirmed at two overlapping events is refused; two
events in one venue at overlapping times need the organizer's confirmation)."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import format_datetime
from app.i18n import gettext as _
from app.models import (
    Candidate,
    Election,
    Event,
    EventCandidate,
    EventKind,
    EventStatus,
    Municipality,
    Organization,
    User,
)
from app.models.events import PRESENT_STATUSES, PUBLIC_EVENT_STATUSES
from app.services.access import can_write_for_organization
from app.services.elections import election_municipality_ids
from app.services.errors import Conflict, InvalidInput, NeedsConfirmation


@dataclass
class Plan:
    """An event's fields as they will be once a create or an update is applied."""

    kind: EventKind
    municipality_id: int
    organization_id: int
    election_id: int | None
    venue: str
    starts_at: datetime
    ends_at: datetime
    candidate_ids: list[int]
    capacity: int | None = None


def field_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """The rules between an event's own fields, on whichever of them are given: checked with
    the rest by validate(), and by the form together with the fields that did not parse."""
    errors: dict[str, str] = {}
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if isinstance(starts, datetime) and isinstance(ends, datetime) and ends <= starts:
        errors["ends_at"] = _("The event must end after it starts.")
    if values.get("capacity") == 0:
        errors["capacity"] = _(
            "A capacity of 0 would send everyone to the waitlist: "
            "give at least 1 place, or leave it empty for no limit."
        )
    return errors


async def validate(*, session: AsyncSession, plan: Plan) -> None:
    """Every rule an event's fields must keep, reported next to the field at fault."""
    errors = field_errors(
        {"starts_at": plan.starts_at, "ends_at": plan.ends_at, "capacity": plan.capacity}
    )
    if await session.get(Municipality, plan.municipality_id) is None:
        errors["municipality_id"] = _("Choose a municipality from the list.")
    if await session.get(Organization, plan.organization_id) is None:
        errors["organization_id"] = _("Choose an organization from the list.")
    election = await session.get(Election, plan.election_id) if plan.election_id else None
    if plan.election_id and election is None:
        errors["election_id"] = _("Choose an election from the list.")
    elif election and "municipality_id" not in errors:
        voting = await election_municipality_ids(session=session, election_id=election.id or 0)
        if plan.municipality_id not in voting:
            errors["municipality_id"] = _(
                "This municipality does not vote in %(election)s.", election=election.name
            )
    if plan.kind == EventKind.meeting and len(set(plan.candidate_ids)) != 1:
        errors["candidate_ids"] = _("An individual meeting is with exactly one candidate.")
    elif plan.candidate_ids:
        problem = await _candidate_problem(session=session, plan=plan)
        if problem:
            errors["candidate_ids"] = problem
    if errors:
        raise InvalidInput(errors)


async def _candidate_problem(*, session: AsyncSession, plan: Plan) -> str | None:
    ids = set(plan.candidate_ids)
    candidates = (
        (await session.execute(select(Candidate).where(col(Candidate.id).in_(ids)))).scalars().all()
    )
    if len(candidates) != len(ids):
        return _("Choose candidates from the list.")
    for candidate in candidates:
        if candidate.municipality_id != plan.municipality_id:
            return _("%(name)s does not run in this municipality.", name=candidate.full_name)
        if plan.election_id and candidate.election_id != plan.election_id:
            return _("%(name)s is not a candidate in this election.", name=candidate.full_name)
    return None


async def _candidate_clash(
    *,
    session: AsyncSession,
    candidate_id: int,
    starts_at: datetime,
    ends_at: datetime,
    exclude_event_id: int | None,
) -> Event | None:
    """Another event at overlapping times where the candidate is confirmed (or attended)."""
    # lock the candidate row: two organizers confirming the same person at once queue here
    await session.execute(
        select(Candidate.id).where(col(Candidate.id) == candidate_id).with_for_update()  # type: ignore[call-overload]
    )
    statement = (
        select(Event)
        .join(EventCandidate, col(EventCandidate.event_id) == col(Event.id))
        .where(
            col(EventCandidate.candidate_id) == candidate_id,
            col(EventCandidate.status).in_(PRESENT_STATUSES),
            col(Event.status) != EventStatus.cancelled,
            col(Event.starts_at) < ends_at,
            col(Event.ends_at) > starts_at,
        )
        .order_by(col(Event.starts_at))
        .limit(1)
    )
    if exclude_event_id is not None:
        statement = statement.where(col(Event.id) != exclude_event_id)
    return await session.scalar(statement)


def _seen_by(event: Event, viewer: User | None) -> bool:
    """Whether the viewer may know this other event's title: a public one, or their own (no
    viewer, a candidate in their portal: public ones only)."""
    return event.status in PUBLIC_EVENT_STATUSES or (
        viewer is not None and can_write_for_organization(viewer, event.organization_id)
    )


async def raise_on_candidate_clash(
    *, session: AsyncSession, candidate_id: int, event: Event, viewer: User | None
) -> None:
    clash = await _candidate_clash(
        session=session,
        candidate_id=candidate_id,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        exclude_event_id=event.id,
    )
    if clash is not None:
        candidate = await session.get(Candidate, candidate_id)
        name = candidate.full_name if candidate else "?"
        if not _seen_by(clash, viewer):  # another organization's draft: not its title or time
            message = _(
                "%(name)s is already confirmed at another organization's event at that time.",
                name=name,
            )
        else:
            message = _(
                "%(name)s is already confirmed at “%(event)s” (%(when)s), which overlaps "
                "with this event.",
                name=name,
                event=clash.title,
                when=format_datetime(clash.starts_at),
            )
        raise Conflict(message, field="candidate_ids")


async def check_venue(
    *,
    session: AsyncSession,
    plan: Plan,
    exclude_event_id: int | None,
    confirmed: bool,
    viewer: User,
) -> None:
    """Two events in one venue at overlapping times: allowed once the organizer confirms."""
    if confirmed:
        return
    statement = (
        select(Event)
        .where(
            col(Event.municipality_id) == plan.municipality_id,
            func.lower(func.trim(col(Event.venue))) == plan.venue.strip().lower(),
            col(Event.status) != EventStatus.cancelled,
            col(Event.starts_at) < plan.ends_at,
            col(Event.ends_at) > plan.starts_at,
        )
        .limit(1)
    )
    if exclude_event_id is not None:
        statement = statement.where(col(Event.id) != exclude_event_id)
    other = await session.scalar(statement)
    if other is not None and not _seen_by(other, viewer):
        raise NeedsConfirmation(
            _("Another organization has an event there at that time. Schedule anyway?"),
            field="venue",
        )
    if other is not None:
        raise NeedsConfirmation(
            _(
                "“%(event)s” takes place in the same venue at an overlapping time (%(when)s). "
                "Schedule anyway?",
                event=other.title,
                when=format_datetime(other.starts_at),
            ),
            field="venue",
        )
