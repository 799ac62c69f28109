"""The bare ASGI hello, served by uvicorn as `pop-forums serve` serves the app (its event loop
and HTTP protocol, app/cli.py): `python -m bench.hello_server --port P --workers W`."""

import argparse

import uvicorn

try:
    from app.cli import EVENT_LOOP
    from app.http_protocol import HTTP_PROTOCOL
except ImportError:  # an app from before it chose them: uvicorn's own
    EVENT_LOOP, HTTP_PROTOCOL = "auto", "auto"

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    uvicorn.run(
        "bench.hello:app",
        host="127.0.0.1",
        port=args.port,
        workers=args.workers,
        loop=EVENT_LOOP,
        http=HTTP_PROTOCOL,
        access_log=False,
        server_header=False,
        log_level="warning",
    )
