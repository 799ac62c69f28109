"""Candidate portal links: issue (a year after the election by default), revoke, look up by token.

Who issues a link: an admin, or an organizer whose organization invited the candidate to one of
its events or whose municipality is the candidate's (the organization that adds them). Only the
token's hash is kept; issuing a new link revokes the old one.

A token is an HMAC of the link's id under the SECRET_KEY: the database alone never yields one,
while the server can put a candidate's live link in an e-mail (an invitation, a commitment to
answer) long after it was issued (`live_token`). Links issued before that (random tokens) keep
working; their token cannot be recomputed, so messages then say to use the link on the card.
"""

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    Candidate,
    CandidatePortalLink,
    Election,
    Event,
    EventCandidate,
    Organization,
    User,
    utcnow,
)
from app.models.base import DEFAULT_TIMEZONE
from app.security import hash_token, new_token
from app.services import audit
from app.services.access import is_admin
from app.services.errors import InvalidInput, NotAllowed, NotFound
from app.services.outbox import settings_of

LONGEST_LINK = timedelta(days=5 * 366)


@dataclass(frozen=True)
class IssuedLink:
    """A new link with its token: the only time the token is known."""

    link: CandidatePortalLink
    token: str


def _one_year_after(day: date) -> date:
    if (day.month, day.day) == (2, 29):
        return day + timedelta(days=365)
    return day.replace(year=day.year + 1)


def default_expiry(candidate_election_day: date, *, now: datetime) -> datetime:
    """Midnight (Tirana) one year after the election; once that has passed, a year from now."""
    day = _one_year_after(candidate_election_day)
    expiry = datetime.combine(day, time(0), tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
    return expiry if expiry > now else now + timedelta(days=365)


async def may_issue_links(*, session: AsyncSession, actor: User, candidate: Candidate) -> bool:
    """The rule of this module's docstring."""
    if is_admin(actor):
        return True
    if actor.organization_id is None:
        return False
    organization = await session.get(Organization, actor.organization_id)
    if organization is not None and organization.municipality_id == candidate.municipality_id:
        return True
    invited = await session.scalar(
        select(
            exists().where(
                col(EventCandidate.candidate_id) == candidate.id,
                col(EventCandidate.event_id) == col(Event.id),
                col(Event.organization_id) == actor.organization_id,
            )
        )
    )
    return bool(invited)


async def _candidate_for_issuer(session: AsyncSession, actor: User, candidate_id: int) -> Candidate:
    candidate = await session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("No such candidate."))
    if not await may_issue_links(session=session, actor=actor, candidate=candidate):
        raise NotAllowed(
            _(
                "Only an organization that invited this candidate, or works in their "
                "municipality, may give them a portal link."
            )
        )
    return candidate


async def _revoke_live(session: AsyncSession, candidate_id: int, now: datetime) -> int:
    result = await session.execute(
        update(CandidatePortalLink)
        .where(
            col(CandidatePortalLink.candidate_id) == candidate_id,
            col(CandidatePortalLink.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def issue_link(
    *,
    session: AsyncSession,
    actor: User,
    candidate_id: int,
    expires_at: datetime | None = None,
    now: datetime | None = None,
) -> IssuedLink:
    """A new link for the candidate; the old one (if any) stops working at once."""
    now = now or utcnow()
    candidate = await _candidate_for_issuer(session, actor, candidate_id)
    if expires_at is None:
        election_day = await _election_day(session, candidate)
        expires_at = default_expiry(election_day, now=now)
    elif expires_at <= now:
        raise InvalidInput({"expires_at": _("Choose a date in the future.")})
    elif expires_at > now + LONGEST_LINK:
        raise InvalidInput({"expires_at": _("A link may last at most five years.")})
    revoked = await _revoke_live(session, candidate_id, now)
    link = CandidatePortalLink(
        candidate_id=candidate_id,
        token_hash=hash_token(new_token()),  # a placeholder until the id is known
        issued_by_id=actor.id,
        created_at=now,
        expires_at=expires_at,
    )
    session.add(link)
    await session.flush()
    assert link.id is not None
    token = derived_token(secret=settings_of(session).secret_key, link_id=link.id)
    link.token_hash = hash_token(token)
    await session.flush()
    audit.record(
        session=session,
        user=actor,
        action="portal_link.issue",
        entity_id=link.id,
        details={"candidate_id": candidate_id, "expires_at": expires_at, "replaced": revoked},
    )
    return IssuedLink(link=link, token=token)


def derived_token(*, secret: str, link_id: int) -> str:
    """256 bits, URL-safe, as random to anyone without the SECRET_KEY."""
    digest = hmac.new(secret.encode(), f"portal-link|{link_id}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")


async def live_token(
    *, session: AsyncSession, candidate_id: int, now: datetime | None = None
) -> str | None:
    """The token of the candidate's live link, when it can be recomputed; else None."""
    link = await live_link(session=session, candidate_id=candidate_id, now=now)
    if link is None or link.id is None:
        return None
    token = derived_token(secret=settings_of(session).secret_key, link_id=link.id)
    return token if hmac.compare_digest(hash_token(token), link.token_hash) else None


async def _election_day(session: AsyncSession, candidate: Candidate) -> date:
    election = await session.get(Election, candidate.election_id)
    assert election is not None  # foreign key
    return election.election_date


async def revoke_link(
    *, session: AsyncSession, actor: User, candidate_id: int, now: datetime | None = None
) -> int:
    """Stops the candidate's link at once (nothing to stop is not an error); how many stopped."""
    now = now or utcnow()
    await _candidate_for_issuer(session, actor, candidate_id)
    revoked = await _revoke_live(session, candidate_id, now)
    if revoked:
        audit.record(
            session=session,
            user=actor,
            action="portal_link.revoke",
            entity_id=None,
            details={"candidate_id": candidate_id},
        )
    return revoked


async def live_link(
    *, session: AsyncSession, candidate_id: int, now: datetime | None = None
) -> CandidatePortalLink | None:
    """The candidate's working link (its hash, dates), for the organizer's page."""
    now = now or utcnow()
    return await session.scalar(
        select(CandidatePortalLink)
        .where(
            col(CandidatePortalLink.candidate_id) == candidate_id,
            col(CandidatePortalLink.revoked_at).is_(None),
            col(CandidatePortalLink.expires_at) > now,
        )
        .order_by(col(CandidatePortalLink.created_at).desc())
        .limit(1)
    )


async def candidate_by_token(
    *, session: AsyncSession, token: str, now: datetime | None = None
) -> Candidate | None:
    """The candidate a live link opens; a wrong, revoked or expired token alike gives None."""
    if not token or len(token) > 200:
        return None
    now = now or utcnow()
    return await session.scalar(
        select(Candidate)
        .join(CandidatePortalLink, col(CandidatePortalLink.candidate_id) == col(Candidate.id))
        .where(
            col(CandidatePortalLink.token_hash) == hash_token(token),
            col(CandidatePortalLink.revoked_at).is_(None),
            col(CandidatePortalLink.expires_at) > now,
        )
    )
