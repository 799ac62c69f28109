"""Error answers: JSON for the API (`/api/…`, `/healthz`), the error page for everyone else."""

import logging
from http import HTTPStatus
from typing import Any
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.routing import iter_route_contexts
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.i18n import gettext as _
from app.security import SECURITY_HEADERS
from app.services.errors import InvalidInput, ServiceError
from app.services.ratelimit import RateLimited
from app.templating import is_htmx, render

logger = logging.getLogger("app")


def wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path in {"/healthz"}


def error_page(
    request: Request,
    status: int,
    message: str,
    *,
    detail: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "errors/error.html",
        {"status": status, "message": message, "detail": detail},
        status_code=status,
        headers=headers,
    )


def error_answer(
    request: Request,
    status: int,
    message: str,
    *,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The API gets `body` (by default {"detail": message}), a browser the error page."""
    if wants_json(request):
        body = {"detail": message} if body is None else body
        return JSONResponse(body, status_code=status, headers=headers)
    return error_page(request, status, message, headers=headers)


def allowed_methods(request: Request) -> str:
    """Every method the path takes (Starlette's 405 names only those of the first route that
    matches the path, and each method of a path is a route of its own here)."""
    methods: set[str] = set()
    path = request.url.path
    for route in iter_route_contexts(request.app.routes):
        pattern = getattr(route, "path_regex", None)
        if pattern is not None and route.methods and pattern.match(path):
            methods |= route.methods
    if "GET" in methods:
        methods.add("HEAD")  # answered as GET (app/middleware.py)
    return ", ".join(sorted(methods))


async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
    if exc.status_code == 405:
        exc.headers = {**(exc.headers or {}), "Allow": allowed_methods(request)}
    if wants_json(request):
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
    allow = {"Allow": exc.headers["Allow"]} if exc.status_code == 405 and exc.headers else None
    return error_page(request, exc.status_code, message, detail=detail, headers=allow)


async def validation_error(request: Request, exc: RequestValidationError) -> Response:
    locations = {(e.get("loc") or ("",))[0] for e in exc.errors()}
    if locations == {"path"} and not wants_json(request):
        # `/events/abc`, `/events/99999999999999999999`: no such page
        return await http_error(request, StarletteHTTPException(status_code=404))
    errors = [
        {"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
        for e in exc.errors()
    ]
    message = _("Some of what was sent is not valid.")
    return error_answer(request, 422, message, body={"detail": errors})


async def service_error(request: Request, exc: ServiceError) -> Response:
    """A refusal from a service that no page handled itself."""
    body: dict[str, Any] = {"detail": exc.message, "field": exc.field}
    if isinstance(exc, InvalidInput):
        body = {
            "detail": [
                {"loc": ["body", field], "msg": message, "type": "value_error"}
                for field, message in exc.errors.items()
            ]
        }
    return error_answer(request, exc.status_code, exc.message, body=body)


async def rate_limited(request: Request, exc: RateLimited) -> Response:
    message = _("Too many attempts. Please wait %(minutes)s minutes and try again.") % {
        "minutes": max(1, round(exc.retry_after / 60))
    }
    return error_answer(request, 429, message, headers={"Retry-After": str(exc.retry_after)})


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
    return error_answer(request, 503, message, headers={"Retry-After": "2"})


async def server_error(request: Request, exc: Exception) -> Response:
    """Answered outside the middlewares (by Starlette's last resort), so the security headers
    are added here."""
    logger.exception("unhandled error on %s %s", request.method, request.url.path)
    message = _("Something went wrong on our side. Please try again in a moment.")
    response = error_answer(request, 500, message)
    for name, value in SECURITY_HEADERS:
        response.headers[name.decode()] = value.decode()
    return response


def add_error_handlers(app: FastAPI) -> None:
    handlers: list[tuple[type[Exception], Any]] = [
        (StarletteHTTPException, http_error),
        (RequestValidationError, validation_error),
        (ServiceError, service_error),
        (RateLimited, rate_limited),
        (SQLAlchemyTimeoutError, database_busy),
        (OperationalError, database_busy),
        (DBAPIError, database_busy),
        (Exception, server_error),
    ]
    for exc_class, handler in handlers:
        app.add_exception_handler(exc_class, handler)
