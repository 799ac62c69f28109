"""The two addresses a forum night is made of, answered without FastAPI's routing.

`GET /events/{id}` and its live list `GET /events/{id}/questions/live` are what hundreds of
phones ask for, every 2 s, all evening. For a visitor (no session cookie, no API token) with an
address as the page makes it, this middleware makes the checks of their routes itself (the id,
the query, no NUL, nobody signed in) and calls what those routes call (app/pages/event_page.py);
FastAPI's routing and dependency solving cost more than the rest of such an answer.
Anything else, and anything unusual (an error to render, a query it does not know), goes on to
the app, which answers it as always.
"""

import logging
import re
from urllib.parse import parse_qsl

from starlette.requests import Request

from app.models import ID_MAX
from app.pages.event_page import SHAREABLE_QUERIES, shared_event_page, shared_live_list, sort_of
from app.security import ASGIApp, Receive, Scope, Send, may_be_signed_in
from app.voters import voter_of

logger = logging.getLogger(__name__)

_PAGE = re.compile(r"/events/([1-9][0-9]{0,11})")
_LIVE = re.compile(r"/events/([1-9][0-9]{0,11})/questions/live")
_LIVE_QUERY_LIMITS = {"v": 64, "sort": 10}  # as the route's Query(max_length=...)


class FastLaneMiddleware:
    """Serves the shared event page and live list to visitors; the rest goes to `app`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path = scope["path"]
            page = _PAGE.fullmatch(path)
            live = None if page else _LIVE.fullmatch(path)
            if (page or live) is not None:
                answered = await self._answer(scope, receive, send, page=page, live=live)
                if answered:
                    return
        await self.app(scope, receive, send)

    async def _answer(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        page: re.Match[str] | None,
        live: re.Match[str] | None,
    ) -> bool:
        """True once answered; False to leave it to the app (nothing has been sent then)."""
        match = page or live
        assert match is not None
        event_id = int(match.group(1))
        query = scope.get("query_string", b"").decode("latin-1")
        if event_id > ID_MAX or "\x00" in query or "%00" in query:
            return False
        params = dict(parse_qsl(query, keep_blank_values=True))
        if page is not None and query not in SHAREABLE_QUERIES:
            return False
        if live is not None and any(
            _LIVE_QUERY_LIMITS.get(name, -1) < len(value) for name, value in params.items()
        ):
            return False
        request = Request(scope, receive)
        if may_be_signed_in(request):  # the routes look them up (app/deps.py get_principal)
            return False
        request.state.principal = None  # what get_principal says of a visitor
        app = scope["app"]
        settings, db = app.state.settings, app.state.db
        voter = voter_of(request, settings.secret_key)
        sort = sort_of(params.get("sort"))
        try:
            if page is not None:
                response = await shared_event_page(request, db, event_id, voter, sort)
            else:
                seen = params.get("v", "")
                response = await shared_live_list(request, db, event_id, voter, sort, seen)
        except Exception:  # a missing event, a busy database...: the app answers it as always
            logger.debug("the fast lane leaves %s to the app", scope["path"], exc_info=True)
            return False
        await response(scope, receive, send)
        return True
