"""X-Forwarded-For is believed only from the proxies FORWARDED_ALLOW_IPS names: by default from
nobody, so a client on the same machine cannot pick the IP its rate limits are counted on."""

import re
import sqlite3
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from app.config import Settings
from tests.liveserver import live_server

SPOOFED = "203.0.113.50"


def _failed_sign_in_through(base_url: str) -> None:
    headers = {"X-Forwarded-For": SPOOFED}
    with httpx.Client(base_url=base_url, headers=headers) as client:
        page = client.get("/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token, page.text
        response = client.post(
            "/login",
            data={"csrf_token": token.group(1), "email": "who@example.org", "password": "x"},
        )
        assert response.status_code == 400


def _ips_counted(database_url: str) -> set[str]:
    path = database_url.removeprefix("sqlite+aiosqlite:///")
    with sqlite3.connect(path) as connection:
        keys = [key for (key,) in connection.execute("SELECT key FROM rate_limit_counter")]
    return {key.removeprefix("login:ip:") for key in keys if key.startswith("login:ip:")}


@pytest.mark.parametrize(
    ("setting", "counted"),
    [(None, "127.0.0.1"), ("127.0.0.1", SPOOFED), ("10.0.0.0/8", "127.0.0.1")],
    ids=["unset", "loopback-trusted", "another-proxy-trusted"],
)
def test_the_rate_limiter_counts_the_forwarded_ip_only_from_a_trusted_proxy(
    tmp_path: Path, setting: str | None, counted: str
) -> None:
    env = {"FORWARDED_ALLOW_IPS": setting} if setting else {}
    with live_server(tmp_path, env=env) as server:
        _failed_sign_in_through(server.base_url)
    assert _ips_counted(server.database_url) == {counted}, server.log()


def test_the_setting_takes_addresses_networks_or_a_star(tmp_path: Path) -> None:
    assert Settings(var_dir=tmp_path).forwarded_allow_ips == ""
    spaced = Settings(var_dir=tmp_path, forwarded_allow_ips=" 10.0.0.0/8, ::1 ,127.0.0.1")
    assert spaced.forwarded_allow_ips == "10.0.0.0/8,::1,127.0.0.1"
    assert Settings(var_dir=tmp_path, forwarded_allow_ips="*").forwarded_allow_ips == "*"
    with pytest.raises(ValidationError, match="FORWARDED_ALLOW_IPS"):
        Settings(var_dir=tmp_path, forwarded_allow_ips="proxy.example")
