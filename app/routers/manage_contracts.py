"""Organizer pages for social contracts: the list, a new contract, the drafting page (text,
priorities built from the sources beside them, open for signature, new version, adoption).
Editing one priority and recording signatures are app/routers/manage_signatures.py's.

Every form is a plain POST answering 303; a refusal re-renders the page with what was typed and
the message next to the field (400 invalid, 403, 409 frozen or not allowed in this state). The
rules are the services', the same the JSON API obeys.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from pydantic import BeforeValidator, TypeAdapter, ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.deps import CurrentPrincipal, SessionDep, get_principal
from app.models import Id, Organization
from app.models.contracts import (
    ContractAdoption,
    ContractPriorityCreate,
    SocialContractCreate,
    SocialContractUpdate,
)
from app.pages.catalog import election_options, municipality_options
from app.pages.contract_drafting import (
    drafting_page,
    lines,
    refusal,
    writable_contract,
)
from app.routers.forms import form_values, parse_input, see_other
from app.services import contract_priorities, contract_versions, contracts, elections
from app.services.access import is_admin
from app.services.errors import ServiceError
from app.templating import render

router = APIRouter(prefix="/manage", dependencies=[Depends(get_principal)], include_in_schema=False)
_ID = TypeAdapter(Id)


def _id_or_none(value: object) -> int | None:
    try:
        return _ID.validate_python(value)
    except ValidationError:
        return None


# ?municipality=…&election=…: what the new form preselects (anything else: the defaults)
Preselect = Annotated[Id | None, BeforeValidator(_id_or_none), Query()]
NEW_FIELDS = ("municipality_id", "election_id", "title", "term_start", "term_end", "introduction")


@router.get("/contracts", name="manage_contracts")
async def contract_list(
    request: Request, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    rows = await contract_versions.list_contracts(
        session=session, viewer=principal.user, drafts=True
    )
    municipalities = {m.id: m for m in await elections.list_municipalities(session=session)}
    election_rows = {
        e.election.id: e.election for e in await elections.list_elections(session=session)
    }
    context = {
        "rows": rows,
        "municipalities": municipalities,
        "elections": election_rows,
    }
    return render(request, "manage/contracts/list.html", context)


async def _new_form(
    request: Request,
    session: AsyncSession,
    principal: Any,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    organizations = list(
        (await session.execute(select(Organization).order_by(Organization.name))).scalars()
    )
    context = {
        "values": values,
        "errors": errors or {},
        "election_options": await election_options(session),
        "municipality_options": await municipality_options(session),
        "organization_options": [(o.id, o.name) for o in organizations],
        "choose_organizations": is_admin(principal.user),
    }
    return render(request, "manage/contracts/new.html", context, status_code=status_code)


@router.get("/contracts/new", name="new_contract")
async def new_contract(
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    municipality: Preselect = None,
    election: Preselect = None,
) -> Response:
    """The form, for the organizer's municipality and the newest election (or those asked)."""
    organization = (
        await session.get(Organization, principal.user.organization_id)
        if principal.user.organization_id
        else None
    )
    rows = await elections.list_elections(session=session)
    values: dict[str, Any] = {
        "municipality_id": municipality or (organization.municipality_id if organization else None),
        "election_id": election or (rows[0].election.id if rows else None),
        "organization_ids": [],
    }
    return await _new_form(request, session, principal, values=values)


