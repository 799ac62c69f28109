"""Scheduling events: the rules, the conflicts, invitations and the draft → held lifecycle."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import format_datetime
from app.i18n import gettext as _
from app.labels import label
from app.models import (
    Candidate,
    Election,
    Event,
    EventCandidate,
    EventKind,
    EventStatus,
    InvitationStatus,
    Municipality,
    Organization,
    User,
    utcnow,
)
from app.models.events import EventCreate, EventUpdate
from app.services import attendance, audit
from app.services.access import can_write_for_organization, is_admin, require_event_writer
from app.services.elections import election_municipality_ids
from app.services.errors import Conflict, InvalidInput, NeedsConfirmation, NotAllowed, NotFound

COMMITTED = (InvitationStatus.confirmed, InvitationStatus.attended)
TRANSITIONS: dict[EventStatus, set[EventStatus]] = {
    EventStatus.draft: {EventStatus.scheduled, EventStatus.cancelled},
    EventStatus.scheduled: {EventStatus.held, EventStatus.cancelled, EventStatus.draft},
    EventStatus.cancelled: {EventStatus.scheduled},
    EventStatus.held: set(),
}
REPORT_FIELDS = ("report_attendees", "report_summary", "report_participants")


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


async def get_event_for_writing(*, session: AsyncSession, actor: User, event_id: int) -> Event:
    """The event, locked for this transaction, if the actor may write it."""
    event = await session.scalar(select(Event).where(col(Event.id) == event_id).with_for_update())
    if event is None:
        raise NotFound(_("No such event."))
    require_event_writer(actor, event)
    return event


async def _validate(*, session: AsyncSession, plan: Plan) -> None:
    """Every rule an event's fields must keep, reported next to the field at fault."""
    errors: dict[str, str] = {}
    if plan.ends_at <= plan.starts_at:
        errors["ends_at"] = _("The event must end after it starts.")
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
            col(EventCandidate.status).in_(COMMITTED),
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


