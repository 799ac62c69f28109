"""What an organizer's page asks before it does something allowed but probably a slip:
publishing an event in the past, marking one held with an empty closing report, hiding one
people registered for, checking people in long before it starts.

Each check gives the reason to show, or None; the services raise it as NeedsConfirmation when
the page asks them to (`ask_first`). The JSON API does not ask: entering past forums, or a
report later, is a real use.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import format_datetime, ngettext
from app.i18n import gettext as _
from app.models import Event, EventStatus
from app.services import attendance
from app.services.errors import NeedsConfirmation

# checking in earlier than this before the start is asked about first (a test run, a wrong event)
EARLY_CHECK_IN = timedelta(days=1)


def publish_warning(*, starts_at: datetime, now: datetime) -> str | None:
    """Publishing an event that has already started."""
    if starts_at >= now:
        return None
    return _(
        "This event started in the past (%(when)s). Published, it is listed with the past "
        "events and takes no registrations. Publish it anyway?",
        when=format_datetime(starts_at),
    )


def held_warning(report: Mapping[str, Any]) -> str | None:
    """Marking an event held without a closing report."""
    if report.get("report_attendees") is not None or (report.get("report_summary") or "").strip():
        return None
    return _(
        "The closing report is empty: no number of attendees and no summary. "
        "Mark it held without a report (you can write it later)?"
    )


def unpublish_warning(*, registered: int) -> str | None:
    """Hiding (back to draft) an event that people registered for."""
    if not registered:
        return None
    return ngettext(
        "%(num)s person registered for this event. Hidden, it disappears from the public "
        "pages and their ticket says it was withdrawn. Hide it anyway?",
        "%(num)s people registered for this event. Hidden, it disappears from the public "
        "pages and their tickets say it was withdrawn. Hide it anyway?",
        registered,
    )


def check_in_warning(*, event: Event, now: datetime) -> str | None:
    """Checking someone in more than EARLY_CHECK_IN before the event starts."""
    if event.starts_at - EARLY_CHECK_IN <= now:
        return None
    return _(
        "This event starts on %(when)s, more than a day from now. Check this person in anyway?",
        when=format_datetime(event.starts_at),
    )


async def status_warning(
    *,
    session: AsyncSession,
    event: Event,
    status: EventStatus,
    report: Mapping[str, Any],
    now: datetime,
) -> str | None:
    """What to ask before the event's status changes from what it is to `status`."""
    if status == EventStatus.scheduled and event.status == EventStatus.draft:
        return publish_warning(starts_at=event.starts_at, now=now)
    if status == EventStatus.held:
        return held_warning(report)
    if status == EventStatus.draft and event.status == EventStatus.scheduled:
        counts = await attendance.counts(session=session, event_id=event.id or 0)
        return unpublish_warning(registered=counts.confirmed + counts.waitlisted)
    return None


def ask(warning: str | None) -> None:
    """Raises the warning for the page to ask about (nothing when there is none)."""
    if warning:
        raise NeedsConfirmation(warning, field="confirm")
