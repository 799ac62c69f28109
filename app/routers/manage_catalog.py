"""Organizer pages for elections, parties and candidates: lists, and forms to add and edit.

Every form is a plain POST that answers 303 on success; a refusal re-renders the form with what
was typed, the message next to the field, and 400 (invalid input) or 403 (not allowed).
"""

import json
from typing import Annotated, Any, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import CurrentPrincipal, Principal, SessionDep, get_principal
from app.i18n import gettext as _
from app.labels import label
from app.models import AuditEntry, Election, ElectionKind, Office, Organization, Party
from app.models.elections import (
    CandidateCreate,
    CandidateUpdate,
    ElectionCreate,
    ElectionUpdate,
    PartyCreate,
    PartyUpdate,
)
from app.routers.forms import form_values, parse_input, see_other
from app.services import audit, elections
from app.services.access import require_admin
from app.services.elections import CandidateListing
from app.services.errors import InvalidInput, NotAllowed
from app.templating import render

router = APIRouter(prefix="/manage", dependencies=[Depends(get_principal)], include_in_schema=False)

T = TypeVar("T", bound=BaseModel)
Filter = Annotated[str, Query(max_length=20)]


def election_kinds() -> dict[str, str]:
    """The translated name of each kind of election, in the order the form offers them."""
    return {kind.value: label(kind) for kind in ElectionKind}


def parse_update(model: type[T], values: dict[str, Any], *, required: tuple[str, ...]) -> T:
    """parse_input for an edit form: a field the form always sends may not be left empty."""
    errors = {name: _("This field is required.") for name in required if values.get(name) is None}
    try:
        data = parse_input(model, values)
    except InvalidInput as error:
        raise InvalidInput({**error.errors, **errors}) from error
    if errors:
        raise InvalidInput(errors)
    return data


def refusal(
    error: InvalidInput | NotAllowed, *, field: str = "__all__"
) -> tuple[dict[str, str], int]:
    """The messages to show on the form (a refusal next to `field`), and the status to answer."""
    if isinstance(error, InvalidInput):
        return error.errors, 400
    return {error.field or field: error.message}, 403


# --- lookups ---------------------------------------------------------------------------------


async def election_or_404(election_id: int, session: SessionDep) -> Election:
    election = await session.get(Election, election_id)
    if election is None:
        raise HTTPException(status_code=404)
    return election


async def party_or_404(party_id: int, session: SessionDep) -> Party:
    party = await session.get(Party, party_id)
    if party is None:
        raise HTTPException(status_code=404)
    return party


async def candidate_or_404(candidate_id: int, session: SessionDep) -> CandidateListing:
    listing = await elections.get_candidate(session=session, candidate_id=candidate_id)
    if listing is None:
        raise HTTPException(status_code=404)
    return listing


ElectionDep = Annotated[Election, Depends(election_or_404)]
PartyDep = Annotated[Party, Depends(party_or_404)]
CandidateDep = Annotated[CandidateListing, Depends(candidate_or_404)]


def _as_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


async def _election_options(session: AsyncSession) -> list[tuple[int, str]]:
    rows = await elections.list_elections(session=session)
    return [(row.election.id or 0, row.election.name) for row in rows]


async def _municipality_options(session: AsyncSession) -> list[tuple[int, str]]:
    return [(m.id or 0, m.name) for m in await elections.list_municipalities(session=session)]


# --- elections -------------------------------------------------------------------------------


