"""The public pages: home, and the language switch."""

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import LOCALES
from app.deps import DatabaseDep, SettingsDep, get_principal
from app.i18n import LANGUAGE_COOKIE
from app.pages.event_list import list_page
from app.routers.forms import safe_next, see_other
from app.services import events

router = APIRouter(dependencies=[Depends(get_principal)], include_in_schema=False)

HOME_EVENTS = 6


@router.get("/", name="home")
async def home(request: Request, db: DatabaseDep) -> Response:
    async def context(session: AsyncSession, now: datetime) -> dict[str, Any]:
        upcoming = await events.list_public_events(
            session=session, filters=events.EventFilters(), per_page=HOME_EVENTS, now=now
        )
        return {"upcoming": upcoming}

    return await list_page(request, db, "public/home.html", context)


@router.post("/lang", name="set_language")
async def set_language(
    settings: SettingsDep,
    lang: Annotated[str, Form(max_length=5)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
    back_to: Annotated[str, Query(alias="next", max_length=2000)] = "/",
) -> Response:
    """Remembers the chosen language for a year and goes back to where the person was (the
    page's language buttons say where in their address; a form of an older page in a field)."""
    response = see_other(safe_next(next or back_to))
    if lang in LOCALES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            lang,
            max_age=60 * 60 * 24 * 365,
            httponly=True,
            samesite="lax",
            secure=settings.https,
        )
    return response
