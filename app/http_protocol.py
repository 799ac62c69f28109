"""uvicorn's httptools protocol, with Nagle's algorithm off on every connection.

asyncio turns it off only on sockets it opened for TCP itself; uvicorn's several workers share a
listening socket uvicorn opened (protocol 0), so their connections kept Nagle on, and a response
written as headers then body waited for the client's delayed ACK: ~40 ms a request (50
connections: ~1,100 req/s, at 3 % of a core). One worker, or uvloop, did not show it.
"""

import asyncio
import socket
from contextlib import suppress

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class NoDelayHttpToolsProtocol(HttpToolsProtocol):
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            with suppress(OSError):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().connection_made(transport)


HTTP_PROTOCOL = "app.http_protocol:NoDelayHttpToolsProtocol"
