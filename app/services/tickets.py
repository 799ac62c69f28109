"""What a ticket is made of: the short code read at the door, the private link's token, and
what is stored of an idempotency key and of the request it came with."""

import hashlib
import hmac
import json
import re
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import Registration
from app.models.attendance import RegistrationCreate
from app.security import hash_token
from app.services.errors import Conflict

# no 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read aloud at the door or typed on a phone is not misread
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
# an idempotency key (the form's hidden one-time key, the API's Idempotency-Key header): long
# and random enough that nobody guesses another's
KEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def new_code() -> str:
    """A short code like K7M-4QX (about 30 bits; unique per event, checked on insert)."""
    letters = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    return f"{letters[:3]}-{letters[3:]}"


def normalize_code(code: str) -> str:
    """What a person typed, as stored: upper case, the dash where it belongs."""
    letters = "".join(ch for ch in code.upper() if ch.isalnum())
    return f"{letters[:3]}-{letters[3:]}" if len(letters) == 6 else letters


async def add_with_code(session: AsyncSession, registration: Registration) -> Registration:
    """Adds the registration with a fresh code, drawing again on the rare collision."""
    for _attempt in range(10):
        registration.code = new_code()
        try:
            async with session.begin_nested():
                session.add(registration)
                await session.flush()
            return registration
        except IntegrityError:
            continue  # the savepoint's rollback took the half-added row out of the session
    raise Conflict(_("Could not draw a free code. Please try again."))


def _keyed_hash(secret: str, *parts: object) -> str:
    message = "|".join(str(part) for part in parts).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def ticket_token(*, secret: str, event_id: int, idempotency_key: str) -> str:
    """The private link's token, derived from the client's idempotency key: a retried submission
    gets the same ticket back; nobody without both the key and the server's secret can compute
    it, and only keyed hashes of the key are stored."""
    return _keyed_hash(secret, "ticket", event_id, idempotency_key)


def key_hash(*, secret: str, event_id: int, idempotency_key: str) -> str:
    """What is stored of an idempotency key (another purpose than the ticket's, so the stored
    hash is not the token)."""
    return _keyed_hash(secret, "idempotency-key", event_id, idempotency_key)


def request_fingerprint(*, secret: str, event_id: int, data: RegistrationCreate) -> str:
    """A keyed hash of what was asked, as validated: a retry must send the same."""
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return _keyed_hash(secret, "registration", event_id, canonical)


async def registration_by_token(*, session: AsyncSession, token: str) -> Registration | None:
    """The registration a private ticket link opens, or None."""
    if not token or len(token) > 200:
        return None
    return await session.scalar(
        select(Registration).where(col(Registration.token_hash) == hash_token(token))
    )
