"""A bare ASGI hello-world: the ceiling any page of the app is compared with."""

from typing import Any

BODY = b"Hello, world"
HEADERS = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", b"12")]


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Answers every HTTP request with "Hello, world"."""
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            kind = message["type"].rsplit(".", 1)[-1]  # startup or shutdown
            await send({"type": f"lifespan.{kind}.complete"})
            if kind == "shutdown":
                return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
