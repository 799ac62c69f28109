"""Public monitoring pages: the network overview (/monitoring), the network's unaddressed list,
a round's report and its print view (A4, always in Albanian, the language the network
publishes in). A draft round is seen only by its contract's organizations (404 to others)."""

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from app import i18n
from app.deps import MaybePrincipal, SessionDep, get_principal
from app.models import Id
from app.pages import monitoring as pages
from app.services import monitoring_views
from app.services.errors import NotFound
from app.templating import render

router = APIRouter(dependencies=[Depends(get_principal)], include_in_schema=False)


@router.get("/monitoring", name="monitoring")
async def network(request: Request, session: SessionDep) -> Response:
    context = await pages.network_context(session=session)
    return render(request, "public/monitoring/network.html", context)


@router.get("/monitoring/unaddressed", name="monitoring_unaddressed")
async def unaddressed(request: Request, session: SessionDep) -> Response:
    context = await pages.unaddressed_context(session=session)
    return render(request, "public/monitoring/unaddressed.html", context)


async def _report(
    session: SessionDep, principal: MaybePrincipal, round_id: int
) -> monitoring_views.RoundView:
    viewer = principal.user if principal else None
    try:
        round_, contract = await monitoring_views.visible_round(
            session=session, round_id=round_id, viewer=viewer
        )
    except NotFound as error:
        raise HTTPException(status_code=404) from error
    return await monitoring_views.round_view(session=session, round_=round_, contract=contract)


@router.get("/monitoring/rounds/{round_id}", name="monitoring_round")
async def round_page(
    request: Request, round_id: Id, session: SessionDep, principal: MaybePrincipal
) -> Response:
    view = await _report(session, principal, round_id)
    viewer = principal.user if principal else None
    context = await pages.report_context(session=session, view=view, viewer=viewer)
    headers = {"Cache-Control": "no-store"} if viewer else None
    return render(request, "public/monitoring/round.html", context, headers=headers)


@router.get("/monitoring/rounds/{round_id}/print", name="monitoring_round_print")
async def round_print(
    request: Request, round_id: Id, session: SessionDep, principal: MaybePrincipal
) -> Response:
    """The report to print: Albanian whatever the visitor reads (this request only)."""
    i18n.set_locale("sq")
    view = await _report(session, principal, round_id)
    context = await pages.report_context(session=session, view=view, viewer=None)
    return render(request, "public/monitoring/print.html", context)
