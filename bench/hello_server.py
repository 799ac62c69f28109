"""The bare ASGI hello, served by uvicorn as `pop-forums serve` serves the app (its event loop
and HTTP protocol, app/cli.py): `python -m bench.hello_server PORT WORKERS`."""

import sys

import uvicorn

try:
    from app.cli import EVENT_LOOP
    from app.http_protocol import HTTP_PROTOCOL
except ImportError:  # an app from before it chose them: uvicorn's own
    EVENT_LOOP, HTTP_PROTOCOL = "auto", "auto"

if __name__ == "__main__":
    port, workers = int(sys.argv[1]), int(sys.argv[2])
    uvicorn.run(
        "bench.hello:app",
        host="127.0.0.1",
        port=port,
        workers=workers,
        loop=EVENT_LOOP,
        http=HTTP_PROTOCOL,
        access_log=False,
        server_header=False,
        log_level="warning",
    )
