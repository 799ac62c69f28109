"""create_app(): settings, database, middleware, routers, static files and error pages."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus
from http.cookies import SimpleCookie
from urllib.parse import quote, urlsplit

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from app import i18n
from app.accesslog import AccessLogMiddleware
from app.config import Settings, get_settings
from app.db import Database
from app.deps import verify_csrf
from app.i18n import gettext as _
from app.limits import BodyLimitMiddleware
from app.pagecache import SharedPages
from app.routers import (
    accounts,
    api,
    api_attendance,
    api_questions,
    api_scheduling,
    docs,
    events,
    health,
    manage,
    manage_attendance,
    manage_catalog,
    manage_events,
    moderation,
    pages,
    questions,
    registrations,
)
from app.security import (
    SECURITY_HEADERS,
    ASGIApp,
    Message,
    Receive,
    Scope,
    SecurityHeadersMiddleware,
    Send,
)
from app.services.errors import InvalidInput, ServiceError
from app.services.ratelimit import RateLimited
from app.templating import STATIC_DIR, environment, is_htmx, render
from app.voters import VoterCookieMiddleware

logger = logging.getLogger("app")


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
            headers = dict(scope["headers"])
            cookie = SimpleCookie()
            try:
                cookie.load(headers.get(b"cookie", b"").decode("latin-1"))
            except Exception:  # a malformed Cookie header falls back to the defaults
                cookie = SimpleCookie()
            chosen = cookie.get(i18n.LANGUAGE_COOKIE)
            locale = i18n.negotiate(
                chosen.value if chosen else None,
                headers.get(b"accept-language", b"").decode("latin-1"),
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


_frozen = False


def _freeze_startup_objects() -> None:
    """Once per process: what exists once started (modules, the ORM's registry, compiled
    templates) lives as long as the process, so the collector need not walk it again. A full
    collection then takes ~8 ms instead of ~80 ms, during which every request in flight waits.
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _freeze_startup_objects()
        yield
        await app.state.db.dispose()

    app = FastAPI(
        title="pop-forums",
        version="0.1.0",
        description="Public forums with candidates, citizens' questions, commitments and "
        "social contracts.",
        lifespan=lifespan,
        dependencies=[Depends(verify_csrf)],
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    # templates are re-read from disk only while developing
    environment.auto_reload = settings.environment == "development"
    app.state.db = Database(settings)
    # the event page and its live list, shared by every anonymous visitor (app/pagecache.py):
    # keyed by the version of their questions (and of the event itself); what else they show
    # may be 5 s old, 10 s while a page is rendered anew (a render every 5 s, not every 2, took
    # p99 at 50 clients from ~140 ms to ~100). At most ~25 MB each: a page with 200 questions
    # is ~400 KB.
    app.state.event_pages = SharedPages(ttl=5.0, max_entries=64)
    app.state.question_lists = SharedPages(ttl=5.0, max_entries=64)

    # level 4: the event page with 200 questions is 5% bigger than at 6 (13.6 KB, not 13.0) and
    # costs 0.6 ms to compress, not 0.8: 18% more pages a second on two cores (bench/questions.py)
    app.add_middleware(GZipMiddleware, minimum_size=512, compresslevel=4)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(
        LocaleMiddleware, default_locale=settings.default_locale, timezone=settings.timezone
    )
    app.add_middleware(VoterCookieMiddleware, secure=settings.https)
    app.add_middleware(SecurityHeadersMiddleware, https=settings.https)
    app.add_middleware(HeadAsGetMiddleware)
    app.add_middleware(AccessLogMiddleware)

    app.mount("/static", CachedStaticFiles(directory=STATIC_DIR), name="static")
    for module in (
        pages,
        events,
        accounts,
        manage,
        manage_catalog,
        manage_events,
        manage_attendance,
        health,
        api,
        docs,
        api_scheduling,
        api_attendance,
        api_questions,
        registrations,
        questions,
        moderation,
    ):
        app.include_router(module.router)
    _add_error_handlers(app)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in {"/healthz"}


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        if exc.status_code == 401 and is_htmx(request):
            # a fragment must not swap the sign-in page in; htmx follows HX-Redirect instead
            page = urlsplit(request.headers.get("hx-current-url", "")).path or "/"
            login = request.app.url_path_for("login_form") + f"?next={quote(page, safe='/')}"
            return Response(status_code=401, headers={"HX-Redirect": login})
        if exc.status_code == 401 and request.method == "GET":
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(
                request.app.url_path_for("login_form") + f"?next={quote(target, safe='/')}", 303
            )
        messages = {
            401: _("Please sign in."),
            403: _("You may not do this."),
            404: _("We could not find this page."),
            405: _("This address does not take that kind of request."),
        }
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code < 500 else None
        if detail == HTTPStatus(exc.status_code).phrase:  # Starlette's English default
            detail = None
        message = messages.get(exc.status_code, _("Something went wrong."))
        return render(
            request,
            "errors/error.html",
            {"status": exc.status_code, "message": message, "detail": detail},
            status_code=exc.status_code,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        if _wants_json(request):
            errors = [
                {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
                for e in exc.errors()
            ]
            return JSONResponse({"detail": errors}, status_code=422)
        return render(
            request,
            "errors/error.html",
            {"status": 422, "message": _("Some of what was sent is not valid."), "detail": None},
            status_code=422,
        )

    @app.exception_handler(ServiceError)
    async def service_error(request: Request, exc: ServiceError) -> Response:
        """A refusal from a service that no page handled itself: JSON for the API, else a page."""
        if _wants_json(request):
            if isinstance(exc, InvalidInput):
                detail = [
                    {"loc": ["body", field], "msg": message, "type": "value_error"}
                    for field, message in exc.errors.items()
                ]
                return JSONResponse({"detail": detail}, status_code=exc.status_code)
            body = {"detail": exc.message, "field": exc.field}
            return JSONResponse(body, status_code=exc.status_code)
        return render(
            request,
            "errors/error.html",
            {"status": exc.status_code, "message": exc.message, "detail": None},
            status_code=exc.status_code,
        )

    @app.exception_handler(RateLimited)
    async def rate_limited(request: Request, exc: RateLimited) -> Response:
        message = _("Too many attempts. Please wait %(minutes)s minutes and try again.") % {
            "minutes": max(1, round(exc.retry_after / 60))
        }
        headers = {"Retry-After": str(exc.retry_after)}
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=429, headers=headers)
        return render(
            request,
            "errors/error.html",
            {"status": 429, "message": message, "detail": None},
            status_code=429,
            headers=headers,
        )

    @app.exception_handler(SQLAlchemyTimeoutError)
    @app.exception_handler(OperationalError)
    @app.exception_handler(DBAPIError)
    async def database_busy(request: Request, exc: Exception) -> Response:
        """No connection to be had, or SQLite still locked after the busy timeout: try again."""
        text = str(exc).lower()
        busy = isinstance(exc, SQLAlchemyTimeoutError) or any(
            sign in text for sign in ("too many clients", "database is locked", "connection")
        )
        if not busy:
            return await server_error(request, exc)
        logger.warning("database busy on %s %s: %s", request.method, request.url.path, exc)
        message = _("The service is very busy right now. Please try again in a moment.")
        headers = {"Retry-After": "2"}
        if _wants_json(request):
            return JSONResponse({"detail": message}, status_code=503, headers=headers)
        return render(
            request,
            "errors/error.html",
            {"status": 503, "message": message, "detail": None},
            status_code=503,
            headers=headers,
        )

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        message = _("Something went wrong on our side. Please try again in a moment.")
        if _wants_json(request):
            response: Response = JSONResponse({"detail": message}, status_code=500)
        else:
            response = render(
                request,
                "errors/error.html",
                {"status": 500, "message": message, "detail": None},
                status_code=500,
            )
        for name, value in SECURITY_HEADERS:
            response.headers[name.decode()] = value.decode()
        return response
