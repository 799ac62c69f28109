"""Scheduling events: create and change them, invitations, and the draft → held lifecycle.

The rules an event's fields must keep, and its clashes with other events, are
app/services/event_rules.py. What a page offers comes from here too (`allowed_transitions`,
`invitation_choices`, `editable`), so that it offers exactly what these functions accept.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.labels import label
from app.models import (
    Event,
    EventCandidate,
    EventStatus,
    InvitationStatus,
    Municipality,
    Organization,
    User,
    utcnow,
)
from app.models.events import PRESENT_STATUSES, EventCreate, EventUpdate
from app.services import attendance, audit, event_checks, event_rules, events, notices
from app.services.access import can_write_for_organization, is_admin, require_event_writer
from app.services.errors import Conflict, InvalidInput, NotAllowed, NotFound, ServiceError

TRANSITIONS: dict[EventStatus, set[EventStatus]] = {
    EventStatus.draft: {EventStatus.scheduled, EventStatus.cancelled},
    EventStatus.scheduled: {EventStatus.held, EventStatus.cancelled, EventStatus.draft},
    EventStatus.cancelled: {EventStatus.scheduled},
    EventStatus.held: set(),
}
REPORT_FIELDS = ("report_attendees", "report_summary", "report_participants")


def editable(event: Event) -> bool:
    """Its fields may still change: a held or cancelled event is kept as it was."""
    return event.status not in (EventStatus.held, EventStatus.cancelled)


def allowed_transitions(event: Event, now: datetime) -> list[EventStatus]:
    """The statuses the event may move to now (each with what else it needs: a cancellation
    its reason)."""
    return [s for s in EventStatus if _transition_refusal(event, s, now) is None]


def _transition_refusal(event: Event, status: EventStatus, now: datetime) -> str | None:
    if status not in TRANSITIONS[event.status]:
        return _(
            "An event that is “%(current)s” cannot become “%(new)s”.",
            current=label(event.status),
            new=label(status),
        )
    if status == EventStatus.held and event.starts_at > now:
        return _("An event can be marked held only once it has started.")
    return None


def invitation_choices(event: Event, now: datetime) -> list[InvitationStatus]:
    """The statuses an invitation to the event may be set to now."""
    return [s for s in InvitationStatus if invitation_refusal(event, s, now) is None]


def invitation_refusal(
    event: Event, status: InvitationStatus, now: datetime
) -> ServiceError | None:
    if event.status == EventStatus.cancelled:
        return Conflict(_("The event is cancelled."), field="status")
    if status == InvitationStatus.attended and event.starts_at > now:
        return InvalidInput(
            {"status": _("A candidate can attend only once the event has started.")}
        )
    return None


async def get_event_for_writing(*, session: AsyncSession, actor: User, event_id: int) -> Event:
    """The event, locked for this transaction, if the actor may write it (another
    organization's draft is not found, as if there were none)."""
    event = await session.scalar(select(Event).where(col(Event.id) == event_id).with_for_update())
    if event is None or not events.is_visible(event, actor):
        raise NotFound(_("No such event."))
    require_event_writer(actor, event)
    return event


async def create_event(
    *,
    session: AsyncSession,
    actor: User,
    data: EventCreate,
    ask_first: bool = False,
    now: datetime | None = None,
) -> Event:
    """Plans a new event (public unless it is a draft) and invites its candidates; the page
    asks first (`ask_first`) before one that has already started is published."""
    if not can_write_for_organization(actor, data.organization_id):
        raise NotAllowed(_("Organizers schedule events only for their own organization."))
    plan = event_rules.Plan(
        kind=data.kind,
        municipality_id=data.municipality_id,
        organization_id=data.organization_id,
        election_id=data.election_id,
        venue=data.venue,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        candidate_ids=list(dict.fromkeys(data.candidate_ids)),
        capacity=data.capacity,
    )
    await event_rules.validate(session=session, plan=plan)
    await event_rules.check_venue(
        session=session,
        plan=plan,
        exclude_event_id=None,
        confirmed=data.confirm_venue_overlap,
        viewer=actor,
    )
    if ask_first and data.status == EventStatus.scheduled.value:
        event_checks.ask(
            event_checks.publish_warning(starts_at=data.starts_at, now=now or utcnow())
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
    await session.flush()
    await notices.invited(
        session=session, event=event, candidate_ids=plan.candidate_ids, actor=actor
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
    ask_first: bool = False,
) -> Event:
    """Applies a partial change: fields, candidates, status and closing report, all checked;
    the page asks first (`ask_first`) before a change of status that is probably a slip
    (services/event_checks.py)."""
    event = await get_event_for_writing(session=session, actor=actor, event_id=event_id)
    invited = await invitations(session=session, event_id=event_id)
    values = data.model_dump(exclude_unset=True, exclude={"confirm_venue_overlap"})
    candidate_ids = values.pop("candidate_ids", None)
    new_status = values.pop("status", None)
    fields = {k: v for k, v in values.items() if k not in REPORT_FIELDS and k != "cancel_reason"}
    plan = event_rules.Plan(
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
        capacity=fields.get("capacity", event.capacity),
    )
    if fields or candidate_ids is not None:
        if fields and not editable(event):
            raise InvalidInput({"status": _("A held or cancelled event can no longer be edited.")})
        await event_rules.validate(session=session, plan=plan)
        moved = any(k in fields for k in ("starts_at", "ends_at", "venue", "municipality_id"))
        if moved:
            await event_rules.check_venue(
                session=session,
                plan=plan,
                exclude_event_id=event_id,
                confirmed=data.confirm_venue_overlap,
                viewer=actor,
            )
    changes: dict[str, Any] = {}
    for field, value in fields.items():
        if getattr(event, field) != value:
            changes[field] = [getattr(event, field), value]
            setattr(event, field, value)
    if any(k in fields for k in ("starts_at", "ends_at")):
        for candidate_id, status in invited.items():
            if status in PRESENT_STATUSES and candidate_id in plan.candidate_ids:
                await event_rules.raise_on_candidate_clash(
                    session=session, candidate_id=candidate_id, event=event, viewer=actor
                )
    if candidate_ids is not None and set(plan.candidate_ids) != set(invited):
        await _replace_candidates(
            session=session, event_id=event_id, before=invited, after=plan.candidate_ids
        )
        changes["candidate_ids"] = [sorted(invited), sorted(plan.candidate_ids)]
    if ask_first and new_status is not None and new_status != event.status:
        report_given = {k: v for k, v in values.items() if k in REPORT_FIELDS}
        warning = await event_checks.status_warning(
            session=session,
            event=event,
            status=EventStatus(new_status),
            report=report_given,
            now=now or utcnow(),
        )
        event_checks.ask(warning)
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
        await _tell(session=session, event=event, changes=changes, invited=invited, actor=actor)
        audit.record(
            session=session,
            user=actor,
            action="event.update",
            entity_id=event_id,
            details=changes,
        )
    return event


async def _tell(
    *,
    session: AsyncSession,
    event: Event,
    changes: dict[str, Any],
    invited: dict[int, InvitationStatus],
    actor: User,
) -> None:
    """The e-mails a change sends: cancelled, moved, newly public, new candidates invited."""
    await session.flush()
    before_status = changes.get("status", [event.status])[0]
    if event.status == EventStatus.cancelled and before_status != EventStatus.cancelled:
        await notices.event_cancelled(session=session, event=event)
        return
    if event.status != EventStatus.scheduled:
        return
    if before_status != EventStatus.scheduled:
        await notices.still_invited(session=session, event=event, actor=actor)
        return
    await notices.event_changed(session=session, event=event, changes=changes)
    if "candidate_ids" in changes:
        added = [c for c in changes["candidate_ids"][1] if c not in invited]
        await notices.invited(session=session, event=event, candidate_ids=added, actor=actor)


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
    refusal = _transition_refusal(event, status, now)
    if refusal is not None:
        raise InvalidInput({"status": refusal})
    if status == EventStatus.cancelled:
        if not (reason or "").strip():
            raise InvalidInput({"cancel_reason": _("Say why the event is cancelled.")})
        event.cancel_reason = (reason or "").strip()
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
    refusal = invitation_refusal(event, status, now or utcnow())
    if refusal is not None:
        raise refusal
    if status in PRESENT_STATUSES and link.status not in PRESENT_STATUSES:
        await event_rules.raise_on_candidate_clash(
            session=session, candidate_id=candidate_id, event=event, viewer=actor
        )
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
            col(EventCandidate.status).in_(PRESENT_STATUSES),
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
    needs_candidates = [m for m in upcoming if m.event.kind.with_candidates and m.confirmed == 0]
    without_report = [
        m
        for m in past
        if m.event.status == EventStatus.scheduled
        or (m.event.status == EventStatus.held and m.event.report_summary is None)
    ]
    return Dashboard(upcoming[:10], needs_candidates, without_report)