@router.post("/contracts", name="create_contract")
async def create_contract(
    request: Request, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    values = form_values(await request.form(), lists=("organization_ids",))
    try:
        fields = {f: values.get(f) for f in NEW_FIELDS}
        fields["introduction"] = fields["introduction"] or ""
        if values["organization_ids"]:
            fields["organization_ids"] = values["organization_ids"]
        data = parse_input(SocialContractCreate, fields)
        view = await contracts.create(session=session, actor=principal.user, data=data)
    except ServiceError as error:
        await session.rollback()
        errors, status = refusal(error)
        return await _new_form(
            request, session, principal, values=values, errors=errors, status_code=status
        )
    await session.commit()
    return see_other(f"/manage/contracts/{view.contract.id}")


@router.get("/contracts/{contract_id}", name="draft_contract")
async def drafting(
    request: Request, contract_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    contract = await writable_contract(session, principal.user, contract_id)
    return await drafting_page(request, session, principal.user, contract)


async def _act(
    request: Request,
    session: AsyncSession,
    principal: Any,
    contract_id: int,
    failed: str,
    values: dict[str, Any],
    action: Any,
    anchor: str,
) -> Response:
    """Runs a write of the drafting page: 303 back to it, or the page with the refusal."""
    contract = await writable_contract(session, principal.user, contract_id)
    try:
        await action()
    except ServiceError as error:
        await session.rollback()
        errors, status = refusal(error)
        contract = await writable_contract(session, principal.user, contract_id)
        return await drafting_page(
            request,
            session,
            principal.user,
            contract,
            failed=failed,
            values=values,
            errors=errors,
            status_code=status,
        )
    await session.commit()
    return see_other(f"/manage/contracts/{contract_id}#{anchor}")


@router.post("/contracts/{contract_id}", name="update_contract")
async def update_contract(
    request: Request, contract_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """The contract's text: title, term, introduction (all of them, as the form sends)."""
    values = form_values(await request.form())

    async def action() -> None:
        fields = {f: values.get(f) for f in ("title", "term_start", "term_end")}
        fields["introduction"] = values.get("introduction") or ""
        data = parse_input(SocialContractUpdate, fields)
        await contracts.update(
            session=session, actor=principal.user, contract_id=contract_id, data=data
        )

    return await _act(request, session, principal, contract_id, "text", values, action, "text")


def priority_fields(values: dict[str, Any]) -> dict[str, Any]:
    """What the priority form sends, as the API's input takes it."""
    return {
        "title": values.get("title"),
        "description": values.get("description") or "",
        "topic_id": values.get("topic_id"),
        "points": lines(values.get("points")),
        "commitment_ids": values.get("commitment_ids", []),
        "question_ids": values.get("question_ids", []),
    }


PRIORITY_LISTS = ("commitment_ids", "question_ids")


@router.post("/contracts/{contract_id}/priorities", name="add_priority")
async def add_priority(
    request: Request, contract_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    values = form_values(await request.form(), lists=PRIORITY_LISTS)

    async def action() -> None:
        data = parse_input(ContractPriorityCreate, priority_fields(values))
        await contract_priorities.add(
            session=session, actor=principal.user, contract_id=contract_id, data=data
        )

    return await _act(
        request, session, principal, contract_id, "priority", values, action, "priorities"
    )


@router.post("/contracts/{contract_id}/open", name="open_contract")
async def open_contract(
    request: Request, contract_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    async def action() -> None:
        await contracts.open_for_signature(
            session=session, actor=principal.user, contract_id=contract_id
        )

    return await _act(request, session, principal, contract_id, "status", {}, action, "top")


@router.post("/contracts/{contract_id}/versions", name="new_contract_version")
async def new_version(
    request: Request, contract_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    async def action() -> None:
        await contracts.new_version(session=session, actor=principal.user, contract_id=contract_id)

    return await _act(request, session, principal, contract_id, "status", {}, action, "top")


@router.post("/contracts/{contract_id}/adoption", name="contract_adoption")
async def adoption(
    request: Request, contract_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Response:
    """The municipality's adoption: decision number, date, link (an emptied one is cleared)."""
    values = form_values(await request.form())

    async def action() -> None:
        fields = {f: values.get(f) for f in ContractAdoption.model_fields}
        data = parse_input(ContractAdoption, fields)
        await contracts.adopt(
            session=session, actor=principal.user, contract_id=contract_id, data=data
        )

    return await _act(
        request, session, principal, contract_id, "adoption", values, action, "adoption"
    )
