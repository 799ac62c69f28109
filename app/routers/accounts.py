"""Signing in and out."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from app.config import parse_rate
from app.deps import DatabaseDep, MaybePrincipal, SessionDep, SettingsDep, get_principal
from app.i18n import gettext as _
from app.routers.forms import safe_next, see_other
from app.security import SESSION_COOKIE
from app.services import accounts, ratelimit
from app.templating import render

router = APIRouter(dependencies=[Depends(get_principal)], include_in_schema=False)


@router.get("/login", name="login_form")
async def login_form(request: Request, principal: MaybePrincipal, next: str = "") -> Response:
    if principal is not None:
        return see_other(safe_next(next, "/manage"))
    return render(request, "auth/login.html", {"next": safe_next(next, ""), "email": ""})


@router.post("/login", name="login")
async def login(
    request: Request,
    session: SessionDep,
    db: DatabaseDep,
    settings: SettingsDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    client = request.client.host if request.client else "unknown"
    ip_limit, ip_window = parse_rate(settings.rate_limit_login_ip)
    account_limit, account_window = parse_rate(settings.rate_limit_login_account)
    await ratelimit.hit(db=db, key=f"login:ip:{client}", limit=ip_limit, window=ip_window)
    await ratelimit.hit(
        db=db,
        key=f"login:account:{accounts.normalize_email(email)}",
        limit=account_limit,
        window=account_window,
    )
    user = await accounts.authenticate(session=session, email=email, password=password)
    if user is None:
        return render(
            request,
            "auth/login.html",
            {
                "next": safe_next(next, ""),
                "email": email,
                "error": _("The e-mail or the password is not right."),
            },
            status_code=400,
        )
    old_token = request.cookies.get(SESSION_COOKIE)
    if old_token:
        await accounts.end_session(session=session, token=old_token)
    token = await accounts.start_session(session=session, user=user, days=settings.session_days)
    await session.commit()
    response = see_other(safe_next(next, "/manage"))
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_days * 86_400,
        httponly=True,
        samesite="lax",
        secure=settings.https,
    )
    return response


@router.post("/logout", name="logout")
async def logout(request: Request, session: SessionDep) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await accounts.end_session(session=session, token=token)
        await session.commit()
    response = see_other("/")
    response.delete_cookie(SESSION_COOKIE)
    return response
