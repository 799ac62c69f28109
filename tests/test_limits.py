"""Request bodies above MAX_BODY_BYTES get 413 before they are read: with a Content-Length at
once, chunked as soon as the limit is passed; in the visitor's language; and a real server's
memory stays where it was after eight 20 MB posts."""

import json
import re
import socket
import time
from collections.abc import AsyncIterator
from contextlib import suppress
from pathlib import Path

import httpx

from app.limits import BodyLimitMiddleware
from app.main import create_app
from app.security import Message, Receive, Scope, Send
from tests.conftest import PASSWORD, Browser, World, make_settings
from tests.liveserver import live_server

MB = 1_048_576
BIG = 20 * MB
CHUNK = 64 * 1024
QUESTIONS = "/api/v1/events/1/questions"


class Body:
    """A body sent in chunks, which counts how many of them the server asked for."""

    def __init__(self, size: int, fill: bytes = b"x") -> None:
        self.size = size
        self.fill = fill
        self.chunks_read = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        sent = 0
        while sent < self.size:
            piece = min(CHUNK, self.size - sent)
            self.chunks_read += 1
            sent += piece
            yield self.fill * piece


async def test_a_20_mb_json_post_is_refused_before_a_byte_of_it_is_read(
    client: Browser,
) -> None:
    body = Body(BIG)
    started = time.monotonic()
    response = await client.post(
        QUESTIONS,
        content=body,
        headers={"content-type": "application/json", "content-length": str(BIG)},
    )
    assert time.monotonic() - started < 1
    assert response.status_code == 413
    assert response.json() == {
        "detail": "Ajo që u dërgua është shumë e madhe: jo më shumë se 1 MB."
    }
    assert body.chunks_read == 0  # the handler never saw it


async def test_a_chunked_body_is_cut_off_at_the_limit(citizen: Browser) -> None:
    body = Body(BIG)
    response = await citizen.post(
        QUESTIONS, content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "What was sent is too large: at most 1 MB."}
    assert body.chunks_read <= MB // CHUNK + 1  # it stopped reading at the limit


async def test_a_page_gets_the_error_page_in_its_language(client: Browser) -> None:
    # one field larger than Starlette's own limit for a form field (1024 KB): it never gets
    # that far, so its English "Field exceeded maximum size" is never shown
    form = b"csrf_token=x&email=" + b"a" * (MB + 10)
    for language, text in [
        ("sq", "Ajo që u dërgua është shumë e madhe: jo më shumë se 1 MB."),
        ("en", "What was sent is too large: at most 1 MB."),
    ]:
        client.cookies.set("pf_lang", language)
        response = await client.post(
            "/login", content=form, headers={"content-type": "application/x-www-form-urlencoded"}
        )
        assert response.status_code == 413
        assert f'<html lang="{language}"' in response.text
        assert f"<h1>{text}</h1>" in response.text
        assert "exceeded" not in response.text
        assert "default-src 'self'" in response.headers["content-security-policy"]


async def test_bodies_up_to_the_limit_pass_whole_chunked_or_not(world: World, db) -> None:
    app = create_app(make_settings(db.settings.database_url, max_body_bytes=2_000))
    app.state.db = db
    async with Browser(transport=httpx.ASGITransport(app=app), base_url="http://t") as browser:
        token = await browser.csrf_token("/login")
        fields = {"csrf_token": token, "email": world.organizer.email, "password": PASSWORD}
        form = "&".join(f"{k}={v}" for k, v in fields.items()).encode()
        form += b"&next=/manage%3F" + b"x" * (2_000 - len(form) - len(b"&next=/manage%3F"))
        assert len(form) == 2_000

        async def chunked() -> AsyncIterator[bytes]:
            for start in range(0, len(form), 300):
                yield form[start : start + 300]

        headers = {"content-type": "application/x-www-form-urlencoded"}
        response = await browser.post("/login", content=chunked(), headers=headers)
        assert response.status_code == 303  # read whole, chunk by chunk, by the handler
        browser.cookies.delete("pf_session")
        response = await browser.post("/login", content=form, headers=headers)
        assert response.status_code == 303
        response = await browser.post("/login", content=form + b"x", headers=headers)
        assert response.status_code == 413
        assert "2 KB" in response.text


async def test_a_route_prefix_can_have_a_larger_limit() -> None:
    seen: list[int] = []

    async def echo(scope: Scope, receive: Receive, send: Send) -> None:
        size, more = 0, True
        while more:
            message: Message = await receive()
            size += len(message.get("body", b""))
            more = message.get("more_body", False)
        seen.append(size)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(size).encode()})

    app = BodyLimitMiddleware(echo, max_bytes=MB, prefixes={"/api/v1/uploads": 10 * MB})
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        upload = await client.post("/api/v1/uploads/7", content=Body(3 * MB))
        assert (upload.status_code, upload.text) == (200, str(3 * MB))
        elsewhere = await client.post("/api/v1/events", content=b"x" * (3 * MB))
        assert elsewhere.status_code == 413
        too_big = await client.post("/api/v1/uploads/7", content=b"x" * (10 * MB + 1))
        assert too_big.status_code == 413
        assert json.loads(too_big.text)["detail"].endswith("10 MB.")
    assert seen == [3 * MB]


def _peak_memory_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
    assert match, status
    return int(match.group(1))


def _post_20_mb(port: int, *, chunked: bool) -> tuple[int, float | None]:
    """Sends a 20 MB JSON body over a real socket: the status, and how soon it came when it
    came before the body was sent (None if only after)."""
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {BIG}"
    head = (
        f"POST {QUESTIONS} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"{framing}\r\n\r\n"
    ).encode()
    piece = b"[" + b"1," * (CHUNK // 2 - 1) + b"1"
    early: float | None = None
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        started = time.monotonic()
        sock.sendall(head)
        status_line = b""
        for sent in range(1, BIG // len(piece) + 1):
            sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            if sent == (40 if chunked else 1):  # 2.5 MB chunked, else 64 KB
                sock.settimeout(2)
                with suppress(TimeoutError):
                    status_line = sock.recv(64)
                    early = time.monotonic() - started
                sock.settimeout(30)
        if chunked:
            sock.sendall(b"0\r\n\r\n")
        status_line = status_line or sock.recv(64)
    match = re.match(rb"HTTP/1.1 (\d{3})", status_line)
    assert match, status_line
    return int(match.group(1)), early


def test_eight_20_mb_posts_leave_a_real_servers_memory_as_it_was(tmp_path: Path) -> None:
    with live_server(tmp_path) as server:
        for _ in range(3):  # warm up: the first requests load what every request needs
            httpx.post(server.base_url + QUESTIONS, json={"body": "x" * 500})
        _post_20_mb(server.port, chunked=False)  # and the first 413 (number formats, ...)
        before = _peak_memory_kb(server.pid)
        results = [_post_20_mb(server.port, chunked=n % 2 == 1) for n in range(8)]
        after = _peak_memory_kb(server.pid)
        # the server still answers, on the connection it drained too
        assert httpx.get(server.base_url + "/healthz").status_code == 200
    assert [status for status, _early in results] == [413] * 8, server.log()
    answered = [early for _status, early in results]
    assert all(early is not None and early < 2 for early in answered), answered
    # in KB; without the limit the peak went from ~95 MB to ~400 MB, and stayed at ~200 MB
    assert after - before < 4 * 1024, (before, after)
