"""The outbox: e-mails enqueued in the transaction of the change that causes them.

A message is rendered when it is enqueued (app/templates/mail/<template>.txt and .html, the
subject in the text template's `subject` block), in the recipient's language, with absolute
links; app/services/mail_sender.py sends it afterwards. Only addresses given for the purpose are
written to (a registration's e-mail, a candidate's contact when it is an e-mail, the organizers'
accounts), never one that unsubscribed. What each change sends: app/services/notices.py.
"""

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from jinja2_fragments import render_block
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app import i18n
from app.config import LOCALES, Settings, get_settings
from app.models import MailUnsubscribe, OutboxMessage, utcnow

EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
ALL = "all"


def settings_of(session: AsyncSession) -> Settings:
    """The app's settings, carried by every session app/db.py makes."""
    settings = session.info.get("settings")
    return settings if isinstance(settings, Settings) else get_settings()


def email_in(text: str | None) -> str | None:
    """The e-mail address in a contact field ("+355 …, name@example.al"), or None."""
    match = EMAIL.search(text or "")
    return match.group(0) if match else None


def valid_address(address: str | None) -> bool:
    return bool(address) and EMAIL.fullmatch(address or "") is not None


def address_hash(*, secret: str, address: str) -> str:
    """What is kept of an address that unsubscribed: a keyed hash of it, lower-cased."""
    message = f"mail-address|{address.strip().lower()}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def unsubscribe_token(*, secret: str, address: str, scope: str = ALL) -> str:
    """A signed token naming the address and the scope (the address is readable: it is the
    recipient's own, in their own mailbox)."""
    payload = base64.urlsafe_b64encode(f"{scope}|{address}".encode()).decode().rstrip("=")
    return f"{payload}.{_signature(secret, payload)}"


def _signature(secret: str, payload: str) -> str:
    digest = hmac.new(secret.encode(), f"unsubscribe|{payload}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()[:18]).decode()


def read_unsubscribe_token(*, secret: str, token: str) -> tuple[str, str] | None:
    """(address, scope) of a genuine token, else None."""
    payload, _dot, signature = token.partition(".")
    if (
        not payload
        or len(token) > 800
        or not hmac.compare_digest(signature, _signature(secret, payload))
    ):
        return None
    try:
        scope, _bar, address = (
            base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode().partition("|")
        )
    except (ValueError, UnicodeDecodeError):
        return None
    return (address, scope) if valid_address(address) else None


async def unsubscribed(*, session: AsyncSession, address: str, scope: str = ALL) -> bool:
    hashed = address_hash(secret=settings_of(session).secret_key, address=address)
    return bool(
        await session.scalar(
            select(
                exists().where(
                    col(MailUnsubscribe.address_hash) == hashed,
                    col(MailUnsubscribe.scope).in_({scope, ALL}),
                )
            )
        )
    )


async def unsubscribe(*, session: AsyncSession, address: str, scope: str = ALL) -> None:
    """Records that the address wants no more e-mail (again: nothing changes)."""
    if await unsubscribed(session=session, address=address, scope=scope):
        return
    hashed = address_hash(secret=settings_of(session).secret_key, address=address)
    try:
        async with session.begin_nested():
            session.add(MailUnsubscribe(address_hash=hashed, scope=scope))
            await session.flush()
    except IntegrityError:
        pass  # a second click at the same moment


@contextmanager
def language(locale: str) -> Iterator[None]:
    """Renders in the recipient's language, then back to the request's."""
    before = i18n.get_locale()
    i18n.set_locale(locale)
    try:
        yield
    finally:
        i18n.set_locale(before)


def _message_id(base_url: str) -> str:
    return f"<{secrets.token_hex(16)}@{urlsplit(base_url).hostname or 'localhost'}>"


def render(template: str, context: dict[str, Any]) -> tuple[str, str, str]:
    """(subject, text, html) of a mail template, in the current language."""
    from app.templating import environment

    subject = render_block(environment, f"mail/{template}.txt", "subject", **context)
    text = environment.get_template(f"mail/{template}.txt").render(**context)
    html = environment.get_template(f"mail/{template}.html").render(**context)
    return " ".join(subject.split()), text.strip() + "\n", html


async def enqueue(
    *,
    session: AsyncSession,
    kind: str,
    recipient: str | None,
    locale: str | None,
    template: str,
    context: dict[str, Any],
    attachments: Sequence[dict[str, Any]] = (),
    scope: str = ALL,
    event_id: int | None = None,
    registration_id: int | None = None,
    candidate_id: int | None = None,
    dedupe_key: str | None = None,
    now: datetime | None = None,
) -> OutboxMessage | None:
    """Adds a message to the outbox, in the caller's transaction; None when the address is not
    one, unsubscribed, or (with a dedupe key) already has this message."""
    if recipient is None or not valid_address(recipient):
        return None
    if await unsubscribed(session=session, address=recipient, scope=scope):
        return None
    if dedupe_key is not None and await session.scalar(
        select(exists().where(col(OutboxMessage.dedupe_key) == dedupe_key))
    ):
        return None
    settings = settings_of(session)
    locale = locale if locale in LOCALES else settings.default_locale
    token = unsubscribe_token(secret=settings.secret_key, address=recipient, scope=scope)
    full = {
        **context,
        "base_url": settings.base_url,
        "locale": locale,
        "unsubscribe_url": f"{settings.base_url}/unsubscribe/{token}",
    }
    with language(locale):
        subject, text, html = render(template, full)
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        language=locale,
        subject=subject[:300],
        text_body=text,
        html_body=html,
        attachments=list(attachments),
        unsubscribe_scope=scope,
        event_id=event_id,
        registration_id=registration_id,
        candidate_id=candidate_id,
        message_id=_message_id(settings.base_url),
        dedupe_key=dedupe_key,
        next_attempt_at=now or utcnow(),
        created_at=now or utcnow(),
    )
    if dedupe_key is None:
        session.add(message)
        await session.flush()
        return message
    try:
        async with session.begin_nested():
            session.add(message)
            await session.flush()
    except IntegrityError:
        return None  # another transaction enqueued it first
    return message
