"""The app's own ASGI middlewares: HEAD as GET, the locale of a request; static files cached."""

from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles

from app import i18n
from app.security import ASGIApp, Message, Receive, Scope, Send, scope_cookies


class HeadAsGetMiddleware:
    """HEAD answers what GET would, without the body (uptime monitors and link checkers ask
    with HEAD; the routes are declared for GET only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


class LocaleMiddleware:
    """Picks the language (cookie, then Accept-Language) and the timezone for this request."""

    def __init__(self, app: ASGIApp, *, default_locale: str, timezone: str) -> None:
        self.app = app
        self.default_locale = default_locale
        self.timezone = timezone

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            languages = next((v for n, v in scope["headers"] if n == b"accept-language"), b"")
            locale = i18n.negotiate(
                scope_cookies(scope).get(i18n.LANGUAGE_COOKIE),
                languages.decode("latin-1"),
                self.default_locale,
            )
            i18n.set_locale(locale)
            i18n.set_timezone(self.timezone)
        await self.app(scope, receive, send)


class CachedStaticFiles(StaticFiles):
    """Static files for a year: their URLs carry a version that changes with them."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
