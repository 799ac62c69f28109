"""Reading public events: the filtered, paginated list, one event, feeds and filter choices.

Only public statuses (scheduled, held, cancelled) ever leave `list_public_events` and
`feed_events`; `get_event` returns any status and the caller decides what may be shown.
Every function runs a fixed number of statements, whatever the number of events.
"""

import hashlib
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlmodel import col

from app.i18n import gettext as _
from app.models import (
    Candidate,
    Election,
    Event,
    EventCandidate,
    EventKind,
    EventStatus,
    InvitationStatus,
    Municipality,
    Organization,
    Party,
    User,
    utcnow,
)
from app.models.base import as_utc
from app.models.events import PRESENT_STATUSES, PUBLIC_EVENT_STATUSES
from app.services.access import can_write_for_organization
from app.services.errors import NotFound

T = TypeVar("T")

FEED_PAST_DAYS = 90
FEED_LIMIT = 500


@dataclass(frozen=True)
class EventFilters:
    """What a citizen (or an API client) narrows the public list by."""

    municipality: str | None = None  # a municipality slug
    kind: EventKind | None = None
    election_id: int | None = None
    starts_from: datetime | None = None  # inclusive: starts_at >= starts_from
    starts_to: datetime | None = None  # exclusive: starts_at < starts_to
    past: bool = False  # False: not yet ended, soonest first; True: ended, newest first


@dataclass
class Page(Generic[T]):
    """One page of a longer list, and where it sits in it."""

    items: list[T]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page)) if self.per_page > 0 else 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


@dataclass(frozen=True)
class CandidateOnEvent:
    """A candidate invited to an event, with their party and how the invitation stands."""

    candidate: Candidate
    party: Party | None
    status: InvitationStatus

    @property
    def is_present(self) -> bool:
        """Confirmed, or (after the event) attended."""
        return self.status in PRESENT_STATUSES


@dataclass(frozen=True)
class EventListing:
    """An event with everything a list or a page shows next to it."""

    event: Event
    municipality: Municipality
    organization: Organization
    election: Election | None
    candidates: list[CandidateOnEvent]  # every invited candidate, ordered by name

    @property
    def present(self) -> list[CandidateOnEvent]:
        """The candidates who confirmed (or attended), ordered by name."""
        return [c for c in self.candidates if c.is_present]

    def with_status(self, status: InvitationStatus) -> list[CandidateOnEvent]:
        """The candidates whose invitation stands at `status`, ordered by name."""
        return [c for c in self.candidates if c.status == status]


# The 36 letters of the Albanian alphabet, in order; nine of them are written with two characters.
ALPHABET = (
    *("a", "b", "c", "ç", "d", "dh", "e", "ë", "f", "g", "gj", "h", "i", "j", "k", "l", "ll"),
    *("m", "n", "nj", "o", "p", "q", "r", "rr", "s", "sh", "t", "th", "u", "v", "x", "xh"),
    *("y", "z", "zh"),
)
_LETTER_RANK = {letter: rank for rank, letter in enumerate(ALPHABET)}
_DIGRAPHS = {letter for letter in ALPHABET if len(letter) == 2}


def albanian_sort_key(text: str) -> tuple[tuple[int, int], ...]:
    """Sorts names in Albanian alphabetical order (Ç after C, Dh after D, Ë after E, …).

    Neither database collates Albanian (SQLite compares bytes, and puts "Çela" after "Zefi").
    """
    folded, key, index = text.casefold(), [], 0
    while index < len(folded):
        pair = folded[index : index + 2]
        letter = pair if pair in _DIGRAPHS else folded[index]
        rank = _LETTER_RANK.get(letter)
        if rank is not None:
            key.append((0, rank))
        else:  # spaces and hyphens before every letter, letters not Albanian after them
            key.append((1 if letter.isalpha() else -1, ord(letter[0])))
        index += len(letter)
    return tuple(key)


def _listing_statement() -> Select[Event, Municipality, Organization, Election]:
    return (
        select(Event, Municipality, Organization, Election)
        .join(Municipality, col(Municipality.id) == col(Event.municipality_id))
        .join(Organization, col(Organization.id) == col(Event.organization_id))
        .outerjoin(Election, col(Election.id) == col(Event.election_id))
    )


