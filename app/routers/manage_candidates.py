"""Organizer pages for candidates: the list with its filters, and forms to add and edit, with
the candidate's history.

Every form is a plain POST that answers 303 on success; a refusal re-renders the form with what
was typed, the message next to the field, and 400 (invalid input) or 403 (not allowed).
"""

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator, TypeAdapter, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import CurrentPrincipal, Principal, SessionDep, get_principal
from app.i18n import gettext as _
from app.labels import label
from app.models import Id, Office, Organization
from app.models.elections import CandidateCreate, CandidateUpdate
from app.pages.catalog import election_options, history_item, municipality_options
from app.routers.forms import form_values, parse_input, parse_update, refusal, see_other
from app.services import audit, elections
from app.services.elections import CandidateListing
from app.services.errors import InvalidInput, NotAllowed
from app.templating import render

router = APIRouter(prefix="/manage", dependencies=[Depends(get_principal)], include_in_schema=False)

_ID = TypeAdapter(Id)


def _id_or_all(value: object) -> int | None:
    """A filter's id; empty, or anything that is not one of ours, means "all"."""
    try:
        return _ID.validate_python(value)
    except ValidationError:
        return None


# ?election=…&municipality=…: the filters of the list, and what the add form preselects
FilterId = Annotated[Id | None, BeforeValidator(_id_or_all), Query()]


async def candidate_or_404(candidate_id: Id, session: SessionDep) -> CandidateListing:
    listing = await elections.get_candidate(session=session, candidate_id=candidate_id)
    if listing is None:
        raise HTTPException(status_code=404)
    return listing


CandidateDep = Annotated[CandidateListing, Depends(candidate_or_404)]


@router.get("/candidates", name="manage_candidates")
async def candidate_list(
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    election: FilterId = None,
    municipality: FilterId = None,
) -> Response:
    election_id, municipality_id = election, municipality
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
        "election_options": await election_options(session),
        "municipality_options": await municipality_options(session),
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
        context["election_options"] = await election_options(session)
        context["municipality_options"] = await municipality_options(session)
    else:
        candidate_id = listing.candidate.id or 0
        context["can_edit"] = await elections.can_write_candidates(
            session=session, actor=principal.user, municipality_id=listing.municipality.id or 0
        )
        entries = await audit.candidate_history(session=session, candidate_id=candidate_id)
        context["history"] = [history_item(entry, name, parties) for entry, name in entries]
    return render(request, "manage/candidates/form.html", context, status_code=status_code)


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
    election: FilterId = None,
    municipality: FilterId = None,
) -> Response:
    rows = await elections.list_elections(session=session)
    form = {
        "election_id": election or (rows[0].election.id if rows else None),
        "municipality_id": municipality or await _default_municipality(session, principal),
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
