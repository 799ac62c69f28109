"""The audit log: one row for every write an organizer (or the CLI) makes."""

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.models import AuditEntry, User


def record(
    *,
    session: AsyncSession,
    user: User | None,
    action: str,
    entity_id: int | None,
    details: dict[str, Any] | None = None,
    actor: str | None = None,
) -> AuditEntry:
    """Adds an audit entry to the caller's transaction (it commits with the change it records).

    `action` is "<entity type>.<what happened>", e.g. "party.update": the entry's entity type is
    its first part.
    """
    entry = AuditEntry(
        user_id=user.id if user else None,
        actor=actor or (user.email if user else "system"),
        action=action,
        entity_type=action.partition(".")[0],
        entity_id=entity_id,
        details=json.dumps(details or {}, ensure_ascii=False, default=str, sort_keys=True),
    )
    session.add(entry)
    return entry


async def candidate_history(
    *, session: AsyncSession, candidate_id: int
) -> list[tuple[AuditEntry, str | None]]:
    """A candidate's audit entries, newest first, each with the name of who made it."""
    statement = (
        select(AuditEntry, User.name)  # type: ignore[call-overload]
        .outerjoin(User, col(User.id) == col(AuditEntry.user_id))
        .where(col(AuditEntry.entity_type) == "candidate")
        .where(col(AuditEntry.entity_id) == candidate_id)
        .order_by(col(AuditEntry.created_at).desc(), col(AuditEntry.id).desc())
    )
    return [(entry, name) for entry, name in (await session.execute(statement)).all()]
