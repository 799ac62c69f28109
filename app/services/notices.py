"""What each change tells whom, by e-mail: each function enqueues its messages in the caller's
transaction (app/services/outbox.py), so a message exists exactly when its change does."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.models import (
    Candidate,
    Commitment,
    Event,
    EventCandidate,
    EventStatus,
    InvitationStatus,
    Registration,
    RegistrationStatus,
    User,
    utcnow,
)
from app.services import calendar, events, outbox, portal_links

ACTIVE = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)
REMINDER_AHEAD = timedelta(hours=24)
# a change of these is worth telling everyone registered
MOVED_FIELDS = ("starts_at", "ends_at", "venue", "municipality_id")


def ticket_url(session: AsyncSession, token: str) -> str:
    return f"{outbox.settings_of(session).base_url}/r/{token}"


def _event_url(session: AsyncSession, event_id: int) -> str:
    return calendar.event_url(event_id=event_id, base_url=outbox.settings_of(session).base_url)


async def event_context(
    session: AsyncSession, event_id: int
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The event as the templates show it, and its .ics attachment."""
    listing = await events.get_event(session=session, event_id=event_id)
    context: dict[str, Any] = {"item": listing, "event_url": _event_url(session, event_id)}
    if listing is None:
        event = await session.get(Event, event_id)
        context["item"] = None
        context["event"] = event
        return context, []
    context["event"] = listing.event
    ics = calendar.event_calendar(
        listing=listing,
        base_url=outbox.settings_of(session).base_url,
        timezone=outbox.settings_of(session).timezone,
    )
    attachment = {
        "filename": f"event-{event_id}.ics",
        "content_type": "text/calendar",
        "content": ics.decode(),
    }
    return context, [attachment]


async def registration_made(
    *, session: AsyncSession, registration: Registration, token: str, position: int | None
) -> None:
    """Confirmed or waitlisted: the ticket link and the event's .ics."""
    if not outbox.valid_address(registration.email):
        return  # no e-mail given: nothing to render (the busiest path of all)
    context, attachments = await event_context(session, registration.event_id)
    waitlisted = registration.status == RegistrationStatus.waitlisted
    await outbox.enqueue(
        session=session,
        kind="registration_waitlisted" if waitlisted else "registration_confirmed",
        recipient=registration.email,
        locale=registration.language,
        template="registration",
        context={
            **context,
            "registration": registration,
            "ticket_url": ticket_url(session, token),
            "position": position,
        },
        attachments=attachments,
        event_id=registration.event_id,
        registration_id=registration.id,
    )


async def _to_registration(
    session: AsyncSession,
    registration: Registration,
    *,
    kind: str,
    template: str,
    extra: dict[str, Any] | None = None,
    dedupe_key: str | None = None,
    with_calendar: bool = False,
) -> None:
    if not outbox.valid_address(registration.email):
        return
    context, attachments = await event_context(session, registration.event_id)
    await outbox.enqueue(
        session=session,
        kind=kind,
        recipient=registration.email,
        locale=registration.language,
        template=template,
        context={**context, "registration": registration, **(extra or {})},
        attachments=attachments if with_calendar else (),
        event_id=registration.event_id,
        registration_id=registration.id,
        dedupe_key=dedupe_key,
    )


async def promoted(*, session: AsyncSession, registration: Registration) -> None:
    """A place came free: the person moves up from the waitlist."""
    await _to_registration(
        session,
        registration,
        kind="registration_promoted",
        template="promoted",
        with_calendar=True,
    )


async def cancelled(*, session: AsyncSession, registration: Registration) -> None:
    """The person cancelled their place: a receipt, so a mistaken click is noticed."""
    await _to_registration(
        session, registration, kind="registration_cancelled", template="registration_cancelled"
    )


async def _registered(session: AsyncSession, event_id: int) -> list[Registration]:
    rows = await session.execute(
        select(Registration).where(
            col(Registration.event_id) == event_id,
            col(Registration.status).in_(ACTIVE),
            col(Registration.email).is_not(None),
        )
    )
    return list(rows.scalars())


async def event_changed(
    *, session: AsyncSession, event: Event, changes: dict[str, list[Any]]
) -> None:
    """The time or the place changed (a public event): everyone registered is told."""
    moved = {k: v for k, v in changes.items() if k in MOVED_FIELDS}
    if not moved or event.status != EventStatus.scheduled or event.id is None:
        return
    for registration in await _registered(session, event.id):
        await _to_registration(
            session,
            registration,
            kind="event_changed",
            template="event_changed",
            extra={"changes": moved},
            with_calendar=True,
        )


async def event_cancelled(*, session: AsyncSession, event: Event) -> None:
    """The event was cancelled: everyone registered is told why."""
    if event.id is None:
        return
    for registration in await _registered(session, event.id):
        await _to_registration(
            session, registration, kind="event_cancelled", template="event_cancelled"
        )


