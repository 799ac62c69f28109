"""Organizer pages for elections: the list, and forms to add and edit (administrators only).

Every form is a plain POST that answers 303 on success; invalid input re-renders the form with
what was typed, the message next to the field, and 400.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import CurrentPrincipal, SessionDep, get_principal
from app.models import Election, ElectionKind, Id
from app.models.elections import ElectionCreate, ElectionUpdate
from app.pages.catalog import election_kinds, municipality_options
from app.routers.forms import form_values, parse_input, parse_update, see_other
from app.services import elections
from app.services.access import require_admin
from app.services.errors import InvalidInput
from app.templating import render

router = APIRouter(prefix="/manage", dependencies=[Depends(get_principal)], include_in_schema=False)


async def election_or_404(election_id: Id, session: SessionDep) -> Election:
    election = await session.get(Election, election_id)
    if election is None:
        raise HTTPException(status_code=404)
    return election


ElectionDep = Annotated[Election, Depends(election_or_404)]


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
        "municipality_options": await municipality_options(session),
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
