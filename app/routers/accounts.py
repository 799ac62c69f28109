"""Signing in and out."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from app.deps import DatabaseDep, MaybePrincipal, SessionDep, SettingsDep, client_ip, get_principal
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
    # failures count, per IP, per account from this IP, per account; in that order, so that
    # an IP refused for its own failures takes nothing from the account's ceiling
    ip, account = client_ip(request), accounts.normalize_email(email)
    attempt = await ratelimit.guard(
        db=db, settings=settings, kind="login", ip=ip, account_ip=f"{account}|{ip}", account=account
    )
    user = await accounts.authenticate(session=session, email=email, password=password)
    if user is None:  # the attempt stays counted: a failure
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
    await ratelimit.release(db=db, hits=attempt)  # a success is not a failure
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
