"""Jinja2 with gettext, and the one render helper: a full page, or one block for htmx."""

from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments import render_block

from app import i18n
from app.labels import invitation_action, label
from app.pagecache import CSRF_PLACEHOLDER, Overrides, SharedHtml, SlotRecorder
from app.security import CSRF_COOKIE, csrf_token
from app.services.topics import topic_name
from app.voters import publicly_cacheable

TEMPLATES_DIR = Path(__file__).parent / "templates"
STATIC_DIR = Path(__file__).parent / "static"


def _static_version() -> str:
    """Changes whenever a static file does, so browsers may cache them for a year."""
    stamps = [int(p.stat().st_mtime) for p in STATIC_DIR.rglob("*") if p.is_file()]
    return format(max(stamps, default=0), "x")


def create_environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda message: i18n.gettext(message),
        ngettext=lambda singular, plural, n: i18n.translations(i18n.get_locale()).ngettext(
            singular, plural, n
        ),
        newstyle=True,
    )
    env.filters["datetime"] = i18n.format_datetime
    env.filters["date"] = i18n.format_date
    env.filters["time"] = i18n.format_time
    env.filters["urlquote"] = lambda value: quote(str(value), safe="")
    env.filters["dict_except"] = lambda mapping, keys: {
        k: v for k, v in (mapping or {}).items() if k not in keys
    }
    env.globals["static_version"] = _static_version()
    env.globals["language_names"] = i18n.LANGUAGE_NAMES
    env.globals["label"] = label
    env.globals["invitation_action"] = invitation_action
    env.globals["topic_name"] = topic_name
    return env


environment = create_environment()


def is_htmx(request: Request) -> bool:
    """An htmx request that wants a fragment (a history restore wants the whole page)."""
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


def _values(request: Request, context: dict[str, Any] | None, csrf: str) -> dict[str, Any]:
    return {
        "request": request,
        "principal": getattr(request.state, "principal", None),
        "locale": i18n.get_locale(),
        "csrf_token": csrf,
        "settings": request.app.state.settings,
        **(context or {}),
    }


def _render_html(request: Request, template: str, values: dict[str, Any], block: str | None) -> str:
    if block is not None and is_htmx(request):
        return render_block(environment, template, block, values)
    return environment.get_template(template).render(values)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    block: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Renders a page; for htmx, only `block` of it. Always `Vary: HX-Request`."""
    values = _values(request, context, csrf_token(request))
    html = _render_html(request, template, values, block)
    return html_response(request, html, status_code=status_code, headers=headers)


def render_fragment(template: str, context: dict[str, Any]) -> str:
    """A template that needs nothing of the request (no forms, no links to the current page)."""
    return environment.get_template(template).render({"locale": i18n.get_locale(), **context})


def render_shared(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    block: str | None = None,
    principal: Any = None,
) -> SharedHtml:
    """A page as every anonymous visitor (or, with `principal`, every request of one signed-in
    user: cache it under their id) gets it, with slots for what is each browser's alone.

    The template marks those parts with `shared.slot(kind, value)` (see app/pagecache.py);
    question items do it by themselves.
    """
    recorder = SlotRecorder()
    shared = {**context, "principal": principal, "shared": recorder}
    values = _values(request, shared, CSRF_PLACEHOLDER)
    return recorder.finish(_render_html(request, template, values, block))


def shared_response(
    request: Request,
    page: SharedHtml,
    overrides: Overrides | None,
    *,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """A shared page made this visitor's: their token, and their own parts (`overrides`, by
    slot); gzipped here when the browser takes it (from the parts compressed once,
    app/gzipjoin.py)."""
    token = csrf_token(request)
    if not accepts_gzip(request):
        return html_response(request, page.personalize(token, overrides), headers=headers)
    return gzipped_response(request, page.personalize_gzip(token, overrides), headers)


def gzipped_response(
    request: Request, packed: bytes, headers: dict[str, str] | None = None
) -> HTMLResponse:
    """`html_response` of HTML gzipped already (the GZipMiddleware leaves it as it is)."""
    response = html_response(request, packed, headers=headers)
    response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] += ", Accept-Encoding"
    return response


def accepts_gzip(request: Request) -> bool:
    """As the GZipMiddleware decides it."""
    return "gzip" in request.headers.get("accept-encoding", "")


def html_response(
    request: Request,
    html: str | bytes,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """The HTML with the headers every page has, and the CSRF cookie when it is new."""
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    response.headers["Vary"] = "HX-Request, Cookie, Accept-Language"
    # pages carry a per-visitor CSRF token: never stored by shared caches
    response.headers.setdefault("Cache-Control", "private, no-cache")
    new_nonce = getattr(request.state, "new_csrf_nonce", None)
    # never a cookie on what a shared cache may keep and hand to others
    if new_nonce and not publicly_cacheable(response.headers.get("cache-control", "")):
        response.set_cookie(
            CSRF_COOKIE,
            new_nonce,
            max_age=60 * 60 * 24 * 365,
            httponly=True,
            samesite="lax",
            secure=request.app.state.settings.https,
        )
    return response