@router.get("/elections", name="manage_elections")
async def election_list(
    request: Request, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    context = {
        "rows": await elections.list_elections(session=session),
        "municipality_names": {
            m.id: m.name for m in await elections.list_municipalities(session=session)
        },
        "kinds": election_kinds(),
    }
    return render(request, "manage/elections/list.html", context)


async def _election_form(
    request: Request,
    session: AsyncSession,
    *,
    form: dict[str, Any],
    election: Election | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "form": form,
        "election": election,
        "errors": errors or {},
        "kinds": election_kinds(),
        "municipality_options": await _municipality_options(session),
    }
    return render(request, "manage/elections/form.html", context, status_code=status_code)


@router.get("/elections/new", name="new_election")
async def new_election(
    request: Request, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    require_admin(principal.user)
    form = {"kind": ElectionKind.local.value, "municipality_ids": []}
    return await _election_form(request, session, form=form)


@router.post("/elections", name="create_election")
async def create_election(
    request: Request, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    require_admin(principal.user)
    values = form_values(await request.form(), lists=["municipality_ids"])
    try:
        data = parse_input(ElectionCreate, values)
        await elections.create_election(session=session, actor=principal.user, data=data)
    except InvalidInput as error:
        await session.rollback()
        return await _election_form(
            request, session, form=values, errors=error.errors, status_code=400
        )
    await session.commit()
    return see_other("/manage/elections")


@router.get("/elections/{election_id}/edit", name="edit_election")
async def edit_election(
    request: Request, principal: CurrentPrincipal, session: SessionDep, election: ElectionDep
) -> Response:
    require_admin(principal.user)
    voting = await elections.election_municipality_ids(
        session=session, election_id=election.id or 0
    )
    form = {
        "name": election.name,
        "kind": election.kind.value,
        "election_date": election.election_date.isoformat(),
        "municipality_ids": sorted(voting),
    }
    return await _election_form(request, session, form=form, election=election)


@router.post("/elections/{election_id}", name="update_election")
async def update_election(
    request: Request, principal: CurrentPrincipal, session: SessionDep, election: ElectionDep
) -> Response:
    require_admin(principal.user)
    values = form_values(await request.form(), lists=["municipality_ids"])
    election_id = election.id or 0
    try:
        data = parse_update(ElectionUpdate, values, required=("name", "kind", "election_date"))
        await elections.update_election(
            session=session, actor=principal.user, election_id=election_id, data=data
        )
    except InvalidInput as error:
        await session.rollback()
        election = await election_or_404(election_id, session)
        return await _election_form(
            request, session, form=values, election=election, errors=error.errors, status_code=400
        )
    await session.commit()
    return see_other("/manage/elections")


# --- parties ---------------------------------------------------------------------------------


@router.get("/parties", name="manage_parties")
async def party_list(
    request: Request, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    parties = await elections.list_parties(session=session)
    return render(request, "manage/parties/list.html", {"parties": parties})


def _party_form(
    request: Request,
    *,
    form: dict[str, Any],
    party: Party | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {"form": form, "party": party, "errors": errors or {}}
    return render(request, "manage/parties/form.html", context, status_code=status_code)


@router.get("/parties/new", name="new_party")
async def new_party(request: Request, principal: CurrentPrincipal) -> Response:
    require_admin(principal.user)
    return _party_form(request, form={"color": "#666666"})


@router.post("/parties", name="create_party")
async def create_party(
    request: Request, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    require_admin(principal.user)
    values = form_values(await request.form())
    try:
        data = parse_input(PartyCreate, values)
        await elections.create_party(session=session, actor=principal.user, data=data)
    except InvalidInput as error:
        await session.rollback()
        return _party_form(request, form=values, errors=error.errors, status_code=400)
    await session.commit()
    return see_other("/manage/parties")


@router.get("/parties/{party_id}/edit", name="edit_party")
async def edit_party(request: Request, principal: CurrentPrincipal, party: PartyDep) -> Response:
    require_admin(principal.user)
    form = {"name": party.name, "abbreviation": party.abbreviation, "color": party.color}
    return _party_form(request, form=form, party=party)


@router.post("/parties/{party_id}", name="update_party")
async def update_party(
    request: Request, principal: CurrentPrincipal, session: SessionDep, party: PartyDep
) -> Response:
    require_admin(principal.user)
    values = form_values(await request.form())
    party_id = party.id or 0
    try:
        data = parse_update(PartyUpdate, values, required=("name", "abbreviation", "color"))
        await elections.update_party(
            session=session, actor=principal.user, party_id=party_id, data=data
        )
    except InvalidInput as error:
        await session.rollback()
        party = await party_or_404(party_id, session)
        return _party_form(request, form=values, party=party, errors=error.errors, status_code=400)
    await session.commit()
    return see_other("/manage/parties")


# --- candidates ------------------------------------------------------------------------------


@router.get("/candidates", name="manage_candidates")
async def candidate_list(
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    election: Filter = "",
    municipality: Filter = "",
) -> Response:
    election_id, municipality_id = _as_id(election), _as_id(municipality)
    rows = await elections.list_candidates(
        session=session, election_id=election_id, municipality_id=municipality_id
    )
    writable = {
        m: await elections.can_write_candidates(
            session=session, actor=principal.user, municipality_id=m
        )
        for m in {row.municipality.id or 0 for row in rows}
    }
    filters = {"election": election_id, "municipality": municipality_id}
    context = {
        "rows": rows,
        "writable": writable,
        "election_id": election_id,
        "municipality_id": municipality_id,
        "query": urlencode({k: v for k, v in filters.items() if v is not None}),
        "election_options": await _election_options(session),
        "municipality_options": await _municipality_options(session),
    }
    return render(request, "manage/candidates/list.html", context)


async def _candidate_form(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    *,
    form: dict[str, Any],
    listing: CandidateListing | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The add form (no `listing`) or the edit page with the candidate's history."""
    parties = await elections.list_parties(session=session)
    context: dict[str, Any] = {
        "form": form,
        "listing": listing,
        "errors": errors or {},
        "party_options": [(p.id, p.name) for p in parties],
        "offices": [(office.value, label(office)) for office in Office],
    }
    if listing is None:
        context["election_options"] = await _election_options(session)
        context["municipality_options"] = await _municipality_options(session)
    else:
        candidate_id = listing.candidate.id or 0
        context["can_edit"] = await elections.can_write_candidates(
            session=session, actor=principal.user, municipality_id=listing.municipality.id or 0
        )
        entries = await audit.candidate_history(session=session, candidate_id=candidate_id)
        context["history"] = [_history_item(entry, name, parties) for entry, name in entries]
    return render(request, "manage/candidates/form.html", context, status_code=status_code)


def _history_item(entry: AuditEntry, name: str | None, parties: list[Party]) -> dict[str, Any]:
    """One audit entry as the history list shows it: who, when, and each change in words."""
    fields = {
        "full_name": _("Full name"),
        "party_id": _("Party"),
        "office": _("Candidacy"),
        "contact": _("Contact"),
        "elected": _("Elected"),
    }
    party_names = {p.id: p.name for p in parties}

    def shown(field: str, value: Any) -> str:
        if field == "party_id":
            return party_names.get(value, "") if value else _("Independent")
        if field == "office" and value in Office._value2member_map_:
            return label(Office(value))
        if field == "elected":
            return _("Yes") if value else _("No")
        return "—" if value in (None, "") else str(value)

    changes = []
    if entry.action == "candidate.update":
        for field, pair in json.loads(entry.details).items():
            if field in fields and isinstance(pair, list) and len(pair) == 2:
                changes.append((fields[field], shown(field, pair[0]), shown(field, pair[1])))
    return {
        "who": name or entry.actor,
        "when": entry.created_at,
        "created": entry.action == "candidate.create",
        "changes": changes,
    }


async def _default_municipality(session: AsyncSession, principal: Principal) -> int | None:
    """An organizer's own municipality, to preselect on the add form."""
    if principal.user.organization_id is None:
        return None
    organization = await session.get(Organization, principal.user.organization_id)
    return organization.municipality_id if organization else None


@router.get("/candidates/new", name="new_candidate")
async def new_candidate(
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    election: Filter = "",
    municipality: Filter = "",
) -> Response:
    rows = await elections.list_elections(session=session)
    form = {
        "election_id": _as_id(election) or (rows[0].election.id if rows else None),
        "municipality_id": _as_id(municipality) or await _default_municipality(session, principal),
        "office": Office.mayor.value,
    }
    return await _candidate_form(request, session, principal, form=form)


@router.post("/candidates", name="create_candidate")
async def create_candidate(
    request: Request, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    values = form_values(await request.form())
    try:
        data = parse_input(CandidateCreate, values)
        candidate = await elections.create_candidate(
            session=session, actor=principal.user, data=data
        )
    except (InvalidInput, NotAllowed) as error:
        await session.rollback()
        errors, status_code = refusal(error, field="municipality_id")
        return await _candidate_form(
            request, session, principal, form=values, errors=errors, status_code=status_code
        )
    await session.commit()
    return see_other(
        f"/manage/candidates?election={candidate.election_id}"
        f"&municipality={candidate.municipality_id}"
    )


@router.get("/candidates/{candidate_id}/edit", name="edit_candidate")
async def edit_candidate(
    request: Request, principal: CurrentPrincipal, session: SessionDep, listing: CandidateDep
) -> Response:
    candidate = listing.candidate
    form = {
        "full_name": candidate.full_name,
        "party_id": candidate.party_id,
        "office": candidate.office.value,
        "contact": candidate.contact,
        "elected": candidate.elected,
    }
    return await _candidate_form(request, session, principal, form=form, listing=listing)


@router.post("/candidates/{candidate_id}", name="update_candidate")
async def update_candidate(
    request: Request, principal: CurrentPrincipal, session: SessionDep, listing: CandidateDep
) -> Response:
    values = form_values(await request.form())
    values["elected"] = values.get("elected") is not None  # an unticked box sends nothing
    candidate_id = listing.candidate.id or 0
    try:
        if not await elections.can_write_candidates(
            session=session, actor=principal.user, municipality_id=listing.candidate.municipality_id
        ):
            raise NotAllowed(_("Organizers add candidates only in their own municipality."))
        data = parse_update(CandidateUpdate, values, required=("full_name", "office"))
        candidate = await elections.update_candidate(
            session=session, actor=principal.user, candidate_id=candidate_id, data=data
        )
    except (InvalidInput, NotAllowed) as error:
        await session.rollback()
        errors, status_code = refusal(error)
        listing = await candidate_or_404(candidate_id, session)
        return await _candidate_form(
            request,
            session,
            principal,
            form=values,
            listing=listing,
            errors=errors,
            status_code=status_code,
        )
    await session.commit()
    return see_other(
        f"/manage/candidates?election={candidate.election_id}"
        f"&municipality={candidate.municipality_id}"
    )
