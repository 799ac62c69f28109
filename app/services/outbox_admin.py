"""What admins see of the outbox (/manage/outbox): the messages with their text, how each
stands, and a retry for those that failed."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import OutboxMessage, OutboxStatus, User, utcnow
from app.services import audit
from app.services.access import require_admin
from app.services.errors import Conflict, NotFound

PAGE = 100


@dataclass(frozen=True)
class OutboxView:
    messages: list[OutboxMessage]
    counts: dict[str, int]
    status: OutboxStatus | None


async def overview(
    *, session: AsyncSession, actor: User, status: OutboxStatus | None = None
) -> OutboxView:
    """The newest messages (failed first), of one status or all, and how many of each."""
    require_admin(actor)
    rows = await session.execute(
        select(col(OutboxMessage.status), func.count()).group_by(col(OutboxMessage.status))
    )
    counts = {str(getattr(s, "value", s)): int(n) for s, n in rows.all()}
    statement = (
        select(OutboxMessage)
        .order_by(
            (col(OutboxMessage.status) == OutboxStatus.failed).desc(),
            col(OutboxMessage.created_at).desc(),
            col(OutboxMessage.id).desc(),
        )
        .limit(PAGE)
    )
    if status is not None:
        statement = statement.where(col(OutboxMessage.status) == status)
    messages = list((await session.execute(statement)).scalars())
    return OutboxView(messages=messages, counts=counts, status=status)


async def retry(*, session: AsyncSession, actor: User, message_id: int) -> OutboxMessage:
    """A failed message goes back in line with all its attempts ahead of it."""
    require_admin(actor)
    message = await session.scalar(
        select(OutboxMessage).where(col(OutboxMessage.id) == message_id).with_for_update()
    )
    if message is None:
        raise NotFound(_("No such message."))
    if message.status != OutboxStatus.failed:
        raise Conflict(_("Only a message that failed can be sent again."))
    message.status = OutboxStatus.pending
    message.attempts = 0
    message.next_attempt_at = utcnow()
    message.claimed_by = message.claimed_until = None
    audit.record(session=session, user=actor, action="outbox.retry", entity_id=message.id)
    return message
