"""create_app(): settings, database, middleware, routers, static files and error pages."""

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from starlette.middleware.gzip import GZipMiddleware

from app.accesslog import AccessLogMiddleware
from app.config import Settings, get_settings
from app.db import Database
from app.deps import refuse_nul, verify_csrf
from app.errors import add_error_handlers
from app.fastlane import FastLaneMiddleware
from app.limits import BodyLimitMiddleware
from app.middleware import CachedStaticFiles, HeadAsGetMiddleware, LocaleMiddleware
from app.pagecache import RecentVersions, SharedPages
from app.routers import (
    accounts,
    api,
    api_attendance,
    api_commitments,
    api_contracts,
    api_monitoring,
    api_portal,
    api_questions,
    api_scheduling,
    candidates,
    contracts,
    docs,
    events,
    health,
    mail,
    manage,
    manage_attendance,
    manage_candidates,
    manage_commitments,
    manage_contracts,
    manage_elections,
    manage_events,
    manage_monitoring,
    manage_outbox,
    manage_parties,
    manage_portal,
    manage_signatures,
    moderation,
    monitoring,
    municipalities,
    pages,
    portal,
    portal_invitations,
    questions,
    registrations,
    screen,
)
from app.security import SecurityHeadersMiddleware
from app.services.documents import UPLOAD_BODY_BYTES
from app.templating import STATIC_DIR, environment
from app.voters import VoterCookieMiddleware

_frozen = False
SHARED_PAGES_BYTES = 16 * 1024 * 1024  # per cache and worker
GC_THRESHOLDS = (10_000, 50, 100)
# the routes that take an upload (app/routers/api_contracts.py, manage_signatures.py)
UPLOAD_PREFIXES = ("/api/v1/contract-signatures/", "/manage/contract-signatures")


def _freeze_startup_objects() -> None:
    """Once per process: what exists once started (modules, the ORM's registry, compiled
    templates) lives as long as the process, so the collector need not walk it again: a full
    collection, during which every request in flight waits, is much shorter (bench/README.md).
    """
    global _frozen
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()
        # a young collection every 10,000 new objects, not 700, and the full one rarer: a
        # request makes thousands, and under load a full collection ran every second or so for
        # 9-22 ms and freed next to nothing (bench/README.md)
        gc.set_threshold(*GC_THRESHOLDS)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    _freeze_startup_objects()
    sender = _start_mail_sender(app)
    yield
    if sender is not None:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sender
    await app.state.db.dispose()


def _start_mail_sender(app: FastAPI) -> "asyncio.Task[None] | None":
    """Each worker runs a sender (app/services/mail_sender.py); claims keep them apart."""
    from app.services.mail_sender import run_forever

    interval = app.state.settings.mail_poll_seconds
    if interval <= 0:
        return None
    return asyncio.create_task(run_forever(app.state.db, interval=interval), name="mail-sender")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(
        title="pop-forums",
        version="0.1.0",
        description="Public forums with candidates, citizens' questions, commitments and "
        "social contracts.",
        lifespan=_lifespan,
        dependencies=[Depends(verify_csrf), Depends(refuse_nul)],
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    # templates are re-read from disk only while developing
    environment.auto_reload = settings.environment == "development"
    app.state.db = Database(settings)
    # the event page and its live list, shared by every anonymous visitor (app/pagecache.py),
    # keyed by the version of their questions and of the event; the rest may be 5 s old (10 s
    # while rendered anew): rendering less often keeps p99 down (figures in bench/README.md)
    # (a page of 200 questions weighs ~0.5 MB: README "What one worker needs")
    app.state.event_pages = SharedPages(ttl=5.0, max_bytes=SHARED_PAGES_BYTES)
    app.state.question_lists = SharedPages(ttl=5.0, max_bytes=SHARED_PAGES_BYTES)
    # the live list's "nothing changed" (204) from the version read less than a second ago
    app.state.question_versions = RecentVersions()
    app.state.list_versions = RecentVersions()  # of the events, for / and /events
    app.state.list_pages = SharedPages(ttl=5.0, max_bytes=SHARED_PAGES_BYTES)  # / and /events

    # level 4, not 6: a few % more bytes, much less CPU a page (bench/README.md)
    app.add_middleware(GZipMiddleware, minimum_size=512, compresslevel=4)
    # a visitor's event page and live list, without the routing (app/fastlane.py); it gzips
    # its own answers, so it sits outside the GZipMiddleware
    app.add_middleware(FastLaneMiddleware)
    # the scanned pages of contract signatures are uploaded up to 10 MB; everything else small
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        prefixes=dict.fromkeys(UPLOAD_PREFIXES, max(UPLOAD_BODY_BYTES, settings.max_body_bytes)),
    )
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
        manage_elections,
        manage_parties,
        manage_candidates,
        manage_events,
        manage_attendance,
        health,
        api,
        docs,
        api_scheduling,
        api_attendance,
        api_questions,
        api_commitments,
        api_contracts,
        registrations,
        questions,
        moderation,
        manage_commitments,
        screen,
        municipalities,
        api_portal,
        portal,
        manage_portal,
        manage_contracts,
        manage_signatures,
        candidates,
        contracts,
        mail,
        manage_outbox,
        portal_invitations,
        api_monitoring,
        monitoring,
        manage_monitoring,
    ):
        app.include_router(module.router)
    add_error_handlers(app)
    return app
