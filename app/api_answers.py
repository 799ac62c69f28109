"""What the JSON API routers share: the error answers each kind of route documents, the
optional-token declaration, and `Cache-Control: no-store` for personal answers."""

from typing import Any

from fastapi import Depends, Response
from pydantic import BaseModel

from app.deps import MaybePrincipal


class FieldError(BaseModel):
    """One input at fault: where (`["body", "name"]`, `["header", "idempotency-key"]`) and why."""

    loc: list[str | int]
    msg: str
    type: str


class Problem(BaseModel):
    """Every refusal: a message (and the field it is about), or for 422 the inputs at fault."""

    detail: str | list[FieldError]
    field: str | None = None


_WHY = {
    400: "The body cannot be read as the declared content type (malformed JSON or form).",
    401: "No valid API token (or session): missing, unknown or revoked.",
    403: "Not allowed for this account; or a cookie-authorized request without its CSRF token.",
    404: "No such thing, or not one this caller may see.",
    409: "Clashes with the current state (closed, full, already merged, another event…).",
    413: "The body is larger than the server takes (MAX_BODY_BYTES, 1 MB by default).",
    422: "The input is not valid; `detail` names each field at fault.",
    429: "Too many requests from this network or browser; see `Retry-After`.",
    503: "The database is busy or unreachable; try again after `Retry-After` seconds.",
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}


def answers(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: each error status it really gives, with its body; every
    route reads the database, so every one may answer 503."""
    table: dict[int | str, dict[str, Any]] = {
        code: {"model": Problem, "description": _WHY[code]} for code in (*codes, 503)
    }
    for code in (429, 503):
        if code in table:
            table[code]["headers"] = dict(RETRY_AFTER)
    return table


# one per kind of route
PUBLIC = answers()  # no input at all
PUBLIC_LIST = answers(422)  # query parameters only
PUBLIC_ITEM = answers(401, 404, 422)  # an optional token may be refused (401)
# a route that takes a body: 400 when it cannot be parsed, 413 above the limit (app/limits.py)
CITIZEN_WRITE = answers(400, 403, 404, 409, 413, 422, 429)  # rate limited; CSRF with a cookie
CITIZEN_CANCEL = answers(403, 404, 422)
SIGNED_IN = answers(401)
SIGNED_IN_READ = answers(401, 403, 404, 422)
SIGNED_IN_CREATE = answers(400, 401, 403, 409, 413, 422)
SIGNED_IN_WRITE = answers(400, 401, 403, 404, 409, 413, 422)

# a route that answers everyone, and more to an organizer's token: anonymous or bearer
OPTIONAL_TOKEN: dict[str, Any] = {"security": [{}]}


async def _no_store(response: Response) -> None:
    response.headers["Cache-Control"] = "no-store"


async def _no_store_when_signed_in(response: Response, principal: MaybePrincipal) -> None:
    if principal is not None:
        response.headers["Cache-Control"] = "no-store"


# personal data or a private link: no cache may keep it (as the HTML pages)
NO_STORE = [Depends(_no_store)]
# what an organizer sees of a public route may be more than the public sees
NO_STORE_WHEN_SIGNED_IN = [Depends(_no_store_when_signed_in)]
