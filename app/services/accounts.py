"""Organizer accounts: creating them, signing in and out, and personal API tokens."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.models import ApiToken, Organization, Role, User, UserSession, utcnow
from app.security import hash_password, hash_token, new_token, verify_password
from app.services import audit

API_TOKEN_PREFIX = "pf_"  # noqa: S105 (a prefix, not a secret)
MIN_PASSWORD_LENGTH = 10
# how stale an API token's last_used_at may get: a busy client does not write on every request
LAST_USED_EVERY = timedelta(minutes=1)


class AccountError(ValueError):
    """An account could not be created as asked; `field` names the input at fault."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def normalize_email(email: str) -> str:
    return email.strip().lower()


async def create_user(
    *,
    session: AsyncSession,
    email: str,
    name: str,
    password: str,
    role: Role,
    organization_slug: str | None = None,
    actor: str = "cli",
) -> User:
    """Creates an admin or an organizer (who must belong to an organization)."""
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError("email", "not a valid e-mail address")
    if not name.strip():
        raise AccountError("name", "a name is required")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password", f"at least {MIN_PASSWORD_LENGTH} characters")
    organization_id = None
    if organization_slug:
        organization = await session.scalar(
            select(Organization).where(col(Organization.slug) == organization_slug)
        )
        if organization is None:
            raise AccountError("organization", f"no organization '{organization_slug}'")
        organization_id = organization.id
    elif role == Role.organizer:
        raise AccountError("organization", "an organizer belongs to an organization")
    existing = await session.scalar(select(func.count()).where(col(User.email) == email))
    if existing:
        raise AccountError("email", f"a user with e-mail {email} exists already")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=role,
        organization_id=organization_id,
    )
    session.add(user)
    await session.flush()
    audit.record(
        session=session,
        user=None,
        actor=actor,
        action="user.create",
        entity_id=user.id,
        details={"email": email, "role": role.value},
    )
    return user


async def user_by_email(*, session: AsyncSession, email: str) -> User | None:
    statement = select(User).where(col(User.email) == normalize_email(email))
    return (await session.execute(statement)).scalar_one_or_none()


async def authenticate(*, session: AsyncSession, email: str, password: str) -> User | None:
    """The active user with that e-mail and password, or None (in the same time either way)."""
    user = await user_by_email(session=session, email=email)
    if not verify_password(password, user.password_hash if user else None):
        return None
    if user is None or not user.is_active:
        return None
    return user


async def start_session(*, session: AsyncSession, user: User, days: int) -> str:
    """Opens a server-side session; returns the cookie value (only its hash is stored)."""
    token = new_token()
    now = utcnow()
    session.add(
        UserSession(
            token_hash=hash_token(token),
            user_id=user.id,  # type: ignore[arg-type]
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
    )
    await session.execute(delete(UserSession).where(col(UserSession.expires_at) < now))
    return token


async def user_for_session(*, session: AsyncSession, token: str) -> User | None:
    statement = (
        select(User)
        .join(UserSession, col(UserSession.user_id) == col(User.id))
        .where(
            col(UserSession.token_hash) == hash_token(token),
            col(UserSession.expires_at) > utcnow(),
            col(User.is_active).is_(True),
        )
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def end_session(*, session: AsyncSession, token: str) -> None:
    """Signs the browser out for good: the session row is gone, the cookie is worthless."""
    await session.execute(
        delete(UserSession).where(col(UserSession.token_hash) == hash_token(token))
    )


@dataclass
class IssuedToken:
    token: ApiToken
    secret: str


async def create_api_token(*, session: AsyncSession, user: User, name: str) -> IssuedToken:
    """A new personal API token; the secret is shown once and only its hash is kept."""
    secret = new_token(API_TOKEN_PREFIX)
    token = ApiToken(
        user_id=user.id,  # type: ignore[arg-type]
        name=name.strip()[:100] or "API",
        token_hash=hash_token(secret),
    )
    session.add(token)
    await session.flush()
    audit.record(
        session=session,
        user=user,
        action="api_token.create",
        entity_id=token.id,
        details={"name": token.name},
    )
    return IssuedToken(token=token, secret=secret)


@dataclass(frozen=True)
class TokenHolder:
    """Who a valid API token speaks for, and the token itself."""

    user: User
    token: ApiToken

    def use_is_due(self, now: datetime | None = None) -> bool:
        """True when last_used_at should be written (never set, or a minute old)."""
        last = self.token.last_used_at
        return last is None or (now or utcnow()) - last >= LAST_USED_EVERY


async def holder_of_api_token(*, session: AsyncSession, secret: str) -> TokenHolder | None:
    """The active user of a token that is not revoked, with the token; else None."""
    statement = (
        select(User, ApiToken)
        .join(ApiToken, col(ApiToken.user_id) == col(User.id))
        .where(
            col(ApiToken.token_hash) == hash_token(secret),
            col(ApiToken.revoked_at).is_(None),
            col(User.is_active).is_(True),
        )
    )
    row = (await session.execute(statement)).one_or_none()
    return TokenHolder(user=row[0], token=row[1]) if row else None


async def record_api_token_use(
    *, session: AsyncSession, token_id: int, now: datetime | None = None
) -> bool:
    """Sets the token's last_used_at, unless another request did less than a minute ago (the
    condition is in the UPDATE, so concurrent requests write once). True if it wrote."""
    now = now or utcnow()
    result = await session.execute(
        update(ApiToken)
        .where(
            col(ApiToken.id) == token_id,
            or_(
                col(ApiToken.last_used_at).is_(None),
                col(ApiToken.last_used_at) <= now - LAST_USED_EVERY,
            ),
        )
        .values(last_used_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def list_api_tokens(*, session: AsyncSession, user: User) -> list[ApiToken]:
    statement = (
        select(ApiToken)
        .where(col(ApiToken.user_id) == user.id)
        .order_by(col(ApiToken.created_at).desc())
    )
    return list((await session.execute(statement)).scalars())


async def revoke_api_token(
    *, session: AsyncSession, user: User | None, token_id: int
) -> ApiToken | None:
    """Revokes one of the user's own tokens (an admin may revoke anyone's, and so may the
    operator at the command line, `user=None`)."""
    token = await session.get(ApiToken, token_id)
    if token is None:
        return None
    if user is not None and token.user_id != user.id and user.role != Role.admin:
        return None
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(
            session=session,
            user=user,
            actor=None if user else "cli",
            action="api_token.revoke",
            entity_id=token.id,
        )
    return token
