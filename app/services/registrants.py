"""Who registered for an event, as its organizers see them: the searchable list, the CSV, and
blanking personal data once events are long over."""

import csv
import io
from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import format_datetime
from app.i18n import gettext as _
from app.labels import label
from app.models import Event, Registration, RegistrationStatus, User, utcnow
from app.services.access import require_event_writer
from app.services.errors import NotFound

# the spreadsheet's columns: the field each comes from (the headers are csv_headers())
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
CSV_TIME = "yyyy-MM-dd HH:mm"  # Tirana time, to the minute: sorts as text, Excel reads it


def csv_headers() -> list[str]:
    """The column headers in the exporter's language (Albanian by default)."""
    return [
        _("Code"),
        _("Name"),
        _("Phone"),
        _("E-mail"),
        _("Gender"),
        _("Age group"),
        _("Status"),
        _("Registered how"),
        _("Checked in at"),
        _("Registered at"),
    ]


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
    """UTF-8 with a BOM, so Excel shows ë and ç; cells that start like a formula are quoted;
    headers, labels and times as the exporter reads them (services/commitments.py's open data
    keeps codes and UTC instead: it is for machines)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(csv_headers())
    for r in registrations:
        writer.writerow([csv_cell(_csv_value(getattr(r, column))) for column in CSV_COLUMNS])
    return out.getvalue()


def _csv_value(value: object) -> object:
    """What a person reads: labels for codes, Tirana local times to the minute."""
    if isinstance(value, Enum):
        return label(value)
    if isinstance(value, datetime):
        return format_datetime(value, CSV_TIME)
    return value


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
