"""Organizer pages for parties: the list, and forms to add and edit (administrators only).

Every form is a plain POST that answers 303 on success; invalid input re-renders the form with
what was typed, the message next to the field, and 400.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from app.deps import CurrentPrincipal, SessionDep, get_principal
from app.models import Id, Party
from app.models.elections import PartyCreate, PartyUpdate
from app.routers.forms import form_values, parse_input, parse_update, see_other
from app.services import elections
from app.services.access import require_admin
from app.services.errors import InvalidInput
from app.templating import render

router = APIRouter(prefix="/manage", dependencies=[Depends(get_principal)], include_in_schema=False)


async def party_or_404(party_id: Id, session: SessionDep) -> Party:
    party = await session.get(Party, party_id)
    if party is None:
        raise HTTPException(status_code=404)
    return party


PartyDep = Annotated[Party, Depends(party_or_404)]


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
