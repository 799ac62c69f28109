"""Annotated dependencies shared by every router: the database session, who is asking, CSRF,
and the event (or question) of the path with who may see or organize it."""

import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from app.config import Settings
from app.db import Database
from app.i18n import gettext as _
from app.models import Event, Id, Question, Role, User
from app.security import (
    CSRF_FORM_FIELD,
    CSRF_HEADER,
    SAFE_METHODS,
    SESSION_COOKIE,
    csrf_token_is_valid,
    is_bearer_request,
    may_be_signed_in,
    needs_csrf_check,
    origin_is_foreign,
)
from app.services import accounts, events
from app.services.access import require_event_writer
from app.services.errors import NotAllowed, NotFound
from app.services.events import EventListing

logger = logging.getLogger("app")


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.db
    return database


SettingsDep = Annotated[Settings, Depends(get_settings)]


def client_ip(request: Request) -> str:
    """The client's address (behind a proxy: the one uvicorn's --proxy-headers trusted)."""
    return request.client.host if request.client else "unknown"


DatabaseDep = Annotated[Database, Depends(get_database)]


async def get_session(request: Request, db: DatabaseDep) -> AsyncIterator[AsyncSession]:
    """A read session for safe methods, a write session (SQLite: BEGIN IMMEDIATE) otherwise.

    Handlers commit their writes themselves; whatever is left uncommitted is rolled back.
    """
    maker = db.read if request.method in SAFE_METHODS else db.write
    async with maker() as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


@dataclass(frozen=True)
class Principal:
    """Who is asking, and whether a session cookie or an API token says so."""

    user: User
    via: Literal["session", "token"]

    @property
    def is_admin(self) -> bool:
        return self.user.role == Role.admin


bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="APIToken",
    description="A personal API token (create one under /manage/tokens or with "
    "`pop-forums create-api-token`).",
)


async def get_principal(
    request: Request,
    db: DatabaseDep,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Principal | None:
    """The signed-in user, from a bearer token (which then ignores cookies) or the session.

    It reads in a short session of its own, so that the request's write session (on SQLite a
    BEGIN IMMEDIATE) is not opened before the handler needs it.
    """
    if not may_be_signed_in(request):
        request.state.principal = None  # a visitor: no session to look up, no database
        return None
    async with db.read() as session:
        principal, token_used = await _lookup_principal(request, session)
    if token_used is not None:
        await _record_token_use(db, token_used)
    return principal


async def _record_token_use(db: Database, token_id: int) -> None:
    """last_used_at, in a short write of its own; a failure is logged, never the request's."""
    try:
        async with db.write() as session:
            await accounts.record_api_token_use(session=session, token_id=token_id)
            await session.commit()
    except Exception:
        logger.warning("could not record the use of API token %s", token_id, exc_info=True)


async def _lookup_principal(
    request: Request, session: AsyncSession
) -> tuple[Principal | None, int | None]:
    """Who asks, and the id of the API token whose last_used_at is due (or None)."""
    token_used = None
    if is_bearer_request(request):
        secret = request.headers["authorization"].split(" ", 1)[1].strip()
        holder = await accounts.holder_of_api_token(session=session, secret=secret)
        if holder is None:
            raise HTTPException(
                status_code=401,
                detail=_("The API token is not valid or has been revoked."),
                headers={"WWW-Authenticate": "Bearer"},
            )
        principal: Principal | None = Principal(user=holder.user, via="token")
        token_used = holder.token.id if holder.use_is_due() else None
    else:
        token = request.cookies.get(SESSION_COOKIE)
        user = await accounts.user_for_session(session=session, token=token) if token else None
        principal = Principal(user=user, via="session") if user else None
    request.state.principal = principal
    return principal, token_used


MaybePrincipal = Annotated[Principal | None, Depends(get_principal)]


async def require_principal(principal: MaybePrincipal) -> Principal:
    if principal is None:
        raise HTTPException(status_code=401, detail=_("Please sign in."))
    return principal


async def require_admin(principal: Annotated[Principal, Depends(require_principal)]) -> Principal:
    if not principal.is_admin:
        raise HTTPException(status_code=403, detail=_("Only a network admin may do this."))
    return principal


CurrentPrincipal = Annotated[Principal, Depends(require_principal)]
AdminPrincipal = Annotated[Principal, Depends(require_admin)]


NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


async def refuse_nul(request: Request) -> None:
    """No text with a NUL character gets in, on any engine (PostgreSQL cannot store one): the
    path, the query and the form fields are read here, once; JSON bodies by app.models.Input."""
    errors: list[dict[str, object]] = []
    if NUL in request.url.path or NUL in request.scope.get("path", ""):
        errors.append({"loc": ("path",), "type": "nul_character"})
    errors += [
        {"loc": ("query", name), "type": "nul_character"}
        for name, value in request.query_params.multi_items()
        if NUL in name or NUL in value
    ]
    api = request.url.path.startswith("/api/")  # JSON bodies: app.models.Input reads them
    if not api and request.headers.get("content-type", "").startswith(FORM_TYPES):
        form = await request.form()
        errors += [
            {"loc": ("body", name), "type": "nul_character"}
            for name, value in form.multi_items()
            if NUL in name or (isinstance(value, str) and NUL in value)
        ]
    if errors:
        message = "Text may not contain a NUL character."
        raise RequestValidationError([{**e, "msg": message, "input": None} for e in errors])


async def verify_csrf(request: Request, settings: SettingsDep) -> None:
    """Refuses an unsafe request that a cookie authorizes unless it proves it came from us."""
    if not needs_csrf_check(request):
        return
    if origin_is_foreign(request, settings.origin):
        raise HTTPException(status_code=403, detail=_("This request came from another site."))
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FORM_FIELD)
        given = value if isinstance(value, str) else None
    if not csrf_token_is_valid(request, given):
        raise HTTPException(
            status_code=403,
            detail=_("The form has expired. Go back, reload the page and try again."),
        )


