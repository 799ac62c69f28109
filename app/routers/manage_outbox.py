"""The admins' view of the outbox: every e-mail made, with its text and how it stands."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from app.deps import CurrentPrincipal, SessionDep, SettingsDep, get_principal
from app.models import Id, OutboxStatus
from app.routers.forms import see_other
from app.services import outbox_admin
from app.templating import render

router = APIRouter(prefix="/manage", dependencies=[Depends(get_principal)], include_in_schema=False)


@router.get("/outbox", name="manage_outbox")
async def outbox_page(
    request: Request,
    principal: CurrentPrincipal,
    session: SessionDep,
    settings: SettingsDep,
    status: OutboxStatus | None = None,
) -> Response:
    view = await outbox_admin.overview(session=session, actor=principal.user, status=status)
    context = {
        "view": view,
        "smtp_configured": bool(settings.smtp_url),
        "statuses": list(OutboxStatus),
        "max_attempts": settings.mail_max_attempts,
    }
    response = render(request, "manage/outbox.html", context)
    response.headers["Cache-Control"] = "no-store"  # addresses and ticket links
    return response


@router.post("/outbox/{message_id}/retry", name="retry_outbox_message")
async def retry(message_id: Id, principal: CurrentPrincipal, session: SessionDep) -> Response:
    await outbox_admin.retry(session=session, actor=principal.user, message_id=message_id)
    await session.commit()
    return see_other(f"/manage/outbox#message-{message_id}")