async def reminders(*, session: AsyncSession, now: datetime | None = None) -> int:
    """Enqueues the 24-hour reminders that are due: once per registration (its dedupe key),
    confirmed places of scheduled events only. How many were enqueued."""
    now = now or utcnow()
    rows = await session.execute(
        select(Registration)
        .join(Event, col(Event.id) == col(Registration.event_id))
        .where(
            col(Event.status) == EventStatus.scheduled,
            col(Event.starts_at) > now,
            col(Event.starts_at) <= now + REMINDER_AHEAD,
            col(Registration.status) == RegistrationStatus.confirmed,
            col(Registration.email).is_not(None),
        )
    )
    count = 0
    for registration in rows.scalars():
        before = len(session.new)
        await _to_registration(
            session,
            registration,
            kind="reminder",
            template="reminder",
            dedupe_key=f"reminder:{registration.id}",
        )
        count += len(session.new) > before or 0
    return count


async def _portal_url(
    session: AsyncSession, candidate: Candidate, actor: User | None
) -> str | None:
    """The candidate's portal link: their live link when its token can be derived, else a new
    link issued by `actor` when none is live; None when a working older link cannot be put in
    a message (it is never replaced behind the candidate's back)."""
    settings = outbox.settings_of(session)
    assert candidate.id is not None
    token = await portal_links.live_token(session=session, candidate_id=candidate.id)
    if token is None and actor is not None:
        live = await portal_links.live_link(session=session, candidate_id=candidate.id)
        if live is None and await portal_links.may_issue_links(
            session=session, actor=actor, candidate=candidate
        ):
            token = (
                await portal_links.issue_link(
                    session=session, actor=actor, candidate_id=candidate.id
                )
            ).token
    return f"{settings.base_url}/c/{token}" if token else None


async def invited(
    *, session: AsyncSession, event: Event, candidate_ids: list[int], actor: User | None
) -> None:
    """Each newly invited candidate with an e-mail contact gets the invitation with their portal
    link, where they confirm or decline; once per event and candidate, and only for a public
    event (a draft's invitations go out when it is scheduled)."""
    if event.status != EventStatus.scheduled or event.id is None:
        return
    for candidate_id in candidate_ids:
        candidate = await session.get(Candidate, candidate_id)
        address = outbox.email_in(candidate.contact if candidate else None)
        if candidate is None or address is None:
            continue
        link = await session.get(EventCandidate, (event.id, candidate_id))
        if link is None or link.status != InvitationStatus.invited:
            continue
        context, attachments = await event_context(session, event.id)
        await outbox.enqueue(
            session=session,
            kind="candidate_invited",
            recipient=address,
            locale=None,
            template="candidate_invited",
            context={
                **context,
                "candidate": candidate,
                "portal_url": await _portal_url(session, candidate, actor),
            },
            attachments=attachments,
            event_id=event.id,
            candidate_id=candidate_id,
            dedupe_key=f"invitation:{event.id}:{candidate_id}",
        )


async def still_invited(*, session: AsyncSession, event: Event, actor: User | None) -> None:
    """A draft became public: its candidates still invited get their invitations now."""
    if event.id is None:
        return
    rows = await session.execute(
        select(EventCandidate.candidate_id).where(  # type: ignore[call-overload]
            col(EventCandidate.event_id) == event.id,
            col(EventCandidate.status) == InvitationStatus.invited,
        )
    )
    await invited(session=session, event=event, candidate_ids=list(rows.scalars()), actor=actor)


async def commitment_recorded(
    *, session: AsyncSession, commitment: Commitment, actor: User | None
) -> None:
    """The candidate is asked to confirm (or dispute) what was recorded in their name."""
    candidate = await session.get(Candidate, commitment.candidate_id)
    address = outbox.email_in(candidate.contact if candidate else None)
    if candidate is None or address is None:
        return
    context, _ics = await event_context(session, commitment.event_id)
    await outbox.enqueue(
        session=session,
        kind="commitment_recorded",
        recipient=address,
        locale=None,
        template="commitment_recorded",
        context={
            **context,
            "candidate": candidate,
            "commitment": commitment,
            "portal_url": await _portal_url(session, candidate, actor),
        },
        event_id=commitment.event_id,
        candidate_id=candidate.id,
    )


async def disputed(*, session: AsyncSession, commitment: Commitment) -> None:
    """The organizers of the event are told that the candidate disputes a commitment."""
    event = await session.get(Event, commitment.event_id)
    candidate = await session.get(Candidate, commitment.candidate_id)
    if event is None or candidate is None:
        return
    organizers = await session.execute(
        select(User).where(
            col(User.organization_id) == event.organization_id, col(User.is_active).is_(True)
        )
    )
    settings = outbox.settings_of(session)
    for user in organizers.scalars():
        await outbox.enqueue(
            session=session,
            kind="commitment_disputed",
            recipient=user.email,
            locale=None,
            template="commitment_disputed",
            context={
                "event": event,
                "candidate": candidate,
                "commitment": commitment,
                "manage_url": f"{settings.base_url}/manage",
            },
            event_id=event.id,
            candidate_id=candidate.id,
        )