# --- the event (or question) of the path -----------------------------------------------------
# Each checks who may have it before the handler reads any input: 404 when there is no such
# thing (or it is not for this visitor to know of), 403 when it is someone else's.


async def public_event(event_id: Id, session: SessionDep) -> EventListing:
    """A published event, for anyone (drafts are nobody's business but their organizers')."""
    try:
        return await events.visible_event(session=session, event_id=event_id)
    except NotFound as error:
        raise HTTPException(status_code=404) from error


class EventOrganizers:
    """The event of the path, for its organizing organization and admins only: 404 unknown
    (or another organization's draft), 403 others, the 403 page saying `refusal()` (the
    area's own words) if given."""

    def __init__(self, refusal: Callable[[], str] | None = None) -> None:
        self.refusal = refusal

    async def __call__(
        self, event_id: Id, principal: CurrentPrincipal, session: SessionDep
    ) -> Event:
        event = await session.get(Event, event_id)
        if event is None or not events.is_visible(event, principal.user):
            raise HTTPException(status_code=404)  # another organization's draft: none for them
        self.require(principal.user, event)
        return event

    def require(self, user: User, event: Event) -> None:
        try:
            require_event_writer(user, event)
        except NotAllowed as error:
            detail = self.refusal() if self.refusal else None
            raise HTTPException(status_code=403, detail=detail) from error


_moderators = EventOrganizers(
    lambda: _("Only the organizing organization moderates its questions.")
)


async def moderated_question(
    question_id: Id, principal: CurrentPrincipal, session: SessionDep
) -> Question:
    """The question of the path, for its event's organizers (and admins) only: 404, then 403."""
    question = await session.get(Question, question_id)
    if question is None:
        raise HTTPException(status_code=404)
    event = await session.get(Event, question.event_id)
    assert event is not None  # foreign key
    if not events.is_visible(event, principal.user):
        raise HTTPException(status_code=404)
    _moderators.require(principal.user, event)
    return question


PublicEvent = Annotated[EventListing, Depends(public_event)]
OrganizedEvent = Annotated[Event, Depends(EventOrganizers())]
# the same, for the pages of personal data and of moderation, whose 403 says so
RegistrationsEvent = Annotated[
    Event,
    Depends(
        EventOrganizers(lambda: _("Registrations are visible only to the organizing organization."))
    ),
]
ModeratedEvent = Annotated[Event, Depends(_moderators)]
ModeratedQuestion = Annotated[Question, Depends(moderated_question)]
