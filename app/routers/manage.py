"""The organizer area: the dashboard and personal API tokens."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response

from app.deps import CurrentPrincipal, Principal, SessionDep, get_principal
from app.i18n import gettext as _
from app.models import Id, Organization
from app.routers.forms import see_other
from app.services import accounts, disputes, needs_doing, scheduling
from app.templating import render

router = APIRouter(prefix="/manage", dependencies=[Depends(get_principal)], include_in_schema=False)


async def require_session(principal: CurrentPrincipal) -> Principal:
    """Token management takes a signed-in browser: a token must not mint or revoke tokens.

    A valid token is answered 403, not 401: who asks is known, and no other token would do.
    """
    if principal.via != "session":
        raise HTTPException(
            status_code=403,
            detail=_("API tokens are managed only by signing in, not with an API token."),
        )
    return principal


SignedInBrowser = Annotated[Principal, Depends(require_session)]


@router.get("", name="dashboard")
async def dashboard(request: Request, principal: CurrentPrincipal, session: SessionDep) -> Response:
    """My organization's next events, and what needs doing."""
    organization = (
        await session.get(Organization, principal.user.organization_id)
        if principal.user.organization_id
        else None
    )
    board = await scheduling.dashboard(session=session, actor=principal.user)
    disputed = await disputes.open_disputes(session=session, actor=principal.user)
    context = {
        "organization": organization,
        "board": board,
        "disputes": disputed,
        "waiting": await needs_doing.waiting_questions(session=session, actor=principal.user),
        "invitations": await needs_doing.open_invitations(session=session, actor=principal.user),
    }
    return render(request, "manage/dashboard.html", context)


@router.get("/tokens", name="api_tokens")
async def api_tokens(request: Request, principal: SignedInBrowser, session: SessionDep) -> Response:
    tokens = await accounts.list_api_tokens(session=session, user=principal.user)
    return render(request, "manage/tokens.html", {"tokens": tokens, "name": ""})


@router.post("/tokens", name="create_api_token")
async def create_api_token(
    request: Request,
    principal: SignedInBrowser,
    session: SessionDep,
    name: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Shows the new token once, on this response only (it is never shown again)."""
    if not name.strip() or len(name.strip()) > 100:
        tokens = await accounts.list_api_tokens(session=session, user=principal.user)
        return render(
            request,
            "manage/tokens.html",
            {
                "tokens": tokens,
                "name": name,
                "errors": {"name": _("Give the token a name of up to 100 characters.")},
            },
            status_code=400,
        )
    issued = await accounts.create_api_token(session=session, user=principal.user, name=name)
    await session.commit()
    tokens = await accounts.list_api_tokens(session=session, user=principal.user)
    response = render(
        request, "manage/tokens.html", {"tokens": tokens, "issued": issued, "name": ""}
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/tokens/{token_id}/revoke", name="revoke_api_token")
async def revoke_api_token(
    token_id: Id, principal: SignedInBrowser, session: SessionDep
) -> Response:
    token = await accounts.revoke_api_token(session=session, user=principal.user, token_id=token_id)
    if token is None:
        raise HTTPException(status_code=404)
    await session.commit()
    return see_other("/manage/tokens")