async def _raise_on_candidate_clash(
    *, session: AsyncSession, candidate_id: int, event: Event
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
        raise Conflict(
            _(
                "%(name)s is already confirmed at “%(event)s” (%(when)s), which overlaps "
                "with this event.",
                name=candidate.full_name if candidate else "?",
                event=clash.title,
                when=format_datetime(clash.starts_at),
            ),
            field="candidate_ids",
        )


async def _check_venue(
    *, session: AsyncSession, plan: Plan, exclude_event_id: int | None, confirmed: bool
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


async def create_event(*, session: AsyncSession, actor: User, data: EventCreate) -> Event:
    """Plans a new event (public unless it is a draft) and invites its candidates."""
    if not can_write_for_organization(actor, data.organization_id):
        raise NotAllowed(_("Organizers schedule events only for their own organization."))
    plan = Plan(
        kind=data.kind,
        municipality_id=data.municipality_id,
        organization_id=data.organization_id,
        election_id=data.election_id,
        venue=data.venue,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        candidate_ids=list(dict.fromkeys(data.candidate_ids)),
    )
    await _validate(session=session, plan=plan)
    await _check_venue(
        session=session, plan=plan, exclude_event_id=None, confirmed=data.confirm_venue_overlap
    )
    event = Event(
        **data.model_dump(exclude={"candidate_ids", "confirm_venue_overlap", "status"}),
        status=EventStatus(data.status),
    )
    session.add(event)
    await session.flush()
    session.add_all(
        EventCandidate(event_id=event.id, candidate_id=c)  # type: ignore[arg-type]
        for c in plan.candidate_ids
    )
    audit.record(
        session=session,
        user=actor,
        action="event.create",
        entity_id=event.id,
        details=data.model_dump(mode="json", exclude={"confirm_venue_overlap"}),
    )
    return event


async def invitations(*, session: AsyncSession, event_id: int) -> dict[int, InvitationStatus]:
    rows = await session.execute(
        select(EventCandidate).where(col(EventCandidate.event_id) == event_id)
    )
    return {link.candidate_id: link.status for link in rows.scalars()}


async def update_event(
    *,
    session: AsyncSession,
    actor: User,
    event_id: int,
    data: EventUpdate,
    now: datetime | None = None,
) -> Event:
    """Applies a partial change: fields, candidates, status and closing report, all checked."""
    event = await get_event_for_writing(session=session, actor=actor, event_id=event_id)
    invited = await invitations(session=session, event_id=event_id)
    values = data.model_dump(exclude_unset=True, exclude={"confirm_venue_overlap"})
    candidate_ids = values.pop("candidate_ids", None)
    new_status = values.pop("status", None)
    fields = {k: v for k, v in values.items() if k not in REPORT_FIELDS and k != "cancel_reason"}
    plan = Plan(
        kind=fields.get("kind", event.kind),
        municipality_id=fields.get("municipality_id", event.municipality_id),
        organization_id=event.organization_id,
        election_id=fields.get("election_id", event.election_id),
        venue=fields.get("venue", event.venue),
        starts_at=fields.get("starts_at", event.starts_at),
        ends_at=fields.get("ends_at", event.ends_at),
        candidate_ids=list(dict.fromkeys(candidate_ids))
        if candidate_ids is not None
        else list(invited),
    )
    if fields or candidate_ids is not None:
        if event.status in (EventStatus.held, EventStatus.cancelled) and fields:
            raise InvalidInput({"status": _("A held or cancelled event can no longer be edited.")})
        await _validate(session=session, plan=plan)
        moved = any(k in fields for k in ("starts_at", "ends_at", "venue", "municipality_id"))
        if moved:
            await _check_venue(
                session=session,
                plan=plan,
                exclude_event_id=event_id,
                confirmed=data.confirm_venue_overlap,
            )
    changes: dict[str, Any] = {}
    for field, value in fields.items():
        if getattr(event, field) != value:
            changes[field] = [getattr(event, field), value]
            setattr(event, field, value)
    if any(k in fields for k in ("starts_at", "ends_at")):
        for candidate_id, status in invited.items():
            if status in COMMITTED and candidate_id in plan.candidate_ids:
                await _raise_on_candidate_clash(
                    session=session, candidate_id=candidate_id, event=event
                )
    if candidate_ids is not None and set(plan.candidate_ids) != set(invited):
        await _replace_candidates(
            session=session, event_id=event_id, before=invited, after=plan.candidate_ids
        )
        changes["candidate_ids"] = [sorted(invited), sorted(plan.candidate_ids)]
    if new_status is not None and new_status != event.status:
        changes["status"] = [event.status, new_status]
        _change_status(
            event=event,
            status=EventStatus(new_status),
            reason=values.get("cancel_reason"),
            now=now or utcnow(),
        )
    elif "cancel_reason" in values and event.status == EventStatus.cancelled:
        if not (values["cancel_reason"] or "").strip():
            raise InvalidInput({"cancel_reason": _("Say why the event is cancelled.")})
        changes["cancel_reason"] = [event.cancel_reason, values["cancel_reason"]]
        event.cancel_reason = values["cancel_reason"]
    report = {k: v for k, v in values.items() if k in REPORT_FIELDS}
    if report:
        if event.status != EventStatus.held:
            raise InvalidInput(
                {"status": _("The closing report is written once the event is marked held.")}
            )
        for field, value in report.items():
            if getattr(event, field) != value:
                changes[field] = [getattr(event, field), value]
                setattr(event, field, value)
    if "capacity" in changes or "waitlist_capacity" in changes:
        await session.flush()
        while await attendance.promote(session=session, event_id=event_id) is not None:
            pass  # more places: the waitlist moves up, first come first served
    if changes:
        event.updated_at = utcnow()
        audit.record(
            session=session,
            user=actor,
            action="event.update",
            entity_id=event_id,
            details=changes,
        )
    return event


async def _replace_candidates(
    *,
    session: AsyncSession,
    event_id: int,
    before: dict[int, InvitationStatus],
    after: list[int],
) -> None:
    removed = set(before) - set(after)
    if removed:
        await session.execute(
            delete(EventCandidate).where(
                col(EventCandidate.event_id) == event_id,
                col(EventCandidate.candidate_id).in_(removed),
            )
        )
    session.add_all(
        EventCandidate(event_id=event_id, candidate_id=c) for c in after if c not in before
    )


def _change_status(*, event: Event, status: EventStatus, reason: str | None, now: datetime) -> None:
    if status not in TRANSITIONS[event.status]:
        raise InvalidInput(
            {
                "status": _(
                    "An event that is “%(current)s” cannot become “%(new)s”.",
                    current=label(event.status),
                    new=label(status),
                )
            }
        )
    if status == EventStatus.cancelled:
        if not (reason or "").strip():
            raise InvalidInput({"cancel_reason": _("Say why the event is cancelled.")})
        event.cancel_reason = (reason or "").strip()
    elif status == EventStatus.held and event.starts_at > now:
        raise InvalidInput({"status": _("An event can be marked held only once it has started.")})
    elif status == EventStatus.scheduled:
        event.cancel_reason = None
    event.status = status


async def set_invitation(
    *,
    session: AsyncSession,
    actor: User,
    event_id: int,
    candidate_id: int,
    status: InvitationStatus,
    now: datetime | None = None,
) -> EventCandidate:
    """Changes how one invited candidate stands; confirming checks their other events."""
    event = await get_event_for_writing(session=session, actor=actor, event_id=event_id)
    link = await session.get(EventCandidate, (event_id, candidate_id))
    if link is None:
        raise NotFound(_("This candidate is not invited to this event."))
    if event.status == EventStatus.cancelled:
        raise Conflict(_("The event is cancelled."), field="status")
    if status == InvitationStatus.attended and event.starts_at > (now or utcnow()):
        raise InvalidInput({"status": _("A candidate can attend only once the event has started.")})
    if status in COMMITTED and link.status not in COMMITTED:
        await _raise_on_candidate_clash(session=session, candidate_id=candidate_id, event=event)
    if link.status != status:
        audit.record(
            session=session,
            user=actor,
            action="event.invitation",
            entity_id=event_id,
            details={"candidate_id": candidate_id, "status": [link.status, status]},
        )
        link.status = status
        link.updated_at = utcnow()
    return link


# --- what organizers see ---------------------------------------------------------------------


@dataclass(frozen=True)
class ManagedEvent:
    event: Event
    municipality: Municipality
    organization: Organization
    confirmed: int
    invited: int


@dataclass(frozen=True)
class Dashboard:
    upcoming: list[ManagedEvent]
    without_confirmed_candidates: list[ManagedEvent]
    without_report: list[ManagedEvent]


async def managed_events(
    *,
    session: AsyncSession,
    actor: User,
    upcoming: bool | None = None,
    now: datetime | None = None,
    limit: int = 200,
) -> list[ManagedEvent]:
    """The events the actor organizes (admins: all), with candidate counts."""
    now = now or utcnow()
    confirmed = (
        select(func.count())
        .where(
            col(EventCandidate.event_id) == col(Event.id),
            col(EventCandidate.status).in_(COMMITTED),
        )
        .scalar_subquery()
    )
    invited = (
        select(func.count()).where(col(EventCandidate.event_id) == col(Event.id)).scalar_subquery()
    )
    statement = (
        select(Event, Municipality, Organization, confirmed, invited)
        .join(Municipality, col(Municipality.id) == col(Event.municipality_id))
        .join(Organization, col(Organization.id) == col(Event.organization_id))
        .limit(limit)
    )
    if not is_admin(actor):
        statement = statement.where(col(Event.organization_id) == actor.organization_id)
    if upcoming is True:
        statement = statement.where(col(Event.ends_at) >= now).order_by(col(Event.starts_at))
    elif upcoming is False:
        statement = statement.where(col(Event.ends_at) < now).order_by(col(Event.starts_at).desc())
    else:
        statement = statement.order_by(col(Event.starts_at).desc())
    rows = (await session.execute(statement)).all()
    return [ManagedEvent(e, m, o, c or 0, i or 0) for e, m, o, c, i in rows]


async def dashboard(
    *, session: AsyncSession, actor: User, now: datetime | None = None
) -> Dashboard:
    """The next events, and what needs doing: no confirmed candidates, no closing report."""
    now = now or utcnow()
    upcoming = [
        m
        for m in await managed_events(session=session, actor=actor, upcoming=True, now=now)
        if m.event.status != EventStatus.cancelled
    ]
    past = await managed_events(session=session, actor=actor, upcoming=False, now=now, limit=50)
    needs_candidates = [
        m
        for m in upcoming
        if m.event.kind in (EventKind.forum, EventKind.meeting) and m.confirmed == 0
    ]
    without_report = [
        m
        for m in past
        if m.event.status == EventStatus.scheduled
        or (m.event.status == EventStatus.held and m.event.report_summary is None)
    ]
    return Dashboard(upcoming[:10], needs_candidates, without_report)
