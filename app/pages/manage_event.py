"""The organizer's event page: the event, its candidates, what the services allow to be done
with it now, and the cards other areas fill (attendance, questions, commitments).

app/routers/manage_events.py serves it; every render of the page (after an error too) is
composed here, so it shows the same cards each time.
"""

from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.labels import label
from app.models import AgeGroup, Gender, SocialContract, User, utcnow
from app.pages import commitments as commitment_pages
from app.services import attendance, events, questions, scheduling
from app.services.access import can_write_for_organization
from app.services.events import EventListing


def invitation_context(
    item: EventListing, user: User, *, now: datetime | None = None, **extra: Any
) -> dict[str, Any]:
    """What the candidates card (and each of its rows, for htmx) shows and offers."""
    event = item.event
    can_write = can_write_for_organization(user, event.organization_id)
    return {
        "item": item,
        "event": event,
        "can_write": can_write,
        "public": events.is_visible(event),  # its public page (and screen) can be opened
        "invitation_choices": scheduling.invitation_choices(event, now or utcnow())
        if can_write
        else [],
        "errors": {},
        **extra,
    }


async def event_context(
    *, session: AsyncSession, item: EventListing, user: User, **extra: Any
) -> dict[str, Any]:
    """The whole page; the cards with personal data and moderation for its organizers only."""
    now = utcnow()
    context = invitation_context(item, user, now=now, **extra)
    event = item.event
    if context["can_write"]:
        context["editable"] = scheduling.editable(event)
        context["transitions"] = scheduling.allowed_transitions(event, now)
        context["attendance"] = await attendance_card(session=session, event_id=event.id or 0)
        context["question_summary"] = await questions.question_counts(
            session=session, actor=user, event=event
        )
        context["commitment_card"] = await commitment_pages.card_context(
            session=session, listing=item
        )
    context["contract_id"] = await contract_of(
        session=session, municipality_id=event.municipality_id, election_id=event.election_id
    )
    return context


async def contract_of(
    *, session: AsyncSession, municipality_id: int, election_id: int | None
) -> int | None:
    """The id of the municipality's social contract for the election, if there is one."""
    if election_id is None:
        return None
    found: int | None = await session.scalar(
        select(SocialContract.id).where(  # type: ignore[call-overload]
            col(SocialContract.municipality_id) == municipality_id,
            col(SocialContract.election_id) == election_id,
        )
    )
    return found


async def attendance_card(*, session: AsyncSession, event_id: int) -> dict[str, Any]:
    """The counts and who came, by gender and age group, with their labels."""
    figures = await attendance.attendance_figures(session=session, event_id=event_id)
    return {
        "counts": await attendance.counts(session=session, event_id=event_id),
        "figures": figures,
        "by_gender": _labelled(figures.by_gender, Gender),
        "by_age_group": _labelled(figures.by_age_group, AgeGroup),
    }


def _labelled(numbers: dict[str, int], enum: type[Enum]) -> list[tuple[str, int]]:
    """(label, number) in the enum's order, then those who did not say."""
    rows = [(label(m), numbers[m.value]) for m in enum if numbers.get(m.value)]
    if numbers.get("unknown"):
        rows.append((_("Not given"), numbers["unknown"]))
    return rows
