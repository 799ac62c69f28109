"""Citizens at events: registration with capacity and waitlist, counts and figures, cancellation
with promotion. A ticket's code and tokens: tickets.py; the door: checkins.py; the organizers'
list, the CSV and purging personal data: registrants.py."""

import hmac
import secrets
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import get_locale
from app.i18n import gettext as _
from app.models import (
    Event,
    EventStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    utcnow,
)
from app.models.attendance import RegistrationCreate
from app.security import hash_token
from app.services import notices
from app.services.errors import Conflict, InvalidInput, NotFound, ServiceError
from app.services.tickets import (
    KEY_PATTERN,
    add_with_code,
    key_hash,
    request_fingerprint,
    ticket_token,
)

ACTIVE = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)


class RegistrationClosed(Conflict):
    """The event does not take registrations (not public, started, ended or cancelled)."""


class EventFull(Conflict):
    """Every place and every waitlist place is taken."""


class KeyReused(ServiceError):
    """An idempotency key already used for this event, sent again with other details."""

    status_code = 422


@dataclass(frozen=True)
class Ticket:
    """A registration with its private link token (the only time the raw token is known)."""

    registration: Registration
    token: str
    created: bool


@dataclass(frozen=True)
class Counts:
    confirmed: int
    waitlisted: int
    cancelled: int
    checked_in: int
    walk_ins: int
    capacity: int | None

    @property
    def free_places(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.confirmed, 0)


def registration_state(event: Event, counts: Counts, *, now: datetime | None = None) -> str:
    """ "open", "waitlist" (the next one waits), "full" or "closed": what the form says first."""
    now = now or utcnow()
    if event.status != EventStatus.scheduled or event.starts_at <= now:
        return "closed"
    if event.capacity is None or counts.confirmed < event.capacity:
        return "open"
    if event.waitlist_capacity is None or counts.waitlisted < event.waitlist_capacity:
        return "waitlist"
    return "full"


def registrant(data: RegistrationCreate, **fields: Any) -> Registration:
    """A registration of what the person gave (name, contacts, gender, age group), with the
    rest in `fields`; its code is drawn when it is added (tickets.add_with_code)."""
    return Registration(
        name=data.name,
        phone=data.phone,
        email=data.email,
        gender=data.gender,
        age_group=data.age_group,
        code="",
        **fields,
    )


async def lock_event(session: AsyncSession, event_id: int) -> Event:
    """The event row, locked: registrations, cancellations and promotions of one event queue."""
    event = await session.scalar(select(Event).where(col(Event.id) == event_id).with_for_update())
    if event is None or event.status == EventStatus.draft:
        raise NotFound(_("No such event."))
    return event


async def counts(*, session: AsyncSession, event_id: int) -> Counts:
    """How many are confirmed, waiting, cancelled, checked in, and came as walk-ins."""
    rows = await session.execute(
        select(
            col(Registration.status),
            func.count(),
            func.count(col(Registration.checked_in_at)),
            func.sum(
                func.cast(col(Registration.source) == RegistrationSource.walk_in.value, Integer)
            ),
        )
        .where(col(Registration.event_id) == event_id)
        .group_by(col(Registration.status))
    )
    by_status = {status: (n, checked, walk) for status, n, checked, walk in rows.all()}
    capacity = await session.scalar(select(Event.capacity).where(col(Event.id) == event_id))  # type: ignore[call-overload]

    def n(status: RegistrationStatus, index: int = 0) -> int:
        return int((by_status.get(status) or (0, 0, 0))[index] or 0)

    return Counts(
        confirmed=n(RegistrationStatus.confirmed),
        waitlisted=n(RegistrationStatus.waitlisted),
        cancelled=n(RegistrationStatus.cancelled),
        checked_in=n(RegistrationStatus.confirmed, 1),
        walk_ins=n(RegistrationStatus.confirmed, 2),
        capacity=capacity,
    )


def consent_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """An online registration needs the person's agreement to the privacy notice (checked by
    register(), and by the form together with the fields that did not parse)."""
    if values.get("consent") is not True:
        return {"consent": _("Please agree to the privacy notice to register.")}
    return {}


