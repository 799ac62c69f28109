"""The voter: a browser, known by a long-lived random cookie set on its first contact."""

import secrets
from typing import Annotated

from fastapi import Depends, Request

from app.deps import SettingsDep
from app.security import ASGIApp, Message, Receive, Scope, Send, scope_cookies
from app.services.questions import browser_id

VOTER_COOKIE = "pf_voter"
_MAX_AGE = 60 * 60 * 24 * 730
_SKIP = ("/static/", "/healthz")


def _cookie_value(scope: Scope) -> str | None:
    value = scope_cookies(scope).get(VOTER_COOKIE)
    return value if value and 20 <= len(value) <= 64 else None


def publicly_cacheable(cache_control: str) -> bool:
    """True when shared caches may keep the answer (and hand it, cookie and all, to others)."""
    directives = {part.strip().split("=", 1)[0].lower() for part in cache_control.split(",")}
    return bool(directives & {"public", "s-maxage"})


def _cache_control(message: Message) -> str:
    values = [v for name, v in message.get("headers", []) if name.lower() == b"cache-control"]
    return b", ".join(values).decode("latin-1")


class VoterCookieMiddleware:
    """Gives every browser a voter cookie on first contact (pages and API calls alike), but
    never with an answer a shared cache may keep: one voter id would go to many people."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(_SKIP):
            await self.app(scope, receive, send)
            return
        value = _cookie_value(scope)
        fresh = value is None
        if value is None:
            value = secrets.token_urlsafe(24)
        scope.setdefault("state", {})["voter_cookie"] = value

        async def send_with_cookie(message: Message) -> None:
            if (
                fresh
                and message["type"] == "http.response.start"
                and not publicly_cacheable(_cache_control(message))
            ):
                cookie = (
                    f"{VOTER_COOKIE}={value}; Max-Age={_MAX_AGE}; Path=/; HttpOnly; SameSite=Lax"
                    + ("; Secure" if self.secure else "")
                )
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def voter_of(request: Request, secret: str) -> str:
    """This browser's stored identity (a keyed hash of its cookie, given on first contact)."""
    cookie = request.scope.get("state", {}).get("voter_cookie") or request.cookies.get(VOTER_COOKIE)
    return browser_id(secret=secret, cookie=cookie or "anonymous")


async def get_voter(request: Request, settings: SettingsDep) -> str:
    """This browser's stored identity, for a route."""
    return voter_of(request, settings.secret_key)


VoterDep = Annotated[str, Depends(get_voter)]
