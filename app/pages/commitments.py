"""The organizer's commitment pieces: the "Record a commitment" box of the moderation page and
the Commitments card of the organizer's event page.

app/routers/moderation.py renders the box (the page, and the box alone for htmx);
app/pages/manage_event.py adds the card to the event page.
"""

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from app import i18n
from app.models import EventStatus, InvitationStatus, utcnow
from app.services import commitments, questions, topics
from app.services.events import EventListing

RECENT = 5  # the commitments just recorded, listed under the box


def recording_open(listing: EventListing, now: datetime | None = None) -> bool:
    """Commitments are recorded once the event has started (and not at a cancelled one)."""
    event = listing.event
    return event.status != EventStatus.cancelled and event.starts_at <= (now or utcnow())


async def box_context(
    *,
    session: AsyncSession,
    listing: EventListing,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    saved: int | None = None,
) -> dict[str, Any]:
    """The box: who may be credited, the questions it may answer (the one on screen first
    chosen), the topics, what was typed and its errors, and the commitments just recorded."""
    event_id = listing.event.id or 0
    locale = i18n.get_locale()
    current = await questions.on_screen(session=session, event_id=event_id)
    published = await questions.public_questions(session=session, event_id=event_id, sort="newest")
    if values is None:  # a fresh form: the question on screen, and its topic
        values = {
            "question_id": current.question.id if current else None,
            "topic_id": current.question.topic_id if current else None,
        }
    made = await commitments.for_event(session=session, event_id=event_id, public=False)
    recent = sorted(made, key=lambda v: (v.commitment.created_at, v.commitment.id or 0))
    return {
        "box_event": listing.event,
        "box_open": recording_open(listing),
        "box_candidates": [c for c in listing.candidates if c.status != InvitationStatus.declined],
        "box_questions": published,
        "box_on_screen_id": current.question.id if current else None,
        "box_topics": [
            (t.id, topics.topic_name(t, locale)) for t in await topics.list_topics(session=session)
        ],
        "box_values": values,
        "box_errors": errors or {},
        "box_recent": list(reversed(recent))[:RECENT],
        "box_count": len(made),
        "box_saved": saved,
    }


async def card_context(*, session: AsyncSession, listing: EventListing) -> dict[str, Any]:
    """The event page's Commitments card: every commitment made there, per candidate."""
    made = await commitments.for_event(
        session=session, event_id=listing.event.id or 0, public=False
    )
    return {
        "groups": commitments.by_candidate(made),
        "count": len(made),
        "open": recording_open(listing),
    }
