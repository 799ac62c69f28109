"""Request bodies above a size are refused with 413 before the app reads them."""

from collections.abc import Mapping

from babel.numbers import format_decimal
from fastapi.responses import JSONResponse, Response
from starlette.requests import Request

from app import i18n
from app.i18n import gettext as _
from app.security import ASGIApp, Message, Receive, Scope, Send
from app.templating import render

_MB = 1_048_576


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # the server refuses a malformed one before the app sees it
    return None


def _is_chunked(scope: Scope) -> bool:
    return any(name == b"transfer-encoding" for name, _value in scope.get("headers", []))


def _size(limit: int) -> str:
    if limit >= _MB:
        return f"{format_decimal(round(limit / _MB, 1), locale=i18n.get_locale())} MB"
    return f"{format_decimal(round(limit / 1024, 1), locale=i18n.get_locale())} KB"


class BodyLimitMiddleware:
    """Refuses a body above `max_bytes` (or the limit of the longest matching prefix in
    `prefixes`, for an upload route) with 413: at once when Content-Length says so, and for a
    chunked body as soon as its bytes pass the limit. The app never sees such a body."""

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, prefixes: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.prefixes = sorted((prefixes or {}).items(), key=lambda item: -len(item[0]))

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.prefixes:
            if path.startswith(prefix):
                return limit
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        length = _content_length(scope)
        if length is not None:
            # the server hands the app no more than Content-Length says
            if length > limit:
                await self._refuse(scope, receive, send, limit)
            else:
                await self.app(scope, receive, send)
            return
        if not _is_chunked(scope):  # no Content-Length, not chunked: no body (HTTP/1.1)
            await self.app(scope, receive, send)
            return
        # chunked: read it here, at most `limit` bytes of it, then hand it on as it came
        messages: list[Message] = []
        size = 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > limit:
                messages.clear()
                await self._refuse(scope, receive, send, limit)
                return
            if not message.get("more_body", False):
                break

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        """413 in the visitor's language. The server then reads what is left of the body and
        throws it away, so that a browser still sending it gets to show this page (a connection
        closed on unread data is reset, and the browser shows its own error instead)."""
        message = _("What was sent is too large: at most %(size)s.") % {"size": _size(limit)}
        if scope["path"].startswith("/api/"):
            response: Response = JSONResponse({"detail": message}, status_code=413)
        else:
            response = render(
                Request(scope, receive),
                "errors/error.html",
                {"status": 413, "message": message, "detail": None},
                status_code=413,
            )
        await response(scope, receive, send)
