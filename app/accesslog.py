"""The access log: method, route template, status and duration — never the path itself, which
may carry a ticket's or a question's secret token (`/r/{token}`)."""

import copy
import logging
import re
import time
from typing import Any

from app.security import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("app.access")

# in a path no route matched, a segment this long may be a token: it is not written down
_LONG_SEGMENT = re.compile(r"(?<=/)[^/]{16,}")


def route_template(scope: Scope) -> str:
    """The template of the route that answered (`/r/{token}`); for a path no route matched,
    the path with every long segment masked."""
    template = getattr(scope.get("route"), "path", None)
    if isinstance(template, str):
        return template
    return _LONG_SEGMENT.sub("{token}", scope.get("path", ""))


class AccessLogMiddleware:
    """One line per request on the `app.access` logger, at INFO, when that level is on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not logger.isEnabledFor(logging.INFO):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless the app answers before it fails

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            logger.info(
                '"%s %s" %d %.1f ms',
                scope["method"],
                route_template(scope),
                status,
                (time.perf_counter() - started) * 1000,
            )


def uvicorn_log_config(*, access_log: bool) -> dict[str, Any]:
    """uvicorn's logging, plus this access log on stdout (uvicorn's own, which writes whole
    paths, is switched off by `serve`)."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["handlers"]["app_access"] = {
        "formatter": "default",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
    }
    config["loggers"]["app.access"] = {
        "handlers": ["app_access"],
        "level": "INFO" if access_log else "WARNING",
        "propagate": False,
    }
    return config
