"""The access log names the route (`/r/{token}`), never the path with a ticket's or a question's
token in it; `serve` writes it instead of uvicorn's, and `--no-access-log` still silences it."""

import logging
import re
from pathlib import Path

import httpx
import pytest

from app.db import Database
from tests.conftest import Browser, World
from tests.liveserver import live_server
from tests.test_registration_pages import add_event, ticket_of

TOKEN = re.compile(r"[0-9a-f]{64}")


async def test_a_ticket_page_is_logged_by_its_route_not_its_token(
    citizen: Browser, world: World, db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    event_id = await add_event(db, world)
    ticket = await ticket_of(citizen, event_id)
    token = ticket.removeprefix("/r/")
    assert TOKEN.fullmatch(token)
    caplog.set_level(logging.INFO, logger="app.access")
    assert (await citizen.get(ticket)).status_code == 200
    assert (await citizen.get(f"{ticket}/cancel?from={token}")).status_code == 200
    assert (await citizen.head(ticket)).status_code == 200
    assert (await citizen.get(f"/no/such/{token}")).status_code == 404
    lines = [r.getMessage() for r in caplog.records if r.name == "app.access"]
    assert lines[0].startswith('"GET /r/{token}" 200 ')
    assert lines[0].endswith(" ms")
    assert lines[1].startswith('"GET /r/{token}/cancel" 200 ')
    assert lines[2].startswith('"HEAD /r/{token}" 200 ')  # its route is not in the scope: masked
    assert lines[3].startswith('"GET /no/such/{token}" 404 ')
    assert len(lines) == 4
    assert token not in caplog.text
    assert not TOKEN.search(caplog.text)


async def test_a_question_link_is_logged_by_its_route(
    citizen: Browser, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="app.access")
    secret = "Zq3" * 15
    await citizen.get(f"/q/{secret}")
    await citizen.post(f"/api/v1/questions/{secret[:20]}/votes")  # not an id: 422, route kept
    lines = [r.getMessage() for r in caplog.records if r.name == "app.access"]
    assert lines[0].startswith('"GET /q/{question_token}" ')
    assert lines[1].startswith('"POST /api/v1/questions/{question_id}/votes" 422 ')
    assert secret[:16] not in caplog.text


def test_serve_writes_this_log_and_not_uvicorns(tmp_path: Path) -> None:
    secret = "a1b2c3d4" * 8
    with live_server(tmp_path / "on") as server:
        assert httpx.get(f"{server.base_url}/r/{secret}?x={secret}").status_code == 404
    log = server.log()
    assert '"GET /r/{token}" 404 ' in log
    assert secret not in log
    with live_server(tmp_path / "off", "--no-access-log") as quiet:
        assert httpx.get(f"{quiet.base_url}/r/{secret}").status_code == 404
    assert "/r/" not in quiet.log()
    assert "Application startup complete" in quiet.log()  # the rest of the log is still there
