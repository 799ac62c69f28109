"""The public social contracts: the list, a contract's page (its current or an earlier
version) and the print view organizers hand out at forums, always in Albanian.

A draft answers 404 to whoever may not write it; its writers see it with a banner.
"""

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from app import i18n
from app.deps import SessionDep, get_principal
from app.models import ContractStatus, Id, utcnow
from app.services import contract_lists, contract_versions, contract_views
from app.services.contract_views import ContractPage
from app.services.errors import NotFound
from app.templating import render

router = APIRouter(dependencies=[Depends(get_principal)], include_in_schema=False)
PRINT_LOCALE = "sq"  # the network's document is in Albanian, whoever prints it


async def _page(
    request: Request, session: SessionDep, contract_id: int, number: int | None = None
) -> ContractPage:
    """The contract's page for this visitor, or 404 (unknown, a draft they may not see, or no
    such version)."""
    principal = getattr(request.state, "principal", None)
    user = principal.user if principal else None
    try:
        contract = await contract_versions.visible(
            session=session, contract_id=contract_id, viewer=user
        )
    except NotFound:
        raise HTTPException(status_code=404) from None
    page = await contract_views.contract_page(
        session=session, contract=contract, version_number=number
    )
    if page is None:
        raise HTTPException(status_code=404)
    return page


def _headers(page: ContractPage) -> dict[str, str]:
    """A draft is nobody's to keep, not even the browser's cache."""
    if page.contract.status == ContractStatus.draft:
        return {"Cache-Control": "private, no-store"}
    return {}


@router.get("/contracts", name="contracts")
async def contract_list(request: Request, session: SessionDep) -> Response:
    """Every contract open for signature or in force."""
    context = {"contracts": await contract_lists.public_contracts(session=session)}
    return render(request, "public/contracts/list.html", context)


@router.get("/contracts/{contract_id}", name="contract")
async def contract_page(request: Request, contract_id: Id, session: SessionDep) -> Response:
    """The contract in its current version, with the path back from each priority."""
    page = await _page(request, session, contract_id)
    return render(request, "public/contracts/detail.html", {"page": page}, headers=_headers(page))


@router.get("/contracts/{contract_id}/versions/{number}", name="contract_version")
async def contract_version_page(
    request: Request, contract_id: Id, number: Id, session: SessionDep
) -> Response:
    """An earlier (or the current) version, readable with its own signatures."""
    page = await _page(request, session, contract_id, number)
    return render(request, "public/contracts/detail.html", {"page": page}, headers=_headers(page))


@router.get("/contracts/{contract_id}/print", name="contract_print")
async def contract_print(request: Request, contract_id: Id, session: SessionDep) -> Response:
    """The A4 document of the current version, in Albanian whatever the visitor's language."""
    i18n.set_locale(PRINT_LOCALE)
    page = await _page(request, session, contract_id)
    headers = {**_headers(page), "Content-Language": PRINT_LOCALE}
    context = {"page": page, "today": utcnow()}
    return render(request, "public/contracts/print.html", context, headers=headers)
