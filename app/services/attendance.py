"""Citizens at events: registration with capacity and waitlist, tickets, cancellation with
promotion, check-in at the door, walk-ins, counts, and purging personal data."""

import csv
import hashlib
import hmac
import io
import json
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Integer, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    Event,
    EventStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    User,
    utcnow,
)
from app.models.attendance import RegistrationCreate
from app.security import hash_token
from app.services import audit
from app.services.access import require_event_writer
from app.services.errors import Conflict, InvalidInput, NotFound, ServiceError

# no 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud at the door or typed on a phone is not misread
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
ACTIVE = (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)
# an idempotency key (the form's hidden one-time key, the API's Idempotency-Key header): long
# and random enough that nobody guesses another's
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")


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


@dataclass(frozen=True)
class CheckIn:
    registration: Registration
    already: bool


def new_code() -> str:
    """A short code like K7M-4QX (about 30 bits; unique per event, checked on insert)."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return f"{letters[:3]}-{letters[3:]}"


def normalize_code(code: str) -> str:
    """What a person typed, as stored: upper case, the dash where it belongs."""
    letters = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{letters[:3]}-{letters[3:]}" if len(letters) == 6 else letters


def _keyed_hash(secret: str, *parts: object) -> str:
    message = "|".join(str(part) for part in parts).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def ticket_token(*, secret: str, event_id: int, idempotency_key: str) -> str:
    """The private link's token, derived from the client's idempotency key: a retried submission
    gets the same ticket back; nobody without both the key and the server's secret can compute
    it, and only keyed hashes of the key are stored."""
    return _keyed_hash(secret, "ticket", event_id, idempotency_key)


def key_hash(*, secret: str, event_id: int, idempotency_key: str) -> str:
    """What is stored of an idempotency key (another purpose than the ticket's, so the stored
    hash is not the token)."""
    return _keyed_hash(secret, "idempotency-key", event_id, idempotency_key)


def request_fingerprint(*, secret: str, event_id: int, data: RegistrationCreate) -> str:
    """A keyed hash of what was asked, as validated: a retry must send the same."""
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return _keyed_hash(secret, "registration", event_id, canonical)


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


async def _lock_event(session: AsyncSession, event_id: int) -> Event:
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
    if not data.consent:
        raise InvalidInput({"consent": _("Please agree to the privacy notice to register.")})
    stored_key = fingerprint = None
    if idempotency_key is None:
        token = secrets.token_hex(32)
    else:
        token = ticket_token(secret=secret, event_id=event_id, idempotency_key=idempotency_key)
        stored_key = key_hash(secret=secret, event_id=event_id, idempotency_key=idempotency_key)
        fingerprint = request_fingerprint(secret=secret, event_id=event_id, data=data)
    event = await _lock_event(session, event_id)
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
    registration = await _insert(
        session,
        Registration(
            event_id=event_id,
            name=data.name,
            phone=data.phone,
            email=data.email,
            gender=data.gender,
            age_group=data.age_group,
            status=status,
            source=RegistrationSource.online,
            code="",
            token_hash=hash_token(token),
            consent_at=now,
            idempotency_key_hash=stored_key,
            request_fingerprint=fingerprint,
            created_at=now,
        ),
    )
    return Ticket(registration, token, created=True)


async def _insert(session: AsyncSession, registration: Registration) -> Registration:
    """Adds the registration with a fresh code, drawing again on the rare collision."""
    for _attempt in range(10):
        registration.code = new_code()
        try:
            async with session.begin_nested():
                session.add(registration)
                await session.flush()
            return registration
        except IntegrityError:
            continue  # the savepoint's rollback took the half-added row out of the session
    raise Conflict(_("Could not draw a free code. Please try again."))


async def registration_by_token(*, session: AsyncSession, token: str) -> Registration | None:
    if not token or len(token) > 200:
        return None
    return await session.scalar(
        select(Registration).where(col(Registration.token_hash) == hash_token(token))
    )


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
    """Cancels a registration; a freed place goes to the first on the waitlist (returned)."""
    await _lock_event(session, registration.event_id)
    await session.refresh(registration)
    if registration.status == RegistrationStatus.cancelled:
        return None
    was_confirmed = registration.status == RegistrationStatus.confirmed
    registration.status = RegistrationStatus.cancelled
    registration.cancelled_at = now or utcnow()
    await session.flush()
    return (
        await promote(session=session, event_id=registration.event_id, now=now)
        if (was_confirmed)
        else None
    )


async def promote(
    *, session: AsyncSession, event_id: int, now: datetime | None = None
) -> Registration | None:
    """Fills one free place from the waitlist, first come first served; the caller holds the
    event's lock. Returns the promoted registration, or None."""
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
    return first


