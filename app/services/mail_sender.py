"""The sender: claims due outbox messages, hands them to the SMTP server, marks them sent.

Claims make sure that one message is sent by one sender at a time, however many run (each
worker of `serve`, a cron's `pop-forums send-mail`): on PostgreSQL `SELECT … FOR UPDATE SKIP
LOCKED` then `sending` with a claim expiry; on SQLite the same statements run under the write
lock (BEGIN IMMEDIATE, app/db.py). A sender that dies between the send and the mark leaves the
message `sending`; once its claim expires another pass sends it again, with the same Message-ID,
so a duplicate is recognisable. Each claim counts as an attempt: a message that keeps failing (or
keeps killing its sender) is `failed` after MAIL_MAX_ATTEMPTS, for an admin to look at.
"""

import asyncio
import logging
import os
import secrets
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import or_, select, update
from sqlmodel import col

from app import mailer
from app.db import Database
from app.models import OutboxMessage, OutboxStatus, utcnow
from app.services import notices, outbox

logger = logging.getLogger("pop_forums.mail")

BATCH = 10
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=6)
Transport = Callable[[EmailMessage], Awaitable[None]]


def worker_name() -> str:
    """Who holds a claim: this machine and process, and a random part for each sender."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(3)}"


def backoff(attempts: int) -> timedelta:
    """30 s after the first failure, doubling, at most 6 hours."""
    return min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY)


def claim_duration(batch: int) -> timedelta:
    """Long enough to send the whole batch, each message within the SMTP timeout."""
    return timedelta(seconds=batch * (mailer.TIMEOUT_SECONDS + 5))


@dataclass
class PassResult:
    reminders: int = 0
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def describe(self) -> str:
        return (
            f"{len(self.sent)} sent, {len(self.retried)} to retry, {len(self.failed)} failed, "
            f"{self.reminders} reminders enqueued"
        )


def _due(now: datetime) -> object:
    return or_(
        (col(OutboxMessage.status) == OutboxStatus.pending)
        & (col(OutboxMessage.next_attempt_at) <= now),
        (col(OutboxMessage.status) == OutboxStatus.sending)
        & (col(OutboxMessage.claimed_until) < now),
    )


async def claim(
    db: Database,
    *,
    worker: str,
    batch: int = BATCH,
    now: datetime | None = None,
    duration: timedelta | None = None,
) -> list[OutboxMessage]:
    """Claims up to `batch` due messages (new ones, and those whose sender's claim expired)."""
    now = now or utcnow()
    until = now + (duration or claim_duration(batch))
    max_attempts = db.settings.mail_max_attempts
    async with db.write() as session:
        rows = list(
            (
                await session.execute(
                    select(OutboxMessage)
                    .where(_due(now))  # type: ignore[arg-type]
                    .order_by(col(OutboxMessage.next_attempt_at), col(OutboxMessage.id))
                    .limit(batch)
                    .with_for_update(skip_locked=True)
                )
            ).scalars()
        )
        claimed = []
        for message in rows:
            if message.attempts >= max_attempts:  # its sender died on each of its attempts
                message.status = OutboxStatus.failed
                message.last_error = message.last_error or "the sender stopped while sending"
                message.claimed_until = message.claimed_by = None
                continue
            message.status = OutboxStatus.sending
            message.attempts += 1
            message.claimed_by = worker
            message.claimed_until = until
            claimed.append(message)
        await session.commit()
    return claimed


def headers_of(message: OutboxMessage, *, secret: str, base_url: str) -> dict[str, str]:
    """List-Unsubscribe (one click, RFC 8058) with the recipient's signed link."""
    token = outbox.unsubscribe_token(
        secret=secret, address=message.recipient, scope=message.unsubscribe_scope or outbox.ALL
    )
    return {
        "List-Unsubscribe": f"<{base_url}/unsubscribe/{token}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Content-Language": message.language,
    }


def email_of(message: OutboxMessage, *, sender: str, secret: str, base_url: str) -> EmailMessage:
    return mailer.build_message(
        sender=sender,
        recipient=message.recipient,
        subject=message.subject,
        text=message.text_body,
        html=message.html_body,
        message_id=message.message_id,
        attachments=message.attachments,
        headers=headers_of(message, secret=secret, base_url=base_url),
    )


async def mark_sent(db: Database, message_id: int, *, worker: str) -> None:
    async with db.write() as session:
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message_id, col(OutboxMessage.claimed_by) == worker)
            .values(status=OutboxStatus.sent, sent_at=utcnow(), claimed_until=None, last_error=None)
        )
        await session.commit()


async def mark_failed(
    db: Database, message: OutboxMessage, error: BaseException, *, worker: str
) -> bool:
    """Another try later (True), or failed for good after the last attempt (False)."""
    last = message.attempts >= db.settings.mail_max_attempts
    text = f"{type(error).__name__}: {error}"[:2000]
    async with db.write() as session:
        await session.execute(
            update(OutboxMessage)
            .where(col(OutboxMessage.id) == message.id, col(OutboxMessage.claimed_by) == worker)
            .values(
                status=OutboxStatus.failed if last else OutboxStatus.pending,
                next_attempt_at=utcnow() + backoff(message.attempts),
                last_error=text,
                claimed_until=None,
            )
        )
        await session.commit()
    return not last


async def enqueue_reminders(db: Database, *, now: datetime | None = None) -> int:
    async with db.write() as session:
        count = await notices.reminders(session=session, now=now)
        await session.commit()
    return count


def smtp_transport(url: str) -> Transport:
    server = mailer.SmtpServer.from_url(url)

    async def send(message: EmailMessage) -> None:
        await mailer.send(server, message)

    return send


async def send_pass(
    db: Database,
    *,
    worker: str | None = None,
    transport: Transport | None = None,
    batch: int = BATCH,
    now: datetime | None = None,
) -> PassResult:
    """One pass: the reminders now due are enqueued, then due messages are claimed and sent.
    Without an SMTP server (SMTP_URL empty) nothing is claimed: the messages wait, kept."""
    settings = db.settings
    result = PassResult(reminders=await enqueue_reminders(db, now=now))
    if transport is None:
        if not settings.smtp_url:
            return result
        transport = smtp_transport(settings.smtp_url)
    worker = worker or worker_name()
    for message in await claim(db, worker=worker, batch=batch, now=now):
        assert message.id is not None
        email = email_of(
            message,
            sender=settings.mail_from,
            secret=settings.secret_key,
            base_url=settings.base_url,
        )
        try:
            await transport(email)
        except Exception as error:  # any failure of the server or the network: retried later
            logger.warning("message %s not sent: %s", message.id, error)
            retry = await mark_failed(db, message, error, worker=worker)
            (result.retried if retry else result.failed).append(message.id)
            continue
        await mark_sent(db, message.id, worker=worker)
        result.sent.append(message.id)
    return result


async def run_forever(db: Database, *, interval: float) -> None:
    """The background sender of one `serve` worker: a pass every `interval` seconds."""
    worker = worker_name()
    while True:
        try:
            await send_pass(db, worker=worker)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("the mail sender's pass failed; trying again later")
        await asyncio.sleep(interval)
