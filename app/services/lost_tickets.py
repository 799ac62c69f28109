"""A lost ticket link, sent again: to the address given at registration only.

The raw link of a ticket is known only when it is made (only its hash is kept), so the ticket
gets a new link, sent to that address; the old link stops opening it. The code read at the door
stays. Whoever asks learns nothing: the answer is the same whether the address is registered.
"""

import secrets

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.models import Registration, RegistrationStatus
from app.security import hash_token
from app.services import notices, outbox


def normalized(address: str) -> str:
    return address.strip().lower()


async def send_ticket_links(*, session: AsyncSession, event_id: int, address: str) -> int:
    """Renews the links of the address's live registrations for the event and enqueues one
    message with them; how many tickets (0: nothing sent, which the caller does not say)."""
    if not outbox.valid_address(address.strip()):
        return 0
    rows = await session.execute(
        select(Registration)
        .where(
            col(Registration.event_id) == event_id,
            func.lower(col(Registration.email)) == normalized(address),
            col(Registration.status).in_(
                (RegistrationStatus.confirmed, RegistrationStatus.waitlisted)
            ),
        )
        .order_by(col(Registration.created_at), col(Registration.id))
        .with_for_update()
    )
    found = list(rows.scalars())
    if not found or await outbox.unsubscribed(session=session, address=found[0].email or ""):
        return 0
    entries = []
    for registration in found:
        token = secrets.token_hex(32)
        registration.token_hash = hash_token(token)
        entries.append({"registration": registration, "url": notices.ticket_url(session, token)})
    await session.flush()
    first = found[0]
    context, _ics = await notices.event_context(session, event_id)
    await outbox.enqueue(
        session=session,
        kind="ticket_links",
        recipient=first.email,
        locale=first.language,
        template="ticket_links",
        context={**context, "tickets": entries},
        event_id=event_id,
        registration_id=first.id,
    )
    return len(found)
