"""Elections, parties and candidates: the people and the days events are organized around."""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from app.i18n import gettext as _
from app.models import (
    Candidate,
    Election,
    ElectionMunicipality,
    Municipality,
    Organization,
    Party,
    User,
)
from app.models.elections import (
    CandidateCreate,
    CandidateUpdate,
    ElectionCreate,
    ElectionUpdate,
    PartyCreate,
    PartyUpdate,
)
from app.services import audit, winners
from app.services.access import is_admin, require_admin
from app.services.errors import InvalidInput, NotAllowed, NotFound


@dataclass(frozen=True)
class ElectionWithMunicipalities:
    election: Election
    municipality_ids: list[int]


@dataclass(frozen=True)
class CandidateListing:
    candidate: Candidate
    party: Party | None
    municipality: Municipality
    election: Election


T = TypeVar("T", bound=SQLModel)


def _changes(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Sets the given fields on `obj`; returns {field: [old, new]} for those that changed."""
    changed = {}
    for field, new in values.items():
        old = getattr(obj, field)
        if old != new:
            changed[field] = [old, new]
            setattr(obj, field, new)
    return changed


async def _created(session: AsyncSession, actor: User, row: T, data: BaseModel) -> T:
    """Adds the new row, and an audit entry "<table>.create" with what was given."""
    session.add(row)
    await session.flush()
    audit.record(
        session=session,
        user=actor,
        action=f"{row.__tablename__}.create",
        entity_id=row.id,  # type: ignore[attr-defined]
        details=data.model_dump(mode="json"),
    )
    return row


def _updated(session: AsyncSession, actor: User, row: SQLModel, changes: dict[str, Any]) -> None:
    """An audit entry "<table>.update" with each changed field's old and new value, if any."""
    if changes:
        audit.record(
            session=session,
            user=actor,
            action=f"{row.__tablename__}.update",
            entity_id=row.id,  # type: ignore[attr-defined]
            details=changes,
        )


# --- municipalities and organizations ------------------------------------------------------


async def list_municipalities(*, session: AsyncSession) -> list[Municipality]:
    return list((await session.execute(select(Municipality).order_by(Municipality.name))).scalars())


async def list_organizations(*, session: AsyncSession) -> list[Organization]:
    return list((await session.execute(select(Organization).order_by(Organization.name))).scalars())


async def _check_municipalities(*, session: AsyncSession, ids: list[int]) -> None:
    found = await session.scalar(select(func.count()).where(col(Municipality.id).in_(set(ids))))
    if found != len(set(ids)):
        raise InvalidInput({"municipality_ids": _("Choose municipalities from the list.")})


# --- elections -------------------------------------------------------------------------------


async def list_elections(*, session: AsyncSession) -> list[ElectionWithMunicipalities]:
    """Every election, newest first, with the municipalities that vote in it."""
    elections = (
        await session.execute(select(Election).order_by(col(Election.election_date).desc()))
    ).scalars()
    links = await session.execute(select(ElectionMunicipality))
    voting: dict[int, list[int]] = defaultdict(list)
    for link in links.scalars():
        voting[link.election_id].append(link.municipality_id)
    return [ElectionWithMunicipalities(e, sorted(voting[e.id or 0])) for e in elections]


async def election_municipality_ids(*, session: AsyncSession, election_id: int) -> set[int]:
    rows = await session.execute(
        select(ElectionMunicipality.municipality_id).where(  # type: ignore[call-overload]
            col(ElectionMunicipality.election_id) == election_id
        )
    )
    return set(rows.scalars())


async def create_election(*, session: AsyncSession, actor: User, data: ElectionCreate) -> Election:
    """A new election (admins only) with the municipalities that vote in it."""
    require_admin(actor)
    await _check_municipalities(session=session, ids=data.municipality_ids)
    election = Election(name=data.name, kind=data.kind, election_date=data.election_date)
    await _created(session, actor, election, data)
    session.add_all(
        ElectionMunicipality(election_id=election.id, municipality_id=m)  # type: ignore[arg-type]
        for m in sorted(set(data.municipality_ids))
    )
    return election


async def update_election(
    *, session: AsyncSession, actor: User, election_id: int, data: ElectionUpdate
) -> Election:
    require_admin(actor)
    election = await session.get(Election, election_id)
    if election is None:
        raise NotFound(_("No such election."))
    values = data.model_dump(exclude_unset=True, exclude={"municipality_ids"})
    changes = _changes(election, values)
    if data.municipality_ids is not None:
        await _check_municipalities(session=session, ids=data.municipality_ids)
        before = await election_municipality_ids(session=session, election_id=election_id)
        after = set(data.municipality_ids)
        if before != after:
            await session.execute(
                delete(ElectionMunicipality).where(
                    col(ElectionMunicipality.election_id) == election_id
                )
            )
            session.add_all(
                ElectionMunicipality(election_id=election_id, municipality_id=m)
                for m in sorted(after)
            )
            changes["municipality_ids"] = [sorted(before), sorted(after)]
    _updated(session, actor, election, changes)
    return election


# --- parties ---------------------------------------------------------------------------------


async def list_parties(*, session: AsyncSession) -> list[Party]:
    return list((await session.execute(select(Party).order_by(Party.name))).scalars())


async def _check_party_unique(
    *, session: AsyncSession, name: str | None, abbreviation: str | None, exclude_id: int | None
) -> None:
    errors = {}
    for field, value in (("name", name), ("abbreviation", abbreviation)):
        if value is None:
            continue
        column = col(getattr(Party, field))
        statement = select(func.count()).where(func.lower(column) == value.lower())
        if exclude_id is not None:
            statement = statement.where(col(Party.id) != exclude_id)
        if await session.scalar(statement):
            errors[field] = _("Another party has this already.")
    if errors:
        raise InvalidInput(errors)


async def create_party(*, session: AsyncSession, actor: User, data: PartyCreate) -> Party:
    require_admin(actor)
    await _check_party_unique(
        session=session, name=data.name, abbreviation=data.abbreviation, exclude_id=None
    )
    party = Party(name=data.name, abbreviation=data.abbreviation, color=data.color.lower())
    return await _created(session, actor, party, data)


async def update_party(
    *, session: AsyncSession, actor: User, party_id: int, data: PartyUpdate
) -> Party:
    require_admin(actor)
    party = await session.get(Party, party_id)
    if party is None:
        raise NotFound(_("No such party."))
    await _check_party_unique(
        session=session, name=data.name, abbreviation=data.abbreviation, exclude_id=party_id
    )
    values = data.model_dump(exclude_unset=True)
    if values.get("color"):
        values["color"] = values["color"].lower()
    _updated(session, actor, party, _changes(party, values))
    return party


# --- candidates ------------------------------------------------------------------------------


async def list_candidates(
    *,
    session: AsyncSession,
    election_id: int | None = None,
    municipality_id: int | None = None,
    party_id: int | None = None,
) -> list[CandidateListing]:
    """Candidates with their party, municipality and election, by name."""
    statement = (
        select(Candidate, Party, Municipality, Election)
        .outerjoin(Party, col(Party.id) == col(Candidate.party_id))
        .join(Municipality, col(Municipality.id) == col(Candidate.municipality_id))
        .join(Election, col(Election.id) == col(Candidate.election_id))
        .order_by(
            col(Election.election_date).desc(), col(Municipality.name), col(Candidate.full_name)
        )
    )
    if election_id is not None:
        statement = statement.where(col(Candidate.election_id) == election_id)
    if municipality_id is not None:
        statement = statement.where(col(Candidate.municipality_id) == municipality_id)
    if party_id is not None:
        statement = statement.where(col(Candidate.party_id) == party_id)
    rows = (await session.execute(statement)).all()
    return [CandidateListing(c, p, m, e) for c, p, m, e in rows]


async def get_candidate(*, session: AsyncSession, candidate_id: int) -> CandidateListing | None:
    """One candidate with their party, municipality and election; None if there is none."""
    candidate = await session.get(Candidate, candidate_id)
    if candidate is None:
        return None
    party = await session.get(Party, candidate.party_id) if candidate.party_id else None
    municipality = await session.get(Municipality, candidate.municipality_id)
    election = await session.get(Election, candidate.election_id)
    assert municipality is not None
    assert election is not None
    return CandidateListing(candidate, party, municipality, election)


async def _organizer_municipality(*, session: AsyncSession, actor: User) -> int | None:
    if actor.organization_id is None:
        return None
    organization = await session.get(Organization, actor.organization_id)
    return organization.municipality_id if organization else None


async def _require_candidate_writer(
    *, session: AsyncSession, actor: User, municipality_id: int
) -> None:
    """Admins add candidates anywhere; organizers in their organization's municipality."""
    if is_admin(actor):
        return
    if await _organizer_municipality(session=session, actor=actor) != municipality_id:
        raise NotAllowed(_("Organizers add candidates only in their own municipality."))


async def can_write_candidates(*, session: AsyncSession, actor: User, municipality_id: int) -> bool:
    """Whether `actor` may add or change candidates in that municipality (the rule above)."""
    try:
        await _require_candidate_writer(
            session=session, actor=actor, municipality_id=municipality_id
        )
    except NotAllowed:
        return False
    return True


async def create_candidate(
    *, session: AsyncSession, actor: User, data: CandidateCreate
) -> Candidate:
    errors = {}
    election = await session.get(Election, data.election_id)
    if election is None:
        errors["election_id"] = _("Choose an election from the list.")
    elif data.municipality_id not in await election_municipality_ids(
        session=session, election_id=data.election_id
    ):
        errors["municipality_id"] = _("This municipality does not vote in that election.")
    if data.party_id is not None and await session.get(Party, data.party_id) is None:
        errors["party_id"] = _("Choose a party from the list, or none for an independent.")
    if errors:
        raise InvalidInput(errors)
    await _require_candidate_writer(
        session=session, actor=actor, municipality_id=data.municipality_id
    )
    return await _created(session, actor, Candidate(**data.model_dump()), data)


async def update_candidate(
    *, session: AsyncSession, actor: User, candidate_id: int, data: CandidateUpdate
) -> Candidate:
    """Changes a candidate; the audit log keeps every old value. Marking one elected follows
    services/winners.py (not before election day, one mayor; puts the contract in force)."""
    candidate = await session.get(Candidate, candidate_id)
    if candidate is None:
        raise NotFound(_("No such candidate."))
    await _require_candidate_writer(
        session=session, actor=actor, municipality_id=candidate.municipality_id
    )
    values = data.model_dump(exclude_unset=True)
    if values.get("party_id") is not None and await session.get(Party, values["party_id"]) is None:
        raise InvalidInput(
            {"party_id": _("Choose a party from the list, or none for an independent.")}
        )
    elected_now = values.get("elected") is True and not candidate.elected
    if elected_now:
        await winners.check_elected(session=session, candidate=candidate)
    _updated(session, actor, candidate, _changes(candidate, values))
    if elected_now:
        await winners.after_elected(session=session, actor=actor, candidate=candidate)
    return candidate
