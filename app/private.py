"""Private links: a secret token in the address is the key (tickets /r/…, question links /q/…,
and next the candidate portal). Whatever such a link opens is answered through here.

Never cached, never indexed, and the path with its token is never sent on, not even to us:
"strict-origin", not "no-referrer", because under "no-referrer" a browser sends `Origin: null`
with a form's POST, which the CSRF check refuses (the cancel button and the language switch
would answer 403); "strict-origin" sends the origin alone, never the token.
"""

from collections.abc import Awaitable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from app.templating import render as render_page

T = TypeVar("T")
R = TypeVar("R", bound=Response)

PRIVATE_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "strict-origin",
    "X-Robots-Tag": "noindex, nofollow",
}


def protect(response: R) -> R:
    """The response with the private headers (a redirect to the link, say)."""
    response.headers.update(PRIVATE_HEADERS)
    return response


def render(request: Request, template: str, context: dict[str, Any]) -> HTMLResponse:
    """A page that a private link opens."""
    return render_page(request, template, context, headers=PRIVATE_HEADERS)


def not_valid(request: Request, message: str) -> HTMLResponse:
    """The one answer to a link that is not (or no longer) valid: 404, saying `message`."""
    return render_page(
        request,
        "errors/error.html",
        {"status": 404, "message": message, "detail": None},
        status_code=404,
        headers=PRIVATE_HEADERS,
    )


async def lookup(request: Request, found: Awaitable[T | None], *, missing: str) -> T | HTMLResponse:
    """What the link's token opens (`found`, a service's lookup), or the 404 saying `missing`."""
    thing = await found
    return not_valid(request, missing) if thing is None else thing
