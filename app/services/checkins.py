"""At the door: checking in the holder of a code, and registering walk-ins in one step."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import Registration, RegistrationSource, RegistrationStatus, User, utcnow
from app.models.attendance import RegistrationCreate
from app.security import hash_token
from app.services import audit, event_checks
from app.services.access import require_event_writer
from app.services.attendance import lock_event, registrant
from app.services.errors import Conflict, NotFound
from app.services.tickets import add_with_code, normalize_code


@dataclass(frozen=True)
class CheckIn:
    registration: Registration
    already: bool


async def check_in(
    *,
    session: AsyncSession,
    actor: User,
    event_id: int,
    code: str,
    now: datetime | None = None,
    ask_first: bool = False,
) -> CheckIn:
    """Marks the holder of `code` as present; a second scan says when they came in. The desk
    asks first (`ask_first`) more than a day before the event starts."""
    event = await lock_event(session, event_id)
    require_event_writer(actor, event)
    now = now or utcnow()
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
    if ask_first:
        event_checks.ask(event_checks.check_in_warning(event=event, now=now))
    registration.checked_in_at = now
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
    event = await lock_event(session, event_id)
    require_event_writer(actor, event)
    now = now or utcnow()
    registration = await add_with_code(
        session,
        registrant(
            data,
            event_id=event_id,
            status=RegistrationStatus.confirmed,
            source=RegistrationSource.walk_in,
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
