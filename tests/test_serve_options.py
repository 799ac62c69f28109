"""`serve` runs uvicorn on asyncio's event loop: uvloop accepts one new connection per turn of
the loop, which made a burst of new connections wait ~1 s for their first answer."""

import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from typer.testing import CliRunner

from app.cli import EVENT_LOOP, KEEP_ALIVE_SECONDS, cli
from app.config import get_settings
from app.http_protocol import HTTP_PROTOCOL
from tests.liveserver import live_server


def test_serve_runs_uvicorn_on_asyncios_loop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: seen.update(options, app=app))
    monkeypatch.setenv("VAR_DIR", str(tmp_path))
    for name in ("HOST", "PORT", "BASE_URL"):
        monkeypatch.setenv(name, "placeholder")  # restored after the test
        monkeypatch.delenv(name)
    try:
        done = CliRunner().invoke(cli, ["serve", "--port", "8109", "--no-access-log"])
    finally:
        get_settings.cache_clear()
    assert done.exit_code == 0, done.output
    assert EVENT_LOOP == "asyncio"
    assert seen["app"] == "app.main:create_app"
    assert seen["loop"] == "asyncio"
    assert seen["http"] == HTTP_PROTOCOL  # Nagle off, several workers too
    assert seen["port"] == 8109
    assert seen["timeout_keep_alive"] == KEEP_ALIVE_SECONDS
    assert seen["access_log"] is False  # the app's own access log, never uvicorn's


def test_several_workers_answer_without_waiting_for_delayed_acks(tmp_path: Path) -> None:
    """With two workers uvicorn shares a socket it opened itself, and asyncio left Nagle on for
    its connections: each answer waited ~40 ms for the client's delayed ACK."""
    times = []
    with (
        live_server(tmp_path, "--workers", "2", "--no-access-log") as server,
        httpx.Client(base_url=server.base_url, timeout=10) as client,
    ):
        client.get("/healthz")
        for _ in range(20):
            started = time.perf_counter()
            assert client.get("/healthz").status_code == 200
            times.append(time.perf_counter() - started)
    assert sorted(times)[10] < 0.02, f"median {sorted(times)[10] * 1000:.0f} ms"
