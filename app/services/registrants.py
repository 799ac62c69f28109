"""Who registered for an event, as its organizers see them: the searchable list, the CSV, and
blanking personal data once events are long over."""

import csv
import io
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import Event, Registration, RegistrationStatus, User, utcnow
from app.services.access import require_event_writer
from app.services.errors import NotFound

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