async def check_in(
    *, session: AsyncSession, actor: User, event_id: int, code: str, now: datetime | None = None
) -> CheckIn:
    """Marks the holder of `code` as present; a second scan says when they came in."""
    event = await _lock_event(session, event_id)
    require_event_writer(actor, event)
    registration = await session.scalar(
        select(Registration).where(
            col(Registration.event_id) == event_id,
            col(Registration.code) == normalize_code(code),
        )
    )
    if registration is None:
        raise NotFound(_("No registration with this code for this event."))
    if registration.status == RegistrationStatus.cancelled:
        raise Conflict(_("This registration was cancelled."), field="code")
    if registration.checked_in_at is not None:
        return CheckIn(registration, already=True)
    registration.checked_in_at = now or utcnow()
    if registration.status == RegistrationStatus.waitlisted:
        # let in at the door: they hold a place now
        registration.status = RegistrationStatus.confirmed
        registration.promoted_at = registration.checked_in_at
    audit.record(
        session=session,
        user=actor,
        action="registration.check_in",
        entity_id=registration.id,
    )
    return CheckIn(registration, already=False)


async def walk_in(
    *,
    session: AsyncSession,
    actor: User,
    event_id: int,
    data: RegistrationCreate,
    now: datetime | None = None,
) -> Registration:
    """Someone who came without registering: registered and checked in, in one step."""
    event = await _lock_event(session, event_id)
    require_event_writer(actor, event)
    now = now or utcnow()
    registration = await _insert(
        session,
        Registration(
            event_id=event_id,
            name=data.name,
            phone=data.phone,
            email=data.email,
            gender=data.gender,
            age_group=data.age_group,
            status=RegistrationStatus.confirmed,
            source=RegistrationSource.walk_in,
            code="",
            token_hash=hash_token(secrets.token_urlsafe(32)),
            consent_at=now if data.consent else None,
            checked_in_at=now,
            created_at=now,
        ),
    )
    audit.record(
        session=session,
        user=actor,
        action="registration.walk_in",
        entity_id=registration.id,
    )
    return registration


async def list_registrations(
    *,
    session: AsyncSession,
    actor: User,
    event_id: int,
    query: str | None = None,
    status: RegistrationStatus | None = None,
) -> list[Registration]:
    """The event's registrations, for its organizers only, searchable by name, code, contact."""
    event = await session.get(Event, event_id)
    if event is None:
        raise NotFound(_("No such event."))
    require_event_writer(actor, event)
    statement = (
        select(Registration)
        .where(col(Registration.event_id) == event_id)
        .order_by(col(Registration.created_at), col(Registration.id))
    )
    if status is not None:
        statement = statement.where(col(Registration.status) == status)
    if query:
        pattern = f"%{query.strip().lower()}%"
        statement = statement.where(
            func.lower(col(Registration.name)).like(pattern)
            | func.lower(col(Registration.code)).like(pattern)
            | func.lower(func.coalesce(col(Registration.email), "")).like(pattern)
            | func.coalesce(col(Registration.phone), "").like(pattern)
        )
    return list((await session.execute(statement)).scalars())


CSV_COLUMNS = (
    "code",
    "name",
    "phone",
    "email",
    "gender",
    "age_group",
    "status",
    "source",
    "checked_in_at",
    "created_at",
)


def registrations_csv(registrations: list[Registration]) -> str:
    """UTF-8 with a BOM, so Excel shows ë and ç; cells that start like a formula are quoted."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for r in registrations:
        writer.writerow([csv_cell(getattr(r, column)) for column in CSV_COLUMNS])
    return out.getvalue()


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, datetime) else str(getattr(value, "value", value))
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


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


async def purge_personal_data(
    *, session: AsyncSession, older_than_days: int, now: datetime | None = None
) -> int:
    """Blanks names and contacts of registrations of events that ended more than N days ago;
    statuses, check-ins, gender and age group stay, so every count still adds up."""
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    ended = select(Event.id).where(col(Event.ends_at) < cutoff)  # type: ignore[call-overload]
    result = await session.execute(
        update(Registration)
        .where(col(Registration.event_id).in_(ended), col(Registration.name) != "")
        .values(name="", phone=None, email=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
