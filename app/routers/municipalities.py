"""The public municipalities: the list, and each one's page (its calendar feed is with the
others, in events.py)."""

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from app.deps import SessionDep, get_principal
from app.pages.municipality_page import municipality_context
from app.services import events
from app.templating import render

router = APIRouter(dependencies=[Depends(get_principal)], include_in_schema=False)


@router.get("/municipalities", name="municipalities")
async def municipalities_page(request: Request, session: SessionDep) -> Response:
    """Every municipality with its POP organization and how many events are coming there."""
    entries = await events.municipality_directory(session=session)
    return render(request, "public/municipalities.html", {"entries": entries})


@router.get("/municipalities/{slug}", name="municipality")
async def municipality_page(request: Request, slug: str, session: SessionDep) -> Response:
    municipality = await events.municipality_by_slug(session=session, slug=slug)
    if municipality is None:
        raise HTTPException(status_code=404)
    context = await municipality_context(session=session, municipality=municipality)
    return render(request, "public/municipality.html", context)