async def register(
    *,
    session: AsyncSession,
    event_id: int,
    data: RegistrationCreate,
    secret: str,
    idempotency_key: str | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Registers a citizen: confirmed while places last, then waitlisted; idempotent per key.

    The caller commits. A key already used for this event, sent again with the same details,
    returns that registration unchanged; with other details it is refused (KeyReused): a key
    alone never opens someone else's ticket.
    """
    if idempotency_key is not None and not KEY_PATTERN.fullmatch(idempotency_key):
        raise InvalidInput(
            {"idempotency_key": _("An idempotency key is 20 to 64 letters, digits, - or _.")}
        )
    if refused := consent_errors({"consent": data.consent}):
        raise InvalidInput(refused)
    stored_key = fingerprint = None
    if idempotency_key is None:
        token = secrets.token_hex(32)
    else:
        token = ticket_token(secret=secret, event_id=event_id, idempotency_key=idempotency_key)
        stored_key = key_hash(secret=secret, event_id=event_id, idempotency_key=idempotency_key)
        fingerprint = request_fingerprint(secret=secret, event_id=event_id, data=data)
    event = await lock_event(session, event_id)
    if stored_key is not None:
        existing = await session.scalar(
            select(Registration).where(
                col(Registration.event_id) == event_id,
                col(Registration.idempotency_key_hash) == stored_key,
            )
        )
        if existing is not None:
            if not hmac.compare_digest(existing.request_fingerprint or "", fingerprint or ""):
                raise KeyReused(
                    _(
                        "This idempotency key was already used for a registration with other "
                        "details. Send a new key for a new registration."
                    ),
                    field="idempotency_key",
                )
            return Ticket(existing, token, created=False)
    now = now or utcnow()
    current = await counts(session=session, event_id=event_id)
    state = registration_state(event, current, now=now)
    if state == "closed":
        raise RegistrationClosed(_("Registration for this event is closed."))
    if state == "full":
        raise EventFull(_("This event is full and its waitlist too."))
    status = RegistrationStatus.confirmed if state == "open" else RegistrationStatus.waitlisted
    registration = await add_with_code(
        session,
        registrant(
            data,
            event_id=event_id,
            status=status,
            source=RegistrationSource.online,
            token_hash=hash_token(token),
            consent_at=now,
            idempotency_key_hash=stored_key,
            request_fingerprint=fingerprint,
            created_at=now,
            language=get_locale(),
        ),
    )
    if registration.email:
        await notices.registration_made(
            session=session,
            registration=registration,
            token=token,
            position=await waitlist_position(session=session, registration=registration),
        )
    return Ticket(registration, token, created=True)


async def waitlist_position(*, session: AsyncSession, registration: Registration) -> int | None:
    """1 for the first in line; None unless waitlisted."""
    if registration.status != RegistrationStatus.waitlisted:
        return None
    ahead = await session.scalar(
        select(func.count()).where(
            col(Registration.event_id) == registration.event_id,
            col(Registration.status) == RegistrationStatus.waitlisted,
            (col(Registration.created_at) < registration.created_at)
            | (
                (col(Registration.created_at) == registration.created_at)
                & (col(Registration.id) < registration.id)
            ),
        )
    )
    return int(ahead or 0) + 1


async def cancel(
    *, session: AsyncSession, registration: Registration, now: datetime | None = None
) -> Registration | None:
    """Cancels a registration; a freed place goes to the first on the waitlist (returned).
    Both are told by e-mail."""
    await lock_event(session, registration.event_id)
    await session.refresh(registration)
    if registration.status == RegistrationStatus.cancelled:
        return None
    was_confirmed = registration.status == RegistrationStatus.confirmed
    registration.status = RegistrationStatus.cancelled
    registration.cancelled_at = now or utcnow()
    await session.flush()
    await notices.cancelled(session=session, registration=registration)
    return (
        await promote(session=session, event_id=registration.event_id, now=now)
        if (was_confirmed)
        else None
    )


async def promote(
    *, session: AsyncSession, event_id: int, now: datetime | None = None
) -> Registration | None:
    """Fills one free place from the waitlist, first come first served; the caller holds the
    event's lock. Returns the promoted registration (told by e-mail), or None."""
    event = await session.get(Event, event_id)
    if event is None or event.capacity is None:
        return None
    current = await counts(session=session, event_id=event_id)
    if current.confirmed >= event.capacity:
        return None
    first = await session.scalar(
        select(Registration)
        .where(
            col(Registration.event_id) == event_id,
            col(Registration.status) == RegistrationStatus.waitlisted,
        )
        .order_by(col(Registration.created_at), col(Registration.id))
        .limit(1)
    )
    if first is not None:
        first.status = RegistrationStatus.confirmed
        first.promoted_at = now or utcnow()
        await session.flush()
        await notices.promoted(session=session, registration=first)
    return first


@dataclass(frozen=True)
class Figures:
    """Who came, for the closing report and the network's reports to donors."""

    checked_in: int
    by_gender: dict[str, int]
    by_age_group: dict[str, int]


async def attendance_figures(*, session: AsyncSession, event_id: int) -> Figures:
    rows = (
        await session.execute(
            select(Registration.gender, Registration.age_group).where(  # type: ignore[call-overload]
                col(Registration.event_id) == event_id,
                col(Registration.checked_in_at).is_not(None),
            )
        )
    ).all()
    genders = Counter(g.value if g else "unknown" for g, _a in rows)
    ages = Counter(a.value if a else "unknown" for _g, a in rows)
    return Figures(len(rows), dict(genders), dict(ages))
