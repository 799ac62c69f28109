"""The transactional outbox: every e-mail is a row written with the change that causes it, and
sent afterwards by app/services/mail_sender.py; the addresses that asked for no more."""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import UTCDateTime, enum_type, utcnow


class OutboxStatus(enum.StrEnum):
    pending = "pending"  # waits for its turn (next_attempt_at), or for an SMTP server to be set
    sending = "sending"  # claimed by a sender until claimed_until; after that, claimed again
    sent = "sent"
    failed = "failed"  # gave up after the last attempt: shown to admins, who may retry


class OutboxMessage(SQLModel, table=True):
    """One e-mail to one address, rendered when it was enqueued, in the recipient's language.

    `attachments` is a list of {"filename", "content_type", "content"} (text, e.g. an .ics).
    `message_id` is the Message-ID header, the same on every attempt, so that a message sent twice
    after a crash is recognisable as one. `dedupe_key` (unique) makes a message that must go out
    once per something (the reminder per registration) impossible to enqueue twice.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (
        sa.Index("ix_outbox_message_status_next_attempt_at", "status", "next_attempt_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=40)
    recipient: str = Field(max_length=254)
    language: str = Field(max_length=8)
    subject: str = Field(max_length=300)
    text_body: str = Field(sa_type=sa.Text)
    html_body: str = Field(sa_type=sa.Text)
    attachments: list[dict[str, Any]] = Field(default_factory=list, sa_type=sa.JSON)
    unsubscribe_scope: str | None = Field(default=None, max_length=40)
    event_id: int | None = Field(default=None, index=True)
    registration_id: int | None = Field(default=None)
    candidate_id: int | None = Field(default=None)
    message_id: str = Field(max_length=200, unique=True)
    dedupe_key: str | None = Field(default=None, max_length=200, unique=True)
    status: OutboxStatus = Field(
        default=OutboxStatus.pending, sa_type=enum_type(OutboxStatus, "outbox_status")
    )
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=sa.Text)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    claimed_by: str | None = Field(default=None, max_length=100)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class MailUnsubscribe(SQLModel, table=True):
    """An address (a keyed hash of it, never the address) that asked for no more e-mail of a
    scope ("all": any)."""

    __tablename__ = "mail_unsubscribe"
    __table_args__ = (sa.UniqueConstraint("address_hash", "scope"),)
    id: int | None = Field(default=None, primary_key=True)
    address_hash: str = Field(max_length=64)
    scope: str = Field(max_length=40)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
