"""`serve` runs uvicorn on asyncio's event loop: uvloop accepts one new connection per turn of
the loop, which made a burst of new connections wait ~1 s for their first answer."""

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from app.cli import EVENT_LOOP, KEEP_ALIVE_SECONDS, cli
from app.config import get_settings


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
    assert seen["port"] == 8109
    assert seen["timeout_keep_alive"] == KEEP_ALIVE_SECONDS
    assert seen["access_log"] is False  # the app's own access log, never uvicorn's