def _conditions(filters: EventFilters, now: datetime) -> list[Any]:
    conditions: list[Any] = [col(Event.status).in_(PUBLIC_EVENT_STATUSES)]
    if filters.past:
        conditions.append(col(Event.ends_at) < now)
    else:
        conditions.append(col(Event.ends_at) >= now)
    if filters.municipality is not None:
        conditions.append(col(Municipality.slug) == filters.municipality)
    if filters.kind is not None:
        conditions.append(col(Event.kind) == filters.kind)
    if filters.election_id is not None:
        conditions.append(col(Event.election_id) == filters.election_id)
    if filters.starts_from is not None:  # a time without an offset is Tirana time
        conditions.append(col(Event.starts_at) >= as_utc(filters.starts_from))
    if filters.starts_to is not None:
        conditions.append(col(Event.starts_at) < as_utc(filters.starts_to))
    return conditions


async def _candidates_by_event(
    *, session: AsyncSession, event_ids: Sequence[int]
) -> dict[int, list[CandidateOnEvent]]:
    """Every invitation of these events, with candidate and party, in one statement."""
    if not event_ids:
        return {}
    statement = (
        select(col(EventCandidate.event_id), col(EventCandidate.status), Candidate, Party)
        .join(Candidate, col(Candidate.id) == col(EventCandidate.candidate_id))
        .outerjoin(Party, col(Party.id) == col(Candidate.party_id))
        .where(col(EventCandidate.event_id).in_(event_ids))
    )
    found: dict[int, list[CandidateOnEvent]] = defaultdict(list)
    for event_id, status, candidate, party in (await session.execute(statement)).all():
        found[event_id].append(CandidateOnEvent(candidate=candidate, party=party, status=status))
    for invitations in found.values():
        invitations.sort(key=lambda c: (albanian_sort_key(c.candidate.full_name), c.candidate.id))
    return found


async def _with_candidates(*, session: AsyncSession, rows: Iterable[Any]) -> list[EventListing]:
    rows = list(rows)
    candidates = await _candidates_by_event(
        session=session, event_ids=[event.id for event, *_rest in rows]
    )
    return [
        EventListing(
            event=event,
            municipality=municipality,
            organization=organization,
            election=election,
            candidates=candidates.get(event.id or 0, []),
        )
        for event, municipality, organization, election in rows
    ]


async def list_public_events(
    *,
    session: AsyncSession,
    filters: EventFilters,
    page: int = 1,
    per_page: int = 20,
    now: datetime | None = None,
) -> Page[EventListing]:
    """One page of public events matching `filters`, in three statements."""
    page, per_page = max(1, page), max(1, per_page)
    conditions = _conditions(filters, now or utcnow())
    count = (
        select(func.count())
        .select_from(Event)
        .join(Municipality, col(Municipality.id) == col(Event.municipality_id))
        .where(*conditions)
    )
    total = int(await session.scalar(count) or 0)
    if filters.past:
        order = (col(Event.starts_at).desc(), col(Event.id).desc())
    else:
        order = (col(Event.starts_at).asc(), col(Event.id).asc())
    statement = (
        _listing_statement()
        .where(*conditions)
        .order_by(*order)
        .offset((page - 1) * per_page)
        .limit(per_page)
    )
    rows = (await session.execute(statement)).all() if total else []
    items = await _with_candidates(session=session, rows=rows)
    return Page(items=items, page=page, per_page=per_page, total=total)


# Whatever a list of events shows of the events and their invitations changes one of these: the
# count and last change of events and of invitations (a deleted one lowers a count), and the
# number of events that have ended (an event leaves the upcoming list the moment it ends).
_EV = Event.__table__.c  # type: ignore[attr-defined]
_EC = EventCandidate.__table__.c  # type: ignore[attr-defined]
_LIST_VERSION = select(
    select(func.count(_EV.id)).scalar_subquery(),
    select(func.max(_EV.updated_at)).scalar_subquery(),
    select(func.count(_EV.id)).where(_EV.ends_at < bindparam("now")).scalar_subquery(),
    select(func.count(_EC.event_id)).scalar_subquery(),
    select(func.max(_EC.updated_at)).scalar_subquery(),
)


