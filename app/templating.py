"""Jinja2 with gettext, and the one render helper: a full page, or one block for htmx."""

from collections import OrderedDict
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2_fragments import render_block
from markupsafe import Markup

from app import i18n
from app.labels import invitation_action, label
from app.security import CSRF_COOKIE, csrf_token

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
    return env


environment = create_environment()

# --- the public question list, item by item ----------------------------------------------------
# An item's HTML depends only on the question's state, the language, the sort and whether this
# browser voted; the visitor's CSRF token is put in after. So the 200 items of a busy forum page
# are rendered once per change, not once per request.
_CSRF_PLACEHOLDER = "csrf-placeholder-5f3c9a"
_ITEM_CACHE_SIZE = 20_000
_items: OrderedDict[tuple[Any, ...], str] = OrderedDict()


def question_item(view: Any, voted: bool, sort: str, csrf_token: str) -> Markup:
    """One public question as HTML, from the cache when its state has not changed."""
    q = view.question
    key = (q.id, q.updated_at, q.votes, q.status, q.body, i18n.get_locale(), sort, voted)
    html = _items.get(key)
    if html is None:
        macros = environment.get_template("public/questions/_macros.html").make_module(
            {"csrf_token": _CSRF_PLACEHOLDER, "sort": sort, "locale": i18n.get_locale()}
        )
        html = str(macros.question_item(view, {q.id} if voted else set()))  # type: ignore[attr-defined]
        _items[key] = html
        if len(_items) > _ITEM_CACHE_SIZE:
            _items.popitem(last=False)
    return Markup(html.replace(_CSRF_PLACEHOLDER, csrf_token))  # noqa: S704 (rendered with autoescape)


environment.globals["question_item"] = question_item


def is_htmx(request: Request) -> bool:
    """An htmx request that wants a fragment (a history restore wants the whole page)."""
    return (
        request.headers.get("hx-request") == "true"
        and request.headers.get("hx-history-restore-request") != "true"
    )


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
    settings = request.app.state.settings
    values = {
        "request": request,
        "principal": getattr(request.state, "principal", None),
        "locale": i18n.get_locale(),
        "csrf_token": csrf_token(request),
        "settings": settings,
        **(context or {}),
    }
    if block is not None and is_htmx(request):
        html = render_block(environment, template, block, values)
    else:
        html = environment.get_template(template).render(values)
    response = HTMLResponse(html, status_code=status_code, headers=headers)
    response.headers["Vary"] = "HX-Request, Cookie, Accept-Language"
    # pages carry a per-visitor CSRF token: never stored by shared caches
    response.headers.setdefault("Cache-Control", "private, no-cache")
    new_nonce = getattr(request.state, "new_csrf_nonce", None)
    if new_nonce:
        response.set_cookie(
            CSRF_COOKIE,
            new_nonce,
            max_age=60 * 60 * 24 * 365,
            httponly=True,
            samesite="lax",
            secure=settings.https,
        )
    return response