async def list_version(*, connection: AsyncConnection, now: datetime) -> str:
    """Changes whenever an event list as of `now` would show its events differently, in one
    statement (the names of places, organizations and candidates are not in it)."""
    row = (await connection.execute(_LIST_VERSION, {"now": now})).first()
    raw = "|".join(map(str, row or ()))
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


async def get_event(*, session: AsyncSession, event_id: int) -> EventListing | None:
    """One event of any status with its places, election and invitations; None if unknown."""
    statement = _listing_statement().where(col(Event.id) == event_id)
    row = (await session.execute(statement)).first()
    if row is None:
        return None
    return (await _with_candidates(session=session, rows=[row]))[0]


async def feed_events(
    *,
    session: AsyncSession,
    municipality_id: int | None = None,
    now: datetime | None = None,
    past_days: int = FEED_PAST_DAYS,
    limit: int = FEED_LIMIT,
) -> list[EventListing]:
    """Public events that start from `past_days` ago onward, soonest first, at most `limit`."""
    since = (now or utcnow()) - timedelta(days=past_days)
    statement = _listing_statement().where(
        col(Event.status).in_(PUBLIC_EVENT_STATUSES), col(Event.starts_at) >= since
    )
    if municipality_id is not None:
        statement = statement.where(col(Event.municipality_id) == municipality_id)
    statement = statement.order_by(col(Event.starts_at), col(Event.id)).limit(limit)
    rows = (await session.execute(statement)).all()
    return await _with_candidates(session=session, rows=rows)


async def municipality_by_slug(*, session: AsyncSession, slug: str) -> Municipality | None:
    """The municipality with this slug, or None."""
    statement = select(Municipality).where(col(Municipality.slug) == slug)
    return (await session.execute(statement)).scalars().first()


async def list_municipalities(*, session: AsyncSession) -> list[Municipality]:
    """Every municipality, by name (for the filter form)."""
    statement = select(Municipality).order_by(col(Municipality.name))
    return list((await session.execute(statement)).scalars())


async def list_elections(*, session: AsyncSession) -> list[Election]:
    """Every election, the most recent first (for the filter form)."""
    statement = select(Election).order_by(col(Election.election_date).desc(), col(Election.id))
    return list((await session.execute(statement)).scalars())


async def visible_event(
    *, session: AsyncSession, event_id: int, viewer: User | None = None
) -> EventListing:
    """The event if this viewer may see it: everyone sees public events, only the organizing
    organization (and admins) its drafts. Anything else is NotFound, never a hint it exists."""
    listing = await get_event(session=session, event_id=event_id)
    if listing is None or not is_visible(listing.event, viewer):
        raise NotFound(_("No such event."))
    return listing


def is_visible(event: Event, viewer: User | None = None) -> bool:
    """Who sees an event: everyone a public one, only its organizing organization (and
    admins) a draft."""
    return event.status in PUBLIC_EVENT_STATUSES or (
        viewer is not None and can_write_for_organization(viewer, event.organization_id)
    )


@dataclass
class MunicipalityEntry:
    """One line of the municipalities list: the place, its POP organizations, what is coming."""

    municipality: Municipality
    organizations: list[Organization]
    upcoming: int  # scheduled events that have not ended


async def municipality_directory(
    *, session: AsyncSession, now: datetime | None = None
) -> list[MunicipalityEntry]:
    """Every municipality in Albanian alphabetical order, with its organizations and the
    number of its scheduled events still to come (two statements besides the list)."""
    municipalities = await list_municipalities(session=session)
    organizations = list(
        (await session.execute(select(Organization).order_by(col(Organization.name)))).scalars()
    )
    counts: dict[int, int] = dict(
        (
            await session.execute(
                select(Event.municipality_id, func.count())  # type: ignore[call-overload]
                .where(
                    col(Event.status) == EventStatus.scheduled,
                    col(Event.ends_at) >= (now or utcnow()),
                )
                .group_by(col(Event.municipality_id))
            )
        ).all()
    )
    entries = [
        MunicipalityEntry(
            municipality=m,
            organizations=[o for o in organizations if o.municipality_id == m.id],
            upcoming=int(counts.get(m.id or 0, 0)),
        )
        for m in municipalities
    ]
    return sorted(entries, key=lambda e: albanian_sort_key(e.municipality.name))
